//! CSV records: a header row naming the columns, then one record per row.
//!
//! Columns are matched to schema slots once, from the header; rows are cut by a
//! [`RowReader`] into one reused [`Row`], checked to be UTF-8 once, and their cells
//! handed to the builder as slices of that text. Cells are text: the schema
//! decides their type, and an empty cell counts as missing.
//!
//! Every row is scored or rejected: a row that is not UTF-8 is rejected alone (with
//! a hint to declare `input.encoding`), and a quote left open rejects its row,
//! saying how many rows it swallowed up to the end of the input.

use std::collections::HashMap;
use std::io::{BufRead, Read};

use csv::Reader;

use super::builder::{Accept, Builder, Keep, Key};
use super::csv_rows::{Row, RowReader};
use super::typing::Raw;
use super::{InputError, too_large};
use crate::record::{Record, Rejected};

/// Reads a whole CSV input held in memory (already decoded to UTF-8 when the
/// rulebook declares another encoding).
pub(crate) fn read(
    input: &[u8],
    builder: &mut Builder<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Result<(), InputError> {
    let mut rows = Rows::new(input, builder)?;
    while rows.next(builder, None, records, rejected)? {}
    Ok(())
}

/// A CSV input read row by row, its columns matched to the schema from the header.
pub(crate) struct Rows<R> {
    reader: RowReader<R>,
    columns: Vec<Option<Key>>,
    id_column: Option<usize>,
    member_column: Option<usize>,
    /// The current row, reused.
    row: Row,
    /// The current row's number (the first row after the header is 1).
    position: u64,
}

impl<R> Rows<R> {
    /// The position of the last row read.
    pub(crate) fn position(&self) -> u64 {
        self.position
    }
}

impl<R: BufRead> Rows<R> {
    /// Reads the header; an input without `member`, `kind` and `date` columns fails.
    pub(crate) fn new(input: R, builder: &mut Builder<'_>) -> Result<Self, InputError> {
        let mut reader = RowReader::new(input).map_err(|e| read_error(&e))?;
        let mut header = Row::default();
        reader.read(&mut header, false).map_err(|e| read_error(&e))?;
        if header.text().is_err() {
            return Err(InputError::at(
                format!("the header is not valid UTF-8; {ENCODING_HINT}"),
                1,
                None,
            ));
        }
        let names = names(header.len(), header.size() == 0, header.iter())?;
        let columns: Vec<Option<Key>> = names.iter().map(|name| builder.key(name)).collect();
        for (required, key) in [("member", Key::Member), ("kind", Key::Kind), ("date", Key::Date)] {
            if !columns.contains(&Some(key)) {
                let message = format!(
                    "the header has no `{required}` column (a CSV of records needs a header row \
                     naming `member`, `kind` and `date`; found {})",
                    names
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                return Err(InputError::at(message, 1, None));
            }
        }
        Ok(Rows {
            reader,
            id_column: columns.iter().position(|k| *k == Some(Key::Id)),
            member_column: columns.iter().position(|k| *k == Some(Key::Member)),
            columns,
            row: Row::default(),
            position: 0,
        })
    }

    /// Reads the next row as a record (accepted, rejected, or skipped because `keep`
    /// refuses its member); `false` at the end. A row that is not UTF-8 fails the
    /// input (see [`read`]).
    pub(crate) fn next(
        &mut self,
        builder: &mut Builder<'_>,
        keep: Option<&Keep>,
        records: &mut impl Accept,
        rejected: &mut Vec<Rejected>,
    ) -> Result<bool, InputError> {
        let row = &mut self.row;
        if !self.reader.read(row, true).map_err(|e| read_error(&e))? {
            return Ok(false);
        }
        self.position += 1;
        let position = self.position;
        if let Some(swallowed) = self.reader.open_quote(row) {
            let message = format!(
                "a quote opened on line {} is never closed: the row runs to the end of the input, \
                 swallowing {swallowed} more line(s) that are not read as rows",
                row.line()
            );
            builder.start();
            builder.reject(position, message, rejected);
            return Ok(true);
        }
        let text = match row.text() {
            Ok(text) => text,
            Err(valid) => {
                builder.start();
                let message = format!(
                    "row is not valid UTF-8 (byte {} of the row); {ENCODING_HINT}",
                    valid + 1
                );
                builder.reject(position, message, rejected);
                return Ok(true);
            }
        };
        // The row is UTF-8 and cut only at ASCII bytes: each cell is a slice of it.
        let cell = |i: usize| row.cell(i).and_then(|cell| text.get(cell));
        if let Some(keep) = keep {
            // An empty cell is no member. The member is read as the rulebook reads
            // it (trimmed when it says so).
            let member = self.member_column.and_then(cell).unwrap_or_default();
            let member = builder.text(member);
            if member.is_empty() || !keep(&member) {
                return Ok(true);
            }
        }
        builder.start();
        // The id first, so that even a malformed row is reported with it.
        if let Some(id) = self.id_column.and_then(cell) {
            builder.set(Key::Id, if id.is_empty() { Raw::Null } else { Raw::Cell(id) });
        }
        if row.len() != self.columns.len() {
            let message = format!(
                "row has {} cells but the header has {} columns",
                row.len(),
                self.columns.len()
            );
            builder.reject(position, message, rejected);
            return Ok(true);
        }
        if row.size() > builder.max_record_bytes {
            builder.reject(position, too_large(builder.max_record_bytes), rejected);
            return Ok(true);
        }
        for (i, key) in self.columns.iter().enumerate() {
            let Some(key) = key.filter(|k| *k != Key::Id) else {
                continue;
            };
            let cell = cell(i).unwrap_or_default();
            builder.set(
                key,
                if cell.is_empty() {
                    Raw::Null
                } else {
                    Raw::Cell(cell)
                },
            );
        }
        builder.finish(position, records, rejected);
        Ok(true)
    }
}

const ENCODING_HINT: &str =
    "if the file was saved as GBK/GB18030 (Excel, WPS), declare `input: { encoding: auto }` in the rulebook";

/// The header row, as text without a byte-order mark; duplicate names are an error.
pub(crate) fn header<R: Read>(reader: &mut Reader<R>) -> Result<Vec<String>, InputError> {
    let header = reader.byte_headers().map_err(|e| csv_error(&e))?;
    names(header.len(), header.as_slice().is_empty(), header.iter())
}

/// A header row's `count` cells (`blank` when they hold no byte) as names; an
/// empty header and duplicate names are errors.
fn names<'c>(
    count: usize,
    blank: bool,
    cells: impl Iterator<Item = &'c [u8]>,
) -> Result<Vec<String>, InputError> {
    if count == 0 || (count == 1 && blank) {
        return Err(InputError::at(
            "the CSV is empty: a header row naming the columns is required",
            1,
            None,
        ));
    }
    let mut names = Vec::with_capacity(count);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, cell) in cells.enumerate() {
        let cell = if i == 0 {
            cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell)
        } else {
            cell
        };
        let name = String::from_utf8_lossy(cell).into_owned();
        if let Some(first) = seen.insert(name.clone(), i + 1) {
            let message = format!(
                "column `{name}` appears twice in the header (columns {first} and {})",
                i + 1
            );
            return Err(InputError::at(message, 1, None));
        }
        names.push(name);
    }
    Ok(names)
}

