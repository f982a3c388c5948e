//! One member: caps over the per-record hits, group rules, the ratings the member
//! received, indexes, and the period totals of the report.
//!
//! Everything here is a pure function of the member's own records, hits and
//! ratings, which is why members can be evaluated in parallel.

use std::ops::Range;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::index;
use super::order::Seen;
use super::source::Source;
use super::sweep::Hit;
use super::{Award, GroupDetail, Origin, Run};
use crate::book::Rulebook;
use crate::calendar::Window;
use crate::expr::fixed_decimal;
use crate::record::Record;
use crate::report::IndexReport;
use crate::rules::{Amount, Bound, CapState, MemberView, RatingAward, to_steps};
use crate::value::Value;

/// One member to evaluate.
pub(super) struct MemberInput<'m, 'a> {
    pub id: Arc<str>,
    /// Whether the member has a record in the report's range.
    pub in_range: bool,
    /// Seen records (history included), by date then input order; gathered only
    /// when group rules, indexes or ratings read them (else empty).
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
    /// (the rule's report slot, points) of every period, each period's in rule order.
    pub rule_sums: Vec<(usize, Decimal)>,
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
    /// The period's sums by rule in [`MemberEval::rule_sums`].
    pub rules: Range<usize>,
    /// The period's awards in [`MemberEval::awards`].
    pub awards: Range<usize>,
}

/// What evaluating one member yields: its evaluation (none for a member with
/// nothing to report) and the records its group rules used (by index). A group rule
/// that fails makes a failed award, not a rejection.
pub(super) struct MemberOutcome<'a> {
    pub eval: Option<MemberEval<'a>>,
    pub used: Vec<u32>,
}

/// Every rule's caps as bounds: in decimals, and in steps when the rulebook allows
/// the fast path.
pub(super) struct CapBounds {
    decimal: Vec<Vec<Bound<Decimal>>>,
    /// Set when every rule awards per record and every cap is a whole number of the
    /// unit's steps: a member whose awards are all whole steps is then capped and
    /// summed in `i64`, exactly, at a fraction of the cost of `Decimal`.
    steps: Option<StepBounds>,
}

/// A group award's record indices and the records they name, shared by the
/// awards of one script call.
type SharedRecords<'r> = (Arc<[usize]>, Arc<[&'r Record]>);

/// Each rule's caps in steps of the unit.
type StepBounds = Vec<Vec<Bound<i64>>>;

impl CapBounds {
    pub fn new(book: &Rulebook) -> CapBounds {
        let per_record_only = book.rules.iter().all(|r| r.kind.is_per_record());
        let steps = per_record_only.then(|| {
            book.rules
                .iter()
                .map(|r| {
                    r.caps
                        .iter()
                        .map(|c| c.steps(book.unit.decimals))
                        .collect::<Option<Vec<_>>>()
                })
                .collect::<Option<Vec<_>>>()
        });
        CapBounds {
            decimal: book
                .rules
                .iter()
                .map(|r| r.caps.iter().map(|c| c.bound(book.unit.decimals)).collect())
                .collect(),
            steps: steps.flatten(),
        }
    }
}

/// The most awards one member may have on the fast path: with each below 2^40 steps
/// ([`to_steps`]), their sums stay inside `i64`.
const MAX_FAST_AWARDS: usize = 1 << 22;

