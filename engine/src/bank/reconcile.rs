//! The ledger equals the report (DESIGN §8.3): for one rulebook, the credits the
//! ledger holds per member, rule and award date are made equal to what the report
//! awards, within the report's range, by posting earnings and adjustments.
//!
//! Why per award and not per record set: a late record can push a later award
//! under a cap (`b` earns 5, then 0 once `c` is entered before it), a corrected
//! record can lose its points, a new rule version can change every figure. Keying
//! by award and posting the difference covers all of these with one rule, and
//! posting the same report twice finds no difference. Each award is read and
//! adjusted inside the unit of work that writes it, so two posts racing, or a post
//! killed midway and run again, still leave ledger = report.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use super::error::BankError;
use super::ledger;
use super::model::{Adjustment, AwardKey, Held, Source, decimal_text};
use super::settings::BankSettings;
use super::store::Journal;
use crate::book::{Rulebook, Unit};
use crate::report::Report;

/// What the report gives one award (all the report's awards with its key, summed).
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub credits: Decimal,
    pub points: Decimal,
    pub records: Vec<String>,
    pub explain: String,
    /// The rule's title.
    pub title: Option<String>,
}

/// The awards of a report that a post reconciles, and what it leaves alone.
#[derive(Debug, Default)]
pub struct Plan {
    pub targets: BTreeMap<AwardKey, Target>,
    /// Awards whose window had not closed: left as the ledger holds them.
    pub provisional: BTreeSet<AwardKey>,
    /// The report's range: ledger awards dated in it that the report no longer
    /// has are taken back.
    pub range: Option<(Date, Date)>,
    pub not_selected: u64,
    pub not_positive: u64,
    /// Awards whose credits exceed what one operation may carry, with why.
    pub refused: Vec<String>,
}

/// One award whose credits in the ledger differ from the report's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The member's id.
    pub member: String,
    /// The rule's id.
    pub rule: String,
    /// The award's date.
    #[serde(with = "crate::value::date_text")]
    pub date: Date,
    /// Credits the ledger holds for it.
    #[serde(with = "decimal_text")]
    pub held: Decimal,
    /// Credits the report gives it.
    #[serde(with = "decimal_text")]
    pub report: Decimal,
    /// Ids of records the report has and the ledger did not.
    pub added: Vec<String>,
    /// Ids of records the ledger had and the report no longer has.
    pub removed: Vec<String>,
    /// `first-post`, `late-record`, `removed-record`, `corrected-record`,
    /// `changed-rule`, `reposted` (after a reversal).
    pub why: Vec<String>,
}

/// Which awards of `report` earn credits under `settings`, and how many.
pub fn plan(book: &Rulebook, settings: &BankSettings, report: &Report) -> Plan {
    let mut plan = Plan {
        range: report.range.from.zip(report.range.to),
        ..Plan::default()
    };
    let unit = Unit {
        name: String::new(),
        decimals: settings.decimals,
    };
    for member in &report.members {
        for award in member.periods.iter().flat_map(|p| &p.awards) {
            let rule = book
                .rules
                .iter()
                .find(|r| r.id == award.rule && settings.earn.selects(r));
            let Some(rule) = rule else {
                plan.not_selected += 1;
                continue;
            };
            let key = AwardKey {
                book: settings.book.clone(),
                member: member.member.clone(),
                rule: award.rule.clone(),
                date: award.date,
            };
            if award.provisional {
                plan.provisional.insert(key);
                continue;
            }
            let credits = award
                .points
                .checked_mul(settings.earn.rate)
                .map(|c| unit.round(c))
                .filter(|c| *c <= ledger::MAX_AMOUNT);
            let Some(credits) = credits else {
                plan.refused.push(format!(
                    "{} {} {}: {} points × {} is more credits than one operation may carry ({}); left as the ledger holds it",
                    member.member, award.rule, award.date, award.points, settings.earn.rate, ledger::MAX_AMOUNT
                ));
                plan.provisional.insert(key);
                continue;
            };
            let target = plan.targets.entry(key).or_default();
            target.title.clone_from(&rule.title);
            if credits <= Decimal::ZERO {
                // Deductions take no credits (reverse an earning for that).
                plan.not_positive += 1;
                continue;
            }
            target.credits += credits;
            target.points += award.points;
            target.records.extend(award.records.iter().cloned());
            if !target.explain.is_empty() {
                target.explain.push_str("; ");
            }
            target.explain.push_str(&award.explain);
        }
    }
    let refused: BTreeSet<AwardKey> = plan.provisional.clone();
    plan.targets.retain(|k, _| !refused.contains(k));
    plan
}

