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
        read(input, format, options, &mut records, &mut rejected).map(|_| listed(&records, &rejected));
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
        #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
        split_reads_the_same(input, format, options, &whole);
    }
    whole.unwrap_or_else(|e| format!("error: {e}"))
}

/// Read in blocks typed in parallel (`split.rs`), at block sizes that cut these
/// small inputs into many, `input` gives the one reader's records (kept as columns
/// and read back), rejections and warnings, and fails where it fails.
#[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
fn split_reads_the_same(
    input: &[u8],
    format: Format,
    options: &ReadOptions<'_>,
    whole: &Result<String, super::InputError>,
) {
    use super::columns::Columns;
    use super::split::{SplitReader, as_utf8};
    let one_warnings = Reader::new(input, format, options).map(|mut reader| {
        let (mut records, mut rejected) = (Vec::new(), Vec::new());
        while let Ok(true) = reader.next(&mut records, &mut rejected) {}
        reader.warnings()
    });
    let utf8 = as_utf8(options.input);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .expect("thread pool");
    for block_bytes in [8, 32, 100] {
        let (read, columns, rejected, warnings) = pool.install(|| {
            let (mut columns, mut rejected, mut warnings) = (Columns::default(), Vec::new(), Vec::new());
            let read = (|| {
                let split =
                    SplitReader::new(input, format, options.clone(), &utf8)?.with_block_bytes(block_bytes);
                warnings = split.read(|mut block| {
                    rejected.append(&mut block.rejected);
                    columns.append(block.part);
                })?;
                Ok::<(), super::InputError>(())
            })();
            (read, columns, rejected, warnings)
        });
        let records: Vec<Record> = (0..columns.len()).map(|row| columns.record(row)).collect();
        match (whole, read) {
            (Ok(whole), Ok(())) => {
                assert_eq!(
                    *whole,
                    listed(&records, &rejected),
                    "split in blocks of {block_bytes}"
                );
                if let Ok(one) = &one_warnings {
                    assert_eq!(*one, warnings, "warnings, blocks of {block_bytes}");
                }
            }
            (Ok(_), Err(e)) => panic!("split in blocks of {block_bytes}: {e}"),
            (Err(_), read) => assert!(read.is_err(), "split in blocks of {block_bytes}: {read:?}"),
        }
    }
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
    // A CSV row that is not UTF-8 is rejected alone; the rows after it are read.
    // A character cut by a quote's end is no UTF-8 in either cell, though the two
    // cells end to end are ("m\u{4E2D}k"): the row is rejected, not read with two
    // empty cells.
    let cut = b"member,kind,date\n\"m\xe4\xb8\",\xadk,2026-01-01\nm\xe4\xb8,\xadk,2026-01-01\n";
    insta::assert_snapshot!(outcome(cut, Format::Csv, &s), @r"
    rejected 1: row is not valid UTF-8 (byte 2 of the row); if the file was saved as GBK/GB18030 (Excel, WPS), declare `input: { encoding: auto }` in the rulebook
    rejected 2: row is not valid UTF-8 (byte 2 of the row); if the file was saved as GBK/GB18030 (Excel, WPS), declare `input: { encoding: auto }` in the rulebook
    ");
    // The bad byte is counted in the row's cells, end to end (commas not counted).
    let input =
        b"member,kind,date\nm1,k,2026-01-01\nm\xff,k,2026-01-01\nm3,k,2026-01-02\nm4,k\xff,2026-01-02\n";
    insta::assert_snapshot!(outcome(input, Format::Csv, &s), @r"
    ok 1 id=#1 member=m1 kind=k date=2026-01-01 [null, false, null, null]
    rejected 2: row is not valid UTF-8 (byte 2 of the row); if the file was saved as GBK/GB18030 (Excel, WPS), declare `input: { encoding: auto }` in the rulebook
    ok 3 id=#3 member=m3 kind=k date=2026-01-02 [null, false, null, null]
    rejected 4: row is not valid UTF-8 (byte 4 of the row); if the file was saved as GBK/GB18030 (Excel, WPS), declare `input: { encoding: auto }` in the rulebook
    ");
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

/// The rulebook of DESIGN section 8.1, reading an office's export as it is.
fn office_input() -> super::InputSpec {
    use super::spec::{DateForm, Encoding, InputSpec};
    let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    InputSpec {
        columns: [
            ("姓名", "member"),
            ("活动类型", "kind"),
            ("日期", "date"),
            ("时长", "hours"),
            ("是否核实", "verified"),
        ]
        .iter()
        .map(|(a, t)| (a.to_string(), t.to_string()))
        .collect(),
        dates: ["YYYY-MM-DD", "YYYY/M/D", "YYYY-M-D", "YYYY年M月D日", "excel"]
            .iter()
            .filter_map(|f| DateForm::parse(f))
            .collect(),
        booleans: (
            words(&["是", "已核实", "Y", "√"]),
            words(&["否", "未核实", "N", "×"]),
        ),
        units: vec![("hours".into(), words(&["小时", "h"]))],
        trim: true,
        encoding: Encoding::Auto,
        kinds: Some(words(&["volunteer", "月行一善", "微心愿"])),
    }
}

#[test]
fn every_declared_form_is_read_and_every_other_rejected_with_its_reason() {
    let (s, tz, input) = (schema(), shanghai(), office_input());
    let options = ReadOptions {
        input: &input,
        ..ReadOptions::new(&s, &tz)
    };
    let csv = "姓名,活动类型,日期,时长,是否核实,verifed\n\
               张伟,volunteer,2026/1/1,2小时,是,x\n\
               张伟 ,volunteer,2026-3-5,1.5 h,Y,\n\
               \u{3000}张 伟,月行一善,2026年3月15日,,√,\n\
               李娜,微心愿,46023,3,否,\n\
               李娜,volunteer,2026-03-01, 2 ,N,\n\
               李娜,月行一喜,2026-03-01,1,是,\n\
               李娜,volunteer,2026/13/1,1,是,\n\
               李娜,volunteer,01/03/2026,1,是,\n\
               李娜,volunteer,2026-03-01,2天,是,\n\
               李娜,volunteer,2026-03-01,1,也许,\n\
               ,volunteer,2026-03-01,1,是,\n";
    insta::assert_snapshot!(outcome_with(csv.as_bytes(), Format::Csv, &options), @r#"
    ok 1 id=#1 member=张伟 kind=volunteer date=2026-01-01 [2, true, null, null]
    ok 2 id=#2 member=张伟 kind=volunteer date=2026-03-05 [1.5, true, null, null]
    ok 3 id=#3 member=张伟 kind=月行一善 date=2026-03-15 [null, true, null, null]
    ok 4 id=#4 member=李娜 kind=微心愿 date=2026-01-01 [3, false, null, null]
    ok 5 id=#5 member=李娜 kind=volunteer date=2026-03-01 [2, false, null, null]
    rejected 6: field `kind`: `月行一喜` is not one of the rulebook's `kinds` (did you mean `月行一善`?)
    rejected 7: field `date`: "2026/13/1" is not a date: there is no month 13 (months are 01 to 12)
    rejected 8: field `date`: expected a date in a declared form (YYYY-MM-DD, YYYY/M/D, YYYY-M-D, YYYY年M月D日, excel), got "01/03/2026"
    rejected 9: field `hours`: expected decimal, got "2天"
    rejected 10: field `verified`: expected bool, got "也许"
    rejected 11: missing `member`
    "#);
}

#[test]
fn a_gbk_file_its_utf8_twin_with_a_bom_and_jsonl_read_alike() {
    let (s, tz, input) = (schema(), shanghai(), office_input());
    let options = ReadOptions {
        input: &input,
        ..ReadOptions::new(&s, &tz)
    };
    let text =
        "姓名,活动类型,日期,时长,是否核实\n张伟,volunteer,2026/1/1,2小时,是\n李娜,微心愿,2026年3月5日,,否\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let bom = format!("\u{FEFF}{text}");
    let from_gbk = outcome_with(&gbk, Format::Csv, &options);
    assert_eq!(from_gbk, outcome_with(bom.as_bytes(), Format::Csv, &options));
    assert!(
        from_gbk.starts_with("ok 1 id=#1 member=张伟 kind=volunteer date=2026-01-01 [2, true"),
        "{from_gbk}"
    );
    let jsonl = "{\"姓名\":\"张伟\",\"活动类型\":\"volunteer\",\"日期\":\"2026/1/1\",\"时长\":\"2小时\",\"是否核实\":\"是\"}\n\
                 {\"姓名\":\"李娜\",\"活动类型\":\"微心愿\",\"日期\":\"2026年3月5日\",\"时长\":\"\",\"是否核实\":\"否\"}\n";
    assert_eq!(from_gbk, outcome_with(jsonl.as_bytes(), Format::Jsonl, &options));
}

#[test]
fn unknown_columns_are_warned_about_with_the_closest_field() {
    let (s, tz) = (schema(), shanghai());
    let options = ReadOptions::new(&s, &tz);
    let (mut records, mut rejected) = (Vec::new(), Vec::new());
    let csv = "member,kind,date,verifed,notes\nm1,k,2026-03-01,true,x\n";
    let warnings = read(csv.as_bytes(), Format::Csv, &options, &mut records, &mut rejected).expect("reads");
    let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "column \"verifed\" is not a field of the rulebook and is ignored; did you mean `verified`?",
            "column \"notes\" is not a field of the rulebook and is ignored (declare it under `fields:` or map it under `input.columns:`)"
        ]
    );
    assert_eq!(warnings[0].input, "<records>");
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

#[test]
fn a_jsonl_input_reads_into_records_and_rejections() {
    let schema = Schema {
        fields: vec![field("hours", FieldType::Decimal, true, None)],
    };
    let tz = shanghai();
    let input = br#"{"member":"m1","kind":"volunteer","date":"2026-03-14","hours":3.5}
{"member":"m2","kind":"volunteer","date":"2026-03-14","hours":"three"}
"#;
    let (mut ok, mut rejected) = (Vec::new(), Vec::new());
    read(
        input,
        Format::Jsonl,
        &ReadOptions::new(&schema, &tz),
        &mut ok,
        &mut rejected,
    )
    .expect("read");
    assert_eq!(ok.len(), 1);
    assert_eq!(
        rejected[0].error,
        r#"field `hours`: expected decimal, got "three""#
    );
}
