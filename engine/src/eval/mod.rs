//! Evaluation: records grouped by member, rules applied in record order, caps,
//! history and the totals of the report.
//!
//! Evaluation is a pure function of (rulebook, one member's records, options), so
//! members are independent and evaluated in parallel. The phases, one file each:
//!
//! | file | job |
//! | --- | --- |
//! | `mod.rs` | options, the dates of a run, [`evaluate`]: the phases in order |
//! | `order.rs` | members ranked once; records and hits grouped by member (counting sort) |
//! | `sweep.rs` | per-record rules over every record in input order, points only |
//! | `member.rs` | one member: caps, group rules, ratings received, indexes, totals |
//! | `evaluation.rs` | the compact result, and the report written from it |
//!
//! Explanations are not written while evaluating: an award remembers where it came
//! from (a record, or a group award's details), and its text is written when a report
//! is made, by evaluating that record again with the explaining evaluator.

mod evaluation;
mod index;
mod member;
mod order;
mod sweep;
mod why_not;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

pub use evaluation::Evaluation;

use crate::book::Rulebook;
use crate::calendar::Per;
use crate::expr::Env;
use crate::parallel::par_map;
use crate::record::{Record, Rejected};
use crate::records::Members;
use crate::report::RulebookRef;
use crate::rules::RatingAward;
use crate::value::Value;
use crate::words::{Lang, Words};

use member::{MemberInput, score_member};
use order::{Grouped, Seen, UNSEEN};

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

fn rejection(record: &Record, error: String) -> (u32, u64, Rejected) {
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
    fn mark(&mut self, i: usize, record: &Record, dates: &Dates) {
        if !std::mem::replace(&mut self.used[i], true) && dates.in_range(record.date) {
            self.unmatched -= 1;
        }
    }
}

/// What every phase of one evaluation shares.
#[derive(Clone, Copy)]
pub(crate) struct Run<'a> {
    pub book: &'a Rulebook,
    pub dates: Dates,
    pub words: Words,
    /// The period of the report's rows.
    pub period: Per,
    /// Reports without award lines ([`Options::summary`]).
    pub summary: bool,
    /// Members list the records that earned nothing ([`Options::why_not`]).
    pub why_not: bool,
    pub profiles: Option<&'a Members>,
    /// Whether the records lie in (source, position) order, so that a record's
    /// index orders it.
    pub in_input_order: bool,
}

impl Run<'_> {
    /// A member's profile attributes, in the rulebook's attribute order.
    fn attrs_of(&self, member: &str) -> Vec<Value> {
        self.profiles
            .map(|p| p.attributes(member, &self.book.member_attrs))
            .unwrap_or_default()
    }
}

/// Records per task when a pass over the records runs in parallel: large enough that
/// scheduling costs nothing, small enough that both cores stay busy to the end.
const CHUNK: usize = 1 << 15;

/// `0..len` cut into consecutive ranges of at most `size` (at least one range).
fn spans(len: usize, size: usize) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect();
    if spans.is_empty() {
        spans.push(0..0);
    }
    spans
}

/// Evaluates records against a rulebook: every award, cap and total, each award's
/// explanation left to be written when a report is made.
pub fn evaluate<'a>(
    book: &'a Rulebook,
    records: &'a [Record],
    mut rejected: Vec<Rejected>,
    profiles: Option<&'a Members>,
    options: &Options,
) -> Evaluation<'a> {
    let period = options.period.unwrap_or(book.period);
    let words = Words(options.lang.unwrap_or_else(|| Lang::for_book(book)));
    let survey = order::survey(records);
    let Some(dates) = Dates::between(options, survey.first, survey.last) else {
        return Evaluation::empty(book, records, period, rejected, options);
    };
    let reads_records = !book.indexes.is_empty()
        || book
            .rules
            .iter()
            .any(|r| !r.kind.is_per_record() && !r.kind.across_members());
    let run = Run {
        book,
        dates,
        words,
        period,
        summary: options.summary,
        why_not: options.why_not,
        profiles,
        in_input_order: survey.in_input_order,
    };
    let ranked = survey.rank(&dates);
    let swept = sweep::sweep(&run, records, &ranked);
    let mut usage = swept.usage;
    let mut errors = swept.errors;
    let in_input_order = run.in_input_order;
    let hit_chunks: Vec<&[sweep::Hit]> = swept.hits.iter().map(Vec::as_slice).collect();
    let hits = order::group(&hit_chunks, &ranked, records, in_input_order);
    drop(swept.hits);
    // Group rules, indexes and ratings read records member by member; a rulebook of
    // per-record rules only never groups them.
    let reads_ratings = book.rules.iter().any(|r| r.kind.across_members());
    let by_member = if reads_records || reads_ratings {
        let seen: Vec<Seen> = records
            .iter()
            .zip(&ranked.rank)
            .enumerate()
            .filter(|(_, (_, rank))| **rank != UNSEEN)
            .map(|(i, (r, _))| Seen {
                date: r.date,
                record: i as u32,
            })
            .collect();
        order::group(&[&seen], &ranked, records, in_input_order)
    } else {
        Grouped::empty(ranked.ids.len())
    };

    // Ratings go to their subject, not to the member who rated: read them first.
    let ratings = ratings(&run, records, &by_member.items, &mut usage, &mut errors);

    // Members: everyone with a seen record, and everyone rated, by id.
    let mut tasks: Vec<MemberInput> = Vec::with_capacity(ranked.ids.len());
    let mut rated = ratings.into_iter().peekable();
    let only_rated = |(id, seeded)| MemberInput {
        id,
        in_range: false,
        records: &[],
        hits: &[],
        seeded,
    };
    for (rank, id) in ranked.ids.iter().enumerate() {
        while let Some(subject) = rated.next_if(|(s, _)| s < id) {
            tasks.push(only_rated(subject));
        }
        let seeded = rated
            .next_if(|(s, _)| s == id)
            .map(|(_, s)| s)
            .unwrap_or_default();
        tasks.push(MemberInput {
            id: id.clone(),
            in_range: ranked.in_range[rank],
            records: by_member.of(rank),
            hits: hits.of(rank),
            seeded,
        });
    }
    tasks.extend(rated.map(only_rated));
    let bounds = member::CapBounds::new(book);
    let outcomes = par_map(tasks, |input| score_member(&run, records, &bounds, input));
    let mut members = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        for i in outcome.used {
            usage.mark(i as usize, &records[i as usize], &dates);
        }
        members.extend(outcome.eval);
    }
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
    Evaluation::new(run, records, members, rejected, usage.unmatched)
}

