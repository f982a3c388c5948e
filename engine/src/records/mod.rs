//! Reading activity records from JSONL, JSON, CSV and YAML, typed by the rulebook's
//! schema.
//!
//! Nothing is lost silently: every record of an input is either returned as a
//! [`Record`] or listed as [`Rejected`] with its position and a reason that names the
//! field, what was expected and what was found. Only a failure of the whole input (a
//! JSON document that does not parse, a CSV without a header, a YAML syntax error,
//! bytes that are not UTF-8 where the format must be text) is an [`InputError`].
//!
//! | file | job |
//! | --- | --- |
//! | `mod.rs` | formats, options, errors, [`read`] |
//! | `reader.rs` | [`Reader`]: JSONL and CSV read record by record from a stream |
//! | `builder.rs` | assembling one record from its keys, whatever the format |
//! | `typing.rs` | typing one value by its schema field: decimals, bools, dates |
//! | `quick.rs` | the common cell forms (`3.5`, `true`, `2026-03-01`) typed without the general path |
//! | `jsonl.rs`, `json.rs`, `csv.rs`, `yaml.rs` | one reader per format |
//! | `csv_rows.rs` | CSV rows cut from a stream as the `csv` crate cuts them, plain lines without its parser |
//! | `members.rs` | member profiles (`--members FILE`) |
//! | `sniff.rs` | which format an input is in: its name's extension, else its first bytes |
//! | `split.rs` | a JSONL or CSV input cut in blocks typed on every core, into [`columns`] parts |
//! | `columns/` | records kept as typed columns, a part per block, for a stream of an unsorted input |
//!
//! The test `a_jsonl_input_reads_into_records_and_rejections` (in `tests.rs`) shows a read.

#[cfg(feature = "arrow")]
pub mod arrow;
mod builder;
pub(crate) mod columns;
mod csv;
mod csv_rows;
mod encoding;
pub use encoding::is_gb18030;
mod json;
mod jsonl;
mod members;
mod quick;
mod reader;
#[cfg(feature = "office")]
pub mod sheet;
mod sniff;
pub mod spec;
pub(crate) mod split;
pub(crate) mod typing;
mod yaml;

use std::fmt;

use jiff::tz::TimeZone;

pub use members::Members;
pub use reader::Reader;
pub use spec::{DEFAULT_INPUT, Encoding, InputSpec};

use crate::record::{Record, Rejected, Warning};
use crate::schema::Schema;

/// The format of a records input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// One JSON array of objects (`.json`).
    Json,
    /// A header row, then one record per row (`.csv`).
    Csv,
    /// A YAML sequence of mappings (`.yaml`, `.yml`).
    Yaml,
    /// A spreadsheet (`.xlsx`, `.xls`, `.ods`): one sheet, its first non-empty row
    /// the header (feature `office`).
    Sheet,
}

impl Format {
    /// The format a file name's extension implies, in any case.
    ///
    /// ```
    /// use merit::Format;
    /// assert_eq!(Format::from_path("data/2026-03.NDJSON"), Some(Format::Jsonl));
    /// assert_eq!(Format::from_path("notes.txt"), None);
    /// ```
    pub fn from_path(path: &str) -> Option<Format> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let (_, extension) = name.rsplit_once('.')?;
        Format::parse(extension)
    }

    /// A format by name (`jsonl`, `ndjson`, `json`, `csv`, `yaml`, `yml`), in any case.
    pub fn parse(name: &str) -> Option<Format> {
        const NAMES: [(&str, Format); 10] = [
            ("jsonl", Format::Jsonl),
            ("ndjson", Format::Jsonl),
            ("json", Format::Json),
            ("csv", Format::Csv),
            ("yaml", Format::Yaml),
            ("yml", Format::Yaml),
            ("xlsx", Format::Sheet),
            ("xlsm", Format::Sheet),
            ("xls", Format::Sheet),
            ("ods", Format::Sheet),
        ];
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, f)| f)
    }

    /// The format's name in messages (`jsonl`, `spreadsheet`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Yaml => "yaml",
            Format::Sheet => "spreadsheet",
        }
    }
}

/// The largest record read by default: 1 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1 << 20;

/// How to read one input.
#[derive(Clone, Debug)]
pub struct ReadOptions<'a> {
    pub schema: &'a Schema,
    /// Datetimes with an offset are mapped to their local date here.
    pub timezone: &'a TimeZone,
    /// Index of this input among several (copied into [`Record::source`]).
    pub source: u32,
    /// Set when several inputs are read; copied into [`Rejected::source`].
    pub source_name: Option<&'a str>,
    /// A record larger than this (a JSONL line, a CSV row, a JSON array element) is
    /// rejected. Default [`DEFAULT_MAX_RECORD_BYTES`].
    pub max_record_bytes: usize,
    /// How the data is written (the rulebook's `input:` and `kinds:`).
    pub input: &'a InputSpec,
    /// The sheet of a spreadsheet to read (`--sheet`); the first when `None`. Only
    /// the spreadsheet reader (feature `office`) reads it.
    #[cfg_attr(not(feature = "office"), allow(dead_code))]
    pub sheet: Option<&'a str>,
}

