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
use crate::record::Record;

/// A rank no member has: the record is not seen (it is dated after `as_of`).
pub(super) const UNSEEN: u32 = u32::MAX;

/// Records after which ranking by address stops if ids turn out not to be shared.
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

/// Ranks the members of the records dated on or before `as_of`.
pub(super) fn rank_members(records: &[Record], dates: &Dates) -> Ranked {
    let as_of = dates.as_of;
    let mut slot_of: FxHashMap<&str, u32> = FxHashMap::default();
    // Readers, the Arrow path and generated data share one `Arc` per member: a
    // lookup by address is much cheaper than hashing the text. Given unshared ids
    // (as many addresses as records), it stops after a trial.
    let mut by_address: Option<FxHashMap<*const u8, u32>> = Some(FxHashMap::default());
    let mut distinct: Vec<&Arc<str>> = Vec::new();
    let mut rank = vec![UNSEEN; records.len()];
    for (i, (record, slot)) in records.iter().zip(&mut rank).enumerate() {
        if record.date > as_of {
            continue;
        }
        let address = Arc::as_ptr(&record.member) as *const u8;
        if let Some(s) = by_address.as_ref().and_then(|m| m.get(&address)) {
            *slot = *s;
            continue;
        }
        let s = *slot_of.entry(&record.member).or_insert_with(|| {
            distinct.push(&record.member);
            distinct.len() as u32 - 1
        });
        *slot = s;
        if let Some(map) = &mut by_address {
            map.insert(address, s);
            if i >= ADDRESS_TRIAL && map.len() > 2 * distinct.len() {
                by_address = None;
            }
        }
    }
    let mut by_text: Vec<u32> = (0..distinct.len() as u32).collect();
    by_text.sort_unstable_by_key(|&d| &**distinct[d as usize]);
    let mut rank_of_slot = vec![0u32; distinct.len()];
    for (r, &d) in by_text.iter().enumerate() {
        rank_of_slot[d as usize] = r as u32;
    }
    let mut in_range = vec![false; distinct.len()];
    for (r, record) in rank.iter_mut().zip(records) {
        if *r != UNSEEN {
            *r = rank_of_slot[*r as usize];
            in_range[*r as usize] |= dates.in_range(record.date);
        }
    }
    Ranked {
        ids: by_text.iter().map(|&d| distinct[d as usize].clone()).collect(),
        rank,
        in_range,
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

/// Groups `items` (in input order) by their record's member rank with a stable
/// counting sort, then puts each member's in date order, ties broken by (source,
/// position) as DESIGN section 4 says: one sequential pass to group, then small
/// sorts, member by member, in parallel.
pub(super) fn group<T: Dated + Send + Sync>(
    items: &[T],
    ranked: &Ranked,
    records: &[Record],
    in_input_order: bool,
) -> Grouped<T> {
    let keys: Vec<u32> = items.iter().map(|i| ranked.rank[i.record() as usize]).collect();
    let (mut items, starts) = counting_sort(items, &keys, ranked.ids.len());
    let mut members: Vec<&mut [T]> = Vec::with_capacity(ranked.ids.len());
    let mut rest = items.as_mut_slice();
    for r in 0..ranked.ids.len() {
        let (member, tail) = rest.split_at_mut(starts[r + 1] - starts[r]);
        members.push(member);
        rest = tail;
    }
    super::par_map(members, |member| sort_member(member, records, in_input_order));
    Grouped { items, starts }
}

/// One member's items in date order, ties in input order. Items come in input order
/// when the records are in (source, position) order, so then a tie keeps its place.
fn sort_member<T: Dated>(items: &mut [T], records: &[Record], in_input_order: bool) {
    if in_input_order {
        if !items.is_sorted_by_key(|i| i.date()) {
            // (day, record index): record indices are in input order, so equal days
            // keep it; one integer compares faster than a date and an index.
            items.sort_unstable_by_key(|i| {
                let date = i.date();
                let day =
                    (i32::from(date.year()) << 9) | (i32::from(date.month()) << 5) | i32::from(date.day());
                (u64::from(day as u32) << 32) | u64::from(i.record())
            });
        }
    } else {
        let key = |i: &T| {
            let r = &records[i.record() as usize];
            (i.date(), r.source, r.position)
        };
        items.sort_by_cached_key(key);
    }
}

/// Whether records are in (source, position) order, which readers guarantee and
/// [`group`] relies on for ties.
pub(super) fn in_input_order(records: &[Record]) -> bool {
    records.is_sorted_by_key(|r| (r.source, r.position))
}

/// Stable counting sort of `items` into `buckets` by their `keys`: the sorted items
/// and where each bucket starts (`buckets + 1` entries). The buckets are cut into one
/// run per thread holding about as many items, and each thread copies its run's
/// items, in order, into its own piece.
fn counting_sort<T: Copy + Send + Sync>(items: &[T], keys: &[u32], buckets: usize) -> (Vec<T>, Vec<usize>) {
    let mut starts = vec![0usize; buckets + 1];
    for &key in keys {
        starts[key as usize + 1] += 1;
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    let parts = super::threads();
    let mut cuts = vec![0];
    for p in 1..parts {
        let target = items.len() * p / parts;
        let cut = starts
            .partition_point(|&s| s < target)
            .clamp(cuts[p - 1], buckets);
        cuts.push(cut);
    }
    cuts.push(buckets);
    let runs: Vec<Range<usize>> = cuts.windows(2).map(|w| w[0]..w[1]).collect();
    let pieces = super::par_map(runs, |run| {
        let base = starts[run.start];
        let mut next: Vec<usize> = starts[run.clone()].iter().map(|s| s - base).collect();
        let Some(&first) = items.first() else {
            return Vec::new();
        };
        // Every slot is written once below; the first item only fills the vector.
        let mut piece = vec![first; starts[run.end] - base];
        for (&item, &key) in items.iter().zip(keys) {
            if let Some(slot) = (key as usize)
                .checked_sub(run.start)
                .and_then(|k| next.get_mut(k))
            {
                piece[*slot] = item;
                *slot += 1;
            }
        }
        piece
    });
    (pieces.concat(), starts)
}
