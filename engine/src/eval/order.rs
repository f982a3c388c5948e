//! Members ranked once by id, and records and awards grouped by member.
//!
//! The report lists members by id, and each member's records must be seen by date
//! then input order. Rather than sorting a million records by (member text, date,
//! …), members are ranked once (one hash lookup per record, one sort of the distinct
//! ids), then items are put in (rank, day) order by two stable counting sorts.

use std::cmp::Ordering;
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

/// Groups `items` (in input order) by their record's member rank, each member's in
/// date order, ties broken by (source, position) as DESIGN section 4 says.
///
/// When the records are in input order (as readers produce them) this is two stable
/// counting sorts, by day then by rank, with no comparison at all. Otherwise items
/// are grouped by rank and each member's sorted by comparison.
pub(super) fn group<T: Dated>(
    items: &[T],
    ranked: &Ranked,
    records: &[Record],
    in_input_order: bool,
) -> Grouped<T> {
    let members = ranked.ids.len();
    let rank = |items: &[T]| -> Vec<u32> { items.iter().map(|i| ranked.rank[i.record() as usize]).collect() };
    if in_input_order && let Some(by_day) = by_day(items) {
        let (items, starts) = counting_sort(&by_day, &rank(&by_day), members);
        return Grouped { items, starts };
    }
    let (mut items, starts) = counting_sort(items, &rank(items), members);
    let order = |a: &T, b: &T| {
        a.date().cmp(&b.date()).then_with(|| {
            let (x, y) = (&records[a.record() as usize], &records[b.record() as usize]);
            (x.source, x.position).cmp(&(y.source, y.position))
        })
    };
    for r in 0..members {
        let member = &mut items[starts[r]..starts[r + 1]];
        if !member.is_sorted_by(|a, b| order(a, b) != Ordering::Greater) {
            member.sort_unstable_by(order);
        }
    }
    Grouped { items, starts }
}

/// Whether records are in (source, position) order, which readers guarantee and
/// [`group`]'s counting sorts rely on for ties.
pub(super) fn in_input_order(records: &[Record]) -> bool {
    records.is_sorted_by_key(|r| (r.source, r.position))
}

/// The most days [`by_day`] sorts into buckets (about 179 years).
const MAX_DAYS: usize = 1 << 16;

/// `items` in day order, stable; `None` when they span more than [`MAX_DAYS`].
fn by_day<T: Dated>(items: &[T]) -> Option<Vec<T>> {
    // (year, day of year) as one number: monotonic in the date, gaps at year ends.
    let days: Vec<i32> = items
        .iter()
        .map(|item| {
            let date = item.date();
            i32::from(date.year()) * 366 + i32::from(date.day_of_year())
        })
        .collect();
    let first = *days.iter().min()?;
    let span = usize::try_from(days.iter().max()? - first).ok()? + 1;
    if span > MAX_DAYS {
        return None;
    }
    let keys: Vec<u32> = days.iter().map(|d| (d - first) as u32).collect();
    Some(counting_sort(items, &keys, span).0)
}

/// Stable counting sort of `items` into `buckets` by their `keys`: the sorted items
/// and where each bucket starts (`buckets + 1` entries).
fn counting_sort<T: Copy>(items: &[T], keys: &[u32], buckets: usize) -> (Vec<T>, Vec<usize>) {
    let mut starts = vec![0usize; buckets + 1];
    for &key in keys {
        starts[key as usize + 1] += 1;
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    let mut next = starts.clone();
    // Every slot is written once below; the first item only fills the vector.
    let mut sorted: Vec<T> = items
        .first()
        .map_or_else(Vec::new, |&first| vec![first; items.len()]);
    for (&item, &key) in items.iter().zip(keys) {
        sorted[next[key as usize]] = item;
        next[key as usize] += 1;
    }
    (sorted, starts)
}
