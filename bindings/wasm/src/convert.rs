//! Every conversion between JavaScript values and the engine's types. Nothing here
//! decides anything about points: inputs become the bytes and options the engine
//! reads, and its results become plain JS objects through serde.

use merit::calendar::{Per, parse_date};
use merit::diagnostic::line_col;
use merit::{Diagnostic, Format, Members, Records, Rulebook, ScoreOptions};
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;

/// The options of `score` and `whatIf`, as JavaScript spells them.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OptionsIn {
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
    period: Option<String>,
    /// The language of explanations: "zh" or "en".
    lang: Option<String>,
    /// Add `unscored` (records that earned nothing, and why) to each member.
    #[serde(default)]
    why_not: bool,
    /// The format of `records` when it is a string or bytes.
    format: Option<String>,
    /// The format of `whatIf`'s extra records when they are a string or bytes.
    extra_format: Option<String>,
    /// Member profiles: an array of objects, or a string / bytes in `membersFormat`.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    members: JsValue,
    members_format: Option<String>,
}

/// Options converted: what the engine needs, and the formats of each input.
pub struct Options {
    pub score: ScoreOptions,
    pub members: Option<Members>,
    format: Option<Format>,
    extra_format: Option<Format>,
}

pub fn options(value: JsValue) -> Result<Options, Error> {
    let raw: OptionsIn = if value.is_undefined() || value.is_null() {
        OptionsIn::default()
    } else {
        unknown_keys(&value)?;
        serde_wasm_bindgen::from_value(value).map_err(|e| Error::Argument(format!("options: {e}")))?
    };
    let date = |name: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| parse_date(t).map_err(|e| Error::Argument(format!("options.{name}: {e}"))))
            .transpose()
    };
    let period = match raw.period.as_deref() {
        None => None,
        Some(p) => Some(Per::parse(p).ok_or_else(|| {
            Error::Argument(format!(
                "options.period: expected one of {}, got {p:?}",
                Per::NAMES.join(", ")
            ))
        })?),
    };
    let members = match raw.members.is_undefined() || raw.members.is_null() {
        true => None,
        false => {
            let format = format_option("membersFormat", &raw.members_format)?;
            let (bytes, format) = input(&raw.members, format, "options.members")?;
            let members = Members::read(&bytes, format).map_err(|error| Error::Input {
                what: "options.members",
                error,
            })?;
            Some(members)
        }
    };
    Ok(Options {
        score: ScoreOptions {
            from: date("from", &raw.from)?,
            to: date("to", &raw.to)?,
            as_of: date("asOf", &raw.as_of)?,
            period,
            lang: match raw.lang.as_deref() {
                None => None,
                Some(name) => Some(merit::explain::Lang::parse(name).ok_or_else(|| {
                    Error::Argument(format!("lang: expected \"zh\" or \"en\", got {name:?}"))
                })?),
            },
            summary: false,
            why_not: raw.why_not,
        },
        members,
        format: format_option("format", &raw.format)?,
        extra_format: format_option("extraFormat", &raw.extra_format)?,
    })
}

const OPTION_KEYS: &[&str] = &[
    "from",
    "to",
    "asOf",
    "period",
    "lang",
    "whyNot",
    "format",
    "extraFormat",
    "members",
    "membersFormat",
];

/// serde-wasm-bindgen reads only the keys a struct names, so a misspelt option
/// (`asof`) would be ignored silently: it is refused here, with the likely fix.
fn unknown_keys(value: &JsValue) -> Result<(), Error> {
    let Some(object) = value.dyn_ref::<js_sys::Object>() else {
        return Err(Error::Argument("options: expected an object".to_owned()));
    };
    for key in js_sys::Object::keys(object).iter().filter_map(|k| k.as_string()) {
        if !OPTION_KEYS.contains(&key.as_str()) {
            let hint = merit::diagnostic::did_you_mean(&key, OPTION_KEYS.iter().copied())
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            return Err(Error::Argument(format!(
                "options: unknown option `{key}`, expected one of {}{hint}",
                OPTION_KEYS.join(", ")
            )));
        }
    }
    Ok(())
}

