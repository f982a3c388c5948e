//! Reading the files named on the command line.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;

use merit::{Format, Members, Records, Rulebook, ScoreOptions, ScoreRequest};

use crate::cli::InputArgs;

impl InputArgs {
    /// The options as the engine's request, checked there like every front end's.
    pub fn request(&self) -> ScoreRequest {
        ScoreRequest {
            from: self.from.clone(),
            to: self.to.clone(),
            as_of: self.as_of.clone(),
            period: self.period.clone(),
            lang: self.lang.clone(),
            sheet: self.sheet.clone(),
            ..ScoreRequest::default()
        }
    }
}

/// Reads a file, or standard input for `-`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Reads a rulebook: at most the rulebook size limit and one byte more, so that a
/// 200 MB file or an endless device is refused after 4 MiB, not read whole.
pub fn read_text(path: &Path) -> Result<String, String> {
    let limit = merit::Limits::default().max_bytes;
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().take(limit as u64 + 1).read_to_end(&mut bytes)
    } else {
        File::open(path).and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() > limit {
        return Err(format!(
            "{} is larger than the rulebook limit of {limit} bytes",
            path.display()
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 text (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The format a record file's name says (`--stdin-format` for `-`); `None` when its
/// first bytes decide ([`Format::by_name`]: one rule for every front end).
fn named_format(path: &Path, stdin_format: Option<&str>) -> Result<Option<Format>, String> {
    if path.as_os_str() == "-"
        && let Some(name) = stdin_format
    {
        return Format::parse(name)
            .map(Some)
            .ok_or_else(|| format!("unknown input format `{name}`"));
    }
    Format::by_name(&path.to_string_lossy()).map_err(|e| format!("{}: {e}", path.display()))
}

/// The first bytes of an opened file (enough for [`Format::sniff`]); the file is
/// left at its start.
fn head_of(mut file: &File) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    file.take(Format::SNIFF_BYTES as u64).read_to_end(&mut head)?;
    file.rewind()?;
    Ok(head)
}

/// Loads a rulebook from a file; `script_file:` entries are read from the rulebook's
/// own folder and never from outside it. Diagnostics are printed; `None` then.
pub fn load_book(path: &Path, color: bool) -> Result<Option<merit::Rulebook>, String> {
    let source = read_text(path)?;
    let name = path.display().to_string();
    match merit::Rulebook::loader()
        .folder(folder_of(path))
        .load(&source, &name)
    {
        Ok(book) => Ok(Some(book)),
        Err(error) => {
            eprint!("{}", error.render(color));
            Ok(None)
        }
    }
}

/// The folder `script_file:` entries of the rulebook at `path` are read from.
pub fn folder_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new(""))
}

/// The record files and member profiles named on the command line. Record files
/// are read once so that several rulebooks (`merit diff`) can type them by their own
/// schema, or only opened, for `merit score` to stream.
pub struct Inputs {
    files: Vec<RecordFile>,
    pub members: Option<Members>,
    pub options: ScoreOptions,
    pub bytes: usize,
    /// `--sheet`: the sheet of a spreadsheet to read.
    sheet: Option<String>,
}

struct RecordFile {
    name: String,
    format: Format,
    data: Data,
}

enum Data {
    Read(Vec<u8>),
    /// A file opened but not read (never standard input, which can be read once).
    Open(File),
}

impl Inputs {
    /// Reads every record file.
    pub fn read(args: &InputArgs) -> Result<Inputs, String> {
        Inputs::new(args, false)
    }

    /// Opens the record files, reading only standard input.
    pub fn open(args: &InputArgs) -> Result<Inputs, String> {
        Inputs::new(args, true)
    }

    fn new(args: &InputArgs, only_open: bool) -> Result<Inputs, String> {
        // The options first: a bad one is refused before any file is read.
        let options = args.request().validate().map_err(|e| e.to_string())?.options;
        let mut files = Vec::new();
        let mut bytes = 0;
        for path in &args.records {
            let named = named_format(path, args.stdin_format.as_deref())?;
            let (data, format) = if only_open && path.as_os_str() != "-" {
                let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
                let file = File::open(path).map_err(cannot)?;
                bytes += file.metadata().map_err(cannot)?.len() as usize;
                let format = match named {
                    Some(format) => format,
                    None => Format::sniff(&head_of(&file).map_err(cannot)?),
                };
                (Data::Open(file), format)
            } else {
                let data = read_bytes(path)?;
                bytes += data.len();
                let format = named.unwrap_or_else(|| Format::sniff(&data));
                (Data::Read(data), format)
            };
            files.push(RecordFile {
                name: path.display().to_string(),
                format,
                data,
            });
        }
        let members = match &args.members {
            None => None,
            Some(path) => {
                let named = named_format(path, Some("jsonl"))?;
                let data = read_bytes(path)?;
                let format = named.unwrap_or_else(|| Format::sniff(&data));
                Some(Members::read(&data, format).map_err(|e| format!("{}: {e}", path.display()))?)
            }
        };
        Ok(Inputs {
            files,
            members,
            options,
            bytes,
            sheet: args.sheet.clone(),
        })
    }

    /// The only record file, when there is one and it is opened, not read: its
    /// name, format, and the file at its start.
    pub fn only_file(&self) -> Option<(&str, Format, &File)> {
        match &self.files[..] {
            [
                RecordFile {
                    name,
                    format,
                    data: Data::Open(file),
                },
            ] => Some((name, *format, file)),
            _ => None,
        }
    }

    /// The records typed by `book`'s schema; an input that cannot be read at all
    /// (not a JSON array, a CSV without header) is an error naming the file.
    pub fn records(&self, book: &Rulebook) -> Result<Records, String> {
        let mut records = Records::new().with_sheet(self.sheet.clone());
        for RecordFile { name, format, data } in &self.files {
            let read;
            let data = match data {
                Data::Read(data) => data,
                Data::Open(file) => {
                    let mut file: &File = file;
                    let mut bytes = Vec::new();
                    file.rewind()
                        .and_then(|()| file.read_to_end(&mut bytes))
                        .map_err(|e| format!("cannot read {name}: {e}"))?;
                    read = bytes;
                    &read
                }
            };
            records
                .read(book, data, *format, name)
                .map_err(|e| format!("{name}: {e}"))?;
        }
        Ok(records)
    }
}
