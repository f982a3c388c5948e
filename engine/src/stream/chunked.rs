//! Members evaluated a chunk at a time from an input sorted by member.
//!
//! Evaluation is a pure function of (rulebook, one member's records, options), so
//! when each member's records come together and members come in the report's order,
//! the input can be cut between members into chunks, each evaluated alone: the
//! chunks' members, one after another, are the report's members. Only one chunk's
//! records and evaluation, and a batch of its members' reports, are ever held.

use std::io::{BufRead, Write};
use std::sync::Arc;

use super::run::Run;
use super::{StreamError, write_json};
use crate::book::Rulebook;
use crate::eval::Options;
use crate::record::{Record, Rejected};
use crate::records::{Format, Members, ReadOptions, Reader};
use crate::report::Sink;

/// Records read before a chunk is cut at the next member: large enough that the
/// work of one evaluation (ranking, sorting, spreading members over cores) is spread
/// over many members, small enough to hold a few megabytes.
pub const DEFAULT_CHUNK_RECORDS: usize = 1 << 16;

/// A report's members, evaluated and written a chunk of the input at a time.
///
/// The input must be sorted by member (each member's records together, members in
/// id order: see [`Survey`](super::Survey)), its dates known (`from`, and `to` or
/// `as_of`: see [`Survey::dates`](super::Survey::dates)), and the rulebook without
/// rating rules. The report is then byte-identical to [`Rulebook::score`]'s on the
/// whole input, and memory holds one chunk: [`DEFAULT_CHUNK_RECORDS`] records and
/// the rest of the last member's, with their evaluation and a batch of reports.
///
/// # Example
/// ```
/// use merit::{InputSurvey as Survey, MemberStream, ReportStream};
/// use merit::{Format, Rulebook, ScoreOptions};
///
/// let book = Rulebook::from_yaml("rules:\n  - { id: any, points: 1 }\n", "book.yaml")?;
/// let input = "member,kind,date\nm1,study,2026-03-14\nm1,study,2026-03-20\nm2,study,2026-03-15\n";
/// let survey = Survey::read(&book, input.as_bytes(), Format::Csv)?;
/// let options = survey.dates(&ScoreOptions::default()).expect("records have dates");
/// let mut stream = MemberStream::new(&book, input.as_bytes(), Format::Csv, None, &options)?;
/// let mut totals = Vec::new();
/// stream.each_member(&mut |member| {
///     totals.push(member.total.to_string());
///     true
/// })?;
/// assert_eq!(totals, ["2", "1"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MemberStream<'a, R> {
    run: Run<'a>,
    reader: Reader<'a, R>,
    chunk_records: usize,
    /// The member of the last record read.
    member: Option<Arc<str>>,
    /// Records the reader rejected; at the end, those evaluation rejected follow.
    rejected: Vec<Rejected>,
    ended: bool,
}

impl<'a, R: BufRead> MemberStream<'a, R> {
    /// Starts a stream over a JSONL or CSV input (a CSV's header is read here).
    pub fn new(
        book: &'a Rulebook,
        input: R,
        format: Format,
        profiles: Option<&'a Members>,
        options: &Options,
    ) -> Result<Self, StreamError> {
        let run = Run::new(book, profiles, options)?;
        let reader = Reader::new(input, format, &ReadOptions::for_book(book))?;
        Ok(MemberStream {
            run,
            reader,
            chunk_records: DEFAULT_CHUNK_RECORDS,
            member: None,
            rejected: Vec::new(),
            ended: false,
        })
    }

    /// Cuts chunks after `records` records (at the next member) instead of
    /// [`DEFAULT_CHUNK_RECORDS`]; at least 1.
    pub fn with_chunk_records(mut self, records: usize) -> Self {
        self.chunk_records = records.max(1);
        self
    }

    /// Writes the report as JSON, byte-identical to the whole input's
    /// [`Report::to_json`](crate::Report::to_json), reading and evaluating as it goes.
    pub fn write_json(&mut self, out: impl Write) -> Result<(), StreamError> {
        write_json(out, self)
    }

    /// Reads records into `records` up to the first record of the member after
    /// the chunk's last, which it returns; `None` at the end of the input.
    fn read_chunk(&mut self, records: &mut Vec<Record>) -> Result<Option<Record>, StreamError> {
        loop {
            let before = records.len();
            if !self.reader.next(records, &mut self.rejected)? {
                self.ended = true;
                return Ok(None);
            }
            let Some(record) = records.get(before) else {
                continue; // rejected
            };
            match &self.member {
                Some(member) if *member == record.member => continue,
                Some(member) if *member > record.member => {
                    return Err(StreamError::NotSorted {
                        record: record.position,
                        member: record.member.to_string(),
                        after: member.to_string(),
                    });
                }
                _ => self.member = Some(record.member.clone()),
            }
            if before >= self.chunk_records {
                return Ok(records.pop());
            }
        }
    }
}

impl<R: BufRead> MemberStream<'_, R> {
    /// Reads a chunk, evaluates it, hands out its members, and so on to the end.
    fn visit(&mut self, sink: &mut Sink) -> Result<(), StreamError> {
        let mut records = Vec::new();
        let mut going = true;
        while going && !self.ended {
            let next_member = self.read_chunk(&mut records)?;
            if !records.is_empty() {
                going = self.run.evaluate(crate::eval::Source::Records(&records), sink);
            }
            records.clear();
            records.extend(next_member);
        }
        if self.ended {
            self.run.finish(&mut self.rejected);
        }
        Ok(())
    }
}

evaluating_stream!(impl[R: BufRead] for MemberStream<'_, R>);
