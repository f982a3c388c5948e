//! The report: what `merit score` and every binding return (DESIGN section 4).
//!
//! Points are [`Decimal`]s already scaled to the rulebook's `unit.decimals`, and
//! travel as strings in JSON so that no reader turns them into floats. A report
//! also reads back (a binding hands one to `explain`), strings to decimals again.
//!
//! | file | job |
//! | --- | --- |
//! | `mod.rs` | the report's types, field by field as JSON shows them |
//! | `stream.rs` | [`ReportStream`]: a report handed out member by member, never whole |
//! | `json.rs` | [`write_json`], [`write_compact_json`]: a report's JSON written member by member |
//! | `member_json.rs` | one member's JSON, written by hand as serde_json would write it |
//!
//! The stream and its writer sit here, beneath evaluation, because a whole
//! evaluation writes its report through them as the large-input streams do.

mod json;
mod member_json;
mod stream;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::record::{Rejected, Warning};

pub(crate) use json::batch_full;
pub use json::{JsonMember, Style as JsonStyle, write_compact_json, write_json};
pub(crate) use member_json::{AwardText, MemberJson};
pub(crate) use stream::Sink;
pub use stream::{ReportHead, ReportStream, Warned, collect_report};

/// What scoring returns (DESIGN section 4): one row per member and period, every
/// award with its explanation, and every record that could not be read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The rulebook that made the report: id, version and digest.
    pub rulebook: RulebookRef,
    /// The dates the report covers (`--from`/`--to`, or the span of the records).
    pub range: DateRange,
    /// The day the report was made "as of": records after it are not seen, and
    /// awards whose window has not closed by then are `provisional`.
    #[serde(default, with = "crate::value::option_date_text")]
    pub as_of: Option<Date>,
    /// The period of the report's rows: `month`, `quarter`, …
    pub period: String,
    /// Every member with a record in the range, sorted by id.
    pub members: Vec<MemberReport>,
    /// Every record that could not be read, with its position and why.
    pub rejected: Vec<Rejected>,
    /// Valid records in the range that no rule's condition matched.
    pub unmatched: u64,
    /// What the inputs said that is probably not what was meant: a column that is
    /// no field (naming the closest). Always present, empty when none.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

/// Which rulebook made a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulebookRef {
    /// The rulebook's `id:`.
    pub id: String,
    /// The rulebook's `version:`.
    pub version: String,
    /// `sha256:` of the rulebook's canonical form (comments and layout do not count).
    pub digest: String,
}

/// The dates a report covers, both ends included; `None` when there were no records.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DateRange {
    /// The first day.
    #[serde(default, with = "crate::value::option_date_text")]
    pub from: Option<Date>,
    /// The last day.
    #[serde(default, with = "crate::value::option_date_text")]
    pub to: Option<Date>,
}

/// One member's part of a report. `member_json.rs` writes it (with its periods and
/// awards) by hand for the JSON writer; its test fails if a field added here is not
/// added there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberReport {
    /// The member's id.
    pub member: String,
    /// Every award in the range, summed (in the rulebook's unit).
    #[serde(serialize_with = "as_string", deserialize_with = "from_string")]
    pub total: Decimal,
    /// One row per period of the report's `period` with an award, in time order.
    pub periods: Vec<PeriodReport>,
    /// One entry per index and window in which the member has a record.
    pub indexes: Vec<IndexReport>,
    /// With `why_not`: the member's records in the range that earned nothing, and
    /// why (DESIGN section 8.2). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unscored: Option<Vec<Unscored>>,
}

/// A record that earned no points, and what each rule that looked at it says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unscored {
    /// The record's id.
    pub record: String,
    /// The record's date.
    #[serde(with = "crate::value::date_text")]
    pub date: Date,
    /// One per rule whose `kind` test (or first condition) the record passed.
    pub reasons: Vec<Reason>,
}

/// Why one rule gave a record nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The rule's id.
    pub rule: String,
    /// `不满足条件 `verified`：verified=false`, or the cap that held it back.
    pub why: String,
}

