//! What every group rule shares: the member's records cut into windows of `per`,
//! the environment group expressions read, and the award a window makes.
//!
//! A group award belongs to a window and is dated min(window end, as_of); it is
//! provisional while its window has not closed by `as_of`.

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::calendar::{Calendar, Per, Window};
use crate::expr::{Env, Group};
use crate::record::Record;
use crate::value::Value;

/// One member as group rules see them.
pub struct MemberView<'a> {
    pub member_id: &'a str,
    pub attrs: &'a [Value],
    /// Names of `attrs`, in order (the rulebook's member attributes).
    pub attr_names: &'a [String],
    /// Seen records (dated on or before `as_of`, history included), by date then input order.
    pub records: &'a [&'a Record],
    pub as_of: Date,
    pub calendar: &'a Calendar,
    /// Points already awarded to the member by other rules: (rule id, date, points).
    pub awarded: &'a [(&'a str, Date, Decimal)],
    /// The language of explanations.
    pub words: crate::words::Words,
}

/// An award made for one window, before rounding and caps.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupAward {
    pub date: Date,
    pub points: Decimal,
    /// Indices into [`MemberView::records`] of the records it came from; the
    /// awards of one script call share one list.
    pub records: std::sync::Arc<[usize]>,
    pub explain: String,
    /// The full working, when `explain` is a shortened sentence of it.
    pub trace: Option<String>,
    pub provisional: bool,
    /// Why the award could not be computed (a script stopped by a limit).
    pub failed: Option<String>,
}

impl GroupAward {
    /// An award for `window`, dated and flagged as DESIGN section 4 says.
    pub fn new(
        window: Window,
        as_of: Date,
        points: Decimal,
        records: impl Into<std::sync::Arc<[usize]>>,
        explain: String,
    ) -> GroupAward {
        GroupAward {
            date: window.end.min(as_of),
            points,
            records: records.into(),
            explain,
            trace: None,
            provisional: window.end > as_of,
            failed: None,
        }
    }

    /// The award with `explain` as its short sentence and `trace` its full working.
    pub fn with_trace(mut self, trace: String) -> GroupAward {
        self.trace = Some(trace);
        self
    }
}

/// The windows of `per` holding at least one record, with each window's records
/// as a range of indices (records are sorted by date, so each window is contiguous).
pub fn windows(per: Per, records: &[&Record]) -> Vec<(Window, std::ops::Range<usize>)> {
    let mut out: Vec<(Window, std::ops::Range<usize>)> = Vec::new();
    for (i, record) in records.iter().enumerate() {
        match out.last_mut() {
            Some((window, range)) if window.contains(record.date) => range.end = i + 1,
            _ => out.push((per.window(record.date), i..i + 1)),
        }
    }
    out
}

/// The records of one window, with the points awarded in it, for group expressions.
pub struct WindowGroup<'a> {
    pub records: Vec<&'a Record>,
    pub window: Window,
    pub awarded: &'a [(&'a str, Date, Decimal)],
}

impl Group for WindowGroup<'_> {
    fn records(&self) -> &[&Record] {
        &self.records
    }

    fn points(&self, rule_id: &str) -> Decimal {
        self.awarded
            .iter()
            .filter(|(id, date, _)| *id == rule_id && self.window.contains(*date))
            .map(|(.., points)| *points)
            .sum()
    }
}

impl<'a> MemberView<'a> {
    /// The environment of a group expression evaluated for `window`.
    pub fn env(&self, window: Window, group: &'a WindowGroup<'a>, locals: &'a [Value]) -> Env<'a> {
        Env {
            record: None,
            member_id: self.member_id,
            member: self.attrs,
            as_of: self.as_of,
            period: Some(window),
            calendar: self.calendar,
            locals,
            group: Some(group),
        }
    }

    /// The environment of a per-record expression inside a group rule.
    pub fn record_env(&self, record: &'a Record, window: Window) -> Env<'a> {
        Env {
            record: Some(record),
            member_id: self.member_id,
            member: self.attrs,
            as_of: self.as_of,
            period: Some(window),
            calendar: self.calendar,
            locals: &[],
            group: None,
        }
    }
}
