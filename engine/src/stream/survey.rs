//! One reading pass before streaming: what must be known before the first member
//! is written.
//!
//! A report's range defaults to the input's first and last dates, and every member
//! is evaluated with that range; members can be written as they come only when they
//! come in the report's order, and otherwise the input is read again for each range
//! of members, cut by how many records each member has. All are facts about the
//! whole input, so a stream reads it once for them first.

use std::io::BufRead;
use std::sync::Arc;

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use super::columns::KEEP_WHILE_SORTED;
use crate::book::Rulebook;
use crate::eval::Options;
use crate::record::Rejected;
use crate::records::columns::Columns;
use crate::records::{Format, InputError, ReadOptions, Reader};

/// What one pass over an input found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Survey {
    /// Records read, accepted or rejected.
    pub records: u64,
    /// Whether every member's records are together and members come in id order
    /// (byte order, as the report lists them): what
    /// [`MemberStream`](super::MemberStream) needs.
    pub sorted: bool,
    /// The earliest and latest dates of the accepted records.
    pub first: Option<Date>,
    /// The latest record date.
    pub last: Option<Date>,
    /// Each member's number of accepted records, by id.
    pub members: Vec<(Arc<str>, u64)>,
    /// The records that could not be read, as a report lists them.
    pub rejected: Vec<Rejected>,
    /// Names in the input that are no key of the rulebook (see
    /// the reader's warnings), for the report of a stream ([`super::Warned`]).
    pub warnings: Vec<crate::record::Warning>,
}

impl Survey {
    /// Reads a JSONL or CSV input through, typed by `book`'s schema, keeping
    /// nothing of its records but what a [`Survey`] says. Fails where reading the
    /// input would.
    pub fn read(book: &Rulebook, input: impl BufRead, format: Format) -> Result<Survey, InputError> {
        Ok(Survey::read_through(book, input, format, false)?.0)
    }

    /// Reads the input as [`Survey::read`] does and, for an input found unsorted,
    /// keeps its accepted records as typed [`Columns`], so that a
    /// [`ColumnStream`](super::ColumnStream) need not read it again. Records are
    /// kept while the input is found unsorted within its first
    /// [`KEEP_WHILE_SORTED`] accepted records (then to its end): a sorted input is
    /// never held.
    pub fn read_kept(
        book: &Rulebook,
        input: impl BufRead,
        format: Format,
    ) -> Result<(Survey, Option<Columns>), InputError> {
        Survey::read_through(book, input, format, true)
    }

    /// The one pass both readings share; `keep` asks for the [`Columns`].
    fn read_through(
        book: &Rulebook,
        input: impl BufRead,
        format: Format,
        keep: bool,
    ) -> Result<(Survey, Option<Columns>), InputError> {
        let options = ReadOptions::for_book(book);
        let mut reader = Reader::new(input, format, &options)?;
        let mut kept = keep.then(|| Columns::new(&book.schema));
        let mut records = Vec::with_capacity(1);
        let mut survey = Survey {
            sorted: true,
            ..Survey::default()
        };
        // Members in order while the input is sorted; once it is not, counted by id
        // here, or at the end from the columns when they are kept (from then on they
        // hold every record: they are dropped only while the input is sorted).
        let mut unsorted: FxHashMap<Arc<str>, u64> = FxHashMap::default();
        while reader.next(&mut records, &mut survey.rejected)? {
            survey.records += 1;
            let Some(record) = records.pop() else {
                continue;
            };
            if let Some(columns) = &mut kept {
                if survey.sorted && columns.len() >= KEEP_WHILE_SORTED {
                    kept = None;
                } else {
                    columns.push(&record);
                }
            }
            survey.first = Some(survey.first.map_or(record.date, |first| first.min(record.date)));
            survey.last = survey.last.max(Some(record.date));
            if !survey.sorted {
                if kept.is_none() {
                    *unsorted.entry(record.member).or_default() += 1;
                }
                continue;
            }
            match survey.members.last_mut() {
                Some((member, count)) if *member == record.member => *count += 1,
                Some((member, _)) if *member > record.member => {
                    survey.sorted = false;
                    if kept.is_none() {
                        unsorted.extend(survey.members.drain(..));
                        *unsorted.entry(record.member).or_default() += 1;
                    }
                }
                _ => survey.members.push((record.member, 1)),
            }
        }
        survey.warnings = reader.warnings();
        if !survey.sorted {
            survey.members = match &mut kept {
                Some(columns) => {
                    columns.shrink();
                    columns.member_counts()
                }
                None => unsorted.into_iter().collect(),
            };
            survey.members.sort_unstable();
        } else {
            kept = None;
        }
        Ok((survey, kept))
    }

    /// The most records one member has.
    pub fn largest_member(&self) -> u64 {
        self.members.iter().map(|(_, count)| *count).max().unwrap_or(0)
    }

    /// `options` with the dates an evaluation of the whole input would default
    /// (`to` to the last record, `as_of` to `to`, `from` to the first record seen),
    /// so that every part of a stream is evaluated with the same. `None` when there
    /// is no date to take: no `to` or `as_of`, and no record.
    pub fn dates(&self, options: &Options) -> Option<Options> {
        let dates = crate::eval::Dates::between(options, self.first, self.last)?;
        Some(Options {
            from: Some(dates.from),
            to: Some(dates.to),
            as_of: Some(dates.as_of),
            ..options.clone()
        })
    }
}
