//! One reading pass before streaming: what must be known before the first member
//! is written.
//!
//! A report's range defaults to the input's first and last dates, and every member
//! is evaluated with that range; and members can be written as they come only when
//! they come in the report's order. Both are facts about the whole input, so a
//! stream that is not told its dates reads the input once for them first.

use std::io::BufRead;
use std::sync::Arc;

use jiff::civil::Date;

use crate::book::Rulebook;
use crate::eval::Options;
use crate::records::{Format, InputError, ReadOptions, Reader};

/// What one pass over an input found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Survey {
    /// Records read, accepted or rejected.
    pub records: u64,
    /// Whether every member's records are together and members come in id order
    /// (byte order, as the report lists them): what [`MemberStream`](super::MemberStream) needs.
    pub sorted: bool,
    /// The earliest and latest dates of the accepted records.
    pub first: Option<Date>,
    pub last: Option<Date>,
    /// The most records one member has (counted when `sorted`, else 0).
    pub largest_member: u64,
}

impl Survey {
    /// Reads a JSONL or CSV input through, typed by `book`'s schema, keeping
    /// nothing but what a [`Survey`] says. Fails where reading the input would.
    pub fn read(book: &Rulebook, input: impl BufRead, format: Format) -> Result<Survey, InputError> {
        let options = ReadOptions::new(&book.schema, &book.timezone);
        let mut reader = Reader::new(input, format, &options)?;
        let (mut records, mut rejected) = (Vec::with_capacity(1), Vec::new());
        let mut survey = Survey {
            sorted: true,
            ..Survey::default()
        };
        let mut member: Option<(Arc<str>, u64)> = None;
        while reader.next(&mut records, &mut rejected)? {
            survey.records += 1;
            rejected.clear();
            let Some(record) = records.pop() else {
                continue;
            };
            survey.first = Some(survey.first.map_or(record.date, |first| first.min(record.date)));
            survey.last = survey.last.max(Some(record.date));
            match &mut member {
                Some((id, count)) if *id == record.member => *count += 1,
                Some((id, count)) if survey.sorted && *id < record.member => {
                    survey.largest_member = survey.largest_member.max(*count);
                    (*id, *count) = (record.member, 1);
                }
                Some(_) => survey.sorted = false,
                None => member = Some((record.member, 1)),
            }
        }
        survey.largest_member = match member {
            Some((_, count)) if survey.sorted => survey.largest_member.max(count),
            _ => 0,
        };
        Ok(survey)
    }

    /// `options` with the dates an evaluation of the whole input would default
    /// (`to` to the last record, `as_of` to `to`, `from` to the first record seen),
    /// so that every part of a stream is evaluated with the same. `None` when there
    /// is no date to take: no `to` or `as_of`, and no record.
    pub fn dates(&self, options: &Options) -> Option<Options> {
        let to = options.to.or(options.as_of).or(self.last)?;
        let as_of = options.as_of.unwrap_or(to);
        let first_seen = self.first.filter(|first| *first <= as_of);
        Some(Options {
            from: options.from.or(first_seen).or(Some(to)),
            to: Some(to),
            as_of: Some(as_of),
            ..options.clone()
        })
    }
}
