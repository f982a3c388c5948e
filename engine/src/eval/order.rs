//! Members ranked once by id, and records and awards grouped by member.
//!
//! The report lists members by id, and each member's records must be seen by date
//! then input order. Rather than sorting a million records by (member text, date,
//! …), members are ranked once (one hash lookup per record, one sort of the distinct
//! ids), items are grouped by rank with a stable counting sort, and each member's
//! (about a hundred) are sorted by date in parallel.

use std::ops::Range;
use std::sync::Arc;

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use super::Dates;
use super::source::Source;
use crate::parallel::{par_map, threads};

/// A rank no member has: the record is not seen (it is dated after `as_of`).
pub(super) const UNSEEN: u32 = u32::MAX;

/// Records after which a lookup by address stops if ids turn out not to be shared.
const ADDRESS_TRIAL: usize = 4096;

/// Distinct member ids in the report's order, and each record's place among them.
pub(super) struct Ranked {
    /// Member ids sorted by text; a record's rank indexes this.
    pub ids: Vec<Arc<str>>,
    /// Each record's member rank, [`UNSEEN`] for records after `as_of`.
    pub rank: Vec<u32>,
    /// By rank: whether the member has a record in the report's range.
    pub in_range: Vec<bool>,
}

/// What one pass over the records says before evaluating them: the span of their
/// dates, whether they lie in (source, position) order, and their members ranked.
pub(super) struct Surveyed<'a> {
    pub first: Option<Date>,
    pub last: Option<Date>,
    /// Whether records are in (source, position) order, which readers guarantee and
    /// grouping relies on for ties.
    pub in_input_order: bool,
    parts: Vec<Part<'a>>,
}

/// One part of the records, surveyed: its distinct members in the order first seen
/// (with every record's slot among them and its day), its dates and its order.
struct Part<'a> {
    /// Index of the part's first record.
    start: usize,
    ids: Vec<&'a Arc<str>>,
    slots: Vec<u32>,
    days: Vec<u32>,
    first: Option<(u32, Date)>,
    last: Option<(u32, Date)>,
    in_input_order: bool,
}

/// Surveys the records in one parallel pass (a part per thread): dates, order and
/// each record's member, found by `Arc` address (readers share one per member) or
/// else by text. The members are ranked once the dates are known ([`Surveyed::rank`]),
/// from the parts' compact slots and days, without reading the records again.
pub(super) fn survey<'a>(records: &Source<'a>) -> Surveyed<'a> {
    let parts = par_map(super::spans(records.len(), share(records.len())), |range| {
        Part::of(records, range)
    });
    let seams_in_order = parts
        .iter()
        .skip(1)
        .filter(|p| p.start > 0 && p.start < records.len())
        .all(|p| records.key(p.start - 1) <= records.key(p.start));
    Surveyed {
        first: parts
            .iter()
            .filter_map(|p| p.first)
            .min_by_key(|f| f.0)
            .map(|f| f.1),
        last: parts
            .iter()
            .filter_map(|p| p.last)
            .max_by_key(|l| l.0)
            .map(|l| l.1),
        in_input_order: seams_in_order && parts.iter().all(|p| p.in_input_order),
        parts,
    }
}

