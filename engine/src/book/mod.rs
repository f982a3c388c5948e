//! The rulebook: its model, and loading it from YAML with located diagnostics.
//!
//! Loading happens once; everything a rule author can get wrong (an unknown key, a
//! misspelt field, a type error inside an expression) is found here, so that
//! evaluation never meets a name it cannot resolve.

pub mod bank;
mod digest;
mod fields;
pub mod include;
mod input;
mod json_schema;
mod load;
pub mod selftest;

use jiff::tz::TimeZone;
use rust_decimal::Decimal;

use crate::calendar::{Calendar, Per};
use crate::diagnostic::Diagnostic;
use crate::rules::Rule;
use crate::schema::Schema;

pub use json_schema::json_schema;
pub(crate) use load::load;

/// The committed copy of the rulebook format's JSON Schema,
/// `schema/rulebook.schema.json`, which the shipped packs name: [`json_schema`]'s
/// output, held equal to it by a test (`MERIT_BLESS=1` rewrites the copy). The lib
/// tests read it to check what the loader and the expression catalog know.
#[cfg(test)]
pub(crate) const JSON_SCHEMA: &str = include_str!("../../../schema/rulebook.schema.json");

/// Limits on rulebook input, so that a hostile rulebook costs bounded time and memory.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest rulebook accepted, in bytes.
    pub max_bytes: usize,
    /// Most rules accepted.
    pub max_rules: usize,
    /// Bounds on the YAML itself: nesting depth, aliases.
    pub yaml: crate::yaml::YamlLimits,
    /// Bounds on each call of a rhai script rule.
    pub scripts: crate::rules::ScriptLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 4 << 20,
            max_rules: 10_000,
            yaml: crate::yaml::YamlLimits::default(),
            scripts: crate::rules::ScriptLimits::default(),
        }
    }
}

/// A loaded, checked rulebook.
#[derive(Debug)]
pub struct Rulebook {
    /// What the rulebook is called in diagnostics (usually its path).
    pub name: String,
    /// The rulebook's text as loaded.
    pub source: String,
    /// `id:` (the file's stem when absent).
    pub id: String,
    /// `version:`.
    pub version: String,
    /// `title:`, shown on tables, pages and statements.
    pub title: Option<String>,
    /// `sha256:` of the rulebook's canonical JSON form: comments and layout do not count.
    pub digest: String,
    /// `timezone:`: the zone in which record datetimes become dates.
    pub timezone: TimeZone,
    /// `period:`: the report's rows unless the caller asks for another.
    pub period: Per,
    /// `unit:`: what points are called and how they are rounded.
    pub unit: Unit,
    /// `calendar:`: weekends, holidays and working days.
    pub(crate) calendar: Calendar,
    /// `fields:`: the records' typed fields.
    pub(crate) schema: Schema,
    /// Member attributes that expressions read (`member.role`), in slot order.
    pub member_attrs: Vec<String>,
    /// `rules:`, in the rulebook's order.
    pub(crate) rules: Vec<Rule>,
    /// `indexes:`: composite indexes with grades and vetoes.
    pub(crate) indexes: Vec<crate::index::Index>,
    /// The rulebook's own examples (`tests:`), run by [`Rulebook::run_tests`].
    pub(crate) tests: Vec<selftest::SelfTest>,
    /// Rule indices in evaluation order: a rule comes after those whose points it reads.
    pub order: Vec<usize>,
    /// For each rule, its place in reports: the index of the first rule with its id
    /// (versions of one rule sort together). Worked out once, not per member.
    pub report_order: Vec<usize>,
    /// The moral bank's settings (`bank:`), if the rulebook has them.
    pub bank: Option<bank::BankSettings>,
    /// How its data is written (`input:`) and which kinds are valid (`kinds:`):
    /// every reader applies it as it reads.
    pub(crate) input: crate::records::InputSpec,
    /// Problems that do not stop the rulebook from loading.
    pub warnings: Vec<Diagnostic>,
}

