//! Evaluation: records grouped by member, rules applied in record order, caps,
//! history and the report's rows.
//!
//! Evaluation is a pure function of (rulebook, one member's records, options), so
//! members are independent: [`score`] evaluates each with [`score_member`] and
//! merges the results in member order, whatever order the records came in.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::book::Rulebook;
use crate::calendar::{Per, Window};
use crate::explain::{Lang, Words};
use crate::expr::Env;
use crate::index;
use crate::record::{Record, Rejected};
use crate::report::{
    AwardReport, DateRange, IndexReport, MemberReport, PeriodReport, Report, RulebookRef, Withheld,
};
use crate::rules::{CapState, MemberView, RatingAward, RuleKind};
use crate::value::Value;

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
}

/// The dates one evaluation works with, defaults resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dates {
    pub from: Date,
    pub to: Date,
    pub as_of: Date,
}

impl Dates {
    /// `to` defaults to `as_of`, else to the last record; `as_of` defaults to `to`;
    /// `from` defaults to the first record seen.
    fn resolve(options: &Options, records: &[Record]) -> Option<Dates> {
        let last = records.iter().map(|r| r.date).max();
        let to = options.to.or(options.as_of).or(last)?;
        let as_of = options.as_of.unwrap_or(to);
        let first_seen = records.iter().map(|r| r.date).filter(|d| *d <= as_of).min();
        let from = options.from.or(first_seen).unwrap_or(to);
        Some(Dates { from, to, as_of })
    }

    fn in_range(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }
}

/// One award as evaluation makes it, before it is written into the report.
#[derive(Clone, Debug)]
pub(crate) struct Award {
    pub rule: usize,
    pub date: Date,
    pub points: Decimal,
    /// (source, position) of the first record it came from, for the report's order.
    pub first: Option<(u32, u64)>,
    /// Ids of the records it came from.
    pub records: Vec<String>,
    pub explain: String,
    pub withheld: Option<(String, Decimal)>,
    pub provisional: bool,
    pub failed: Option<String>,
}

fn record_ref(record: &Record) -> String {
    record.id.to_string()
}

fn rejection(record: &Record, error: String) -> (u32, u64, Rejected) {
    let id = record.has_id.then(|| record.id.to_string());
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

/// What every member's evaluation shares.
#[derive(Clone, Copy)]
struct Run<'a> {
    book: &'a Rulebook,
    dates: Dates,
    words: Words,
}

/// What evaluating one member yields.
struct MemberResult {
    awards: Vec<Award>,
    errors: Vec<(u32, u64, Rejected)>,
}

/// One member to evaluate: its id, its group of records (an index into the groups;
/// none when it only received ratings) and the rating awards it received.
type Task<'a> = (Arc<str>, Option<usize>, Vec<(usize, RatingAward<'a>)>);

