//! Ratings: residents rate the member or department that handled their request
//! (1–5); the award goes to the rated `subject`, from a Bayesian average, so that a
//! single 5-star rating does not outrank forty ratings averaging 4.8.
//!
//! ```yaml
//! - id: resident-rating
//!   rating: { when: kind == "rating", value: stars, subject: subject,
//!             scale: [1, 5], prior: { mean: 4, weight: 5 }, min_count: 3 }
//!   per: quarter
//!   points: (score - 3) * 10     # `score` = Bayesian average; `n`, `mean` too
//! ```
//!
//! score = (prior.mean × prior.weight + Σ values) / (prior.weight + n), rounded to 4 places.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::calendar::{Calendar, Per, Window};
use crate::decode::{Decoder, ExprCompiler, MapReader};
use crate::expr::{Context, Env, EvalError, Expr};
use crate::record::Record;
use crate::value::{Type, Value};
use crate::words::{Lang, Words};

use super::kind::{Behaviour, Key, Kind, Shape, expr, per};
use super::{Lets, Outcome, RuleKind};
use crate::json_schema::{self as schema, Json, With};

/// Rating rules as `rules/mod.rs` sees them.
pub(crate) const KIND: Kind = Kind {
    shapes: &[Shape {
        marker: "rating",
        title: "rating",
    }],
    keys: &[
        Key::required("rating", rating_schema),
        Key::optional("per", per),
        Key::required("points", expr),
        Key::optional("let", let_schema),
    ],
    precedence: 2,
    per_record: false,
    reads_let: true,
    hint: "`rating`",
    decode: |decoder, exprs, map, what, context| {
        Rating::decode(decoder, exprs, map, what, context.default_per).map(RuleKind::Rating)
    },
};

/// `rating: { when, value, subject, scale, prior, min_count }`.
fn rating_schema() -> Json {
    let scale = schema::array(schema::number())
        .with("minItems", 2.into())
        .with("maxItems", 2.into());
    let prior = schema::closed(
        &["mean", "weight"],
        vec![("mean", schema::number()), ("weight", schema::number())],
    );
    schema::closed(
        &["when", "value", "subject"],
        vec![
            ("when", expr()),
            ("value", expr()),
            ("subject", expr()),
            ("scale", scale),
            ("prior", prior),
            ("min_count", schema::integer_from(0)),
        ],
    )
}

fn let_schema() -> Json {
    super::lets::schema_described(
        "Named terms of `points:`, computed per subject and window in the group context (they read `score`, `n`, `mean`) and shown by name in traces.",
    )
}

#[derive(Debug)]
pub struct Rating {
    pub when: Expr,
    pub value: Expr,
    pub subject: Expr,
    pub scale: (Decimal, Decimal),
    pub prior_mean: Decimal,
    pub prior_weight: Decimal,
    pub min_count: u32,
    pub per: Per,
    pub points: Expr,
    /// Named terms of `points:`, per subject and window ([`Lets`]).
    pub lets: Lets,
}

/// One subject's ratings in one window: each record and its value.
type Ratings<'r> = Vec<(&'r Record, Decimal)>;

/// The names `points:` of a rating rule may read.
const LOCALS: [(&str, Type); 3] = [("score", Type::Num), ("n", Type::Num), ("mean", Type::Num)];

/// One subject's ratings in one window, and the award they make.
#[derive(Debug)]
pub struct RatingAward<'r> {
    pub subject: Arc<str>,
    pub date: Date,
    pub points: Decimal,
    pub records: Vec<&'r Record>,
    pub explain: String,
    /// The Bayesian average worked out in full.
    pub trace: Option<String>,
    pub provisional: bool,
}