/// A report row: one member's awards dated in one period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodReport {
    /// The period's label: `2026-03`, `2026-Q1`, `2026-W11`, …
    pub period: String,
    /// The period's awards, summed.
    #[serde(serialize_with = "as_string", deserialize_with = "from_string")]
    pub total: Decimal,
    /// Points by rule id, in rule order.
    #[serde(serialize_with = "rule_map", deserialize_with = "from_rule_map")]
    pub rules: Vec<(String, Decimal)>,
    /// The awards, by date, then rule order, then record order.
    pub awards: Vec<AwardReport>,
}

/// One award: points a rule gave, when, for which records, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AwardReport {
    /// The rule's id.
    pub rule: String,
    /// A per-record award's record date; a group award's min(window end, `as_of`).
    #[serde(with = "crate::value::date_text")]
    pub date: Date,
    /// The points awarded, rounded to `unit.decimals`, after caps (0 when fully capped).
    #[serde(serialize_with = "as_string", deserialize_with = "from_string")]
    pub points: Decimal,
    /// Ids of the records the award came from.
    pub records: Vec<String>,
    /// The sentence a member reads: the rule's `explain:` template with the points
    /// (and any withheld points) appended, or the short trace.
    pub explain: String,
    /// The full formula with its values, for auditors (DESIGN section 8.2).
    #[serde(default)]
    pub trace: String,
    /// The points a cap held back, or `None`.
    pub withheld: Option<Withheld>,
    /// The award's window had not closed by `as_of`: the figure may still change.
    pub provisional: bool,
    /// Set when the award could not be computed (a script stopped by its limits);
    /// the points are then 0 and the rest of the report stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

/// Points a cap held back from an award.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Withheld {
    /// The cap that bit: `month 200`.
    pub cap: String,
    /// How many points it held back.
    #[serde(serialize_with = "as_string", deserialize_with = "from_string")]
    pub points: Decimal,
}

/// A composite index for one member and one window of its `per`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexReport {
    /// The index's id.
    pub index: String,
    /// The window's label: `2026-Q1`, …
    pub period: String,
    /// The weighted score, rounded to `unit.decimals` (kept when a veto fires).
    #[serde(serialize_with = "as_string", deserialize_with = "from_string")]
    pub score: Decimal,
    /// The grade the score reaches (or the veto's), if the index has grades.
    pub grade: Option<String>,
    /// The one-vote veto that forced the grade, or `None`.
    pub veto: Option<Veto>,
    /// Each dimension's value by id, rounded like the score for display.
    #[serde(serialize_with = "rule_map", deserialize_with = "from_rule_map")]
    pub dimensions: Vec<(String, Decimal)>,
    /// The window had not closed by `as_of`: the figures may still change.
    pub provisional: bool,
    /// The records on which the veto fired (each alone makes its `when` true), for
    /// explanations; not part of the JSON report, whose veto shape DESIGN section 4 fixes.
    #[serde(skip)]
    pub veto_records: Vec<String>,
}

/// A one-vote veto that fired: the index's grade is forced, its score kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Veto {
    /// The veto's reason as the rulebook words it.
    pub reason: String,
    /// The grade it forces.
    pub grade: String,
}

impl Report {
    /// The report as pretty JSON, byte-identical for identical inputs.
    pub fn to_json(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
    }

    /// One member's part of the report, by id.
    pub fn member(&self, member: &str) -> Option<&MemberReport> {
        self.members
            .binary_search_by(|m| m.member.as_str().cmp(member))
            .ok()
            .map(|i| &self.members[i])
    }
}

/// A decimal as its text, marked as a decimal for serializers that ask
/// (`crate::value::DECIMAL_NEWTYPE`).
fn as_string<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    crate::value::decimal_text::serialize(value, serializer)
}

/// Decimals by id (`rules`, `dimensions`) as a map of marked decimal texts.
fn rule_map<S: Serializer>(entries: &[(String, Decimal)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(entries.iter().map(|(k, v)| (k, crate::value::DecimalText(*v))))
}

fn from_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse()
        .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a decimal")))
}

fn from_rule_map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, Decimal)>, D::Error> {
    struct Entries;
    impl<'de> serde::de::Visitor<'de> for Entries {
        type Value = Vec<(String, Decimal)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map of ids to decimal strings")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((key, text)) = map.next_entry::<String, String>()? {
                let value = text
                    .parse()
                    .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a decimal")))?;
                out.push((key, value));
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Entries)
}