/// Scores records (already read and typed) against a rulebook.
pub fn score(
    book: &Rulebook,
    records: &[Record],
    mut rejected: Vec<Rejected>,
    profiles: Option<&crate::records::Members>,
    options: &Options,
) -> Report {
    let period = options.period.unwrap_or(book.period);
    let Some(dates) = Dates::resolve(options, records) else {
        return empty_report(book, period, rejected, options);
    };
    let mut order: Vec<usize> = (0..records.len())
        .filter(|&i| records[i].date <= dates.as_of)
        .collect();
    // Members are ranked once (by their id's text), so the sort compares integers,
    // not strings; the index breaks ties as the stable sort did.
    let ranks = member_ranks(records, &order);
    // The keys are gathered in one pass in input order, then sorted contiguous (no
    // scattered record reads inside the sort).
    let mut keys: Vec<(u32, Date, u32, u64, usize)> = order
        .iter()
        .map(|&i| {
            let r = &records[i];
            (ranks[i], r.date, r.source, r.position, i)
        })
        .collect();
    keys.sort_unstable();
    for (slot, key) in order.iter_mut().zip(&keys) {
        *slot = key.4;
    }
    drop(keys);
    let words = Words(options.lang.unwrap_or_else(|| Lang::for_book(book)));
    let run = Run { book, dates, words };
    let attrs_of = |member: &str| {
        profiles
            .map(|p| p.attributes(member, &book.member_attrs))
            .unwrap_or_default()
    };

    // Ratings go to their subject, not to the member who rated: read them first.
    let mut used = vec![false; records.len()];
    let mut errors = Vec::new();
    let mut ratings: BTreeMap<Arc<str>, Vec<(usize, RatingAward)>> = BTreeMap::new();
    for (rule_index, rule) in book.rules.iter().enumerate() {
        let RuleKind::Rating(rating) = &rule.kind else {
            continue;
        };
        let mut read = Vec::new();
        for &i in &order {
            let record = &records[i];
            if !rule.effective.contains(record.date) {
                continue;
            }
            let attrs = attrs_of(&record.member);
            let env = record_env(book, record, &attrs, dates);
            match rating.read(&env) {
                Ok(Some((subject, value))) => {
                    used[i] = true;
                    read.push((record, subject, value));
                }
                Ok(None) => {}
                Err(reason) => {
                    used[i] = true;
                    errors.push(rejection(record, format!("rule `{}`: {reason}", rule.id)));
                }
            }
        }
        match rating.awards(&read, dates.as_of, &book.calendar, words) {
            Ok(awards) => {
                for award in awards {
                    ratings
                        .entry(award.subject.clone())
                        .or_default()
                        .push((rule_index, award));
                }
            }
            Err(error) => errors.push(rejection(read[0].0, format!("rule `{}`: {error}", rule.id))),
        }
    }

    let groups: Vec<&[usize]> = order.chunk_by(|&a, &b| ranks[a] == ranks[b]).collect();
    let mut member_ids: Vec<Arc<str>> = groups.iter().map(|g| records[g[0]].member.clone()).collect();
    member_ids.extend(ratings.keys().cloned());
    member_ids.sort();
    member_ids.dedup();
    let mut tasks: Vec<Task> = Vec::with_capacity(member_ids.len());
    let mut next_group = 0;
    for member_id in member_ids {
        let group = match groups.get(next_group) {
            Some(g) if records[g[0]].member == member_id => {
                next_group += 1;
                Some(next_group - 1)
            }
            _ => None,
        };
        let seeded = ratings.remove(&member_id).unwrap_or_default();
        tasks.push((member_id, group, seeded));
    }
    // Each member is a pure function of its own records (and the ratings read above):
    // evaluated in parallel when the `parallel` feature is on, merged in member order.
    let group_of = |g: Option<usize>| g.map_or(&[][..], |g| groups[g]);
    let evaluate = |(member_id, g, seeded): Task| {
        let group = group_of(g);
        let member_records: Vec<&Record> = group.iter().map(|&i| &records[i]).collect();
        let mut member_used: Vec<bool> = group.iter().map(|&i| used[i]).collect();
        let attrs = attrs_of(&member_id);
        // A member's records are scattered in memory: touching each once in a tight loop
        // lets the loads overlap, rather than stalling one by one inside the rules.
        let in_range = member_records.iter().filter(|r| dates.in_range(r.date)).count();
        let has_records_in_range = in_range > 0;
        let result = score_member(run, &member_id, &attrs, &member_records, &mut member_used, seeded);
        let indexes = index::evaluate(book, &member_records, &result.awards, &attrs, period, dates);
        let report = member_report(
            book,
            &member_id,
            result.awards,
            indexes,
            has_records_in_range,
            period,
            dates,
        );
        (g, member_used, result.errors, report)
    };
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    let outcomes: Vec<_> = {
        use rayon::prelude::*;
        tasks.into_par_iter().map(evaluate).collect()
    };
    #[cfg(not(all(feature = "parallel", not(target_arch = "wasm32"))))]
    let outcomes: Vec<_> = tasks.into_iter().map(evaluate).collect();
    let mut members = Vec::with_capacity(outcomes.len());
    for (g, member_used, member_errors, report) in outcomes {
        for (&i, was_used) in group_of(g).iter().zip(member_used) {
            used[i] |= was_used;
        }
        errors.extend(member_errors);
        members.extend(report);
    }
    let unmatched = order
        .iter()
        .filter(|&&i| !used[i] && dates.in_range(records[i].date))
        .count() as u64;
    errors.sort_by_key(|(source, position, _)| (*source, *position));
    // A record several rules refuse is listed once, with every reason.
    let mut last_source = None;
    for (source, position, error) in errors {
        match rejected.last_mut() {
            Some(last) if last.record == position && last_source == Some(source) => {
                last.error.push_str("; ");
                last.error.push_str(&error.error);
            }
            _ => rejected.push(error),
        }
        last_source = Some(source);
    }

    Report {
        rulebook: rulebook_ref(book),
        range: DateRange {
            from: Some(dates.from),
            to: Some(dates.to),
        },
        as_of: Some(dates.as_of),
        period: period.name().to_owned(),
        members,
        rejected,
        unmatched,
    }
}

