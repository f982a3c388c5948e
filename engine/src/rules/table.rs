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

use std::cmp::Ordering;
use std::fmt::Write;

use rust_decimal::Decimal;

use crate::calendar::parse_date;
use crate::decode::{Decoder, ExprCompiler, MapReader, parse_decimal, parse_exact_decimal};
use crate::expr::{Context, Env, EvalError, Expr};
use crate::value::{Type, Value};
use crate::words::{Lang, Words};
use crate::yaml::{Node, NodeKind};

use super::kind::{Behaviour, Key, Kind, Shape, expr};
use super::{Outcome, RuleKind};
use crate::json_schema::{self as schema, Json, With, obj};

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

/// What one cell asks of its input.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Any,
    Eq(Value),
    NotEq(Value),
    Less(Value, bool),
    Greater(Value, bool),
    /// Lower and upper bound, each with whether it is included; `None` is open.
    Range(Option<(Value, bool)>, Option<(Value, bool)>),
    AnyOf(Vec<Test>),
}

impl Test {
    pub fn matches(&self, value: &Value) -> bool {
        let cmp = |bound: &Value| compare(value, bound);
        match self {
            Test::Any => true,
            _ if value.is_null() => false,
            Test::Eq(v) => cmp(v) == Some(Ordering::Equal),
            Test::NotEq(v) => cmp(v).is_some_and(|o| o != Ordering::Equal),
            Test::Less(v, inclusive) => {
                cmp(v).is_some_and(|o| o == Ordering::Less || (*inclusive && o.is_eq()))
            }
            Test::Greater(v, inclusive) => {
                cmp(v).is_some_and(|o| o == Ordering::Greater || (*inclusive && o.is_eq()))
            }
            Test::Range(low, high) => {
                let above = low.as_ref().is_none_or(|(v, inc)| {
                    cmp(v).is_some_and(|o| o == Ordering::Greater || (*inc && o.is_eq()))
                });
                let below = high.as_ref().is_none_or(|(v, inc)| {
                    cmp(v).is_some_and(|o| o == Ordering::Less || (*inc && o.is_eq()))
                });
                above && below
            }
            Test::AnyOf(tests) => tests.iter().any(|t| t.matches(value)),
        }
    }

    /// The interval of values the test accepts, when it is one.
    fn interval(&self) -> Option<(Bound<'_>, Bound<'_>)> {
        match self {
            Test::Eq(v) => Some((Some((v, true)), Some((v, true)))),
            Test::Less(v, inc) => Some((None, Some((v, *inc)))),
            Test::Greater(v, inc) => Some((Some((v, *inc)), None)),
            Test::Range(low, high) => Some((
                low.as_ref().map(|(v, i)| (v, *i)),
                high.as_ref().map(|(v, i)| (v, *i)),
            )),
            _ => None,
        }
    }

    /// Whether every value `other` accepts, `self` accepts too (where decidable).
    pub fn covers(&self, other: &Test) -> bool {
        match (self, other) {
            (Test::Any, _) => true,
            (_, Test::Any) => false,
            (_, Test::AnyOf(others)) => others.iter().all(|o| self.covers(o)),
            (Test::AnyOf(tests), other) => tests.iter().any(|t| t.covers(other)),
            (Test::NotEq(a), Test::NotEq(b)) => a == b,
            (Test::NotEq(a), other) => other.interval().is_some() && !other.matches(a),
            _ => match (self.interval(), other.interval()) {
                (Some((lo_a, hi_a)), Some((lo_b, hi_b))) => {
                    bound_covers(lo_a, lo_b, Ordering::Less) && bound_covers(hi_a, hi_b, Ordering::Greater)
                }
                _ => false,
            },
        }
    }

    /// The test as written in a table cell, for explanations.
    fn describe(&self) -> String {
        let bound = |v: &Value| v.to_string();
        match self {
            Test::Any => "-".into(),
            Test::Eq(v) => bound(v),
            Test::NotEq(v) => format!("!= {}", bound(v)),
            Test::Less(v, inc) => format!("{} {}", if *inc { "<=" } else { "<" }, bound(v)),
            Test::Greater(v, inc) => format!("{} {}", if *inc { ">=" } else { ">" }, bound(v)),
            Test::Range(low, high) => format!(
                "{}{}..{}{}",
                if low.as_ref().is_none_or(|l| l.1) {
                    "["
                } else {
                    "("
                },
                low.as_ref().map(|l| bound(&l.0)).unwrap_or_default(),
                high.as_ref().map(|h| bound(&h.0)).unwrap_or_default(),
                if high.as_ref().is_none_or(|h| h.1) {
                    "]"
                } else {
                    ")"
                },
            ),
            Test::AnyOf(tests) => format!(
                "[{}]",
                tests.iter().map(Test::describe).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// One end of an interval: the value and whether it is included; `None` is open.
type Bound<'a> = Option<(&'a Value, bool)>;

/// Whether bound `a` is at least as loose as bound `b` on one side (`Less`: lower bounds).
fn bound_covers(a: Bound, b: Bound, side: Ordering) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((va, ia)), Some((vb, ib))) => match compare(va, vb) {
            Some(o) if o == side => true,
            Some(Ordering::Equal) => ia || !ib,
            _ => false,
        },
    }
}