fn format_option(name: &str, text: &Option<String>) -> Result<Option<Format>, Error> {
    text.as_deref()
        .map(|f| {
            Format::parse(f).ok_or_else(|| {
                Error::Argument(format!(
                    "options.{name}: expected jsonl, json, csv, yaml or xlsx, got {f:?}"
                ))
            })
        })
        .transpose()
}

/// Reads `records` (and, for `whatIf`, the extra records): one input, or an array
/// of strings / `Uint8Array`s read as several inputs in order (as the CLI reads
/// several files), named `records[0]`, `records[1]`, … in `rejected`.
pub fn records(book: &Rulebook, value: &JsValue, options: &Options, extra: bool) -> Result<Records, Error> {
    let (what, format) = match extra {
        false => ("records", options.format),
        true => ("extraRecords", options.extra_format),
    };
    let mut records = Records::new();
    let mut read = |value: &JsValue, name: &str| {
        let (bytes, format) = input(value, format, what)?;
        // The lean build has no GB18030 decoder: the full one reads such text.
        if !cfg!(feature = "full") && merit::records::is_gb18030(&bytes, book.input.encoding) {
            return Err(Error::NotInBuild(format!("{what}: GB18030 (GBK) text")));
        }
        records
            .read(book, &bytes, format, name)
            .map_err(|error| Error::Input { what, error })
    };
    match several_inputs(value) {
        Some(inputs) => {
            for (i, input) in inputs.iter().enumerate() {
                read(&input, &format!("{what}[{i}]"))?;
            }
        }
        None => {
            read(value, if extra { "what-if" } else { "records" })?;
        }
    }
    Ok(records)
}

/// An array whose elements are all strings or byte arrays (and not records).
fn several_inputs(value: &JsValue) -> Option<js_sys::Array> {
    let array = value.dyn_ref::<js_sys::Array>()?;
    let inputs = array.length() > 0
        && array
            .iter()
            .all(|v| v.is_string() || v.is_instance_of::<js_sys::Uint8Array>());
    inputs.then(|| array.clone())
}

/// An input as bytes and their format: an array of objects goes through
/// `JSON.stringify` (so the engine reads and types it like any JSON file, and
/// positions in `rejected` are array positions); a string or a `Uint8Array` is read
/// in the given format, or the one its first bytes imply (a zip or OLE file a
/// spreadsheet, `[` JSON, `{` JSONL, `-` or `#` YAML, anything else CSV).
fn input(value: &JsValue, format: Option<Format>, what: &str) -> Result<(Vec<u8>, Format), Error> {
    if value.is_undefined() || value.is_null() {
        return Ok((b"[]".to_vec(), Format::Json));
    }
    if js_sys::Array::is_array(value) {
        let text = js_sys::JSON::stringify(value)
            .map_err(|e| Error::Argument(format!("{what}: cannot be turned into JSON: {e:?}")))?;
        return Ok((String::from(text).into_bytes(), Format::Json));
    }
    let bytes = if let Some(text) = value.as_string() {
        text.into_bytes()
    } else if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        array.to_vec()
    } else {
        return Err(Error::Argument(format!(
            "{what}: expected an array of objects, a string or a Uint8Array, got {}",
            value.js_typeof().as_string().unwrap_or_default()
        )));
    };
    let format = format.unwrap_or_else(|| sniff(&bytes));
    if format == Format::Sheet && !cfg!(feature = "full") {
        return Err(Error::NotInBuild(format!(
            "{what}: spreadsheets (.xlsx, .xls, .ods)"
        )));
    }
    Ok((bytes, format))
}

fn sniff(bytes: &[u8]) -> Format {
    // A zip (.xlsx, .ods) or an OLE compound file (.xls) is a spreadsheet.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Format::Sheet;
    }
    match bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF)
    {
        Some(b'[') => Format::Json,
        Some(b'{') => Format::Jsonl,
        Some(b'-' | b'#') => Format::Yaml,
        _ => Format::Csv,
    }
}

