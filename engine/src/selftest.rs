//! A rulebook's own examples (`tests:`), run by `merit test`: records written in the
//! rulebook and the awards they must make.
//!
//! ```yaml
//! tests:
//!   - name: monthly cap holds
//!     as_of: "2026-03-31"            # optional: from, to, as_of, period
//!     members:                       # optional: profiles, as `--members` gives them
//!       - { member: m1, role: secretary }   # (or a mapping: `m1: { role: secretary }`)
//!     records:
//!       - { member: m1, kind: volunteer, date: "2026-03-02", hours: 8, verified: true }
//!     expect:
//!       m1:
//!         total: 80                  # the member's total in the range
//!         "2026-03": { volunteer-hours: 80, total: 80 }
//!         "2026-Q1": { initial-mission: 良好 }   # an index: its grade, or its score
//! ```

use std::ops::Range;

use rust_decimal::Decimal;

use crate::api::Records;
use crate::book::Rulebook;
use crate::decode::{Decoder, parse_decimal};
use crate::calendar::parse_date;
use crate::eval::Options;
use crate::records::Format;
use crate::report::Report;
use crate::yaml::{Node, NodeKind};

/// One test as written.
#[derive(Clone, Debug)]
pub struct SelfTest {
    pub name: String,
    records: String,
    /// Member profiles (`members:`) as a JSON array of objects with a `member` key.
    members: Option<String>,
    options: Options,
    expect: Vec<Expectation>,
    pub span: Range<usize>,
}

#[derive(Clone, Debug)]
struct Expectation {
    member: String,
    /// `None`: the member's total over the range.
    period: Option<String>,
    /// A rule id, an index id, or `total`.
    key: String,
    expected: Expected,
}

#[derive(Clone, Debug, PartialEq)]
enum Expected {
    Number(Decimal),
    Grade(String),
}

/// The outcome of one test.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// One line per expectation that did not hold: what was expected, what was found.
    pub failures: Vec<String>,
}

pub(crate) fn decode(decoder: &mut Decoder, node: &Node) -> Vec<SelfTest> {
    let mut tests = Vec::new();
    let Some(items) = decoder.seq(node, "`tests`") else {
        return tests;
    };
    for (i, item) in items.iter().enumerate() {
        let Some(mut map) = decoder.map(item, &format!("test {}", i + 1)) else {
            continue;
        };
        let name = map
            .get("name")
            .and_then(|n| decoder.string(n, "test `name`"))
            .unwrap_or_else(|| format!("test {}", i + 1));
        map.rename(&format!("test `{name}`"));
        let records = match map.require(decoder, "records") {
            Some(node) => decoder.seq(node, "test `records`").map(|_| node.to_json()),
            None => None,
        };
        let members = map
            .get("members")
            .and_then(|node| decode_members(decoder, node, &name));
        let mut options = Options::default();
        for key in ["from", "to", "as_of"] {
            let Some(node) = map.get(key) else { continue };
            let Some(text) = decoder.string(node, &format!("test `{key}`")) else {
                continue;
            };
            match parse_date(&text) {
                Ok(date) => match key {
                    "from" => options.from = Some(date),
                    "to" => options.to = Some(date),
                    _ => options.as_of = Some(date),
                },
                Err(message) => {
                    decoder.error(
                        "bad-date",
                        node.span.clone(),
                        format!("test `{name}`: `{key}`: {message}"),
                    );
                }
            }
        }
        if let Some(node) = map.get("period") {
            options.period = crate::rules::decode_per(decoder, node, &format!("test `{name}`"));
        }
        let expect = map
            .require(decoder, "expect")
            .map(|n| decode_expect(decoder, n, &name))
            .unwrap_or_default();
        map.finish(
            decoder,
            &[
                "name", "records", "members", "expect", "from", "to", "as_of", "period",
            ],
        );
        if let Some(records) = records {
            tests.push(SelfTest {
                name,
                records,
                members,
                options,
                expect,
                span: item.span.clone(),
            });
        }
    }
    tests
}

/// `members:` as a list of profiles with a `member` key, or a mapping from member
/// id to attributes; either way the JSON array `--members` would read.
fn decode_members(decoder: &mut Decoder, node: &Node, name: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(&node.to_json()).ok()?;
    let profiles = match json {
        serde_json::Value::Array(_) => json,
        serde_json::Value::Object(members) => members
            .into_iter()
            .map(|(member, attributes)| {
                let mut profile = match attributes {
                    serde_json::Value::Object(attributes) => attributes,
                    _ => serde_json::Map::new(),
                };
                profile.insert("member".to_owned(), serde_json::Value::String(member));
                serde_json::Value::Object(profile)
            })
            .collect(),
        _ => {
            decoder.error(
                "wrong-type",
                node.span.clone(),
                format!("test `{name}`: `members` is a list of profiles with a `member` key, or a mapping of members to attributes"),
            );
            return None;
        }
    };
    let text = profiles.to_string();
    if let Err(error) = crate::records::Members::read(text.as_bytes(), Format::Json) {
        decoder.error(
            "bad-members",
            node.span.clone(),
            format!("test `{name}`: `members`: {}", error.message),
        );
        return None;
    }
    Some(text)
}

