//! Member profiles (`--members FILE`): one row per member, with a `member` key and
//! any attributes, read by rules as `member.role`.
//!
//! Profiles have no schema, so values keep their natural type: JSON and YAML values
//! as written (numbers exact), CSV cells inferred (empty → null, `true`/`false` →
//! bool, a plain decimal → number, `YYYY-MM-DD` → date, anything else → string).
//! A profile file is configuration rather than data, so any problem in it (a bad
//! line, a duplicate member) fails the whole file instead of skipping a row.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use csv::{ReaderBuilder, StringRecord};

use super::builder::is_integer;
use super::csv::{csv_error, header};
use super::json::{describe, describe_bare, json_kind};
use super::typing::{self, plain_decimal};
use super::{Format, InputError, line_col, text};
use crate::value::Value;
use crate::yaml::NodeKind;

/// Member id → attributes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Members {
    /// Attribute name → column in every member's row.
    columns: HashMap<String, usize>,
    /// Member → (position in the input, values by column; short rows end in nulls).
    rows: HashMap<Box<str>, (u64, Vec<Value>)>,
}

impl Members {
    /// Reads profiles from JSONL, a JSON array, CSV or YAML.
    ///
    /// ```
    /// use merit::{Format, Members};
    ///
    /// let members = Members::read(b"member,role,since\nm1,secretary,2024-01-01\nm2,,\n", Format::Csv)?;
    /// assert_eq!(members.len(), 2);
    /// assert!(members.has_attribute("role") && !members.has_attribute("age"));
    /// # Ok::<(), merit::InputError>(())
    /// ```
    pub fn read(input: &[u8], format: Format) -> Result<Members, InputError> {
        let mut members = Members::default();
        match format {
            Format::Jsonl => members.read_jsonl(input)?,
            Format::Json => members.read_json(input)?,
            Format::Csv => members.read_csv(input)?,
            Format::Yaml => members.read_yaml(input)?,
            Format::Sheet => {
                return Err(InputError::new(
                    "member profiles are read from .jsonl, .csv, .json or .yaml; save the sheet as CSV",
                ));
            }
        }
        Ok(members)
    }

