//! What changes between two reports of the same records, member by member: the
//! total, the periods, rules and index results that moved. `merit diff` shows it
//! before a community adopts a new rulebook (flattened by [`changes`], largest
//! first); the preview page's "what if" highlights it.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::book::Rulebook;
use crate::report::{IndexReport, MemberReport, Report};

/// How one report differs from another: only members with a change, sorted by id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportDiff {
    /// The members whose total, rows, rules or indexes changed.
    pub members: Vec<MemberDiff>,
}

/// One member's change: the total, and only the periods, rules and indexes that moved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberDiff {
    /// The member's id.
    pub member: String,
    /// The total in the first report (0 when absent there).
    #[serde(serialize_with = "decimal_str")]
    pub before: Decimal,
    /// The total in the second report (0 when absent there).
    #[serde(serialize_with = "decimal_str")]
    pub after: Decimal,
    /// `after - before`.
    #[serde(serialize_with = "decimal_str")]
    pub change: Decimal,
    /// Report rows (periods) whose total changed, in time order.
    pub periods: Vec<Delta>,
    /// Rules whose points over the whole range changed, in rule order.
    pub rules: Vec<Delta>,
    /// Index results (index, window) whose score, grade or veto changed.
    pub indexes: Vec<IndexDelta>,
}

/// Points before and after for one key (a period label or a rule id).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Delta {
    /// The period label (in `periods`) or the rule id (in `rules`).
    pub key: String,
    /// Points in the first report.
    #[serde(serialize_with = "decimal_str")]
    pub before: Decimal,
    /// Points in the second report.
    #[serde(serialize_with = "decimal_str")]
    pub after: Decimal,
    /// `after - before`.
    #[serde(serialize_with = "decimal_str")]
    pub change: Decimal,
}

/// One index result before and after; `None` where it was not computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndexDelta {
    /// The index's id.
    pub index: String,
    /// The window's label.
    pub period: String,
    /// The result in the first report.
    pub before: Option<IndexReport>,
    /// The result in the second report.
    pub after: Option<IndexReport>,
    /// Score after minus score before (a missing side counts as 0).
    #[serde(serialize_with = "decimal_str")]
    pub change: Decimal,
}

/// Compares two reports of the same rulebook member by member.
pub fn diff_reports(book: &Rulebook, before: &Report, after: &Report) -> ReportDiff {
    let scale = |mut d: Decimal| {
        d.rescale(book.unit.decimals);
        d
    };
    let delta = |key: &str, b: Decimal, a: Decimal| Delta {
        key: key.to_owned(),
        before: scale(b),
        after: scale(a),
        change: scale(a - b),
    };
    let mut ids: Vec<&str> = before
        .members
        .iter()
        .chain(&after.members)
        .map(|m| m.member.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut members = Vec::new();
    for id in ids {
        let (b, a) = (before.member(id), after.member(id));
        let total = |m: Option<&MemberReport>| m.map_or(Decimal::ZERO, |m| m.total);

        let mut periods: Vec<(&str, Decimal, Decimal)> = Vec::new();
        let mut rules: Vec<(&str, Decimal, Decimal)> = Vec::new();
        for (side, row) in [(0, b), (1, a)] {
            for period in row.iter().flat_map(|m| &m.periods) {
                add(&mut periods, &period.period, side, period.total);
                for (rule, points) in &period.rules {
                    add(&mut rules, rule, side, *points);
                }
            }
        }
        periods.sort_by(|x, y| x.0.cmp(y.0));
        rules.sort_by_key(|r| (book.rule_index(r.0).unwrap_or(usize::MAX), r.0));

        let mut indexes: Vec<IndexDelta> = Vec::new();
        for (side, row) in [(0, b), (1, a)] {
            for index in row.iter().flat_map(|m| &m.indexes) {
                let at = match indexes
                    .iter()
                    .position(|d| d.index == index.index && d.period == index.period)
                {
                    Some(at) => at,
                    None => {
                        indexes.push(IndexDelta {
                            index: index.index.clone(),
                            period: index.period.clone(),
                            before: None,
                            after: None,
                            change: Decimal::ZERO,
                        });
                        indexes.len() - 1
                    }
                };
                let slot = if side == 0 {
                    &mut indexes[at].before
                } else {
                    &mut indexes[at].after
                };
                *slot = Some(index.clone());
            }
        }
        indexes.retain(|d| d.before != d.after);
        for d in &mut indexes {
            let score = |i: &Option<IndexReport>| i.as_ref().map_or(Decimal::ZERO, |i| i.score);
            d.change = scale(score(&d.after) - score(&d.before));
        }

        let moved = |(_, b, a): &&(&str, Decimal, Decimal)| b != a;
        let diff = MemberDiff {
            member: id.to_owned(),
            before: scale(total(b)),
            after: scale(total(a)),
            change: scale(total(a) - total(b)),
            periods: periods
                .iter()
                .filter(moved)
                .map(|&(k, b, a)| delta(k, b, a))
                .collect(),
            rules: rules
                .iter()
                .filter(moved)
                .map(|&(k, b, a)| delta(k, b, a))
                .collect(),
            indexes,
        };
        if !diff.change.is_zero()
            || !diff.periods.is_empty()
            || !diff.rules.is_empty()
            || !diff.indexes.is_empty()
        {
            members.push(diff);
        }
    }
    ReportDiff { members }
}

/// Adds `points` to the before (side 0) or after (side 1) sum of `key`.
fn add<'a>(sums: &mut Vec<(&'a str, Decimal, Decimal)>, key: &'a str, side: u8, points: Decimal) {
    let at = match sums.iter().position(|s| s.0 == key) {
        Some(at) => at,
        None => {
            sums.push((key, Decimal::ZERO, Decimal::ZERO));
            sums.len() - 1
        }
    };
    if side == 0 {
        sums[at].1 += points;
    } else {
        sums[at].2 += points;
    }
}

