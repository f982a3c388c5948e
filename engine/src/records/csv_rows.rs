//! CSV rows cut from a stream, as the `csv` crate's reader cuts them, at less cost.
//!
//! Nearly every line of an export holds neither a quote nor a carriage return
//! before its end: such a line is one row, cut at its commas here. Every other row
//! (quoted cells, a line break inside a quote, a lone `\r`, a line straddling the
//! end of the read buffer, the last line without its `\n`) goes through
//! `csv_core`'s parser, so quoting is exactly the `csv` crate's. Both count lines and
//! quote characters as the `csv` crate's reader does, so positions and messages are
//! the same. (`csv::Reader` also copied the input into a buffer of its own, and the
//! quote parity was counted over every byte; a plain line has no quote to count.)

use std::io::{self, BufRead, Chain, Cursor, Read};

use csv_core::ReadRecordResult;

/// One row's cells: a plain line kept whole, commas included (one copy of the
/// line rather than one per cell), or a parsed row's cells end to end (as
/// `csv::ByteRecord` keeps them).
#[derive(Debug, Default)]
pub(crate) struct Row {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// Bytes between one cell's end and the next one's start: 1 (the comma) in a
    /// plain line, 0 in a parsed row.
    gap: usize,
    /// The line its reading began on: the `\n` read before it, plus 1 (a row
    /// ended by `\r\n` leaves its `\n` to the next, as `csv` counts).
    line: u64,
}

impl Row {
    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.gap = 0;
    }

    /// Its number of cells.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Its bytes as text, cells cut from it by [`Row::cell`]; when a cell is not
    /// UTF-8, the index of the first bad byte counted in the cells alone (as if
    /// they were end to end, whatever the row's `gap`).
    pub(crate) fn text(&self) -> Result<&str, usize> {
        let bytes = &self.bytes[..self.ends.last().copied().unwrap_or(0)];
        let in_cells = |at: usize| at - self.ends.iter().take_while(|&&end| end < at).count() * self.gap;
        let text = std::str::from_utf8(bytes).map_err(|e| in_cells(e.valid_up_to()))?;
        // A parsed row's cells end to end can be UTF-8 while a cell is not: a
        // character cut by a quote's end (`"m\xe4\xb8",\xad`). Its first byte is
        // the bad one. (A plain line's commas end every cell at a character's end.)
        let cut = (self.gap == 0).then(|| self.ends.iter().find(|&&end| !text.is_char_boundary(end)));
        match cut.flatten() {
            Some(&end) => {
                let start = (0..end).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                Err(in_cells(start))
            }
            None => Ok(text),
        }
    }

    /// The bytes of its cells, commas not counted.
    pub(crate) fn size(&self) -> usize {
        self.ends
            .last()
            .map_or(0, |end| end - (self.ends.len() - 1) * self.gap)
    }

    /// Where cell `i` lies in [`Row::text`].
    pub(crate) fn cell(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + self.gap };
        Some(start..end)
    }

    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        self.bytes.get(self.cell(i)?)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    pub(crate) fn line(&self) -> u64 {
        self.line
    }
}

/// A CSV stream cut into rows (comma, double quote, `\r`, `\n` or `\r\n`, blank
/// lines skipped: the `csv` crate's defaults).
pub(crate) struct RowReader<R> {
    input: Chain<Cursor<Vec<u8>>, R>,
    /// The parser, boxed: its transition table is most of a reader's size.
    core: Box<csv_core::Reader>,
    /// `\n` read so far, plus 1.
    line: u64,
    /// The last row was cut here and ended with `\r\n`: `csv` would not have read
    /// its `\n` yet.
    lag: bool,
    /// Whether an odd number of quote characters was read.
    odd_quotes: bool,
    /// Whether the input ended while the current row was read.
    ended: bool,
    done: bool,
}

impl<R: BufRead> RowReader<R> {
    pub(crate) fn new(mut input: R) -> io::Result<Self> {
        // `csv_core` drops a byte-order mark only from the first input it is given,
        // and takes a first input that was only the mark for the end of the input:
        // it is given 4 bytes at least (the `csv` crate's reader gave it 8 KiB).
        let mut head = Vec::with_capacity(4);
        while head.len() < 4 {
            let buffer = input.fill_buf()?;
            if buffer.is_empty() {
                break;
            }
            let n = buffer.len().min(4 - head.len());
            head.extend_from_slice(&buffer[..n]);
            input.consume(n);
        }
        Ok(RowReader {
            input: Cursor::new(head).chain(input),
            core: Box::new(csv_core::Reader::new()),
            line: 1,
            lag: false,
            odd_quotes: false,
            ended: false,
            done: false,
        })
    }

    /// Reads the next row into `row`; `false` at the end of the input. `plain`
    /// allows the quick cut (the header is read by the parser, which also drops a
    /// byte-order mark).
    pub(crate) fn read(&mut self, row: &mut Row, plain: bool) -> io::Result<bool> {
        row.clear();
        row.line = self.line - u64::from(self.lag);
        self.lag = false;
        if self.done {
            return Ok(false);
        }
        if plain {
            loop {
                let buffer = self.input.fill_buf()?;
                let Some(end) = memchr::memchr(b'\n', buffer) else {
                    break;
                };
                let (line, cr) = match &buffer[..end] {
                    [line @ .., b'\r'] => (line, true),
                    line => (line, false),
                };
                if !cut(line, row) {
                    break;
                }
                self.input.consume(end + 1);
                self.line += 1;
                if row.len() > 0 {
                    self.lag = cr;
                    return Ok(true);
                }
            }
        }
        self.parse(row)
    }

