//! A rulebook's own examples (`tests:`): records written in the rulebook and the
//! awards they must make. This is the model and its decoding; running them is
//! `crate::selftest`, above evaluation.
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

use crate::calendar::Per;
use crate::calendar::parse_date;
use crate::decode::{Decoder, parse_decimal};
use crate::records::Format;
use crate::yaml::{Node, NodeKind};

/// One test as written.
#[derive(Clone, Debug)]
pub struct SelfTest {
    pub name: String,
    pub(crate) records: String,
    /// Member profiles (`members:`) as a JSON array of objects with a `member` key.
    pub(crate) members: Option<String>,
    pub(crate) dates: TestDates,
    pub(crate) expect: Vec<Expectation>,
}

/// The range a test scores (`from`, `to`, `as_of`, `period`), as the score options take it.
#[derive(Clone, Debug, Default)]
pub(crate) struct TestDates {
    pub from: Option<jiff::civil::Date>,
    pub to: Option<jiff::civil::Date>,
    pub as_of: Option<jiff::civil::Date>,
    pub period: Option<Per>,
}

#[derive(Clone, Debug)]
pub(crate) struct Expectation {
    pub member: String,
    /// `None`: the member's total over the range.
    pub period: Option<String>,
    /// A rule id, an index id, or `total`.
    pub key: String,
    pub expected: Expected,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expected {
    Number(Decimal),
    Grade(String),
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
        let mut options = TestDates::default();
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
                dates: options,
                expect,
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
