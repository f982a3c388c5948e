//! Scoring an input too large to hold: members evaluated and written as the input
//! is read (DESIGN section 7: memory bounded by the largest member's history, not
//! the file).
//!
//! A JSONL or CSV input is read once for its dates and member order ([`Survey`]).
//! Sorted by member, it is then read again a chunk of whole members at a time
//! ([`MemberStream`]): memory holds [`DEFAULT_CHUNK_RECORDS`] records plus the
//! largest member's. In any other order, the survey keeps its records as typed
//! [`Columns`] and they are evaluated a range of members at a time
//! ([`ColumnStream`]): memory holds the columns and one range's records. An input
//! found unsorted only after the survey stopped keeping is read again for each
//! range of members ([`RangeStream`]). Either way each part is evaluated alone with the whole input's dates, and its
//! members written before the next is read; the report is byte for byte the one
//! [`Rulebook::score`](crate::Rulebook::score) makes of the whole input.
//!
//! | file | job |
//! | --- | --- |
//! | `file.rs` | [`stream_input`]: which of these a seekable input gets, or a whole read |
//! | `survey.rs` | [`Survey`]: one pass for the dates, member order and counts, rejections |
//! | `chunked.rs` | [`MemberStream`]: an input sorted by member, a chunk at a time |
//! | `ranges.rs` | [`RangeStream`]: an input in any order, read once per range of members |
//! | `columns.rs` | [`ColumnStream`]: an unsorted input read once, its records kept as columns by the survey |
//! | `run.rs` | what the chunks of one report share, and evaluating one chunk |
//!
//! Whole-input scoring remains the way for what a stream cannot do: JSON and YAML
//! documents, several inputs, inputs that can be read only once (standard input),
//! and rulebooks with rating rules (which award members from other members' records).
//!
//! What a stream hands out ([`ReportStream`], [`ReportHead`]) and the JSON writer
//! ([`write_json`]) live in `report/`, beneath evaluation, which streams its own
//! reports too; they are re-exported here.

/// The [`ReportStream`] of a stream that evaluates its records through a
/// [`run::Run`]: its members go to the one `visit(&mut self, &mut Sink)` body,
/// whichever the caller asked for, and its rejections to `self.rejected`.
macro_rules! evaluating_stream {
    (impl[$($generics:tt)*] for $stream:ty) => {
        impl<$($generics)*> $crate::report::ReportStream for $stream {
            type Error = $crate::stream::StreamError;

            fn head(&self) -> $crate::report::ReportHead {
                self.run.head()
            }

            fn each_member(
                &mut self,
                each: &mut dyn FnMut($crate::report::MemberReport) -> bool,
            ) -> Result<(), Self::Error> {
                self.visit(&mut $crate::report::Sink::Members(each))
            }

            fn each_json_batch(
                &mut self,
                each: &mut dyn FnMut(&[&dyn $crate::report::JsonMember]) -> bool,
            ) -> Result<(), Self::Error> {
                self.visit(&mut $crate::report::Sink::Json(each))
            }

            fn rejected(&self) -> &[$crate::record::Rejected] {
                &self.rejected
            }

            fn unmatched(&self) -> u64 {
                self.run.unmatched
            }
        }
    };
}

mod chunked;
mod columns;
mod file;
mod ranges;
mod run;
mod survey;

use std::fmt;
use std::io;

pub use crate::records::columns::Columns;
pub use chunked::{DEFAULT_CHUNK_RECORDS, MemberStream};
pub use columns::{ColumnStream, KEEP_WHILE_SORTED};
pub use file::{Streamed, stream_input};
pub use ranges::{DEFAULT_PASS_RECORDS, RECORD_BYTES, RangeStream};
pub use run::streams;
pub use survey::Survey;

use crate::records::InputError;
pub use crate::report::{ReportHead, ReportStream, Warned, collect_report, write_compact_json, write_json};

/// Why a stream stopped or could not start.
#[derive(Debug)]
pub enum StreamError {
    /// The input could not be read on: a CSV that stops being CSV or UTF-8, a
    /// failing stream.
    Input(InputError),
    /// A member's records came after a member later in id order (record `record`).
    NotSorted {
        /// The position of the record out of order.
        record: u64,
        /// Its member.
        member: String,
        /// The member it came after.
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
