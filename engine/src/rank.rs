//! Rankings of a report (DESIGN section 8.5): who leads by total, by one rule or
//! by an index, in the whole range or in one period.
//!
//! Standard competition ranking ("1, 2, 2, 4"): equal points share a rank, the
//! next rank skips as many places as were shared, and members of one rank are
//! listed by id. `top` keeps every member whose rank is at most N, so a tie at
//! the cut is kept whole rather than broken by id. An index ranking orders by the
//! index score; the grade and any veto are shown beside it, never re-ordered by.
//!
//! Every front end (`merit rank`, Python's `Report.rank`, JavaScript's `rank`)
//! parses its options here and ranks here, so that they cannot disagree.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::book::Rulebook;
use crate::calendar::Per;
use crate::report::{MemberReport, Report, RulebookRef, Veto};

/// What members are ranked by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RankBy {
    /// Every award's points.
    Total,
    /// One rule's points (a rule id).
    Rule(String),
    /// One index's score (an index id), grade shown.
    Index(String),
}

impl RankBy {
    /// `total`, `rule:ID` or `index:ID`.
    pub fn parse(text: &str) -> Result<RankBy, RankError> {
        match text.split_once(':') {
            None if text == "total" => Ok(RankBy::Total),
            Some(("rule", id)) if !id.is_empty() => Ok(RankBy::Rule(id.to_owned())),
            Some(("index", id)) if !id.is_empty() => Ok(RankBy::Index(id.to_owned())),
            _ => Err(RankError(format!(
                "cannot rank by `{text}`: expected `total`, `rule:ID` or `index:ID`"
            ))),
        }
    }
}

impl fmt::Display for RankBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RankBy::Total => f.write_str("total"),
            RankBy::Rule(id) => write!(f, "rule:{id}"),
            RankBy::Index(id) => write!(f, "index:{id}"),
        }
    }
}

/// How to rank: by what, in which period, how many ranks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankOptions {
    /// What members are ranked by.
    pub by: RankBy,
    /// A period label (`2026-03`, `2026-Q1`, `2026-W11`, `2026`, `2026-03-14`): only
    /// awards dated in it count; for an index, its window with that label. `None`:
    /// the whole report, and for an index its latest window in the report.
    pub period: Option<String>,
    /// Keep members ranked N or better (ties at the cut included).
    pub top: Option<u32>,
}

impl Default for RankOptions {
    fn default() -> Self {
        RankOptions {
            by: RankBy::Total,
            period: None,
            top: None,
        }
    }
}

/// Ranking options as a binding hands them over (`{ by, period, top }`, each
/// optional): parsed here once, so that every front end accepts and refuses alike.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankRequest {
    /// `total` (the default), `rule:ID` or `index:ID`.
    pub by: Option<String>,
    /// A period label; see [`RankOptions::period`].
    pub period: Option<String>,
    /// Keep members ranked N or better.
    pub top: Option<u32>,
}

impl RankRequest {
    /// A request from any JSON value (`null`: every default): an unknown key is
    /// refused with the likely key meant, as [`crate::ScoreRequest::from_value`] does.
    pub fn from_value(value: serde_json::Value) -> Result<RankRequest, crate::RequestError> {
        const KEYS: &[&str] = &["by", "period", "top"];
        match value {
            serde_json::Value::Null => Ok(RankRequest::default()),
            serde_json::Value::Object(map) => {
                if let Some(key) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
                    return Err(crate::request::unknown_option(key, KEYS));
                }
                let map = map.into_iter().filter(|(_, v)| !v.is_null()).collect();
                serde_json::from_value(serde_json::Value::Object(map))
                    .map_err(|e| crate::RequestError::new("bad-option", format!("options: {e}")))
            }
            _ => Err(crate::RequestError::new(
                "bad-option",
                "options: expected an object",
            )),
        }
    }

    /// The options, `by` parsed (a bad one is a [`RankError`]).
    pub fn options(&self) -> Result<RankOptions, RankError> {
        Ok(RankOptions {
            by: match &self.by {
                Some(by) => RankBy::parse(by)?,
                None => RankBy::Total,
            },
            period: self.period.clone(),
            top: self.top,
        })
    }
}

