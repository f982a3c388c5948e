//! A JSONL or CSV input read into typed [`Part`]s, a block of it on every core,
//! with the records, positions, rejections and warnings that one [`Reader`] over
//! the whole input gives.
//!
//! Cutting, typing and keeping rows is most of reading a file. Here a UTF-8 input
//! is cut into blocks of about [`BLOCK_BYTES`] at line ends, and each block is read
//! by a `Reader` of its own (a CSV's block behind the input's header row) on its
//! own thread, straight into a part of its own: no record is made (the builder
//! hands each row's values to the part), and only the finished part crosses
//! threads. Blocks are handed
//! back in order, their positions shifted by the rows or lines before them: a
//! reader's position counts exactly those, so the shift is what the one reader
//! would have counted.
//!
//! A `\n` ends a record for certain only where no quote can be open: in a JSONL
//! input always (a JSON string holds no raw newline), in a CSV while no `"` has been
//! met. From a CSV's first quote on (or a line longer than a block, or a file whose
//! lines end in `\r` alone), the rest of the input is read by one reader as it
//! streams in, [`TAIL_RECORDS`] at a time, shifted the same way: never cut where a
//! record might not end. So is the whole input when it cannot be split: one thread,
//! or text in GB18030 (decoded as it is read).

use std::io::{BufRead, BufReader, Chain, Cursor, Read, Repeat, Take};
use std::mem;

use super::columns::Part;
use super::encoding::{SNIFF_BYTES, is_gb18030};
use super::spec::{Encoding, InputSpec};
use super::{Format, InputError, ReadOptions, Reader};
use crate::parallel::{par_map, threads};
use crate::record::{Rejected, Warning};

/// The bytes of a block: enough that a block's dictionaries (every member it
/// meets) are few beside its rows, few enough that the last blocks leave no core
/// idle for long.
pub(crate) const BLOCK_BYTES: usize = 2 << 20;

/// The records one reader types into a part when the input is not cut in blocks.
const TAIL_RECORDS: usize = 1 << 16;

/// The builder caps a reader's warnings at this many names.
const MAX_WARNINGS: usize = 100;

/// What a reader before the rest of the input reads first: a blank line for each
/// line after the header already handed out (blank lines are no rows, so the rows
/// after the header are numbered by the input's lines), the header, and the carry.
type Head = Chain<Chain<BufReader<Take<Repeat>>, Cursor<Vec<u8>>>, Cursor<Vec<u8>>>;

/// Records of part of the input, typed.
pub(crate) struct Block {
    /// The accepted records, their positions the input's.
    pub part: Part,
    /// The records that could not be read, positions the input's.
    pub rejected: Vec<Rejected>,
    /// Records read, accepted or rejected.
    pub read: u64,
}

impl Block {
    fn new(options: &ReadOptions) -> Block {
        Block {
            part: Part::new(options.schema),
            rejected: Vec::new(),
            read: 0,
        }
    }

    /// Reads records from `reader` into this block, `limit` at most; `false` once
    /// the input ended.
    fn fill<R: BufRead>(&mut self, reader: &mut Reader<'_, R>, limit: usize) -> Result<bool, InputError> {
        while (self.read as usize) < limit {
            if !reader.next_into(&mut self.part, &mut self.rejected)? {
                return Ok(false);
            }
            self.read += 1;
        }
        Ok(true)
    }

    /// Positions made the whole input's: `before` rows or lines came before (less
    /// what the reader's header counted).
    fn shift(&mut self, before: u64) {
        self.part.shift(before);
        self.rejected.iter_mut().for_each(|r| r.record += before);
    }
}

/// An input read a batch of blocks at a time, one block per thread.
pub(crate) struct SplitReader<'o, R> {
    cutter: Cutter<R>,
    format: Format,
    /// The input's options; reading UTF-8 when the input is cut in blocks.
    options: ReadOptions<'o>,
    /// The rows or lines the cutter's `header` counts as.
    header_rows: u64,
    /// Rows (CSV) or lines (JSONL) in what was handed out.
    position: u64,
    /// Lines in what was handed out.
    lines: u64,
    /// The rest of the input, read by one reader (see the module docs).
    tail: Option<Reader<'o, Chain<Head, R>>>,
    /// Whether the tail reader reads behind the header (it started after a block).
    tail_behind_header: bool,
    warnings: Vec<Warning>,
}

/// What cuts the input into blocks at line ends.
struct Cutter<R> {
    input: Option<R>,
    format: Format,
    /// What is put before every block but the first: a CSV's header row, line end
    /// included (no row), or for JSONL a blank line (a line, not a record), so that
    /// no block's first line is read as the input's first (which may start with a
    /// byte-order mark).
    header: Vec<u8>,
    /// Bytes read and not yet in a block; they start at a record's start.
    carry: Vec<u8>,
    /// Blocks' buffers handed back once read, for the next blocks: a fresh one would
    /// be grown, copied and faulted in page by page for every block.
    spare: Vec<Vec<u8>>,
    /// Blocks cut so far.
    blocks: u64,
    /// The carry and the rest of the input, once they are the tail reader's.
    pending: Option<(Vec<u8>, R)>,
    block_bytes: usize,
}