    /// Reads one row with `csv_core`'s parser.
    fn parse(&mut self, row: &mut Row) -> io::Result<bool> {
        self.core.set_line(self.line);
        let (mut bytes, mut ends) = (0, 0);
        row.bytes.resize(row.bytes.capacity().max(256), 0);
        row.ends.resize(row.ends.capacity().max(16), 0);
        loop {
            let buffer = self.input.fill_buf()?;
            self.ended |= buffer.is_empty();
            let (result, read, written, ended) =
                self.core
                    .read_record(buffer, &mut row.bytes[bytes..], &mut row.ends[ends..]);
            let quotes = buffer[..read].iter().filter(|&&b| b == b'"').count();
            self.odd_quotes ^= quotes % 2 == 1;
            self.input.consume(read);
            bytes += written;
            ends += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => row.bytes.resize(row.bytes.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => row.ends.resize(row.ends.len() * 2, 0),
                ReadRecordResult::Record | ReadRecordResult::End => {
                    let is_row = matches!(result, ReadRecordResult::Record);
                    row.bytes.truncate(bytes);
                    row.ends.truncate(if is_row { ends } else { 0 });
                    self.line = self.core.line();
                    self.done = !is_row;
                    return Ok(is_row);
                }
            }
        }
    }

    /// When `row` is the input's last and ends inside a quote that was never
    /// closed (a cell holds line breaks and the input has an odd number of quote
    /// characters): how many lines the open quote swallowed.
    pub(crate) fn open_quote(&self, row: &Row) -> Option<usize> {
        if !self.ended || !self.odd_quotes {
            return None;
        }
        let cell = row.iter().find(|cell| cell.contains(&b'\n'))?;
        let end = cell.iter().rposition(|b| !matches!(b, b'\n' | b'\r'))?;
        Some(cell[..=end].iter().filter(|&&b| b == b'\n').count())
    }
}

/// Cuts `line` (without its line break) at its commas into `row`; `false`, with
/// `row` left empty, when it holds a quote or a carriage return, which only the
/// parser reads right. An empty line is no row: `true` with no cell.
fn cut(line: &[u8], row: &mut Row) -> bool {
    if line.is_empty() {
        return true;
    }
    // One pass: a short line costs less byte by byte than a vector search set up
    // for each kind of byte.
    for (i, &b) in line.iter().enumerate() {
        match b {
            b',' => row.ends.push(i),
            b'"' | b'\r' => {
                row.ends.clear();
                return false;
            }
            _ => {}
        }
    }
    row.bytes.extend_from_slice(line);
    row.ends.push(line.len());
    row.gap = 1;
    true
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use proptest::prelude::*;

    use super::{Row, RowReader};

    /// Every row `csv::Reader` reads, with the line it began on, are the rows a
    /// [`RowReader`] reads, whole and through a `chunk`-byte buffer (the header, the
    /// first row, is parsed: a byte-order mark is dropped from the first 3 bytes).
    fn rows_both_ways(input: &[u8], chunk: usize) -> Result<(), TestCaseError> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut expected = Vec::new();
        let mut record = csv::ByteRecord::new();
        while csv.read_byte_record(&mut record).expect("reads from memory") {
            let cells: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
            let line = record.position().map_or(0, |p| p.line());
            expected.push((cells, line));
        }
        for whole in [true, false] {
            let mut rows = if whole {
                RowReader::new(BufReader::with_capacity(input.len().max(1), input)).expect("reads")
            } else {
                RowReader::new(BufReader::with_capacity(chunk, input)).expect("reads")
            };
            let mut row = Row::default();
            let mut got = Vec::new();
            let mut first = true;
            while rows.read(&mut row, !first).expect("reads from memory") {
                first = false;
                let cells: usize = row.iter().map(<[u8]>::len).sum();
                prop_assert_eq!(row.size(), cells, "a row's size is its cells' bytes");
                got.push((row.iter().map(<[u8]>::to_vec).collect::<Vec<_>>(), row.line()));
            }
            prop_assert_eq!(&got, &expected, "whole {}, chunk {}", whole, chunk);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

        #[test]
        fn rows_are_cut_as_the_csv_crate_cuts_them(
            input in proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(b' '), Just(0xEF)],
                0..60,
            ),
            chunk in 3usize..8,
        ) {
            rows_both_ways(&input, chunk)?;
        }
    }

    #[test]
    fn plain_lines_quoted_cells_and_line_ends() {
        let input = b"\xEF\xBB\xBFh1,h2\r\na,b\r\n\r\n\"c,\"\"d\"\"\",e\n\nf\rg,\n\"h\ni\"";
        for chunk in 3..8 {
            rows_both_ways(input, chunk).expect("the same rows");
        }
    }
}
