//! The pieces the rulebook's JSON Schema is built from (`merit schema`): an ordered
//! JSON value and the small shapes every section uses. The schema is generated
//! from the code that reads each key (`rules/*` for rule kinds, `book/schema.rs`
//! for the rest), so editors and the loader cannot drift apart. A leaf: it knows
//! no rulebook section.
use serde_json::{Map, Value};

/// A JSON value; its objects keep their keys in the order they are built
/// (serde_json's `preserve_order`), so the schema reads as written: a rule's `id`
/// first, `type` before `properties`.
pub type Json = Value;

/// An object of `entries`, in that order.
pub fn obj<const N: usize>(entries: [(&str, Json); N]) -> Json {
    Json::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Adding keys to a schema object.
pub trait With {
    /// This object with `key` appended (or replaced in place when present).
    fn with(self, key: &str, value: Json) -> Json;
}

impl With for Json {
    fn with(mut self, key: &str, value: Json) -> Json {
        if let Json::Object(map) = &mut self {
            map.insert(key.to_owned(), value);
        }
        self
    }
}

/// `schema` pretty-printed as `merit schema` prints it (two-space indent, final newline).
pub fn pretty(schema: &Json) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("an in-memory JSON value serialises");
    text.push('\n');
    text
}

/// A list of strings.
pub fn strings(items: &[&str]) -> Json {
    Json::Array(items.iter().map(|&s| s.into()).collect())
}

/// `{"type": name}`.
pub fn typed(name: &str) -> Json {
    obj([("type", name.into())])
}

/// Any string.
pub fn string() -> Json {
    typed("string")
}

/// Any number.
pub fn number() -> Json {
    typed("number")
}

/// An integer of at least `min`.
pub fn integer_from(min: i64) -> Json {
    typed("integer").with("minimum", min.into())
}

/// A string matching `pattern`.
pub fn pattern(pattern: &str) -> Json {
    string().with("pattern", pattern.into())
}

/// A date written `YYYY-MM-DD`.
pub fn date() -> Json {
    pattern(r"^\d{4}-\d{2}-\d{2}$")
}

/// An identifier (rule, index and dimension ids): letters, digits, `_` and `-`, not
/// starting with `-`.
pub fn ident() -> Json {
    pattern(r"^[\p{L}\p{N}_][\p{L}\p{N}_-]*$")
}

/// One of `names`.
pub fn one_of(names: &[&str]) -> Json {
    obj([("enum", strings(names))])
}

/// A list of `items`.
pub fn array(items: Json) -> Json {
    typed("array").with("items", items)
}

/// `item` alone or a list of them (`tags: a` or `tags: [a, b]`).
pub fn one_or_many(item: Json) -> Json {
    obj([("oneOf", Json::Array(vec![item.clone(), array(item)]))])
}

/// An object with exactly `properties`, of which `required` must be present.
pub fn closed(required: &[&str], properties: Vec<(&str, Json)>) -> Json {
    let mut object = typed("object").with("additionalProperties", false.into());
    if !required.is_empty() {
        object = object.with("required", strings(required));
    }
    object.with("properties", properties_of(properties))
}

/// The `properties` object of `entries`.
pub fn properties_of(entries: Vec<(&str, Json)>) -> Json {
    Json::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// `schema` with a `description` first (editors show it on hover).
pub fn described(description: &str, schema: Json) -> Json {
    let Json::Object(entries) = schema else {
        return schema;
    };
    let mut out = Map::new();
    out.insert("description".to_owned(), description.into());
    out.extend(entries);
    Json::Object(out)
}
