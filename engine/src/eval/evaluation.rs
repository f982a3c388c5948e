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
use super::{Award, Options, Origin, Run, Source, record_env, rulebook_ref, warm};
use crate::book::Rulebook;
use crate::calendar::Per;
use crate::parallel::par_map;
use crate::record::{Record, Rejected, Warning};
use crate::report::{AwardReport, DateRange, MemberReport, PeriodReport, Report, Withheld};
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
    book: &'a Rulebook,
    records: Source<'a>,
    /// `None` when there was nothing to evaluate.
    run: Option<Run<'a>>,
    period: Per,
    range: DateRange,
    as_of: Option<jiff::civil::Date>,
    members: Vec<MemberEval<'a>>,
    rejected: Vec<Rejected>,
    unmatched: u64,
    /// What the inputs said that is probably not what was meant (unknown columns).
    warnings: Vec<Warning>,
    /// How the report names each rule's caps when they bite: `[rule][cap]` is
    /// (held back a gain, stopped a deduction). Written once, not per award.
    cap_labels: Vec<Vec<[String; 2]>>,
    /// Each member's records, built the first time `unscored` is written.
    by_member: std::sync::OnceLock<std::collections::HashMap<std::sync::Arc<str>, Vec<u32>>>,
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

    fn scale(&self, mut points: Decimal) -> Decimal {
        points.rescale(self.book.unit.decimals);
        points
    }

    fn write_member(&self, member: &MemberEval) -> MemberReport {
        let summary = self.run.is_some_and(|run| run.summary);
        if let (false, Source::Records(records)) = (summary, self.records) {
            // Writing the bench's report of 883,000 awards went from 760 to 590 ms.
            warm(member.awards.iter().filter_map(|award| match award.origin {
                Origin::Record(i) => Some(&records[i as usize]),
                Origin::Group(_) => None,
            }));
        }
        let periods = member
            .periods
            .iter()
            .map(|row| PeriodReport {
                period: self.period.label(row.window),
                total: self.scale(row.total),
                rules: member.rule_sums[row.rules.clone()]
                    .iter()
                    .map(|&(slot, points)| (self.book.rules[slot].id.clone(), self.scale(points)))
                    .collect(),
                // A summary keeps the failed awards: a table or CSV must show them.
                awards: member.awards[row.awards.clone()]
                    .iter()
                    .filter(|award| !summary || failed(member, award))
                    .map(|award| self.write_award(member, award))
                    .collect(),
            })
            .collect();
        MemberReport {
            member: String::from(&*member.id),
            total: self.scale(member.total),
            periods,
            indexes: member.indexes.clone(),
            unscored: self.run.filter(|run| run.why_not).map(|run| {
                let by_member = self
                    .by_member
                    .get_or_init(|| super::why_not::by_member(self.records.whole()));
                let mine = by_member.get(&member.id).map_or(&[][..], Vec::as_slice);
                super::why_not::unscored(&run, self.records.whole(), mine, member, &self.cap_labels)
            }),
        }
    }

    fn write_award(&self, member: &MemberEval, award: &Award) -> AwardReport {
        let rule = &self.book.rules[award.rule as usize];
        let withheld = award.withheld.map(|w| {
            let (cap, points) = member.withheld[w as usize];
            Withheld {
                cap: self.cap_labels[award.rule as usize][cap][usize::from(points.is_sign_negative())]
                    .clone(),
                points: self.scale(points),
            }
        });
        let (records, (explain, trace), provisional, failed) = match award.origin {
            Origin::Record(i) => {
                let record = self.records.record(i as usize);
                (
                    vec![String::from(&*record.id)],
                    self.explain_record(member, award, &record, withheld.as_ref()),
                    false,
                    None,
                )
            }
            Origin::Group(g) => {
                let group = &member.groups[g as usize];
                let ids = group.records.iter().map(|r| String::from(&*r.id)).collect();
                (
                    ids,
                    (
                        group.explain.clone(),
                        group.trace.clone().unwrap_or_else(|| group.explain.clone()),
                    ),
                    group.provisional,
                    group.failed.clone(),
                )
            }
        };
        AwardReport {
            rule: rule.id.clone(),
            date: award.date,
            points: self.scale(award.points),
            records,
            explain,
            trace,
            withheld,
            provisional,
            failed,
        }
    }

    /// A per-record award's (explain, trace): the record evaluated again,
    /// explained. The sentence of a templated rule ends with the points awarded and
    /// what a cap held back.
    fn explain_record(
        &self,
        member: &MemberEval,
        award: &Award,
        record: &Record,
        withheld: Option<&Withheld>,
    ) -> (String, String) {
        let Some(run) = &self.run else {
            return (String::new(), String::new());
        };
        let env = record_env(self.book, record, &member.attrs, run.dates);
        match self.book.rules[award.rule as usize].evaluate_record(&env, run.words) {
            Ok(Some(outcome)) => match outcome.sentence {
                Some(mut sentence) => {
                    let unit = &run.words.unit(&self.book.unit.name);
                    sentence.push_str(&run.words.points(self.scale(award.points), unit));
                    if let Some(withheld) = withheld {
                        sentence.push_str(&run.words.withheld(
                            &withheld.cap,
                            withheld.points.normalize(),
                            unit,
                        ));
                    }
                    (sentence, outcome.explain)
                }
                None => (outcome.short, outcome.explain),
            },
            // The sweep evaluated the same record with the same inputs, so neither
            // happens; say so rather than panic if a rule kind ever disagrees.
            Ok(None) => {
                let text = "no longer matches (internal inconsistency)".to_owned();
                (text.clone(), text)
            }
            Err(error) => (error.message.clone(), error.message),
        }
    }
}

/// Whether the award could not be computed (a group award whose script failed).
fn failed(member: &MemberEval, award: &Award) -> bool {
    match award.origin {
        Origin::Record(_) => false,
        Origin::Group(g) => member.groups[g as usize].failed.is_some(),
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
