//! The facade every front end calls: load a rulebook, read records, score them.
//!
//! The CLI, the Python and the WASM bindings go through these functions only, so
//! they cannot disagree: every decision is made here or below.

use std::fmt;

use crate::book::{Limits, Rulebook};
use crate::diagnostic::{Diagnostic, render_all};
use crate::eval::{self, Options};
use crate::record::{Record, Rejected};
use crate::records::{self, Format, InputError, Members, ReadOptions};
use crate::report::Report;

/// A rulebook that failed to load: every diagnostic, and the text they point into.
#[derive(Clone, Debug)]
pub struct RulebookError {
    pub diagnostics: Vec<Diagnostic>,
    pub source: String,
}

impl RulebookError {
    /// The diagnostics as the CLI prints them: located, with a caret under each.
    pub fn render(&self, color: bool) -> String {
        render_all(&self.diagnostics, &self.source, color)
    }
}

impl fmt::Display for RulebookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(false).trim_end())
    }
}

impl std::error::Error for RulebookError {}

impl Rulebook {
    /// Loads a rulebook from YAML text; `name` is how diagnostics refer to it.
    ///
    /// # Example
    /// ```
    /// let book = merit::Rulebook::from_yaml("rules:\n  - { id: hello, points: 1 }\n", "hello.yaml")?;
    /// assert_eq!(book.rules.len(), 1);
    /// # Ok::<(), merit::RulebookError>(())
    /// ```
    pub fn from_yaml(source: &str, name: &str) -> Result<Rulebook, RulebookError> {
        Rulebook::from_yaml_with_limits(source, name, &Limits::default())
    }

    pub fn from_yaml_with_limits(
        source: &str,
        name: &str,
        limits: &Limits,
    ) -> Result<Rulebook, RulebookError> {
        Rulebook::load(source, name, limits).map_err(|diagnostics| RulebookError {
            diagnostics,
            source: source.to_owned(),
        })
    }

    /// Every diagnostic of a rulebook, errors and warnings, without keeping it.
    pub fn check(source: &str, name: &str) -> Vec<Diagnostic> {
        match Rulebook::load(source, name, &Limits::default()) {
            Ok(book) => book.warnings,
            Err(diagnostics) => diagnostics,
        }
    }

    /// Scores records against this rulebook.
    ///
    /// # Example
    /// ```
    /// use merit::{Format, Records, Rulebook, ScoreOptions};
    /// let book = Rulebook::from_yaml(
    ///     "fields: { hours: decimal? }\nrules:\n  - { id: hours, when: kind == \"volunteer\", points: hours * 10 }\n",
    ///     "book.yaml",
    /// )?;
    /// let mut records = Records::new();
    /// records.read(&book, br#"{"member": "m1", "kind": "volunteer", "date": "2026-03-14", "hours": 3.5}"#, Format::Jsonl, "in.jsonl")?;
    /// let report = book.score(&records, None, &ScoreOptions::default());
    /// assert_eq!(report.members[0].total.to_string(), "35");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score(&self, records: &Records, members: Option<&Members>, options: &Options) -> Report {
        let mut rejected = records.rejected.clone();
        if records.sources.len() <= 1 {
            for r in &mut rejected {
                r.source = None;
            }
        }
        eval::score(self, &records.records, rejected, members, options)
    }
}

/// Records read from one or more inputs, with those that could not be read.
#[derive(Clone, Debug, Default)]
pub struct Records {
    pub records: Vec<Record>,
    pub rejected: Vec<Rejected>,
    sources: Vec<String>,
}

impl Records {
    pub fn new() -> Records {
        Records::default()
    }

    /// Reads one input (`name` is how rejections refer to it) and returns how many
    /// records it held, accepted or rejected.
    pub fn read(
        &mut self,
        book: &Rulebook,
        input: &[u8],
        format: Format,
        name: &str,
    ) -> Result<usize, InputError> {
        let before = self.records.len() + self.rejected.len();
        let options = ReadOptions {
            source: self.sources.len() as u32,
            source_name: Some(name),
            ..ReadOptions::new(&book.schema, &book.timezone)
        };
        records::read(input, format, &options, &mut self.records, &mut self.rejected)?;
        self.sources.push(name.to_owned());
        Ok(self.records.len() + self.rejected.len() - before)
    }