/// A ranking: what it is of, and its rows in rank order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// The rulebook of the report ranked.
    pub rulebook: RulebookRef,
    /// `total`, `rule:ID` or `index:ID`.
    pub by: String,
    /// The title of the rule or index ranked by, if it has one.
    pub title: Option<String>,
    /// The period ranked (for an index without `--period`, the window chosen).
    pub period: Option<String>,
    /// The cut asked for (`--top`), if any.
    pub top: Option<u32>,
    /// The members in rank order, ties by member id.
    pub rows: Vec<RankRow>,
}

/// One member's place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankRow {
    /// Standard competition rank: 1, 2, 2, 4.
    pub rank: u32,
    /// The member's id.
    pub member: String,
    /// Points, or the index score for an index ranking.
    #[serde(with = "crate::value::decimal_text")]
    pub points: Decimal,
    /// The index grade (index rankings only).
    pub grade: Option<String>,
    /// The veto that forced the grade (index rankings only).
    pub veto: Option<Veto>,
    /// Some of what was counted may still change (a window not closed by `as_of`).
    pub provisional: bool,
}

/// Options that name nothing in the rulebook or report (code `bad-rank`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankError(
    /// What is wrong, naming the option.
    pub String,
);

impl RankError {
    /// The stable identifier of every ranking refusal.
    pub fn code(&self) -> &'static str {
        "bad-rank"
    }
}

impl fmt::Display for RankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RankError {}

/// Ranks the members of `report` as `options` say.
///
/// # Example
/// ```
/// use merit::{Format, Records, Rulebook, ScoreOptions};
/// use merit::{RankOptions, rank};
/// let book = Rulebook::from_yaml("fields: { hours: decimal? }\nrules:\n  - { id: hours, points: hours * 10 }\n", "book.yaml")?;
/// let mut records = Records::new();
/// records.read(&book, b"member,kind,date,hours\na,v,2026-03-02,3\nb,v,2026-03-02,5\nc,v,2026-03-03,5\nd,v,2026-03-04,1\n", merit::Format::Csv, "in.csv")?;
/// let report = book.score(&records, None, &ScoreOptions::default());
/// let ranking = rank(&book, &report, &RankOptions { top: Some(2), ..RankOptions::default() })?;
/// let places: Vec<(u32, &str)> = ranking.rows.iter().map(|r| (r.rank, r.member.as_str())).collect();
/// assert_eq!(places, [(1, "b"), (1, "c")]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rank(book: &Rulebook, report: &Report, options: &RankOptions) -> Result<Ranking, RankError> {
    let window = match &options.period {
        Some(label) => Some(label_per(label).ok_or_else(|| {
            RankError(format!(
                "`{label}` is not a period label: expected 2026-03-14, 2026-W11, 2026-03, 2026-Q1 or 2026"
            ))
        })?),
        None => None,
    };
    let period = options.period.as_deref().zip(window);
    let (title, period, mut rows) = match &options.by {
        RankBy::Total => (None, options.period.clone(), by_points(report, None, period)),
        RankBy::Rule(id) => {
            let Some(rule) = book.rules.iter().find(|r| &r.id == id) else {
                let ids = book.rules.iter().map(|r| r.id.as_str());
                return Err(unknown("rule", id, ids));
            };
            let rows = by_points(report, Some(id), period);
            (rule.title.clone(), options.period.clone(), rows)
        }
        RankBy::Index(id) => {
            let Some(index) = book.indexes.iter().find(|i| &i.id == id) else {
                let ids = book.indexes.iter().map(|i| i.id.as_str());
                return Err(unknown("index", id, ids));
            };
            if let Some((label, per)) = period
                && per != index.per
            {
                return Err(RankError(format!(
                    "index `{id}` is computed per {}; `{label}` is a {} label",
                    index.per.name(),
                    per.name()
                )));
            }
            let label = options.period.clone().or_else(|| latest_window(report, id));
            let rows = by_index(report, id, label.as_deref());
            (index.title.clone(), label, rows)
        }
    };
    rows.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.member.cmp(&b.member)));
    let mut previous: Option<Decimal> = None;
    let mut rank = 0;
    for (place, row) in rows.iter_mut().enumerate() {
        if previous != Some(row.points) {
            rank = place as u32 + 1;
            previous = Some(row.points);
        }
        row.rank = rank;
    }
    for row in &mut rows {
        row.points.rescale(book.unit.decimals);
    }
    if let Some(top) = options.top {
        rows.retain(|r| r.rank <= top);
    }
    Ok(Ranking {
        rulebook: report.rulebook.clone(),
        by: options.by.to_string(),
        title,
        period,
        top: options.top,
        rows,
    })
}