/// Any serde value as a plain JS value: objects (not `Map`s), `null` for `None`.
///
/// Through JSON text and `JSON.parse`: a report of 100,000 awards is one string
/// crossing the boundary instead of a million small calls (measured in
/// bench/wasm/bench.mjs), and the objects are exactly the CLI's JSON.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::Argument(format!("cannot convert the result: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|e| Error::Argument(format!("cannot convert the result: {e:?}")))
}

/// An evaluation's report as plain JS objects, as [`to_js`] makes them, but written
/// as JSON a few members at a time rather than built whole first: a million records'
/// report is 883,000 awards, each a handful of strings.
pub fn report_to_js(evaluation: &merit::Evaluation) -> Result<JsValue, Error> {
    let mut text = Vec::new();
    merit::stream::write_compact_json(&mut text, &mut evaluation.stream())
        .map_err(|e| Error::Argument(format!("cannot convert the result: {e}")))?;
    let text =
        String::from_utf8(text).map_err(|e| Error::Argument(format!("cannot convert the result: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|e| Error::Argument(format!("cannot convert the result: {e:?}")))
}

/// A diagnostic as an editor wants it: 1-based line and column of both ends (in
/// characters, as the CLI prints them) and `start`/`end` offsets in UTF-16 code
/// units, which is what JavaScript string indices and editors count.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiagnosticOut<'a> {
    code: &'a str,
    severity: merit::Severity,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    start: usize,
    end: usize,
    label: Option<&'a str>,
    help: Option<&'a str>,
}

pub fn diagnostics(diagnostics: &[Diagnostic], source: &str) -> JsValue {
    let utf16 = |byte: usize| {
        let mut byte = byte.min(source.len());
        while !source.is_char_boundary(byte) {
            byte -= 1;
        }
        source[..byte].encode_utf16().count()
    };
    let out: Vec<DiagnosticOut> = diagnostics
        .iter()
        .map(|d| {
            let (end_line, end_column) = line_col(source, d.span.end.max(d.span.start));
            DiagnosticOut {
                code: d.code,
                severity: d.severity,
                message: &d.message,
                file: &d.file,
                line: d.line,
                column: d.column,
                end_line,
                end_column,
                start: utf16(d.span.start),
                end: utf16(d.span.end.max(d.span.start)),
                label: d.label.as_deref(),
                help: d.help.as_deref(),
            }
        })
        .collect();
    to_js(&out).unwrap_or_else(|_| js_sys::Array::new().into())
}

/// What a page needs to know of a rulebook to build its forms and labels.
#[derive(Serialize)]
pub struct Info<'a> {
    id: &'a str,
    version: &'a str,
    title: Option<&'a str>,
    digest: &'a str,
    period: &'a str,
    unit: UnitOut<'a>,
    fields: Vec<FieldOut<'a>>,
    rules: Vec<RuleOut<'a>>,
}

#[derive(Serialize)]
struct UnitOut<'a> {
    name: &'a str,
    decimals: u32,
}

#[derive(Serialize)]
struct FieldOut<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    ty: &'a str,
    optional: bool,
    /// The default as text (`false`, `0`), when the field has one.
    default: Option<String>,
}

#[derive(Serialize)]
struct RuleOut<'a> {
    id: &'a str,
    title: Option<&'a str>,
    tags: &'a [String],
}

pub fn info(book: &Rulebook) -> Info<'_> {
    Info {
        id: &book.id,
        version: &book.version,
        title: book.title.as_deref(),
        digest: &book.digest,
        period: book.period.name(),
        unit: UnitOut {
            name: &book.unit.name,
            decimals: book.unit.decimals,
        },
        fields: book
            .schema
            .fields
            .iter()
            .map(|f| FieldOut {
                name: &f.name,
                ty: f.ty.name(),
                optional: f.optional,
                default: f.default.as_ref().map(|v| v.to_string()),
            })
            .collect(),
        rules: book
            .rules
            .iter()
            .map(|r| RuleOut {
                id: &r.id,
                title: r.title.as_deref(),
                tags: &r.tags,
            })
            .collect(),
    }
}