/// How points are named and rounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// What points are called (`积分`, `points`).
    pub name: String,
    /// Awards are rounded half away from zero to this many places when made.
    pub decimals: u32,
}

impl Unit {
    /// Rounds one award as the rulebook says.
    pub fn round(&self, points: Decimal) -> Decimal {
        let rounded = points.round_dp_with_strategy(
            self.decimals,
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        );
        if rounded.is_zero() { Decimal::ZERO } else { rounded }
    }

    /// Formats points with exactly `decimals` places, as the report shows them.
    pub fn format(&self, points: Decimal) -> String {
        let mut shown = self.round(points);
        shown.rescale(self.decimals);
        shown.to_string()
    }
}

/// A rule as a front end shows it: a report's column is its id, headed by its title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo<'a> {
    /// The rule's `id:` (the versions of one rule share it).
    pub id: &'a str,
    /// The rule's `title:`, if it has one.
    pub title: Option<&'a str>,
    /// The rule's `tags:`.
    pub tags: &'a [String],
    /// Whether the rule words its awards with an `explain:` template.
    pub has_explain: bool,
}

/// A typed field of the records (`fields:`) as a front end shows it (a form, a
/// preview's column list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldInfo<'a> {
    /// The field's name.
    pub name: &'a str,
    /// Its type as rulebooks write it: `decimal`, `int`, `string`, `list<string>`, …
    pub ty: &'static str,
    /// Whether a record may leave it out (`decimal?`).
    pub optional: bool,
    /// Its default (`= false`), written as expressions write values.
    pub default: Option<String>,
}

/// An index as a front end shows it: its id, title and dimensions.
#[derive(Clone, Copy, Debug)]
pub struct IndexInfo<'a> {
    /// The index's `id:`.
    pub id: &'a str,
    /// The index's `title:`, if it has one.
    pub title: Option<&'a str>,
    index: &'a crate::index::Index,
}

impl<'a> IndexInfo<'a> {
    /// The ids of its dimensions, in the rulebook's order.
    pub fn dimensions(&self) -> impl ExactSizeIterator<Item = &'a str> + use<'a> {
        self.index.dimensions.iter().map(|d| d.id.as_str())
    }
}

impl Rulebook {
    /// The rules, in the rulebook's order (a rule with versions once per version).
    pub fn rules(&self) -> impl ExactSizeIterator<Item = RuleInfo<'_>> {
        self.rules.iter().map(|r| RuleInfo {
            id: &r.id,
            title: r.title.as_deref(),
            tags: &r.tags,
            has_explain: r.sentence.is_some(),
        })
    }

    /// The records' typed fields (`fields:`), in the rulebook's order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = FieldInfo<'_>> {
        self.schema.fields.iter().map(|f| FieldInfo {
            name: &f.name,
            ty: f.ty.name(),
            optional: f.optional,
            default: f.default.as_ref().map(|v| v.to_string()),
        })
    }

    /// The composite indexes (`indexes:`), in the rulebook's order.
    pub fn indexes(&self) -> impl ExactSizeIterator<Item = IndexInfo<'_>> {
        self.indexes.iter().map(|index| IndexInfo {
            id: &index.id,
            title: index.title.as_deref(),
            index,
        })
    }

    /// How many examples (`tests:`) the rulebook has; [`Rulebook::run_tests`] runs them.
    pub fn test_count(&self) -> usize {
        self.tests.len()
    }

    /// Whether `date` is a working day by the rulebook's `calendar:` (weekends and
    /// holidays off, make-up days on).
    pub fn is_workday(&self, date: jiff::civil::Date) -> bool {
        self.calendar.is_workday(date)
    }

    /// The record key or field a data column stands for by the rulebook's
    /// `input.columns` (`姓名` → `member`), or `None` when the column has no alias.
    pub fn column(&self, name: &str) -> Option<&str> {
        self.input.alias(name)
    }

    /// The text encoding the rulebook's `input:` says its records are written in.
    pub fn encoding(&self) -> crate::records::Encoding {
        self.input.encoding
    }

    /// Index of the first rule with this id (rule order in reports).
    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}
