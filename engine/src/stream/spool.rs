//! An unsorted CSV read once: its accepted rows kept aside by the [`Survey`] as
//! compact CSV text, then typed again a range of members at a time.
//!
//! [`RangeStream`](super::RangeStream) reads an unsorted input once more for each
//! range of members, paying the CSV parse of every row each time (6 readings of the
//! bench's file). A [`Spool`] holds what those readings would find: each accepted
//! row written back as one CSV line (about the file's size), its position and its
//! member's index (12 bytes). [`SpoolStream`] groups the rows by range with a
//! counting sort, then reads each range's rows alone, once.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::run::Run;
use super::{ReportHead, ReportStream, StreamError, Survey};
use crate::book::Rulebook;
use crate::eval::Options;
use crate::record::Rejected;
use crate::records::{InputError, Members, ReadOptions, Reader};
use crate::report::MemberReport;

/// Rows a survey keeps aside while its input still looks sorted by member: past
/// them, a sorted input is streamed as before and never held
/// ([`super::MemberStream`]), and an input found unsorted later is read once per
/// range ([`super::RangeStream`]).
pub const SPOOL_WHILE_SORTED: usize = super::DEFAULT_CHUNK_RECORDS;

/// The accepted rows of a CSV input, as UTF-8 CSV lines under its header.
#[derive(Debug, Default)]
pub struct Spool {
    /// The header line, then every row's line, one after another.
    text: Vec<u8>,
    /// Where each row's line ends in `text`; the first starts after the header.
    ends: Vec<u64>,
    header: u64,
    /// Each row's position in the input.
    positions: Vec<u64>,
    /// Each row's member, as an index into `names`.
    members: Vec<u32>,
    names: Vec<Arc<str>>,
    index: FxHashMap<Arc<str>, u32>,
}

impl Spool {
    /// Starts a spool of the CSV `reader` reads: its header; `None` for JSONL.
    pub(crate) fn start<R: std::io::BufRead>(reader: &mut Reader<'_, R>) -> Option<Spool> {
        let mut text = Vec::new();
        reader.write_header(&mut text);
        (!text.is_empty()).then(|| Spool {
            header: text.len() as u64,
            text,
            ..Spool::default()
        })
    }

    /// Keeps the row `reader` just read, accepted as a record of `member` at
    /// `position`.
    pub(crate) fn push<R: std::io::BufRead>(
        &mut self,
        reader: &Reader<'_, R>,
        member: &Arc<str>,
        position: u64,
    ) {
        reader.write_row(&mut self.text);
        self.ends.push(self.text.len() as u64);
        self.positions.push(position);
        let next = self.names.len() as u32;
        let index = *self.index.entry(member.clone()).or_insert_with(|| {
            self.names.push(member.clone());
            next
        });
        self.members.push(index);
    }

    /// Rows kept.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no row was kept aside.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes held: the text and 20 bytes a row.
    pub fn bytes(&self) -> usize {
        self.text.len() + self.len() * 20
    }

    fn row(&self, i: usize) -> &[u8] {
        let start = if i == 0 { self.header } else { self.ends[i - 1] };
        &self.text[start as usize..self.ends[i] as usize]
    }
}

/// A report's members from an unsorted CSV its [`Survey`] spooled
/// ([`Survey::read_spooled`]): byte-identical to [`Rulebook::score`]'s on the whole
/// input, as [`RangeStream`](super::RangeStream)'s is, without reading it again.
/// Memory holds the spool and one range's records.
pub struct SpoolStream<'a> {
    run: Run<'a>,
    spool: Spool,
    members: Vec<(Arc<str>, u64)>,
    pass_records: u64,
    rejected: Vec<Rejected>,
}

impl<'a> SpoolStream<'a> {
    /// A stream over the rows the survey kept aside.
    pub fn new(
        book: &'a Rulebook,
        profiles: Option<&'a Members>,
        options: &Options,
        survey: Survey,
        spool: Spool,
    ) -> Result<Self, StreamError> {
        Ok(SpoolStream {
            run: Run::new(book, profiles, options)?,
            spool,
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

    /// Ranges whose records and evaluation take about `bytes`, as
    /// [`RangeStream::with_memory`](super::RangeStream::with_memory) cuts them.
    pub fn with_memory(self, bytes: u64) -> Self {
        let records = (bytes / super::RECORD_BYTES).max(super::DEFAULT_CHUNK_RECORDS as u64);
        self.with_pass_records(records)
    }

    /// Writes the report as JSON, byte-identical to the whole input's
    /// [`Report::to_json`](crate::Report::to_json).
    pub fn write_json(&mut self, out: impl std::io::Write) -> Result<(), StreamError> {
        super::write_json(out, self)
    }

    /// Each spooled row's range, and how many rows each range has: members in id
    /// order, cut when a range would pass `pass_records`.
    fn ranges(&self) -> Result<(Vec<u32>, Vec<u64>), InputError> {
        let mut range_of = vec![u32::MAX; self.spool.names.len()];
        let mut sizes: Vec<u64> = Vec::new();
        for (member, count) in &self.members {
            match sizes.last_mut() {
                Some(records) if *records + count <= self.pass_records => *records += count,
                _ => sizes.push(*count),
            }
            if let Some(&i) = self.spool.index.get(member) {
                range_of[i as usize] = sizes.len() as u32 - 1;
            }
        }
        if range_of.contains(&u32::MAX) {
            return Err(InputError::new("a spooled member is missing from the survey"));
        }
        Ok((range_of, sizes))
    }
}

impl ReportStream for SpoolStream<'_> {
    type Error = StreamError;

    fn head(&self) -> ReportHead {
        self.run.head()
    }

    /// Groups the rows by range (a stable counting sort, so each range's rows stay
    /// in input order), then types and evaluates one range at a time.
    fn each_member(&mut self, each: &mut dyn FnMut(MemberReport) -> bool) -> Result<(), StreamError> {
        let (range_of, sizes) = self.ranges()?;
        let mut starts: Vec<usize> = Vec::with_capacity(sizes.len() + 1);
        let mut sum = 0;
        for size in &sizes {
            starts.push(sum);
            sum += *size as usize;
        }
        if sum != self.spool.len() {
            return Err(InputError::new("the spool and the survey disagree").into());
        }
        let mut order = vec![0u32; sum];
        let mut next = starts.clone();
        for (row, &member) in self.spool.members.iter().enumerate() {
            let range = range_of[member as usize] as usize;
            order[next[range]] = row as u32;
            next[range] += 1;
        }
        starts.push(sum);
        let options = ReadOptions::for_book(self.run.book);
        for range in starts.windows(2) {
            let rows = &order[range[0]..range[1]];
            let mut text = self.spool.text[..self.spool.header as usize].to_vec();
            for &row in rows {
                text.extend_from_slice(self.spool.row(row as usize));
            }
            let mut reader = Reader::utf8_csv(&text[..], &options)?;
            let mut records = Vec::with_capacity(rows.len());
            let mut rejected = Vec::new();
            for &row in rows {
                reader.renumber(self.spool.positions[row as usize]);
                reader.next(&mut records, &mut rejected)?;
            }
            if records.len() != rows.len() || !rejected.is_empty() {
                return Err(InputError::new("a spooled row read differently the second time").into());
            }
            drop(text);
            if !self.run.evaluate(&records, each) {
                return Ok(());
            }
        }
        self.run.finish(&mut self.rejected);
        Ok(())
    }

    fn rejected(&self) -> &[Rejected] {
        &self.rejected
    }

    fn unmatched(&self) -> u64 {
        self.run.unmatched
    }
}
