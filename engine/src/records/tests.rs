//! Helpers shared by the format readers' tests: a schema like the design's, and a
//! one-line-per-record text of what a read produced.

use std::fmt::Write;
use std::io::BufReader;

use jiff::tz::TimeZone;

use super::{Format, ReadOptions, Reader, read};
use crate::record::{Record, Rejected};
use crate::schema::{FieldDef, FieldType, Schema};
use crate::value::Value;

pub(super) fn field(name: &str, ty: FieldType, optional: bool, default: Option<Value>) -> FieldDef {
    FieldDef {
        name: name.into(),
        ty,
        optional,
        default,
    }
}

/// `hours: decimal?`, `verified: bool = false`, `stars: int?`, `resolved_on: date?`.
pub(super) fn schema() -> Schema {
    Schema {
        fields: vec![
            field("hours", FieldType::Decimal, true, None),
            field("verified", FieldType::Bool, false, Some(Value::Bool(false))),
            field("stars", FieldType::Int, true, None),
            field("resolved_on", FieldType::Date, true, None),
        ],
    }
}

pub(super) fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").expect("bundled tzdb")
}

/// Reads `input` in Asia/Shanghai and lists what came out, one line per record.
pub(super) fn outcome(input: &[u8], format: Format, schema: &Schema) -> String {
    let tz = shanghai();
    let mut options = ReadOptions::new(schema, &tz);
    options.max_record_bytes = 200;
    outcome_with(input, format, &options)
}

/// What reading `input` whole produced. For the formats also read record by record,
/// reading it so (in 3-byte pieces, so that lines and rows straddle them) must give
/// the same records and rejections, and fail where the whole read fails.
pub(super) fn outcome_with(input: &[u8], format: Format, options: &ReadOptions<'_>) -> String {
    let (mut records, mut rejected) = (Vec::new(), Vec::new());
    let whole =
        read(input, format, options, &mut records, &mut rejected).map(|()| listed(&records, &rejected));
    if format.reads_by_record() {
        let (mut records, mut rejected) = (Vec::new(), Vec::new());
        let by_record =
            Reader::new(BufReader::with_capacity(3, input), format, options).and_then(|mut reader| {
                while reader.next(&mut records, &mut rejected)? {}
                Ok(listed(&records, &rejected))
            });
        match (&whole, by_record) {
            (Ok(whole), Ok(by_record)) => assert_eq!(*whole, by_record, "read record by record"),
            (Ok(_), Err(e)) => panic!("read record by record: {e}"),
            (Err(_), by_record) => assert!(by_record.is_err(), "read record by record: {by_record:?}"),
        }
    }
    whole.unwrap_or_else(|e| format!("error: {e}"))
}

