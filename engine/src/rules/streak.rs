//! Streaks: a run of consecutive `every` windows, each with at least `min` matching
//! records, earns a bonus when the run reaches each `length` — once per run; a new
//! run can earn it again.
//!
//! ```yaml
//! - id: good-deed-streak         # 月行一善
//!   streak: { when: kind == "good_deed", every: month, min: 1 }
//!   bonus: [{ length: 3, points: 5 }, { length: 6, points: 15 }, { length: 12, points: 50 }]
//! ```

use rust_decimal::Decimal;

use crate::calendar::{Per, Window};
use crate::decode::{Decoder, ExprCompiler, MapReader};
use crate::expr::{Context, EvalError, Expr};
use crate::value::Type;

use super::RuleKind;
use super::group::{GroupAward, MemberView, windows};
use super::kind::{Behaviour, Key, Kind, Shape, expr, per};
use crate::json_schema::{self as schema, Json};
use crate::words::{Lang, Words};

/// Streak rules as `rules/mod.rs` sees them.
pub(crate) const KIND: Kind = Kind {
    shapes: &[Shape {
        marker: "streak",
        title: "streak",
    }],
    keys: &[
        Key::required("streak", streak_schema),
        Key::required("bonus", bonus_schema),
    ],
    precedence: 3,
    per_record: false,
    reads_let: false,
    hint: "`streak`",
    decode: |decoder, exprs, map, what, context| {
        Streak::decode(decoder, exprs, map, what, context.default_per).map(RuleKind::Streak)
    },
};

/// `streak: { when, every, min }`.
fn streak_schema() -> Json {
    schema::closed(
        &["when"],
        vec![
            ("when", expr()),
            ("every", per()),
            ("min", schema::integer_from(1)),
        ],
    )
}

/// `bonus: [{ length, points }]`.
fn bonus_schema() -> Json {
    schema::array(schema::closed(
        &["length", "points"],
        vec![("length", schema::integer_from(1)), ("points", schema::number())],
    ))
}

#[derive(Debug)]
pub struct Streak {
    pub when: Expr,
    pub every: Per,
    pub min: u32,
    /// `(length, points)`, sorted by length.
    pub bonus: Vec<(u32, Decimal)>,
}

impl Streak {
    pub(crate) fn decode(
        decoder: &mut Decoder,
        exprs: &mut ExprCompiler,
        map: &mut MapReader,
        what: &str,
        default_per: Per,
    ) -> Option<Streak> {
        let node = map.get("streak")?;
        let mut spec = decoder.map(node, &format!("{what}: `streak`"))?;
        let when = spec.require(decoder, "when").and_then(|n| {
            exprs.compile(
                decoder,
                n,
                &format!("{what}: `streak.when`"),
                Context::Record,
                &[],
                Some(Type::Bool),
            )
        });
        let every = match spec.get("every") {
            Some(n) => super::decode_per(decoder, n, what),
            None => Some(default_per),
        };
        let min = match spec.get("min") {
            Some(n) => decoder.uint(n, &format!("{what}: `streak.min`"), 1_000_000),
            None => Some(1),
        };
        spec.finish(decoder, &["when", "every", "min"]);
        let mut bonus = Vec::new();
        if let Some(node) = map.require(decoder, "bonus") {
            for item in decoder.one_or_many(node) {
                let Some(mut entry) = decoder.map(item, &format!("{what}: `bonus`")) else {
                    continue;
                };
                let length = entry
                    .require(decoder, "length")
                    .and_then(|n| decoder.uint(n, "bonus `length`", 10_000));
                let points = entry
                    .require(decoder, "points")
                    .and_then(|n| decoder.decimal(n, "bonus `points`"));
                entry.finish(decoder, &["length", "points"]);
                if let (Some(length), Some(points)) = (length, points) {
                    if length == 0 {
                        decoder.error(
                            "bad-number",
                            item.span.clone(),
                            format!("{what}: a streak `length` starts at 1"),
                        );
                    }
                    bonus.push((length, points));
                }
            }
        }
        bonus.sort_by_key(|b| b.0);
        if every == Some(Per::Lifetime) {
            decoder.error(
                "bad-period",
                node.span.clone(),
                format!("{what}: a streak needs a repeating period, not `lifetime`"),
            );
            return None;
        }
        Some(Streak {
            when: when?,
            every: every?,
            min: min?,
            bonus,
        })
    }

