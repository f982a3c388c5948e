//! Why a record earned nothing from a rule (DESIGN section 8.2, "why not").
//!
//! A rule speaks only about records that passed its first condition (usually the
//! `kind` test): a rule for meetings has nothing to say about a volunteer record.
//! For the others it names the first `and` operand of `when` that was not true,
//! with its values, or says that no table row matched or that the formula gave 0.

use crate::expr::Env;
use crate::value::Value;
use crate::words::Words;

use super::Rule;

impl Rule {
    /// Why `env`'s record earned no points from this rule, or `None` when the rule
    /// has nothing to say: a group rule, a record that failed the first condition,
    /// or a record that earned points (only a cap can then have held them back).
    pub fn why_not(&self, env: &Env, words: Words) -> Option<String> {
        if !self.kind.is_per_record() || !self.effective.contains(env.record?.date) {
            return None;
        }
        let values = match self.lets.values(env) {
            Ok(values) => values,
            Err(error) => return Some(error.message),
        };
        let env = Env {
            locals: &values,
            ..*env
        };
        for (i, (source, condition)) in self.conditions.iter().enumerate() {
            if matches!(condition.eval(&env), Ok(Value::Bool(true))) {
                continue;
            }
            if i == 0 {
                return None;
            }
            // `verified = false`: each name the condition reads, with its value.
            let values: Vec<String> = condition
                .values(&env)
                .iter()
                .map(|(name, value)| format!("{name} = {value}"))
                .collect();
            let shown = if values.is_empty() {
                let short = condition.short(&env);
                short
                    .strip_suffix(" = false")
                    .or_else(|| short.strip_suffix(" = null"))
                    .unwrap_or(&short)
                    .to_owned()
            } else {
                values.join(words.list_separator())
            };
            return Some(words.condition_failed(source.trim(), &shown));
        }
        match self.kind.evaluate_record(&env, words) {
            Ok(None) => self
                .kind
                .table()
                .map(|table| words.no_row(&table.inputs_shown(&env))),
            Ok(Some(outcome)) if outcome.points.is_zero() => Some(words.zero_points(&outcome.short)),
            Ok(Some(_)) => None,
            Err(error) => Some(error.message),
        }
    }
}
