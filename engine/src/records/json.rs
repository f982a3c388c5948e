//! JSON records: the serde visitor shared with JSONL, and the JSON array reader.
//!
//! A record object is visited once, without building a `serde_json::Value`: keys are
//! matched against the schema as borrowed text, values are typed on the spot, and
//! keys merit does not know are skipped with `IgnoredAny`. Numbers arrive as their
//! written text (serde_json's `arbitrary_precision`), so no float is involved.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::builder::{Accept, Builder, Key};
use super::typing::Raw;
use super::{InputError, text, too_large};
use crate::record::{Record, Rejected};

/// How serde_json (with `arbitrary_precision`) hands a number to `deserialize_any`:
/// a one-entry map under this key, whose value is the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// What a JSON value turned out to be.
pub(crate) enum Shape {
    /// An object: its keys went to the builder.
    Object,
    /// Anything else, named for a message ("an array").
    Other(&'static str),
}

/// Parses one JSON value from `text`, sending an object's keys to `builder` (which
/// must have been started).
pub(crate) fn parse_record(text: &str, builder: &mut Builder<'_>) -> Result<Shape, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let shape = RecordSeed { builder }.deserialize(&mut de)?;
    de.end()?;
    Ok(shape)
}

/// The member of one JSON record, its other keys skipped untyped; `None` when the
/// text is not an object with a member.
pub(crate) fn member_of<'b>(text: &str, builder: &'b mut Builder<'_>) -> Option<&'b str> {
    builder.start();
    builder.only_member(true);
    let shape = parse_record(text, builder);
    builder.only_member(false);
    match shape {
        Ok(Shape::Object) => builder.member_text(),
        _ => None,
    }
}

/// Reads one JSON text (a JSONL line, an array element) as one record, or rejects
/// it saying why; `unit` is how the message names it ("line", "record").
pub(crate) fn read_one(
    text: &str,
    unit: &str,
    position: u64,
    builder: &mut Builder<'_>,
    records: &mut impl Accept,
    rejected: &mut Vec<Rejected>,
) {
    match parse_record(text, builder) {
        Ok(Shape::Object) => builder.finish(position, records, rejected),
        Ok(Shape::Other(what)) => builder.reject(
            position,
            format!("record is not a JSON object (got {what})"),
            rejected,
        ),
        Err(e) => builder.reject(
            position,
            format!("{unit} is not valid JSON: {}", describe(&e)),
            rejected,
        ),
    }
}

/// serde_json's message with its location cut to a column ("expected value at column 1").
pub(crate) fn describe(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let bare = message
        .rfind(" at line ")
        .map_or(message.as_str(), |i| &message[..i]);
    if error.column() > 0 {
        format!("{bare} at column {}", error.column())
    } else {
        bare.to_owned()
    }
}

/// Reads a JSON array of record objects.
pub(crate) fn read(
    input: &[u8],
    builder: &mut Builder<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) -> Result<(), InputError> {
    let text = text(input)?;
    if let Err(e) = serde_json::from_str::<IgnoredAny>(text) {
        let message = format!("not valid JSON: {}", describe_bare(&e));
        return Err(InputError::at(message, e.line() as u64, Some(e.column() as u64)));
    }
    let elements = elements(text).map_err(|what| {
        InputError::at(
            format!("expected a JSON array of records, got {what}"),
            1,
            Some(1),
        )
    })?;
    for (index, range) in elements.into_iter().enumerate() {
        let position = index as u64 + 1;
        let element = text.get(range).unwrap_or_default();
        if element.len() > builder.max_record_bytes {
            builder.start();
            builder.reject(position, too_large(builder.max_record_bytes), rejected);
            continue;
        }
        builder.start();
        read_one(element, "record", position, builder, records, rejected);
    }
    Ok(())
}

/// Reads records handed over as JSON values (an embedder's structs serialised, or
/// `serde_json::Value`s): each key goes to the builder as the text readers send it,
/// so the typing and the rejections are theirs. Numbers keep their exact text
/// (serde_json's `arbitrary_precision`), never passing through a float. An `Err`
/// item (a value that could not be serialised) is rejected with its message.
/// Positions count from 1.
pub(crate) fn read_values<V: std::borrow::Borrow<serde_json::Value>>(
    values: impl IntoIterator<Item = Result<V, String>>,
    builder: &mut Builder<'_>,
    records: &mut Vec<Record>,
    rejected: &mut Vec<Rejected>,
) {
    for (index, value) in values.into_iter().enumerate() {
        let position = index as u64 + 1;
        builder.start();
        let object = match value {
            Ok(value) => match value.borrow() {
                serde_json::Value::Object(object) => {
                    send_object(object, builder);
                    Ok(())
                }
                other => Err(format!("record is not a JSON object (got {})", json_kind(other))),
            },
            Err(why) => Err(format!("record cannot be serialised: {why}")),
        };
        match object {
            Ok(()) => builder.finish(position, records, rejected),
            Err(why) => builder.reject(position, why, rejected),
        }
    }
}

/// Sends the keys of one record object to the builder.
fn send_object(object: &serde_json::Map<String, serde_json::Value>, builder: &mut Builder<'_>) {
    for (name, value) in object {
        let Some(key) = builder.key(name) else { continue };
        match value {
            serde_json::Value::Array(items) => {
                let raws: Vec<Raw> = items.iter().map(raw).collect();
                builder.set(key, Raw::Items("an array", &raws));
            }
            other => builder.set(key, raw(other)),
        }
    }
}

/// One JSON value as the builder takes it (an array or object nested in a list is
/// named, for the message that rejects it).
fn raw(value: &serde_json::Value) -> Raw<'_> {
    match value {
        serde_json::Value::Null => Raw::Null,
        serde_json::Value::Bool(b) => Raw::Bool(*b),
        serde_json::Value::Number(n) => Raw::Number(n.as_str()),
        serde_json::Value::String(s) => Raw::Str(s),
        serde_json::Value::Array(_) => Raw::Nested("an array"),
        serde_json::Value::Object(_) => Raw::Nested("an object"),
    }
}