impl<'a> Part<'a> {
    fn of(records: &Source<'a>, range: Range<usize>) -> Part<'a> {
        let mut distinct = Distinct::new();
        let mut part = Part {
            start: range.start,
            ids: Vec::new(),
            slots: Vec::with_capacity(range.len()),
            days: Vec::with_capacity(range.len()),
            first: None,
            last: None,
            in_input_order: true,
        };
        let mut previous: Option<(u32, u64)> = None;
        for (n, i) in range.enumerate() {
            let date = records.date(i);
            let day = day_key(date);
            if part.first.is_none_or(|(d, _)| day < d) {
                part.first = Some((day, date));
            }
            if part.last.is_none_or(|(d, _)| day > d) {
                part.last = Some((day, date));
            }
            let at = records.key(i);
            part.in_input_order &= previous.is_none_or(|p| p <= at);
            previous = Some(at);
            part.days.push(day);
            part.slots.push(distinct.slot(records.member(i), n));
        }
        part.ids = distinct.ids;
        part
    }
}

impl Surveyed<'_> {
    /// Ranks the members of the records dated on or before `as_of`: each part's
    /// seen members are merged and sorted by text once, then each part turns its
    /// slots into ranks in parallel.
    pub(super) fn rank(self, dates: &Dates) -> Ranked {
        let (from, to, as_of) = (day_key(dates.from), day_key(dates.to), day_key(dates.as_of));
        // By part and slot: whether seen, and whether in the report's range.
        let flags = par_map(self.parts.iter().collect(), |part: &Part| {
            let mut flags = vec![(false, false); part.ids.len()];
            for (&slot, &day) in part.slots.iter().zip(&part.days) {
                if day <= as_of {
                    let flag = &mut flags[slot as usize];
                    flag.0 = true;
                    flag.1 |= from <= day && day <= to;
                }
            }
            flags
        });
        let mut merged = Distinct::new();
        let mut in_range: Vec<bool> = Vec::new();
        let mut lookups = 0;
        let globals: Vec<Vec<u32>> = self
            .parts
            .iter()
            .zip(&flags)
            .map(|(part, flags)| {
                part.ids
                    .iter()
                    .zip(flags)
                    .map(|(id, &(seen, range))| {
                        if !seen {
                            return UNSEEN;
                        }
                        let slot = merged.slot(id, lookups);
                        lookups += 1;
                        in_range.resize(merged.ids.len(), false);
                        in_range[slot as usize] |= range;
                        slot
                    })
                    .collect()
            })
            .collect();
        let mut by_text: Vec<u32> = (0..merged.ids.len() as u32).collect();
        by_text.sort_unstable_by_key(|&d| &**merged.ids[d as usize]);
        let mut rank_of_slot = vec![0u32; merged.ids.len()];
        for (r, &d) in by_text.iter().enumerate() {
            rank_of_slot[d as usize] = r as u32;
        }
        let work: Vec<(&Part, &Vec<u32>)> = self.parts.iter().zip(&globals).collect();
        let rank = par_map(work, |(part, global)| {
            part.slots
                .iter()
                .zip(&part.days)
                .map(|(&slot, &day)| {
                    if day <= as_of {
                        rank_of_slot[global[slot as usize] as usize]
                    } else {
                        UNSEEN
                    }
                })
                .collect::<Vec<u32>>()
        })
        .concat();
        Ranked {
            in_range: by_text.iter().map(|&d| in_range[d as usize]).collect(),
            ids: by_text.iter().map(|&d| merged.ids[d as usize].clone()).collect(),
            rank,
        }
    }
}

/// The distinct members of some records, in the order first seen.
struct Distinct<'a> {
    ids: Vec<&'a Arc<str>>,
    by_text: FxHashMap<&'a str, u32>,
    /// Readers, the Arrow path and generated data share one `Arc` per member: a
    /// lookup by address is much cheaper than hashing the text. Given unshared ids
    /// (as many addresses as lookups), it is dropped after a trial.
    by_address: Option<FxHashMap<usize, u32>>,
}

impl<'a> Distinct<'a> {
    fn new() -> Distinct<'a> {
        Distinct {
            ids: Vec::new(),
            by_text: FxHashMap::default(),
            by_address: Some(FxHashMap::default()),
        }
    }

    /// The slot of `id`, a new one if it was not seen; `lookups` is how many came
    /// before (for the address trial).
    fn slot(&mut self, id: &'a Arc<str>, lookups: usize) -> u32 {
        let address = Arc::as_ptr(id) as *const u8 as usize;
        if let Some(&slot) = self.by_address.as_ref().and_then(|m| m.get(&address)) {
            return slot;
        }
        let slot = *self.by_text.entry(id).or_insert_with(|| {
            self.ids.push(id);
            self.ids.len() as u32 - 1
        });
        if let Some(by_address) = &mut self.by_address {
            by_address.insert(address, slot);
            if lookups >= ADDRESS_TRIAL && by_address.len() > 2 * self.ids.len() {
                self.by_address = None;
            }
        }
        slot
    }
}

/// Items grouped by member rank: member `r`'s are `items[starts[r]..starts[r + 1]]`.
pub(super) struct Grouped<T> {
    pub items: Vec<T>,
    pub starts: Vec<usize>,
}

impl<T> Grouped<T> {
    /// No items for any of `members`.
    pub fn empty(members: usize) -> Grouped<T> {
        Grouped {
            items: Vec::new(),
            starts: vec![0; members + 1],
        }
    }

    pub fn of(&self, rank: usize) -> &[T] {
        &self.items[self.starts[rank]..self.starts[rank + 1]]
    }
}

/// A seen record in its member's order: its date (for windows and ranges without
/// touching the record) and its index.
#[derive(Clone, Copy, Debug)]
pub(super) struct Seen {
    pub date: Date,
    pub record: u32,
}

impl Dated for Seen {
    fn date(&self) -> Date {
        self.date
    }

    fn record(&self) -> u32 {
        self.record
    }
}

