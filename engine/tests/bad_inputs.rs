//! The bad-input table: malformed rulebooks and records, each with the exact error it
//! gets, in one insta snapshot (`snapshots/main__bad_inputs__table.snap`) to review.

use std::fmt::Write as _;

use merit::{Format, Records, Rulebook};

const BOOK: &str = "fields: { hours: decimal?, ok: bool = false, note: string? }\nrules:\n  - { id: hours, when: kind == \"v\", points: hours ?? 0 }\n";

/// Malformed rulebooks: name and source.
const BOOKS: &[(&str, &str)] = &[
    ("empty file", ""),
    ("not a mapping", "- just\n- a list\n"),
    ("rules is a string", "rules: nope\n"),
    ("rule without id", "rules:\n  - { points: 1 }\n"),
    (
        "duplicate rule ids",
        "rules:\n  - { id: a, points: 1 }\n  - { id: a, points: 2 }\n",
    ),
    (
        "duplicate mapping key",
        "rules:\n  - { id: a, points: 1, points: 2 }\n",
    ),
    ("unknown top-level key", "rulez: []\n"),
    ("unknown rule key", "rules:\n  - { id: a, pionts: 1 }\n"),
    (
        "points is a boolean expression",
        "rules:\n  - { id: a, points: 1 > 0 }\n",
    ),
    (
        "when is a number",
        "rules:\n  - { id: a, when: 1 + 1, points: 1 }\n",
    ),
    (
        "unknown field in expression",
        "rules:\n  - { id: a, points: hourz * 2 }\n",
    ),
    (
        "unknown function",
        "rules:\n  - { id: a, points: frobnicate(1) }\n",
    ),
    ("syntax error", "rules:\n  - { id: a, points: 1 + * 2 }\n"),
    (
        "unterminated string",
        "rules:\n  - { id: a, when: kind == \"v, points: 1 }\n",
    ),
    (
        "impossible date literal",
        "rules:\n  - { id: a, when: date > 2026-02-30, points: 1 }\n",
    ),
    (
        "huge number literal",
        "rules:\n  - { id: a, points: 123456789012345678901234567890123 }\n",
    ),
    (
        "points cycle",
        "rules:\n  - { id: a, per: month, count: kind == \"x\", points: points(\"b\") }\n  - { id: b, per: month, count: kind == \"x\", points: points(\"a\") }\n",
    ),
    (
        "billion laughs",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\nrules: []\n",
    ),
    (
        "points() in a per-record sum",
        "rules:\n  - { id: a, per: month, sum: points(\"a\"), tiers: [{ at: 1, points: 1 }] }\n",
    ),
    (
        "points of unknown rule",
        "rules:\n  - { id: a, per: month, count: kind == \"x\", points: points(\"zzz\") }\n",
    ),
    ("bad field type", "fields: { hours: float }\nrules: []\n"),
    (
        "bad cap period",
        "rules:\n  - { id: a, points: 1, cap: [{ per: fortnight, max: 10 }] }\n",
    ),
    (
        "negative decimals",
        "unit: { name: p, decimals: -1 }\nrules: []\n",
    ),
    ("bad timezone", "timezone: Mars/Olympus\nrules: []\n"),
    ("wrong format version", "merit: 2\nrules: []\n"),
    ("yaml tab indentation", "rules:\n\t- { id: a, points: 1 }\n"),
    ("unknown alias", "rules: *nothing\n"),
    (
        "script does not compile",
        "rules:\n  - id: s\n    per: month\n    script: \"let x = ;\"\n",
    ), // issue 13: numbers past what sums can hold, caps and table ranges that
    // were rounded or never matched without a word.
    (
        "index weights past 10^15",
        "rules: [{ id: r, points: 1 }]\nindexes:\n  - id: i\n    dimensions:\n      - { id: a, weight: 79228162514264337593543950335, rules: [r], full: 1 }\n      - { id: b, weight: 79228162514264337593543950335, rules: [r], full: 1 }\n",
    ),
    (
        "huge negative cap min",
        "rules: [{ id: r, points: -1, cap: [{ per: month, min: -79228162514264337593543950335 }] }]\n",
    ),
    (
        "negative cap max",
        "rules: [{ id: r, points: 1, cap: [{ per: month, max: -5 }] }]\n",
    ),
    (
        "30-digit cap max",
        "rules: [{ id: r, points: 1, cap: [{ per: month, max: 0.123456789012345678901234567891 }] }]\n",
    ),
    (
        "bank rate past 10^6",
        "id: b\nrules: [{ id: r, points: 1, tags: [bank] }]\nbank:\n  earn: { tags: [bank], rate: 2000000 }\n",
    ),
    (
        "table range past Decimal",
        "fields: { hours: decimal? }\nrules:\n  - id: t\n    table:\n      inputs: [hours]\n      rows:\n        - [\"[1e28..1e29)\", 1]\n",
    ),
    (
        "table range below Decimal's precision",
        "fields: { hours: decimal? }\nrules:\n  - id: t\n    table:\n      inputs: [hours]\n      rows:\n        - [\"[0.00000000000000000000000000001..1)\", 1]\n",
    ),
];

