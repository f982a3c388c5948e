//! Reading the files named on the command line.

use std::io::Read;
use std::path::Path;

use merit::Format;

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

pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{} is not UTF-8 text (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// The format of a record file, by its extension.
pub fn format_of(path: &Path, stdin_format: &str) -> Result<Format, String> {
    if path.as_os_str() == "-" {
        return Format::parse(stdin_format).ok_or_else(|| format!("unknown input format `{stdin_format}`"));
    }
    Format::from_path(&path.to_string_lossy()).ok_or_else(|| {
        format!(
            "{}: unknown record format; use .jsonl, .json, .csv or .yaml",
            path.display()
        )
    })
}
