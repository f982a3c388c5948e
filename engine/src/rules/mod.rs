//! Rules turn records into awards. Each rule kind lives in its own file with its
//! decoding, its evaluation and its wording; this module holds what all kinds share:
//! ids, titles, tags, effective dates and caps.

mod caps;
mod group;
mod lets;
mod measure;
mod order;
mod points;
mod rating;
#[cfg(feature = "script")]
mod script;
/// Script rules in a build without rhai: they do not load, saying why.
#[cfg(not(feature = "script"))]
#[path = "script_absent.rs"]
mod script;
mod script_limits;
mod sentence;
mod streak;
mod table;
mod why_not;
mod zen;

use std::ops::Range;

use jiff::civil::Date;

use crate::calendar::{Per, parse_date};
use crate::decode::{Decoder, ExprCompiler, MapReader};
use crate::yaml::Node;

pub(crate) use caps::decode_per;
pub use caps::{Amount, Bound, Cap, CapState, to_steps};
pub use group::{GroupAward, MemberView, WindowGroup, windows};
pub use lets::Lets;
pub use measure::{MeasureRule, Payout};
pub(crate) use order::{check_versions, evaluation_order};
pub use points::Points;
pub use rating::{Rating, RatingAward};
pub use script::{Script, ScriptContext, ScriptLimits};
pub use sentence::Sentence;
pub use streak::Streak;
pub use table::Table;

use rust_decimal::Decimal;

use crate::expr::{Env, EvalError, Expr};
use crate::value::Value;
use crate::words::Words;

/// One rule of a rulebook.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub title: Option<String>,
    /// What the rule is for, in the rulebook's words; shown by `--explain`.
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// The dates on which the rule is in force; a record dated outside is not seen by it.
    pub effective: Effective,
    /// Bounds on what the rule awards one member in each window.
    pub caps: Vec<Cap>,
    pub kind: RuleKind,
    /// `let:` terms, read by the rule's expressions as locals (per-record kinds).
    pub lets: Lets,
    /// `explain:`: the sentence of each award (per-record kinds).
    pub sentence: Option<Sentence>,
    /// The top-level `and` operands of `when`, each with its source (per-record
    /// kinds): why a record did not count names the first that was not true.
    pub conditions: Vec<(String, Expr)>,
    /// Where the rule is written, for diagnostics.
    pub span: Range<usize>,
}

/// What a rule does.
#[derive(Debug)]
pub enum RuleKind {
    /// `when` + `points`: one award per matching record.
    Points(Points),
    /// A decision table: one award per record that a row matches.
    Table(Table),
    /// `count`/`sum`/`avg` of the member's records in each window, then tiers or points.
    Measure(MeasureRule),
    /// A bonus for runs of consecutive windows with matching records.
    Streak(Streak),
    /// Ratings of a subject by other members, as a Bayesian average.
    Rating(Rating),
    /// A rhai script called per member per window.
    Script(Script),
}

impl RuleKind {
    /// The award one record earns, for kinds that award record by record;
    /// `Ok(None)` when the record does not match.
    pub fn evaluate_record(&self, env: &Env, words: Words) -> Result<Option<Outcome>, EvalError> {
        match self {
            RuleKind::Points(points) => points.evaluate(env, words),
            RuleKind::Table(table) => table.evaluate(env, words),
            _ => Ok(None),
        }
    }

    /// The points [`RuleKind::evaluate_record`] awards, without the explanation.
    pub fn record_points(&self, env: &Env) -> Result<Option<Decimal>, EvalError> {
        match self {
            RuleKind::Points(points) => points.points(env),
            RuleKind::Table(table) => table.points(env),
            _ => Ok(None),
        }
    }

    /// [`RuleKind::record_points`] over a batch of records through the expressions'
    /// fixed-point kernels, when the rule has them (see [`Points::points_batch`]).
    pub(crate) fn record_points_batch(
        &self,
        records: &[&crate::record::Record],
        out: &mut Vec<Option<Decimal>>,
        unfit: &mut [bool],
    ) -> bool {
        match self {
            RuleKind::Points(points) => points.points_batch(records, out, unfit),
            _ => false,
        }
    }

