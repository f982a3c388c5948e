//! The rulebook's `input:` section and `kinds:` (DESIGN section 8.1), decoded into
//! an [`InputSpec`] with every mistake located: an alias to no field, a date form
//! without a day, a unit on a field that is not a number, an unknown encoding.

use crate::diagnostic::did_you_mean;
use crate::records::ReadOptions;
use crate::records::spec::{DateForm, Encoding, InputSpec};
use crate::schema::{BUILTIN_KEYS, FieldType, Schema};
use crate::yaml::{Node, NodeKind};

use crate::decode::Decoder;

const INPUT_KEYS: &[&str] = &["columns", "dates", "booleans", "units", "trim", "encoding"];

/// Decodes `input:` (may be absent) and `kinds:` (may be absent) against `schema`.
pub fn decode(
    decoder: &mut Decoder,
    input: Option<&Node>,
    kinds: Option<&Node>,
    schema: &Schema,
) -> InputSpec {
    let mut spec = InputSpec::default();
    if let Some(node) = kinds {
        spec.kinds = Some(
            decoder
                .strings(node, "`kinds`")
                .into_iter()
                .map(|(kind, _)| kind)
                .collect(),
        );
    }
    let Some(node) = input else { return spec };
    let Some(mut map) = decoder.map(node, "`input`") else {
        return spec;
    };
    if let Some(node) = map.get("columns") {
        spec.columns = columns(decoder, node, schema);
    }
    if let Some(node) = map.get("dates") {
        for (text, span) in decoder.strings(node, "`input.dates`") {
            match DateForm::parse(&text) {
                Some(form) => spec.dates.push(form),
                None => {
                    decoder
                        .error(
                            "bad-date-form",
                            span,
                            format!("`input.dates`: `{text}` is not a date form"),
                        )
                        .help = Some(
                        "write the year as YYYY, the month as MM or M, the day as DD or D \
                         (`YYYY/M/D`, `YYYY年M月D日`), or `excel` for Excel serial numbers"
                            .into(),
                    );
                }
            }
        }
    }
    if let Some(node) = map.get("booleans") {
        spec.booleans = booleans(decoder, node);
    }
    if let Some(node) = map.get("units") {
        spec.units = units(decoder, node, schema);
    }
    if let Some(node) = map.get("trim") {
        match node.kind {
            NodeKind::Bool(trim) => spec.trim = trim,
            _ => decoder.wrong_type(node, "true or false", "`input.trim`"),
        }
    }
    if let Some(node) = map.get("encoding")
        && let Some(name) = decoder.string(node, "`input.encoding`")
    {
        match Encoding::parse(&name) {
            Some(encoding) => spec.encoding = encoding,
            None => {
                decoder
                    .error(
                        "bad-encoding",
                        node.span.clone(),
                        format!("`input.encoding`: `{name}` is not an encoding merit reads"),
                    )
                    .help = Some("use utf-8, gb18030 (which reads GBK) or auto".into());
            }
        }
    }
    map.finish(decoder, INPUT_KEYS);
    spec
}

/// `columns: { 姓名: member, 是否核实: verified }`: each alias names a record key or field.
fn columns(decoder: &mut Decoder, node: &Node, schema: &Schema) -> Vec<(String, String)> {
    let NodeKind::Map(entries) = &node.kind else {
        decoder.wrong_type(node, "a mapping of column names to fields", "`input.columns`");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let (Some(alias), Some(target)) = (
            scalar(decoder, key, "`input.columns` column name"),
            scalar(decoder, value, "`input.columns` field"),
        ) else {
            continue;
        };
        if schema.resolve(&target).is_none() {
            let known: Vec<&str> = schema.names().collect();
            let help = match did_you_mean(&target, known.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("record keys and fields: {}", known.join(", ")),
            };
            decoder
                .error(
                    "unknown-field",
                    value.span.clone(),
                    format!("`input.columns`: column `{alias}` maps to `{target}`, which is no field"),
                )
                .help = Some(help);
            continue;
        }
        out.push((alias, target));
    }
    out
}

