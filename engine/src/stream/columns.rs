//! An unsorted input read once: its accepted records kept as typed [`Columns`] by
//! the [`Survey`], then evaluated a range of members at a time.
//!
//! [`RangeStream`](super::RangeStream) reads an unsorted input once more for each
//! range of members, paying the parse and typing of every record each time (6
//! readings of the bench's CSV). The survey's records are already typed; kept as
//! columns (about 18 bytes a record on the bench's file, a third of its CSV), they
//! are grouped by range with a counting sort on the member dictionary, and each
//! range is evaluated on the columns in place for totals, or made into
//! [`Record`](crate::record::Record)s for a report that explains them
//! ([`Source::columns`](crate::eval::Source::columns) decides).

use std::sync::Arc;

use super::run::Run;
use super::{StreamError, Survey};
use crate::book::Rulebook;
use crate::eval::Options;
use crate::record::Rejected;
use crate::records::columns::{Columns, Loc};
use crate::records::{InputError, Members};
use crate::report::Sink;

/// Records a survey keeps while its input still looks sorted by member: past
/// them, a sorted input is streamed as before and never held
/// ([`super::MemberStream`]), and an input found unsorted later is read once per
/// range ([`super::RangeStream`]).
pub const KEEP_WHILE_SORTED: usize = super::DEFAULT_CHUNK_RECORDS;

/// The fewest records [`ColumnStream::with_memory`] puts in a range: a quarter of a
/// sorted stream's chunk, enough to spread one evaluation over many members.
pub const MIN_RANGE_RECORDS: u64 = super::DEFAULT_CHUNK_RECORDS as u64 / 4;

/// A report's members from an unsorted input whose [`Survey`] kept its records
/// ([`Survey::read_kept`]): byte-identical to [`Rulebook::score`]'s on the whole
/// input, as [`RangeStream`](super::RangeStream)'s is, without reading it again.
/// Memory holds the columns and one range's evaluation (and, for a report with
/// explanations, its records).
pub struct ColumnStream<'a> {
    run: Run<'a>,
    columns: Columns,
    members: Vec<(Arc<str>, u64)>,
    pass_records: u64,
    rejected: Vec<Rejected>,
}

impl<'a> ColumnStream<'a> {
    /// A stream over the records the survey kept.
    pub fn new(
        book: &'a Rulebook,
        profiles: Option<&'a Members>,
        options: &Options,
        survey: Survey,
        columns: Columns,
    ) -> Result<Self, StreamError> {
        Ok(ColumnStream {
            run: Run::new(book, profiles, options)?,
            columns,
            members: survey.members,
            pass_records: super::DEFAULT_PASS_RECORDS,
            rejected: survey.rejected,
        })
    }

    /// Evaluates ranges of about `records` records (at least 1) at a time.
    pub fn with_pass_records(mut self, records: u64) -> Self {
        self.pass_records = records.max(1);
        self
    }

    /// Ranges whose records and evaluation take about `bytes`
    /// ([`RECORD_BYTES`](super::RECORD_BYTES) a record), of at least
    /// [`MIN_RANGE_RECORDS`]. Unlike [`RangeStream`](super::RangeStream)'s, a
    /// range costs no reading, so ranges may be small.
    pub fn with_memory(self, bytes: u64) -> Self {
        let records = (bytes / super::RECORD_BYTES).max(MIN_RANGE_RECORDS);
        self.with_pass_records(records)
    }

    /// Writes the report as JSON, byte-identical to the whole input's
    /// [`Report::to_json`](crate::Report::to_json).
    pub fn write_json(&mut self, out: impl std::io::Write) -> Result<(), StreamError> {
        super::write_json(out, self)
    }

    /// The rows of each range, ranges in member order and each range's rows in
    /// input order (a stable counting sort): members in id order, cut when a
    /// range would pass `pass_records`. Returns the rows and where each range starts.
    fn ranges(&self) -> Result<(Vec<Loc>, Vec<usize>), InputError> {
        let names = self.columns.member_names();
        let index: rustc_hash::FxHashMap<&str, usize> =
            names.iter().enumerate().map(|(i, name)| (&**name, i)).collect();
        let mut range_of = vec![u32::MAX; names.len()];
        let mut sizes: Vec<u64> = Vec::new();
        for (member, count) in &self.members {
            match sizes.last_mut() {
                Some(records) if *records + count <= self.pass_records => *records += count,
                _ => sizes.push(*count),
            }
            if let Some(&i) = index.get(&**member) {
                range_of[i] = sizes.len() as u32 - 1;
            }
        }
        let total: u64 = sizes.iter().sum();
        if range_of.contains(&u32::MAX) || total != self.columns.len() as u64 || total > u64::from(u32::MAX) {
            return Err(InputError::new("the kept records and the survey disagree"));
        }
        let mut starts: Vec<usize> = Vec::with_capacity(sizes.len() + 1);
        let mut sum = 0;
        for size in &sizes {
            starts.push(sum);
            sum += *size as usize;
        }
        let mut order = vec![Loc { part: 0, row: 0 }; sum];
        let mut next = starts.clone();
        for (loc, member) in self.columns.rows() {
            let range = range_of[member as usize] as usize;
            order[next[range]] = loc;
            next[range] += 1;
        }
        starts.push(sum);
        Ok((order, starts))
    }
}

impl ColumnStream<'_> {
    /// Groups the rows by range, then evaluates them one range at a time.
    fn visit(&mut self, sink: &mut Sink) -> Result<(), StreamError> {
        let (order, starts) = self.ranges()?;
        for range in starts.windows(2) {
            if !self
                .run
                .evaluate_columns(&self.columns, &order[range[0]..range[1]], sink)
            {
                return Ok(());
            }
        }
        self.run.finish(&mut self.rejected);
        Ok(())
    }
}

evaluating_stream!(impl[] for ColumnStream<'_>);
