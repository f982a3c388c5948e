//! An input read record by record, for inputs too large to hold: JSONL and CSV,
//! whose records are lines and rows. (A JSON array or a YAML sequence is one
//! document, read whole by [`read`](super::read).)
//!
//! The whole-input readers are this one run to the end over bytes in memory, so both
//! give the same records, positions and rejections.

use std::io::BufRead;

use super::builder::Builder;
use super::{Format, InputError, ReadOptions, csv, jsonl};
use crate::record::{Record, Rejected};

/// Records read one at a time from a JSONL or CSV stream.
///
/// # Example
/// ```
/// use merit::records::{Format, ReadOptions, Reader};
/// use merit::schema::Schema;
///
/// let (schema, tz) = (Schema::default(), jiff::tz::TimeZone::UTC);
/// let input = "member,kind,date\nm1,study,2026-03-14\nm2,study,someday\n";
/// let mut reader = Reader::new(input.as_bytes(), Format::Csv, &ReadOptions::new(&schema, &tz))?;
/// let (mut records, mut rejected) = (Vec::new(), Vec::new());
/// while reader.next(&mut records, &mut rejected)? {}
/// assert_eq!((records.len(), rejected[0].record), (1, 2));
/// # Ok::<(), merit::InputError>(())
/// ```
pub struct Reader<'a, R> {
    rows: Rows<R>,
    builder: Builder<'a>,
}

enum Rows<R> {
    Jsonl(jsonl::Lines<R>),
    Csv(csv::Rows<R>),
}

impl<'a, R: BufRead> Reader<'a, R> {
    /// Starts reading `input` (a CSV's header is read here). Fails for a CSV whose
    /// header does not name `member`, `kind` and `date`, and for JSON and YAML,
    /// which are read whole.
    pub fn new(input: R, format: Format, options: &ReadOptions<'a>) -> Result<Self, InputError> {
        let builder = Builder::new(options);
        let rows = match format {
            Format::Jsonl => Rows::Jsonl(jsonl::Lines::new(input)),
            Format::Csv => Rows::Csv(csv::Rows::new(input, &builder)?),
            Format::Json | Format::Yaml => {
                return Err(InputError::new(format!(
                    "{} is read whole, not record by record",
                    format.name()
                )));
            }
        };
        Ok(Reader { rows, builder })
    }

    /// Reads the next record into `records`, or into `rejected` with the reason;
    /// `false` at the end of the input. An error fails the rest of the input: a
    /// CSV that stops being CSV or UTF-8, or the stream failing.
    pub fn next(
        &mut self,
        records: &mut Vec<Record>,
        rejected: &mut Vec<Rejected>,
    ) -> Result<bool, InputError> {
        match &mut self.rows {
            Rows::Jsonl(lines) => lines.next(&mut self.builder, records, rejected),
            Rows::Csv(rows) => rows.next(&mut self.builder, records, rejected),
        }
    }
}

impl Format {
    /// Whether inputs of this format can be read record by record ([`Reader`]).
    pub fn reads_by_record(self) -> bool {
        matches!(self, Format::Jsonl | Format::Csv)
    }
}