/// What a JSON value is, for a message ("an array").
pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

pub(crate) fn describe_bare(error: &serde_json::Error) -> String {
    let message = error.to_string();
    message
        .rfind(" at line ")
        .map_or(message.clone(), |i| message[..i].to_owned())
}

/// The byte ranges of the elements of the top-level array of `text`, which must be
/// valid JSON. `Err` names what the top level is instead.
fn elements(text: &str) -> Result<Vec<std::ops::Range<usize>>, &'static str> {
    let bytes = text.as_bytes();
    let Some(open) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err("nothing");
    };
    match bytes.get(open) {
        Some(b'[') => {}
        Some(b'{') => return Err("an object"),
        Some(b'"') => return Err("a string"),
        Some(b't' | b'f') => return Err("a boolean"),
        Some(b'n') => return Err("null"),
        _ => return Err("a number"),
    }
    let mut ranges = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut start = open + 1;
    for (i, &b) in bytes.iter().enumerate().skip(open + 1) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth > 0 => depth -= 1,
            b',' | b']' if depth == 0 => {
                let element = trim(bytes, start..i);
                if !element.is_empty() {
                    ranges.push(element);
                }
                if b == b']' {
                    break;
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    Ok(ranges)
}

fn trim(bytes: &[u8], mut range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    while range.start < range.end && bytes.get(range.start).is_some_and(u8::is_ascii_whitespace) {
        range.start += 1;
    }
    while range.end > range.start && bytes.get(range.end - 1).is_some_and(u8::is_ascii_whitespace) {
        range.end -= 1;
    }
    range
}

struct RecordSeed<'b, 'a> {
    builder: &'b mut Builder<'a>,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = Shape;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut first = true;
        while let Some(name) = map.next_key_seed(KeySeed {
            builder: &mut *self.builder,
        })? {
            match name {
                Name::Number if first => {
                    map.next_value::<IgnoredAny>()?;
                    return Ok(Shape::Other("a number"));
                }
                Name::Key(key) => map.next_value_seed(ValueSeed {
                    builder: self.builder,
                    key,
                })?,
                Name::Number | Name::Ignored => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            first = false;
        }
        Ok(Shape::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::Other("an array"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Other("a string"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Other("a boolean"))
    }

    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Other("null"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Other("a number"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Other("a number"))
    }
}

/// A key of a record object, matched without allocating.
enum Name {
    Key(Key),
    Ignored,
    /// serde_json's marker for a number (see [`NUMBER_TOKEN`]).
    Number,
}

struct KeySeed<'b, 'a> {
    builder: &'b mut Builder<'a>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Name;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Name, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Name;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, name: &str) -> Result<Name, E> {
        if name == NUMBER_TOKEN {
            return Ok(Name::Number);
        }
        Ok(match self.builder.key(name) {
            Some(key) => Name::Key(key),
            None => Name::Ignored,
        })
    }
}

/// One value of a known key, typed straight into the builder.
struct ValueSeed<'b, 'a> {
    builder: &'b mut Builder<'a>,
    key: Key,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.builder.set(self.key, Raw::Null);
        Ok(())
    }

    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.builder.set(self.key, Raw::Bool(b));
        Ok(())
    }

    fn visit_str<E>(self, text: &str) -> Result<(), E> {
        self.builder.set(self.key, Raw::Str(text));
        Ok(())
    }

    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.builder.set(self.key, Raw::Number(&n.to_string()));
        Ok(())
    }

    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.builder.set(self.key, Raw::Number(&n.to_string()));
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut is_number = false;
        if let Some(name) = map.next_key::<NumberProbe>()? {
            if name.0 {
                let text: String = map.next_value()?;
                self.builder.set(self.key, Raw::Number(&text));
                is_number = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !is_number {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            self.builder.set(self.key, Raw::Nested("an object"));
        }
        Ok(())
    }

    /// An array is a list field's value: its items are typed by the field.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            items.push(item);
        }
        let raws: Vec<Raw> = items.iter().map(raw).collect();
        self.builder.set(self.key, Raw::Items("an array", &raws));
        Ok(())
    }
}

