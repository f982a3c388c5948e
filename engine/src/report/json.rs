//! A report written as JSON member by member, never held whole, its members
//! rendered on every core.
//!
//! A million records make a report of hundreds of megabytes, most of it
//! explanations. [`write_json`] writes the same bytes as
//! [`Report`](crate::report::Report)'s derived `Serialize` through serde_json, but
//! takes the members from a [`ReportStream`] a batch at a time
//! ([`ReportStream::each_json_batch`]): only a batch of members is in memory, and
//! an evaluation's members come unmade ([`JsonMember`]), written from the
//! evaluation without their [`AwardReport`](super::AwardReport)s. Each member of a
//! batch is rendered on its own (in parallel, [`par_map`], through
//! `member_json.rs`) and the batch written in order while the next is rendered, so
//! the bytes do not depend on the number of threads; on one thread (WebAssembly)
//! each member is rendered straight after the one before, into a buffer written
//! out every 64 KB.
//! `rejected` and `unmatched` come after `members`, so they are asked for once the
//! last member is written.
//!
//! A value rendered alone at its nesting depth is byte for byte the value rendered
//! in place: serde_json's pretty formatter indents each line by the number of
//! arrays and objects open, whatever they are. [`Indented`] is that formatter with
//! one write per line break, for what serde still renders here.

use std::io::{self, BufWriter, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use super::{MemberReport, ReportStream, member_json};
use crate::parallel::{beside, par_map, threads};

/// A member as the JSON writer renders it, on whichever core: a made
/// [`MemberReport`], or a member an evaluation writes without making it
/// (no [`AwardReport`](super::AwardReport) allocated, [`ReportStream::each_json_batch`]).
pub trait JsonMember: Sync {
    /// The member's JSON in `style`, nested in the report's `members` (two levels
    /// deep), appended to `out`.
    fn render(&self, style: Style, out: &mut Vec<u8>) -> io::Result<()>;
    /// How many awards it holds: what sizes a batch and its text.
    fn awards(&self) -> usize;
    /// How many of them could not be computed (`failed`).
    fn failed(&self) -> usize;
}

impl JsonMember for MemberReport {
    fn render(&self, style: Style, out: &mut Vec<u8>) -> io::Result<()> {
        member_json::member(style, self, 2, out)
    }

    fn awards(&self) -> usize {
        self.periods.iter().map(|p| p.awards.len()).sum()
    }

    fn failed(&self) -> usize {
        self.periods
            .iter()
            .flat_map(|p| &p.awards)
            .filter(|a| a.failed.is_some())
            .count()
    }
}

/// Whether a batch of `members` holding `awards` awards is full: enough members to
/// keep every core busy, few enough awards that the batch's text takes little
/// memory (the bench's members are ~20 KB each), whatever a member holds.
pub(crate) fn batch_full(members: usize, awards: usize) -> bool {
    members >= BATCH_MEMBERS || awards >= BATCH_AWARDS
}

/// Writes the report as [`Report::to_json`](crate::report::Report::to_json) would,
/// byte for byte. When a member cannot be made, writing stops there and that error
/// is returned.
pub fn write_json<S: ReportStream + ?Sized>(out: impl Write, report: &mut S) -> Result<(), S::Error> {
    write(out, report, Style::Pretty)
}

/// The same report as [`write_json`] without indentation or the final newline: for
/// a program to parse (the WebAssembly binding hands it to `JSON.parse`).
pub fn write_compact_json<S: ReportStream + ?Sized>(out: impl Write, report: &mut S) -> Result<(), S::Error> {
    write(out, report, Style::Compact)
}

/// Whether members can be rendered on other threads; without (WebAssembly, or no
/// `parallel`), each is rendered straight into the output and the batch code is
/// left out of the build.
const PARALLEL: bool = cfg!(all(feature = "parallel", not(target_arch = "wasm32")));

/// Members rendered per batch ([`batch_full`]).
const BATCH_MEMBERS: usize = 256;
/// A batch also ends at this many awards, so a few very active members do not make
/// one batch of hundreds of megabytes.
const BATCH_AWARDS: usize = 8_192;

fn write<S: ReportStream + ?Sized>(out: impl Write, report: &mut S, style: Style) -> Result<(), S::Error> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let head = report.head();
    let mut fields = Fields::new(style);
    fields.field(&mut out, "rulebook", &head.rulebook)?;
    fields.field(&mut out, "range", &head.range)?;
    fields.field(&mut out, "as_of", &AsOf(head.as_of))?;
    fields.field(&mut out, "period", &head.period)?;
    fields.key(&mut out, "members")?;
    let mut members = Members {
        style,
        written: 0,
        pending: Vec::new(),
        text: Vec::new(),
        failed: None,
    };
    let streamed = report.each_json_batch(&mut |batch| members.push(&mut out, batch));
    if let Some(error) = members.failed.take() {
        return Err(error.into());
    }
    streamed?;
    members.finish(&mut out)?;
    fields.field(&mut out, "rejected", report.rejected())?;
    fields.field(&mut out, "unmatched", &report.unmatched())?;
    fields.field(&mut out, "warnings", report.warnings())?;
    fields.end(&mut out)?;
    out.flush()?;
    Ok(())
}