/// A stream that failed mid-CSV, worded as the `csv` crate words it.
fn read_error(error: &std::io::Error) -> InputError {
    InputError::new(format!("not valid CSV: {error}"))
}

pub(crate) fn csv_error(error: &csv::Error) -> InputError {
    let line = error.position().map(|p| p.line());
    InputError {
        code: InputError::UNREADABLE,
        message: format!("not valid CSV: {error}"),
        line,
        column: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::tests::{outcome, schema};

    fn csv(input: &str) -> String {
        outcome(input.as_bytes(), Format::Csv, &schema())
    }

    #[test]
    fn reads_rows_by_header_name_with_bom_and_crlf() {
        let input = "\u{FEFF}id,date,member,kind,hours,verified,stars,resolved_on,extra\r\n\
                     r1,2026-03-14,m0042,volunteer,3.50,TRUE,4,,x\r\n\
                     ,2026-03-14T23:30:00Z,m2,volunteer,0.1,,,2026-03-20,\r\n\
                     r3,2026-03-14,0042,study,\"2.5\",no,5.0,,\"a, b\"\r\n";
        insta::assert_snapshot!(csv(input), @r"
        ok 1 id=r1 member=m0042 kind=volunteer date=2026-03-14 [3.50, true, 4, null]
        ok 2 id=#2 member=m2 kind=volunteer date=2026-03-15 [0.1, false, null, 2026-03-20]
        ok 3 id=r3 member=0042 kind=study date=2026-03-14 [2.5, false, 5, null]
        ");
    }

    #[test]
    fn every_reason_for_rejecting_a_row() {
        let input = "id,member,kind,date,hours,verified,stars\n\
                     a,m1,k,2026-03-14,three,,\n\
                     b,m1,k,2026-03-14,1,maybe,\n\
                     c,m1,k,2026-03-14,1,,4.5\n\
                     d,,k,2026-03-14,,,\n\
                     e,m1,,2026-03-14,,,\n\
                     f,m1,k,,,,\n\
                     g,m1,k,2026-02-30,,,\n\
                     h,m1,k,2026-03-14\n\
                     i,m1,k,2026-03-14,,,,\n\
                     j,m1,k,2026-03-14,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n\
                     k,m1,k,2026-03-14,,,\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n\
                     l,m1,k,2026-03-14,1e3,,\n";
        insta::assert_snapshot!(csv(input), @r#"
        rejected 1 (id a): field `hours`: expected decimal, got "three"
        rejected 2 (id b): field `verified`: expected bool, got "maybe"
        rejected 3 (id c): field `stars`: expected int, got "4.5"
        rejected 4 (id d): missing `member`
        rejected 5 (id e): missing `kind`
        rejected 6 (id f): missing `date`
        rejected 7 (id g): field `date`: 2026-02-30 is not a date: February 2026 has 28 days
        rejected 8 (id h): row has 4 cells but the header has 7 columns
        rejected 9 (id i): row has 8 cells but the header has 7 columns
        rejected 10 (id j): row has 186 cells but the header has 7 columns
        rejected 11 (id k): record is larger than 200 bytes
        rejected 12 (id l): field `hours`: expected decimal, got "1e3"
        "#);
    }

    #[test]
    fn an_open_quote_rejects_its_row_and_says_what_it_swallowed() {
        let input = "member,kind,date,hours\nm1,v,2026-03-01,2\nm2,v,2026-03-01,\"3\nm3,v,2026-03-01,1\nm4,v,2026-03-01,1\n";
        insta::assert_snapshot!(csv(input), @r"
        ok 1 id=#1 member=m1 kind=v date=2026-03-01 [2, false, null, null]
        rejected 2: a quote opened on line 3 is never closed: the row runs to the end of the input, swallowing 2 more line(s) that are not read as rows
        ");
        let closed = "member,kind,date,hours\nm1,v,2026-03-01,\"2\n\"\n";
        let note = "member,kind,date,hours,note\nm1,v,2026-03-01,2,\"a \"\"b\"\"\nc\"x\n";
        insta::assert_snapshot!(csv(note), @"ok 1 id=#1 member=m1 kind=v date=2026-03-01 [2, false, null, null]");
        insta::assert_snapshot!(csv(closed), @"ok 1 id=#1 member=m1 kind=v date=2026-03-01 [2, false, null, null]");
    }

    #[test]
    fn whole_input_failures() {
        insta::assert_snapshot!(csv(""), @"error: line 1: the CSV is empty: a header row naming the columns is required");
        insta::assert_snapshot!(csv("member,kind,date,kind\n"), @"error: line 1: column `kind` appears twice in the header (columns 2 and 4)");
        insta::assert_snapshot!(csv("m1,volunteer,2026-03-14\n"), @"error: line 1: the header has no `member` column (a CSV of records needs a header row naming `member`, `kind` and `date`; found `m1`, `volunteer`, `2026-03-14`)");
        insta::assert_snapshot!(csv("member,kind,date\n"), @"");
    }
}
