//! Group rules over a measure of the member's records in each window of `per`:
//! `count: PRED`, `sum: EXPR` or `avg: EXPR` (records filtered by `when:`), then
//! `tiers` (the highest tier reached) or `points:` reading the measure.
//!
//! ```yaml
//! - id: micro-wishes
//!   count: kind == "micro_wish" and status == "fulfilled"
//!   per: year
//!   tiers: [{ at: 3, points: 10 }, { at: 10, points: 40 }]
//! - id: service-hours
//!   when: kind == "volunteer"
//!   sum: hours
//!   points: sum * 2        # `sum` (or `value`) is the measure; `n` counts the records
//! ```

use rust_decimal::Decimal;

use crate::calendar::Per;
use crate::decode::{Decoder, ExprCompiler, MapReader};
use crate::expr::{Context, EvalError, Expr};
use crate::value::{Type, Value};
use crate::yaml::Node;

use super::kind::{Behaviour, Key, Kind, Shape, expr, per};
use super::{Lets, RuleKind};
use crate::json_schema::{self as schema, Json};
use crate::words::{Lang, Words};

/// `count`/`sum`/`avg` rules as `rules/mod.rs` sees them.
pub(crate) const KIND: Kind = Kind {
    shapes: &[
        Shape {
            marker: "count",
            title: "count rule",
        },
        Shape {
            marker: "sum",
            title: "sum rule",
        },
        Shape {
            marker: "avg",
            title: "avg rule",
        },
    ],
    keys: &[
        Key::required("count", expr),
        Key::required("sum", expr),
        Key::required("avg", expr),
        Key::optional("when", expr),
        Key::optional("per", per),
        Key::optional("tiers", tiers_schema),
        Key::optional("points", expr),
        Key::optional("let", let_schema),
    ],
    precedence: 5,
    per_record: false,
    reads_let: true,
    hint: "`count`/`sum`/`avg` (with `tiers` or `points`)",
    decode: |decoder, exprs, map, what, context| {
        MeasureRule::decode(decoder, exprs, map, what, context.default_per).map(RuleKind::Measure)
    },
};

/// `tiers: [{ at, points }]`.
fn tiers_schema() -> Json {
    schema::array(schema::closed(
        &["at", "points"],
        vec![("at", schema::number()), ("points", schema::number())],
    ))
}

fn let_schema() -> Json {
    super::lets::schema_described(
        "Named terms of `points:`, computed per window in the group context (they read the measure and `n`) and shown by name in traces.",
    )
}
use super::group::{GroupAward, MemberView, WindowGroup, windows};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Count,
    Sum,
    Avg,
}

impl Measure {
    fn name(self) -> &'static str {
        match self {
            Measure::Count => "count",
            Measure::Sum => "sum",
            Measure::Avg => "avg",
        }
    }
}

/// One `{ at, points }` step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tier {
    pub at: Decimal,
    pub points: Decimal,
}

#[derive(Debug)]
pub enum Payout {
    /// The highest tier reached, tiers sorted by `at`.
    Tiers(Vec<Tier>),
    /// An expression of the measure (`value`, and `count`/`sum`/`avg`, `n`).
    Points(Expr),
}

#[derive(Debug)]
pub struct MeasureRule {
    pub measure: Measure,
    pub when: Option<Expr>,
    /// The predicate (`count`) or the value (`sum`, `avg`) per record.
    pub expr: Expr,
    pub per: Per,
    pub payout: Payout,
    /// Named terms of `points:`, computed per window ([`Lets`]).
    pub lets: Lets,
}

