//! Composite indexes: the "initial mission" index (初心使命指数) and its kin.
//!
//! ```yaml
//! indexes:
//!   - id: initial-mission
//!     per: quarter
//!     dimensions:
//!       - { id: study,   weight: 25, rules: [party-study], full: 40 }
//!       - { id: conduct, weight: 20, base: 100, rules: [discipline], full: 100 }
//!     grades: [{ min: 90, label: 优秀 }, { min: 60, label: 合格 }, { label: 不合格 }]
//!     veto:
//!       - { when: count(kind == "violation") > 0, grade: 不合格, reason: 一票否决 }
//! ```
//!
//! Per window of `per`: dimension = clamp((base + points of its rules and tags) / full,
//! 0, 1) × 100; index = Σ weight·dimension / Σ weight, rounded to `unit.decimals`;
//! grade = the first band whose `min` ≤ index; a matching veto forces its grade (the
//! score is kept) and is shown with its reason.
//!
//! This file is the model and its decoding, below the rulebook; the evaluation is
//! `eval/index.rs`.

use rust_decimal::Decimal;

use crate::calendar::Per;
use crate::decode::{Decoder, ExprCompiler};
use crate::expr::{Context, Expr};
use crate::rules::Rule;
use crate::value::Type;
use crate::yaml::Node;

#[derive(Debug)]
pub struct Index {
    pub id: String,
    pub title: Option<String>,
    pub per: Per,
    pub dimensions: Vec<Dimension>,
    pub grades: Vec<Grade>,
    pub vetoes: Vec<Veto>,
}

#[derive(Debug)]
pub struct Dimension {
    pub id: String,
    /// How explanations name the dimension (its id when absent).
    pub title: Option<String>,
    pub weight: Decimal,
    pub rules: Vec<String>,
    pub tags: Vec<String>,
    pub full: Decimal,
    pub base: Decimal,
}

#[derive(Debug)]
pub struct Grade {
    /// `None`: the catch-all band.
    pub min: Option<Decimal>,
    pub label: String,
}

#[derive(Debug)]
pub struct Veto {
    pub when: Expr,
    pub grade: String,
    pub reason: String,
}

impl Dimension {
    /// Whether `rule`'s points count towards this dimension.
    pub fn counts(&self, rule: &Rule) -> bool {
        self.rules.contains(&rule.id) || rule.tags.iter().any(|t| self.tags.contains(t))
    }
}

pub(crate) fn decode(
    decoder: &mut Decoder,
    exprs: &mut ExprCompiler,
    node: &Node,
    rules: &[Rule],
    default_per: Per,
) -> Vec<Index> {
    let mut out = Vec::new();
    let Some(items) = decoder.seq(node, "`indexes`") else {
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(index) = decode_one(decoder, exprs, item, i, rules, default_per) {
            if out.iter().any(|x: &Index| x.id == index.id) {
                decoder.error(
                    "duplicate-index",
                    item.span.start..item.span.start,
                    format!("index `{}` is defined twice", index.id),
                );
            }
            out.push(index);
        }
    }
    out
}

