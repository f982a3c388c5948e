//! JSONL (NDJSON): one record object per line. A bad line is rejected and reading
//! goes on; blank lines are skipped but still counted, so a record's position is
//! always its line number in the file.

use std::io::BufRead;

use super::builder::{Accept, Builder, Keep};
use super::json::{member_of, read_one};
use super::{InputError, read_error, too_large};
use crate::record::{Record, Rejected};

/// Reads a whole JSONL input held in memory.
pub(crate) fn read(
    input: &[u8],
    builder: &mut Builder<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) {
    // One record per line, nearly always: growing the list once is much cheaper
    // than doubling it twenty times.
    records.reserve(input.iter().filter(|&&b| b == b'\n').count() + 1);
    let mut lines = Lines::new(input);
    // Reading from memory cannot fail.
    while let Ok(true) = lines.next(builder, None, records, rejected) {}
}

/// A JSONL input read line by line. A line is held only up to a few bytes past the
/// record limit: a longer one is rejected without being kept, so one huge line
/// cannot take the memory the limit is there to protect.
pub(crate) struct Lines<R> {
    input: R,
    /// The current line, or its first bytes when it is too long.
    line: Vec<u8>,
    /// The current line's number.
    position: u64,
}

impl<R> Lines<R> {
    /// The position of the last line read.
    pub(crate) fn position(&self) -> u64 {
        self.position
    }
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(input: R) -> Self {
        Lines {
            input,
            line: Vec::new(),
            position: 0,
        }
    }

    /// Reads lines up to the next record (accepted, rejected, or skipped because
    /// `keep` refuses its member); `false` at the end.
    pub(crate) fn next(
        &mut self,
        builder: &mut Builder<'_>,
        keep: Option<&Keep>,
        records: &mut impl Accept,
        rejected: &mut Vec<Rejected>,
    ) -> Result<bool, InputError> {
        // A byte-order mark and a `\r` are not part of the record.
        let held = builder.max_record_bytes.saturating_add(5);
        loop {
            let Some((length, blank_rest)) = self.read_line(held).map_err(|e| read_error(&e))? else {
                return Ok(false);
            };
            self.position += 1;
            let mut line = &self.line[..];
            let mut length = length;
            if self.position == 1
                && let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF")
            {
                line = rest;
                length -= 3;
            }
            if length == line.len()
                && let Some(rest) = line.strip_suffix(b"\r")
            {
                line = rest;
                length -= 1;
            }
            if blank_rest && line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            builder.start();
            if length > builder.max_record_bytes {
                builder.reject(self.position, too_large(builder.max_record_bytes), rejected);
            } else if let Ok(text) = std::str::from_utf8(line) {
                if let Some(keep) = keep
                    && !member_of(text, builder).is_some_and(keep)
                {
                    return Ok(true);
                }
                builder.start();
                read_one(text, "line", self.position, builder, records, rejected);
            } else {
                builder.reject(self.position, "line is not valid UTF-8".to_owned(), rejected);
            }
            return Ok(true);
        }
    }

