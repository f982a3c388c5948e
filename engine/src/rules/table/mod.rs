//! `table` rules: a decision table over expressions of the record.
//!
//! ```yaml
//! - id: meeting
//!   when: kind == "meeting"
//!   table:
//!     inputs: [member.role, minutes]
//!     hit: first            # first (default) | sum | max
//!     rows:
//!       - [secretary, ">= 60", 8]
//!       - ["-",       ">= 60", 5]
//!       - ["-",       "[30..60)", 2]
//! ```
//!
//! A cell is a test of its column's input: a number or bool means equality; a string
//! that starts with `< <= > >= != =` compares; `[a..b)` is a range (either end may be
//! open: `[30..)`); `-` matches anything; any other string is string equality; a list
//! is any-of. The last column is the output, an expression. Cells are checked when
//! the rulebook loads, against their input's type: a cell that cannot match is an
//! error, never a silent `false` at run time.
//!
//! | file | job |
//! | --- | --- |
//! | `mod.rs` | the kind (keys, schema), the table's model, evaluating it, its words |
//! | `cell.rs` | [`Test`]: what a cell asks of its input, parsed from its text; coverage |
//! | `decode.rs` | reading a `table:` from YAML: rows and cells checked against their inputs' types, warnings |

mod cell;
mod decode;

use std::fmt::Write;

use rust_decimal::Decimal;

use crate::expr::{Env, EvalError, Expr};
use crate::value::Value;
use crate::words::{Lang, Words};

use super::kind::{Behaviour, Key, Kind, Shape, expr};
use super::{Outcome, RuleKind};
use crate::json_schema::{self as schema, Json, With, obj};

pub use cell::Test;

/// Decision tables as `rules/mod.rs` sees them.
pub(crate) const KIND: Kind = Kind {
    shapes: &[Shape {
        marker: "table",
        title: "decision table",
    }],
    keys: &[
        Key::optional("when", expr),
        Key::required("table", table_schema),
        Key::optional("hit", hit_schema),
        Key::optional("let", super::lets::schema),
        Key::optional("explain", super::sentence::schema),
    ],
    precedence: 1,
    per_record: true,
    reads_let: false,
    hint: "`table`",
    decode: |decoder, exprs, map, what, _| Table::decode(decoder, exprs, map, what).map(RuleKind::Table),
};

/// `hit:`, at the rule or in `table:`.
fn hit_schema() -> Json {
    schema::one_of(&["first", "sum", "max"])
}

/// `table: { inputs, rows, hit }`; a row is a list of cells or `{ label, cells }`.
fn table_schema() -> Json {
    let cell = schema::described(
        "A table cell: a value, `-`, a comparison like `>= 60`, a range like `[30..60)`, or a list (any of).",
        obj([(
            "oneOf",
            Json::Array(vec![
                obj([("type", schema::strings(&["string", "number", "boolean", "null"]))]),
                schema::typed("array"),
            ]),
        )]),
    );
    let labelled = schema::closed(
        &["cells"],
        vec![
            (
                "label",
                schema::string().with("description", "How explanations name this row.".into()),
            ),
            ("cells", schema::array(cell.clone())),
        ],
    );
    let row = obj([("oneOf", Json::Array(vec![schema::array(cell), labelled]))]);
    schema::closed(
        &["inputs", "rows"],
        vec![
            ("inputs", schema::array(expr())),
            ("hit", hit_schema()),
            ("rows", schema::array(row)),
        ],
    )
}

#[derive(Debug)]
pub struct Table {
    pub when: Option<Expr>,
    pub inputs: Vec<Expr>,
    pub hit: Hit,
    pub rows: Vec<Row>,
}

/// Which matching rows give the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// The first matching row.
    First,
    /// The sum of every matching row's output.
    Sum,
    /// The largest output among matching rows.
    Max,
}

#[derive(Debug)]
pub struct Row {
    pub tests: Vec<Test>,
    pub output: Expr,
    /// `{ label: 书记参会, cells: [secretary, ">= 60", 8] }`: how the short trace names
    /// the row.
    pub label: Option<String>,
}

impl Table {
    /// The award for one record: the output of the matching row(s), or `None` when
    /// `when` does not hold or no row matches.
    pub fn evaluate(&self, env: &Env, words: Words) -> Result<Option<Outcome>, EvalError> {
        let mut parts: Vec<String> = Vec::new();
        let mut shorts: Vec<String> = Vec::new();
        let Some((values, points)) = self.decide(env, false, |i, row| {
            let outcome = Outcome::from_points(&row.output, env, words)?;
            let cells: Vec<String> = row.tests.iter().map(Test::describe).collect();
            parts.push(words.table_row(i + 1, &cells.join(", "), &outcome.explain));
            shorts.push(self.short_row(row, env, &outcome.short));
            Ok(outcome.points)
        })?
        else {
            return Ok(None);
        };
        let mut explain = String::new();
        for (i, input) in self.inputs.iter().enumerate() {
            let _ = write!(
                explain,
                "{}{}={}",
                if i > 0 { ", " } else { "" },
                input.source().trim(),
                values[i]
            );
        }
        let _ = write!(explain, ": {}", parts.join("; "));
        let mut short = shorts.join("; ");
        if self.hit != Hit::First && parts.len() > 1 {
            let total = words.table_total(self.hit == Hit::Sum, &points.normalize().to_string());
            let _ = write!(explain, "; {total}");
            let _ = write!(short, "; {total}");
        }
        Ok(Some(Outcome {
            points,
            explain,
            short,
            sentence: None,
        }))
    }

