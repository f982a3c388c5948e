//! The `fields:` schema: `hours: decimal?` (may be missing), `verified: bool = false`
//! (default when missing).

use crate::calendar::parse_date;
use crate::schema::{BUILTIN_KEYS, FieldDef, FieldType, Schema};
use crate::value::Value;
use crate::yaml::Node;

use crate::decode::{Decoder, parse_decimal};

pub fn decode(decoder: &mut Decoder, node: &Node) -> Schema {
    let mut schema = Schema::default();
    let Some(mut map) = decoder.map(node, "`fields`") else {
        return schema;
    };
    let names: Vec<String> = match &node.kind {
        crate::yaml::NodeKind::Map(entries) => entries
            .iter()
            .filter_map(|(k, _)| decoder.string(k, "field name"))
            .collect(),
        _ => Vec::new(),
    };
    for name in names {
        let Some(spec_node) = map.get(&name) else { continue };
        let key_span = map.key_span(&name).unwrap_or_else(|| spec_node.span.clone());
        if BUILTIN_KEYS.contains(&name.as_str()) {
            decoder
                .error(
                    "builtin-field",
                    key_span,
                    format!("`{name}` is built in and cannot be redeclared"),
                )
                .help = Some("every record has `member`, `kind`, `date` and an optional `id`".into());
            continue;
        }
        if !crate::expr::is_name(&name) {
            decoder
                .error(
                    "bad-field-name",
                    key_span,
                    format!("`{name}` is not a valid field name"),
                )
                .help = Some("field names are words of letters, digits and `_` (Chinese too), do not start with a digit, and are not `and`, `or`, `not`, `in`, `true`, `false` or `null`".into());
            continue;
        }
        let Some(spec) = decoder.string(spec_node, &format!("field `{name}`")) else {
            continue;
        };
        if let Some(field) = parse_spec(decoder, spec_node, &name, &spec) {
            schema.fields.push(field);
        }
    }
    map.finish(decoder, &[]);
    schema
}

/// `TYPE`, `TYPE?` or `TYPE = DEFAULT`.
fn parse_spec(decoder: &mut Decoder, node: &Node, name: &str, spec: &str) -> Option<FieldDef> {
    let (type_part, default_part) = match spec.split_once('=') {
        Some((t, d)) => (t.trim(), Some(d.trim())),
        None => (spec.trim(), None),
    };
    let (type_name, optional) = match type_part.strip_suffix('?') {
        Some(t) => (t.trim(), true),
        None => (type_part, false),
    };
    let Some(ty) = FieldType::parse(type_name) else {
        let diagnostic = decoder.error(
            "unknown-type",
            node.span.clone(),
            format!("field `{name}`: unknown type `{type_name}`"),
        );
        diagnostic.help = Some(
            match crate::diagnostic::did_you_mean(type_name, FieldType::NAMES.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "types are {}; add `?` for optional, `= value` for a default",
                    FieldType::NAMES.join(", ")
                ),
            },
        );
        return None;
    };
    let default = match default_part {
        None => None,
        Some(text) => match parse_default(ty, text) {
            Ok(value) => Some(value),
            Err(expected) => {
                decoder.error(
                    "bad-default",
                    node.span.clone(),
                    format!("field `{name}`: default `{text}` is not {expected}"),
                );
                return None;
            }
        },
    };
    Some(FieldDef {
        name: name.to_owned(),
        ty,
        optional,
        default,
    })
}

fn parse_default(ty: FieldType, text: &str) -> Result<Value, &'static str> {
    let unquoted = text.trim_matches(|c| c == '"' || c == '\'');
    match ty {
        FieldType::Decimal => parse_decimal(text).map(Value::Num).ok_or("a decimal"),
        FieldType::Int => parse_decimal(text)
            .filter(|d| d.fract().is_zero())
            .map(Value::Num)
            .ok_or("a whole number"),
        FieldType::Bool => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("true or false"),
        },
        FieldType::String => Ok(Value::str(unquoted)),
        FieldType::Date => parse_date(unquoted)
            .map(Value::Date)
            .map_err(|_| "a date like 2026-03-14"),
        FieldType::ListString(_) | FieldType::ListDecimal(_) => match text {
            "[]" => Ok(Value::List(Vec::new().into())),
            _ => Err("`[]` (a list's only default is the empty list)"),
        },
    }
}
