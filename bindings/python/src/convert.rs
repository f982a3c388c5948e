//! Every conversion between Python and the engine.
//!
//! Python → engine: dicts become one JSON line each and are read by the engine's
//! JSONL reader, so that a list of dicts is typed, defaulted and rejected exactly as
//! the same records in a `.jsonl` file (record `n` is element `n`, 1-based). Numbers
//! are written as their text: `int` and `Decimal` as `str()` gives them, `float` as
//! its shortest round-trip text (what `repr` shows), never through binary
//! arithmetic. Dates and datetimes are written in ISO 8601; an aware datetime keeps
//! its offset and the engine maps it to a local date in the rulebook's time zone.
//!
//! Engine → Python is `to_python.rs`: the engine's types say which values are
//! decimals and dates.

use std::io::Write;

use jiff::civil::Date;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::Value;

use crate::error::{argument, type_error};

/// Deepest nesting written for one value (a list in a list in a dict …).
const MAX_DEPTH: usize = 32;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();

pub fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

pub fn date_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATE.import(py, "datetime", "date")
}

fn datetime_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DATETIME.import(py, "datetime", "datetime")
}

/// Writes each item of `items` as one JSON line; returns how many there were.
pub fn jsonl(items: &Bound<'_, PyAny>, out: &mut Vec<u8>) -> PyResult<u64> {
    let mut count = 0u64;
    for item in items.try_iter()? {
        count += 1;
        json(&item?, out, 0).map_err(|e| locate(items.py(), e, count))?;
        out.push(b'\n');
    }
    Ok(count)
}

/// Member profiles given as `{member: {attribute: value}}`, as JSON lines.
pub fn members_jsonl(members: &Bound<'_, PyDict>, out: &mut Vec<u8>) -> PyResult<()> {
    for (i, (member, attributes)) in members.iter().enumerate() {
        let row = PyDict::new(members.py());
        let attributes = attributes.cast_into::<PyDict>().map_err(|e| {
            type_error(format!(
                "members[{}] must be a dict of attributes, got {}",
                member.repr().map(|r| r.to_string()).unwrap_or_default(),
                type_name(e.into_inner().as_ref())
            ))
        })?;
        row.set_item("member", &member)?;
        row.update(attributes.as_mapping())?;
        json(row.as_any(), out, 0).map_err(|e| locate(members.py(), e, i as u64 + 1))?;
        out.push(b'\n');
    }
    Ok(())
}

/// Prefixes a conversion error with the record it happened in.
fn locate(py: Python<'_>, error: PyErr, record: u64) -> PyErr {
    if error.is_instance_of::<pyo3::exceptions::PyTypeError>(py) {
        type_error(format!("record {record}: {}", error.value(py)))
    } else {
        error
    }
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

fn string(text: &str, out: &mut Vec<u8>) -> PyResult<()> {
    serde_json::to_writer(&mut *out, text).map_err(|e| type_error(e.to_string()))
}

/// One Python value as JSON text.
fn json(value: &Bound<'_, PyAny>, out: &mut Vec<u8>, depth: usize) -> PyResult<()> {
    let py = value.py();
    if depth > MAX_DEPTH {
        return Err(type_error(format!("values nested more than {MAX_DEPTH} deep")));
    }
    if value.is_none() {
        out.extend_from_slice(b"null");
    } else if let Ok(text) = value.cast::<PyString>() {
        string(&text.to_cow()?, out)?;
    } else if let Ok(b) = value.cast::<PyBool>() {
        out.extend_from_slice(if b.is_true() { b"true" } else { b"false" });
    } else if value.is_instance_of::<PyInt>() {
        out.extend_from_slice(value.str()?.to_cow()?.as_bytes());
    } else if let Ok(f) = value.cast::<PyFloat>() {
        match merit::float_text(f.value()) {
            Some(text) => out.extend_from_slice(text.as_bytes()),
            // NaN and infinities have no JSON number: as text, they are rejected by
            // a number field with what was found.
            None => string(&value.repr()?.to_cow()?, out)?,
        }
    } else if value.is_instance(decimal_type(py)?)? {
        let text = value.str()?;
        if value.call_method0("is_finite")?.is_truthy()? {
            out.extend_from_slice(text.to_cow()?.as_bytes());
        } else {
            string(&text.to_cow()?, out)?;
        }
    } else if value.is_instance(datetime_type(py)?)? || value.is_instance(date_type(py)?)? {
        string(&value.call_method0("isoformat")?.str()?.to_cow()?, out)?;
    } else if let Ok(dict) = value.cast::<PyDict>() {
        object(dict.iter(), out, depth)?;
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        out.push(b'[');
        for (i, item) in value.try_iter()?.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json(&item?, out, depth + 1)?;
        }
        out.push(b']');
    } else if let Ok(mapping) = value.cast::<pyo3::types::PyMapping>() {
        let items = mapping.items()?;
        let pairs: PyResult<Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)>> =
            items.iter().map(|pair| pair.extract()).collect();
        object(pairs?.into_iter(), out, depth)?;
    } else if value.hasattr("item")? && !value.is_instance_of::<PyType>() {
        // A numpy scalar (numpy.int64, numpy.bool_): its Python value.
        let plain = value.call_method0("item")?;
        if plain.get_type().is(value.get_type()) {
            return Err(unsupported(value));
        }
        json(&plain, out, depth)?;
    } else {
        return Err(unsupported(value));
    }
    Ok(())
}