    /// Walks the windows from the member's first matching record to `as_of`.
    pub fn evaluate(&self, view: &MemberView, used: &mut [bool]) -> Result<Vec<GroupAward>, EvalError> {
        let mut qualifying: Vec<(Window, Vec<usize>)> = Vec::new();
        for (window, range) in windows(self.every, view.records) {
            let mut matched = Vec::new();
            for i in range {
                if self.when.eval_bool(&view.record_env(view.records[i], window))? {
                    matched.push(i);
                }
            }
            for &i in &matched {
                used[i] = true;
            }
            if matched.len() >= self.min as usize {
                qualifying.push((window, matched));
            }
        }
        let mut awards = Vec::new();
        let mut run: Vec<&(Window, Vec<usize>)> = Vec::new();
        for entry in &qualifying {
            let consecutive = run
                .last()
                .is_some_and(|(last, _)| self.every.next(*last) == Some(entry.0));
            if !consecutive {
                run.clear();
            }
            run.push(entry);
            let length = run.len() as u32;
            for (bonus_length, points) in &self.bonus {
                if *bonus_length == length {
                    let labels: Vec<String> = run.iter().map(|(w, _)| self.every.label(*w)).collect();
                    let explain = view.words.streak(
                        length,
                        self.every.name(),
                        self.min,
                        self.when.source().trim(),
                        &shorten(&labels),
                        &points.normalize().to_string(),
                    );
                    let records: Vec<usize> = run.iter().flat_map(|(_, r)| r.iter().copied()).collect();
                    let brief = view.words.streak_short(
                        length,
                        self.every.name(),
                        &shorten_ends(&labels),
                        &points.normalize().to_string(),
                    );
                    awards.push(
                        GroupAward::new(entry.0, view.as_of, *points, records, brief).with_trace(explain),
                    );
                }
            }
        }
        Ok(awards)
    }
}

/// `2026-05 … 2026-10`: a run by its ends.
fn shorten_ends(labels: &[String]) -> String {
    match labels {
        [] => String::new(),
        [one] => one.clone(),
        [first, last] => format!("{first}, {last}"),
        [first, .., last] => format!("{first} … {last}"),
    }
}

/// `2026-01, 2026-02, …, 2026-12` for long runs.
fn shorten(labels: &[String]) -> String {
    if labels.len() <= 4 {
        return labels.join(", ");
    }
    format!("{}, {}, …, {}", labels[0], labels[1], labels[labels.len() - 1])
}

/// This kind's words in both languages.
impl Words {
    /// `3 consecutive months with at least 1 `kind == "good_deed"`: 2026-01, … → 10`.
    pub(crate) fn streak(
        self,
        length: u32,
        every: &str,
        min: u32,
        when: &str,
        windows: &str,
        points: &str,
    ) -> String {
        match self.0 {
            Lang::En => {
                format!("{length} consecutive {every}s with at least {min} `{when}`: {windows} → {points}")
            }
            Lang::Zh => {
                let unit = zh_unit(every);
                format!("连续 {length} {unit}每期至少 {min} 条 `{when}`：{windows} → {points}")
            }
        }
    }

    /// `连续 6 个月（2026-05 … 2026-10）→ 15`.
    pub(crate) fn streak_short(self, length: u32, every: &str, windows: &str, points: &str) -> String {
        match self.0 {
            Lang::En => format!("{length} {every}s in a row ({windows}) → {points}"),
            Lang::Zh => {
                let unit = zh_unit(every);
                format!("连续 {length} {unit}（{windows}）→ {points}")
            }
        }
    }
}

/// How Chinese counts windows of `every` (`个月` for months).
fn zh_unit(every: &str) -> &'static str {
    match every {
        "day" => "天",
        "week" => "周",
        "month" => "个月",
        "quarter" => "个季度",
        _ => "年",
    }
}

impl Behaviour for Streak {
    fn evaluate_group(&self, view: &MemberView, used: &mut [bool]) -> Result<Vec<GroupAward>, EvalError> {
        self.evaluate(view, used)
    }
}