impl MeasureRule {
    /// Names `points:` may read.
    fn locals(measure: Measure) -> [(&'static str, Type); 3] {
        [
            (measure.name(), Type::Num),
            ("value", Type::Num),
            ("n", Type::Num),
        ]
    }

    pub(crate) fn decode(
        decoder: &mut Decoder,
        exprs: &mut ExprCompiler,
        map: &mut MapReader,
        what: &str,
        default_per: Per,
    ) -> Option<MeasureRule> {
        let (measure, node) = [Measure::Count, Measure::Sum, Measure::Avg]
            .into_iter()
            .find_map(|m| map.get(m.name()).map(|n| (m, n)))?;
        let (expected, label) = match measure {
            Measure::Count => (Type::Bool, "`count`"),
            Measure::Sum => (Type::Num, "`sum`"),
            Measure::Avg => (Type::Num, "`avg`"),
        };
        let expr = exprs.compile(
            decoder,
            node,
            &format!("{what}: {label}"),
            Context::Record,
            &[],
            Some(expected),
        );
        let when = exprs.when(decoder, map, what);
        let per = match map.get("per") {
            Some(node) => super::decode_per(decoder, node, what)?,
            None => default_per,
        };
        let locals = MeasureRule::locals(measure);
        let lets = match (map.get("let"), map.get("points")) {
            (Some(node), Some(_)) => Lets::decode_in(decoder, exprs, node, what, Context::Group, &locals),
            (Some(node), None) => {
                decoder
                    .error(
                        "let-without-points",
                        node.span.clone(),
                        format!("{what}: `let` names terms of `points:`, and this rule has none"),
                    )
                    .help = Some("write `points:` reading the names, or remove `let`".into());
                Lets::default()
            }
            (None, _) => Lets::default(),
        };
        let payout = match (map.get("tiers"), map.get("points")) {
            (Some(tiers), None) => Payout::Tiers(decode_tiers(decoder, tiers, what)?),
            (None, Some(points)) => Payout::Points(exprs.compile(
                decoder,
                points,
                &format!("{what}: `points`"),
                Context::Group,
                &locals,
                Some(Type::Num),
            )?),
            (Some(_), Some(_)) => {
                decoder.error(
                    "tiers-and-points",
                    map.span.start..map.span.start,
                    format!("{what} has both `tiers` and `points`; keep one"),
                );
                return None;
            }
            (None, None) => {
                decoder
                    .error(
                        "missing-key",
                        map.span.start..map.span.start,
                        format!("{what} needs `tiers` or `points`"),
                    )
                    .help = Some(format!(
                    "e.g. `tiers: [{{ at: 3, points: 10 }}]` or `points: {} * 2`",
                    measure.name()
                ));
                return None;
            }
        };
        let when = when.ok()?;
        Some(MeasureRule {
            measure,
            when,
            expr: expr?,
            per,
            payout,
            lets,
        })
    }

    /// The awards of every window of the member's records, and which records the
    /// rule used.
    pub fn evaluate(&self, view: &MemberView, used: &mut [bool]) -> Result<Vec<GroupAward>, EvalError> {
        let mut awards = Vec::new();
        for (window, range) in windows(self.per, view.records) {
            let mut matched = Vec::new();
            let mut values = Vec::new();
            for i in range.clone() {
                let env = view.record_env(view.records[i], window);
                if let Some(when) = &self.when
                    && !when.eval_bool(&env)?
                {
                    continue;
                }
                match self.measure {
                    Measure::Count => {
                        if self.expr.eval_bool(&env)? {
                            matched.push(i);
                        }
                    }
                    Measure::Sum | Measure::Avg => {
                        matched.push(i);
                        if let Value::Num(v) = self.expr.eval(&env)? {
                            values.push(v);
                        }
                    }
                }
            }
            if matched.is_empty() {
                continue;
            }
            for &i in &matched {
                used[i] = true;
            }
            let n = Decimal::from(matched.len());
            let measure = match self.measure {
                Measure::Count => Some(n),
                Measure::Sum => Some(
                    values
                        .iter()
                        .try_fold(Decimal::ZERO, |a, v| a.checked_add(*v))
                        .ok_or_else(overflow)?,
                ),
                Measure::Avg if values.is_empty() => None,
                Measure::Avg => {
                    let sum = values
                        .iter()
                        .try_fold(Decimal::ZERO, |a, v| a.checked_add(*v))
                        .ok_or_else(overflow)?;
                    sum.checked_div(Decimal::from(values.len()))
                }
            };
            let value = measure.map_or("null".to_owned(), |m| m.normalize().to_string());
            let shown = view.words.measure(
                &format!("{}({})", self.measure.name(), self.expr.source().trim()),
                &value,
                &self.per.label(window),
            );
            let brief = view
                .words
                .measure_short(self.measure.name(), &value, &self.per.label(window));
            let award = match &self.payout {
                Payout::Tiers(tiers) => {
                    let Some(measure) = measure else { continue };
                    let Some(tier) = tiers.iter().rev().find(|t| measure >= t.at) else {
                        continue;
                    };
                    let next = tiers
                        .iter()
                        .find(|t| t.at > measure)
                        .map(|t| (t.at.normalize().to_string(), t.points.normalize().to_string()));
                    let tier_text = view.words.tier(
                        &tier.at.normalize().to_string(),
                        &tier.points.normalize().to_string(),
                        next,
                    );
                    let explain = format!("{shown}: {tier_text}");
                    GroupAward::new(
                        window,
                        view.as_of,
                        tier.points,
                        matched,
                        format!("{brief}{tier_text}"),
                    )
                    .with_trace(explain)
                }
                Payout::Points(expr) => {
                    let locals = vec![
                        measure.map_or(Value::Null, Value::Num),
                        measure.map_or(Value::Null, Value::Num),
                        Value::Num(n),
                    ];
                    let group = WindowGroup {
                        records: view.records[range].to_vec(),
                        window,
                        awarded: view.awarded,
                    };
                    let locals = self.lets.after(&view.env(window, &group, &[]), locals)?;
                    let env = view.env(window, &group, &locals);
                    let outcome = super::Outcome::from_points(expr, &env, view.words)?;
                    GroupAward::new(
                        window,
                        view.as_of,
                        outcome.points,
                        matched,
                        format!("{brief}{}", outcome.short),
                    )
                    .with_trace(format!("{shown}: {}", outcome.explain))
                }
            };
            awards.push(award);
        }
        Ok(awards)
    }
}

fn overflow() -> EvalError {
    EvalError::new(crate::expr::EvalErrorKind::Overflow, "decimal overflow in a sum")
}

fn decode_tiers(decoder: &mut Decoder, node: &Node, what: &str) -> Option<Vec<Tier>> {
    let mut tiers = Vec::new();
    for item in decoder.one_or_many(node) {
        let mut map = decoder.map(item, &format!("{what}: tier"))?;
        let at = map
            .require(decoder, "at")
            .and_then(|n| decoder.decimal(n, &format!("{what}: tier `at`")));
        let points = map
            .require(decoder, "points")
            .and_then(|n| decoder.decimal(n, &format!("{what}: tier `points`")));
        map.finish(decoder, &["at", "points"]);
        tiers.push(Tier {
            at: at?,
            points: points?,
        });
    }
    tiers.sort_by_key(|t| t.at);
    if tiers.windows(2).any(|w| w[0].at == w[1].at) {
        decoder.error(
            "duplicate-tier",
            node.span.clone(),
            format!("{what}: two tiers start at the same `at`"),
        );
        return None;
    }
    Some(tiers)
}

/// This kind's words in both languages.
impl Words {
    /// `count(…)=4 in 2026`.
    pub(crate) fn measure(self, measured: &str, value: &str, window: &str) -> String {
        match self.0 {
            Lang::En => format!("{measured}={value} in {window}"),
            Lang::Zh => format!("{window} {measured}={value}"),
        }
    }

