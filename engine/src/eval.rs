//! Evaluation: records grouped by member, rules applied in record order, caps,
//! history and the report's rows.
//!
//! Evaluation is a pure function of (rulebook, one member's records, options), so
//! members are independent: [`score`] evaluates each with [`score_member`] and
//! merges the results in member order, whatever order the records came in.

use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::book::Rulebook;
use crate::calendar::{Per, Window};
use crate::expr::Env;
use crate::record::{Record, Rejected};
use crate::report::{AwardReport, DateRange, MemberReport, PeriodReport, Report, RulebookRef, Withheld};
use crate::rules::CapState;
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
    /// (source, position, id) of the records it came from.
    pub records: Vec<(u32, u64, String)>,
    pub explain: String,
    pub withheld: Option<(String, Decimal)>,
    pub provisional: bool,
}

/// What evaluating one member yields.
struct MemberResult {
    awards: Vec<Award>,
    unmatched: u64,
    has_records_in_range: bool,
    errors: Vec<(u32, u64, Rejected)>,
}

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
    order.sort_by(|&a, &b| {
        let (a, b) = (&records[a], &records[b]);
        (&a.member, a.date, a.source, a.position).cmp(&(&b.member, b.date, b.source, b.position))
    });

    let mut members = Vec::new();
    let mut unmatched = 0;
    let mut errors = Vec::new();
    for group in order.chunk_by(|&a, &b| records[a].member == records[b].member) {
        let member_records: Vec<&Record> = group.iter().map(|&i| &records[i]).collect();
        let member_id = member_records[0].member.clone();
        let attrs = profiles
            .map(|p| p.attributes(&member_id, &book.member_attrs))
            .unwrap_or_default();
        let result = score_member(book, &member_id, &attrs, &member_records, dates);
        unmatched += result.unmatched;
        errors.extend(result.errors);
        if let Some(report) = member_report(
            book,
            &member_id,
            result.awards,
            result.has_records_in_range,
            period,
            dates,
        ) {
            members.push(report);
        }
    }
    errors.sort_by_key(|(source, position, _)| (*source, *position));
    rejected.extend(errors.into_iter().map(|(.., r)| r));

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

/// Evaluates every rule over one member's records, which come sorted by date and
/// input order and include history before `from`.
fn score_member(
    book: &Rulebook,
    member: &str,
    attrs: &[Value],
    records: &[&Record],
    dates: Dates,
) -> MemberResult {
    let mut matched = vec![false; records.len()];
    let mut awards = Vec::new();
    let mut errors = Vec::new();
    let mut caps: HashMap<&str, CapState> = HashMap::new();
    for (rule_index, rule) in book.rules.iter().enumerate() {
        let state = caps.entry(rule.id.as_str()).or_default();
        for (i, record) in records.iter().enumerate() {
            if !rule.effective.contains(record.date) {
                continue;
            }
            let env = Env {
                record: Some(record),
                member_id: member,
                member: attrs,
                as_of: dates.as_of,
                period: Some(book.period.window(record.date)),
                calendar: &book.calendar,
                locals: &[],
                group: None,
            };
            let outcome = match rule.kind.evaluate_record(&env) {
                Ok(Some(outcome)) => outcome,
                Ok(None) => continue,
                Err(error) => {
                    let reason = format!("rule `{}`: {error}", rule.id);
                    let id = record.has_id.then(|| record.id.to_string());
                    errors.push((
                        record.source,
                        record.position,
                        Rejected {
                            record: record.position,
                            id,
                            error: reason,
                            source: None,
                        },
                    ));
                    continue;
                }
            };
            matched[i] = true;
            let rounded = book.unit.round(outcome.points);
            let capped = state.apply(&rule.caps, record.date, rounded);
            awards.push(Award {
                rule: rule_index,
                date: record.date,
                points: capped.points,
                records: vec![(record.source, record.position, record.id.to_string())],
                explain: outcome.explain,
                withheld: capped.withheld,
                provisional: false,
            });
        }
    }
    let in_range = |r: &&Record| dates.in_range(r.date);
    let unmatched = records
        .iter()
        .zip(&matched)
        .filter(|(r, m)| !**m && in_range(r))
        .count() as u64;
    MemberResult {
        awards,
        unmatched,
        has_records_in_range: records.iter().any(in_range),
        errors,
    }
}

/// The member's report rows: awards dated in the range, by period of the report.
fn member_report(
    book: &Rulebook,
    member: &str,
    mut awards: Vec<Award>,
    has_records_in_range: bool,
    period: Per,
    dates: Dates,
) -> Option<MemberReport> {
    awards.retain(|a| dates.in_range(a.date));
    if awards.is_empty() && !has_records_in_range {
        return None;
    }
    let rule_order: Vec<usize> = book
        .rules
        .iter()
        .map(|r| book.rule_index(&r.id).unwrap_or(0))
        .collect();
    awards.sort_by(|a, b| {
        let key = |x: &Award| (x.date, rule_order[x.rule], x.records.first().map(|r| (r.0, r.1)));
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
            records: award.records.into_iter().map(|(.., id)| id).collect(),
            explain: award.explain,
            withheld: award.withheld.map(|(cap, points)| Withheld {
                cap,
                points: scale(points),
            }),
            provisional: award.provisional,
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
        indexes: Vec::new(),
    })
}