/// Points of every member (of one rule, when given), in one period when given. A
/// member with no award from the rule, or none dated in the period, is not ranked;
/// by total over the whole report every member is (one whose records earned
/// nothing has 0).
fn by_points(report: &Report, rule: Option<&str>, period: Option<(&str, Per)>) -> Vec<RankRow> {
    report
        .members
        .iter()
        .filter_map(|member| {
            let mut points = Decimal::ZERO;
            let mut counted = rule.is_none() && period.is_none();
            let mut provisional = false;
            for award in member.periods.iter().flat_map(|p| &p.awards) {
                if rule.is_some_and(|r| r != award.rule)
                    || period.is_some_and(|(label, per)| per.label(per.window(award.date)) != label)
                {
                    continue;
                }
                points += award.points;
                counted = true;
                provisional |= award.provisional;
            }
            if rule.is_none() && period.is_none() {
                points = member.total;
            }
            counted.then(|| row(member, points, provisional))
        })
        .collect()
}

/// Every member's score of index `id` in the window labelled `label`.
fn by_index(report: &Report, id: &str, label: Option<&str>) -> Vec<RankRow> {
    report
        .members
        .iter()
        .filter_map(|member| {
            let index = member
                .indexes
                .iter()
                .find(|i| i.index == id && Some(i.period.as_str()) == label)?;
            Some(RankRow {
                grade: index.grade.clone(),
                veto: index.veto.clone(),
                ..row(member, index.score, index.provisional)
            })
        })
        .collect()
}

fn row(member: &MemberReport, points: Decimal, provisional: bool) -> RankRow {
    RankRow {
        rank: 0,
        member: member.member.clone(),
        points,
        grade: None,
        veto: None,
        provisional,
    }
}

/// The latest window of index `id` that any member has (labels of one `per` sort
/// by time).
fn latest_window(report: &Report, id: &str) -> Option<String> {
    report
        .members
        .iter()
        .flat_map(|m| &m.indexes)
        .filter(|i| i.index == id)
        .map(|i| i.period.as_str())
        .max()
        .map(str::to_owned)
}

/// The kind of period a label names: `2026-03-14`, `2026-W11`, `2026-03`, `2026-Q1`, `2026`.
pub fn label_per(label: &str) -> Option<Per> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (year, rest) = label.split_at_checked(4)?;
    if !digits(year, 4) {
        return None;
    }
    let Some(rest) = rest.strip_prefix('-') else {
        return rest.is_empty().then_some(Per::Year);
    };
    if let Some(q) = rest.strip_prefix('Q') {
        return matches!(q, "1" | "2" | "3" | "4").then_some(Per::Quarter);
    }
    if let Some(w) = rest.strip_prefix('W') {
        return (digits(w, 2) && ("01"..="53").contains(&w)).then_some(Per::Week);
    }
    let (month, day) = rest.split_once('-').unwrap_or((rest, ""));
    if !digits(month, 2) || !("01"..="12").contains(&month) {
        return None;
    }
    match day {
        "" => Some(Per::Month),
        day if digits(day, 2) && crate::calendar::parse_date(label).is_ok() => Some(Per::Day),
        _ => None,
    }
}

fn unknown<'a>(what: &str, id: &str, ids: impl Iterator<Item = &'a str> + Clone) -> RankError {
    let closest = ids
        .clone()
        .map(|candidate| (strsim::levenshtein(id, candidate), candidate))
        .min()
        .filter(|(distance, _)| *distance <= 3)
        .map(|(_, candidate)| format!("; did you mean `{candidate}`?"));
    let known: Vec<&str> = ids.collect();
    let listed = if known.is_empty() {
        "it has none".to_owned()
    } else {
        format!("it has {}", known.join(", "))
    };
    RankError(format!(
        "the rulebook has no {what} `{id}`{} ({listed})",
        closest.unwrap_or_default()
    ))
}
