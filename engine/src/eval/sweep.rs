//! Per-record rules (`points`, `table`) over every record, in input order.
//!
//! A per-record award depends only on its record (and the member's profile), so it
//! is computed in one pass over the records as they lie in memory, rather than
//! member by member, where they are scattered. Only the points are computed here:
//! explanations are written later, for the awards a report shows.

use std::ops::Range;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::order::{Dated, Ranked, UNSEEN};
use super::{CHUNK, Run, Usage, record_env, rejection, spans};
use crate::expr::EvalError;
use crate::parallel::par_map;
use crate::record::{Record, Rejected};
use crate::value::Value;

/// A per-record rule's award to one record, rounded, before caps.
#[derive(Clone, Copy, Debug)]
pub(super) struct Hit {
    pub points: Decimal,
    pub date: Date,
    pub record: u32,
    pub rule: u32,
}

impl Dated for Hit {
    fn date(&self) -> Date {
        self.date
    }

    fn record(&self) -> u32 {
        self.record
    }
}

/// What the sweep found: the hits in input order (in chunks), which records a rule
/// matched, and the records a rule could not evaluate.
pub(super) struct Swept {
    pub hits: Vec<Vec<Hit>>,
    pub usage: Usage,
    pub errors: Vec<(u32, u64, Rejected)>,
}

/// Evaluates every per-record rule on every seen record.
pub(super) fn sweep(run: &Run, records: &[Record], ranked: &Ranked) -> Swept {
    let rules: Vec<usize> = run
        .book
        .order
        .iter()
        .copied()
        .filter(|&r| run.book.rules[r].kind.is_per_record())
        .collect();
    let parts = par_map(spans(records.len(), CHUNK), |range| {
        sweep_chunk(run, records, ranked, &rules, range)
    });
    let mut swept = Swept {
        hits: Vec::with_capacity(parts.len()),
        usage: Usage {
            used: Vec::with_capacity(records.len()),
            unmatched: 0,
        },
        errors: Vec::new(),
    };
    for part in parts {
        swept.hits.push(part.hits);
        swept.usage.used.extend(part.used);
        swept.usage.unmatched += part.unmatched;
        swept.errors.extend(part.errors);
    }
    swept
}

/// What the sweep found in one chunk of the records.
struct Chunk {
    hits: Vec<Hit>,
    /// By record of the chunk.
    used: Vec<bool>,
    /// Seen records in the report's range that no rule used.
    unmatched: u64,
    errors: Vec<(u32, u64, Rejected)>,
}

/// Records per kernel batch: the columns of a batch stay in the first-level cache.
const BATCH: usize = 256;

fn sweep_chunk(
    run: &Run,
    records: &[Record],
    ranked: &Ranked,
    rules: &[usize],
    range: Range<usize>,
) -> Chunk {
    let book = run.book;
    let start = range.start;
    let mut chunk = Chunk {
        hits: Vec::new(),
        used: vec![false; range.len()],
        unmatched: 0,
        errors: Vec::new(),
    };
    // Member attributes are looked up only when an expression reads them, once per
    // run of records of one member.
    let reads_attrs = run.profiles.is_some() && !book.member_attrs.is_empty();
    let mut attrs: (Option<u32>, Vec<Value>) = (None, Vec::new());
    let mut slow = |i: usize, rule: usize, chunk: &mut Chunk| {
        let record = &records[i];
        let rank = ranked.rank[i];
        if reads_attrs && attrs.0 != Some(rank) {
            attrs = (Some(rank), run.attrs_of(&record.member));
        }
        let env = record_env(book, record, &attrs.1, run.dates);
        let outcome = book.rules[rule].record_points(&env);
        chunk.record(run, record, i, start, rule, outcome);
    };
    let seen: Vec<usize> = range.filter(|&i| ranked.rank[i] != UNSEEN).collect();
    let (mut points, mut unfit) = (Vec::with_capacity(BATCH), vec![false; BATCH]);
    for batch in seen.chunks(BATCH) {
        let batch_records: Vec<&Record> = batch.iter().map(|&i| &records[i]).collect();
        for &r in rules {
            let rule = &book.rules[r];
            let unfit = &mut unfit[..batch.len()];
            unfit.fill(false);
            let fast = rule.record_points_batch(&batch_records, &mut points, unfit);
            for (k, &i) in batch.iter().enumerate() {
                if !rule.effective.contains(records[i].date) {
                    continue;
                }
                if fast && !unfit[k] {
                    chunk.record(run, &records[i], i, start, r, Ok(points[k]));
                } else {
                    slow(i, r, &mut chunk);
                }
            }
        }
        // Counted here, where the batch's records are at hand; a group rule or a
        // rating that uses one later takes it off ([`Usage::mark`]).
        chunk.unmatched += batch
            .iter()
            .filter(|&&i| !chunk.used[i - start] && run.dates.in_range(records[i].date))
            .count() as u64;
    }
    chunk
}

impl Chunk {
    /// Keeps what rule `rule` made of record `i` (`start` is the chunk's first index).
    fn record(
        &mut self,
        run: &Run,
        record: &Record,
        i: usize,
        start: usize,
        rule: usize,
        outcome: Result<Option<Decimal>, EvalError>,
    ) {
        let outcome = outcome.and_then(|points| match points {
            Some(p) if crate::value::too_large(p) => Err(EvalError::new(
                crate::expr::EvalErrorKind::Overflow,
                crate::value::too_large_award(p),
            )),
            points => Ok(points),
        });
        match outcome {
            Ok(Some(points)) => {
                self.used[i - start] = true;
                self.hits.push(Hit {
                    points: run.book.unit.round(points),
                    date: record.date,
                    record: i as u32,
                    rule: rule as u32,
                });
            }
            Ok(None) => {}
            Err(error) => {
                // Rejected, so not also unmatched.
                self.used[i - start] = true;
                self.errors.push(rejection(
                    record,
                    format!("rule `{}`: {error}", run.book.rules[rule].id),
                ))
            }
        }
    }
}