impl Rating {
    pub(crate) fn decode(
        decoder: &mut Decoder,
        exprs: &mut ExprCompiler,
        map: &mut MapReader,
        what: &str,
        default_per: Per,
    ) -> Option<Rating> {
        let node = map.get("rating")?;
        let mut spec = decoder.map(node, &format!("{what}: `rating`"))?;
        let mut expr = |spec: &mut MapReader, decoder: &mut Decoder, key: &str, ty: Type| {
            spec.require(decoder, key).and_then(|n| {
                exprs.compile(
                    decoder,
                    n,
                    &format!("{what}: `rating.{key}`"),
                    Context::Record,
                    &[],
                    Some(ty),
                )
            })
        };
        let when = expr(&mut spec, decoder, "when", Type::Bool);
        let value = expr(&mut spec, decoder, "value", Type::Num);
        let subject = expr(&mut spec, decoder, "subject", Type::Str);
        let scale = match spec.get("scale") {
            Some(node) => match decoder.seq(node, &format!("{what}: `rating.scale`")) {
                Some([lo, hi]) => {
                    let lo = decoder.decimal(lo, "scale");
                    let hi = decoder.decimal(hi, "scale");
                    match (lo, hi) {
                        (Some(lo), Some(hi)) if lo < hi => Some((lo, hi)),
                        (Some(_), Some(_)) => {
                            decoder.error(
                                "bad-range",
                                node.span.clone(),
                                format!("{what}: `scale` must be [low, high]"),
                            );
                            None
                        }
                        _ => None,
                    }
                }
                Some(_) => {
                    decoder.error(
                        "bad-range",
                        node.span.clone(),
                        format!("{what}: `scale` is two numbers, [low, high]"),
                    );
                    None
                }
                None => None,
            },
            None => Some((Decimal::ONE, Decimal::from(5))),
        };
        let (mut prior_mean, mut prior_weight) = (Some(Decimal::ZERO), Some(Decimal::ZERO));
        if let Some(node) = spec.get("prior")
            && let Some(mut prior) = decoder.map(node, &format!("{what}: `rating.prior`"))
        {
            prior_mean = prior
                .require(decoder, "mean")
                .and_then(|n| decoder.decimal(n, "prior `mean`"));
            prior_weight = prior
                .require(decoder, "weight")
                .and_then(|n| decoder.decimal(n, "prior `weight`"));
            if prior_weight.is_some_and(|w| w.is_sign_negative()) {
                decoder.error(
                    "bad-number",
                    node.span.clone(),
                    format!("{what}: prior `weight` cannot be negative"),
                );
            }
            prior.finish(decoder, &["mean", "weight"]);
        }
        let min_count = match spec.get("min_count") {
            Some(n) => decoder.uint(n, &format!("{what}: `rating.min_count`"), 1_000_000),
            None => Some(1),
        };
        spec.finish(
            decoder,
            &["when", "value", "subject", "scale", "prior", "min_count"],
        );
        let per = match map.get("per") {
            Some(node) => super::decode_per(decoder, node, what),
            None => Some(default_per),
        };
        // Terms of `points:` per subject and window, after the per-record expressions.
        let lets = map.get("let").map_or_else(Lets::default, |node| {
            Lets::decode_in(decoder, exprs, node, what, Context::Group, &LOCALS)
        });
        let points = map.require(decoder, "points").and_then(|node| {
            exprs.compile(
                decoder,
                node,
                &format!("{what}: `points`"),
                Context::Group,
                &LOCALS,
                Some(Type::Num),
            )
        });
        Some(Rating {
            when: when?,
            value: value?,
            subject: subject?,
            scale: scale?,
            prior_mean: prior_mean?,
            prior_weight: prior_weight?,
            min_count: min_count?,
            per: per?,
            points: points?,
            lets,
        })
    }

    /// Reads one record: `Ok(None)` when it is not a rating of this rule, an error
    /// message when it is one that cannot count (no subject, a value off the scale).
    pub fn read(&self, env: &Env) -> Result<Option<(Arc<str>, Decimal)>, String> {
        let text = |e: EvalError| e.message;
        if !self.when.eval_bool(env).map_err(text)? {
            return Ok(None);
        }
        let subject = match self.subject.eval(env).map_err(text)? {
            Value::Str(s) if !s.is_empty() => s,
            _ => {
                return Err(format!(
                    "a rating needs a subject: `{}` is missing",
                    self.subject.source().trim()
                ));
            }
        };
        let value = match self.value.eval(env).map_err(text)? {
            Value::Num(v) => v,
            _ => {
                return Err(format!(
                    "a rating needs a value: `{}` is missing",
                    self.value.source().trim()
                ));
            }
        };
        let (lo, hi) = self.scale;
        if value < lo || value > hi {
            return Err(format!(
                "rating {} is outside the scale [{}, {}]",
                value.normalize(),
                lo.normalize(),
                hi.normalize()
            ));
        }
        Ok(Some((subject, value)))
    }

