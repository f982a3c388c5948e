//! The result of an evaluation, compact, and the report written from it.
//!
//! An [`Evaluation`] holds every award's points, caps and totals but no text: a
//! million records make about as many awards, and writing each one's explanation
//! costs more than computing it. The text is written by [`Evaluation::report`] (or
//! for one member by [`Evaluation::member_report`]), by evaluating the award's record
//! again with the explaining evaluator, which gives the same points by construction.
//! [`Evaluation::write_json`] writes the same report as JSON without holding it.

use std::io::{self, Write};

use rust_decimal::Decimal;

use super::member::MemberEval;
use super::telling::Unmade;
use super::{Options, Run, Source, rulebook_ref};
use crate::book::Rulebook;
use crate::calendar::Per;
use crate::parallel::par_map;
use crate::record::{Rejected, Warning};
use crate::report::{DateRange, JsonMember, MemberReport, Report, batch_full};
use crate::report::{ReportHead, ReportStream, write_json};

/// Every award, cap and total of one evaluation; explanations on demand.
///
/// # Example
/// ```
/// use merit::{Format, Records, Rulebook, ScoreOptions};
/// let book = Rulebook::from_yaml(
///     "fields: { hours: decimal? }\nrules:\n  - { id: hours, points: hours * 10, cap: [{ per: month, max: 50 }] }\n",
///     "book.yaml",
/// )?;
/// let mut records = Records::new();
/// records.read(&book, b"{\"member\": \"m1\", \"kind\": \"volunteer\", \"date\": \"2026-03-02\", \"hours\": 4}\n{\"member\": \"m1\", \"kind\": \"volunteer\", \"date\": \"2026-03-03\", \"hours\": 2}", Format::Jsonl, "in.jsonl")?;
/// let evaluation = book.evaluate(&records, None, &ScoreOptions::default());
/// let totals: Vec<_> = evaluation.totals().map(|(m, t)| (m.to_owned(), t.to_string())).collect();
/// assert_eq!(totals, [("m1".to_owned(), "50".to_owned())]);
/// let m1 = evaluation.member_report("m1").unwrap();
/// assert_eq!(m1.periods[0].awards[1].explain, "hours=2 * 10 = 20");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Evaluation<'a> {
    pub(super) book: &'a Rulebook,
    pub(super) records: Source<'a>,
    /// `None` when there was nothing to evaluate.
    pub(super) run: Option<Run<'a>>,
    pub(super) period: Per,
    range: DateRange,
    as_of: Option<jiff::civil::Date>,
    pub(super) members: Vec<MemberEval<'a>>,
    rejected: Vec<Rejected>,
    unmatched: u64,
    /// What the inputs said that is probably not what was meant (unknown columns).
    warnings: Vec<Warning>,
    /// How the report names each rule's caps when they bite: `[rule][cap]` is
    /// (held back a gain, stopped a deduction). Written once, not per award.
    pub(super) cap_labels: Vec<Vec<[String; 2]>>,
    /// Each member's records, built the first time `unscored` is written.
    pub(super) by_member: std::sync::OnceLock<std::collections::HashMap<std::sync::Arc<str>, Vec<u32>>>,
}

/// Every rule's cap labels, for [`Evaluation::cap_labels`].
fn cap_labels(book: &Rulebook) -> Vec<Vec<[String; 2]>> {
    book.rules
        .iter()
        .map(|rule| {
            rule.caps
                .iter()
                .map(|cap| [cap.label(false), cap.label(true)])
                .collect()
        })
        .collect()
}

