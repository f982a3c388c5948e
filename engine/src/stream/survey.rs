//! One reading pass before streaming: what must be known before the first member
//! is written.
//!
//! A report's range defaults to the input's first and last dates, and every member
//! is evaluated with that range; members can be written as they come only when they
//! come in the report's order, and otherwise the input is read again for each range
//! of members, cut by how many records each member has. All are facts about the
//! whole input, so a stream reads it once for them first.

use std::io::BufRead;
use std::sync::Arc;

use jiff::civil::Date;
use rustc_hash::FxHashMap;

use super::columns::KEEP_WHILE_SORTED;
use crate::book::Rulebook;
use crate::eval::Options;
use crate::record::Rejected;
use crate::records::columns::{Columns, Part};
use crate::records::split::{self, BLOCK_BYTES, SplitReader};
use crate::records::{Format, InputError, ReadOptions};

/// What one pass over an input found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Survey {
    /// Records read, accepted or rejected.
    pub records: u64,
    /// Whether every member's records are together and members come in id order
    /// (byte order, as the report lists them): what
    /// [`MemberStream`](super::MemberStream) needs.
    pub sorted: bool,
    /// The earliest and latest dates of the accepted records.
    pub first: Option<Date>,
    /// The latest record date.
    pub last: Option<Date>,
    /// Each member's number of accepted records, by id.
    pub members: Vec<(Arc<str>, u64)>,
    /// The records that could not be read, as a report lists them.
    pub rejected: Vec<Rejected>,
    /// Names in the input that are no key of the rulebook (see
    /// the reader's warnings), for the report of a stream ([`super::Warned`]).
    pub warnings: Vec<crate::record::Warning>,
}

impl Survey {
    /// Reads a JSONL or CSV input through, typed by `book`'s schema, keeping
    /// nothing of its records but what a [`Survey`] says. Fails where reading the
    /// input would.
    pub fn read(book: &Rulebook, input: impl BufRead, format: Format) -> Result<Survey, InputError> {
        Ok(Survey::read_through(book, input, format, false)?.0)
    }

    /// Reads the input as [`Survey::read`] does and, for an input found unsorted,
    /// keeps its accepted records as typed [`Columns`], so that a
    /// [`ColumnStream`](super::ColumnStream) need not read it again. Records are
    /// kept while the input is found unsorted within its first
    /// [`KEEP_WHILE_SORTED`] accepted records (then to its end): a sorted input is
    /// never held.
    pub fn read_kept(
        book: &Rulebook,
        input: impl BufRead,
        format: Format,
    ) -> Result<(Survey, Option<Columns>), InputError> {
        Survey::read_through(book, input, format, true)
    }

    /// The one pass both readings share; `keep` asks for the [`Columns`]. The
    /// input is read in blocks typed on every core ([`SplitReader`]), each kept
    /// as a part of the columns.
    fn read_through(
        book: &Rulebook,
        input: impl BufRead,
        format: Format,
        keep: bool,
    ) -> Result<(Survey, Option<Columns>), InputError> {
        Survey::read_blocks(book, input, format, keep, BLOCK_BYTES, KEEP_WHILE_SORTED)
    }

    /// [`Survey::read_through`] with blocks of `block_bytes`, keeping records
    /// while the input is sorted up to `keep_while_sorted` (tests cut small inputs
    /// into many blocks and stop keeping early).
    fn read_blocks(
        book: &Rulebook,
        input: impl BufRead,
        format: Format,
        keep: bool,
        block_bytes: usize,
        keep_while_sorted: usize,
    ) -> Result<(Survey, Option<Columns>), InputError> {
        let options = ReadOptions::for_book(book);
        let utf8 = split::as_utf8(options.input);
        let reader = SplitReader::new(input, format, options, &utf8)?.with_block_bytes(block_bytes);
        let mut kept = keep.then(Columns::default);
        let mut survey = Survey {
            sorted: true,
            ..Survey::default()
        };
        // Members in order while the input is sorted; once it is not, counted by id
        // here, or at the end from the columns when they are kept (from then on they
        // hold every record: they are dropped only while the input is sorted).
        let mut unsorted: FxHashMap<Arc<str>, u64> = FxHashMap::default();
        survey.warnings = reader.read(|mut block| {
            survey.records += block.read;
            survey.rejected.append(&mut block.rejected);
            let part = block.part;
            if let Some((first, last)) = part.date_range() {
                survey.first = Some(survey.first.map_or(first, |earliest| earliest.min(first)));
                survey.last = survey.last.max(Some(last));
            }
            let was_sorted = survey.sorted;
            if survey.sorted {
                survey.follow(&part);
            }
            if let Some(columns) = &mut kept
                && was_sorted
                && columns.len() >= keep_while_sorted
            {
                kept = None;
            }
            match &mut kept {
                Some(columns) => columns.append(part),
                None if !survey.sorted => {
                    if was_sorted {
                        // Found unsorted in this part: the members before it,
                        // then this part's.
                        unsorted.extend(survey.members.drain(..));
                    }
                    for (member, count) in part.member_counts() {
                        *unsorted.entry(member).or_default() += count;
                    }
                }
                None => {}
            }
        })?;
        if !survey.sorted {
            survey.members = match &mut kept {
                Some(columns) => {
                    columns.shrink();
                    columns.member_counts()
                }
                None => unsorted.into_iter().collect(),
            };
            survey.members.sort_unstable();
        } else {
            kept = None;
        }
        Ok((survey, kept))
    }

