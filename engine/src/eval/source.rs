//! The records an evaluation reads: a slice of [`Record`]s, or rows read in place
//! from the [`Columns`] an unsorted input was kept in.
//!
//! Making a `Record` of each kept row (an id and a boxed slice of values allocated,
//! the member's and kind's `Arc`s counted up, and all of it freed again) was half
//! of evaluating the bench's million records from columns. What the phases read of
//! most records is their member, date, input order and a few fields, which the
//! columns give without making anything; a whole `Record` is made only for what
//! needs one: an explanation, a rule the kernel cannot evaluate, a rejection.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::civil::Date;

use super::Options;
use crate::book::Rulebook;
use crate::expr::{Fixed, KValue, Rows, Text, Unfit, or_unfit, value_field};
use crate::record::Record;
use crate::records::columns::{Cell, Columns, Loc};
use crate::value::Value;

/// The records of one evaluation, by index.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    Records(&'a [Record]),
    /// Rows of columns, in this order. Made by [`Source::columns`], only for
    /// rulebooks whose evaluation never reads a member's records whole.
    Columns(&'a Columns, &'a [Loc]),
}

impl<'a> Source<'a> {
    /// The rows at `locs` of `columns`, in that order, if evaluating `book` with
    /// `options` reads them best in place: for totals only ([`Options::summary`]),
    /// and not when group rules, indexes, ratings or `why_not` read a member's
    /// records whole ([`reads_whole_records`]).
    ///
    /// A report with explanations explains every award, each from its whole
    /// record: the records are then best made all at once, in parallel, and read
    /// as [`Source::Records`] (making each while its award is explained made the
    /// bench's JSON report 10–20% slower).
    pub fn columns(
        book: &Rulebook,
        options: &Options,
        columns: &'a Columns,
        locs: &'a [Loc],
    ) -> Option<Self> {
        (options.summary && !reads_whole_records(book, options)).then_some(Source::Columns(columns, locs))
    }

    pub fn len(&self) -> usize {
        match self {
            Source::Records(records) => records.len(),
            Source::Columns(_, locs) => locs.len(),
        }
    }

    pub fn date(&self, i: usize) -> Date {
        match self {
            Source::Records(records) => records[i].date,
            Source::Columns(columns, locs) => {
                let (part, row) = columns.at(locs[i]);
                part.date(row)
            }
        }
    }

    /// Record `i`'s place in the input: (source, position).
    pub fn key(&self, i: usize) -> (u32, u64) {
        match self {
            Source::Records(records) => (records[i].source, records[i].position),
            Source::Columns(columns, locs) => {
                let (part, row) = columns.at(locs[i]);
                (part.source(row), part.position(row))
            }
        }
    }

    /// Record `i`'s member, shared by its records (one `Arc` a member).
    pub fn member(&self, i: usize) -> &'a Arc<str> {
        match self {
            Source::Records(records) => &records[i].member,
            Source::Columns(columns, locs) => columns.member(locs[i]),
        }
    }

    /// Record `i` whole.
    pub fn record(&self, i: usize) -> Cow<'a, Record> {
        match self {
            Source::Records(records) => Cow::Borrowed(&records[i]),
            Source::Columns(columns, locs) => Cow::Owned(columns.record_at(locs[i])),
        }
    }

    /// The records as a slice, for the phases that read a member's records whole
    /// (group rules, indexes, ratings, `why_not`): [`Source::columns`] gives columns
    /// only to evaluations without them, so none of those phases reads this empty.
    pub fn whole(&self) -> &'a [Record] {
        match self {
            Source::Records(records) => records,
            Source::Columns(..) => &[],
        }
    }
}

/// Whether evaluating `book` with `options` reads some member's records whole,
/// rather than record by record.
pub(crate) fn reads_whole_records(book: &Rulebook, options: &Options) -> bool {
    options.why_not || !book.indexes.is_empty() || book.rules.iter().any(|r| !r.kind.is_per_record())
}

/// Some of a source's records, by index, as the expression kernel reads them.
pub(super) struct Batch<'s, 'a> {
    pub source: &'s Source<'a>,
    pub items: &'s [usize],
}

impl Rows for Batch<'_, '_> {
    fn len(&self) -> usize {
        self.items.len()
    }

    fn fields(&self, slot: usize, out: &mut Vec<KValue>, unfit: &mut [bool]) {
        let rows = self.items.iter().zip(unfit);
        match self.source {
            Source::Records(records) => {
                out.extend(rows.map(|(&i, u)| or_unfit(value_field(records[i].fields.get(slot)), u)))
            }
            Source::Columns(columns, locs) => out.extend(rows.map(|(&i, u)| {
                let (part, row) = columns.at(locs[i]);
                let value = match part.cell(row, slot) {
                    Cell::Null => Ok(KValue::Null),
                    Cell::Bool(b) => Ok(KValue::Bool(b)),
                    Cell::Num(mantissa, scale) => Fixed::new(mantissa, scale).map(KValue::Num).ok_or(Unfit),
                    Cell::Kept(value) => value_field(Some(value)),
                    Cell::Str(_) | Cell::Other => Err(Unfit),
                };
                or_unfit(value, u)
            })),
        }
    }

    fn text(&self, k: usize, text: Text) -> Result<Option<&str>, Unfit> {
        let (columns, loc) = match self.source {
            Source::Records(records) => return Ok(text.read(&records[self.items[k]])),
            Source::Columns(columns, locs) => (columns, locs[self.items[k]]),
        };
        let (part, row) = columns.at(loc);
        Ok(match text {
            Text::Kind => Some(part.kind(row)),
            Text::Member => Some(columns.member(loc)),
            // An id not given is the position's text, which is not kept.
            Text::Id => Some(part.id(row).ok_or(Unfit)?),
            Text::Field(slot) => match part.cell(row, slot) {
                Cell::Str(s) => Some(s),
                Cell::Kept(Value::Str(s)) => Some(&**s),
                _ => None,
            },
        })
    }
}