impl<'a> Evaluation<'a> {
    pub(super) fn new(
        run: Run<'a>,
        records: Source<'a>,
        members: Vec<MemberEval<'a>>,
        rejected: Vec<Rejected>,
        unmatched: u64,
    ) -> Evaluation<'a> {
        Evaluation {
            book: run.book,
            records,
            period: run.period,
            range: DateRange {
                from: Some(run.dates.from),
                to: Some(run.dates.to),
            },
            as_of: Some(run.dates.as_of),
            run: Some(run),
            members,
            rejected,
            unmatched,
            warnings: Vec::new(),
            cap_labels: cap_labels(run.book),
            by_member: std::sync::OnceLock::new(),
        }
    }

    /// The evaluation of no records: the range is what the caller asked.
    pub(super) fn empty(
        book: &'a Rulebook,
        records: Source<'a>,
        period: Per,
        rejected: Vec<Rejected>,
        options: &Options,
    ) -> Evaluation<'a> {
        Evaluation {
            book,
            records,
            run: None,
            period,
            range: DateRange {
                from: options.from,
                to: options.to,
            },
            as_of: options.as_of,
            members: Vec::new(),
            rejected,
            unmatched: 0,
            warnings: Vec::new(),
            cap_labels: cap_labels(book),
            by_member: std::sync::OnceLock::new(),
        }
    }

    /// Each reported member's total, by member id, scaled to `unit.decimals`.
    pub fn totals(&self) -> impl Iterator<Item = (&str, Decimal)> + '_ {
        self.members.iter().map(|m| (&*m.id, self.scale(m.total)))
    }

    /// How many awards the report lists.
    pub fn award_count(&self) -> usize {
        self.members.iter().map(|m| m.awards.len()).sum()
    }

    /// Records that could not be read or evaluated.
    pub fn rejected(&self) -> &[Rejected] {
        &self.rejected
    }

    /// The inputs' warnings (a column no field has), as the report lists them.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// This evaluation, its report listing `warnings`.
    pub(crate) fn with_warnings(mut self, warnings: Vec<Warning>) -> Self {
        self.warnings = warnings;
        self
    }

    /// One member's part of the report, explanations written.
    pub fn member_report(&self, member: &str) -> Option<MemberReport> {
        let i = self.members.binary_search_by(|m| (*m.id).cmp(member)).ok()?;
        Some(self.write_member(&self.members[i]))
    }

    /// The whole report, every explanation written (in parallel over members when
    /// the `parallel` feature is on).
    pub fn report(&self) -> Report {
        let members: Vec<&MemberEval> = self.members.iter().collect();
        Report {
            rulebook: rulebook_ref(self.book),
            range: self.range,
            as_of: self.as_of,
            period: self.period.name().to_owned(),
            members: par_map(members, |m| self.write_member(m)),
            rejected: self.rejected.clone(),
            unmatched: self.unmatched,
            warnings: self.warnings.clone(),
        }
    }

    /// The report as [`Report::to_json`] writes it, byte for byte, without building
    /// it: members are written a batch at a time (explanations in parallel), so
    /// memory holds one batch of explanations rather than the whole report.
    pub fn write_json(&self, out: impl Write) -> io::Result<()> {
        write_json(out, &mut self.stream())
    }

    /// The report handed out member by member, 256 members' explanations
    /// written at a time (in parallel): for writing it in other forms than JSON
    /// without holding it.
    pub fn stream(&self) -> impl ReportStream<Error = io::Error> + '_ {
        Batches(self)
    }

    pub(super) fn scale(&self, mut points: Decimal) -> Decimal {
        points.rescale(self.book.unit.decimals);
        points
    }
}

/// Members written per batch by [`Evaluation::stream`]: enough to keep every
/// core busy, few enough that their explanations take little memory.
const BATCH: usize = 256;

/// An evaluation's member reports in order, written [`BATCH`] at a time.
struct Batches<'e, 'a>(&'e Evaluation<'a>);

impl ReportStream for Batches<'_, '_> {
    type Error = io::Error;

    fn head(&self) -> ReportHead {
        let evaluation = self.0;
        ReportHead {
            rulebook: rulebook_ref(evaluation.book),
            range: evaluation.range,
            as_of: evaluation.as_of,
            period: evaluation.period.name().to_owned(),
        }
    }

    fn each_member(&mut self, each: &mut dyn FnMut(MemberReport) -> bool) -> io::Result<()> {
        let evaluation = self.0;
        for batch in evaluation.members.chunks(BATCH) {
            let batch: Vec<&MemberEval> = batch.iter().collect();
            for member in par_map(batch, |m| evaluation.write_member(m)) {
                if !each(member) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// The members unmade: each is written straight from its evaluation, on
    /// whichever core renders it.
    fn each_json_batch(&mut self, each: &mut dyn FnMut(&[&dyn JsonMember]) -> bool) -> io::Result<()> {
        let evaluation = self.0;
        let unmade: Vec<Unmade> = evaluation
            .members
            .iter()
            .map(|member| Unmade { evaluation, member })
            .collect();
        let mut start = 0;
        while start < unmade.len() {
            let (mut end, mut awards) = (start, 0);
            while end < unmade.len() && !batch_full(end - start, awards) {
                awards += unmade[end].member.awards.len();
                end += 1;
            }
            let batch: Vec<&dyn JsonMember> =
                unmade[start..end].iter().map(|m| m as &dyn JsonMember).collect();
            if !each(&batch) {
                break;
            }
            start = end;
        }
        Ok(())
    }

    fn rejected(&self) -> &[Rejected] {
        &self.0.rejected
    }

    fn unmatched(&self) -> u64 {
        self.0.unmatched
    }

    fn warnings(&self) -> &[Warning] {
        &self.0.warnings
    }
}
