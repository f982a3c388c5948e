//! Rules turn records into awards. Each rule kind lives in its own file with its
//! keys, decoding, evaluation, wording and JSON Schema, described by a
//! [`kind::Kind`] that [`KINDS`] registers; this module holds what all kinds share
//! (ids, titles, tags, effective dates, caps) and dispatches over the kinds.

mod caps;
mod group;
pub(crate) mod kind;
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
mod script_kind;
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
use crate::json_schema::{self, Json, obj};
use crate::yaml::Node;
use kind::{Behaviour, Key, Kind};

pub(crate) use caps::decode_per;
pub use caps::{Amount, Bound, Cap, CapState, to_steps};
pub use group::{GroupAward, MemberView, WindowGroup, windows};
pub use lets::Lets;
pub use measure::MeasureRule;
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

/// Every rule kind, in the order the "does not say what it awards" help and the
/// JSON Schema name them: its variant of [`RuleKind`], its type (which implements
/// [`Behaviour`] in its own file) and its [`Kind`]. Adding a kind is its file plus
/// one line here; the enum, the registry and the dispatch are written from the list.
macro_rules! rule_kinds {
    ($($(#[$doc:meta])* $variant:ident($ty:ty) = $kind:expr;)*) => {
        /// What a rule does.
        #[derive(Debug)]
        pub enum RuleKind {
            $($(#[$doc])* $variant($ty),)*
        }

        /// Every rule kind as decoding and the JSON Schema see it.
        pub(crate) const KINDS: &[&Kind] = &[$(&$kind,)*];

        /// Each method hands over to the kind's [`Behaviour`] through a `match`,
        /// so the per-record paths stay statically dispatched (no virtual call a record).
        impl RuleKind {
            /// The award one record earns, for kinds that award record by record;
            /// `Ok(None)` when the record does not match.
            pub fn evaluate_record(&self, env: &Env, words: Words) -> Result<Option<Outcome>, EvalError> {
                match self { $(RuleKind::$variant(rule) => rule.evaluate_record(env, words),)* }
            }

            /// The points [`RuleKind::evaluate_record`] awards, without the explanation.
            pub fn record_points(&self, env: &Env) -> Result<Option<Decimal>, EvalError> {
                match self { $(RuleKind::$variant(rule) => rule.record_points(env),)* }
            }

            /// [`RuleKind::record_points`] over a batch of records through the
            /// expressions' fixed-point kernels, when the rule has them.
            pub(crate) fn record_points_batch(
                &self,
                records: &dyn crate::expr::Rows,
                out: &mut Vec<Option<Decimal>>,
                unfit: &mut [bool],
            ) -> bool {
                match self { $(RuleKind::$variant(rule) => rule.record_points_batch(records, out, unfit),)* }
            }

            /// Whether the rule awards record by record (rather than per window).
            pub fn is_per_record(&self) -> bool {
                match self { $(RuleKind::$variant(_) => $kind.per_record,)* }
            }

            /// The awards of a per-member group rule over one member's records.
            pub fn evaluate_group(&self, view: &MemberView, used: &mut [bool]) -> Result<Vec<GroupAward>, EvalError> {
                match self { $(RuleKind::$variant(rule) => rule.evaluate_group(view, used),)* }
            }

            /// Rule ids this rule reads through `points("…")`.
            pub fn rule_refs(&self) -> Vec<String> {
                match self { $(RuleKind::$variant(rule) => rule.rule_refs(),)* }
            }

            /// The rating rule this is, if it is one: ratings are computed over every
            /// member's records before members are evaluated (their subjects are others).
            pub fn rating(&self) -> Option<&Rating> {
                match self { $(RuleKind::$variant(rule) => rule.rating(),)* }
            }

            /// The decision table this is, if it is one (why-not names its inputs).
            pub fn table(&self) -> Option<&Table> {
                match self { $(RuleKind::$variant(rule) => rule.table(),)* }
            }
        }
    };
}

rule_kinds! {
    /// `when` + `points`: one award per matching record.
    Points(Points) = points::KIND;
    /// A decision table: one award per record that a row matches.
    Table(Table) = table::KIND;
    /// `count`/`sum`/`avg` of the member's records in each window, then tiers or points.
    Measure(MeasureRule) = measure::KIND;
    /// A bonus for runs of consecutive windows with matching records.
    Streak(Streak) = streak::KIND;
    /// Ratings of a subject by other members, as a Bayesian average.
    Rating(Rating) = rating::KIND;
    /// A rhai script called per member per window.
    Script(Script) = script_kind::KIND;
}

impl RuleKind {
    /// Whether the rule awards a member from other members' records (ratings):
    /// members are then not evaluated apart, and not streamed.
    pub fn across_members(&self) -> bool {
        self.rating().is_some()
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
        records: &dyn crate::expr::Rows,
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

/// Keys every rule has, whatever its kind.
pub(crate) const COMMON_KEYS: &[Key] = &[
    Key::required("id", json_schema::ident),
    Key::optional("title", json_schema::string),
    Key::optional("description", json_schema::string),
    Key::optional("tags", tags_schema),
    Key::optional("effective", effective_schema),
    Key::optional("cap", caps::schema),
];

/// Keys known on every rule though only some kinds take them: a `let` on a
/// streak is refused with the reason, not as an unknown key.
const READ_BY_SOME: &[&str] = &["let", "explain"];

fn tags_schema() -> Json {
    json_schema::one_or_many(json_schema::string())
}

fn effective_schema() -> Json {
    json_schema::closed(
        &[],
        vec![("from", json_schema::date()), ("to", json_schema::date())],
    )
}

/// The keys a rule of `kinds` may have: the common ones, then the kinds' own.
fn keys_of<'a>(kinds: impl IntoIterator<Item = &'a Kind>) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = COMMON_KEYS
        .iter()
        .map(|k| k.name)
        .chain(READ_BY_SOME.iter().copied())
        .collect();
    for kind in kinds {
        for key in kind.keys {
            if !keys.contains(&key.name) {
                keys.push(key.name);
            }
        }
    }
    keys
}

/// Every key a rule of any kind may have.
pub fn rule_keys() -> Vec<&'static str> {
    keys_of(KINDS.iter().copied())
}

/// The JSON Schema of one entry of `rules:`: one branch per shape of each kind.
pub(crate) fn json_schema() -> Json {
    let shapes = KINDS.iter().flat_map(|kind| kind.schemas(COMMON_KEYS)).collect();
    obj([("oneOf", Json::Array(shapes))])
}

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

    let chosen = KINDS
        .iter()
        .filter(|kind| kind.marked(&map))
        .min_by_key(|kind| kind.precedence);
    let per_record = chosen.is_some_and(|kind| kind.per_record);
    // A kind that reads its `let` itself (for its `points:`) is not told it may not.
    let reads_let = KINDS.iter().any(|kind| kind.reads_let && kind.marked(&map));
    let lets = match map.get("let") {
        Some(node) if per_record => Lets::decode(decoder, exprs, node, &what),
        Some(_) if reads_let => Lets::default(),
        Some(node) => {
            per_record_only(decoder, node, &what, "let");
            Lets::default()
        }
        None => Lets::default(),
    };
    let kind = match chosen {
        Some(chosen) => (chosen.decode)(decoder, exprs, &mut map, &what, context),
        None => {
            let hints: Vec<&str> = KINDS.iter().map(|kind| kind.hint).collect();
            let (last, rest) = hints.split_last().expect("merit has rule kinds");
            decoder
                .error(
                    "no-rule-kind",
                    map.span.start..map.span.start,
                    format!("{what} does not say what it awards"),
                )
                .help = Some(format!("give {} or {last}", rest.join(", ")));
            None
        }
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
    exprs.failed_lets.clear();
    let span = map.span.clone();
    match (&kind, chosen) {
        (Some(_), Some(chosen)) => map.finish(decoder, &keys_of([*chosen])),
        // The kind is unclear: report only keys no rule of any kind has.
        _ => map.finish(decoder, &rule_keys()),
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
