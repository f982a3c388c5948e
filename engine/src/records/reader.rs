//! An input read record by record, for inputs too large to hold: JSONL and CSV,
//! whose records are lines and rows. (A JSON array or a YAML sequence is one
//! document, read whole by [`read`](super::read).)
//!
//! The whole-input readers are this one run to the end over bytes in memory, so both
//! give the same records, positions and rejections.

use std::io::BufRead;

use super::builder::{Accept, Builder, Keep};
use super::columns::Part;
use super::encoding::Decoded;
use super::{Format, InputError, ReadOptions, csv, jsonl, read_error};
use crate::record::{Record, Rejected, Warning};

/// Records read one at a time from a JSONL or CSV stream
/// (`a_csv_is_read_a_record_at_a_time` in its tests shows one).
pub struct Reader<'a, R> {
    rows: Rows<R>,
    builder: Builder<'a>,
    keep: Option<Box<Keep<'a>>>,
}

/// Lines or rows of the input decoded as the rulebook's `input.encoding` says.
enum Rows<R> {
    Jsonl(jsonl::Lines<Decoded<R>>),
    Csv(csv::Rows<Decoded<R>>),
}

impl<'a, R: BufRead> Reader<'a, R> {
    /// Starts reading `input` (a CSV's header is read here). Fails for a CSV whose
    /// header does not name `member`, `kind` and `date`, and for JSON and YAML,
    /// which are read whole.
    pub fn new(input: R, format: Format, options: &ReadOptions<'a>) -> Result<Self, InputError> {
        let mut builder = Builder::new(options);
        let input = Decoded::new(input, options.input.encoding).map_err(|e| read_error(&e))?;
        let rows = match format {
            Format::Jsonl => Rows::Jsonl(jsonl::Lines::new(input)),
            Format::Csv => Rows::Csv(csv::Rows::new(input, &mut builder)?),
            Format::Json | Format::Yaml | Format::Sheet => {
                return Err(InputError::new(format!(
                    "{} is read whole, not record by record",
                    format.name()
                )));
            }
        };
        Ok(Reader {
            rows,
            builder,
            keep: None,
        })
    }

    /// Keeps only the records of members `keep` accepts; the others are skipped,
    /// neither typed nor listed, and so are records whose member cannot be read
    /// (they are rejected when read in full). A record rejected before its member
    /// is looked at (too large, not UTF-8) is still listed.
    pub fn only_members(mut self, keep: impl Fn(&str) -> bool + 'a) -> Self {
        self.keep = Some(Box::new(keep));
        self
    }

    /// Reads the next record into `records`, or into `rejected` with the reason
    /// (or skips it: [`Reader::only_members`]); `false` at the end of the input. An
    /// error fails the rest of the input: a CSV that stops being CSV or UTF-8, or
    /// the stream failing.
    pub fn next(
        &mut self,
        records: &mut Vec<Record>,
        rejected: &mut Vec<Rejected>,
    ) -> Result<bool, InputError> {
        self.read_into(records, rejected)
    }

    /// Reads the next record as [`Reader::next`] does, into `part` rather than a
    /// record of its own.
    pub(crate) fn next_into(
        &mut self,
        part: &mut Part,
        rejected: &mut Vec<Rejected>,
    ) -> Result<bool, InputError> {
        self.read_into(part, rejected)
    }

    fn read_into(&mut self, out: &mut impl Accept, rejected: &mut Vec<Rejected>) -> Result<bool, InputError> {
        let keep = self.keep.as_deref();
        match &mut self.rows {
            Rows::Jsonl(lines) => lines.next(&mut self.builder, keep, out, rejected),
            Rows::Csv(rows) => rows.next(&mut self.builder, keep, out, rejected),
        }
    }
}

impl<R> Reader<'_, R> {
    /// The warnings of what was read so far: names that are no key of the rulebook.
    pub fn warnings(&self) -> Vec<Warning> {
        self.builder.warnings()
    }

    /// The position of the last row or line read (a CSV's rows, a JSONL's lines,
    /// blank ones included): what a reader of the input's next part starts after.
    pub(crate) fn position(&self) -> u64 {
        match &self.rows {
            Rows::Jsonl(lines) => lines.position(),
            Rows::Csv(rows) => rows.position(),
        }
    }
}

impl Format {
    /// Whether inputs of this format can be read record by record (as the streams read them).
    pub fn reads_by_record(self) -> bool {
        matches!(self, Format::Jsonl | Format::Csv)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{schema, shanghai};
    use super::{Format, ReadOptions, Reader};

    /// The positions of the records kept and of the rejections listed.
    fn kept(input: &str, format: Format, keep: fn(&str) -> bool) -> (Vec<u64>, Vec<u64>) {
        let (schema, tz) = (schema(), shanghai());
        let options = ReadOptions::new(&schema, &tz);
        let mut reader = Reader::new(input.as_bytes(), format, &options)
            .expect("reads")
            .only_members(keep);
        let (mut records, mut rejected) = (Vec::new(), Vec::new());
        while reader.next(&mut records, &mut rejected).expect("reads") {}
        (
            records.iter().map(|r| r.position).collect(),
            rejected.iter().map(|r| r.record).collect(),
        )
    }

    #[test]
    fn a_csv_is_read_a_record_at_a_time() {
        let (schema, tz) = (crate::schema::Schema::default(), jiff::tz::TimeZone::UTC);
        let input = "member,kind,date\nm1,study,2026-03-14\nm2,study,someday\n";
        let mut reader =
            Reader::new(input.as_bytes(), Format::Csv, &ReadOptions::new(&schema, &tz)).expect("header");
        let (mut records, mut rejected) = (Vec::new(), Vec::new());
        while reader.next(&mut records, &mut rejected).expect("reads") {}
        assert_eq!((records.len(), rejected[0].record), (1, 2));
    }

    #[test]
    fn only_the_members_kept_are_read() {
        let jsonl = r#"{"member":"m1","kind":"k","date":"2026-03-01"}
{"member":"m2","kind":"k","date":"2026-03-01"}
{"kind":"k","member":"m2","date":"2026-03-01","hours":"x"}
not json
{"member":"m3","kind":"k","date":"2026-03-01","hours":"x"}
{"member":2,"kind":"k","date":"2026-03-01"}
{"kind":"k","date":"2026-03-01"}
"#;
        assert_eq!(kept(jsonl, Format::Jsonl, |m| m == "m2"), (vec![2], vec![3]));
        assert_eq!(kept(jsonl, Format::Jsonl, |m| m == "2"), (vec![6], vec![]));
        let csv = "member,kind,date,hours\nm1,k,2026-03-01,\nm2,k,2026-03-01,\nm2,k,2026-03-01,x\n,k,2026-03-01,\nm3,k,2026-03-01,x\n";
        assert_eq!(kept(csv, Format::Csv, |m| m == "m2"), (vec![2], vec![3]));
        assert_eq!(kept(csv, Format::Csv, |m| m > "m1"), (vec![2], vec![3, 5]));
    }
}
