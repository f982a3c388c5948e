//! Where a command's output goes: standard output or `--output FILE`, and the CSV
//! dialect Excel reads without garbling Chinese (a UTF-8 BOM, CRLF line ends).

use std::fs::File;
use std::io::{BufWriter, Write};

use crate::cli::OutputArgs;

/// The UTF-8 byte-order mark: Excel on Chinese Windows reads a CSV as GBK without it.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Standard output, or the `--output` file (created or truncated). (`--explain`
/// still prints to standard output.)
pub fn open(args: &OutputArgs) -> Result<Box<dyn Write>, String> {
    match &args.output {
        None => Ok(Box::new(std::io::stdout().lock())),
        Some(path) => {
            let file = File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(Box::new(BufWriter::new(file)))
        }
    }
}

/// Writes a whole file's bytes (an xlsx workbook) to the `--output` file, which
/// binary output requires: a workbook on a terminal is noise.
pub fn write_file(args: &OutputArgs, bytes: &[u8]) -> Result<(), String> {
    let Some(path) = &args.output else {
        return Err("`--format xlsx` writes a file: add `--output FILE.xlsx`".to_owned());
    };
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A CSV writer on `out`: with `excel`, the BOM first and CRLF line ends.
pub fn csv_writer<W: Write>(mut out: W, excel: bool) -> std::io::Result<csv::Writer<W>> {
    let mut builder = csv::WriterBuilder::new();
    if excel {
        out.write_all(BOM)?;
        builder.terminator(csv::Terminator::CRLF);
    }
    Ok(builder.from_writer(out))
}