/// Each record's member rank (by id text) for the records in `order`: equal ids get
/// equal ranks. Readers share one `Arc` per member, so ids are compared by pointer
/// first and only the distinct ones by text.
fn member_ranks(records: &[Record], order: &[usize]) -> Vec<u32> {
    let mut by_pointer: HashMap<usize, u32> = HashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let mut slot = vec![0u32; records.len()];
    let mut last: Option<(usize, u32)> = None;
    for &i in order {
        let member = &records[i].member;
        let key = Arc::as_ptr(member) as *const u8 as usize;
        let s = match last {
            Some((k, s)) if k == key => s,
            _ => *by_pointer.entry(key).or_insert_with(|| {
                distinct.push(member);
                (distinct.len() - 1) as u32
            }),
        };
        last = Some((key, s));
        slot[i] = s;
    }
    let mut sorted: Vec<u32> = (0..distinct.len() as u32).collect();
    sorted.sort_unstable_by_key(|&d| distinct[d as usize]);
    let mut rank_of = vec![0u32; distinct.len()];
    let mut rank = 0;
    for (k, &d) in sorted.iter().enumerate() {
        if k > 0 && distinct[sorted[k - 1] as usize] != distinct[d as usize] {
            rank += 1;
        }
        rank_of[d as usize] = rank;
    }
    for &i in order {
        slot[i] = rank_of[slot[i] as usize];
    }
    slot
}

fn rulebook_ref(book: &Rulebook) -> RulebookRef {
    RulebookRef {
        id: book.id.clone(),
        version: book.version.clone(),
        digest: book.digest.clone(),
    }
}

fn empty_report(book: &Rulebook, period: Per, rejected: Vec<Rejected>, options: &Options) -> Report {
    Report {
        rulebook: rulebook_ref(book),
        range: DateRange {
            from: options.from,
            to: options.to,
        },
        as_of: options.as_of,
        period: period.name().to_owned(),
        members: Vec::new(),
        rejected,
        unmatched: 0,
    }
}

fn record_env<'a>(book: &'a Rulebook, record: &'a Record, attrs: &'a [Value], dates: Dates) -> Env<'a> {
    Env {
        record: Some(record),
        member_id: &record.member,
        member: attrs,
        as_of: dates.as_of,
        period: Some(book.period.window(record.date)),
        calendar: &book.calendar,
        locals: &[],
        group: None,
    }
}