    /// `member.role="member", minutes=20`: the inputs with their values.
    pub fn inputs_shown(&self, env: &Env) -> String {
        self.inputs
            .iter()
            .map(|input| {
                format!(
                    "{}={}",
                    input.source().trim(),
                    input.eval(env).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A matching row in the short trace: its label, or the inputs whose cells
    /// decided (not `-`) with their values, then the output.
    fn short_row(&self, row: &Row, env: &Env, output: &str) -> String {
        let named = match &row.label {
            Some(label) => label.clone(),
            None => row
                .tests
                .iter()
                .zip(&self.inputs)
                .filter(|(test, _)| **test != Test::Any)
                .map(|(_, input)| {
                    let value = input.eval(env).unwrap_or_default();
                    format!("{}={value}", input.source().trim())
                })
                .collect::<Vec<_>>()
                .join(", "),
        };
        if named.is_empty() {
            output.to_owned()
        } else {
            format!("{named} → {output}")
        }
    }

    /// What [`Table::evaluate`] awards, without writing the explanation.
    pub fn points(&self, env: &Env) -> Result<Option<Decimal>, EvalError> {
        let decided = self.decide(env, true, |_, row| {
            Ok(Outcome::points_of(&row.output.eval_record(env)?))
        })?;
        Ok(decided.map(|(_, points)| points))
    }

    /// The input values and the points of the matching rows combined by the hit
    /// policy; `output` gives one matching row's points (row index, row). `fast`:
    /// through the expressions' fixed-point kernels ([`Expr::eval_record`]).
    fn decide(
        &self,
        env: &Env,
        fast: bool,
        mut output: impl FnMut(usize, &Row) -> Result<Decimal, EvalError>,
    ) -> Result<Option<(Vec<Value>, Decimal)>, EvalError> {
        let eval = |e: &Expr| if fast { e.eval_record(env) } else { e.eval(env) };
        if let Some(when) = &self.when
            && !matches!(eval(when)?, Value::Bool(true))
        {
            return Ok(None);
        }
        let values = self.inputs.iter().map(eval).collect::<Result<Vec<_>, _>>()?;
        let mut total: Option<Decimal> = None;
        for (i, row) in self.rows.iter().enumerate() {
            if !row
                .tests
                .iter()
                .zip(&values)
                .all(|(test, value)| test.matches(value))
            {
                continue;
            }
            let points = output(i, row)?;
            total = Some(match (self.hit, total) {
                (Hit::First, _) | (_, None) => points,
                (Hit::Sum, Some(sum)) => sum + points,
                (Hit::Max, Some(max)) => max.max(points),
            });
            if self.hit == Hit::First {
                break;
            }
        }
        Ok(total.map(|points| (values, points)))
    }
}

/// This kind's words in both languages.
impl Words {
    /// Why not: a table with no row for these inputs.
    pub(crate) fn no_row(self, inputs: &str) -> String {
        match self.0 {
            Lang::Zh => format!("表中没有匹配的行：{inputs}"),
            Lang::En => format!("no row of the table matches {inputs}"),
        }
    }

    /// `row 2 [-, >= 60] → 5`.
    pub(crate) fn table_row(self, row: usize, cells: &str, outcome: &str) -> String {
        match self.0 {
            Lang::En => format!("row {row} [{cells}] → {outcome}"),
            Lang::Zh => format!("第 {row} 行 [{cells}] → {outcome}"),
        }
    }

    /// `sum = 4` / `max = 3` after several rows matched.
    pub(crate) fn table_total(self, sum: bool, value: &str) -> String {
        match (self.0, sum) {
            (Lang::En, true) => format!("sum = {value}"),
            (Lang::En, false) => format!("max = {value}"),
            (Lang::Zh, true) => format!("合计 = {value}"),
            (Lang::Zh, false) => format!("取最大 = {value}"),
        }
    }
}

impl Behaviour for Table {
    fn evaluate_record(&self, env: &Env, words: Words) -> Result<Option<Outcome>, EvalError> {
        self.evaluate(env, words)
    }

    fn record_points(&self, env: &Env) -> Result<Option<Decimal>, EvalError> {
        self.points(env)
    }

    fn table(&self) -> Option<&Table> {
        Some(self)
    }
}