    /// Whether the rule awards record by record (rather than per window).
    pub fn is_per_record(&self) -> bool {
        matches!(self, RuleKind::Points(_) | RuleKind::Table(_))
    }

    /// The awards of a per-member group rule over one member's records.
    pub fn evaluate_group(&self, view: &MemberView, used: &mut [bool]) -> Result<Vec<GroupAward>, EvalError> {
        match self {
            RuleKind::Measure(rule) => rule.evaluate(view, used),
            RuleKind::Streak(rule) => rule.evaluate(view, used),
            RuleKind::Script(rule) => Ok(rule.evaluate(view)),
            _ => Ok(Vec::new()),
        }
    }

    /// Rule ids this rule reads through `points("…")`.
    pub fn rule_refs(&self) -> Vec<String> {
        match self {
            RuleKind::Measure(MeasureRule {
                payout: Payout::Points(expr),
                ..
            }) => expr.rule_refs(),
            RuleKind::Rating(rating) => rating.points.rule_refs(),
            _ => Vec::new(),
        }
    }

    /// The keys a rule of this kind may have beside the common ones.
    fn keys(&self) -> &'static [&'static str] {
        match self {
            RuleKind::Points(_) => Points::KEYS,
            RuleKind::Table(_) => Table::KEYS,
            RuleKind::Measure(_) => MeasureRule::KEYS,
            RuleKind::Streak(_) => Streak::KEYS,
            RuleKind::Rating(_) => Rating::KEYS,
            RuleKind::Script(_) => Script::KEYS,
        }
    }
}

impl Rule {
    /// The award one record earns ([`RuleKind::evaluate_record`] with the rule's
    /// `let` terms in scope), with its sentence when the rule has a template.
    pub fn evaluate_record(&self, env: &Env, words: Words) -> Result<Option<Outcome>, EvalError> {
        if self.lets.is_empty() && self.sentence.is_none() {
            return self.kind.evaluate_record(env, words);
        }
        let values = self.lets.values(env)?;
        let env = Env {
            locals: &values,
            ..*env
        };
        let Some(mut outcome) = self.kind.evaluate_record(&env, words)? else {
            return Ok(None);
        };
        if let Some(sentence) = &self.sentence {
            outcome.sentence = Some(sentence.render(&env, words.0));
        }
        Ok(Some(outcome))
    }

    /// The points [`Rule::evaluate_record`] awards, without the explanation.
    pub fn record_points(&self, env: &Env) -> Result<Option<Decimal>, EvalError> {
        if self.lets.is_empty() {
            return self.kind.record_points(env);
        }
        let values = self.lets.values(env)?;
        self.kind.record_points(&Env {
            locals: &values,
            ..*env
        })
    }

    /// Whether `record_points_batch` may skip the `let` terms: only when there are none.
    pub(crate) fn record_points_batch(
        &self,
        records: &[&crate::record::Record],
        out: &mut Vec<Option<Decimal>>,
        unfit: &mut [bool],
    ) -> bool {
        self.lets.is_empty() && self.kind.record_points_batch(records, out, unfit)
    }
}

/// What one rule makes of one record (or one group), before rounding and caps.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub points: Decimal,
    /// The formula with its values: `min(hours=3.5, 8) * 10 = 35` (the award's `trace`).
    pub explain: String,
    /// The short trace (only the branch an `if` took, no date values): the award's
    /// `explain` when the rule has no template.
    pub short: String,
    /// The rule's `explain:` template filled in, without the points.
    pub sentence: Option<String>,
}

impl Outcome {
    /// Evaluates a points expression; a null result (a missing field) is 0 points
    /// and the explanation names what was missing.
    pub fn from_points(expr: &Expr, env: &Env, words: Words) -> Result<Outcome, EvalError> {
        let explained = expr.eval_explained(env)?;
        let points = Outcome::points_of(&explained.value);
        let mut explain = explained.text;
        let mut short = if expr.short_is_full() {
            explain.clone()
        } else {
            expr.short(env)
        };
        if explained.value.is_null() || !explained.missing.is_empty() {
            let missing = words.missing(&explained.missing, explained.value.is_null());
            explain.push_str(&missing);
            short.push_str(&missing);
        }
        Ok(Outcome {
            points,
            explain,
            short,
            sentence: None,
        })
    }

