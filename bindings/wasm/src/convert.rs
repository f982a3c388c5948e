//! Every conversion between JavaScript values and the engine's types. Nothing here
//! decides anything about points: inputs become the bytes and options the engine
//! reads, and its results become plain JS objects through serde.

use merit::line_col;
use merit::{Diagnostic, Format, Members, Records, Rulebook, ScoreOptions, ScoreRequest};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;

/// Options converted: what the engine needs, and the formats of each input.
pub struct Options {
    pub score: ScoreOptions,
    pub members: Option<Members>,
    format: Option<Format>,
    extra_format: Option<Format>,
    /// The sheet of a spreadsheet to read (the first when `None`).
    sheet: Option<String>,
    /// A rejected record or an input warning is an error (code `strict`).
    pub strict: bool,
}

/// A JS options object as JSON for the engine's requests (`undefined` is `null`).
pub fn json_value(value: JsValue) -> Result<serde_json::Value, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(serde_json::Value::Null);
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| Error::Argument(format!("options: {e}")))
}

/// The options of `score` and `whatIf`: checked by the engine's [`ScoreRequest`];
/// only `members` (an input, not an option) is read here.
pub fn options(value: JsValue) -> Result<Options, Error> {
    let (members_value, rest) = match value.dyn_ref::<js_sys::Object>() {
        Some(object) if !value.is_function() => {
            let members = js_sys::Reflect::get(object, &"members".into()).unwrap_or(JsValue::UNDEFINED);
            let rest = js_sys::Object::assign(&js_sys::Object::new(), object);
            let _ = js_sys::Reflect::delete_property(&rest, &"members".into());
            (members, JsValue::from(rest))
        }
        _ => (JsValue::UNDEFINED, value),
    };
    let scoring = ScoreRequest::from_value(json_value(rest)?)?.validate()?;
    let members = match members_value.is_undefined() || members_value.is_null() {
        true => None,
        false => {
            let (bytes, format) = input(&members_value, scoring.members_format, "options.members")?;
            let members =
                Members::read(&bytes, format).map_err(|error| Error::input("options.members", error))?;
            Some(members)
        }
    };
    Ok(Options {
        score: scoring.options,
        members,
        format: scoring.format,
        extra_format: scoring.extra_format,
        sheet: scoring.sheet,
        strict: scoring.strict,
    })
}

/// Reads `records` (and, for `whatIf`, the extra records): one input, or an array
/// of strings / `Uint8Array`s read as several inputs in order (as the CLI reads
/// several files), named `records[0]`, `records[1]`, … in `rejected`.
pub fn records(book: &Rulebook, value: &JsValue, options: &Options, extra: bool) -> Result<Records, Error> {
    let (what, format) = match extra {
        false => ("records", options.format),
        true => ("extraRecords", options.extra_format),
    };
    let mut records = Records::new().with_sheet(options.sheet.clone());
    let mut read = |value: &JsValue, name: &str| {
        let (bytes, format) = input(value, format, what)?;
        // The lean build has no GB18030 decoder: the full one reads such text.
        if !cfg!(feature = "full") && merit::is_gb18030(&bytes, book.encoding()) {
            return Err(Error::NotInBuild(format!("{what}: GB18030 (GBK) text")));
        }
        records
            .read(book, &bytes, format, name)
            .map_err(|error| Error::input(what, error))
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
/// in the given format, or the one its first bytes imply ([`Format::sniff`]: a zip
/// or OLE file a spreadsheet, `[` JSON, `{` JSONL, `-` or `#` YAML, else CSV).
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
    let format = format.unwrap_or_else(|| Format::sniff(&bytes));
    if format == Format::Sheet && !cfg!(feature = "full") {
        return Err(Error::NotInBuild(format!(
            "{what}: spreadsheets (.xlsx, .xls, .ods)"
        )));
    }
    Ok((bytes, format))
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
    merit::write_compact_report_json(&mut text, &mut evaluation.stream())
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
            .fields()
            .map(|f| FieldOut {
                name: f.name,
                ty: f.ty,
                optional: f.optional,
                default: f.default,
            })
            .collect(),
        rules: book
            .rules()
            .map(|r| RuleOut {
                id: r.id,
                title: r.title,
                tags: r.tags,
            })
            .collect(),
    }
}