fn decode_one(
    decoder: &mut Decoder,
    exprs: &mut ExprCompiler,
    node: &Node,
    position: usize,
    rules: &[Rule],
    default_per: Per,
) -> Option<Index> {
    let mut map = decoder.map(node, &format!("index {}", position + 1))?;
    let id = map
        .require(decoder, "id")
        .and_then(|n| decoder.ident(n, "index id"));
    let what = id
        .as_ref()
        .map_or_else(|| format!("index {}", position + 1), |id| format!("index `{id}`"));
    map.rename(&what);
    let title = map
        .get("title")
        .and_then(|n| decoder.string(n, &format!("{what}: `title`")));
    map.get("description");
    let per = match map.get("per") {
        Some(node) => crate::rules::decode_per(decoder, node, &what),
        None => Some(default_per),
    };
    let mut dimensions = Vec::new();
    if let Some(node) = map.require(decoder, "dimensions") {
        for item in decoder
            .seq(node, &format!("{what}: `dimensions`"))
            .unwrap_or_default()
        {
            if let Some(d) = decode_dimension(decoder, item, &what, rules) {
                dimensions.push(d);
            }
        }
    }
    if dimensions.iter().map(|d| d.weight).sum::<Decimal>().is_zero() && !dimensions.is_empty() {
        decoder.error(
            "zero-weight",
            map.span.start..map.span.start,
            format!("{what}: the dimensions' weights sum to 0"),
        );
    }
    let mut grades = Vec::new();
    if let Some(node) = map.get("grades") {
        for item in decoder
            .seq(node, &format!("{what}: `grades`"))
            .unwrap_or_default()
        {
            let Some(mut g) = decoder.map(item, &format!("{what}: grade")) else {
                continue;
            };
            let min = g
                .get("min")
                .and_then(|n| decoder.decimal(n, &format!("{what}: grade `min`")));
            let label = g
                .require(decoder, "label")
                .and_then(|n| decoder.string(n, &format!("{what}: grade `label`")));
            g.finish(decoder, &["min", "label"]);
            if let Some(label) = label {
                grades.push(Grade { min, label });
            }
        }
    }
    let mut vetoes = Vec::new();
    if let Some(node) = map.get("veto") {
        for item in decoder.one_or_many(node) {
            let Some(mut v) = decoder.map(item, &format!("{what}: veto")) else {
                continue;
            };
            let when = v.require(decoder, "when").and_then(|n| {
                exprs.compile(
                    decoder,
                    n,
                    &format!("{what}: veto `when`"),
                    Context::Group,
                    &[],
                    Some(Type::Bool),
                )
            });
            let grade_node = v.require(decoder, "grade");
            let grade = grade_node.and_then(|n| decoder.string(n, &format!("{what}: veto `grade`")));
            let reason = v
                .get("reason")
                .and_then(|n| decoder.string(n, &format!("{what}: veto `reason`")));
            v.finish(decoder, &["when", "grade", "reason"]);
            if let (Some(grade), Some(node)) = (&grade, grade_node)
                && !grades.is_empty()
                && !grades.iter().any(|g| &g.label == grade)
            {
                let labels: Vec<&str> = grades.iter().map(|g| g.label.as_str()).collect();
                decoder
                    .error(
                        "unknown-grade",
                        node.span.clone(),
                        format!("{what}: veto grade `{grade}` is not one of the grades"),
                    )
                    .help = Some(format!("grades are {}", labels.join(", ")));
            }
            if let (Some(when), Some(grade)) = (when, grade) {
                let reason = reason.unwrap_or_else(|| "veto".to_owned());
                vetoes.push(Veto { when, grade, reason });
            }
        }
    }
    map.finish(
        decoder,
        &[
            "id",
            "title",
            "description",
            "per",
            "dimensions",
            "grades",
            "veto",
        ],
    );
    Some(Index {
        id: id?,
        title,
        per: per?,
        dimensions,
        grades,
        vetoes,
    })
}

fn decode_dimension(decoder: &mut Decoder, node: &Node, what: &str, rules: &[Rule]) -> Option<Dimension> {
    let mut map = decoder.map(node, &format!("{what}: dimension"))?;
    let id = map
        .require(decoder, "id")
        .and_then(|n| decoder.ident(n, "dimension id"));
    let label = format!("{what}: dimension `{}`", id.as_deref().unwrap_or("?"));
    let weight = map
        .require(decoder, "weight")
        .and_then(|n| decoder.decimal(n, &format!("{label}: `weight`")));
    let full = map
        .require(decoder, "full")
        .and_then(|n| decoder.decimal(n, &format!("{label}: `full`")));
    let base = map.get("base").map_or(Some(Decimal::ZERO), |n| {
        decoder.decimal(n, &format!("{label}: `base`"))
    });
    let mut named = |key: &str, known: &dyn Fn(&str) -> bool, candidates: Vec<&str>| -> Vec<String> {
        let Some(node) = map.get(key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, span) in decoder.strings(node, &format!("{label}: `{key}`")) {
            if known(&name) {
                out.push(name);
            } else {
                let diagnostic = decoder.error(
                    if key == "rules" {
                        "unknown-rule"
                    } else {
                        "unknown-tag"
                    },
                    span,
                    format!(
                        "{label}: no rule {} `{name}`",
                        if key == "rules" {
                            "has the id"
                        } else {
                            "has the tag"
                        }
                    ),
                );
                if let Some(close) = crate::diagnostic::did_you_mean(&name, candidates.iter().copied()) {
                    diagnostic.help = Some(format!("did you mean `{close}`?"));
                }
            }
        }
        out
    };
    let rule_ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let tags: Vec<&str> = rules
        .iter()
        .flat_map(|r| r.tags.iter().map(String::as_str))
        .collect();
    let dim_rules = named("rules", &|n| rule_ids.contains(&n), rule_ids.clone());
    let dim_tags = named("tags", &|n| tags.contains(&n), tags.clone());
    if !map.has("rules") && !map.has("tags") {
        decoder.error(
            "empty-dimension",
            map.span.start..map.span.start,
            format!("{label} needs `rules` or `tags`"),
        );
    }
    if full.is_some_and(|f| f <= Decimal::ZERO) {
        decoder.error(
            "bad-number",
            map.span.start..map.span.start,
            format!("{label}: `full` must be above 0"),
        );
        return None;
    }
    let title = map
        .get("title")
        .and_then(|n| decoder.string(n, &format!("{label}: `title`")));
    map.finish(
        decoder,
        &["id", "title", "weight", "rules", "tags", "full", "base"],
    );
    Some(Dimension {
        id: id?,
        title,
        weight: weight?,
        rules: dim_rules,
        tags: dim_tags,
        full: full?,
        base: base?,
    })
}
