//! Spreadsheets as record inputs (`.xlsx`, `.xls`, `.ods`, read by calamine;
//! feature `office`): the first sheet, or the one named; the first non-empty row is
//! the header; a record's position is its row number in the sheet, as Excel shows it.
//!
//! Cells reach the [`Builder`] as text, as CSV cells do, so the rulebook's schema
//! and `input:` decide their type alike: a number is written in its shortest exact
//! form (`1.5`, `2`), and a cell Excel formats as a date is that date (`2026-01-01`).

use std::io::Cursor;

use calamine::{Data, Reader as _, open_workbook_auto_from_rs};

use super::builder::{Builder, Key};
use super::spec::excel_day;
use super::typing::Raw;
use super::{InputError, ReadOptions};
use crate::record::{Record, Rejected, Warning};

/// The most a zipped workbook (`.xlsx`, `.ods`) may unpack to, by the sizes its
/// parts declare: 256 MiB (a million rows of six columns is about 150 MB of XML).
/// A small file that unpacks to gigabytes (a zip bomb) is refused before calamine
/// reads it.
pub const MAX_UNPACKED_BYTES: u64 = 256 << 20;

/// Reads the records of one sheet of a workbook held in memory.
pub fn read(
    input: &[u8],
    options: &ReadOptions<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Result<Vec<Warning>, InputError> {
    check_unpacked_size(input)?;
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(input)).map_err(|e| {
        InputError::new(format!(
            "not a spreadsheet merit can read (.xlsx, .xls, .ods): {e}"
        ))
    })?;
    let names = workbook.sheet_names();
    let name = match options.sheet {
        Some(wanted) => names.iter().find(|n| *n == wanted).cloned().ok_or_else(|| {
            InputError::new(format!(
                "the workbook has no sheet `{wanted}`; its sheets: {}",
                names.join(", ")
            ))
            .with_code("no-sheet")
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| InputError::new("the workbook has no sheet"))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| InputError::new(format!("cannot read sheet `{name}`: {e}")))?;
    let first_row = u64::from(range.start().map_or(0, |(row, _)| row)) + 1;
    let mut builder = Builder::new(options);
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, row)| (first_row + i as u64, row))
        .filter(|(_, row)| row.iter().any(|c| !is_blank(c)));
    let Some((header_row, header)) = rows.next() else {
        return Err(InputError::new(format!(
            "sheet `{name}` is empty: a header row naming the columns is required"
        )));
    };
    let header: Vec<String> = header.iter().map(|c| text(c).unwrap_or_default()).collect();
    let columns: Vec<Option<Key>> = header.iter().map(|h| builder.key(h)).collect();
    for (required, key) in [("member", Key::Member), ("kind", Key::Kind), ("date", Key::Date)] {
        if !columns.contains(&Some(key)) {
            let found: Vec<String> = header
                .iter()
                .filter(|h| !h.is_empty())
                .map(|h| format!("`{h}`"))
                .collect();
            return Err(InputError::at(
                format!(
                    "sheet `{name}`: the header has no `{required}` column (found {}; map the sheet's \
                     names under `input.columns:` in the rulebook)",
                    found.join(", ")
                ),
                header_row,
                None,
            ));
        }
    }
    for (position, row) in rows {
        builder.start();
        // The id first, so that a record rejected for another cell is named by it.
        let cells = || {
            row.iter()
                .zip(&columns)
                .filter_map(|(cell, key)| key.map(|k| (cell, k)))
        };
        for (cell, _) in cells().filter(|(_, key)| *key == Key::Id) {
            set(&mut builder, Key::Id, cell);
        }
        for (cell, key) in cells().filter(|(_, key)| *key != Key::Id) {
            set(&mut builder, key, cell);
        }
        builder.finish(position, records, rejected);
    }
    Ok(builder.warnings())
}

/// Refuses a zipped workbook whose parts declare more than [`MAX_UNPACKED_BYTES`].
fn check_unpacked_size(input: &[u8]) -> Result<(), InputError> {
    if !input.starts_with(b"PK") {
        return Ok(());
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(input)) else {
        return Ok(()); // calamine says what is wrong with it
    };
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let size = archive.by_index_raw(i).map(|part| part.size()).unwrap_or(0);
        total = total.saturating_add(size);
        if total > MAX_UNPACKED_BYTES {
            return Err(InputError::new(format!(
                "the workbook unpacks to more than {} MiB; save the sheet as CSV (which is streamed)",
                MAX_UNPACKED_BYTES >> 20
            )));
        }
    }
    Ok(())
}

fn set(builder: &mut Builder<'_>, key: Key, cell: &Data) {
    match cell {
        Data::Bool(b) => builder.set(key, Raw::Bool(*b)),
        _ => match text(cell) {
            Some(text) => builder.set(key, Raw::Cell(&text)),
            None => builder.set(key, Raw::Null),
        },
    }
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as text: numbers in their shortest exact form, a date cell as its date
/// (`YYYY-MM-DD`, or with its time of day when it has one).
fn text(cell: &Data) -> Option<String> {
    Some(match cell {
        Data::Empty => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let serial = dt.as_f64();
            match excel_day(serial.floor() as i64) {
                Some(date) => date.to_string(),
                None => number(serial),
            }
        }
        Data::DateTime(dt) => number(dt.as_f64()),
        // Shown as Excel shows it (`#DIV/0!`), so its rejection says which.
        Data::Error(e) => e.to_string(),
    })
}

/// A spreadsheet number as text: Rust writes the shortest decimal that reads back
/// as the same binary number, which is what the user typed (`0.1`, not `0.1000…01`).
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_UNPACKED_BYTES, check_unpacked_size};

    /// A zip of one part that declares it unpacks to 1 GiB (146 bytes on disk).
    fn bomb() -> Vec<u8> {
        let name = b"xl/worksheets/sheet1.xml";
        let size: u32 = 1 << 30;
        let mut local = Vec::new();
        for part in [
            &0x0403_4b50u32.to_le_bytes()[..],
            &20u16.to_le_bytes(),
            &[0; 8],
            &[0; 8],
            &size.to_le_bytes(),
        ] {
            local.extend_from_slice(part);
        }
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&[0; 2]);
        local.extend_from_slice(name);
        let mut central = Vec::new();
        for part in [
            &0x0201_4b50u32.to_le_bytes()[..],
            &20u16.to_le_bytes(),
            &20u16.to_le_bytes(),
            &[0; 8],
            &[0; 8],
            &size.to_le_bytes(),
        ] {
            central.extend_from_slice(part);
        }
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(name);
        let mut out = local.clone();
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&(local.len() as u32).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn a_workbook_that_unpacks_to_more_than_the_limit_is_refused_unread() {
        assert!(u64::from(1u32 << 30) > MAX_UNPACKED_BYTES);
        let error = check_unpacked_size(&bomb()).expect_err("refused");
        assert_eq!(
            error.message,
            "the workbook unpacks to more than 256 MiB; save the sheet as CSV (which is streamed)"
        );
        let example = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/office/records.xlsx"
        ))
        .expect("example");
        assert!(check_unpacked_size(&example).is_ok());
    }
}