/// What each rated member received: rating awards (with the rule that made them)
/// by subject, in id order.
type Ratings<'a> = BTreeMap<Arc<str>, Vec<(usize, RatingAward<'a>)>>;

/// Reads every rating rule's records (in member order) and makes their awards.
fn ratings<'a>(
    run: &Run<'a>,
    records: &'a [Record],
    in_member_order: &[Seen],
    usage: &mut Usage,
    errors: &mut Vec<(u32, u64, Rejected)>,
) -> Ratings<'a> {
    let Run {
        book, dates, words, ..
    } = *run;
    let mut ratings = Ratings::new();
    for (rule_index, rule) in book.rules.iter().enumerate() {
        let Some(rating) = rule.kind.rating() else {
            continue;
        };
        let mut read = Vec::new();
        for seen in in_member_order {
            let i = seen.record as usize;
            let record = &records[i];
            if !rule.effective.contains(record.date) {
                continue;
            }
            let attrs = run.attrs_of(&record.member);
            let env = record_env(book, record, &attrs, dates);
            match rating.read(&env) {
                Ok(Some((subject, value))) => {
                    usage.mark(i, record, &dates);
                    read.push((record, subject, value));
                }
                Ok(None) => {}
                Err(reason) => {
                    usage.mark(i, record, &dates);
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
    ratings
}

/// Reads, in one tight loop, what evaluating or explaining each record reads first:
/// the record, its id's text, its first and last fields. Records lie in input order
/// and a member's are scattered over them, so each read is a cache miss; made here,
/// the misses of many records overlap, instead of coming one at a time between
/// evaluations.
fn warm<'r>(records: impl IntoIterator<Item = &'r Record>) {
    let null = |v: &Value| matches!(v, Value::Null);
    let mut sink = 0usize;
    for record in records {
        let id = record.id.as_bytes().first().copied().unwrap_or_default();
        let fields = record.fields.first().is_some_and(null) || record.fields.last().is_some_and(null);
        sink = sink.wrapping_add(usize::from(id) + usize::from(fields));
    }
    std::hint::black_box(sink);
}

pub(crate) fn rulebook_ref(book: &Rulebook) -> RulebookRef {
    RulebookRef {
        id: book.id.clone(),
        version: book.version.clone(),
        digest: book.digest.clone(),
    }
}

pub(crate) fn record_env<'a>(
    book: &'a Rulebook,
    record: &'a Record,
    attrs: &'a [Value],
    dates: Dates,
) -> Env<'a> {
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

/// The rulebook id that makes [`crate::Rulebook::score`] panic, in debug builds only: the
/// bindings' tests use it to show that a panic becomes an error and never crosses a
/// boundary. Release builds compile the check out, so no input can reach it there.
pub const DEBUG_PANIC_ID: &str = "__merit_panic__";

#[cfg(debug_assertions)]
pub(crate) fn debug_panic_hook(id: &str) {
    if id == DEBUG_PANIC_ID {
        panic!("debug panic hook: rulebook id `{DEBUG_PANIC_ID}`");
    }
}

#[cfg(not(debug_assertions))]
pub(crate) fn debug_panic_hook(_: &str) {}
