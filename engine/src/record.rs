//! Activity records after reading: typed by the rulebook's schema.

use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::value::Value;

/// One activity, validated against the schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Which input this record came from (0 for the first file given).
    pub source: u32,
    /// 1-based position in its input: line for JSONL, data row for CSV, element for
    /// JSON and YAML.
    pub position: u64,
    /// The record's `id`, or its position when it has none.
    pub id: Arc<str>,
    /// Whether `id` was given in the input (rather than derived from the position).
    pub has_id: bool,
    pub member: Arc<str>,
    pub kind: Arc<str>,
    /// The local date, in the rulebook's timezone.
    pub date: Date,
    /// Field values by schema slot; missing optional fields are [`Value::Null`],
    /// missing fields with a default hold the default.
    pub fields: Box<[Value]>,
}

/// A record that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// 1-based position in its input.
    pub record: u64,
    /// The record's `id` when it has one.
    pub id: Option<String>,
    /// Why: names the field, what was expected and what was found.
    pub error: String,
    /// The input's name when several inputs were read (otherwise omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Something in an input that was read but is probably not what was meant (a
/// column no field has), reported beside the records (DESIGN section 8.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The input's name (`<records>` for records handed over in memory).
    pub input: String,
    /// What was found and the closest name meant (`verifed` → `verified`).
    pub message: String,
}