fn decimal_str<S: serde::Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    crate::value::decimal_text::serialize(value, serializer)
}

/// One line of a diff, for a table: what moved, where, and by how much.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// The member's id.
    pub member: String,
    /// A period label, an index window, or `total` for the whole range.
    pub period: String,
    /// `total`, a rule id (over the whole range), `index:<id>` or `grade:<id>`.
    pub item: String,
    /// The value before, as shown (points or a grade); `None` where absent.
    pub before: Option<String>,
    /// The value after, as shown.
    pub after: Option<String>,
    /// after − before for numbers; `None` for grades.
    #[serde(serialize_with = "optional_decimal_str")]
    pub change: Option<Decimal>,
}

/// The diff as lines, largest change first (grade changes, which have no size, last).
pub fn changes(diff: &ReportDiff) -> Vec<Change> {
    let mut out = Vec::new();
    for m in &diff.members {
        let line = |period: &str, item: String, b: Option<Decimal>, a: Option<Decimal>| Change {
            member: m.member.clone(),
            period: period.to_owned(),
            item,
            before: b.map(|d| d.to_string()),
            after: a.map(|d| d.to_string()),
            change: Some(a.unwrap_or_default() - b.unwrap_or_default()),
        };
        if !m.change.is_zero() {
            out.push(line("total", "total".into(), Some(m.before), Some(m.after)));
        }
        for d in &m.periods {
            out.push(line(&d.key, "total".into(), Some(d.before), Some(d.after)));
        }
        for d in &m.rules {
            out.push(line("total", d.key.clone(), Some(d.before), Some(d.after)));
        }
        for d in &m.indexes {
            let (b, a) = (d.before.as_ref(), d.after.as_ref());
            if b.map(|i| i.score) != a.map(|i| i.score) {
                out.push(line(
                    &d.period,
                    format!("index:{}", d.index),
                    b.map(|i| i.score),
                    a.map(|i| i.score),
                ));
            }
            let (gb, ga) = (b.and_then(|i| i.grade.clone()), a.and_then(|i| i.grade.clone()));
            if gb != ga {
                out.push(Change {
                    member: m.member.clone(),
                    period: d.period.clone(),
                    item: format!("grade:{}", d.index),
                    before: gb,
                    after: ga,
                    change: None,
                });
            }
        }
    }
    out.sort_by(|x, y| {
        let size = |c: &Change| c.change.map(|d| d.abs());
        size(y)
            .cmp(&size(x))
            .then_with(|| (&x.member, &x.period, &x.item).cmp(&(&y.member, &y.period, &y.item)))
    });
    out
}

fn optional_decimal_str<S: serde::Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => serializer.serialize_some(&crate::value::DecimalText(*d)),
        None => serializer.serialize_none(),
    }
}