    /// Records already typed (by a binding reading columns, or a benchmark).
    pub fn from_records(records: Vec<Record>) -> Records {
        Records {
            records,
            rejected: Vec::new(),
            sources: vec!["<memory>".to_owned()],
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

// What-if and explanations of a report read back, for the bindings.
use crate::report::{IndexReport, MemberReport};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What adding some records would change: the report without them, the report with
/// them, and the difference member by member.
///
/// The extra records are scored after the base records of the same day (they come
/// from a later input), so a hypothetical activity meets the caps the real ones
/// already used. Every binding's "what if" goes through here.
///
/// # Example
/// ```
/// use merit::{Format, Records, Rulebook, ScoreOptions};
/// let book = Rulebook::from_yaml(
///     "fields: { hours: decimal? }\nrules:\n  - { id: hours, when: kind == \"volunteer\", points: hours * 10, cap: [{ per: month, max: 50 }] }\n",
///     "book.yaml",
/// )?;
/// let mut records = Records::new();
/// records.read(&book, br#"{"member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": 4}"#, Format::Jsonl, "in.jsonl")?;
/// let mut extra = Records::new();
/// extra.read(&book, br#"{"member": "m1", "kind": "volunteer", "date": "2026-03-09", "hours": 2}"#, Format::Jsonl, "what-if")?;
/// let what_if = merit::api::what_if(&book, &records, &extra, None, &ScoreOptions::default());
/// let m1 = &what_if.diff.members[0];
/// assert_eq!((m1.before.to_string(), m1.after.to_string(), m1.change.to_string()), ("40".into(), "50".into(), "10".into()));
/// assert_eq!(m1.rules[0].key, "hours");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn what_if(
    book: &Rulebook,
    records: &Records,
    extra: &Records,
    members: Option<&Members>,
    options: &Options,
) -> WhatIf {
    let before = book.score(records, members, options);
    let shift = records.sources.len() as u32;
    let mut all = records.clone();
    all.records.extend(extra.records.iter().map(|r| Record {
        source: r.source + shift,
        ..r.clone()
    }));
    all.rejected.extend(extra.rejected.iter().cloned());
    all.sources.extend(extra.sources.iter().cloned());
    let after = book.score(&all, members, options);
    let diff = diff_reports(book, &before, &after);
    WhatIf { before, after, diff }
}

/// The result of [`what_if`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIf {
    pub before: Report,
    pub after: Report,
    pub diff: ReportDiff,
}

/// How one report differs from another: only members with a change, sorted by id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportDiff {
    pub members: Vec<MemberDiff>,
}

/// One member's change: the total, and only the periods, rules and indexes that moved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberDiff {
    pub member: String,
    #[serde(serialize_with = "decimal_str")]
    pub before: Decimal,
    #[serde(serialize_with = "decimal_str")]
    pub after: Decimal,
    #[serde(serialize_with = "decimal_str")]
    pub change: Decimal,
    /// Report rows (periods) whose total changed, in time order.
    pub periods: Vec<Delta>,
    /// Rules whose points over the whole range changed, in rule order.
    pub rules: Vec<Delta>,
    /// Index results (index, window) whose score, grade or veto changed.
    pub indexes: Vec<IndexDelta>,
}

/// Points before and after for one key (a period label or a rule id).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Delta {
    /// The period label (in `periods`) or the rule id (in `rules`).
    pub key: String,
    #[serde(serialize_with = "decimal_str")]
    pub before: Decimal,
    #[serde(serialize_with = "decimal_str")]
    pub after: Decimal,
    #[serde(serialize_with = "decimal_str")]
    pub change: Decimal,
}

/// One index result before and after; `None` where it was not computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndexDelta {
    pub index: String,
    pub period: String,
    pub before: Option<IndexReport>,
    pub after: Option<IndexReport>,
    /// Score after minus score before (a missing side counts as 0).
    #[serde(serialize_with = "decimal_str")]
    pub change: Decimal,
}

