//! Reading a `table:` from YAML: its inputs, `hit:` and rows, each cell checked
//! against its input's type when the rulebook loads, with warnings for cells in
//! another engine's syntax and rows that can never be reached.

use crate::decode::{Decoder, ExprCompiler, MapReader, parse_exact_decimal};
use crate::expr::{Context, Expr};
use crate::value::{Type, Value};
use crate::yaml::{Node, NodeKind};

use super::cell::parse_cell;
use super::{Hit, Row, Table, Test};

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
}

pub(super) fn decode_hit(decoder: &mut Decoder, node: &Node, what: &str) -> Option<Hit> {
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

pub(super) fn source_text(decoder: &Decoder, node: &Node) -> String {
    decoder
        .source
        .get(node.span.clone())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

pub(super) fn decode_row(
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

pub(super) fn decode_cell(
    decoder: &mut Decoder,
    node: &Node,
    ty: Option<&Type>,
    column: &str,
) -> Option<Test> {
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

pub(super) fn cell_error(decoder: &mut Decoder, node: &Node, column: &str, message: &str) -> Option<Test> {
    decoder
        .error("table-cell", node.span.clone(), format!("{column}: {message}"))
        .help =
        Some("cells are a value, `-`, a comparison like `>= 60`, a range like `[30..60)`, or a list".into());
    None
}

/// The type of values a test compares with (`None` for `-`).
pub(super) fn cell_type(test: &Test) -> Option<Type> {
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

/// Warns of a string cell written in another engine's syntax (`"US"`,
/// `in ["US"]`), which would never match, naming the cell meant.
pub(super) fn warn_foreign(decoder: &mut Decoder, node: &Node, test: &Test, column: &str, input: &str) {
    let (NodeKind::Str(text), Test::Eq(Value::Str(_))) = (&node.kind, test) else {
        return;
    };
    if let Some((why, meant)) = crate::rules::zen::intended(text, input) {
        decoder
            .warning("foreign-cell", node.span.clone(), format!("{column}: {why}"))
            .help = Some(meant);
    }
}

pub(super) fn warn_unreachable(decoder: &mut Decoder, rows: &[(Row, std::ops::Range<usize>)], what: &str) {
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
