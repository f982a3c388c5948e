//! Embedding from Rust without JSON bytes: records from `serde_json::Value`s and
//! from any `Serialize` value are typed and rejected exactly as the JSONL reader
//! types them, and member profiles can be inserted one by one.

use std::collections::BTreeMap;

use merit::{Format, Members, Records, Rulebook, ScoreOptions};
use serde_json::{Value, json};

const BOOK: &str = "fields: { hours: decimal, verified: bool = false, tags: list<string>? }
kinds: [volunteer, duty]
rules:
  - { id: hours, when: kind == \"volunteer\" and verified, points: hours * 10 }
  - { id: duty, when: kind == \"duty\" and member.role == \"secretary\", points: 5 }
";

fn book() -> Rulebook {
    Rulebook::from_yaml(BOOK, "book.yaml").expect("loads")
}

/// Good records, a bad decimal, a bad date, an unknown kind, a non-object, a
/// missing member and an unknown key (a warning), as JSON values.
fn values() -> Vec<Value> {
    vec![
        json!({"id": "a", "member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": 2.5, "verified": true}),
        json!({"id": "b", "member": "m1", "kind": "volunteer", "date": "2026-03-03", "hours": "three"}),
        json!({"id": "c", "member": "m2", "kind": "volunteer", "date": "2026-02-30", "hours": 1}),
        json!({"id": "d", "member": "m2", "kind": "volunter", "date": "2026-03-04", "hours": 1}),
        json!([1, 2]),
        json!({"id": "f", "kind": "duty", "date": "2026-03-05", "hours": 0}),
        json!({"id": "g", "member": "m2", "kind": "duty", "date": "2026-03-05", "hours": 0, "verifed": true, "tags": ["x"]}),
        json!({"id": "h", "member": "m3", "kind": "volunteer", "date": "2026-03-06", "hours": 0.1, "verified": true}),
    ]
}

#[test]
fn values_read_as_the_jsonl_reader_reads_their_text() {
    let book = book();
    let mut from_values = Records::new();
    assert_eq!(from_values.extend_values(&book, values(), "input"), 8);
    let text: String = values().iter().map(|v| format!("{v}\n")).collect();
    let mut from_text = Records::new();
    from_text
        .read(&book, text.as_bytes(), Format::Jsonl, "input")
        .expect("reads");
    let options = ScoreOptions::default();
    let (by_value, by_text) = (
        book.score(&from_values, None, &options),
        book.score(&from_text, None, &options),
    );
    assert_eq!(by_value.to_json(), by_text.to_json());
    let rejected: Vec<(u64, &str)> = by_value
        .rejected
        .iter()
        .map(|r| (r.record, r.error.as_str()))
        .collect();
    assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3, 4, 5, 6]);
    assert_eq!(rejected[0].1, r#"field `hours`: expected decimal, got "three""#);
    assert_eq!(rejected[3].1, "record is not a JSON object (got an array)");
    assert_eq!(by_value.warnings.len(), 1, "{:?}", by_value.warnings);
    assert_eq!(by_value.member("m3").expect("m3").total.to_string(), "1");
}

/// What an application keeps: its own struct, with a decimal as text and a date.
#[derive(serde::Serialize)]
struct Shift {
    member: String,
    kind: &'static str,
    date: jiff::civil::Date,
    hours: String,
    verified: bool,
}

#[test]
fn serialize_values_are_typed_and_rejected_like_the_readers() {
    let book = book();
    let shift = |member: &str, hours: &str| Shift {
        member: member.to_owned(),
        kind: "volunteer",
        date: jiff::civil::date(2026, 3, 2),
        hours: hours.to_owned(),
        verified: true,
    };
    let mut records = Records::new();
    let shifts = [shift("m1", "1.5"), shift("m2", "1.5h"), shift("", "1")];
    assert_eq!(records.extend_serialize(&book, &shifts, "shifts"), 3);
    // A map with keys that are not text cannot become a JSON object.
    let odd: Vec<BTreeMap<(u8, u8), u8>> = vec![BTreeMap::from([((1, 2), 3)])];
    assert_eq!(records.extend_serialize(&book, odd, "odd"), 1);
    let report = book.score(&records, None, &ScoreOptions::default());
    assert_eq!(report.member("m1").expect("m1").total.to_string(), "15");
    let rejected: Vec<String> = report
        .rejected
        .iter()
        .map(|r| format!("{} {}: {}", r.source.as_deref().unwrap_or("-"), r.record, r.error))
        .collect();
    assert_eq!(rejected.len(), 3, "{rejected:#?}");
    assert!(
        rejected[0].starts_with("shifts 2: field `hours`"),
        "{rejected:#?}"
    );
    assert!(rejected[1].starts_with("shifts 3: "), "{rejected:#?}");
    assert_eq!(
        rejected[2],
        "odd 1: record cannot be serialised: key must be a string"
    );
}

#[test]
fn members_inserted_are_read_as_profiles_read_from_a_file() {
    let book = book();
    let records_text = b"member,kind,date,hours\nm1,duty,2026-03-05,0\nm2,duty,2026-03-05,0\n";
    let mut records = Records::new();
    records
        .read(&book, records_text, Format::Csv, "duty.csv")
        .expect("reads");
    let mut inserted = Members::default();
    inserted
        .insert("m1", json!({ "role": "secretary", "since": "2024-01-01" }))
        .expect("inserts");
    inserted
        .insert("m2", BTreeMap::from([("role", "resident")]))
        .expect("inserts");
    let read = Members::read(
        b"member,role,since\nm1,secretary,2024-01-01\nm2,resident,\n",
        Format::Csv,
    )
    .expect("reads");
    let options = ScoreOptions::default();
    let (a, b) = (
        book.score(&records, Some(&inserted), &options),
        book.score(&records, Some(&read), &options),
    );
    assert_eq!(a.to_json(), b.to_json());
    assert_eq!(a.member("m1").expect("m1").total.to_string(), "5");

    let refused = |member: &str, value: Value| {
        inserted
            .clone()
            .insert(member, value)
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(refused("m1", json!({})), "member `m1`: already has a profile");
    assert_eq!(refused("", json!({})), "a member id must not be empty");
    assert_eq!(
        refused("m3", json!(["role"])),
        "member `m3`: expected an object of attributes, got an array"
    );
    assert_eq!(
        refused("m3", json!({ "member": "m4" })),
        r#"member `m3`: the attributes name another member: "m4""#
    );
    assert!(
        refused("m3", json!({ "address": { "street": "x" } }))
            .starts_with("member `m3`: attribute `address`: ")
    );
    assert_eq!(inserted.len(), 2);
}