/// Every award key the post must look at: the report's, and the ledger's in the
/// report's range (those the report no longer has go to 0).
pub fn keys(journal: &mut dyn Journal, book: &str, plan: &Plan) -> Result<Vec<AwardKey>, BankError> {
    let mut keys: BTreeSet<AwardKey> = plan.targets.keys().cloned().collect();
    if let Some((from, to)) = plan.range {
        for (key, _) in journal.awards_between(book, from, to)? {
            if !plan.provisional.contains(&key) {
                keys.insert(key);
            }
        }
    }
    Ok(keys.into_iter().collect())
}

/// How the ledger's figure for `key` differs from the report's, if it does.
pub fn difference(
    journal: &mut dyn Journal,
    key: &AwardKey,
    target: Option<&Target>,
    version: &str,
    settings: &BankSettings,
) -> Result<Option<Difference>, BankError> {
    let held = journal.award(key)?;
    let places = |d: Decimal| ledger::scaled(d, Some(settings));
    let now = places(target.map(|t| t.credits).unwrap_or_default());
    let was = places(held.as_ref().map(|h| h.credits).unwrap_or_default());
    if now == was {
        return Ok(None);
    }
    let records: Vec<String> = target.map(|t| t.records.clone()).unwrap_or_default();
    let (added, removed, why) = match &held {
        None => (records, Vec::new(), vec!["first-post".to_owned()]),
        Some(held) => explain(held, &records, version),
    };
    Ok(Some(Difference {
        member: key.member.clone(),
        rule: key.rule.clone(),
        date: key.date,
        held: was,
        report: now,
        added,
        removed,
        why,
    }))
}

fn explain(held: &Held, records: &[String], version: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let added: Vec<String> = records
        .iter()
        .filter(|r| !held.records.contains(r))
        .cloned()
        .collect();
    let removed: Vec<String> = held
        .records
        .iter()
        .filter(|r| !records.contains(r))
        .cloned()
        .collect();
    let mut why = Vec::new();
    if held.credits.is_zero() {
        why.push("reposted".to_owned());
    }
    if !added.is_empty() {
        why.push("late-record".to_owned());
    }
    if !removed.is_empty() {
        why.push("removed-record".to_owned());
    }
    let changed_rule = held.version.as_deref().is_some_and(|v| v != version);
    if changed_rule {
        why.push("changed-rule".to_owned());
    }
    if why.is_empty() {
        why.push("corrected-record".to_owned());
    }
    (added, removed, why)
}

/// The earning or adjustment that makes the ledger hold what the report gives.
pub fn posting(
    journal: &mut dyn Journal,
    key: &AwardKey,
    target: Option<&Target>,
    difference: &Difference,
    settings: &BankSettings,
    version: &str,
    on: Date,
) -> Result<super::model::NewTxn, BankError> {
    let first = difference.why.iter().any(|w| w == "first-post");
    let target = target.cloned().unwrap_or_default();
    let source = Source::Earn {
        book: key.book.clone(),
        rule: key.rule.clone(),
        member: key.member.clone(),
        points: target.points,
        rate: settings.earn.rate,
        records: target.records,
        explain: target.explain,
        title: target.title,
        earned: Some(key.date),
        version: Some(version.to_owned()),
        adjust: (!first).then(|| Adjustment {
            was: difference.held,
            now: difference.report,
            added: difference.added.clone(),
            removed: difference.removed.clone(),
            why: difference.why.clone(),
        }),
    };
    let booked = ledger::booking_day(journal, &key.member, on)?;
    let credits = ledger::scaled(difference.report - difference.held, Some(settings));
    ledger::earn(journal, key, credits, booked, source)
}
