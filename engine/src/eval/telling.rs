//! A member's part of the report told from its evaluation: made into a
//! [`MemberReport`], or written as JSON without being made.
//!
//! Both follow one walk over the member's periods and awards ([`Evaluation::tell`]),
//! so they cannot differ. The JSON needs no [`AwardReport`]: the bench's report of
//! 883,000 awards made three strings and a vector for each (rule id, record ids,
//! their list) only to write and free them, and malloc and free were a quarter of
//! the CLI's profile. Unmade, an award borrows its rule id, record id and cap label
//! from the rulebook and the records; only its explanation is written afresh.

use std::borrow::Cow;
use std::io;

use rust_decimal::Decimal;

use super::evaluation::Evaluation;
use super::member::{MemberEval, PeriodEval};
use super::{Award, Origin, Source, record_env, warm};
use crate::record::Record;
use crate::report::{AwardReport, JsonMember, JsonStyle, MemberJson, MemberReport, PeriodReport, Unscored};
use crate::report::{AwardText, Withheld};

/// What [`Evaluation::tell`] hands out, in report order.
#[expect(
    clippy::large_enum_variant,
    reason = "made once per award and handed straight on: boxing it would add the allocation this file saves"
)]
enum Told<'t> {
    Period(&'t PeriodEval),
    Award(Parts<'t>),
}

/// One award as the report says it, borrowed where it can be.
struct Parts<'t> {
    rule: &'t str,
    award: &'t Award,
    points: Decimal,
    withheld: Option<(&'t str, Decimal)>,
    records: Ids<'t>,
    explain: Cow<'t, str>,
    trace: Cow<'t, str>,
    provisional: bool,
    failed: Option<&'t str>,
}

/// The records an award came from.
enum Ids<'t> {
    One(Cow<'t, Record>),
    Group(&'t [&'t Record]),
}

impl Ids<'_> {
    fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, group) = match self {
            Ids::One(record) => (Some(&*record.id), &[][..]),
            Ids::Group(records) => (None, *records),
        };
        one.into_iter().chain(group.iter().map(|r| &*r.id))
    }
}

impl Parts<'_> {
    fn text(&self) -> AwardText<'_> {
        AwardText {
            rule: self.rule,
            date: self.award.date,
            points: self.points,
            explain: &self.explain,
            trace: &self.trace,
            withheld: self.withheld,
            provisional: self.provisional,
            failed: self.failed,
        }
    }
}

impl<'a> Evaluation<'a> {
    /// One member's part of the report, explanations written.
    pub(super) fn write_member(&self, member: &MemberEval) -> MemberReport {
        // A summary lists only failed awards: no room is made for the others.
        let summary = self.run.is_some_and(|run| run.summary);
        let mut periods: Vec<PeriodReport> = Vec::with_capacity(member.periods.len());
        let _ = self.tell(member, &mut |told| {
            match told {
                Told::Period(row) => periods.push(PeriodReport {
                    period: self.period.label(row.window),
                    total: self.scale(row.total),
                    rules: self
                        .rule_sums(member, row)
                        .map(|(id, points)| (id.to_owned(), points))
                        .collect(),
                    awards: Vec::with_capacity(if summary { 0 } else { row.awards.len() }),
                }),
                Told::Award(parts) => {
                    let report = award_report(parts);
                    if let Some(row) = periods.last_mut() {
                        row.awards.push(report);
                    }
                }
            }
            Ok(())
        });
        MemberReport {
            member: String::from(&*member.id),
            total: self.scale(member.total),
            periods,
            indexes: member.indexes.clone(),
            unscored: self.unscored(member),
        }
    }

    /// One member's part of the report as JSON, byte for byte what
    /// [`Evaluation::write_member`]'s report renders to, nested in the report's
    /// `members`.
    fn write_member_json(&self, member: &MemberEval, style: JsonStyle, out: &mut Vec<u8>) -> io::Result<()> {
        let mut json = MemberJson::open(style, 2, out, &member.id, self.scale(member.total))?;
        self.tell(member, &mut |told| match told {
            Told::Period(row) => json.period(
                out,
                &self.period.label(row.window),
                self.scale(row.total),
                self.rule_sums(member, row),
            ),
            Told::Award(parts) => json.award(out, &parts.text(), parts.records.iter()),
        })?;
        json.close(out, &member.indexes, self.unscored(member).as_deref())
    }

