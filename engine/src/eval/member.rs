//! One member: caps over the per-record hits, group rules, the ratings the member
//! received, indexes, and the period totals of the report.
//!
//! Everything here is a pure function of the member's own records, hits and
//! ratings, which is why members can be evaluated in parallel.

use std::ops::Range;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::order::Seen;
use super::sweep::Hit;
use super::{Award, GroupDetail, Origin, Run};
use crate::calendar::Window;
use crate::index;
use crate::record::{Record, Rejected};
use crate::report::IndexReport;
use crate::rules::{CapState, MemberView, RatingAward, RuleKind};
use crate::value::Value;

/// One member to evaluate.
pub(super) struct MemberInput<'m, 'a> {
    pub id: Arc<str>,
    /// Whether the member has a record in the report's range.
    pub in_range: bool,
    /// Seen records (history included), by date then input order; gathered only
    /// when group rules or indexes read them (`Run::reads_records`).
    pub records: &'m [Seen],
    /// Per-record hits, in the same order.
    pub hits: &'m [Hit],
    /// Ratings the member received from other members' records: (rule, award).
    pub seeded: Vec<(usize, RatingAward<'a>)>,
}

/// One member's evaluation, compact: points and totals, no explanation text yet.
pub(crate) struct MemberEval<'a> {
    pub id: Arc<str>,
    /// The member's profile attributes, for explanations written later.
    pub attrs: Vec<Value>,
    pub total: Decimal,
    pub periods: Vec<PeriodEval>,
    /// Awards dated in the range, in report order.
    pub awards: Vec<Award>,
    pub groups: Vec<GroupDetail<'a>>,
    /// (cap index in the rule, points held back) for awards a cap bit.
    pub withheld: Vec<(usize, Decimal)>,
    pub indexes: Vec<IndexReport>,
}

/// One report row: a period's total, its sums by rule and its awards.
pub(crate) struct PeriodEval {
    pub window: Window,
    pub total: Decimal,
    /// (the rule's report slot, points), in rule order.
    pub rules: Vec<(usize, Decimal)>,
    /// The period's awards in [`MemberEval::awards`].
    pub awards: Range<usize>,
}

/// What evaluating one member yields beside its evaluation: records group rules
/// used (by index) and records they could not evaluate.
pub(super) struct MemberOutcome<'a> {
    pub eval: Option<MemberEval<'a>>,
    pub used: Vec<u32>,
    pub errors: Vec<(u32, u64, Rejected)>,
}