    /// The points a points expression's value gives: null (a missing field) is 0.
    pub fn points_of(value: &Value) -> Decimal {
        match value {
            Value::Num(points) => *points,
            _ => Decimal::ZERO,
        }
    }
}

/// `effective: { from, to }`, both inclusive and optional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Effective {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Effective {
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|from| date >= from) && self.to.is_none_or(|to| date <= to)
    }

    fn overlaps(&self, other: &Effective) -> bool {
        let starts_before_other_ends = match (self.from, other.to) {
            (Some(from), Some(to)) => from <= to,
            _ => true,
        };
        let other_starts_before_end = match (other.from, self.to) {
            (Some(from), Some(to)) => from <= to,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_end
    }
}

/// Keys every rule may have, whatever its kind.
const COMMON_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "tags",
    "effective",
    "cap",
    "let",
    "explain",
];

/// Every key a rule of any kind may have.
pub const RULE_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "tags",
    "effective",
    "cap",
    "let",
    "explain",
    "when",
    "points",
    "table",
    "count",
    "sum",
    "avg",
    "per",
    "tiers",
    "streak",
    "bonus",
    "rating",
    "script",
    "script_file",
];

/// What decoding a rule needs from the rulebook around it.
pub(crate) struct RuleContext<'a> {
    pub default_per: Per,
    pub scripts: &'a ScriptContext<'a>,
}

/// Decodes one entry of `rules:`; the keys present say which kind it is.
pub(crate) fn decode(
    decoder: &mut Decoder,
    exprs: &mut ExprCompiler,
    node: &Node,
    index: usize,
    context: &RuleContext,
) -> Option<Rule> {
    let mut map = decoder.map(node, &format!("rule {}", index + 1))?;
    let id = map
        .require(decoder, "id")
        .and_then(|n| decoder.ident(n, "rule id"));
    let what = match &id {
        Some(id) => format!("rule `{id}`"),
        None => format!("rule {}", index + 1),
    };
    map.rename(&what);
    let title = map
        .get("title")
        .and_then(|n| decoder.string(n, &format!("{what}: `title`")));
    let description = map
        .get("description")
        .and_then(|n| decoder.string(n, &format!("{what}: `description`")));
    let tags = map
        .get("tags")
        .map(|n| {
            decoder
                .strings(n, &format!("{what}: `tags`"))
                .into_iter()
                .map(|(tag, _)| tag)
                .collect()
        })
        .unwrap_or_default();
    let effective = map
        .get("effective")
        .map(|n| decode_effective(decoder, n, &what))
        .unwrap_or_default();
    let caps = map
        .get("cap")
        .map(|n| caps::decode(decoder, n, &what))
        .unwrap_or_default();

    let per = context.default_per;
    let group_keys = ["rating", "streak", "script", "script_file", "count", "sum", "avg"];
    let per_record = map.has("table") || (map.has("points") && !group_keys.iter().any(|k| map.has(k)));
    // A count/sum/avg or rating rule reads its `let` itself, for its `points:`.
    let measure = ["count", "sum", "avg", "rating"].iter().any(|k| map.has(k));
    let lets = match map.get("let") {
        Some(node) if per_record => Lets::decode(decoder, exprs, node, &what),
        Some(_) if measure => Lets::default(),
        Some(node) => {
            per_record_only(decoder, node, &what, "let");
            Lets::default()
        }
        None => Lets::default(),
    };
    let kind = if map.has("table") {
        Table::decode(decoder, exprs, &mut map, &what).map(RuleKind::Table)
    } else if map.has("rating") {
        Rating::decode(decoder, exprs, &mut map, &what, per).map(RuleKind::Rating)
    } else if map.has("streak") {
        Streak::decode(decoder, exprs, &mut map, &what, per).map(RuleKind::Streak)
    } else if map.has("script") || map.has("script_file") {
        Script::decode(decoder, &mut map, &what, context.scripts).map(RuleKind::Script)
    } else if map.has("count") || map.has("sum") || map.has("avg") {
        MeasureRule::decode(decoder, exprs, &mut map, &what, per).map(RuleKind::Measure)
    } else if map.has("points") {
        Points::decode(decoder, exprs, &mut map, &what).map(RuleKind::Points)
    } else {
        decoder
            .error("no-rule-kind", map.span.start..map.span.start, format!("{what} does not say what it awards"))
            .help = Some(
            "give `points` (with `when`), `table`, `count`/`sum`/`avg` (with `tiers` or `points`), `streak`, \
             `rating` or `script`"
                .into(),
        );
        None
    };
    let sentence = match map.get("explain") {
        Some(node) if per_record => Sentence::decode(decoder, exprs, node, &what),
        Some(node) => {
            per_record_only(decoder, node, &what, "explain");
            None
        }
        None => None,
    };
    let conditions = match (per_record && kind.is_some(), map.get("when")) {
        (true, Some(node)) => conditions(decoder, exprs, node, &what),
        _ => Vec::new(),
    };
    exprs.lets.clear();
    let span = map.span.clone();
    match &kind {
        Some(kind) => {
            let known: Vec<&str> = COMMON_KEYS.iter().chain(kind.keys()).copied().collect();
            map.finish(decoder, &known);
        }
        // The kind is unclear: report only keys no rule of any kind has.
        None => map.finish(decoder, RULE_KEYS),
    }
    Some(Rule {
        id: id?,
        title,
        description,
        tags,
        effective,
        caps,
        kind: kind?,
        lets,
        sentence,
        conditions,
        span,
    })
}