fn decode_expect(decoder: &mut Decoder, node: &Node, name: &str) -> Vec<Expectation> {
    let mut out = Vec::new();
    let NodeKind::Map(members) = &node.kind else {
        decoder.error(
            "wrong-type",
            node.span.clone(),
            format!("test `{name}`: `expect` maps members to periods"),
        );
        return out;
    };
    for (member_node, periods) in members {
        let Some(member) = decoder.string(member_node, "member id") else {
            continue;
        };
        let NodeKind::Map(periods) = &periods.kind else {
            decoder.error(
                "wrong-type",
                periods.span.clone(),
                format!("test `{name}`: `{member}` maps periods to points"),
            );
            continue;
        };
        for (period_node, value) in periods {
            let Some(period) = decoder.string(period_node, "period") else {
                continue;
            };
            if period == "total" {
                if let Some(expected) = expected_value(decoder, value) {
                    out.push(Expectation {
                        member: member.clone(),
                        period: None,
                        key: period,
                        expected,
                    });
                }
                continue;
            }
            let NodeKind::Map(keys) = &value.kind else {
                decoder.error(
                    "wrong-type",
                    value.span.clone(),
                    format!("test `{name}`: `{period}` maps rules to points"),
                );
                continue;
            };
            for (key_node, value) in keys {
                let (Some(key), Some(expected)) = (
                    decoder.string(key_node, "rule id"),
                    expected_value(decoder, value),
                ) else {
                    continue;
                };
                out.push(Expectation {
                    member: member.clone(),
                    period: Some(period.clone()),
                    key,
                    expected,
                });
            }
        }
    }
    out
}

fn expected_value(decoder: &mut Decoder, node: &Node) -> Option<Expected> {
    match &node.kind {
        NodeKind::Number(n) => parse_decimal(n).map(Expected::Number),
        NodeKind::Str(s) => {
            Some(parse_decimal(s).map_or_else(|| Expected::Grade(s.clone()), Expected::Number))
        }
        _ => {
            decoder.error(
                "wrong-type",
                node.span.clone(),
                "an expectation is a number (points, a score) or a grade",
            );
            None
        }
    }
}

impl Rulebook {
    /// Runs the rulebook's own tests.
    ///
    /// # Example
    /// ```
    /// let book = merit::Rulebook::from_yaml(r#"
    /// rules: [{ id: visit, when: kind == "visit", points: 2 }]
    /// tests:
    ///   - name: two visits
    ///     records:
    ///       - { member: m1, kind: visit, date: "2026-03-02" }
    ///       - { member: m1, kind: visit, date: "2026-03-09" }
    ///     expect: { m1: { "2026-03": { visit: 4 } } }
    /// "#, "book.yaml")?;
    /// assert!(book.run_tests().iter().all(|t| t.passed));
    /// # Ok::<(), merit::RulebookError>(())
    /// ```
    ///
    /// A test may give member profiles (`members:`), as `--members` does, so that
    /// role-based tables can be tested:
    /// ```
    /// let book = merit::Rulebook::from_yaml(r#"
    /// fields: { minutes: int? }
    /// rules:
    ///   - id: meeting
    ///     table: { inputs: [member.role, minutes], rows: [[secretary, ">= 60", 8], ["-", ">= 60", 5]] }
    /// tests:
    ///   - name: the secretary earns more
    ///     members: { m1: { role: secretary }, m2: { role: resident } }
    ///     records:
    ///       - { member: m1, kind: meeting, date: "2026-03-02", minutes: 60 }
    ///       - { member: m2, kind: meeting, date: "2026-03-02", minutes: 60 }
    ///     expect: { m1: { "2026-03": { meeting: 8 } }, m2: { "2026-03": { meeting: 5 } } }
    ///   - name: profiles as a list
    ///     members: [{ member: m1, role: secretary }]
    ///     records: [{ member: m1, kind: meeting, date: "2026-03-02", minutes: 60 }]
    ///     expect: { m1: { "2026-03": { meeting: 8 } } }
    /// "#, "book.yaml")?;
    /// let results = book.run_tests();
    /// assert!(results.iter().all(|t| t.passed), "{results:?}");
    /// # Ok::<(), merit::RulebookError>(())
    /// ```
    pub fn run_tests(&self) -> Vec<TestResult> {
        self.tests.iter().map(|test| test.run(self)).collect()
    }
}