/// Evaluates every rule over one member, in the rulebook's evaluation order.
pub(super) fn score_member<'a>(
    run: &Run<'a>,
    records: &'a [Record],
    input: MemberInput<'_, 'a>,
) -> MemberOutcome<'a> {
    let Run {
        book, dates, words, ..
    } = *run;
    let attrs = run.attrs_of(&input.id);
    let mut out = MemberOutcome {
        eval: None,
        used: Vec::new(),
        errors: Vec::new(),
    };
    // Group rules and indexes read the member's records themselves; a rulebook of
    // per-record rules only never gathers them.
    let member_records: Vec<&'a Record> = input
        .records
        .iter()
        .map(|s| &records[s.record as usize])
        .collect();
    let mut awards: Vec<Award> = Vec::new();
    let mut groups: Vec<GroupDetail<'a>> = Vec::new();
    let mut withheld: Vec<(usize, Decimal)> = Vec::new();
    // Versions of one rule id share their caps: state by report slot.
    let mut caps: Vec<CapState> = std::iter::repeat_with(CapState::default)
        .take(book.rules.len())
        .collect();
    let mut seeded = input.seeded;
    for &rule_index in &book.order {
        let rule = &book.rules[rule_index];
        let state = &mut caps[book.report_order[rule_index]];
        let mut give = |date: Date, points: Decimal, origin: Origin| {
            let capped = state.apply(&rule.caps, date, points);
            let held = capped.withheld.map(|w| {
                withheld.push(w);
                withheld.len() as u32 - 1
            });
            Award {
                points: capped.points,
                date,
                rule: rule_index as u32,
                origin,
                withheld: held,
            }
        };
        match &rule.kind {
            kind if kind.is_per_record() => {
                for hit in input.hits.iter().filter(|h| h.rule as usize == rule_index) {
                    awards.push(give(hit.date, hit.points, Origin::Record(hit.record)));
                }
            }
            RuleKind::Rating(_) => {
                for (_, rating) in seeded.extract_if(.., |(r, _)| *r == rule_index) {
                    if !rule.effective.contains(rating.date) {
                        continue;
                    }
                    let award = give(
                        rating.date,
                        book.unit.round(rating.points),
                        Origin::Group(groups.len() as u32),
                    );
                    groups.push(GroupDetail {
                        records: rating.records,
                        explain: rating.explain,
                        provisional: rating.provisional,
                        failed: None,
                    });
                    awards.push(award);
                }
            }
            kind => {
                let in_force: Vec<(usize, &Record)> = member_records
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| rule.effective.contains(r.date))
                    .map(|(i, r)| (i, *r))
                    .collect();
                let in_force_records: Vec<&Record> = in_force.iter().map(|(_, r)| *r).collect();
                let awarded: Vec<(&str, Date, Decimal)> = awards
                    .iter()
                    .map(|a| (book.rules[a.rule as usize].id.as_str(), a.date, a.points))
                    .collect();
                let view = MemberView {
                    member_id: &input.id,
                    attrs: &attrs,
                    attr_names: &book.member_attrs,
                    records: &in_force_records,
                    as_of: dates.as_of,
                    calendar: &book.calendar,
                    awarded: &awarded,
                    words,
                };
                let mut in_force_used = vec![false; in_force.len()];
                match kind.evaluate_group(&view, &mut in_force_used) {
                    Ok(group_awards) => {
                        for group_award in group_awards {
                            let points = book.unit.round(group_award.points);
                            let award = give(group_award.date, points, Origin::Group(groups.len() as u32));
                            groups.push(GroupDetail {
                                records: group_award.records.iter().map(|&i| in_force[i].1).collect(),
                                explain: group_award.explain,
                                provisional: group_award.provisional,
                                failed: group_award.failed,
                            });
                            awards.push(award);
                        }
                    }
                    Err(error) => {
                        let message = format!("rule `{}` failed for member `{}`: {error}", rule.id, input.id);
                        let last = input.records.last().map_or(dates.as_of, |r| r.date);
                        let award = give(last, Decimal::ZERO, Origin::Group(groups.len() as u32));
                        groups.push(GroupDetail {
                            records: Vec::new(),
                            explain: message.clone(),
                            provisional: false,
                            failed: Some(message),
                        });
                        awards.push(award);
                    }
                }
                for ((k, _), was_used) in in_force.iter().zip(in_force_used) {
                    if was_used {
                        out.used.push(input.records[*k].record);
                    }
                }
            }
        }
    }
    let indexes = if book.indexes.is_empty() {
        Vec::new()
    } else {
        index::evaluate(book, &member_records, &awards, &attrs, dates)
    };
    awards.retain(|a| dates.in_range(a.date));
    if awards.is_empty() && !input.in_range && indexes.is_empty() {
        return out;
    }
    // Report order: date, then rule order, then the first record's input order.
    let first = |a: &Award| {
        match a.origin {
            Origin::Record(i) => Some(&records[i as usize]),
            Origin::Group(g) => groups[g as usize].records.first().copied(),
        }
        .map(|r| (r.source, r.position))
    };
    let order = |a: &Award, b: &Award| {
        (a.date, book.report_order[a.rule as usize])
            .cmp(&(b.date, book.report_order[b.rule as usize]))
            .then_with(|| first(a).cmp(&first(b)))
    };
    if !awards.is_sorted_by(|a, b| order(a, b).is_le()) {
        awards.sort_by(order);
    }
    let (periods, total) = periods(run, &awards);
    out.eval = Some(MemberEval {
        id: input.id,
        attrs,
        total,
        periods,
        awards,
        groups,
        withheld,
        indexes,
    });
    out
}

/// The report's rows: awards (in report order) summed by period and by rule.
fn periods(run: &Run, awards: &[Award]) -> (Vec<PeriodEval>, Decimal) {
    let book = run.book;
    let mut periods: Vec<PeriodEval> = Vec::new();
    let mut total = Decimal::ZERO;
    for (i, award) in awards.iter().enumerate() {
        let row = match periods.last_mut() {
            Some(row) if row.window.contains(award.date) => row,
            _ => {
                periods.push(PeriodEval {
                    window: run.period.window(award.date),
                    total: Decimal::ZERO,
                    rules: Vec::new(),
                    awards: i..i,
                });
                periods.last_mut().expect("pushed above")
            }
        };
        let slot = book.report_order[award.rule as usize];
        row.total += award.points;
        row.awards.end = i + 1;
        match row.rules.iter_mut().find(|(s, _)| *s == slot) {
            Some((_, sum)) => *sum += award.points,
            None => row.rules.push((slot, award.points)),
        }
        total += award.points;
    }
    for row in &mut periods {
        row.rules.sort_by_key(|(slot, _)| *slot);
    }
    (periods, total)
}
