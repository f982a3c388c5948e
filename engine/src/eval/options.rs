//! What the caller asks of one evaluation, and the dates it resolves to.

use jiff::civil::Date;

use crate::calendar::Per;
use crate::words::Lang;

/// What the caller asks of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// First day reported; earlier records are history (they count for caps).
    pub from: Option<Date>,
    /// Last day reported.
    pub to: Option<Date>,
    /// The day the report is made: later records are not seen, and windows that
    /// have not closed by then are provisional. Defaults to `to`.
    pub as_of: Option<Date>,
    /// The period of report rows; the rulebook's `period` by default.
    pub period: Option<Per>,
    /// The language of explanations; Chinese for rulebooks with Chinese titles by default.
    pub lang: Option<Lang>,
    /// Totals only: reports list each member's periods, sums by rule and indexes
    /// but no award lines, so no explanation is written (what CSV and table
    /// summaries show) — except the failed awards, which every format shows.
    pub summary: bool,
    /// Add to each member the records that earned nothing, and why (`unscored`).
    pub why_not: bool,
}

/// The dates one evaluation works with, defaults resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dates {
    pub from: Date,
    pub to: Date,
    pub as_of: Date,
}

impl Dates {
    /// The dates for records dated from `first` to `last` (the earliest is the
    /// first seen when any record is seen at all).
    pub(crate) fn between(options: &Options, first: Option<Date>, last: Option<Date>) -> Option<Dates> {
        let to = options.to.or(options.as_of).or(last)?;
        let as_of = options.as_of.unwrap_or(to);
        let first_seen = first.filter(|first| *first <= as_of);
        let from = options.from.or(first_seen).unwrap_or(to);
        Some(Dates { from, to, as_of })
    }

    pub fn in_range(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }
}