    /// Follows `part`'s members on from those met, while they come sorted: each
    /// member's rows together, members in id order. `sorted` turns false at the
    /// first that does not, and `members` then counts only the rows before `part`.
    fn follow(&mut self, part: &Part) {
        let (before, last_rows) = (self.members.len(), self.members.last().map(|(_, rows)| *rows));
        let names = part.member_names();
        let mut row = 0;
        while row < part.len() {
            let index = part.member_index(row);
            let mut end = row + 1;
            while end < part.len() && part.member_index(end) == index {
                end += 1;
            }
            let member = &names[index as usize];
            let count = (end - row) as u64;
            match self.members.last_mut() {
                Some((last, rows)) if *last == *member => *rows += count,
                Some((last, _)) if **last > **member => {
                    self.sorted = false;
                    self.members.truncate(before);
                    if let (Some((_, rows)), Some(last_rows)) = (self.members.last_mut(), last_rows) {
                        *rows = last_rows;
                    }
                    return;
                }
                _ => self.members.push((member.clone(), count)),
            }
            row = end;
        }
    }

    /// The most records one member has.
    pub fn largest_member(&self) -> u64 {
        self.members.iter().map(|(_, count)| *count).max().unwrap_or(0)
    }

    /// `options` with the dates an evaluation of the whole input would default
    /// (`to` to the last record, `as_of` to `to`, `from` to the first record seen),
    /// so that every part of a stream is evaluated with the same. `None` when there
    /// is no date to take: no `to` or `as_of`, and no record.
    pub fn dates(&self, options: &Options) -> Option<Options> {
        let dates = crate::eval::Dates::between(options, self.first, self.last)?;
        Some(Options {
            from: Some(dates.from),
            to: Some(dates.to),
            as_of: Some(dates.as_of),
            ..options.clone()
        })
    }
}

#[cfg(all(test, feature = "parallel", not(target_arch = "wasm32")))]
mod tests {
    use std::fmt::Write;

    use super::Survey;
    use crate::book::Rulebook;
    use crate::records::Format;

    /// An input of `n` records: sorted by member up to `sorted_until`, then members
    /// in a scrambled order; a rejected record every 37th, blank lines in JSONL, a
    /// quoted cell from `quote_at` in a CSV (the rest read by one reader).
    fn input(format: Format, n: usize, sorted_until: usize, quote_at: usize) -> String {
        let mut out = String::new();
        if format == Format::Csv {
            out.push_str("member,kind,date,hours,note\n");
        }
        for i in 0..n {
            let member = if i < sorted_until { i / 3 } else { (i * 7919) % 31 };
            let hours = if i % 37 == 5 {
                "x".to_owned()
            } else {
                format!("{}.{}", i % 9, i % 4)
            };
            let day = 1 + i % 28;
            match format {
                Format::Csv if i >= quote_at => {
                    let _ = writeln!(out, "m{member:03},k,2026-03-{day:02},{hours},\"a, \"\"b\"\"\"");
                }
                Format::Csv => {
                    let _ = writeln!(out, "m{member:03},k,2026-03-{day:02},{hours},plain");
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "{{\"member\":\"m{member:03}\",\"kind\":\"k\",\"date\":\"2026-03-{day:02}\",\"hours\":\"{hours}\"}}"
                    );
                    if i % 11 == 0 {
                        out.push('\n');
                    }
                }
            }
        }
        out
    }

    /// Read in blocks of any size on three threads, keeping or not, and whether
    /// records are kept while sorted or not, a survey finds what one reader over
    /// the whole input finds, and its columns hold the records one reader reads.
    #[test]
    fn a_survey_in_blocks_finds_what_one_reader_finds() {
        let book = Rulebook::from_yaml(
            "fields: { hours: decimal?, note: string? }\nrules:\n  - { id: a, points: hours }\n",
            "book.yaml",
        )
        .expect("book");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .expect("pool");
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        for format in [Format::Csv, Format::Jsonl] {
            for (sorted_until, quote_at) in
                [(0, usize::MAX), (400, usize::MAX), (600, 250), (600, usize::MAX)]
            {
                let text = input(format, 600, sorted_until, quote_at);
                let read = |pool: &rayon::ThreadPool, keep, bytes, keep_while_sorted| {
                    pool.install(|| {
                        Survey::read_blocks(&book, text.as_bytes(), format, keep, bytes, keep_while_sorted)
                            .expect("surveys")
                    })
                };
                let (expected, whole) = read(&one, true, usize::MAX, usize::MAX);
                let whole = whole.map(|c| (0..c.len()).map(|row| c.record(row)).collect::<Vec<_>>());
                assert_eq!(
                    expected.sorted,
                    sorted_until == 600,
                    "{format:?} sorted to {sorted_until}"
                );
                for bytes in [1, 64, 1000, 1 << 20] {
                    for keep_while_sorted in [0, 100, usize::MAX] {
                        let what = format!(
                            "{format:?} sorted to {sorted_until}, blocks of {bytes}, keeping {keep_while_sorted}"
                        );
                        let (survey, _) = read(&pool, false, bytes, keep_while_sorted);
                        assert_eq!(survey, expected, "{what}, not keeping");
                        let (survey, columns) = read(&pool, true, bytes, keep_while_sorted);
                        assert_eq!(survey, expected, "{what}");
                        let records =
                            columns.map(|c| (0..c.len()).map(|row| c.record(row)).collect::<Vec<_>>());
                        if expected.sorted || (sorted_until >= 100 && keep_while_sorted == 0) {
                            assert!(records.is_none(), "{what}: nothing kept");
                        } else if keep_while_sorted == usize::MAX {
                            assert_eq!(records, whole, "{what}");
                        }
                    }
                }
            }
        }
    }
}