/// Evaluates every rule over one member's records, which come sorted by date and
/// input order and include history before `from`. `seeded` holds the member's
/// rating awards (made from other members' records).
fn score_member(
    run: Run,
    member: &str,
    attrs: &[Value],
    records: &[&Record],
    used: &mut [bool],
    mut seeded: Vec<(usize, RatingAward)>,
) -> MemberResult {
    let Run { book, dates, words } = run;
    let mut awards: Vec<Award> = Vec::new();
    let mut errors = Vec::new();
    let mut caps: HashMap<&str, CapState> = HashMap::new();
    for &rule_index in &book.order {
        let rule = &book.rules[rule_index];
        let state = caps.entry(rule.id.as_str()).or_default();
        let mut give =
            |date: Date, points: Decimal, refs: Vec<String>, first: Option<&Record>, explain: String| {
                let capped = state.apply(&rule.caps, date, book.unit.round(points));
                Award {
                    rule: rule_index,
                    date,
                    points: capped.points,
                    first: first.map(|r| (r.source, r.position)),
                    records: refs,
                    explain,
                    withheld: capped.withheld,
                    provisional: false,
                    failed: None,
                }
            };
        match &rule.kind {
            kind if kind.is_per_record() => {
                for (i, record) in records.iter().enumerate() {
                    if !rule.effective.contains(record.date) {
                        continue;
                    }
                    let env = record_env(book, record, attrs, dates);
                    match kind.evaluate_record(&env, words) {
                        Ok(Some(outcome)) => {
                            used[i] = true;
                            awards.push(give(
                                record.date,
                                outcome.points,
                                vec![record_ref(record)],
                                Some(record),
                                outcome.explain,
                            ));
                        }
                        Ok(None) => {}
                        Err(error) => errors.push(rejection(record, format!("rule `{}`: {error}", rule.id))),
                    }
                }
            }
            RuleKind::Rating(_) => {
                for (_, rating) in seeded.extract_if(.., |(r, _)| *r == rule_index) {
                    if !rule.effective.contains(rating.date) {
                        continue;
                    }
                    let refs = rating.records.iter().map(|r| record_ref(r)).collect();
                    let first = rating.records.first().copied();
                    let mut award = give(rating.date, rating.points, refs, first, rating.explain);
                    award.provisional = rating.provisional;
                    awards.push(award);
                }
            }
            kind => {
                let in_force: Vec<&Record> = records
                    .iter()
                    .copied()
                    .filter(|r| rule.effective.contains(r.date))
                    .collect();
                let index_of: Vec<usize> = (0..records.len())
                    .filter(|&i| rule.effective.contains(records[i].date))
                    .collect();
                let awarded: Vec<(&str, Date, Decimal)> = awards
                    .iter()
                    .map(|a| (book.rules[a.rule].id.as_str(), a.date, a.points))
                    .collect();
                let view = MemberView {
                    member_id: member,
                    attrs,
                    attr_names: &book.member_attrs,
                    records: &in_force,
                    as_of: dates.as_of,
                    calendar: &book.calendar,
                    awarded: &awarded,
                    words,
                };
                let mut in_force_used = vec![false; in_force.len()];
                match kind.evaluate_group(&view, &mut in_force_used) {
                    Ok(group_awards) => {
                        for group_award in group_awards {
                            let refs = group_award
                                .records
                                .iter()
                                .map(|&i| record_ref(in_force[i]))
                                .collect();
                            let first = group_award.records.first().map(|&i| in_force[i]);
                            let mut award = give(
                                group_award.date,
                                group_award.points,
                                refs,
                                first,
                                group_award.explain,
                            );
                            award.provisional = group_award.provisional;
                            award.failed = group_award.failed;
                            awards.push(award);
                        }
                    }
                    Err(error) => {
                        let message = format!("rule `{}` failed for member `{member}`: {error}", rule.id);
                        let last = records.last().map_or(dates.as_of, |r| r.date);
                        let mut award = give(last, Decimal::ZERO, Vec::new(), None, message.clone());
                        award.failed = Some(message);
                        awards.push(award);
                    }
                }
                for (k, was_used) in in_force_used.into_iter().enumerate() {
                    used[index_of[k]] |= was_used;
                }
            }
        }
    }
    MemberResult { awards, errors }
}

/// The member's report rows: awards dated in the range, by period of the report.
fn member_report(
    book: &Rulebook,
    member: &str,
    mut awards: Vec<Award>,
    indexes: Vec<IndexReport>,
    has_records_in_range: bool,
    period: Per,
    dates: Dates,
) -> Option<MemberReport> {
    awards.retain(|a| dates.in_range(a.date));
    if awards.is_empty() && !has_records_in_range && indexes.is_empty() {
        return None;
    }
    awards.sort_by(|a, b| {
        let key = |x: &Award| (x.date, book.report_order[x.rule], x.first);
        key(a).cmp(&key(b))
    });
    let mut periods: Vec<(Window, PeriodReport)> = Vec::new();
    let scale = |d: Decimal| {
        let mut d = d;
        d.rescale(book.unit.decimals);
        d
    };
    for award in awards {
        let window = period.window(award.date);
        if periods.last().is_none_or(|(w, _)| *w != window) {
            periods.push((
                window,
                PeriodReport {
                    period: period.label(window),
                    total: Decimal::ZERO,
                    rules: Vec::new(),
                    awards: Vec::new(),
                },
            ));
        }
        let (_, row) = periods.last_mut().expect("pushed above");
        let rule_id = &book.rules[award.rule].id;
        row.total += award.points;
        match row.rules.iter_mut().find(|(id, _)| id == rule_id) {
            Some((_, sum)) => *sum += award.points,
            None => row.rules.push((rule_id.clone(), award.points)),
        }
        row.awards.push(AwardReport {
            rule: rule_id.clone(),
            date: award.date,
            points: scale(award.points),
            records: award.records,
            explain: award.explain,
            withheld: award.withheld.map(|(cap, points)| Withheld {
                cap,
                points: scale(points),
            }),
            provisional: award.provisional,
            failed: award.failed,
        });
    }
    let mut total = Decimal::ZERO;
    let periods: Vec<PeriodReport> = periods
        .into_iter()
        .map(|(_, mut row)| {
            total += row.total;
            row.total = scale(row.total);
            row.rules.sort_by_key(|(id, _)| book.rule_index(id));
            for (_, points) in &mut row.rules {
                *points = scale(*points);
            }
            row
        })
        .collect();
    Some(MemberReport {
        member: member.to_owned(),
        total: scale(total),
        periods,
        indexes,
    })
}
