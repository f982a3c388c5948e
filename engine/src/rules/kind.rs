//! What `rules/mod.rs` knows of a rule kind, declared once in the kind's own file
//! as a [`Kind`] and registered by one line of [`super::KINDS`]: the keys the kind
//! reads (with their JSON Schema), which keys say a rule is of this kind, how it
//! decodes and whether it awards record by record. Decoding, the unknown-key check
//! and `merit schema` all read these, so adding a kind is its file plus that line.

use rust_decimal::Decimal;

use crate::decode::{Decoder, ExprCompiler, MapReader};
use crate::expr::{Env, EvalError};
use crate::json_schema::{self, Json, With, obj};
use crate::words::Words;

use super::{GroupAward, MemberView, Outcome, Rating, RuleContext, RuleKind, Table};

/// One key a rule of a kind may have.
pub(crate) struct Key {
    pub name: &'static str,
    /// Whether a rule of the kind needs it (the JSON Schema's `required`).
    pub required: bool,
    /// The key's JSON Schema.
    pub schema: fn() -> Json,
}

impl Key {
    /// A key a rule may leave out.
    pub const fn optional(name: &'static str, schema: fn() -> Json) -> Key {
        Key {
            name,
            required: false,
            schema,
        }
    }

    /// A key every rule of the kind has.
    pub const fn required(name: &'static str, schema: fn() -> Json) -> Key {
        Key {
            name,
            required: true,
            schema,
        }
    }
}

/// One way a kind is written, marked by one key (a `count` rule, a `sum` rule…):
/// a branch of the JSON Schema's `oneOf` over rules.
pub(crate) struct Shape {
    /// The key whose presence says a rule is of this kind; the other shapes'
    /// markers are not keys of this one.
    pub marker: &'static str,
    pub title: &'static str,
}

/// Decodes a rule's kind-specific keys (the common ones are read already).
pub(crate) type Decode =
    fn(&mut Decoder, &mut ExprCompiler, &mut MapReader, &str, &RuleContext) -> Option<RuleKind>;

/// A rule kind as decoding and the JSON Schema see it.
pub(crate) struct Kind {
    pub shapes: &'static [Shape],
    /// Every key the kind reads beside the common ones, in the order the
    /// "known keys" help lists them; `let` and `explain` where the kind takes them.
    pub keys: &'static [Key],
    /// When a rule has the markers of several kinds, the lowest precedence wins
    /// (the other kind's keys are then unknown keys).
    pub precedence: u8,
    /// Whether the kind awards record by record (`let`/`explain` are then read per
    /// record, and `when` is split into the conditions why-not names).
    pub per_record: bool,
    /// Whether the kind reads `let:` itself (group terms of its `points:`).
    pub reads_let: bool,
    /// How the "does not say what it awards" help names the kind.
    pub hint: &'static str,
    pub decode: Decode,
}

impl Kind {
    /// Whether `map` has one of this kind's markers.
    pub fn marked(&self, map: &MapReader) -> bool {
        self.shapes.iter().any(|s| map.has(s.marker))
    }

    /// The JSON Schema of each shape: the common keys, then the kind's own.
    pub fn schemas(&self, common: &[Key]) -> Vec<Json> {
        self.shapes
            .iter()
            .map(|shape| {
                let keys: Vec<&Key> = common
                    .iter()
                    .chain(self.keys.iter().filter(|k| {
                        k.name == shape.marker || !self.shapes.iter().any(|s| s.marker == k.name)
                    }))
                    .collect();
                let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
                let properties = keys.iter().map(|k| (k.name, (k.schema)())).collect();
                obj([("title", shape.title.into())])
                    .with("type", "object".into())
                    .with("additionalProperties", false.into())
                    .with("required", json_schema::strings(&required))
                    .with("properties", json_schema::properties_of(properties))
            })
            .collect()
    }
}

/// How a kind's rules evaluate, implemented in the kind's own file: a kind that
/// awards record by record implements the `record` methods, a kind that awards per
/// member and window implements [`Behaviour::evaluate_group`]; what a kind leaves
/// out awards nothing. [`RuleKind`] dispatches to it (see `rule_kinds!`).
pub(crate) trait Behaviour {
    /// The award one record earns; `Ok(None)` when the record does not match.
    fn evaluate_record(&self, _env: &Env, _words: Words) -> Result<Option<Outcome>, EvalError> {
        Ok(None)
    }

    /// The points [`Behaviour::evaluate_record`] awards, without the explanation.
    fn record_points(&self, _env: &Env) -> Result<Option<Decimal>, EvalError> {
        Ok(None)
    }

    /// [`Behaviour::record_points`] over a batch through the fixed-point kernels;
    /// `false` (nothing written) when the rule has none.
    fn record_points_batch(
        &self,
        _records: &dyn crate::expr::Rows,
        _out: &mut Vec<Option<Decimal>>,
        _unfit: &mut [bool],
    ) -> bool {
        false
    }

    /// The awards of the rule over one member's records, window by window.
    fn evaluate_group(&self, _view: &MemberView, _used: &mut [bool]) -> Result<Vec<GroupAward>, EvalError> {
        Ok(Vec::new())
    }

    /// Rule ids the rule reads through `points("…")`.
    fn rule_refs(&self) -> Vec<String> {
        Vec::new()
    }

    /// The rule as a rating rule, if it is one (ratings are computed across members).
    fn rating(&self) -> Option<&Rating> {
        None
    }

    /// The rule as a decision table, if it is one (why-not names its inputs).
    fn table(&self) -> Option<&Table> {
        None
    }
}

/// The schema of an expression-valued key (its description lists the functions).
pub(crate) fn expr() -> Json {
    json_schema::described(
        &crate::expr::catalog::schema_description(),
        obj([("type", json_schema::strings(&["string", "number", "boolean"]))]),
    )
}

/// The schema of a `per:` key.
pub(crate) fn per() -> Json {
    json_schema::one_of(crate::calendar::Per::NAMES)
}