/// Something dated that came from one record, to be put in the member's order.
pub(super) trait Dated: Copy {
    fn date(&self) -> Date;
    fn record(&self) -> u32;
}

/// Groups items by their record's member rank with a stable counting sort, each
/// member's in date order, ties broken by (source, position) as DESIGN section 4
/// says. `pieces` are consecutive parts of the items, in input order (a sweep's
/// chunks, say: they need not be joined first).
///
/// Items in input order whose days span few keys are first put in day order by
/// another stable counting sort ([`by_day`]); grouping them by member then leaves
/// each member's in (day, input) order, with nothing left to sort. Otherwise each
/// member's are sorted once grouped ([`sort_member`]).
///
/// The members are cut into one run per thread holding about as many items; each
/// thread copies its run's items, in order, into its own part of the result (and
/// sorts each of its members there when they were not in day order).
pub(super) fn group<T: Dated + Send + Sync>(
    pieces: &[&[T]],
    ranked: &Ranked,
    records: &Source,
    in_input_order: bool,
) -> Grouped<T> {
    let day_ordered = if in_input_order { by_day(pieces) } else { None };
    // Day-ordered items in one piece per thread, so that their keys are read on
    // every core.
    let chunks: Vec<&[T]>;
    let pieces = match &day_ordered {
        Some(items) => {
            chunks = items.chunks(share(items.len())).collect();
            &chunks[..]
        }
        None => pieces,
    };
    let keys: Vec<Vec<u32>> = par_map(pieces.to_vec(), |piece| {
        piece.iter().map(|i| ranked.rank[i.record() as usize]).collect()
    });
    let starts = starts(&keys, 0, ranked.ids.len());
    let items = scatter(pieces, &keys, 0, &starts, |run, part| {
        if day_ordered.is_none() {
            let base = starts[run.start];
            for b in run {
                sort_member(
                    &mut part[starts[b] - base..starts[b + 1] - base],
                    records,
                    in_input_order,
                );
            }
        }
    });
    Grouped { items, starts }
}

/// The most day keys ([`day_key`]) [`by_day`] counts items into: 128 years.
const MAX_DAY_KEYS: usize = 1 << 16;