    /// `tier at 3 → 10 (next tier at 10 → 40)`.
    pub(crate) fn tier(self, at: &str, points: &str, next: Option<(String, String)>) -> String {
        let mut text = match self.0 {
            Lang::En => format!("tier at {at} → {points}"),
            Lang::Zh => format!("达到 {at} 档 → {points}"),
        };
        if let Some((at, points)) = next {
            text.push_str(&match self.0 {
                Lang::En => format!(" (next tier at {at} → {points})"),
                Lang::Zh => format!("（下一档 {at} → {points}）"),
            });
        }
        text
    }

    /// `count 3 in 2026: ` / `2026 共 3 条：`, before a tier or a formula.
    pub(crate) fn measure_short(self, measure: &str, value: &str, window: &str) -> String {
        match (self.0, measure) {
            (Lang::En, _) => format!("{measure} {value} in {window}: "),
            (Lang::Zh, "count") => format!("{window} 共 {value} 条："),
            (Lang::Zh, "sum") => format!("{window} 合计 {value}："),
            (Lang::Zh, _) => format!("{window} 平均 {value}："),
        }
    }
}

impl Behaviour for MeasureRule {
    fn evaluate_group(&self, view: &MemberView, used: &mut [bool]) -> Result<Vec<GroupAward>, EvalError> {
        self.evaluate(view, used)
    }

    fn rule_refs(&self) -> Vec<String> {
        match &self.payout {
            Payout::Points(expr) => expr.rule_refs(),
            _ => Vec::new(),
        }
    }
}