/// `booleans: { true: [是, Y], false: [否, N] }`.
fn booleans(decoder: &mut Decoder, node: &Node) -> (Vec<String>, Vec<String>) {
    let NodeKind::Map(entries) = &node.kind else {
        decoder.wrong_type(
            node,
            "a mapping with `true` and `false` lists",
            "`input.booleans`",
        );
        return (Vec::new(), Vec::new());
    };
    let (mut yes, mut no) = (Vec::new(), Vec::new());
    for (key, value) in entries {
        let side = match &key.kind {
            NodeKind::Bool(b) => Some(*b),
            NodeKind::Str(s) if s == "true" => Some(true),
            NodeKind::Str(s) if s == "false" => Some(false),
            _ => None,
        };
        let Some(side) = side else {
            decoder.error(
                "unknown-key",
                key.span.clone(),
                "`input.booleans` takes the keys `true` and `false`",
            );
            continue;
        };
        let words = decoder
            .one_or_many(value)
            .iter()
            .filter_map(|item| scalar(decoder, item, "`input.booleans` word"));
        if side { yes.extend(words) } else { no.extend(words) }
    }
    (yes, no)
}

/// `units: { hours: [小时, h] }`: suffixes of decimal (or int) fields.
fn units(decoder: &mut Decoder, node: &Node, schema: &Schema) -> Vec<(String, Vec<String>)> {
    let NodeKind::Map(entries) = &node.kind else {
        decoder.wrong_type(node, "a mapping of fields to unit suffixes", "`input.units`");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let Some(field) = scalar(decoder, key, "`input.units` field") else {
            continue;
        };
        let numeric = schema
            .fields
            .iter()
            .find(|f| f.name == field)
            .map(|f| matches!(f.ty, FieldType::Decimal | FieldType::Int));
        if numeric != Some(true) {
            let message = match numeric {
                Some(_) => format!("`input.units`: `{field}` is not a decimal or int field"),
                None if BUILTIN_KEYS.contains(&field.as_str()) => {
                    format!("`input.units`: `{field}` is not a decimal or int field")
                }
                None => format!("`input.units`: there is no field `{field}`"),
            };
            decoder.error("bad-unit-field", key.span.clone(), message);
            continue;
        }
        let suffixes = decoder
            .one_or_many(value)
            .iter()
            .filter_map(|item| scalar(decoder, item, "`input.units` suffix"))
            .filter(|s| !s.trim().is_empty())
            .collect();
        out.push((field, suffixes));
    }
    out
}

/// A string, number or boolean written in the rulebook, as text (`Y` is a word here).
fn scalar(decoder: &mut Decoder, node: &Node, what: &str) -> Option<String> {
    match &node.kind {
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => decoder.string(node, what),
    }
}

impl<'a> ReadOptions<'a> {
    /// Options for reading records of `book`: its schema, timezone and `input:`.
    /// (Here, not in `records/`, so that reading records does not import the
    /// rulebook.)
    pub fn for_book(book: &'a super::Rulebook) -> Self {
        ReadOptions {
            input: &book.input,
            ..ReadOptions::new(&book.schema, &book.timezone)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Rulebook;

    fn errors(yaml: &str) -> Vec<String> {
        match Rulebook::from_yaml(yaml, "book.yaml") {
            Ok(_) => Vec::new(),
            Err(e) => e.diagnostics.iter().map(|d| d.message.clone()).collect(),
        }
    }

    #[test]
    fn every_mistake_in_input_is_located() {
        let book = "fields: { hours: decimal?, note: string? }\nrules: [{ id: r, points: 1 }]\ninput:\n";
        assert_eq!(
            errors(&format!("{book}  columns: {{ 姓名: membr }}\n")),
            ["`input.columns`: column `姓名` maps to `membr`, which is no field"]
        );
        assert_eq!(
            errors(&format!("{book}  dates: [\"YYYY/M\"]\n")),
            ["`input.dates`: `YYYY/M` is not a date form"]
        );
        assert_eq!(
            errors(&format!("{book}  units: {{ note: [h] }}\n")),
            ["`input.units`: `note` is not a decimal or int field"]
        );
        assert_eq!(
            errors(&format!("{book}  encoding: latin1\n")),
            ["`input.encoding`: `latin1` is not an encoding merit reads"]
        );
        assert_eq!(
            errors(&format!("{book}  trims: true\n")),
            ["unknown key `trims` in `input`, did you mean `trim`?"]
        );
        assert!(
            errors(&format!(
                "{book}  booleans: {{ true: [是, Y], false: [否, N] }}\n  trim: true\n"
            ))
            .is_empty()
        );
    }
}
