//! Records kept as typed columns: what a stream holds of an unsorted input between
//! reading it once and evaluating it a range of members at a time.
//!
//! The columns are a list of [`Part`]s, each the records one reader typed (a block
//! of the input on one core, `records/split.rs`) with dictionaries of its own, so
//! that parts are typed apart and kept without being copied together. What spans
//! the parts is the members: the columns hold one dictionary of every member met,
//! and a part appended has its members renumbered into it, through a map from
//! its own indices (its own dictionary would otherwise hold most members again in
//! every part), so that a stream can group the rows of every part by member.
//!
//! | file | job |
//! | --- | --- |
//! | `mod.rs` | [`Columns`]: the parts in input order, rows numbered across them |
//! | `part.rs` | [`Part`]: one reader's records, column by column |

mod part;

use std::sync::Arc;

pub(crate) use part::{Cell, Part, Row};

use crate::record::Record;

/// Accepted records of one input, column by column, in the order they were read.
#[derive(Debug, Default)]
pub struct Columns {
    parts: Vec<Part>,
    /// The rows of every part up to and including each.
    ends: Vec<usize>,
    /// Every member met, by index, in the order first met.
    members: Vec<Arc<str>>,
    index: rustc_hash::FxHashMap<Arc<str>, u32>,
}

impl Columns {
    /// Records held.
    pub fn len(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held (allocated), dictionaries included.
    pub fn bytes(&self) -> usize {
        let parts: usize = self.parts.iter().map(Part::bytes).sum();
        let names: usize = self.members.iter().map(|n| n.len() + 16).sum();
        parts + names + self.members.capacity() * 16 + self.index.capacity() * 24
    }

    /// Gives back memory grown for records that never came.
    pub(crate) fn shrink(&mut self) {
        self.parts.iter_mut().for_each(Part::shrink);
    }

    /// Keeps `part`'s records after those held.
    pub(crate) fn append(&mut self, mut part: Part) {
        let map: Vec<u32> = part
            .member_names()
            .iter()
            .map(|name| self.member_slot(name))
            .collect();
        part.renumber_members(map);
        self.ends.push(self.len() + part.len());
        self.parts.push(part);
    }

    /// `name`'s index in `members`, added when new.
    fn member_slot(&mut self, name: &Arc<str>) -> u32 {
        let next = self.members.len() as u32;
        *self.index.entry(name.clone()).or_insert_with(|| {
            self.members.push(name.clone());
            next
        })
    }

    /// The members met, by index, in the order first met.
    pub(crate) fn member_names(&self) -> &[Arc<str>] {
        &self.members
    }

    /// Each row's member, in row order, as an index into [`Columns::member_names`].
    pub(crate) fn member_indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows().map(|(_, member)| member)
    }

    /// Where each row is kept, with its member as in [`Columns::member_indices`].
    pub(crate) fn rows(&self) -> impl Iterator<Item = (Loc, u32)> + '_ {
        self.parts.iter().enumerate().flat_map(|(p, part)| {
            (0..part.len()).map(move |row| {
                let loc = Loc {
                    part: p as u32,
                    row: row as u32,
                };
                (loc, part.member_index(row))
            })
        })
    }

    /// Each member met and how many rows it has, in the order first met: what a
    /// survey would otherwise count in a map of its own.
    pub(crate) fn member_counts(&self) -> Vec<(Arc<str>, u64)> {
        counted(&self.members, self.member_indices())
    }

    /// The part a row is kept in, and its row there.
    pub(crate) fn at(&self, loc: Loc) -> (&Part, usize) {
        (&self.parts[loc.part as usize], loc.row as usize)
    }

    /// The member of the row at `loc`.
    pub(crate) fn member(&self, loc: Loc) -> &Arc<str> {
        let (part, row) = self.at(loc);
        &self.members[part.member_index(row) as usize]
    }

    /// The row at `loc` as the record kept there.
    pub(crate) fn record_at(&self, loc: Loc) -> Record {
        let (part, row) = self.at(loc);
        part.record(row, &self.members)
    }

    /// Row `row` (counted across the parts) as the record kept there.
    #[cfg(test)]
    pub(crate) fn record(&self, row: usize) -> Record {
        let part = self.ends.partition_point(|&end| end <= row);
        let start = if part == 0 { 0 } else { self.ends[part - 1] };
        self.parts[part].record(row - start, &self.members)
    }
}

/// Where a row is kept: its part, and its row in that part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Loc {
    pub part: u32,
    pub row: u32,
}

/// Each of `names` with how many of `indices` point at it.
fn counted(names: &[Arc<str>], indices: impl Iterator<Item = u32>) -> Vec<(Arc<str>, u64)> {
    let mut counts = vec![0u64; names.len()];
    for i in indices {
        counts[i as usize] += 1;
    }
    names.iter().cloned().zip(counts).collect()
}