/// `as_of` as the report writes it: `"YYYY-MM-DD"` or `null`.
#[derive(Serialize)]
struct AsOf(#[serde(with = "crate::value::option_date_text")] Option<jiff::civil::Date>);

/// serde_json's two formatters, as [`Report::to_json`](crate::report::Report::to_json)
/// (pretty) and `JSON.parse` (compact) want them.
#[derive(Clone, Copy, Debug)]
pub enum Style {
    /// Two spaces a level, as `to_json` writes.
    Pretty,
    /// No space at all, for `JSON.parse`.
    Compact,
}

impl Style {
    /// `value` as JSON nested `depth` deep, appended to `out`.
    pub(super) fn render(
        self,
        value: &(impl Serialize + ?Sized),
        depth: usize,
        out: impl Write,
    ) -> io::Result<()> {
        match self {
            Style::Compact => serde_json::to_writer(out, value)?,
            Style::Pretty => {
                let formatter = Indented {
                    depth,
                    has_value: false,
                };
                value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))?;
            }
        }
        Ok(())
    }

    /// What goes before an object's key or an array's item: `first` or not, at
    /// `depth`.
    fn separator(self, first: bool, depth: usize, mut out: impl Write) -> io::Result<()> {
        match self {
            Style::Pretty => line(&mut out, first, depth),
            Style::Compact if first => Ok(()),
            Style::Compact => out.write_all(b","),
        }
    }

    /// What closes a non-empty object or array whose items were at `depth`.
    fn close(self, depth: usize, bracket: u8, mut out: impl Write) -> io::Result<()> {
        if let Style::Pretty = self {
            line(&mut out, true, depth - 1)?;
        }
        out.write_all(&[bracket])
    }

    pub(super) fn colon(self) -> &'static [u8] {
        match self {
            Style::Pretty => b": ",
            Style::Compact => b":",
        }
    }
}

/// serde_json's `PrettyFormatter` (two spaces), byte for byte, that writes a line's
/// break and indentation in one write rather than one write per level: at the
/// depth of an award's fields (7) its per-level writes were the largest cost of
/// writing the report (serde_json's `serialize_key` 8.6% and `memmove` 10% of the
/// CLI's profile).
struct Indented {
    /// How many arrays and objects are open.
    depth: usize,
    /// Whether the innermost open array or object has an item yet.
    has_value: bool,
}

/// `,` then a line break then indentation, for [`line`] to slice.
const LINE: &[u8; 2 + 2 * 48] =
    b",\n                                                                                                ";

/// A line break (after a `,` unless `first`) indented `depth` levels, in one write.
pub(super) fn line<W: ?Sized + Write>(out: &mut W, first: bool, depth: usize) -> io::Result<()> {
    let start = usize::from(first);
    match LINE.get(start..2 + 2 * depth) {
        Some(line) => out.write_all(line),
        None => {
            out.write_all(&LINE[start..2])?;
            out.write_all(&b"  ".repeat(depth))
        }
    }
}

impl Indented {
    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            line(out, true, self.depth)?;
        }
        out.write_all(bracket)
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        line(out, first, self.depth)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        line(out, first, self.depth)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The report object's fields, written one after another.
struct Fields {
    style: Style,
    first: bool,
}

impl Fields {
    fn new(style: Style) -> Fields {
        Fields { style, first: true }
    }