/// Evaluates every rule over one member, in the rulebook's evaluation order.
pub(super) fn score_member<'a>(
    run: &Run<'a>,
    records: Source<'a>,
    bounds: &CapBounds,
    input: MemberInput<'_, 'a>,
) -> MemberOutcome<'a> {
    let Run {
        book, dates, words, ..
    } = *run;
    let attrs = run.attrs_of(&input.id);
    let mut out = MemberOutcome {
        eval: None,
        used: Vec::new(),
    };
    // Group rules and indexes read the member's records themselves; a rulebook of
    // per-record rules only never gathers them.
    let whole = records.whole();
    let member_records: Vec<&'a Record> = input.records.iter().map(|s| &whole[s.record as usize]).collect();
    super::warm(member_records.iter().copied());
    let mut awards: Vec<Award> = Vec::with_capacity(input.hits.len() + input.seeded.len());
    let mut groups: Vec<GroupDetail<'a>> = Vec::new();
    let mut withheld: Vec<(usize, Decimal)> = Vec::new();
    let decimals = book.unit.decimals;
    // The fast path: every hit a whole number of steps (hits are rounded to the
    // unit already, so this fails only for huge figures).
    let steps: Option<(&StepBounds, Vec<i64>)> = bounds
        .steps
        .as_ref()
        .filter(|_| input.hits.len() <= MAX_FAST_AWARDS)
        .and_then(|b| {
            Some((
                b,
                input
                    .hits
                    .iter()
                    .map(|h| to_steps(h.points, decimals))
                    .collect::<Option<_>>()?,
            ))
        });
    // Versions of one rule id share their caps: state by report slot.
    let mut caps: Vec<CapState> = std::iter::repeat_with(CapState::default)
        .take(book.rules.len())
        .collect();
    let mut step_caps: Vec<CapState<i64>> = std::iter::repeat_with(CapState::default)
        .take(if steps.is_some() { book.rules.len() } else { 0 })
        .collect();
    // On the fast path every award comes from `cap_hits`: its steps, kept beside it,
    // need not be worked out again from its decimal for the totals.
    let mut award_steps: Option<Vec<i64>> = steps.as_ref().map(|_| Vec::with_capacity(input.hits.len()));
    let mut seeded = input.seeded;
    for &rule_index in &book.order {
        let rule = &book.rules[rule_index];
        let slot = book.report_order[rule_index];
        if rule.kind.is_per_record() {
            let ours = input
                .hits
                .iter()
                .enumerate()
                .filter(|(_, h)| h.rule as usize == rule_index);
            match &steps {
                Some((step_bounds, points)) => cap_hits(
                    &mut step_caps[slot],
                    &step_bounds[rule_index],
                    ours.map(|(i, h)| (h, points[i])),
                    |s| fixed_decimal(s, decimals),
                    &mut awards,
                    &mut withheld,
                    award_steps.as_mut(),
                ),
                None => cap_hits(
                    &mut caps[slot],
                    &bounds.decimal[rule_index],
                    ours.map(|(_, h)| (h, h.points)),
                    |d| d,
                    &mut awards,
                    &mut withheld,
                    None,
                ),
            }
            continue;
        }
        let state = &mut caps[slot];
        let mut give = |date: Date, points: Decimal, origin: Origin| {
            let capped = state.apply(&bounds.decimal[rule_index], date, points);
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
        if rule.kind.across_members() {
            for (_, rating) in seeded.extract_if(.., |(r, _)| *r == rule_index) {
                if !rule.effective.contains(rating.date) {
                    continue;
                }
                let failed = crate::value::too_large(rating.points).then(|| {
                    format!(
                        "rule `{}` failed for member `{}`: {}",
                        rule.id,
                        input.id,
                        crate::value::too_large_award(rating.points)
                    )
                });
                let points = match failed {
                    Some(_) => Decimal::ZERO,
                    None => book.unit.round(rating.points),
                };
                let award = give(rating.date, points, Origin::Group(groups.len() as u32));
                groups.push(GroupDetail {
                    records: rating.records.into(),
                    explain: failed.clone().unwrap_or(rating.explain),
                    trace: rating.trace,
                    provisional: rating.provisional,
                    failed,
                });
                awards.push(award);
            }
        } else {
            let kind = &rule.kind;
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
                    // Awards citing the same list (one script call's) share it.
                    let mut last: Option<SharedRecords> = None;
                    for mut group_award in group_awards {
                        if crate::value::too_large(group_award.points) {
                            let message = format!(
                                "rule `{}` failed for member `{}`: {}",
                                rule.id,
                                input.id,
                                crate::value::too_large_award(group_award.points)
                            );
                            group_award.points = Decimal::ZERO;
                            group_award.explain = message.clone();
                            group_award.failed = Some(message);
                        }
                        let points = book.unit.round(group_award.points);
                        let award = give(group_award.date, points, Origin::Group(groups.len() as u32));
                        let records = match &last {
                            Some((ids, records)) if Arc::ptr_eq(ids, &group_award.records) => records.clone(),
                            _ => {
                                let records: Arc<[&Record]> =
                                    group_award.records.iter().map(|&i| in_force[i].1).collect();
                                last = Some((group_award.records.clone(), records.clone()));
                                records
                            }
                        };
                        groups.push(GroupDetail {
                            records,
                            explain: group_award.explain,
                            trace: group_award.trace,
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
                        records: Arc::new([]),
                        explain: message.clone(),
                        trace: None,
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
    let indexes = if book.indexes.is_empty() {
        Vec::new()
    } else {
        index::evaluate(book, &member_records, &awards, &attrs, dates)
    };
    match &mut award_steps {
        Some(steps) => {
            let mut kept = 0;
            for i in 0..awards.len() {
                if dates.in_range(awards[i].date) {
                    awards[kept] = awards[i];
                    steps[kept] = steps[i];
                    kept += 1;
                }
            }
            awards.truncate(kept);
            steps.truncate(kept);
        }
        None => awards.retain(|a| dates.in_range(a.date)),
    }
    if awards.is_empty() && !input.in_range && indexes.is_empty() {
        return out;
    }
    // Report order: date, then rule order, then the first record's input order.
    // When records lie in input order, two records' indices say it without reading
    // them (a cache miss each, on a million records).
    let first = |a: &Award| match a.origin {
        Origin::Record(i) => Some(records.key(i as usize)),
        Origin::Group(g) => groups[g as usize].records.first().map(|r| (r.source, r.position)),
    };
    let order = |a: &Award, b: &Award| {
        (a.date, book.report_order[a.rule as usize])
            .cmp(&(b.date, book.report_order[b.rule as usize]))
            .then_with(|| match (a.origin, b.origin) {
                (Origin::Record(i), Origin::Record(j)) if run.in_input_order => i.cmp(&j),
                _ => first(a).cmp(&first(b)),
            })
    };
    if !awards.is_sorted_by(|a, b| order(a, b).is_le()) {
        awards.sort_by(order);
        award_steps = None;
    }
    // Totals in steps when every award is a whole number of them (always on the
    // fast path), else in decimals.
    let (periods, rule_sums, total) = match award_steps
        .or_else(|| {
            awards
                .iter()
                .map(|a| to_steps(a.points, decimals))
                .collect::<Option<Vec<i64>>>()
        })
        .filter(|_| awards.len() <= MAX_FAST_AWARDS)
    {
        Some(points) => periods(run, &awards, &points, |s| fixed_decimal(s, decimals)),
        None => {
            let points: Vec<Decimal> = awards.iter().map(|a| a.points).collect();
            periods(run, &awards, &points, |d| d)
        }
    };
    out.eval = Some(MemberEval {
        id: input.id,
        attrs,
        total,
        periods,
        rule_sums,
        awards,
        groups,
        withheld,
        indexes,
    });
    out
}

/// Caps a per-record rule's hits (with their points as `A`) in order, as awards
/// (and their points after the cap in `amounts`, when given).
fn cap_hits<'h, A: Amount>(
    state: &mut CapState<A>,
    bounds: &[Bound<A>],
    hits: impl Iterator<Item = (&'h Hit, A)>,
    to_decimal: impl Fn(A) -> Decimal,
    awards: &mut Vec<Award>,
    withheld: &mut Vec<(usize, Decimal)>,
    mut amounts: Option<&mut Vec<A>>,
) {
    for (hit, points) in hits {
        let capped = state.apply(bounds, hit.date, points);
        let held = capped.withheld.map(|(cap, points)| {
            withheld.push((cap, to_decimal(points)));
            withheld.len() as u32 - 1
        });
        awards.push(Award {
            points: to_decimal(capped.points),
            date: hit.date,
            rule: hit.rule,
            origin: Origin::Record(hit.record),
            withheld: held,
        });
        if let Some(amounts) = amounts.as_deref_mut() {
            amounts.push(capped.points);
        }
    }
}

/// The report's rows: awards (in report order, `points[i]` being award `i`'s)
/// summed by period and by rule (the sums of all periods, each in rule order), and
/// the member's total.
fn periods<A: Amount>(
    run: &Run,
    awards: &[Award],
    points: &[A],
    to_decimal: impl Fn(A) -> Decimal,
) -> (Vec<PeriodEval>, Vec<(usize, Decimal)>, Decimal) {
    let book = run.book;
    let mut periods: Vec<PeriodEval> = Vec::new();
    let mut sums: Vec<(usize, A)> = Vec::new();
    for (i, (award, &points)) in awards.iter().zip(points).enumerate() {
        if periods.last().is_none_or(|row| !row.window.contains(award.date)) {
            periods.push(PeriodEval {
                window: run.period.window(award.date),
                total: Decimal::ZERO,
                rules: sums.len()..sums.len(),
                awards: i..i,
            });
        }
        let row = periods.last_mut().expect("pushed above");
        row.awards.end = i + 1;
        let slot = book.report_order[award.rule as usize];
        match sums[row.rules.clone()].iter_mut().find(|(s, _)| *s == slot) {
            Some((_, sum)) => *sum += points,
            None => {
                sums.push((slot, points));
                row.rules.end += 1;
            }
        }
    }
    let mut total = A::default();
    for row in &mut periods {
        let rules = &mut sums[row.rules.clone()];
        rules.sort_by_key(|(slot, _)| *slot);
        let row_total = rules.iter().fold(A::default(), |sum, (_, p)| sum + *p);
        row.total = to_decimal(row_total);
        total += row_total;
    }
    let sums = sums.into_iter().map(|(slot, p)| (slot, to_decimal(p))).collect();
    (periods, sums, to_decimal(total))
}