/// Accepted and rejected records, merged back into input order, one line each.
fn listed(records: &[Record], rejected: &[Rejected]) -> String {
    let mut lines: Vec<(u64, String)> = Vec::new();
    for r in records {
        let id = if r.has_id {
            r.id.to_string()
        } else {
            format!("#{}", r.id)
        };
        let fields: Vec<String> = r.fields.iter().map(shown).collect();
        let line = format!(
            "ok {} id={id} member={} kind={} date={} [{}]",
            r.position,
            r.member,
            r.kind,
            r.date,
            fields.join(", ")
        );
        lines.push((r.position, line));
    }
    for r in rejected {
        let mut line = format!("rejected {}", r.record);
        if let Some(id) = &r.id {
            let _ = write!(line, " (id {id})");
        }
        if let Some(source) = &r.source {
            let _ = write!(line, " in {source}");
        }
        let _ = write!(line, ": {}", r.error);
        lines.push((r.record, line));
    }
    lines.sort_by_key(|(position, _)| *position);
    lines
        .into_iter()
        .map(|(_, line)| line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Numbers with their written scale (`3.50`), the rest as merit shows them.
fn shown(value: &Value) -> String {
    match value {
        Value::Num(n) => n.to_string(),
        other => other.to_string(),
    }
}

#[test]
fn formats_by_name_and_path() {
    assert_eq!(Format::from_path("a/b/records.jsonl"), Some(Format::Jsonl));
    assert_eq!(Format::from_path("x.ndjson"), Some(Format::Jsonl));
    assert_eq!(Format::from_path("X.JSON"), Some(Format::Json));
    assert_eq!(Format::from_path("rows.csv"), Some(Format::Csv));
    assert_eq!(Format::from_path("r.yml"), Some(Format::Yaml));
    assert_eq!(Format::from_path("r.yaml"), Some(Format::Yaml));
    assert_eq!(Format::from_path("dir.json/records"), None);
    assert_eq!(Format::from_path("-"), None);
    assert_eq!(Format::parse("Csv"), Some(Format::Csv));
    assert_eq!(Format::parse("xml"), None);
}

#[test]
fn input_errors_display_their_location() {
    use super::InputError;
    assert_eq!(
        InputError::at("bad", 3, Some(7)).to_string(),
        "line 3, column 7: bad"
    );
    assert_eq!(InputError::at("bad", 3, None).to_string(), "line 3: bad");
    assert_eq!(InputError::new("bad").to_string(), "bad");
}

#[test]
fn non_utf8_text_formats_fail_with_the_place() {
    let s = schema();
    let input = b"member,kind,date\nm1,k,2026-01-01\nm\xff,k,2026-01-01\n";
    assert_eq!(
        outcome(input, Format::Csv, &s),
        "error: line 3, column 2: input is not valid UTF-8 (byte 34)"
    );
    assert_eq!(
        outcome(b"[\"\xc3\x28\"]", Format::Json, &s),
        "error: line 1, column 3: input is not valid UTF-8 (byte 2)"
    );
    assert_eq!(
        outcome(b"- a: \xff", Format::Yaml, &s),
        "error: line 1, column 6: input is not valid UTF-8 (byte 5)"
    );
}

/// `cargo test -p merit --lib --release -- --ignored --nocapture read_a_million`
#[test]
#[ignore = "timing; run in release"]
fn read_a_million_jsonl_records() {
    let schema = Schema {
        fields: vec![
            field("hours", FieldType::Decimal, true, None),
            field("verified", FieldType::Bool, false, Some(Value::Bool(false))),
        ],
    };
    let mut input = String::new();
    for i in 0..1_000_000 {
        let _ = writeln!(
            input,
            r#"{{"id":"r{i}","member":"m{:04}","kind":"volunteer","date":"2026-03-14","hours":3.5,"verified":true}}"#,
            i % 10_000
        );
    }
    let tz = shanghai();
    let options = ReadOptions::new(&schema, &tz);
    for _ in 0..3 {
        let (mut records, mut rejected) = (Vec::new(), Vec::new());
        let start = std::time::Instant::now();
        read(
            input.as_bytes(),
            Format::Jsonl,
            &options,
            &mut records,
            &mut rejected,
        )
        .expect("reads");
        let elapsed = start.elapsed();
        assert_eq!((records.len(), rejected.len()), (1_000_000, 0));
        println!("{} MB in {elapsed:?}", input.len() / 1_000_000);
    }
}

/// `list<string>` and `list<decimal>` fields: JSON/YAML arrays, CSV cells split at
/// the field's separator (default `;`, items trimmed, empty items dropped).
#[test]
fn list_fields_from_every_text_format() {
    let s = Schema {
        fields: vec![
            field("tags", FieldType::ListString(';'), true, None),
            field("scores", FieldType::ListDecimal('|'), true, None),
        ],
    };
    insta::assert_snapshot!(outcome(br#"{"member": "m1", "kind": "k", "date": "2026-03-14", "tags": ["elderly", "night"], "scores": [4, 5.50]}
{"member": "m2", "kind": "k", "date": "2026-03-14", "tags": [], "scores": "1|2"}
{"member": "m3", "kind": "k", "date": "2026-03-14", "tags": "a; b;;", "scores": 7}
{"member": "m4", "kind": "k", "date": "2026-03-14", "tags": ["a", 3]}
{"member": "m5", "kind": "k", "date": "2026-03-14", "scores": ["x"]}
{"member": "m6", "kind": "k", "date": "2026-03-14", "tags": {"a": 1}}
"#, Format::Jsonl, &s), @r#"
    ok 1 id=#1 member=m1 kind=k date=2026-03-14 [["elderly", "night"], [4, 5.5]]
    ok 2 id=#2 member=m2 kind=k date=2026-03-14 [[], [1, 2]]
    ok 3 id=#3 member=m3 kind=k date=2026-03-14 [["a", "b"], [7]]
    rejected 4: field `tags`: item 2: expected string, got 3
    rejected 5: field `scores`: item 1: expected decimal, got "x"
    rejected 6: field `tags`: expected list<string>, got an object
    "#);
    insta::assert_snapshot!(outcome("member,kind,date,tags,scores\nm1,k,2026-03-14,elderly; night,4|5.5\nm2,k,2026-03-14,,\nm3,k,2026-03-14,独居老人,x|1\n".as_bytes(), Format::Csv, &s), @r#"
    ok 1 id=#1 member=m1 kind=k date=2026-03-14 [["elderly", "night"], [4, 5.5]]
    ok 2 id=#2 member=m2 kind=k date=2026-03-14 [null, null]
    rejected 3: field `scores`: item 1: expected decimal, got "x"
    "#);
    insta::assert_snapshot!(outcome("- { member: m1, kind: k, date: 2026-03-14, tags: [elderly, 夜间], scores: [1.5] }\n".as_bytes(), Format::Yaml, &s), @r#"ok 1 id=#1 member=m1 kind=k date=2026-03-14 [["elderly", "夜间"], [1.5]]"#);
}