/// Malformed records, read against [`BOOK`]: name, format, bytes.
const RECORDS: &[(&str, Format, &[u8])] = &[
    (
        "missing member",
        Format::Jsonl,
        br#"{"kind":"v","date":"2026-03-01"}"#,
    ),
    ("missing date", Format::Jsonl, br#"{"member":"m","kind":"v"}"#),
    (
        "february 30th",
        Format::Jsonl,
        br#"{"member":"m","kind":"v","date":"2026-02-30"}"#,
    ),
    (
        "date as a number",
        Format::Jsonl,
        br#"{"member":"m","kind":"v","date":20260301}"#,
    ),
    (
        "member as an object",
        Format::Jsonl,
        br#"{"member":{"a":1},"kind":"v","date":"2026-03-01"}"#,
    ),
    (
        "hours as a word",
        Format::Jsonl,
        br#"{"member":"m","kind":"v","date":"2026-03-01","hours":"three"}"#,
    ),
    (
        "hours NaN",
        Format::Jsonl,
        br#"{"member":"m","kind":"v","date":"2026-03-01","hours":"NaN"}"#,
    ),
    (
        "hours Infinity",
        Format::Jsonl,
        br#"{"member":"m","kind":"v","date":"2026-03-01","hours":"Infinity"}"#,
    ),
    (
        "hours 1e400",
        Format::Jsonl,
        br#"{"member":"m","kind":"v","date":"2026-03-01","hours":1e400}"#,
    ),
    (
        "hours with 40 digits",
        Format::Jsonl,
        br#"{"member":"m","kind":"v","date":"2026-03-01","hours":1234567890123456789012345678901234567890}"#,
    ),
    (
        "bool as a string",
        Format::Jsonl,
        br#"{"member":"m","kind":"v","date":"2026-03-01","ok":"yes"}"#,
    ),
    ("not json", Format::Jsonl, b"this is not json"),
    ("json array line", Format::Jsonl, b"[1, 2, 3]"),
    ("truncated json", Format::Jsonl, br#"{"member":"m","kind":"#),
    (
        "non-UTF-8 bytes in jsonl",
        Format::Jsonl,
        b"{\"member\":\"m\xff\",\"kind\":\"v\",\"date\":\"2026-03-01\"}",
    ),
    (
        "csv with BOM and CRLF",
        Format::Csv,
        b"\xEF\xBB\xBFmember,kind,date,hours\r\nm,v,2026-03-01,2\r\n",
    ),
    (
        "csv missing date column",
        Format::Csv,
        b"member,kind,hours\nm,v,2\n",
    ),
    ("csv ragged row", Format::Csv, b"member,kind,date\nm,v\n"),
    (
        "csv non-UTF-8 bytes",
        Format::Csv,
        b"member,kind,date\nm\xff,v,2026-03-01\n",
    ),
    ("csv empty", Format::Csv, b""),
    ("json not an array", Format::Json, br#"{"member":"m"}"#),
    ("json element not an object", Format::Json, br#"[1]"#),
    (
        "yaml records with an alias bomb",
        Format::Yaml,
        b"- &a {member: m, kind: v, date: 2026-03-01}\n- *a\n- [*a, *a, *a]\n",
    ),
];

#[test]
fn table() {
    let mut out = String::new();
    for (name, source) in BOOKS {
        writeln!(out, "## rulebook: {name}").unwrap();
        match Rulebook::from_yaml(source, "book.yaml") {
            Ok(_) => writeln!(out, "LOADED (no error)").unwrap(),
            Err(error) => {
                for d in &error.diagnostics {
                    writeln!(out, "{}:{} {}: {}", d.line, d.column, d.code, d.message).unwrap();
                    if let Some(help) = &d.help {
                        writeln!(out, "  help: {help}").unwrap();
                    }
                }
            }
        }
    }
    let book = Rulebook::from_yaml(BOOK, "book.yaml").unwrap();
    for (name, format, bytes) in RECORDS {
        writeln!(out, "## records ({format:?}): {name}").unwrap();
        let mut records = Records::new();
        match records.read(&book, bytes, *format, "in") {
            Err(e) => writeln!(out, "input error: {e}").unwrap(),
            Ok(read) => {
                writeln!(out, "read {read}, accepted {}", records.len()).unwrap();
                for r in &records.rejected {
                    writeln!(out, "record {}: {}", r.record, r.error).unwrap();
                }
            }
        }
    }
    assert!(BOOKS.len() + RECORDS.len() >= 40);
    insta::assert_snapshot!(out);
}