/// Values of one type compare; across types nothing matches.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        // A member attribute read from CSV may be text standing for a number or a date.
        (Value::Str(x), Value::Num(y)) => parse_decimal(x).map(|x| x.cmp(y)),
        (Value::Str(x), Value::Date(y)) => parse_date(x).ok().map(|x| x.cmp(y)),
        _ => None,
    }
}

impl Table {
    pub(crate) fn decode(
        decoder: &mut Decoder,
        exprs: &mut ExprCompiler,
        map: &mut MapReader,
        what: &str,
    ) -> Option<Table> {
        let when = exprs.when(decoder, map, what);
        let rule_hit = map.get("hit");
        let node = map.get("table")?;
        let mut table_map = decoder.map(node, &format!("{what}: `table`"))?;
        let hit = match table_map.get("hit").or(rule_hit) {
            Some(node) => decode_hit(decoder, node, what)?,
            None => Hit::First,
        };
        let inputs: Vec<(Option<Expr>, &Node)> = match table_map.require(decoder, "inputs") {
            Some(node) => decoder
                .seq(node, &format!("{what}: `table.inputs`"))
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let label = format!("{what}: input {}", i + 1);
                    (exprs.compile(decoder, n, &label, Context::Record, &[], None), n)
                })
                .collect(),
            None => Vec::new(),
        };
        let row_nodes = match table_map.require(decoder, "rows") {
            Some(node) => decoder
                .seq(node, &format!("{what}: `table.rows`"))
                .unwrap_or_default(),
            None => &[],
        };
        table_map.finish(decoder, &["inputs", "rows", "hit"]);
        let types: Vec<Option<Type>> = inputs
            .iter()
            .map(|(e, _)| e.as_ref().map(|e| e.ty().clone()))
            .collect();
        let names: Vec<String> = inputs.iter().map(|(_, n)| source_text(decoder, n)).collect();
        let mut rows = Vec::new();
        for (r, row_node) in row_nodes.iter().enumerate() {
            if let Some(row) = decode_row(decoder, exprs, row_node, r, &types, &names, what) {
                rows.push((row, row_node.span.clone()));
            }
        }
        if hit == Hit::First {
            warn_unreachable(decoder, &rows, what);
        }
        if rows.is_empty() && !row_nodes.is_empty() {
            return None;
        }
        let when = when.ok()?;
        let inputs = inputs.into_iter().map(|(e, _)| e).collect::<Option<Vec<_>>>()?;
        Some(Table {
            when,
            inputs,
            hit,
            rows: rows.into_iter().map(|(row, _)| row).collect(),
        })
    }

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

fn decode_hit(decoder: &mut Decoder, node: &Node, what: &str) -> Option<Hit> {
    let name = decoder.string(node, &format!("{what}: `hit`"))?;
    match name.as_str() {
        "first" => Some(Hit::First),
        "sum" | "collect" => Some(Hit::Sum),
        "max" => Some(Hit::Max),
        _ => {
            decoder
                .error(
                    "unknown-hit",
                    node.span.clone(),
                    format!("{what}: unknown hit policy `{name}`"),
                )
                .help = Some("hit policies are first (the default), sum and max".into());
            None
        }
    }
}