/// Items in input order put in (day, input) order by a stable counting sort on
/// their [`day_key`]s, or `None` when the keys span more than [`MAX_DAY_KEYS`], or
/// more than a few per item (a handful of items over decades: sorting them is
/// cheaper than counting into empty days).
///
/// A member's hundreds of items were sorted by comparisons once grouped: 12% of
/// evaluating the bench's records, more at ten times as many. Two counting sorts
/// (by day here, then by member) cost two passes over the items instead.
///
/// "Input order" is what a member reads: a sweep's hits come rule by rule within a
/// batch of records, so they are in input order rule by rule, and a member takes
/// its hits one rule at a time.
fn by_day<T: Dated + Send + Sync>(pieces: &[&[T]]) -> Option<Vec<T>> {
    if pieces.iter().all(|p| p.is_empty()) {
        return None;
    }
    let keys: Vec<Vec<u32>> = par_map(pieces.to_vec(), |piece| {
        piece.iter().map(|i| day_key(i.date())).collect()
    });
    let (low, high) = (keys.iter().flatten()).fold((u32::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    let span = (high - low) as usize + 1;
    let len = keys.iter().map(Vec::len).sum::<usize>();
    if span > MAX_DAY_KEYS || span > len.saturating_mul(4).max(1024) {
        return None;
    }
    let starts = starts(&keys, low, span);
    Some(scatter(pieces, &keys, low, &starts, |_, _| {}))
}

/// Where each of `buckets` buckets starts (and, last, where the last ends) when
/// an item of key `k` goes to bucket `k - low`: counted on every core, a run of
/// pieces per thread.
fn starts(keys: &[Vec<u32>], low: u32, buckets: usize) -> Vec<usize> {
    let runs = keys.chunks(share(keys.len())).collect();
    let counts = par_map(runs, |run: &[Vec<u32>]| {
        let mut counts = vec![0usize; buckets];
        run.iter()
            .flatten()
            .for_each(|&k| counts[(k - low) as usize] += 1);
        counts
    });
    let mut starts = vec![0usize; buckets + 1];
    for b in 0..buckets {
        starts[b + 1] = starts[b] + counts.iter().map(|c| c[b]).sum::<usize>();
    }
    starts
}

/// The items of `pieces` (consecutive, in order) put in their buckets (counted by
/// [`starts`]) by a stable counting sort on every core. The buckets are cut into
/// one run per thread holding about as many items; each thread reads every key,
/// copies its run's items in order into its own part of the result, then hands
/// the run and its part to `then`.
fn scatter<T: Copy + Send + Sync>(
    pieces: &[&[T]],
    keys: &[Vec<u32>],
    low: u32,
    starts: &[usize],
    then: impl Fn(Range<usize>, &mut [T]) + Sync + Send,
) -> Vec<T> {
    let Some(&first) = pieces.iter().find_map(|p| p.first()) else {
        return Vec::new();
    };
    let buckets = starts.len() - 1;
    // Every slot is written once below; the first item only fills the vector.
    let mut items = vec![first; starts[buckets]];
    let parts = threads();
    let mut cuts = vec![0];
    for p in 1..parts {
        let target = items.len() * p / parts;
        let cut = starts
            .partition_point(|&s| s < target)
            .clamp(cuts[p - 1], buckets);
        cuts.push(cut);
    }
    cuts.push(buckets);
    let mut runs: Vec<(Range<usize>, &mut [T])> = Vec::with_capacity(parts);
    let mut rest = items.as_mut_slice();
    for run in cuts.windows(2).map(|w| w[0]..w[1]) {
        let (part, tail) = rest.split_at_mut(starts[run.end] - starts[run.start]);
        runs.push((run, part));
        rest = tail;
    }
    par_map(runs, |(run, part)| {
        let base = starts[run.start];
        let mut next: Vec<usize> = starts[run.clone()].iter().map(|s| s - base).collect();
        let first = low + run.start as u32;
        for (piece, keys) in pieces.iter().zip(keys) {
            for (&item, &key) in piece.iter().zip(keys) {
                // A key below the run wraps past its end.
                if let Some(slot) = next.get_mut(key.wrapping_sub(first) as usize) {
                    part[*slot] = item;
                    *slot += 1;
                }
            }
        }
        then(run, part);
    });
    items
}

/// One thread's share of `len` items: at least 1, so that none are left over.
fn share(len: usize) -> usize {
    len.div_ceil(threads()).max(1)
}

/// A date as one integer that orders as dates do: year (made positive), month and
/// day in bits.
pub(super) fn day_key(date: Date) -> u32 {
    let year = (i32::from(date.year()) + 10_000) as u32;
    (year << 9) | ((date.month() as u32) << 5) | date.day() as u32
}

/// One member's items in date order, ties in input order. Items come in input order
/// when the records are in (source, position) order, so then a tie keeps its place.
fn sort_member<T: Dated>(items: &mut [T], records: &Source, in_input_order: bool) {
    if in_input_order {
        if !items.is_sorted_by_key(|i| i.date()) {
            // (day, record index): record indices are in input order, so equal days
            // keep it; one integer compares faster than a date and an index.
            items.sort_unstable_by_key(|i| (u64::from(day_key(i.date())) << 32) | u64::from(i.record()));
        }
    } else {
        let key = |i: &T| (i.date(), records.key(i.record() as usize));
        items.sort_by_cached_key(key);
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Date, date};
    use proptest::prelude::*;

    use super::{Seen, by_day, day_key};

    fn seen(days: &[i64]) -> Vec<Seen> {
        let start = date(2026, 1, 1);
        (days.iter().enumerate())
            .map(|(i, &d)| Seen {
                date: start.checked_add(jiff::Span::new().days(d)).unwrap(),
                record: i as u32,
            })
            .collect()
    }

    fn order(items: &[Seen]) -> Vec<(Date, u32)> {
        items.iter().map(|s| (s.date, s.record)).collect()
    }

    proptest! {
        /// Counting into days, in pieces cut anywhere, is a stable sort by day; a
        /// year's days are always counted.
        #[test]
        fn by_day_is_a_stable_sort_by_day(
            days in prop::collection::vec(-400i64..800, 1..3000),
            cut in 0usize..3000,
        ) {
            let items = seen(&days);
            let cut = cut.min(items.len());
            let mut sorted = items.clone();
            sorted.sort_by_key(|s| day_key(s.date));
            let counted = by_day(&[&items[..cut], &items[cut..]]);
            prop_assert!(counted.is_some() || days.iter().any(|d| !(0..365).contains(d)));
            if let Some(counted) = counted {
                prop_assert_eq!(order(&counted), order(&sorted));
            }
        }
    }

    #[test]
    fn few_items_over_a_long_span_are_left_to_sorting() {
        assert!(by_day(&[&seen(&[0, 3650 * 4])]).is_none());
        assert!(by_day::<Seen>(&[&[]]).is_none());
        assert!(by_day(&[&seen(&[0, 300])]).is_some());
    }
}
