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
use super::source::{Batch, Source};
use super::{CHUNK, Run, Usage, record_env, rejection, spans};
use crate::expr::EvalError;
use crate::parallel::par_map;
use crate::record::Rejected;
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
pub(super) fn sweep(run: &Run, records: Source, ranked: &Ranked) -> Swept {
    let rules: Vec<usize> = run
        .book
        .order
        .iter()
        .copied()
        .filter(|&r| run.book.rules[r].kind.is_per_record())
        .collect();
    let parts = par_map(spans(records.len(), CHUNK), |range| {
        sweep_chunk(run, &records, ranked, &rules, range)
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
    /// The index of the chunk's first record.
    start: usize,
    hits: Vec<Hit>,
    /// By record of the chunk.
    used: Vec<bool>,
    /// Seen records in the report's range that no rule used.
    unmatched: u64,
    errors: Vec<(u32, u64, Rejected)>,
}

/// Records per kernel batch: the columns of a batch stay in the first-level cache.
const BATCH: usize = 256;

fn sweep_chunk(run: &Run, records: &Source, ranked: &Ranked, rules: &[usize], range: Range<usize>) -> Chunk {
    let book = run.book;
    let start = range.start;
    let mut chunk = Chunk {
        start,
        hits: Vec::new(),
        used: vec![false; range.len()],
        unmatched: 0,
        errors: Vec::new(),
    };
    // Member attributes are looked up only when an expression reads them, once per
    // run of records of one member.
    let reads_attrs = run.profiles.is_some() && !book.member_attrs.is_empty();
    let mut attrs: (Option<u32>, Vec<Value>) = (None, Vec::new());
    let mut slow = |i: usize, date: Date, rule: usize, chunk: &mut Chunk| {
        let record = records.record(i);
        let rank = ranked.rank[i];
        if reads_attrs && attrs.0 != Some(rank) {
            attrs = (Some(rank), run.attrs_of(&record.member));
        }
        let env = record_env(book, &record, &attrs.1, run.dates);
        let outcome = book.rules[rule].record_points(&env);
        chunk.record(run, records, i, date, rule, outcome);
    };
    let seen: Vec<usize> = range.filter(|&i| ranked.rank[i] != UNSEEN).collect();
    let (mut points, mut unfit) = (Vec::with_capacity(BATCH), vec![false; BATCH]);
    let mut dates: Vec<Date> = Vec::with_capacity(BATCH);
    for batch in seen.chunks(BATCH) {
        dates.clear();
        dates.extend(batch.iter().map(|&i| records.date(i)));
        let rows = Batch {
            source: records,
            items: batch,
        };
        for &r in rules {
            let rule = &book.rules[r];
            let unfit = &mut unfit[..batch.len()];
            unfit.fill(false);
            let fast = rule.record_points_batch(&rows, &mut points, unfit);
            for (k, (&i, &date)) in batch.iter().zip(&dates).enumerate() {
                if !rule.effective.contains(date) {
                    continue;
                }
                if fast && !unfit[k] {
                    if let Some(p) = points[k] {
                        chunk.hit(run, records, i, date, r, p);
                    }
                } else {
                    slow(i, date, r, &mut chunk);
                }
            }
        }
        // Counted here, where the batch's dates are at hand; a group rule or a
        // rating that uses one later takes it off ([`Usage::mark`]).
        chunk.unmatched += batch
            .iter()
            .zip(&dates)
            .filter(|&(&i, &date)| !chunk.used[i - start] && run.dates.in_range(date))
            .count() as u64;
    }
    chunk
}

/// Whether `points` is past [`crate::value::MAX_AMOUNT`] (10^15), as
/// [`crate::value::too_large`] says, in integers: comparing decimals of different
/// scales cost as much as the rest of a hit.
fn too_large(points: Decimal) -> bool {
    match 10u128.checked_pow(15 + points.scale()) {
        Some(limit) => points.mantissa().unsigned_abs() > limit,
        None => crate::value::too_large(points),
    }
}

impl Chunk {
    /// Keeps rule `rule`'s award of `points` to record `i` (dated `date`), or its
    /// error when the award is too large.
    fn hit(&mut self, run: &Run, records: &Source, i: usize, date: Date, rule: usize, points: Decimal) {
        if too_large(points) {
            let error = EvalError::new(
                crate::expr::EvalErrorKind::Overflow,
                crate::value::too_large_award(points),
            );
            return self.record(run, records, i, date, rule, Err(error));
        }
        self.used[i - self.start] = true;
        self.hits.push(Hit {
            points: run.book.unit.round(points),
            date,
            record: i as u32,
            rule: rule as u32,
        });
    }

    /// Keeps what rule `rule` made of record `i`.
    fn record(
        &mut self,
        run: &Run,
        records: &Source,
        i: usize,
        date: Date,
        rule: usize,
        outcome: Result<Option<Decimal>, EvalError>,
    ) {
        match outcome {
            Ok(Some(points)) => self.hit(run, records, i, date, rule, points),
            Ok(None) => {}
            Err(error) => {
                // Rejected, so not also unmatched.
                self.used[i - self.start] = true;
                self.errors.push(rejection(
                    &records.record(i),
                    format!("rule `{}`: {error}", run.book.rules[rule].id),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    proptest! {
        /// The integer test says what comparing decimals says, at every scale.
        #[test]
        fn too_large_in_integers(lo: u32, mid: u32, hi in 0u32..4, negative: bool, scale in 0u32..=28) {
            let points = Decimal::from_parts(lo, mid, hi, negative, scale);
            prop_assert_eq!(super::too_large(points), crate::value::too_large(points));
        }
    }

    #[test]
    fn too_large_at_the_bound() {
        for (text, large) in [
            ("1000000000000000", false),
            ("1000000000000000.1", true),
            ("-1000000000000000.00", false),
            ("-1000000000000001", true),
            ("0.0000000000000000000000000001", false),
        ] {
            let points: Decimal = text.parse().unwrap();
            assert_eq!(super::too_large(points), large, "{text}");
            assert_eq!(crate::value::too_large(points), large, "{text}");
        }
    }
}