/// Compares two reports of the same rulebook member by member.
pub fn diff_reports(book: &Rulebook, before: &Report, after: &Report) -> ReportDiff {
    let scale = |mut d: Decimal| {
        d.rescale(book.unit.decimals);
        d
    };
    let delta = |key: &str, b: Decimal, a: Decimal| Delta {
        key: key.to_owned(),
        before: scale(b),
        after: scale(a),
        change: scale(a - b),
    };
    let mut ids: Vec<&str> = before
        .members
        .iter()
        .chain(&after.members)
        .map(|m| m.member.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut members = Vec::new();
    for id in ids {
        let (b, a) = (before.member(id), after.member(id));
        let total = |m: Option<&MemberReport>| m.map_or(Decimal::ZERO, |m| m.total);

        let mut periods: Vec<(&str, Decimal, Decimal)> = Vec::new();
        let mut rules: Vec<(&str, Decimal, Decimal)> = Vec::new();
        for (side, row) in [(0, b), (1, a)] {
            for period in row.iter().flat_map(|m| &m.periods) {
                add(&mut periods, &period.period, side, period.total);
                for (rule, points) in &period.rules {
                    add(&mut rules, rule, side, *points);
                }
            }
        }
        periods.sort_by(|x, y| x.0.cmp(y.0));
        rules.sort_by_key(|r| (book.rule_index(r.0).unwrap_or(usize::MAX), r.0));

        let mut indexes: Vec<IndexDelta> = Vec::new();
        for (side, row) in [(0, b), (1, a)] {
            for index in row.iter().flat_map(|m| &m.indexes) {
                let at = match indexes
                    .iter()
                    .position(|d| d.index == index.index && d.period == index.period)
                {
                    Some(at) => at,
                    None => {
                        indexes.push(IndexDelta {
                            index: index.index.clone(),
                            period: index.period.clone(),
                            before: None,
                            after: None,
                            change: Decimal::ZERO,
                        });
                        indexes.len() - 1
                    }
                };
                let slot = if side == 0 {
                    &mut indexes[at].before
                } else {
                    &mut indexes[at].after
                };
                *slot = Some(index.clone());
            }
        }
        indexes.retain(|d| d.before != d.after);
        for d in &mut indexes {
            let score = |i: &Option<IndexReport>| i.as_ref().map_or(Decimal::ZERO, |i| i.score);
            d.change = scale(score(&d.after) - score(&d.before));
        }

        let moved = |(_, b, a): &&(&str, Decimal, Decimal)| b != a;
        let diff = MemberDiff {
            member: id.to_owned(),
            before: scale(total(b)),
            after: scale(total(a)),
            change: scale(total(a) - total(b)),
            periods: periods
                .iter()
                .filter(moved)
                .map(|&(k, b, a)| delta(k, b, a))
                .collect(),
            rules: rules
                .iter()
                .filter(moved)
                .map(|&(k, b, a)| delta(k, b, a))
                .collect(),
            indexes,
        };
        if !diff.change.is_zero()
            || !diff.periods.is_empty()
            || !diff.rules.is_empty()
            || !diff.indexes.is_empty()
        {
            members.push(diff);
        }
    }
    ReportDiff { members }
}

/// Adds `points` to the before (side 0) or after (side 1) sum of `key`.
fn add<'a>(sums: &mut Vec<(&'a str, Decimal, Decimal)>, key: &'a str, side: u8, points: Decimal) {
    let at = match sums.iter().position(|s| s.0 == key) {
        Some(at) => at,
        None => {
            sums.push((key, Decimal::ZERO, Decimal::ZERO));
            sums.len() - 1
        }
    };
    if side == 0 {
        sums[at].1 += points;
    } else {
        sums[at].2 += points;
    }
}

fn decimal_str<S: serde::Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// One member's report told as sentences (see [`crate::explain::explain_member`]),
/// from a report that went out through serde (JSON, or a binding's own values) and
/// came back: what a binding's `explain(report, member)` calls. Keys the report
/// reader does not know are ignored. `Ok(None)` when the report has no such member.
///
/// # Example
/// ```
/// use merit::{Format, Records, Rulebook, ScoreOptions, explain::Lang};
/// let book = Rulebook::from_yaml("rules:\n  - { id: hello, title: Hello, points: 1 }\n", "book.yaml")?;
/// let mut records = Records::new();
/// records.read(&book, br#"{"member": "m1", "kind": "x", "date": "2026-03-14"}"#, Format::Jsonl, "in.jsonl")?;
/// let json = book.score(&records, None, &ScoreOptions::default()).to_json();
/// let mut reader = serde_json::Deserializer::from_str(&json);
/// let text = merit::api::explain_report(&book, &mut reader, "m1", Lang::En)?.unwrap();
/// assert!(text.contains("2026-03-14 Hello (hello): 1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain_report<'de, D: serde::Deserializer<'de>>(
    book: &Rulebook,
    report: D,
    member: &str,
    lang: crate::explain::Lang,
) -> Result<Option<String>, D::Error> {
    let read = report_in::ReportIn::deserialize(report)?;
    let Some(row) = read.members.into_iter().find(|m| m.member == member) else {
        return Ok(None);
    };
    let report = Report {
        rulebook: crate::report::RulebookRef {
            id: book.id.clone(),
            version: book.version.clone(),
            digest: book.digest.clone(),
        },
        range: crate::report::DateRange { from: None, to: None },
        as_of: None,
        period: String::new(),
        members: vec![row.into_report().map_err(serde::de::Error::custom)?],
        rejected: Vec::new(),
        unmatched: 0,
    };
    Ok(crate::explain::explain_member(book, &report, member, lang))
}

