//! What changes between two reports of the same records: per member and period, the
//! totals, rule points, index scores and grades that differ, largest change first.
//! `merit diff` shows it before a community adopts a new rulebook; the preview page
//! uses it for "what if I log one more activity".

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::report::{MemberReport, Report};

/// One figure that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub member: String,
    /// The period label, or `total` for the member's total over the range.
    pub period: String,
    /// `total`, a rule id, or `index:<id>` / `grade:<id>` for an index.
    pub item: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// after − before, for numbers (a missing side counts as 0).
    #[serde(serialize_with = "as_string_opt")]
    pub change: Option<Decimal>,
}

fn as_string_opt<S: serde::Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => serializer.collect_str(d),
        None => serializer.serialize_none(),
    }
}

/// Every figure that differs between `before` and `after`, largest change first
/// (grade changes, which have no size, come last).
pub fn compare(before: &Report, after: &Report) -> Vec<Change> {
    let members: BTreeSet<&str> = before
        .members
        .iter()
        .chain(&after.members)
        .map(|m| m.member.as_str())
        .collect();
    let mut changes = Vec::new();
    let mut grades = Vec::new();
    for member in members {
        let (b, a) = (before.member(member), after.member(member));
        let mut push = |period: &str, item: String, x: Option<Decimal>, y: Option<Decimal>| {
            if x != y {
                let change = Some(y.unwrap_or_default() - x.unwrap_or_default());
                changes.push(Change {
                    member: member.to_owned(),
                    period: period.to_owned(),
                    item,
                    before: x.map(|d| d.to_string()),
                    after: y.map(|d| d.to_string()),
                    change,
                });
            }
        };
        push("total", "total".into(), b.map(|m| m.total), a.map(|m| m.total));
        let periods: BTreeSet<&str> = rows(b).chain(rows(a)).collect();
        for period in periods {
            let (rb, ra) = (period_row(b, period), period_row(a, period));
            push(period, "total".into(), rb.map(|p| p.total), ra.map(|p| p.total));
            let rules: BTreeSet<&str> = rb
                .into_iter()
                .chain(ra)
                .flat_map(|p| p.rules.iter().map(|(id, _)| id.as_str()))
                .collect();
            for rule in rules {
                let points = |p: Option<&crate::report::PeriodReport>| {
                    p.and_then(|p| p.rules.iter().find(|(id, _)| id == rule))
                        .map(|(_, v)| *v)
                };
                push(period, rule.to_owned(), points(rb), points(ra));
            }
        }
        let indexes: BTreeSet<(&str, &str)> = b
            .into_iter()
            .chain(a)
            .flat_map(|m| m.indexes.iter().map(|i| (i.index.as_str(), i.period.as_str())))
            .collect();
        for (index, period) in indexes {
            let (ib, ia) = (index_row(b, index, period), index_row(a, index, period));
            push(
                period,
                format!("index:{index}"),
                ib.map(|i| i.score),
                ia.map(|i| i.score),
            );
            let (gb, ga) = (ib.and_then(|i| i.grade.clone()), ia.and_then(|i| i.grade.clone()));
            if gb != ga {
                grades.push(Change {
                    member: member.to_owned(),
                    period: period.to_owned(),
                    item: format!("grade:{index}"),
                    before: gb,
                    after: ga,
                    change: None,
                });
            }
        }
    }
    changes.extend(grades);
    changes.sort_by(|x, y| {
        let size = |c: &Change| c.change.map(|d| d.abs());
        size(y)
            .cmp(&size(x))
            .then_with(|| (&x.member, &x.period, &x.item).cmp(&(&y.member, &y.period, &y.item)))
    });
    changes
}

fn period_row<'r>(member: Option<&'r MemberReport>, period: &str) -> Option<&'r crate::report::PeriodReport> {
    member.and_then(|m| m.periods.iter().find(|p| p.period == period))
}

fn index_row<'r>(
    member: Option<&'r MemberReport>,
    index: &str,
    period: &str,
) -> Option<&'r crate::report::IndexReport> {
    member.and_then(|m| m.indexes.iter().find(|i| i.index == index && i.period == period))
}

fn rows(member: Option<&MemberReport>) -> impl Iterator<Item = &str> {
    member
        .into_iter()
        .flat_map(|m| m.periods.iter().map(|p| p.period.as_str()))
}