/// What one block's reader read, its positions the block's own.
struct BlockRead {
    block: Block,
    position: u64,
    /// The block's lines (its `\n`s).
    lines: u64,
    warnings: Vec<Warning>,
}

impl<'o, R: BufRead> SplitReader<'o, R> {
    /// A reader of `input`, cut in blocks when it can be (see the module docs);
    /// `utf8` is `options.input` reading UTF-8 ([`as_utf8`]), what the blocks read.
    /// Fails where [`Reader::new`] fails when the input is read by one reader.
    pub(crate) fn new(
        mut input: R,
        format: Format,
        options: ReadOptions<'o>,
        utf8: &'o InputSpec,
    ) -> Result<Self, InputError> {
        let declared = options.input.encoding;
        let split = threads() > 1
            && format.reads_by_record()
            && (declared == Encoding::Utf8 || {
                // `auto` decides on the first bytes as the one reader would, peeked so
                // that the input goes back whole. Fewer than that in the buffer: an
                // input too small to split anyway.
                let sniffed = SNIFF_BYTES as usize;
                input
                    .fill_buf()
                    .is_ok_and(|head| head.len() >= sniffed && !is_gb18030(&head[..sniffed], declared))
            });
        let (header, header_rows) = match format {
            Format::Jsonl => (b"\n".to_vec(), 1),
            _ => (Vec::new(), 0),
        };
        let mut reader = SplitReader {
            cutter: Cutter {
                input: None,
                format,
                header,
                carry: Vec::new(),
                spare: Vec::new(),
                blocks: 0,
                pending: None,
                block_bytes: BLOCK_BYTES,
            },
            format,
            options: ReadOptions {
                input: if split { utf8 } else { options.input },
                ..options
            },
            header_rows,
            position: 0,
            lines: 0,
            tail: None,
            tail_behind_header: false,
            warnings: Vec::new(),
        };
        if split {
            reader.cutter.input = Some(input);
        } else {
            reader.start_tail(Vec::new(), input)?;
        }
        Ok(reader)
    }

    /// Blocks of about `bytes` (tests cut small inputs into many).
    pub(crate) fn with_block_bytes(mut self, bytes: usize) -> Self {
        self.cutter.block_bytes = bytes.max(1);
        self
    }

    /// Reads the whole input, handing its blocks to `each` in input order, and
    /// returns its warnings as the one reader lists them. Fails where the one
    /// reader would fail.
    ///
    /// While a batch of blocks (one per thread) is typed on the pool, this thread
    /// hands out the batch before it and cuts the next: reading the file into
    /// blocks and keeping them (`each`) took a fifth of a core at 10M records that
    /// the typing waited for. The overlap measured within the noise on two cores
    /// (bench/RESULTS.md, issue 20's fifth step), the blocks of a batch ending
    /// apart being the larger wait; it costs no memory but the next batch's bytes.
    pub(crate) fn read(mut self, mut each: impl FnMut(Block)) -> Result<Vec<Warning>, InputError> {
        let mut typed: Vec<Block> = Vec::new();
        let mut cut = self.cutter.batch()?;
        while !cut.is_empty() {
            let first = self.cutter.blocks - cut.len() as u64;
            let numbered: Vec<(u64, Vec<u8>)> = (first..).zip(cut).collect();
            let (format, options, cutter) = (self.format, &self.options, &mut self.cutter);
            // Only the first block's cut sets the header.
            let header = cutter.header.clone();
            let (read, next) = crate::parallel::beside(
                || {
                    par_map(numbered, |(i, bytes)| {
                        let header = if i == 0 { &[][..] } else { &header[..] };
                        (read_block(format, header, &bytes, options), bytes)
                    })
                },
                || {
                    typed.drain(..).for_each(&mut each);
                    cutter.batch()
                },
            );
            typed = self.place(first, read)?;
            cut = next?;
        }
        typed.into_iter().for_each(&mut each);
        // The input ended, or its rest goes to the tail reader.
        if let Some((carry, input)) = self.cutter.pending.take() {
            self.start_tail(carry, input)?;
        }
        while let Some(tail) = &mut self.tail {
            let mut block = Block::new(&self.options);
            let more = block.fill(tail, TAIL_RECORDS)?;
            if !more {
                let warnings = tail.warnings();
                self.tail = None;
                self.merge(warnings);
            }
            let before = if self.tail_behind_header {
                self.position - self.header_rows
            } else {
                self.position
            };
            block.shift(before);
            if block.read > 0 {
                each(block);
            }
        }
        Ok(self.warnings)
    }