fn object<'py>(
    items: impl Iterator<Item = (Bound<'py, PyAny>, Bound<'py, PyAny>)>,
    out: &mut Vec<u8>,
    depth: usize,
) -> PyResult<()> {
    out.push(b'{');
    for (i, (key, item)) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let Ok(key) = key.cast::<PyString>() else {
            return Err(type_error(format!("keys must be strings, got {}", key.repr()?)));
        };
        string(&key.to_cow()?, out)?;
        out.push(b':');
        json(&item, out, depth + 1).map_err(|e| {
            let py = key.py();
            type_error(format!("key `{key}`: {}", e.value(py)))
        })?;
    }
    out.push(b'}');
    let _ = out.flush();
    Ok(())
}

fn unsupported(value: &Bound<'_, PyAny>) -> PyErr {
    type_error(format!(
        "cannot use a value of type {}; use str, int, float, Decimal, bool, date, datetime, list, dict or None",
        type_name(value)
    ))
}

/// The keyword arguments of `score` as the engine's request, checked there once;
/// `members` (an input, not an option) is handed back to be read as records are.
/// Dates are given as `datetime.date` or ISO text; their type is checked here (a
/// `datetime` is refused: which day it means depends on a time zone).
pub fn score_request<'py>(
    py: Python<'py>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(merit::Scoring, Option<Bound<'py, PyAny>>)> {
    let mut map = serde_json::Map::new();
    let mut members = None;
    for (key, value) in options.into_iter().flat_map(|d| d.iter()) {
        let key: String = key.extract()?;
        if value.is_none() {
            continue;
        }
        if key == "members" {
            members = Some(value);
            continue;
        }
        let json = if DATE_OPTIONS.contains(&key.as_str()) {
            Value::String(date_text(&key, &value)?)
        } else {
            json_value(&value).map_err(|e| type_error(format!("{key}: {}", e.value(py))))?
        };
        map.insert(key, json);
    }
    match merit::ScoreRequest::from_value(Value::Object(map)).and_then(|r| r.validate()) {
        Ok(scoring) => Ok((scoring, members)),
        Err(error) => Err(crate::error::merit(py, merit::Error::Request(error))),
    }
}

/// A date option of the bank (`date=`, `start=`): a `datetime.date` or `"YYYY-MM-DD"`.
pub fn date_option(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Date>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let text = date_text(name, value)?;
    merit::parse_date(&text)
        .map(Some)
        .map_err(|why| argument(value.py(), format!("{name}: {why}")))
}

/// A Python value as JSON, converted as record values are.
pub fn json_value(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let mut bytes = Vec::new();
    json(value, &mut bytes, 0)?;
    serde_json::from_slice(&bytes).map_err(|e| type_error(e.to_string()))
}

/// The options that are dates, in every spelling the engine accepts.
const DATE_OPTIONS: &[&str] = &["start", "end", "from", "to", "as_of", "asOf"];

/// A date option: a `datetime.date` or text (the engine says whether it is a date).
fn date_text(name: &str, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = value.py();
    if let Ok(text) = value.cast::<PyString>() {
        Ok(text.to_string())
    } else if value.is_instance(datetime_type(py)?)? {
        Err(type_error(format!(
            "{name} must be a date, not a datetime (use .date() to say which day you mean)"
        )))
    } else if value.is_instance(date_type(py)?)? {
        Ok(value.call_method0("isoformat")?.to_string())
    } else {
        Err(type_error(format!(
            "{name} must be a datetime.date or a \"YYYY-MM-DD\" string, got {}",
            type_name(value)
        )))
    }
}

/// `"2026-03-14"` as a `datetime.date`.
pub fn date<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    match text.parse::<Date>() {
        Ok(d) => date_type(py)?.call1((d.year(), d.month(), d.day())),
        Err(_) => Ok(PyString::new(py, text).into_any()),
    }
}

pub fn date_value<'py>(py: Python<'py>, d: Option<Date>) -> PyResult<Bound<'py, PyAny>> {
    match d {
        Some(d) => date_type(py)?.call1((d.year(), d.month(), d.day())),
        None => Ok(py.None().into_bound(py)),
    }
}
