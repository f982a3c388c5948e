//! `points` rules: every record that satisfies `when` earns `points`.
//!
//! ```yaml
//! - id: volunteer-hours
//!   when: kind == "volunteer" and verified
//!   points: min(hours, 8) * 10
//!   cap: [{ per: day, max: 80 }, { per: month, max: 200 }]
//! ```

use rust_decimal::Decimal;

use crate::decode::{Decoder, ExprCompiler, MapReader};
use crate::expr::{Context, Env, EvalError, Expr, KValue, Rows};
use crate::value::Type;
use crate::words::Words;

use super::kind::{Behaviour, Key, Kind, Shape, expr};
use super::{Outcome, RuleKind};

/// `points` rules as `rules/mod.rs` sees them.
pub(crate) const KIND: Kind = Kind {
    shapes: &[Shape {
        marker: "points",
        title: "points rule",
    }],
    keys: &[
        Key::optional("when", expr),
        Key::required("points", expr),
        Key::optional("let", super::lets::schema),
        Key::optional("explain", super::sentence::schema),
    ],
    precedence: 6,
    per_record: true,
    reads_let: false,
    hint: "`points` (with `when`)",
    decode: |decoder, exprs, map, what, _| Points::decode(decoder, exprs, map, what).map(RuleKind::Points),
};

#[derive(Debug)]
pub struct Points {
    /// Which records the rule sees; every record when absent.
    pub when: Option<Expr>,
    pub points: Expr,
}

impl Points {
    pub(crate) fn decode(
        decoder: &mut Decoder,
        exprs: &mut ExprCompiler,
        map: &mut MapReader,
        what: &str,
    ) -> Option<Points> {
        let when = exprs.when(decoder, map, what);
        let points = map.get("points").and_then(|n| {
            exprs.compile(
                decoder,
                n,
                &format!("{what}: `points`"),
                Context::Record,
                &[],
                Some(Type::Num),
            )
        });
        let when = when.ok()?;
        Some(Points {
            when,
            points: points?,
        })
    }

    /// The award for one record, or `None` when `when` does not hold.
    pub fn evaluate(&self, env: &Env, words: Words) -> Result<Option<Outcome>, EvalError> {
        if !self.matches(env)? {
            return Ok(None);
        }
        Ok(Some(Outcome::from_points(&self.points, env, words)?))
    }

    /// What [`Points::evaluate`] awards, without writing the explanation: the sweep
    /// over every record calls this, and explanations are written only for awards
    /// that end up in a report.
    pub fn points(&self, env: &Env) -> Result<Option<Decimal>, EvalError> {
        if !self.matches(env)? {
            return Ok(None);
        }
        Ok(Some(Outcome::points_of(&self.points.eval_record(env)?)))
    }

    /// [`Points::points`] for a batch of records through the expressions' kernels:
    /// `out[i]` is record `i`'s award (`None`: `when` does not hold) unless `unfit[i]`
    /// is set. `false` when the rule has no kernel; nothing is written then.
    pub(crate) fn points_batch(
        &self,
        records: &dyn Rows,
        out: &mut Vec<Option<Decimal>>,
        unfit: &mut [bool],
    ) -> bool {
        let mut points = Vec::with_capacity(records.len());
        if !self.points.eval_batch(records, &mut points, unfit) {
            return false;
        }
        let mut when = Vec::new();
        if let Some(condition) = &self.when
            && !condition.eval_batch(records, &mut when, unfit)
        {
            return false;
        }
        out.clear();
        out.extend(points.iter().enumerate().map(|(i, p)| {
            let matched = when.get(i).is_none_or(|w| *w == KValue::Bool(true));
            matched.then(|| match p {
                KValue::Num(n) => n.to_decimal(),
                _ => Decimal::ZERO,
            })
        }));
        true
    }

    /// Whether `when` holds (through its kernel when it has one).
    fn matches(&self, env: &Env) -> Result<bool, EvalError> {
        match &self.when {
            Some(when) => when.eval_record_bool(env),
            None => Ok(true),
        }
    }
}

impl Behaviour for Points {
    fn evaluate_record(&self, env: &Env, words: Words) -> Result<Option<Outcome>, EvalError> {
        self.evaluate(env, words)
    }

    fn record_points(&self, env: &Env) -> Result<Option<Decimal>, EvalError> {
        self.points(env)
    }

    fn record_points_batch(
        &self,
        records: &dyn Rows,
        out: &mut Vec<Option<Decimal>>,
        unfit: &mut [bool],
    ) -> bool {
        self.points_batch(records, out, unfit)
    }
}