/// Whether a map key is serde_json's number marker.
struct NumberProbe(bool);

impl<'de> serde::Deserialize<'de> for NumberProbe {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Probe;
        impl<'de> Visitor<'de> for Probe {
            type Value = NumberProbe;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, name: &str) -> Result<NumberProbe, E> {
                Ok(NumberProbe(name == NUMBER_TOKEN))
            }
        }
        deserializer.deserialize_str(Probe)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::super::tests::{outcome, schema};

    fn json(input: &str) -> String {
        outcome(input.as_bytes(), Format::Json, &schema())
    }

    #[test]
    fn reads_an_array_of_objects() {
        insta::assert_snapshot!(json(r#"[
  {"id": "a", "member": "m1", "kind": "volunteer", "date": "2026-03-14", "hours": 0.1},
  {"member": 42, "kind": "volunteer", "date": "2026-03-14T23:30:00Z", "hours": "3.50", "verified": true},
  [1, 2],
  7,
  {"member": "m3", "kind": "volunteer", "date": "2026-03-14", "hours": {"value": 3}}
]"#), @r#"
        ok 1 id=a member=m1 kind=volunteer date=2026-03-14 [0.1, false, null, null]
        ok 2 id=#2 member=42 kind=volunteer date=2026-03-15 [3.50, true, null, null]
        rejected 3: record is not a JSON object (got an array)
        rejected 4: record is not a JSON object (got a number)
        rejected 5: field `hours`: expected decimal, got an object
        "#);
    }

    #[test]
    fn whole_input_failures_are_located() {
        insta::assert_snapshot!(json("[\n  {\"member\": \"m1\",}\n]"), @"error: line 2, column 19: not valid JSON: key must be a string");
        insta::assert_snapshot!(json(r#"{"member": "m1"}"#), @"error: line 1, column 1: expected a JSON array of records, got an object");
        insta::assert_snapshot!(json(""), @"error: line 1, column 0: not valid JSON: EOF while parsing a value");
        insta::assert_snapshot!(json("[]"), @"");
    }

    #[test]
    fn elements_with_tricky_strings_split_correctly() {
        insta::assert_snapshot!(json(r#"[{"member": "m,]1\"", "kind": "k[", "date": "2026-01-01", "x": [{"a": "]"}]}, {"member": "m2", "kind": "k", "date": "2026-01-02"}]"#), @r#"
        ok 1 id=#1 member=m,]1" kind=k[ date=2026-01-01 [null, false, null, null]
        ok 2 id=#2 member=m2 kind=k date=2026-01-02 [null, false, null, null]
        "#);
    }
}