/// The top-level `and` operands of a `when:` that compiled, each compiled alone.
fn conditions(
    decoder: &mut Decoder,
    exprs: &mut ExprCompiler,
    node: &Node,
    what: &str,
) -> Vec<(String, Expr)> {
    let crate::yaml::NodeKind::Str(text) = &node.kind else {
        return Vec::new();
    };
    crate::expr::conjuncts(text)
        .into_iter()
        .filter_map(|range| {
            let source = text[range.clone()].to_owned();
            let label = format!("{what}: `when`");
            let expr =
                exprs.compile_part(decoder, node, text, range, &label, crate::expr::Context::Record)?;
            Some((source, expr))
        })
        .collect()
}

/// `let` and `explain` templates are read per record: group kinds say their own
/// sentences.
fn per_record_only(decoder: &mut Decoder, node: &Node, what: &str, key: &str) {
    decoder
        .error(
            "per-record-only",
            node.span.clone(),
            format!(
                "{what}: `{key}` is for `points` and `table` rules{}",
                if key == "let" {
                    " and `count`/`sum`/`avg`/`rating` rules with `points:`"
                } else {
                    ""
                }
            ),
        )
        .help =
        Some("group rules (count, sum, avg, streak, rating, script) explain their awards themselves".into());
}

fn decode_effective(decoder: &mut Decoder, node: &Node, what: &str) -> Effective {
    let Some(mut map) = decoder.map(node, &format!("{what}: `effective`")) else {
        return Effective::default();
    };
    let mut date = |map: &mut MapReader, key: &str| {
        let node = map.get(key)?;
        let text = decoder.string(node, &format!("{what}: `effective.{key}`"))?;
        match parse_date(&text) {
            Ok(date) => Some(date),
            Err(message) => {
                decoder.error(
                    "bad-date",
                    node.span.clone(),
                    format!("{what}: `effective.{key}`: {message}"),
                );
                None
            }
        }
    };
    let effective = Effective {
        from: date(&mut map, "from"),
        to: date(&mut map, "to"),
    };
    if let (Some(from), Some(to)) = (effective.from, effective.to)
        && to < from
    {
        decoder.error(
            "bad-range",
            map.span.clone(),
            format!("{what}: `effective.to` ({to}) is before `effective.from` ({from})"),
        );
    }
    map.finish(decoder, &["from", "to"]);
    effective
}