/// The report's shape read back: only what explanations use, decimals from strings.
mod report_in {
    use std::str::FromStr;

    use jiff::civil::Date;
    use rust_decimal::Decimal;
    use serde::Deserialize;

    use crate::report::{AwardReport, IndexReport, MemberReport, PeriodReport, Veto, Withheld};

    #[derive(Deserialize)]
    pub struct ReportIn {
        pub members: Vec<MemberIn>,
    }

    #[derive(Deserialize)]
    pub struct MemberIn {
        pub member: String,
        total: String,
        #[serde(default)]
        periods: Vec<PeriodIn>,
        #[serde(default)]
        indexes: Vec<IndexIn>,
    }

    #[derive(Deserialize)]
    struct PeriodIn {
        period: String,
        total: String,
        #[serde(default)]
        rules: Pairs,
        #[serde(default)]
        awards: Vec<AwardIn>,
    }

    #[derive(Deserialize)]
    struct AwardIn {
        rule: String,
        date: Date,
        points: String,
        #[serde(default)]
        records: Vec<String>,
        #[serde(default)]
        explain: String,
        withheld: Option<WithheldIn>,
        #[serde(default)]
        provisional: bool,
    }

    #[derive(Deserialize)]
    struct WithheldIn {
        cap: String,
        points: String,
    }

    #[derive(Deserialize)]
    struct IndexIn {
        index: String,
        period: String,
        score: String,
        grade: Option<String>,
        veto: Option<VetoIn>,
        #[serde(default)]
        dimensions: Pairs,
        #[serde(default)]
        provisional: bool,
    }

    #[derive(Deserialize)]
    struct VetoIn {
        reason: String,
        grade: String,
    }

    /// A JSON object of decimals read in its key order.
    #[derive(Default)]
    struct Pairs(Vec<(String, String)>);

    impl<'de> Deserialize<'de> for Pairs {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Pairs;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object of decimals")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
                    let mut pairs = Vec::new();
                    while let Some(entry) = map.next_entry::<String, String>()? {
                        pairs.push(entry);
                    }
                    Ok(Pairs(pairs))
                }
            }
            d.deserialize_map(Visit)
        }
    }

    fn decimal(text: &str) -> Result<Decimal, String> {
        Decimal::from_str(text).map_err(|_| format!("expected a decimal string, got {text:?}"))
    }

    fn pairs(p: Pairs) -> Result<Vec<(String, Decimal)>, String> {
        p.0.into_iter().map(|(k, v)| Ok((k, decimal(&v)?))).collect()
    }

    impl MemberIn {
        pub fn into_report(self) -> Result<MemberReport, String> {
            let periods = self.periods.into_iter().map(|p| {
                let awards = p.awards.into_iter().map(|a| {
                    let withheld = match a.withheld {
                        Some(w) => Some(Withheld {
                            points: decimal(&w.points)?,
                            cap: w.cap,
                        }),
                        None => None,
                    };
                    Ok(AwardReport {
                        rule: a.rule,
                        date: a.date,
                        points: decimal(&a.points)?,
                        records: a.records,
                        explain: a.explain,
                        withheld,
                        provisional: a.provisional,
                    })
                });
                Ok(PeriodReport {
                    total: decimal(&p.total)?,
                    rules: pairs(p.rules)?,
                    awards: awards.collect::<Result<_, String>>()?,
                    period: p.period,
                })
            });
            let indexes = self.indexes.into_iter().map(|i| {
                Ok(IndexReport {
                    score: decimal(&i.score)?,
                    dimensions: pairs(i.dimensions)?,
                    veto: i.veto.map(|v| Veto {
                        reason: v.reason,
                        grade: v.grade,
                    }),
                    index: i.index,
                    period: i.period,
                    grade: i.grade,
                    provisional: i.provisional,
                })
            });
            Ok(MemberReport {
                total: decimal(&self.total)?,
                periods: periods.collect::<Result<_, String>>()?,
                indexes: indexes.collect::<Result<_, String>>()?,
                member: self.member,
            })
        }
    }
}
