//! A report handed out member by member ([`ReportStream`]) rather than built whole:
//! what a whole evaluation and the streams of `crate::stream` both give, and what
//! the JSON writer ([`super::write_json`]) reads.

use std::io;

use jiff::civil::Date;

use super::json::batch_full;
use super::{DateRange, JsonMember, MemberReport, RulebookRef};
use crate::record::{Rejected, Warning};

/// A report handed out in its order, never whole: what it says before its members,
/// its members one at a time, and what it says after them.
/// [`Evaluation::stream`](crate::Evaluation::stream), `MemberStream` and
/// `RangeStream` are three.
///
/// Members are handed to a callback rather than pulled, so that a stream can keep
/// the evaluation they are written from while it hands them out.
pub trait ReportStream {
    /// Why the stream stopped (a failing input or output).
    type Error: From<io::Error>;
    /// What the report says before its members.
    fn head(&self) -> ReportHead;
    /// Hands every member to `each`, in id order, until `each` returns `false`.
    /// Called once.
    fn each_member(&mut self, each: &mut dyn FnMut(MemberReport) -> bool) -> Result<(), Self::Error>;
    /// Hands every member to `each` a batch at a time, in id order, until `each`
    /// returns `false`: for the JSON writer, which renders a batch on every core.
    /// By default [`ReportStream::each_member`]'s reports; a stream that evaluates
    /// hands its members unmade, to be written without their
    /// [`AwardReport`](super::AwardReport)s. Called once, instead of `each_member`.
    fn each_json_batch(
        &mut self,
        each: &mut dyn FnMut(&[&dyn JsonMember]) -> bool,
    ) -> Result<(), Self::Error> {
        let mut batch: Vec<MemberReport> = Vec::new();
        let mut awards = 0;
        let mut going = true;
        let mut hand = |batch: &mut Vec<MemberReport>| {
            let members: Vec<&dyn JsonMember> = batch.iter().map(|m| m as &dyn JsonMember).collect();
            let going = each(&members);
            batch.clear();
            going
        };
        self.each_member(&mut |member| {
            awards += member.awards();
            batch.push(member);
            if batch_full(batch.len(), awards) {
                awards = 0;
                going = hand(&mut batch);
            }
            going
        })?;
        if going && !batch.is_empty() {
            hand(&mut batch);
        }
        Ok(())
    }
    /// Every rejected record: complete once every member has been handed out.
    fn rejected(&self) -> &[Rejected];
    /// Valid records in the range that no rule matched: complete once every
    /// member has been handed out.
    fn unmatched(&self) -> u64;
    /// The inputs' warnings (a column no field has): none unless a [`Warned`]
    /// stream hands on those its `Survey` found.
    fn warnings(&self) -> &[Warning] {
        &[]
    }
}

/// A stream whose report lists the warnings the survey of its input found
/// (`Survey::warnings`): the streamed report is then the whole read's.
pub struct Warned<S> {
    /// The stream.
    pub stream: S,
    /// The inputs' warnings, known before the first member.
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

    fn each_json_batch(
        &mut self,
        each: &mut dyn FnMut(&[&dyn JsonMember]) -> bool,
    ) -> Result<(), Self::Error> {
        self.stream.each_json_batch(each)
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
    /// The rulebook that makes the report.
    pub rulebook: RulebookRef,
    /// The dates the report covers.
    pub range: DateRange,
    /// The day the report is made as of.
    pub as_of: Option<Date>,
    /// The period of the report's rows.
    pub period: String,
}

/// The whole report a stream hands out, for a caller that wants it whole (Python's
/// `score` given a path): a streamed input still is never held whole, only its
/// report.
pub fn collect_report<S: ReportStream + ?Sized>(stream: &mut S) -> Result<super::Report, S::Error> {
    let head = stream.head();
    let mut members = Vec::new();
    stream.each_member(&mut |member| {
        members.push(member);
        true
    })?;
    Ok(super::Report {
        rulebook: head.rulebook,
        range: head.range,
        as_of: head.as_of,
        period: head.period,
        members,
        rejected: stream.rejected().to_vec(),
        unmatched: stream.unmatched(),
        warnings: stream.warnings().to_vec(),
    })
}

/// Where a stream hands its members: made, one at a time
/// ([`ReportStream::each_member`]), or a batch at a time for the JSON writer
/// ([`ReportStream::each_json_batch`]). A stream made of evaluations passes it
/// on to each, so that it has one body for both.
pub(crate) enum Sink<'s> {
    Members(&'s mut dyn FnMut(MemberReport) -> bool),
    Json(&'s mut dyn FnMut(&[&dyn JsonMember]) -> bool),
}

impl Sink<'_> {
    /// Hands `stream`'s members here; `false` when the sink asked to stop.
    pub(crate) fn take<S: ReportStream + ?Sized>(&mut self, stream: &mut S) -> Result<bool, S::Error> {
        let mut going = true;
        match self {
            Sink::Members(each) => stream.each_member(&mut |member| {
                going = each(member);
                going
            })?,
            Sink::Json(each) => stream.each_json_batch(&mut |batch| {
                going = each(batch);
                going
            })?,
        }
        Ok(going)
    }
}