impl SelfTest {
    fn run(&self, book: &Rulebook) -> TestResult {
        let mut records = Records::new();
        let mut failures = Vec::new();
        if let Err(error) = records.read(book, self.records.as_bytes(), Format::Json, &self.name) {
            failures.push(format!("records cannot be read: {error}"));
        }
        let members = self
            .members
            .as_ref()
            .and_then(|m| crate::records::Members::read(m.as_bytes(), Format::Json).ok());
        let report = book.score(&records, members.as_ref(), &self.options);
        for rejected in &report.rejected {
            failures.push(format!("record {} rejected: {}", rejected.record, rejected.error));
        }
        for expectation in &self.expect {
            let found = find(&report, expectation);
            let holds = match (&expectation.expected, &found) {
                (Expected::Number(n), Some(Found::Number(f))) => n == f,
                (Expected::Grade(g), Some(Found::Grade(f))) => g == f,
                _ => false,
            };
            if !holds {
                let place = match &expectation.period {
                    Some(period) => format!("{} {} {}", expectation.member, period, expectation.key),
                    None => format!("{} total", expectation.member),
                };
                let expected = match &expectation.expected {
                    Expected::Number(n) => n.normalize().to_string(),
                    Expected::Grade(g) => g.clone(),
                };
                let found = match found {
                    Some(Found::Number(n)) => n.to_string(),
                    Some(Found::Grade(g)) => g,
                    None => "nothing".to_owned(),
                };
                failures.push(format!("{place}: expected {expected}, got {found}"));
            }
        }
        TestResult {
            name: self.name.clone(),
            passed: failures.is_empty(),
            failures,
        }
    }
}

enum Found {
    Number(Decimal),
    Grade(String),
}

fn find(report: &Report, e: &Expectation) -> Option<Found> {
    let member = report.member(&e.member);
    let Some(period) = &e.period else {
        return Some(Found::Number(member.map_or(Decimal::ZERO, |m| m.total)));
    };
    let member = member?;
    if let Some(index) = member
        .indexes
        .iter()
        .find(|i| i.index == e.key && &i.period == period)
    {
        return Some(match &e.expected {
            Expected::Grade(_) => Found::Grade(index.grade.clone().unwrap_or_default()),
            Expected::Number(_) => Found::Number(index.score),
        });
    }
    let row = member.periods.iter().find(|p| &p.period == period);
    let points = match row {
        None => Decimal::ZERO,
        Some(row) if e.key == "total" => row.total,
        Some(row) => row
            .rules
            .iter()
            .find(|(id, _)| *id == e.key)
            .map_or(Decimal::ZERO, |(_, p)| *p),
    };
    Some(Found::Number(points))
}

/// Periods named in tests must be labels of some period kind; a typo would make a
/// test that can never fail, so it is refused.
pub(crate) fn check_labels(decoder: &mut Decoder, tests: &[SelfTest], node: &Node, ids: &[&str]) {
    for test in tests {
        for e in &test.expect {
            // A misspelt rule id would read as 0 points and let a test pass unseen.
            if e.period.is_some() && e.key != "total" && !ids.contains(&e.key.as_str()) {
                let diagnostic = decoder.error(
                    "unknown-rule",
                    node.span.start..node.span.start,
                    format!(
                        "test `{}`: `{}` is not a rule or index of this rulebook",
                        test.name, e.key
                    ),
                );
                if let Some(close) = crate::diagnostic::did_you_mean(&e.key, ids.iter().copied()) {
                    diagnostic.help = Some(format!("did you mean `{close}`?"));
                }
            }
            if let Some(period) = &e.period
                && !looks_like_label(period)
            {
                decoder.error("bad-period-label", node.span.start..node.span.start, format!(
                    "test `{}`: `{period}` is not a period label like 2026-03-14, 2026-W11, 2026-03, 2026-Q1 or 2026",
                    test.name
                ));
            }
        }
    }
}

fn looks_like_label(label: &str) -> bool {
    let b = label.as_bytes();
    let digits = |r: Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && (digits(5..7) || b[5] == b'Q' && digits(6..7)),
        8 => digits(0..4) && b[4] == b'-' && b[5] == b'W' && digits(6..8),
        10 => parse_date(label).is_ok(),
        _ => false,
    }
}