fn source_text(decoder: &Decoder, node: &Node) -> String {
    decoder
        .source
        .get(node.span.clone())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn decode_row(
    decoder: &mut Decoder,
    exprs: &mut ExprCompiler,
    node: &Node,
    index: usize,
    types: &[Option<Type>],
    names: &[String],
    what: &str,
) -> Option<Row> {
    let label = format!("{what}: row {}", index + 1);
    let (cells, row_label) = match &node.kind {
        NodeKind::Map(_) => {
            let mut map = decoder.map(node, &label)?;
            let row_label = map
                .get("label")
                .and_then(|n| decoder.string(n, &format!("{label}: `label`")));
            let cells = map.require(decoder, "cells");
            map.finish(decoder, &["label", "cells"]);
            (decoder.seq(cells?, &label)?, row_label)
        }
        _ => (decoder.seq(node, &label)?, None),
    };
    if cells.len() != types.len() + 1 {
        decoder.error(
            "table-columns",
            node.span.clone(),
            format!(
                "{label} has {} cells; the table has {} inputs and one output",
                cells.len(),
                types.len()
            ),
        );
        return None;
    }
    let mut tests = Vec::with_capacity(types.len());
    let mut ok = true;
    for (c, cell) in cells[..types.len()].iter().enumerate() {
        let column = format!("{label}, column {} (`{}`)", c + 1, names[c]);
        match decode_cell(decoder, cell, types[c].as_ref(), &column) {
            Some(test) => {
                warn_foreign(decoder, cell, &test, &column, &names[c]);
                tests.push(test);
            }
            None => ok = false,
        }
    }
    let output_node = &cells[types.len()];
    let output = exprs.compile(
        decoder,
        output_node,
        &format!("{label}: output"),
        Context::Record,
        &[],
        Some(Type::Num),
    );
    if ok {
        Some(Row {
            tests,
            output: output?,
            label: row_label,
        })
    } else {
        None
    }
}

fn decode_cell(decoder: &mut Decoder, node: &Node, ty: Option<&Type>, column: &str) -> Option<Test> {
    let test = match &node.kind {
        NodeKind::Seq(items) => Test::AnyOf(
            items
                .iter()
                .map(|item| decode_cell(decoder, item, ty, column))
                .collect::<Option<_>>()?,
        ),
        NodeKind::Null => Test::Eq(Value::Null),
        NodeKind::Bool(b) => Test::Eq(Value::Bool(*b)),
        NodeKind::Number(text) => match parse_exact_decimal(text) {
            Some(n) => Test::Eq(Value::Num(n)),
            None => {
                return cell_error(
                    decoder,
                    node,
                    column,
                    &format!("`{text}` is not an exact decimal"),
                );
            }
        },
        NodeKind::Str(text) => match parse_cell(text.trim(), ty) {
            Ok(test) => test,
            Err(message) => return cell_error(decoder, node, column, &message),
        },
        NodeKind::Map(_) => return cell_error(decoder, node, column, "a cell cannot be a mapping"),
    };
    if let Some(ty) = ty
        && let Some(found) = cell_type(&test)
        && !ty.accepts(&found)
    {
        decoder
            .error(
                "table-cell-type",
                node.span.clone(),
                format!("{column}: the input is {ty} but this cell tests {found}"),
            )
            .label = Some(format!("a {found} test"));
        return None;
    }
    Some(test)
}

fn cell_error(decoder: &mut Decoder, node: &Node, column: &str, message: &str) -> Option<Test> {
    decoder
        .error("table-cell", node.span.clone(), format!("{column}: {message}"))
        .help =
        Some("cells are a value, `-`, a comparison like `>= 60`, a range like `[30..60)`, or a list".into());
    None
}

/// The type of values a test compares with (`None` for `-`).
fn cell_type(test: &Test) -> Option<Type> {
    match test {
        Test::Any => None,
        Test::Eq(v) | Test::NotEq(v) | Test::Less(v, _) | Test::Greater(v, _) => match v {
            Value::Null => None,
            v => Some(v.ty()),
        },
        Test::Range(low, high) => low.as_ref().or(high.as_ref()).map(|(v, _)| v.ty()),
        Test::AnyOf(tests) => tests.iter().find_map(cell_type),
    }
}

/// A string cell: `-`, an operator and a value, a range, or a plain string.
fn parse_cell(text: &str, ty: Option<&Type>) -> Result<Test, String> {
    if text == "-" {
        return Ok(Test::Any);
    }
    for (op, make) in [
        ("<=", (|v| Test::Less(v, true)) as fn(Value) -> Test),
        (">=", |v| Test::Greater(v, true)),
        ("!=", Test::NotEq),
        ("<", |v| Test::Less(v, false)),
        (">", |v| Test::Greater(v, false)),
        ("=", Test::Eq),
    ] {
        if let Some(rest) = text.strip_prefix(op) {
            return Ok(make(parse_operand(rest.trim(), ty)?));
        }
    }
    let opens = text.starts_with('[') || text.starts_with('(');
    if opens && text.contains("..") && !(text.ends_with(']') || text.ends_with(')')) {
        return Err(format!(
            "the range `{text}` is not closed: end it with `]` (included) or `)` (excluded)"
        ));
    }
    if opens && (text.ends_with(']') || text.ends_with(')')) {
        let inner = &text[1..text.len() - 1];
        let Some((low, high)) = inner.split_once("..") else {
            return Err(format!("`{text}` looks like a range but has no `..`"));
        };
        let bound = |s: &str, inclusive: bool| -> Result<Option<(Value, bool)>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                Ok(Some((parse_operand(s, ty)?, inclusive)))
            }
        };
        let low = bound(low, text.starts_with('['))?;
        let high = bound(high, text.ends_with(']'))?;
        if let (Some((l, _)), Some((h, _))) = (&low, &high)
            && compare(l, h) == Some(Ordering::Greater)
        {
            return Err(format!("the range `{text}` is empty: {l} is above {h}"));
        }
        return Ok(Test::Range(low, high));
    }
    Ok(Test::Eq(Value::str(text)))
}

