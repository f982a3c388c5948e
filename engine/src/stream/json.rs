//! A report written as JSON member by member, never held whole.
//!
//! A million records make a report of hundreds of megabytes, most of it
//! explanations. [`write`] serializes the same fields in the same order as
//! [`Report`](crate::report::Report)'s derived `Serialize`, through the same pretty
//! formatter, but pulls the members from an iterator as it goes: only the member
//! being written is in memory. `rejected` and `unmatched` come after `members`, so
//! they are asked for once the last member is written.

use std::cell::RefCell;
use std::io::{self, BufWriter, Write};

use jiff::civil::Date;
use serde::ser::{Error as _, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::record::Rejected;
use crate::report::{DateRange, MemberReport, RulebookRef};

/// What a report says before its members.
pub(crate) struct Head<'a> {
    pub rulebook: RulebookRef,
    pub range: DateRange,
    pub as_of: Option<Date>,
    pub period: &'a str,
}

/// The members of a report in order, and what the report says after them.
pub(crate) trait Members {
    type Error: From<io::Error>;
    /// The next member, `None` after the last.
    fn next_member(&mut self) -> Option<Result<MemberReport, Self::Error>>;
    /// Every rejected record; asked once the last member is written.
    fn rejected(&self) -> &[Rejected];
    /// Asked once the last member is written.
    fn unmatched(&self) -> u64;
}

/// Writes the report as [`Report::to_json`](crate::report::Report::to_json) would,
/// byte for byte. When a member cannot be made, writing stops there and that error
/// is returned.
pub(crate) fn write<M: Members>(out: impl Write, head: &Head, members: &mut M) -> Result<(), M::Error> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    let view = View {
        head,
        members: RefCell::new(members),
        failed: RefCell::new(None),
    };
    let written = view.serialize(&mut serde_json::Serializer::pretty(&mut out));
    if let Some(error) = view.failed.into_inner() {
        return Err(error);
    }
    written.map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// The report's fields, the members pulled while `members` is serialized.
struct View<'h, 'm, M: Members> {
    head: &'h Head<'h>,
    members: RefCell<&'m mut M>,
    /// The error that stopped the members, handed back by [`write`].
    failed: RefCell<Option<M::Error>>,
}

impl<M: Members> Serialize for View<'_, '_, M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut report = serializer.serialize_struct("Report", 7)?;
        report.serialize_field("rulebook", &self.head.rulebook)?;
        report.serialize_field("range", &self.head.range)?;
        report.serialize_field("as_of", &self.head.as_of)?;
        report.serialize_field("period", self.head.period)?;
        report.serialize_field("members", &MemberSeq(self))?;
        let members = self.members.borrow();
        report.serialize_field("rejected", members.rejected())?;
        report.serialize_field("unmatched", &members.unmatched())?;
        report.end()
    }
}

struct MemberSeq<'v, 'h, 'm, M: Members>(&'v View<'h, 'm, M>);

impl<M: Members> Serialize for MemberSeq<'_, '_, '_, M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut members = self.0.members.borrow_mut();
        let mut seq = serializer.serialize_seq(None)?;
        while let Some(member) = members.next_member() {
            match member {
                Ok(member) => seq.serialize_element(&member)?,
                Err(error) => {
                    *self.0.failed.borrow_mut() = Some(error);
                    return Err(S::Error::custom("a member could not be written"));
                }
            }
        }
        seq.end()
    }
}
