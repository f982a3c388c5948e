//! `let:` named terms of one rule (DESIGN section 8.2).
//!
//! ```yaml
//! let: { double: month(date) == 3 or (month(date) == 10 and day(date) <= 7) }
//! points: min(hours, 8) * 10 * if(double, 1.5, 1)
//! ```
//!
//! Why locals rather than pasting the formula in: the rule's expressions read a let
//! as a name, so a trace shows `double=true` instead of the formula it stands for,
//! and each term is computed once per record. A let may use the lets before it.
//!
//! A `count`/`sum`/`avg` or `rating` rule's lets are computed once per window (and
//! subject) instead, in the group context of its `points:` (they read `sum`, `n`,
//! `count(…)`, `score`), and only `points:` reads them: the rule's per-record
//! expressions come before them.

use crate::decode::{Decoder, ExprCompiler};
use crate::expr::{Context, Env, EvalError, Expr};
use crate::value::Value;
use crate::yaml::{Node, NodeKind};

/// A rule's named terms, in the order written.
#[derive(Debug, Default)]
pub struct Lets {
    pub terms: Vec<(String, Expr)>,
}

impl Lets {
    /// Decodes `let:` and leaves its names in scope of `exprs` for the rest of the
    /// rule (the caller clears them with [`ExprCompiler::lets`] afterwards).
    pub(crate) fn decode(decoder: &mut Decoder, exprs: &mut ExprCompiler, node: &Node, what: &str) -> Lets {
        Lets::decode_in(decoder, exprs, node, what, Context::Record, &[])
    }

    /// [`Lets::decode`] for expressions of `context` that also read `locals` (a
    /// group rule's measure), which come before the lets in `Env::locals`.
    pub(crate) fn decode_in(
        decoder: &mut Decoder,
        exprs: &mut ExprCompiler,
        node: &Node,
        what: &str,
        context: Context,
        locals: &[(&str, crate::value::Type)],
    ) -> Lets {
        let mut terms = Vec::new();
        let NodeKind::Map(entries) = &node.kind else {
            decoder.error(
                "wrong-type",
                node.span.clone(),
                format!(
                    "{what}: `let` expected a mapping of names to expressions, found {}",
                    node.kind.describe()
                ),
            );
            return Lets { terms };
        };
        for (key, value) in entries {
            let Some(name) = decoder.ident(key, &format!("{what}: `let` name")) else {
                continue;
            };
            if !crate::expr::is_name(&name) {
                decoder
                    .error(
                        "bad-let",
                        key.span.clone(),
                        format!("{what}: `let` name `{name}` is not a name an expression can read"),
                    )
                    .help = Some("a name is a word of letters, digits and `_` (Chinese too), not starting with a digit, and not `and`, `or`, `not`, `in`, `true`, `false` or `null`".into());
                continue;
            }
            if exprs.schema.fields.iter().any(|f| f.name == name)
                || exprs.lets.iter().any(|(n, _)| *n == name)
                || locals.iter().any(|(n, _)| *n == name)
            {
                decoder
                    .error(
                        "bad-let",
                        key.span.clone(),
                        format!(
                            "{what}: `let` name `{name}` is already a field, a name of the rule or a let of this rule"
                        ),
                    )
                    .help = Some("choose another name, so that the name means one thing".into());
                continue;
            }
            let label = format!("{what}: `let.{name}`");
            match exprs.compile(decoder, value, &label, context, locals, None) {
                Some(expr) => {
                    exprs.lets.push((name.clone(), expr.ty().clone()));
                    terms.push((name, expr));
                }
                None => exprs.failed_lets.push(name),
            }
        }
        Lets { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The value of every term on `env`'s record, in order; each term sees the ones
    /// before it. A rule's other expressions read them as `env.locals`.
    pub fn values(&self, env: &Env) -> Result<Vec<Value>, EvalError> {
        self.after(env, Vec::with_capacity(self.terms.len()))
    }

    /// `locals` (a group rule's own, which its lets read) followed by the value of
    /// every term.
    pub fn after(&self, env: &Env, locals: Vec<Value>) -> Result<Vec<Value>, EvalError> {
        let mut values = locals;
        for (_, expr) in &self.terms {
            let value = expr.eval(&Env {
                locals: &values,
                ..*env
            })?;
            values.push(value);
        }
        Ok(values)
    }
}

/// The JSON Schema of a per-record rule's `let:`.
pub(crate) fn schema() -> crate::json_schema::Json {
    schema_described("Named terms of the rule, usable in all its expressions and shown by name in traces.")
}

/// The JSON Schema of `let:` with the kind's own account of when terms are computed.
pub(crate) fn schema_described(description: &str) -> crate::json_schema::Json {
    use crate::json_schema::{With, described, obj, strings, typed};
    let term = obj([("type", strings(&["string", "number", "boolean"]))]);
    described(description, typed("object").with("additionalProperties", term))
}