/// Whether `text` is written as a number (digits, a sign, a point, an exponent).
fn looks_numeric(text: &str) -> bool {
    let digits = text.trim_start_matches(['-', '+']).trim_start_matches('.');
    digits.starts_with(|c: char| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_digit() || "+-._eE".contains(c))
}

/// The value after an operator: a number, a date, a quoted or bare string.
fn parse_operand(text: &str, ty: Option<&Type>) -> Result<Value, String> {
    if let Some(quoted) = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
    {
        return Ok(Value::str(quoted));
    }
    if let Some(n) = parse_exact_decimal(text) {
        return Ok(Value::Num(n));
    }
    if matches!(ty, Some(Type::Date)) || text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') {
        return parse_date(text).map(Value::Date);
    }
    if looks_numeric(text) {
        // `1e29` was compared as a string and never matched; a 29th decimal
        // place was rounded away, so `[1e-29..1)` matched 0.
        return Err(format!(
            "`{text}` is not a number merit holds exactly (at most 28 digits, below 7.9e28)"
        ));
    }
    match text {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        "" => Err("a comparison needs a value after the operator".into()),
        _ => Ok(Value::str(text)),
    }
}

/// Warns of a string cell written in another engine's syntax (`"US"`,
/// `in ["US"]`), which would never match, naming the cell meant.
fn warn_foreign(decoder: &mut Decoder, node: &Node, test: &Test, column: &str, input: &str) {
    let (NodeKind::Str(text), Test::Eq(Value::Str(_))) = (&node.kind, test) else {
        return;
    };
    if let Some((why, meant)) = super::zen::intended(text, input) {
        decoder
            .warning("foreign-cell", node.span.clone(), format!("{column}: {why}"))
            .help = Some(meant);
    }
}

fn warn_unreachable(decoder: &mut Decoder, rows: &[(Row, std::ops::Range<usize>)], what: &str) {
    for (j, (row, span)) in rows.iter().enumerate() {
        let earlier = rows[..j]
            .iter()
            .position(|(prev, _)| prev.tests.iter().zip(&row.tests).all(|(a, b)| a.covers(b)));
        if let Some(i) = earlier {
            let cells: Vec<String> = rows[i].0.tests.iter().map(Test::describe).collect();
            decoder.warning(
                "unreachable-row",
                span.clone(),
                format!(
                    "{what}: row {} can never match: row {} [{}] matches first",
                    j + 1,
                    i + 1,
                    cells.join(", ")
                ),
            );
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Value {
        Value::Num(text.parse().unwrap())
    }

    #[test]
    fn cells_parse_into_tests() {
        assert_eq!(parse_cell("-", None), Ok(Test::Any));
        assert_eq!(parse_cell(">= 60", None), Ok(Test::Greater(num("60"), true)));
        assert_eq!(
            parse_cell("[30..60)", None),
            Ok(Test::Range(Some((num("30"), true)), Some((num("60"), false))))
        );
        assert_eq!(
            parse_cell("(..2026-03-01]", Some(&Type::Date))
                .map(|t| t.matches(&Value::Date("2026-03-01".parse().unwrap()))),
            Ok(true)
        );
        assert_eq!(
            parse_cell("secretary", None),
            Ok(Test::Eq(Value::str("secretary")))
        );
        assert!(parse_cell("[60..30]", None).is_err());
    }

    #[test]
    fn ranges_include_and_exclude_their_ends() {
        let test = parse_cell("[30..60)", None).unwrap();
        assert!(test.matches(&num("30")));
        assert!(test.matches(&num("59.9")));
        assert!(!test.matches(&num("60")));
        assert!(!test.matches(&Value::Null));
    }

    #[test]
    fn coverage_is_decided_for_intervals_and_any() {
        let at_least_30 = parse_cell(">= 30", None).unwrap();
        let between = parse_cell("[30..60)", None).unwrap();
        assert!(at_least_30.covers(&between));
        assert!(!between.covers(&at_least_30));
        assert!(Test::Any.covers(&between));
        assert!(Test::AnyOf(vec![Test::Eq(num("1")), Test::Eq(num("2"))]).covers(&Test::Eq(num("2"))));
        assert!(!parse_cell("> 30", None).unwrap().covers(&Test::Eq(num("30"))));
    }
}
