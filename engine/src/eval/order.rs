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
use crate::parallel::{par_map, threads};
use crate::record::Record;

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

/// Ranks the members of the records dated on or before `as_of`: each part of the
/// records finds its own distinct members in parallel, the parts' (few) distinct
/// members are merged and sorted by text once, and each part then turns its slots
/// into ranks, again in parallel.
pub(super) fn rank_members(records: &[Record], dates: &Dates) -> Ranked {
    let size = records.len().div_ceil(threads()).max(1);
    let parts = par_map(super::spans(records.len(), size), |range| {
        Distinct::of(&records[range], dates)
    });
    let mut merged = Distinct::new(0);
    let mut lookups = 0;
    let globals: Vec<Vec<u32>> = parts
        .iter()
        .map(|part| {
            part.ids
                .iter()
                .zip(&part.in_range)
                .map(|(id, &in_range)| {
                    let slot = merged.slot(id, lookups);
                    lookups += 1;
                    merged.in_range[slot as usize] |= in_range;
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
    let work: Vec<(Vec<u32>, &Vec<u32>)> = parts.into_iter().map(|p| p.slots).zip(&globals).collect();
    let rank = par_map(work, |(mut slots, global)| {
        for slot in &mut slots {
            if *slot != UNSEEN {
                *slot = rank_of_slot[global[*slot as usize] as usize];
            }
        }
        slots
    })
    .concat();
    Ranked {
        in_range: by_text.iter().map(|&d| merged.in_range[d as usize]).collect(),
        ids: by_text.iter().map(|&d| merged.ids[d as usize].clone()).collect(),
        rank,
    }
}

/// The distinct members of some records, in the order first seen.
struct Distinct<'a> {
    ids: Vec<&'a Arc<str>>,
    /// By slot: whether the member has a record in the report's range.
    in_range: Vec<bool>,
    /// Each record's slot, [`UNSEEN`] for records after `as_of`.
    slots: Vec<u32>,
    by_text: FxHashMap<&'a str, u32>,
    /// Readers, the Arrow path and generated data share one `Arc` per member: a
    /// lookup by address is much cheaper than hashing the text. Given unshared ids
    /// (as many addresses as lookups), it is dropped after a trial.
    by_address: Option<FxHashMap<usize, u32>>,
}

impl<'a> Distinct<'a> {
    /// No member yet, for `records` records.
    fn new(records: usize) -> Distinct<'a> {
        Distinct {
            ids: Vec::new(),
            in_range: Vec::new(),
            slots: vec![UNSEEN; records],
            by_text: FxHashMap::default(),
            by_address: Some(FxHashMap::default()),
        }
    }

    fn of(records: &'a [Record], dates: &Dates) -> Distinct<'a> {
        let mut distinct = Distinct::new(records.len());
        for (i, record) in records.iter().enumerate() {
            if record.date > dates.as_of {
                continue;
            }
            let slot = distinct.slot(&record.member, i);
            distinct.slots[i] = slot;
            distinct.in_range[slot as usize] |= dates.in_range(record.date);
        }
        distinct
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
            self.in_range.push(false);
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

/// Groups items by their record's member rank with a stable counting sort, then
/// puts each member's in date order, ties broken by (source, position) as DESIGN
/// section 4 says. `pieces` are consecutive parts of the items, in input order (a
/// sweep's chunks, say: they need not be joined first).
///
/// The members are cut into one run per thread holding about as many items; each
/// thread copies its run's items, in order, into its own part of the result and sorts
/// each of its members there.
pub(super) fn group<T: Dated + Send + Sync>(
    pieces: &[&[T]],
    ranked: &Ranked,
    records: &[Record],
    in_input_order: bool,
) -> Grouped<T> {
    let buckets = ranked.ids.len();
    let keys: Vec<Vec<u32>> = par_map(pieces.to_vec(), |piece| {
        piece.iter().map(|i| ranked.rank[i.record() as usize]).collect()
    });
    let mut starts = vec![0usize; buckets + 1];
    for &key in keys.iter().flatten() {
        starts[key as usize + 1] += 1;
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    let Some(&first) = pieces.iter().find_map(|p| p.first()) else {
        return Grouped {
            items: Vec::new(),
            starts,
        };
    };
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
        for (piece, keys) in pieces.iter().zip(&keys) {
            for (&item, &key) in piece.iter().zip(keys) {
                if let Some(slot) = (key as usize)
                    .checked_sub(run.start)
                    .and_then(|k| next.get_mut(k))
                {
                    part[*slot] = item;
                    *slot += 1;
                }
            }
        }
        for b in run {
            sort_member(
                &mut part[starts[b] - base..starts[b + 1] - base],
                records,
                in_input_order,
            );
        }
    });
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