    /// Reads one line, without its `\n`, into `self.line`, holding its first `held`
    /// bytes: its whole length and whether the bytes not held are blank, or `None`
    /// at the end of the input.
    fn read_line(&mut self, held: usize) -> std::io::Result<Option<(usize, bool)>> {
        self.line.clear();
        let (mut length, mut blank_rest, mut any) = (0, true, false);
        loop {
            let buffer = match self.input.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buffer.is_empty() {
                return Ok(any.then_some((length, blank_rest)));
            }
            any = true;
            let end = buffer.iter().position(|&b| b == b'\n');
            let part = &buffer[..end.unwrap_or(buffer.len())];
            let kept = part.len().min(held - self.line.len());
            self.line.extend_from_slice(&part[..kept]);
            blank_rest &= part[kept..].iter().all(u8::is_ascii_whitespace);
            length += part.len();
            let consumed = part.len() + usize::from(end.is_some());
            self.input.consume(consumed);
            if end.is_some() {
                return Ok(Some((length, blank_rest)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{field, outcome, outcome_with, schema, shanghai};
    use super::super::{Format, ReadOptions};
    use crate::schema::{FieldType, Schema};

    fn jsonl(input: &str) -> String {
        outcome(input.as_bytes(), Format::Jsonl, &schema())
    }

    #[test]
    fn reads_records_exactly() {
        insta::assert_snapshot!(jsonl(r#"{"id":"r1","member":"m0042","kind":"volunteer","date":"2026-03-14","hours":3.50,"verified":true}
{"member":"m1","kind":"volunteer","date":"2026-03-14","hours":0.1,"stars":4,"resolved_on":"2026-03-20","notes":{"any":["thing"]}}
{"id":7,"member":12,"kind":"study","date":"2026-03-14 09:30:00","hours":"2.25","verified":"yes","stars":5.0}
"#), @r"
        ok 1 id=r1 member=m0042 kind=volunteer date=2026-03-14 [3.50, true, null, null]
        ok 2 id=#2 member=m1 kind=volunteer date=2026-03-14 [0.1, false, 4, 2026-03-20]
        ok 3 id=7 member=12 kind=study date=2026-03-14 [2.25, true, 5, null]
        ");
    }

    #[test]
    fn positions_are_line_numbers_and_blank_lines_count() {
        let input = "\n{\"member\":\"m1\",\"kind\":\"k\",\"date\":\"2026-03-14\"}\r\n  \r\n{\"member\":\"m2\",\"kind\":\"k\",\"date\":\"2026-03-15\"}";
        insta::assert_snapshot!(jsonl(input), @r"
        ok 2 id=#2 member=m1 kind=k date=2026-03-14 [null, false, null, null]
        ok 4 id=#4 member=m2 kind=k date=2026-03-15 [null, false, null, null]
        ");
    }

    #[test]
    fn a_datetime_is_mapped_to_its_local_date() {
        insta::assert_snapshot!(jsonl(r#"{"member":"m1","kind":"k","date":"2026-03-14T23:30:00+00:00"}
{"member":"m1","kind":"k","date":"2026-03-14T15:59:59Z"}
{"member":"m1","kind":"k","date":"2026-03-14T23:30:00"}"#), @r"
        ok 1 id=#1 member=m1 kind=k date=2026-03-15 [null, false, null, null]
        ok 2 id=#2 member=m1 kind=k date=2026-03-14 [null, false, null, null]
        ok 3 id=#3 member=m1 kind=k date=2026-03-14 [null, false, null, null]
        ");
    }

    #[test]
    fn every_reason_for_rejecting_a_line() {
        let lines = [
            r#"{"id":"r1","member":"m1","kind":"k","date":"2026-03-14","hours":"three"}"#,
            r#"{"id":"r2","member":"m1","kind":"k","date":"2026-03-14","stars":4.5}"#,
            r#"{"member":"m1","kind":"k","date":"2026-02-30","id":"r3"}"#,
            r#"{"kind":"k","date":"2026-03-14","id":"r4"}"#,
            r#"{"member":"m1","date":"2026-03-14"}"#,
            r#"{"member":"m1","kind":"k"}"#,
            r#"[1,2]"#,
            r#"not json"#,
            r#"{"member":"m1","kind":"k","date":"2026-03-14"} {}"#,
            r#"{"member":"","kind":"k","date":"2026-03-14"}"#,
            r#"{"member":1.5,"kind":"k","date":"2026-03-14"}"#,
            r#"{"member":"m1","kind":7,"date":"2026-03-14"}"#,
            r#"{"member":"m1","kind":"k","date":20260314}"#,
            r#"{"member":"m1","kind":"k","date":"2026-03-14","hours":1e400}"#,
            r#"{"member":"m1","kind":"k","date":"2026-03-14","verified":2}"#,
            r#"{"member":"m1","kind":"k","date":"2026-03-14","hours":[1]}"#,
            r#"{"member":"m1","kind":"k","date":"2026-03-14","hours":1,"hours":2}"#,
            r#"{"member":null,"kind":"k","date":"2026-03-14","id":true}"#,
            r#""just a string""#,
            r#"{"member":"m1","kind":"k","date":"2026-03-14","pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#,
        ];
        insta::assert_snapshot!(jsonl(&lines.join("\n")), @r#"
        rejected 1 (id r1): field `hours`: expected decimal, got "three"
        rejected 2 (id r2): field `stars`: expected int, got 4.5
        rejected 3 (id r3): field `date`: 2026-02-30 is not a date: February 2026 has 28 days
        rejected 4 (id r4): missing `member`
        rejected 5: missing `kind`
        rejected 6: missing `date`
        rejected 7: record is not a JSON object (got an array)
        rejected 8: line is not valid JSON: expected ident at column 2
        rejected 9: line is not valid JSON: trailing characters at column 48
        rejected 10: missing `member`
        rejected 11: field `member`: expected string or integer, got 1.5
        rejected 12: field `kind`: expected string, got 7
        rejected 13: field `date`: expected date, got 20260314
        rejected 14: field `hours`: 1e+400 is out of range for a decimal
        rejected 15: field `verified`: expected bool, got 2 (a number column: only 0 and 1 read as a bool)
        rejected 16: field `hours`: expected decimal, got an array
        rejected 17: key `hours` appears more than once
        rejected 18: field `id`: expected string or integer, got true
        rejected 19: record is not a JSON object (got a string)
        rejected 20: record is larger than 200 bytes
        "#);
    }

    #[test]
    fn the_size_limit_counts_neither_byte_order_mark_nor_carriage_return() {
        // `outcome` limits records to 200 bytes; lines are held only a few bytes past it.
        let padded = |length: usize| {
            let head = r#"{"member":"m1","kind":"k","date":"2026-03-14","pad":""#;
            format!("{head}{}\"}}", "x".repeat(length - head.len() - 2))
        };
        let input = format!(
            "\u{FEFF}{}\r\n{}\r\n{}\n{}",
            padded(200),
            " ".repeat(1000),
            padded(201),
            padded(200)
        );
        insta::assert_snapshot!(jsonl(&input), @r"
        ok 1 id=#1 member=m1 kind=k date=2026-03-14 [null, false, null, null]
        rejected 3: record is larger than 200 bytes
        ok 4 id=#4 member=m1 kind=k date=2026-03-14 [null, false, null, null]
        ");
    }

    #[test]
    fn a_line_that_is_not_utf8_is_rejected_alone() {
        let mut input = b"{\"member\":\"m1\",\"kind\":\"k\",\"date\":\"2026-03-14\"}\n".to_vec();
        input.extend_from_slice(b"{\"member\":\"m\xff\",\"kind\":\"k\",\"date\":\"2026-03-14\"}\n");
        input.extend_from_slice(b"\xEF\xBB\xBF{\"member\":\"m3\",\"kind\":\"k\",\"date\":\"2026-03-14\"}\n");
        insta::assert_snapshot!(outcome(&input, Format::Jsonl, &schema()), @r"
        ok 1 id=#1 member=m1 kind=k date=2026-03-14 [null, false, null, null]
        rejected 2: line is not valid UTF-8
        rejected 3: line is not valid JSON: expected value at column 1
        ");
    }

    #[test]
    fn required_fields_defaults_and_sources() {
        let schema = Schema {
            fields: vec![
                field("minutes", FieldType::Int, false, None),
                field(
                    "status",
                    FieldType::String,
                    false,
                    Some(crate::value::Value::str("open")),
                ),
            ],
        };
        let tz = shanghai();
        let mut options = ReadOptions::new(&schema, &tz);
        options.source = 2;
        options.source_name = Some("march.jsonl");
        let input = br#"{"id":"a","member":"m1","kind":"meeting","date":"2026-03-14","minutes":60}
{"id":"b","member":"m1","kind":"meeting","date":"2026-03-14","status":"done"}
{"id":"c","member":"m1","kind":"meeting","date":"2026-03-14","minutes":null,"status":12}"#;
        insta::assert_snapshot!(outcome_with(input, Format::Jsonl, &options), @r#"
        ok 1 id=a member=m1 kind=meeting date=2026-03-14 [60, "open"]
        rejected 2 (id b) in march.jsonl: missing required field `minutes`
        rejected 3 (id c) in march.jsonl: field `status`: expected string, got 12
        "#);
    }

    #[test]
    fn records_carry_their_source() {
        let s = Schema::default();
        let tz = shanghai();
        let mut options = ReadOptions::new(&s, &tz);
        options.source = 3;
        let (mut records, mut rejected) = (Vec::new(), Vec::new());
        let input = br#"{"member":"m1","kind":"k","date":"2026-03-14"}"#;
        super::super::read(input, Format::Jsonl, &options, &mut records, &mut rejected).expect("reads");
        assert_eq!(records[0].source, 3);
        assert!(rejected.is_empty());
    }
}