    /// Walks `member`'s report in order, each period then its awards, explaining
    /// each award as it comes.
    fn tell<'t>(
        &'t self,
        member: &'t MemberEval,
        each: &mut dyn FnMut(Told<'t>) -> io::Result<()>,
    ) -> io::Result<()> {
        let summary = self.run.is_some_and(|run| run.summary);
        if let (false, Source::Records(records)) = (summary, self.records) {
            // Writing the bench's report of 883,000 awards went from 760 to 590 ms.
            warm(member.awards.iter().filter_map(|award| match award.origin {
                Origin::Record(i) => Some(&records[i as usize]),
                Origin::Group(_) => None,
            }));
        }
        for row in &member.periods {
            each(Told::Period(row))?;
            // A summary keeps the failed awards: a table or CSV must show them.
            for award in &member.awards[row.awards.clone()] {
                if !summary || failed(member, award) {
                    each(Told::Award(self.parts(member, award)))?;
                }
            }
        }
        Ok(())
    }

    /// A period's sums by rule: the rule's id and its points.
    fn rule_sums<'t>(
        &'t self,
        member: &'t MemberEval,
        row: &PeriodEval,
    ) -> impl Iterator<Item = (&'t str, Decimal)> + 't {
        member.rule_sums[row.rules.clone()]
            .iter()
            .map(|&(slot, points)| (&*self.book.rules[slot].id, self.scale(points)))
    }

    /// The member's `unscored` records, when the report asks why not.
    fn unscored(&self, member: &MemberEval) -> Option<Vec<Unscored>> {
        self.run.filter(|run| run.why_not).map(|run| {
            let by_member = self
                .by_member
                .get_or_init(|| super::why_not::by_member(self.records.whole()));
            let mine = by_member.get(&member.id).map_or(&[][..], Vec::as_slice);
            super::why_not::unscored(&run, self.records.whole(), mine, member, &self.cap_labels)
        })
    }

    fn parts<'t>(&'t self, member: &'t MemberEval, award: &'t Award) -> Parts<'t> {
        let rule = award.rule as usize;
        let withheld = award.withheld.map(|w| {
            let (cap, points) = member.withheld[w as usize];
            let label = &self.cap_labels[rule][cap][usize::from(points.is_sign_negative())];
            (&**label, self.scale(points))
        });
        let points = self.scale(award.points);
        let (records, explain, trace, provisional, failed) = match award.origin {
            Origin::Record(i) => {
                let record = self.records.record(i as usize);
                let (explain, trace) = self.explain_record(member, award, &record, points, withheld);
                (Ids::One(record), explain.into(), trace.into(), false, None)
            }
            Origin::Group(g) => {
                let group = &member.groups[g as usize];
                let trace = group.trace.as_deref().unwrap_or(&group.explain);
                (
                    Ids::Group(&group.records),
                    Cow::Borrowed(&*group.explain),
                    Cow::Borrowed(trace),
                    group.provisional,
                    group.failed.as_deref(),
                )
            }
        };
        Parts {
            rule: &self.book.rules[rule].id,
            award,
            points,
            withheld,
            records,
            explain,
            trace,
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
        points: Decimal,
        withheld: Option<(&str, Decimal)>,
    ) -> (String, String) {
        let Some(run) = &self.run else {
            return (String::new(), String::new());
        };
        let env = record_env(self.book, record, &member.attrs, run.dates);
        match self.book.rules[award.rule as usize].evaluate_record(&env, run.words) {
            Ok(Some(outcome)) => match outcome.sentence {
                Some(mut sentence) => {
                    let unit = &run.words.unit(&self.book.unit.name);
                    sentence.push_str(&run.words.points(points, unit));
                    if let Some((cap, held)) = withheld {
                        sentence.push_str(&run.words.withheld(cap, held.normalize(), unit));
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

/// The award made, its texts owned.
fn award_report(parts: Parts) -> AwardReport {
    AwardReport {
        rule: parts.rule.to_owned(),
        date: parts.award.date,
        points: parts.points,
        records: parts.records.iter().map(String::from).collect(),
        explain: parts.explain.into_owned(),
        trace: parts.trace.into_owned(),
        withheld: parts.withheld.map(|(cap, points)| Withheld {
            cap: cap.to_owned(),
            points,
        }),
        provisional: parts.provisional,
        failed: parts.failed.map(str::to_owned),
    }
}

/// Whether the award could not be computed (a group award whose script failed).
pub(super) fn failed(member: &MemberEval, award: &Award) -> bool {
    match award.origin {
        Origin::Record(_) => false,
        Origin::Group(g) => member.groups[g as usize].failed.is_some(),
    }
}

/// A member of an evaluation, for the JSON writer to render on any core.
pub(super) struct Unmade<'e, 'a> {
    pub evaluation: &'e Evaluation<'a>,
    pub member: &'e MemberEval<'a>,
}

impl JsonMember for Unmade<'_, '_> {
    fn render(&self, style: JsonStyle, out: &mut Vec<u8>) -> io::Result<()> {
        self.evaluation.write_member_json(self.member, style, out)
    }

    fn awards(&self) -> usize {
        self.member.awards.len()
    }

    fn failed(&self) -> usize {
        self.member
            .awards
            .iter()
            .filter(|a| failed(self.member, a))
            .count()
    }
}
