//! A report written as JSON member by member, never held whole.
//!
//! A million records make a report of hundreds of megabytes, most of it
//! explanations. [`write_json`] serializes the same fields in the same order as
//! [`Report`](crate::report::Report)'s derived `Serialize`, through the same pretty
//! formatter, but takes the members from a [`ReportStream`] as it goes: only the
//! members being written are in memory. `rejected` and `unmatched` come after `members`, so
//! they are asked for once the last member is written.

use std::cell::RefCell;
use std::io::{self, BufWriter, Write};

use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use super::{ReportHead, ReportStream};

/// Writes the report as [`Report::to_json`](crate::report::Report::to_json) would,
/// byte for byte. When a member cannot be made, writing stops there and that error
/// is returned.
pub fn write_json<S: ReportStream + ?Sized>(out: impl Write, report: &mut S) -> Result<(), S::Error> {
    write(out, report, PrettyFormatter::new(), b"\n")
}

/// The same report as [`write_json`] without indentation or the final newline: for
/// a program to parse (the WebAssembly binding hands it to `JSON.parse`).
pub fn write_compact_json<S: ReportStream + ?Sized>(out: impl Write, report: &mut S) -> Result<(), S::Error> {
    write(out, report, CompactFormatter, b"")
}

fn write<S: ReportStream + ?Sized>(
    out: impl Write,
    report: &mut S,
    formatter: impl Formatter,
    end: &[u8],
) -> Result<(), S::Error> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let head = report.head();
    let view = View {
        head: &head,
        report: RefCell::new(report),
        failed: RefCell::new(None),
    };
    let written = view.serialize(&mut serde_json::Serializer::with_formatter(&mut out, formatter));
    if let Some(error) = view.failed.into_inner() {
        return Err(error);
    }
    written.map_err(io::Error::from)?;
    out.write_all(end)?;
    out.flush()?;
    Ok(())
}

/// The report's fields, its members streamed while `members` is serialized.
struct View<'h, 'm, M: ReportStream + ?Sized> {
    head: &'h ReportHead,
    report: RefCell<&'m mut M>,
    /// The error that stopped the members, handed back by [`write_json`].
    failed: RefCell<Option<M::Error>>,
}

impl<M: ReportStream + ?Sized> Serialize for View<'_, '_, M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = serializer.serialize_struct("Report", 8)?;
        fields.serialize_field("rulebook", &self.head.rulebook)?;
        fields.serialize_field("range", &self.head.range)?;
        fields.serialize_field("as_of", &self.head.as_of)?;
        fields.serialize_field("period", &self.head.period)?;
        fields.serialize_field("members", &MemberSeq(self))?;
        let stream = self.report.borrow();
        fields.serialize_field("rejected", stream.rejected())?;
        fields.serialize_field("unmatched", &stream.unmatched())?;
        fields.serialize_field("warnings", stream.warnings())?;
        fields.end()
    }
}

struct MemberSeq<'v, 'h, 'm, M: ReportStream + ?Sized>(&'v View<'h, 'm, M>);

impl<M: ReportStream + ?Sized> Serialize for MemberSeq<'_, '_, '_, M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let mut written = Ok(());
        let streamed = self.0.report.borrow_mut().each_member(&mut |member| {
            written = seq.serialize_element(&member);
            written.is_ok()
        });
        written?;
        if let Err(error) = streamed {
            *self.0.failed.borrow_mut() = Some(error);
            return Err(S::Error::custom("a member could not be written"));
        }
        seq.end()
    }
}