    /// Adds one member's profile from any value that serialises to a JSON object
    /// (a map, an embedder's struct, a `serde_json::Value`), its values kept as a
    /// JSON profile's are. Fails, leaving the profiles as they were, for an empty
    /// id, a member already added, a value that is not an object, an attribute that
    /// is an object, or a `member` key naming another member (as in a profile file,
    /// `member` is the id, not an attribute).
    ///
    /// ```
    /// use merit::{Format, Members, Records, Rulebook, ScoreOptions};
    /// use serde_json::json;
    ///
    /// let mut members = Members::default();
    /// members.insert("m1", json!({ "role": "secretary" }))?;
    /// let book = Rulebook::from_yaml(
    ///     "rules:\n  - { id: duty, when: member.role == \"secretary\", points: 5 }\n", "book.yaml")?;
    /// let mut records = Records::new();
    /// records.read(&book, b"member,kind,date\nm1,duty,2026-03-02\nm2,duty,2026-03-02\n", Format::Csv, "d.csv")?;
    /// let report = book.score(&records, Some(&members), &ScoreOptions::default());
    /// assert_eq!(report.member("m1").unwrap().total.to_string(), "5");
    /// assert_eq!(report.member("m2").unwrap().total.to_string(), "0");
    /// assert!(members.insert("m1", json!({})).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert(&mut self, member: &str, attributes: impl serde::Serialize) -> Result<(), InputError> {
        let fail = |why: String| InputError::new(format!("member `{member}`: {why}"));
        if member.is_empty() {
            return Err(InputError::new("a member id must not be empty"));
        }
        if self.rows.contains_key(member) {
            return Err(fail("already has a profile".to_owned()));
        }
        let object = match serde_json::to_value(attributes) {
            Ok(serde_json::Value::Object(object)) => object,
            Ok(other) => {
                return Err(fail(format!(
                    "expected an object of attributes, got {}",
                    json_kind(&other)
                )));
            }
            Err(e) => return Err(fail(format!("attributes cannot be serialised: {e}"))),
        };
        let mut row = Vec::with_capacity(object.len());
        for (name, value) in object {
            if name == "member" {
                if value.as_str() != Some(member) {
                    return Err(fail(format!("the attributes name another member: {value}")));
                }
                continue;
            }
            let value = json_value(value).map_err(|why| fail(format!("attribute `{name}`: {why}")))?;
            row.push((name, value));
        }
        let position = self.rows.len() as u64 + 1;
        self.add(member, position, "profile", row)
    }

    /// The values of `names` for `member`, in order; a missing attribute (or member)
    /// is [`Value::Null`].
    pub(crate) fn attributes(&self, member: &str, names: &[String]) -> Vec<Value> {
        let Some((_, row)) = self.rows.get(member) else {
            return vec![Value::Null; names.len()];
        };
        names
            .iter()
            .map(|name| {
                self.columns
                    .get(name)
                    .and_then(|&c| row.get(c))
                    .cloned()
                    .unwrap_or(Value::Null)
            })
            .collect()
    }

    /// Whether `name` is an attribute of any member.
    pub fn has_attribute(&self, name: &str) -> bool {
        self.columns.contains_key(name)
    }

    /// How many members have a profile.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no member has a profile.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds one member's row; `unit` names positions in messages ("line", "row").
    fn add(
        &mut self,
        member: &str,
        position: u64,
        unit: &str,
        attributes: Vec<(String, Value)>,
    ) -> Result<(), InputError> {
        let mut row = Vec::new();
        for (name, value) in attributes {
            let next = self.columns.len();
            let column = *self.columns.entry(name).or_insert(next);
            if row.len() <= column {
                row.resize(column + 1, Value::Null);
            }
            if let Some(slot) = row.get_mut(column) {
                *slot = value;
            }
        }
        match self.rows.entry(Box::from(member)) {
            Entry::Occupied(first) => Err(InputError::new(format!(
                "member `{member}` appears twice ({unit}s {} and {position})",
                first.get().0
            ))),
            Entry::Vacant(slot) => {
                slot.insert((position, row));
                Ok(())
            }
        }
    }

    fn read_jsonl(&mut self, input: &[u8]) -> Result<(), InputError> {
        let text = text(input)?;
        for (index, line) in text.split('\n').enumerate() {
            let position = index as u64 + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            let at = |message: String| InputError::at(message, position, None);
            let object: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| at(format!("line is not valid JSON: {}", describe(&e))))?;
            self.add_json(object, position, "line")
                .map_err(|e| at(e.message))?;
        }
        Ok(())
    }

    fn read_json(&mut self, input: &[u8]) -> Result<(), InputError> {
        let text = text(input)?;
        let items = match serde_json::from_str(text) {
            Ok(serde_json::Value::Array(items)) => items,
            Ok(other) => {
                return Err(InputError::at(
                    format!("expected a JSON array of members, got {}", json_kind(&other)),
                    1,
                    None,
                ));
            }
            Err(e) => {
                let message = format!("not valid JSON: {}", describe_bare(&e));
                return Err(InputError::at(message, e.line() as u64, Some(e.column() as u64)));
            }
        };
        for (index, item) in items.into_iter().enumerate() {
            let position = index as u64 + 1;
            self.add_json(item, position, "element")
                .map_err(|e| InputError::new(format!("element {position}: {}", e.message)))?;
        }
        Ok(())
    }

    fn add_json(&mut self, item: serde_json::Value, position: u64, unit: &str) -> Result<(), InputError> {
        let serde_json::Value::Object(object) = item else {
            return Err(InputError::new(format!(
                "expected an object with a `member` key, got {}",
                json_kind(&item)
            )));
        };
        let mut member = None;
        let mut attributes = Vec::with_capacity(object.len());
        for (name, value) in object {
            if name == "member" {
                member = Some(match value {
                    serde_json::Value::String(s) if !s.is_empty() => s,
                    serde_json::Value::Number(n) if is_integer(n.as_str()) => n.as_str().to_owned(),
                    other => {
                        return Err(InputError::new(format!(
                            "`member` must be a non-empty string, got {other}"
                        )));
                    }
                });
            } else {
                let value =
                    json_value(value).map_err(|why| InputError::new(format!("attribute `{name}`: {why}")))?;
                attributes.push((name, value));
            }
        }
        let member = member.ok_or_else(|| InputError::new("missing `member`"))?;
        self.add(&member, position, unit, attributes)
    }

    fn read_csv(&mut self, input: &[u8]) -> Result<(), InputError> {
        let text = text(input)?;
        let mut reader = ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let names = header(&mut reader)?;
        let Some(member_column) = names.iter().position(|n| n == "member") else {
            return Err(InputError::at("the header has no `member` column", 1, None));
        };
        let mut row = StringRecord::new();
        let mut position = 0u64;
        while reader.read_record(&mut row).map_err(|e| csv_error(&e))? {
            position += 1;
            let line = row.position().map_or(position + 1, |p| p.line());
            let at = |message: String| InputError::at(message, line, None);
            if row.len() != names.len() {
                return Err(at(format!(
                    "row {position} has {} cells but the header has {} columns",
                    row.len(),
                    names.len()
                )));
            }
            let member = row.get(member_column).unwrap_or_default();
            if member.is_empty() {
                return Err(at(format!("row {position}: missing `member`")));
            }
            let attributes = names
                .iter()
                .zip(row.iter())
                .enumerate()
                .filter(|&(i, _)| i != member_column)
                .map(|(_, (name, cell))| (name.clone(), cell_value(cell)))
                .collect();
            self.add(member, position, "row", attributes)
                .map_err(|e| at(e.message))?;
        }
        Ok(())
    }

    fn read_yaml(&mut self, input: &[u8]) -> Result<(), InputError> {
        let (text, root) = super::yaml::parse(input)?;
        for (index, item) in super::yaml::items(text, &root)?.iter().enumerate() {
            let position = index as u64 + 1;
            let (line, column) = line_col(text, item.span.start);
            let at = |message: String| InputError::at(message, line, Some(column));
            let NodeKind::Map(entries) = &item.kind else {
                return Err(at(format!(
                    "expected a mapping with a `member` key, got {}",
                    item.kind.describe()
                )));
            };
            let mut member = None;
            let mut attributes = Vec::with_capacity(entries.len());
            for (name, value) in entries {
                let name = match &name.kind {
                    NodeKind::Str(s) | NodeKind::Number(s) => s.clone(),
                    other => return Err(at(format!("a key must be text, got {}", other.describe()))),
                };
                if name == "member" {
                    member = Some(match &value.kind {
                        NodeKind::Str(s) if !s.is_empty() => s.clone(),
                        NodeKind::Number(n) if is_integer(n) => n.clone(),
                        other => {
                            return Err(at(format!(
                                "`member` must be a non-empty string, got {}",
                                other.describe()
                            )));
                        }
                    });
                } else {
                    let value =
                        yaml_value(&value.kind).map_err(|why| at(format!("attribute `{name}`: {why}")))?;
                    attributes.push((name, value));
                }
            }
            let member = member.ok_or_else(|| at("missing `member`".to_owned()))?;
            self.add(&member, position, "element", attributes)
                .map_err(|e| at(e.message))?;
        }
        Ok(())
    }
}

