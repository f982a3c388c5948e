//! Evaluation: records grouped by member, rules applied in record order, caps,
//! history and the totals of the report.
//!
//! Evaluation is a pure function of (rulebook, one member's records, options), so
//! members are independent and evaluated in parallel. The phases, one file each:
//!
//! | file | job |
//! | --- | --- |
//! | `mod.rs` | [`evaluate`]: the phases in order, and what they share |
//! | `options.rs` | what the caller asks ([`Options`]), the dates it resolves to |
//! | `source.rs` | the records read: `Record`s, or an unsorted input's columns in place |
//! | `award.rs` | compact awards and where they came from, records used, rejections |
//! | `order.rs` | members ranked once; records and hits grouped by member (counting sort) |
//! | `sweep.rs` | per-record rules over every record in input order, points only |
//! | `ratings.rs` | rating rules, read over every member's records before members part |
//! | `member.rs` | one member: caps, group rules, ratings received, indexes, totals |
//! | `index.rs` | a member's indexes: weighted dimensions, grades, vetoes |
//! | `why_not.rs` | `unscored`: the records in the range that earned nothing, and why |
//! | `evaluation.rs` | the compact result, and the report streamed from it |
//! | `telling.rs` | a member's report told from its evaluation: made, or written as JSON unmade |
//!
//! Explanations are not written while evaluating: an award remembers where it came
//! from (a record, or a group award's details), and its text is written when a report
//! is made, by evaluating that record again with the explaining evaluator.

mod award;
mod evaluation;
mod index;
mod member;
mod options;
mod order;
mod ratings;
mod source;
mod sweep;
mod telling;
mod why_not;

use std::ops::Range;

pub(crate) use award::{Award, GroupDetail, Origin};
use award::{Usage, rejection};
pub use evaluation::Evaluation;
pub(crate) use options::Dates;
pub use options::Options;
use ratings::ratings;
pub(crate) use source::Source;

use crate::book::Rulebook;
use crate::calendar::Per;
use crate::expr::Env;
use crate::parallel::par_map;
use crate::record::{Record, Rejected};
use crate::records::Members;
use crate::report::RulebookRef;
use crate::value::Value;
use crate::words::{Lang, Words};

use member::{MemberInput, score_member};
use order::{Grouped, Seen, UNSEEN};

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
    rejected: Vec<Rejected>,
    profiles: Option<&'a Members>,
    options: &Options,
) -> Evaluation<'a> {
    evaluate_source(book, Source::Records(records), rejected, profiles, options)
}

/// [`evaluate`] over records wherever they are kept.
pub(crate) fn evaluate_source<'a>(
    book: &'a Rulebook,
    records: Source<'a>,
    mut rejected: Vec<Rejected>,
    profiles: Option<&'a Members>,
    options: &Options,
) -> Evaluation<'a> {
    let period = options.period.unwrap_or(book.period);
    let words = Words(options.lang.unwrap_or_else(|| Lang::for_book(book)));
    let survey = order::survey(&records);
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
    let hits = order::group(&hit_chunks, &ranked, &records, in_input_order);
    drop(swept.hits);
    // Group rules, indexes and ratings read records member by member; a rulebook of
    // per-record rules only never groups them.
    let reads_ratings = book.rules.iter().any(|r| r.kind.across_members());
    let by_member = if reads_records || reads_ratings {
        let seen: Vec<Seen> = (ranked.rank.iter().enumerate())
            .filter(|(_, rank)| **rank != UNSEEN)
            .map(|(i, _)| Seen {
                date: records.date(i),
                record: i as u32,
            })
            .collect();
        order::group(&[&seen], &ranked, &records, in_input_order)
    } else {
        Grouped::empty(ranked.ids.len())
    };

    // Ratings go to their subject, not to the member who rated: read them first.
    let ratings = ratings(&run, records.whole(), &by_member.items, &mut usage, &mut errors);

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
            usage.mark(i as usize, records.date(i as usize), &dates);
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
#[cfg(debug_assertions)]
const DEBUG_PANIC_ID: &str = "__merit_panic__";

#[cfg(debug_assertions)]
pub(crate) fn debug_panic_hook(id: &str) {
    if id == DEBUG_PANIC_ID {
        panic!("debug panic hook: rulebook id `{DEBUG_PANIC_ID}`");
    }
}

#[cfg(not(debug_assertions))]
pub(crate) fn debug_panic_hook(_: &str) {}