    /// `"name": ` (after `{` or `,`).
    fn key(&mut self, out: &mut impl Write, name: &str) -> io::Result<()> {
        if self.first {
            out.write_all(b"{")?;
        }
        self.style.separator(self.first, 1, &mut *out)?;
        self.first = false;
        serde_json::to_writer(&mut *out, name)?;
        out.write_all(self.style.colon())
    }

    fn field(
        &mut self,
        out: &mut impl Write,
        name: &str,
        value: &(impl Serialize + ?Sized),
    ) -> io::Result<()> {
        self.key(out, name)?;
        self.style.render(value, 1, out)
    }

    /// Closes the report (`to_json` ends its pretty text with a newline).
    fn end(self, out: &mut impl Write) -> io::Result<()> {
        self.style.close(1, b'}', &mut *out)?;
        if let Style::Pretty = self.style {
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

/// The `members` array, written a batch at a time: on every core, a batch is
/// rendered while the one before is written; on one, each member is rendered
/// straight into a buffer written out as it fills.
struct Members {
    style: Style,
    written: u64,
    /// The last batch's texts, written while the next batch is rendered.
    pending: Vec<Vec<u8>>,
    /// On one thread, the members rendered since the last write.
    text: Vec<u8>,
    /// The write that failed, which stops the stream.
    failed: Option<io::Error>,
}

/// How much text one thread renders before writing it out.
const TEXT_BYTES: usize = 1 << 16;

impl Members {
    /// Takes one batch; `false` once writing failed, to stop the stream.
    fn push(&mut self, out: &mut impl Write, batch: &[&dyn JsonMember]) -> bool {
        let wrote = if PARALLEL && threads() > 1 {
            self.render_beside(out, batch)
        } else {
            self.render_here(out, batch)
        };
        match wrote {
            Ok(()) => true,
            Err(error) => {
                self.failed = Some(error);
                false
            }
        }
    }

    /// One thread (WebAssembly, or no `parallel`): a member rendered straight
    /// after the one before, no text of its own to allocate and copy.
    fn render_here(&mut self, out: &mut impl Write, batch: &[&dyn JsonMember]) -> io::Result<()> {
        for member in batch {
            let first = self.written == 0;
            if first {
                self.text.push(b'[');
            }
            self.style.separator(first, 2, &mut self.text)?;
            self.written += 1;
            member.render(self.style, &mut self.text)?;
            if self.text.len() >= TEXT_BYTES {
                out.write_all(&self.text)?;
                self.text.clear();
            }
        }
        Ok(())
    }

    fn render_beside(&mut self, out: &mut impl Write, batch: &[&dyn JsonMember]) -> io::Result<()> {
        let style = self.style;
        let first = self.written == 0;
        if first && !batch.is_empty() {
            out.write_all(b"[")?;
        }
        self.written += batch.len() as u64;
        let batch: Vec<(usize, &dyn JsonMember)> = batch.iter().copied().enumerate().collect();
        let render = || {
            par_map(batch, |(i, member)| {
                // Sized for the text, not grown to it: the bench's awards average 446
                // bytes of pretty JSON.
                let mut text = Vec::with_capacity(512 + 512 * member.awards());
                style.separator(first && i == 0, 2, &mut text)?;
                member.render(style, &mut text).map(|()| text)
            })
        };
        // The previous batch is written while this one is rendered, so that the
        // writes (391 MB for the bench's report) do not leave the other cores idle.
        let pending = std::mem::take(&mut self.pending);
        let (texts, wrote) = beside(render, || write_texts(out, &pending));
        wrote?;
        self.pending = texts.into_iter().collect::<io::Result<_>>()?;
        Ok(())
    }

    /// Writes what is left and closes the array (`[]` when there were no members).
    fn finish(self, out: &mut impl Write) -> io::Result<()> {
        if self.written == 0 {
            return out.write_all(b"[]");
        }
        write_texts(out, &self.pending)?;
        out.write_all(&self.text)?;
        self.style.close(2, b']', out)
    }
}

/// Rendered members, in order.
fn write_texts(out: &mut impl Write, texts: &[Vec<u8>]) -> io::Result<()> {
    texts.iter().try_for_each(|text| out.write_all(text))
}