fn json_value(value: serde_json::Value) -> Result<Value, String> {
    Ok(match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Num(typing::number(n.as_str())?),
        serde_json::Value::String(s) => Value::Str(Arc::from(s)),
        serde_json::Value::Array(items) => Value::List(
            items
                .into_iter()
                .map(json_value)
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        ),
        serde_json::Value::Object(_) => {
            return Err("expected a string, number, boolean or list, got an object".into());
        }
    })
}

fn yaml_value(node: &NodeKind) -> Result<Value, String> {
    Ok(match node {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Number(text) => Value::Num(typing::number(text)?),
        NodeKind::Str(s) => Value::str(s),
        NodeKind::Seq(items) => Value::List(
            items
                .iter()
                .map(|n| yaml_value(&n.kind))
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        ),
        NodeKind::Map(_) => return Err("expected a string, number, boolean or list, got a mapping".into()),
    })
}

/// A CSV cell's natural value. Numbers with a leading zero (`0042`, a code rather
/// than a quantity) stay text.
fn cell_value(cell: &str) -> Value {
    if cell.is_empty() {
        return Value::Null;
    }
    if cell.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if cell.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    let digits = cell.trim_start_matches(['-', '+']);
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    if !leading_zero && let Some(Ok(n)) = plain_decimal(cell) {
        return Value::Num(n);
    }
    if let Some(date) = typing::iso_date(cell) {
        return Value::Date(date);
    }
    Value::str(cell)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn shown(values: Vec<Value>) -> String {
        values
            .iter()
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn csv_cells_take_their_natural_type() {
        let input = "\u{FEFF}member,role,age,active,since,code,note\r\nm1,secretary,42.50,TRUE,2024-01-01,0042,\r\n7,,-3,false,2024-02-30,0.5,x y\r\n";
        let members = Members::read(input.as_bytes(), Format::Csv).expect("reads");
        assert_eq!(members.len(), 2);
        let cols = names(&["role", "age", "active", "since", "code", "note", "missing"]);
        insta::assert_snapshot!(shown(members.attributes("m1", &cols)), @r#"Str("secretary"), Num(42.50), Bool(true), Date(2024-01-01), Str("0042"), Null, Null"#);
        insta::assert_snapshot!(shown(members.attributes("7", &cols)), @r#"Null, Num(-3), Bool(false), Str("2024-02-30"), Num(0.5), Str("x y"), Null"#);
        insta::assert_snapshot!(shown(members.attributes("nobody", &cols[..2])), @"Null, Null");
    }

    #[test]
    fn json_values_keep_their_type_and_exactness() {
        let input = br#"{"member":"m1","role":"secretary","weight":0.1,"tags":["a",1],"flag":true,"x":null}

{"member":2,"since":"2024-01-01"}"#;
        let members = Members::read(input, Format::Jsonl).expect("reads");
        let cols = names(&["role", "weight", "tags", "flag", "x", "since"]);
        insta::assert_snapshot!(shown(members.attributes("m1", &cols)), @r#"Str("secretary"), Num(0.1), List([Str("a"), Num(1)]), Bool(true), Null, Null"#);
        insta::assert_snapshot!(shown(members.attributes("2", &cols)), @r#"Null, Null, Null, Null, Null, Str("2024-01-01")"#);
        let array =
            Members::read(br#"[{"member":"m1","role":"x"},{"member":"m2"}]"#, Format::Json).expect("reads");
        assert_eq!(array.len(), 2);
        assert!(array.has_attribute("role"));
        let yaml =
            Members::read(b"- { member: m1, role: chair, score: 3.50 }\n", Format::Yaml).expect("reads");
        insta::assert_snapshot!(shown(yaml.attributes("m1", &names(&["role", "score"]))), @r#"Str("chair"), Num(3.50)"#);
    }

    #[test]
    fn problems_fail_the_whole_file() {
        let err = |input: &str, format| Members::read(input.as_bytes(), format).unwrap_err().to_string();
        insta::assert_snapshot!(err("{\"member\":\"m1\"}\n{\"member\":\"m2\"}\n\n{\"member\":\"m1\"}", Format::Jsonl), @"line 4: member `m1` appears twice (lines 1 and 4)");
        insta::assert_snapshot!(err("member,role\nm1,a\nm2,b\nm1,c\n", Format::Csv), @"line 4: member `m1` appears twice (rows 1 and 3)");
        insta::assert_snapshot!(err(r#"[{"member":"m1"},{"member":"m1"}]"#, Format::Json), @"element 2: member `m1` appears twice (elements 1 and 2)");
        insta::assert_snapshot!(err("role\nx\n", Format::Csv), @"line 1: the header has no `member` column");
        insta::assert_snapshot!(err("member,role\nm1\n", Format::Csv), @"line 2: row 1 has 1 cells but the header has 2 columns");
        insta::assert_snapshot!(err("member,role\n,x\n", Format::Csv), @"line 2: row 1: missing `member`");
        insta::assert_snapshot!(err("{\"role\":\"x\"}", Format::Jsonl), @"line 1: missing `member`");
        insta::assert_snapshot!(err("{\"member\":true}", Format::Jsonl), @"line 1: `member` must be a non-empty string, got true");
        insta::assert_snapshot!(err("{\"member\":\"m1\",\"a\":{}}", Format::Jsonl), @"line 1: attribute `a`: expected a string, number, boolean or list, got an object");
        insta::assert_snapshot!(err("{\"member\":\"m1\",\"a\":1e999}", Format::Jsonl), @"line 1: attribute `a`: 1e+999 is out of range for a decimal");
        insta::assert_snapshot!(err("[1]", Format::Json), @"element 1: expected an object with a `member` key, got a number");
        insta::assert_snapshot!(err("{", Format::Json), @"line 1, column 1: not valid JSON: EOF while parsing an object");
        insta::assert_snapshot!(err("{}", Format::Json), @"line 1: expected a JSON array of members, got an object");
        insta::assert_snapshot!(err("- 3\n", Format::Yaml), @"line 1, column 3: expected a mapping with a `member` key, got a number");
    }
}