    /// The blocks of one batch (the first numbered `first`), their positions made
    /// the input's, their warnings merged and their buffers kept for reuse.
    fn place(
        &mut self,
        first: u64,
        read: Vec<(Result<BlockRead, InputError>, Vec<u8>)>,
    ) -> Result<Vec<Block>, InputError> {
        let mut blocks = Vec::with_capacity(read.len());
        for (i, (read, bytes)) in (first..).zip(read) {
            self.cutter.spare.push(bytes);
            let mut read = read?;
            let before = if i > 0 {
                self.position - self.header_rows
            } else {
                self.position
            };
            read.block.shift(before);
            self.position = before + read.position;
            self.lines += read.lines;
            self.merge(read.warnings);
            blocks.push(read.block);
        }
        Ok(blocks)
    }

    /// Adds a block's warnings after those already met, each once, in the order
    /// the one reader meets them.
    fn merge(&mut self, warnings: Vec<Warning>) {
        for warning in warnings {
            if self.warnings.len() < MAX_WARNINGS && !self.warnings.contains(&warning) {
                self.warnings.push(warning);
            }
        }
    }

    fn start_tail(&mut self, carry: Vec<u8>, input: R) -> Result<(), InputError> {
        self.tail_behind_header = self.cutter.blocks > 0;
        let (header, blank_lines) = match (self.tail_behind_header, self.format) {
            (false, _) => (Vec::new(), 0),
            (true, Format::Csv) => (self.cutter.header.clone(), self.lines.saturating_sub(1)),
            // JSONL counts lines in its positions, shifted already.
            (true, _) => (self.cutter.header.clone(), 0),
        };
        let blanks = BufReader::new(std::io::repeat(b'\n').take(blank_lines));
        let head = blanks.chain(Cursor::new(header)).chain(Cursor::new(carry));
        self.tail = Some(Reader::new(head.chain(input), self.format, &self.options)?);
        Ok(())
    }
}

impl<R: BufRead> Cutter<R> {
    /// The next blocks, one per thread; none at the end of the input or once its
    /// rest is the tail reader's.
    fn batch(&mut self) -> Result<Vec<Vec<u8>>, InputError> {
        let mut cut = Vec::new();
        while cut.len() < threads() {
            match self.cut()? {
                Some(block) => cut.push(block),
                None => break,
            }
        }
        Ok(cut)
    }

    /// The next block, or `None` at the end of the input or once the rest is the
    /// tail reader's.
    fn cut(&mut self) -> Result<Option<Vec<u8>>, InputError> {
        let Some(input) = &mut self.input else {
            return Ok(None);
        };
        if self.carry.len() < self.block_bytes {
            let wanted = (self.block_bytes - self.carry.len()) as u64;
            self.carry.reserve_exact(wanted as usize);
            input
                .take(wanted)
                .read_to_end(&mut self.carry)
                .map_err(|e| super::read_error(&e))?;
        }
        let ended = self.carry.len() < self.block_bytes;
        let csv = self.format == Format::Csv;
        if csv && self.header.is_empty() {
            match memchr::memchr(b'\n', &self.carry) {
                Some(end) if !self.carry[..end].contains(&b'"') => {
                    // Read at a block's start, not the input's: without a byte-order mark.
                    let header = &self.carry[..=end];
                    self.header = header.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(header).to_vec();
                }
                _ => return self.leave_to_tail(),
            }
        }
        if csv && memchr::memchr(b'"', &self.carry).is_some() {
            return self.leave_to_tail();
        }
        if ended {
            self.input = None;
            if self.carry.is_empty() {
                return Ok(None);
            }
            self.blocks += 1;
            return Ok(Some(mem::take(&mut self.carry)));
        }
        match memchr::memrchr(b'\n', &self.carry) {
            Some(end) => {
                let mut rest = self.spare.pop().unwrap_or_default();
                rest.clear();
                rest.extend_from_slice(&self.carry[end + 1..]);
                self.carry.truncate(end + 1);
                self.blocks += 1;
                Ok(Some(mem::replace(&mut self.carry, rest)))
            }
            None => self.leave_to_tail(),
        }
    }

    /// Leaves the carry and the rest of the input to one reader, started once the
    /// blocks cut before are handed out.
    fn leave_to_tail(&mut self) -> Result<Option<Vec<u8>>, InputError> {
        if let Some(input) = self.input.take() {
            self.pending = Some((mem::take(&mut self.carry), input));
        }
        Ok(None)
    }
}

/// `spec` with its encoding fixed to UTF-8, for the block readers: a block alone
/// must not be sniffed as GB18030 when the input's start said UTF-8.
pub(crate) fn as_utf8(spec: &InputSpec) -> InputSpec {
    InputSpec {
        encoding: Encoding::Utf8,
        ..spec.clone()
    }
}

/// One block read by a reader of its own, behind `header` (a CSV's, for every
/// block but the first).
fn read_block(
    format: Format,
    header: &[u8],
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<BlockRead, InputError> {
    let mut reader = Reader::new(header.chain(bytes), format, options)?;
    let mut block = Block::new(options);
    block.fill(&mut reader, usize::MAX)?;
    block.part.shrink();
    Ok(BlockRead {
        block,
        position: reader.position(),
        lines: memchr::memchr_iter(b'\n', bytes).count() as u64,
        warnings: reader.warnings(),
    })
}
