//! What evaluation makes of a member's records: compact awards that remember where
//! they came from (their explanations are written on demand), the records a rule
//! used, and a record's rejection.

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::Dates;
use crate::record::{Record, Rejected};

/// One award as evaluation makes it: compact, its explanation written on demand.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Award {
    pub points: Decimal,
    pub date: Date,
    pub rule: u32,
    pub origin: Origin,
    /// Index into the member's withheld list when a cap bit.
    pub withheld: Option<u32>,
}

/// Where an award came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A per-record rule's award to this record (an index into the records).
    Record(u32),
    /// A group or rating award: an index into the member's [`GroupDetail`]s.
    Group(u32),
}

/// What a group or rating award keeps for its report line.
#[derive(Clone, Debug)]
pub(crate) struct GroupDetail<'a> {
    /// Shared by the awards of one script call, which all cite the same records.
    pub records: std::sync::Arc<[&'a Record]>,
    pub explain: String,
    /// The full working when `explain` is a shortened sentence (the award's `trace`).
    pub trace: Option<String>,
    pub provisional: bool,
    pub failed: Option<String>,
}

pub(super) fn rejection(record: &Record, error: String) -> (u32, u64, Rejected) {
    let id = record.has_id.then(|| String::from(&*record.id));
    (
        record.source,
        record.position,
        Rejected {
            record: record.position,
            id,
            error,
            source: None,
        },
    )
}

/// Which records a rule used, and how many seen records in the report's range none
/// did (the report's `unmatched`).
pub(super) struct Usage {
    pub used: Vec<bool>,
    pub unmatched: u64,
}

impl Usage {
    /// Marks seen record `i` used: if no rule had, and it is in the range, it is no
    /// longer unmatched.
    pub(super) fn mark(&mut self, i: usize, date: Date, dates: &Dates) {
        if !std::mem::replace(&mut self.used[i], true) && dates.in_range(date) {
            self.unmatched -= 1;
        }
    }
}