    /// The awards of every subject and window, from ratings already read.
    pub fn awards<'r>(
        &self,
        ratings: &[(&'r Record, Arc<str>, Decimal)],
        as_of: Date,
        calendar: &Calendar,
        words: Words,
    ) -> Result<Vec<RatingAward<'r>>, EvalError> {
        let mut groups: BTreeMap<(Arc<str>, Window), Ratings<'r>> = BTreeMap::new();
        for (record, subject, value) in ratings {
            groups
                .entry((subject.clone(), self.per.window(record.date)))
                .or_default()
                .push((record, *value));
        }
        let mut out = Vec::new();
        for ((subject, window), items) in groups {
            let n = Decimal::from(items.len());
            let sum: Decimal = items.iter().map(|(_, v)| *v).sum();
            let date = window.end.min(as_of);
            let provisional = window.end > as_of;
            let records: Vec<&Record> = items.iter().map(|(r, _)| *r).collect();
            let label = self.per.label(window);
            if items.len() < self.min_count as usize {
                let explain = words.too_few_ratings(items.len(), &label, self.min_count);
                out.push(RatingAward {
                    subject,
                    date,
                    points: Decimal::ZERO,
                    records,
                    explain,
                    trace: None,
                    provisional,
                });
                continue;
            }
            let mean = sum / n;
            // Rounded to 4 places so that a member can redo the sum by hand.
            let score = ((self.prior_mean * self.prior_weight + sum) / (self.prior_weight + n)).round_dp(4);
            let locals = vec![Value::Num(score), Value::Num(n), Value::Num(mean)];
            let mut env = Env {
                record: None,
                member_id: &subject,
                member: &[],
                as_of,
                period: Some(window),
                calendar,
                locals: &[],
                group: None,
            };
            let locals = self.lets.after(&env, locals)?;
            env.locals = &locals;
            let outcome = Outcome::from_points(&self.points, &env, words)?;
            let short = words.rating_short(
                &n.to_string(),
                &label,
                &mean.round_dp(2).normalize().to_string(),
                &score.normalize().to_string(),
                &outcome.points.normalize().to_string(),
            );
            let trace = words.rating(
                &n.to_string(),
                &label,
                &mean.round_dp(2).normalize().to_string(),
                &self.prior_mean.normalize().to_string(),
                &self.prior_weight.normalize().to_string(),
                &sum.normalize().to_string(),
                &score.normalize().to_string(),
                &outcome.explain,
            );
            out.push(RatingAward {
                subject,
                date,
                points: outcome.points,
                records,
                explain: short,
                trace: Some(trace),
                provisional,
            });
        }
        Ok(out)
    }
}

/// This kind's words in both languages.
impl Words {
    /// The Bayesian average, spelled out so that a member can redo it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn rating(
        self,
        n: &str,
        window: &str,
        mean: &str,
        prior_mean: &str,
        prior_weight: &str,
        sum: &str,
        score: &str,
        points: &str,
    ) -> String {
        match self.0 {
            Lang::En => format!(
                "{n} rating(s) in {window}, mean {mean}; Bayesian average with prior {prior_mean} × {prior_weight}: \
                 ({prior_mean} × {prior_weight} + {sum}) / ({prior_weight} + {n}) = {score}; {points}"
            ),
            Lang::Zh => format!(
                "{window} 共 {n} 条评价，平均 {mean}；贝叶斯平均（先验 {prior_mean} × {prior_weight}）：\
                 ({prior_mean} × {prior_weight} + {sum}) / ({prior_weight} + {n}) = {score}；{points}"
            ),
        }
    }

    /// The Bayesian average in short: `4 rating(s) in 2026-Q1, mean 4.75, Bayesian average 4.3333 → 13.333`.
    pub(crate) fn rating_short(self, n: &str, window: &str, mean: &str, score: &str, points: &str) -> String {
        match self.0 {
            Lang::En => {
                format!("{n} rating(s) in {window}, mean {mean}, Bayesian average {score} → {points}")
            }
            Lang::Zh => format!("{window} 共 {n} 条评价，平均 {mean}，贝叶斯平均 {score} → {points}"),
        }
    }

    /// Fewer ratings than `min_count`.
    pub(crate) fn too_few_ratings(self, n: usize, window: &str, min: u32) -> String {
        match self.0 {
            Lang::En => format!("{n} rating(s) in {window}, fewer than the {min} needed: no points"),
            Lang::Zh => format!("{window} 仅 {n} 条评价，少于所需的 {min} 条：不计分"),
        }
    }
}

impl Behaviour for Rating {
    fn rule_refs(&self) -> Vec<String> {
        self.points.rule_refs()
    }

    fn rating(&self) -> Option<&Rating> {
        Some(self)
    }
}