impl<'a> ReadOptions<'a> {
    /// Options for a single input: source 0, no name, the default limits, data read
    /// as written ([`DEFAULT_INPUT`]).
    pub fn new(schema: &'a Schema, timezone: &'a TimeZone) -> Self {
        ReadOptions {
            schema,
            timezone,
            source: 0,
            source_name: None,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            input: &DEFAULT_INPUT,
            sheet: None,
        }
    }
}

/// A failure of a whole input, located when possible (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// A stable identifier: `unreadable-input` for most, `no-sheet` for a sheet
    /// the workbook does not have, `unknown-format` for a name whose extension
    /// merit does not read.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// The 1-based line, when one can be named.
    pub line: Option<u64>,
    /// The 1-based column, when one can be named.
    pub column: Option<u64>,
}

impl InputError {
    /// The code of an input that cannot be read at all.
    pub const UNREADABLE: &'static str = "unreadable-input";

    /// The same error under another code.
    pub(crate) fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// The stable identifier of what was wrong.
    pub fn code(&self) -> &'static str {
        self.code
    }

    pub(crate) fn new(message: impl Into<String>) -> Self {
        InputError {
            code: InputError::UNREADABLE,
            message: message.into(),
            line: None,
            column: None,
        }
    }

    pub(crate) fn at(message: impl Into<String>, line: u64, column: Option<u64>) -> Self {
        InputError {
            code: InputError::UNREADABLE,
            message: message.into(),
            line: Some(line),
            column,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: {}", self.message),
            (Some(line), None) => write!(f, "line {line}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// Reads every record of one input into `records`, and every record that cannot be
/// read into `rejected` with its reason.
///
/// Positions are 1-based: the line for JSONL (blank lines are skipped but counted),
/// the data row for CSV (the first row after the header is 1), the element for JSON
/// and YAML. Text is first decoded as `input.encoding` says. Returns the input's
/// warnings: names that are no key of the rulebook.
pub fn read(
    input: &[u8],
    format: Format,
    options: &ReadOptions<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Result<Vec<Warning>, InputError> {
    if format == Format::Sheet {
        return read_sheet(input, options, records, rejected);
    }
    let input = encoding::decode(input, options.input.encoding)?;
    let input = &input[..];
    let mut builder = builder::Builder::new(options);
    match format {
        Format::Jsonl => jsonl::read(input, &mut builder, records, rejected),
        Format::Json => json::read(input, &mut builder, records, rejected)?,
        Format::Csv => csv::read(input, &mut builder, records, rejected)?,
        Format::Yaml => yaml::read(input, &mut builder, records, rejected)?,
        Format::Sheet => {}
    }
    Ok(builder.warnings())
}

/// Reads records given as JSON values rather than bytes (see [`json::read_values`]);
/// returns the inputs' warnings (unknown keys), as [`read`] does.
pub(crate) fn read_values<V: std::borrow::Borrow<serde_json::Value>>(
    values: impl IntoIterator<Item = Result<V, String>>,
    options: &ReadOptions<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Vec<Warning> {
    let mut builder = builder::Builder::new(options);
    json::read_values(values, &mut builder, records, rejected);
    builder.warnings()
}

#[cfg(feature = "office")]
fn read_sheet(
    input: &[u8],
    options: &ReadOptions<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Result<Vec<Warning>, InputError> {
    sheet::read(input, options, records, rejected)
}

#[cfg(not(feature = "office"))]
fn read_sheet(
    _: &[u8],
    _: &ReadOptions<'_>,
    _: &mut Vec<Record>,
    _: &mut Vec<Rejected>,
) -> Result<Vec<Warning>, InputError> {
    Err(InputError::new(
        "this build of merit reads no spreadsheets (feature `office`); save the sheet as CSV",
    ))
}

/// The input as text without a leading byte-order mark, or where it stops being UTF-8.
pub(crate) fn text(input: &[u8]) -> Result<&str, InputError> {
    let (bom, input) = match input.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, input),
    };
    std::str::from_utf8(input).map_err(|e| {
        let valid = e.valid_up_to();
        let before = std::str::from_utf8(input.get(..valid).unwrap_or_default()).unwrap_or_default();
        let (line, column) = line_col(before, valid);
        InputError::at(
            format!("input is not valid UTF-8 (byte {})", bom + valid),
            line,
            Some(column),
        )
    })
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let (line, column) = crate::diagnostic::line_col(text, offset);
    (line as u64, column as u64)
}

/// An input that failed to read (an I/O error, not a format error).
pub(crate) fn read_error(error: &std::io::Error) -> InputError {
    InputError::new(format!("cannot read the input: {error}"))
}

/// "record is larger than 1 MiB", in the unit the limit was given in.
pub(crate) fn too_large(limit: usize) -> String {
    if limit >= 1 << 20 && limit.is_multiple_of(1 << 20) {
        format!("record is larger than {} MiB", limit >> 20)
    } else {
        format!("record is larger than {limit} bytes")
    }
}

#[cfg(test)]
mod tests;
