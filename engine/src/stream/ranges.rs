//! Members evaluated a range at a time from an input in any order, read once per
//! range.
//!
//! When members do not come together, no part of the input holds all of a
//! member's records, so the input is read again for each range of members (cut
//! from a [`Survey`]'s counts so that each holds about as many records as the
//! memory allows), keeping only that range's records; each range is then
//! evaluated like a chunk of a sorted input. Reading is paid once per range, and
//! records of other members are skipped before they are typed.

use std::io::{self, BufRead, Write};
use std::sync::Arc;

use super::run::Run;
use super::{StreamError, Survey, write_json};
use crate::book::Rulebook;
use crate::eval::Options;
use crate::record::Rejected;
use crate::records::{Format, InputError, Members, ReadOptions, Reader};
use crate::report::Sink;

/// Records one range holds by default: about 90 MB of records and evaluation
/// ([`RECORD_BYTES`] each); a million records take four readings.
pub const DEFAULT_PASS_RECORDS: u64 = 1 << 18;

/// Memory one record of a range takes while it is evaluated: the record, its share
/// of the evaluation and of the reports being written. Measured at 350 bytes on
/// the benchmark's records (two fields, capped points); more fields take more.
pub const RECORD_BYTES: u64 = 350;

/// A report's members, from an input in any order read once per range of members.
///
/// Needs what [`MemberStream`](super::MemberStream) needs but the order, and a way
/// to read the input again from its start (`open`). The report is byte-identical
/// to [`Rulebook::score`]'s on the whole input; memory holds one range's records,
/// about [`DEFAULT_PASS_RECORDS`] (or one member's, if more), with their evaluation,
/// and the survey's rejected records.
///
/// # Example
/// ```
/// use merit::{InputSurvey as Survey, RangeStream, ReportStream};
/// use merit::{Format, Rulebook, ScoreOptions};
///
/// let book = Rulebook::from_yaml("rules:\n  - { id: any, points: 1 }\n", "book.yaml")?;
/// let input = "member,kind,date\nm2,study,2026-03-14\nm1,study,2026-03-20\nm2,study,2026-03-15\n";
/// let survey = Survey::read(&book, input.as_bytes(), Format::Csv)?;
/// let options = survey.dates(&ScoreOptions::default()).expect("records have dates");
/// let open = || Ok(input.as_bytes());
/// let mut stream = RangeStream::new(&book, open, Format::Csv, None, &options, survey)?.with_pass_records(1);
/// let mut totals = Vec::new();
/// stream.each_member(&mut |member| {
///     totals.push(format!("{} {}", member.member, member.total));
///     true
/// })?;
/// assert_eq!(totals, ["m1 1", "m2 2"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RangeStream<'a, F> {
    run: Run<'a>,
    open: F,
    format: Format,
    /// Each member's records, by id, from the survey.
    members: Vec<(Arc<str>, u64)>,
    pass_records: u64,
    /// The records the survey could not read; at the end, those evaluation
    /// rejected follow.
    rejected: Vec<Rejected>,
}

impl<'a, R: BufRead, F: FnMut() -> io::Result<R>> RangeStream<'a, F> {
    /// A stream over the input `open` reads from its start each time it is called,
    /// which `survey` read.
    pub fn new(
        book: &'a Rulebook,
        open: F,
        format: Format,
        profiles: Option<&'a Members>,
        options: &Options,
        survey: Survey,
    ) -> Result<Self, StreamError> {
        Ok(RangeStream {
            run: Run::new(book, profiles, options)?,
            open,
            format,
            members: survey.members,
            pass_records: DEFAULT_PASS_RECORDS,
            rejected: survey.rejected,
        })
    }

    /// Cuts ranges of about `records` records instead of [`DEFAULT_PASS_RECORDS`];
    /// at least 1.
    pub fn with_pass_records(mut self, records: u64) -> Self {
        self.pass_records = records.max(1);
        self
    }

    /// Cuts ranges whose records and evaluation take about `bytes`
    /// ([`RECORD_BYTES`] a record), and no fewer than a sorted stream's chunk.
    /// Given an input's size, memory then grows with the input but stays about
    /// its size, and the input is read a bounded number of times (about
    /// [`RECORD_BYTES`] over the bytes of a record, plus one).
    pub fn with_memory(self, bytes: u64) -> Self {
        let records = (bytes / RECORD_BYTES).max(super::DEFAULT_CHUNK_RECORDS as u64);
        self.with_pass_records(records)
    }

    /// Writes the report as JSON, byte-identical to the whole input's
    /// [`Report::to_json`](crate::Report::to_json), reading and evaluating as it goes.
    pub fn write_json(&mut self, out: impl Write) -> Result<(), StreamError> {
        write_json(out, self)
    }

    /// The ranges: each one's first member and how many records it holds.
    fn ranges(&self) -> Vec<(Arc<str>, u64)> {
        let mut ranges: Vec<(Arc<str>, u64)> = Vec::new();
        for (member, count) in &self.members {
            match ranges.last_mut() {
                Some((_, records)) if *records + count <= self.pass_records => *records += count,
                _ => ranges.push((member.clone(), *count)),
            }
        }
        ranges
    }
}

impl<R: BufRead, F: FnMut() -> io::Result<R>> RangeStream<'_, F> {
    /// Reads the input once per range, keeping that range's records, evaluates
    /// them and hands out their members.
    fn visit(&mut self, sink: &mut Sink) -> Result<(), StreamError> {
        let book = self.run.book;
        let options = ReadOptions::for_book(book);
        let ranges = self.ranges();
        for (i, (first, count)) in ranges.iter().enumerate() {
            let first = first.clone();
            let next = ranges.get(i + 1).map(|(next, _)| next.clone());
            let input =
                (self.open)().map_err(|e| InputError::new(format!("cannot read the input again: {e}")))?;
            let mut reader = Reader::new(input, self.format, &options)?
                .only_members(move |m| *first <= *m && next.as_deref().is_none_or(|next| m < next));
            let mut records = Vec::with_capacity(*count as usize);
            // The survey listed every rejected record.
            let mut rejected = Vec::new();
            while reader.next(&mut records, &mut rejected)? {
                rejected.clear();
            }
            if records.len() as u64 != *count {
                return Err(InputError::new("the input changed while it was read").into());
            }
            if !self.run.evaluate(crate::eval::Source::Records(&records), sink) {
                return Ok(());
            }
        }
        self.run.finish(&mut self.rejected);
        Ok(())
    }
}

evaluating_stream!(impl[R: BufRead, F: FnMut() -> io::Result<R>] for RangeStream<'_, F>);
