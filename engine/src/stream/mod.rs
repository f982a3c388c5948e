//! Scoring an input too large to hold: members evaluated and written as the input
//! is read (DESIGN section 7: memory bounded by the largest member's history, not
//! the file).
//!
//! A JSONL or CSV input is read once for its dates and member order ([`Survey`]).
//! Sorted by member, it is then read again a chunk of whole members at a time
//! ([`MemberStream`]): memory holds [`DEFAULT_CHUNK_RECORDS`] records plus the
//! largest member's. In any other order, it is read again for each range of
//! members ([`RangeStream`]): memory holds one range's records, sized by a budget.
//! Either way each part is evaluated alone with the whole input's dates, and its
//! members written before the next is read; the report is byte for byte the one
//! [`Rulebook::score`](crate::Rulebook::score) makes of the whole input.
//!
//! | file | job |
//! | --- | --- |
//! | `survey.rs` | [`Survey`]: one pass for the dates, member order and counts, rejections |
//! | `chunked.rs` | [`MemberStream`]: an input sorted by member, a chunk at a time |
//! | `ranges.rs` | [`RangeStream`]: an input in any order, read once per range of members |
//! | `spool.rs` | [`SpoolStream`]: an unsorted CSV read once, its rows kept aside by the survey |
//! | `run.rs` | what the chunks of one report share, and evaluating one chunk |
//! | `json.rs` | [`write_json`], [`write_compact_json`]: a report's JSON written member by member |
//!
//! Whole-input scoring remains the way for what a stream cannot do: JSON and YAML
//! documents, several inputs, inputs that can be read only once (standard input),
//! and rulebooks with rating rules (which award members from other members' records).

mod chunked;
mod json;
mod ranges;
mod run;
mod spool;
mod survey;

use std::fmt;
use std::io;

use jiff::civil::Date;

pub use chunked::{DEFAULT_CHUNK_RECORDS, MemberStream};
pub use json::{write_compact_json, write_json};
pub use ranges::{DEFAULT_PASS_RECORDS, RECORD_BYTES, RangeStream};
pub use run::streams;
pub use spool::{SPOOL_WHILE_SORTED, Spool, SpoolStream};
pub use survey::Survey;

use crate::record::{Rejected, Warning};
use crate::records::InputError;
use crate::report::{DateRange, MemberReport, RulebookRef};

/// A report handed out in its order, never whole: what it says before its members,
/// its members one at a time, and what it says after them.
/// [`Evaluation::stream`](crate::Evaluation::stream), [`MemberStream`] and
/// [`RangeStream`] are three.
///
/// Members are handed to a callback rather than pulled, so that a stream can keep
/// the evaluation they are written from while it hands them out.
pub trait ReportStream {
    type Error: From<io::Error>;
    fn head(&self) -> ReportHead;
    /// Hands every member to `each`, in id order, until `each` returns `false`.
    /// Called once.
    fn each_member(&mut self, each: &mut dyn FnMut(MemberReport) -> bool) -> Result<(), Self::Error>;
    /// Every rejected record: complete once every member has been handed out.
    fn rejected(&self) -> &[Rejected];
    /// Valid records in the range that no rule matched: complete once every
    /// member has been handed out.
    fn unmatched(&self) -> u64;
    /// The inputs' warnings (a column no field has): none unless a [`Warned`]
    /// stream hands on those its [`Survey`] found.
    fn warnings(&self) -> &[Warning] {
        &[]
    }
}

/// A stream whose report lists the warnings the survey of its input found
/// ([`Survey::warnings`]): the streamed report is then the whole read's.
pub struct Warned<S> {
    pub stream: S,
    pub warnings: Vec<Warning>,
}

impl<S: ReportStream> ReportStream for Warned<S> {
    type Error = S::Error;

    fn head(&self) -> ReportHead {
        self.stream.head()
    }

    fn each_member(&mut self, each: &mut dyn FnMut(MemberReport) -> bool) -> Result<(), Self::Error> {
        self.stream.each_member(each)
    }

    fn rejected(&self) -> &[Rejected] {
        self.stream.rejected()
    }

    fn unmatched(&self) -> u64 {
        self.stream.unmatched()
    }

    fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// What a [`Report`](crate::Report) says before its members.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportHead {
    pub rulebook: RulebookRef,
    pub range: DateRange,
    pub as_of: Option<Date>,
    pub period: String,
}

/// Why a stream stopped or could not start.
#[derive(Debug)]
pub enum StreamError {
    /// The input could not be read on: a CSV that stops being CSV or UTF-8, a
    /// failing stream.
    Input(InputError),
    /// A member's records came after a member later in id order (record `record`).
    NotSorted {
        record: u64,
        member: String,
        after: String,
    },
    /// What the stream needs is missing (its dates), or the rulebook or the input
    /// cannot be streamed; the reason says which.
    Unsupported(String),
    /// The report could not be written.
    Write(io::Error),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Input(error) => error.fmt(f),
            StreamError::NotSorted {
                record,
                member,
                after,
            } => write!(
                f,
                "record {record}: member `{member}` comes after `{after}`; a stream needs the records sorted by member"
            ),
            StreamError::Unsupported(why) => write!(f, "cannot stream: {why}"),
            StreamError::Write(error) => write!(f, "cannot write the report: {error}"),
        }
    }
}

impl std::error::Error for StreamError {}

impl From<InputError> for StreamError {
    fn from(error: InputError) -> Self {
        StreamError::Input(error)
    }
}

impl From<io::Error> for StreamError {
    fn from(error: io::Error) -> Self {
        StreamError::Write(error)
    }
}
