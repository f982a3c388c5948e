//! Reports written as a stream: byte-identical to the report built whole.

use std::path::Path;

use merit::{
    ColumnStream, DEFAULT_CHUNK_RECORDS, InputSurvey, MemberStream, RangeStream, ReportStream, StreamError,
    can_stream, write_compact_report_json,
};
use merit::{Format, Records, Rulebook, ScoreOptions};

use crate::conformance::{case_dirs, load_case};

#[test]
fn an_evaluation_writes_the_json_of_its_report() {
    for dir in case_dirs() {
        let case = load_case(&dir);
        let evaluation = case
            .book
            .evaluate(&case.records, case.members.as_ref(), &case.args.options);
        let mut written = Vec::new();
        evaluation.write_json(&mut written).expect("writes to memory");
        assert_eq!(
            String::from_utf8(written).expect("UTF-8"),
            evaluation.report().to_json(),
            "{}",
            dir.display()
        );
        let mut compact = Vec::new();
        write_compact_report_json(&mut compact, &mut evaluation.stream()).expect("writes to memory");
        assert_eq!(
            String::from_utf8(compact).expect("UTF-8"),
            serde_json::to_string(&evaluation.report()).expect("serializes"),
            "{}",
            dir.display()
        );
    }
}

/// A case's only record file, its records sorted by member (stably, so each
/// member's keep their order); lines and rows without a member stay first.
fn sorted_by_member(dir: &Path, file: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(dir.join(file)).expect("records");
    match Format::from_path(file) {
        Some(Format::Jsonl) => {
            let member = |line: &str| -> Option<String> {
                match serde_json::from_str::<serde_json::Value>(line)
                    .ok()?
                    .get("member")?
                {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }
            };
            let mut lines: Vec<&str> = text.lines().collect();
            lines.sort_by_key(|line| member(line));
            (lines.join("\n") + "\n").into_bytes()
        }
        Some(Format::Csv) => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let column = reader
                .headers()
                .expect("header")
                .iter()
                .position(|h| h == "member")
                .expect("member column");
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer
                .write_record(reader.headers().expect("header"))
                .expect("header");
            let mut rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
            rows.sort_by(|a, b| a.get(column).cmp(&b.get(column)));
            for row in rows {
                writer.write_record(&row).expect("row");
            }
            writer.into_inner().expect("CSV")
        }
        _ => panic!("{file}: not JSONL or CSV"),
    }
}

/// A CSV's data rows, or a JSONL's lines, in reverse order (under a CSV's header).
fn rows_backwards(text: &[u8], format: Format) -> Vec<u8> {
    if format == Format::Jsonl {
        let text = std::str::from_utf8(text).expect("UTF-8");
        let lines: Vec<&str> = text.lines().rev().collect();
        return (lines.join("\n") + "\n").into_bytes();
    }
    let csv_text = text;
    let mut reader = csv::Reader::from_reader(csv_text);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(reader.byte_headers().expect("header"))
        .expect("header");
    let rows: Vec<csv::ByteRecord> = reader.byte_records().map(|r| r.expect("row")).collect();
    for row in rows.iter().rev() {
        writer.write_record(row).expect("row");
    }
    writer.into_inner().expect("CSV")
}

/// Every case with one JSONL or CSV input and no rating rule, with the case's dates
/// and with the dates a survey finds: sorted by member and streamed in chunks of 1,
/// 2, 3 and the default number of records, and as given (in any order) and sorted,
/// streamed a range of members of 1, 2, 3 and the default number of records at a
/// time, the report is the whole input's, byte for byte; so is an unsorted input
/// kept as columns by its survey ([`ColumnStream`]), its rows also read backwards.
#[test]
fn a_streamed_input_gives_the_same_report() {
    let (mut streamed, mut kept) = ([0; 2], [0; 2]);
    for dir in case_dirs() {
        let case = load_case(&dir);
        let [file] = &case.args.records[..] else {
            continue;
        };
        let format = Format::from_path(file).expect("format");
        if !format.reads_by_record() || !can_stream(&case.book) {
            continue;
        }
        // The streams leave an input's warnings (office-input's unknown column) to
        // their caller, which wraps them with the survey's (`Warned`, the
        // CLI; bindings/cli/tests/office.rs).
        if !case.records.warnings.is_empty() {
            continue;
        }
        let given = std::fs::read(dir.join(file)).expect("records");
        let sorted = sorted_by_member(&dir, file);
        // Rows backwards: members out of order, so that its survey keeps them.
        let backwards = rows_backwards(&sorted, format);
        let at = usize::from(format == Format::Csv);
        for input in [&given, &sorted, &backwards] {
            let mut records = Records::new();
            records.read(&case.book, input, format, file).expect("reads");
            let survey = InputSurvey::read(&case.book, &input[..], format).expect("surveys");
            for options in [case.args.options.clone(), ScoreOptions::default()] {
                let expected = case
                    .book
                    .score(&records, case.members.as_ref(), &options)
                    .to_json();
                let dated = survey.dates(&options).expect("records have dates");
                let profiles = case.members.as_ref();
                for size in [1, 2, 3, DEFAULT_CHUNK_RECORDS] {
                    let what = format!("{} in {size}s", dir.display());
                    if input == &sorted {
                        assert!(survey.sorted, "{what}");
                        let mut written = Vec::new();
                        MemberStream::new(&case.book, &input[..], format, profiles, &dated)
                            .expect("streams")
                            .with_chunk_records(size)
                            .write_json(&mut written)
                            .unwrap_or_else(|e| panic!("{what}: {e}"));
                        assert_eq!(String::from_utf8(written).expect("UTF-8"), expected, "{what}");
                    }
                    let mut written = Vec::new();
                    let open = || Ok(&input[..]);
                    RangeStream::new(&case.book, open, format, profiles, &dated, survey.clone())
                        .expect("streams")
                        .with_pass_records(size as u64)
                        .write_json(&mut written)
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                    assert_eq!(
                        String::from_utf8(written).expect("UTF-8"),
                        expected,
                        "{what} by range"
                    );
                    // Totals only, columns are evaluated in place (`eval/source.rs`).
                    for summary in [false, true] {
                        let Some(columns) = InputSurvey::read_kept(&case.book, &input[..], format)
                            .expect("surveys")
                            .1
                        else {
                            continue;
                        };
                        kept[at] += 1;
                        let expected = match summary {
                            false => expected.clone(),
                            true => {
                                let options = ScoreOptions {
                                    summary,
                                    ..options.clone()
                                };
                                case.book.score(&records, profiles, &options).to_json()
                            }
                        };
                        let dated = ScoreOptions {
                            summary,
                            ..dated.clone()
                        };
                        let mut written = Vec::new();
                        ColumnStream::new(&case.book, profiles, &dated, survey.clone(), columns)
                            .expect("streams")
                            .with_pass_records(size as u64)
                            .write_json(&mut written)
                            .unwrap_or_else(|e| panic!("{what}: {e}"));
                        assert_eq!(
                            String::from_utf8(written).expect("UTF-8"),
                            expected,
                            "{what} from columns (summary: {summary})"
                        );
                    }
                }
            }
        }
        streamed[at] += 1;
    }
    assert!(
        streamed[0] + streamed[1] >= 15,
        "only {streamed:?} cases streamed"
    );
    assert!(
        kept[0] > 0 && kept[1] > 0,
        "no unsorted JSONL or CSV case was kept as columns: {kept:?} of {streamed:?}"
    );
}

const BOOK: &str = "fields: { hours: decimal? }\nrules:\n  - { id: hours, when: kind == \"volunteer\", points: hours * 10 }\n";

#[test]
fn an_unsorted_input_is_found_out_by_the_survey_and_by_the_stream() {
    let book = Rulebook::from_yaml(BOOK, "book.yaml").expect("book");
    let input = "member,kind,date,hours\nm1,volunteer,2026-03-01,1\nm2,volunteer,2026-03-02,2\nm1,volunteer,2026-03-03,3\n";
    let survey = InputSurvey::read(&book, input.as_bytes(), Format::Csv).expect("surveys");
    assert_eq!(
        (survey.records, survey.sorted, survey.largest_member()),
        (3, false, 2)
    );
    let options = survey.dates(&ScoreOptions::default()).expect("dates");
    let mut members = Vec::new();
    let streamed = MemberStream::new(&book, input.as_bytes(), Format::Csv, None, &options)
        .expect("streams")
        .with_chunk_records(1)
        .each_member(&mut |member| {
            members.push(member.member);
            true
        });
    assert_eq!(members, ["m1"]);
    assert_eq!(
        streamed.expect_err("not sorted").to_string(),
        "record 3: member `m1` comes after `m2`; a stream needs the records sorted by member"
    );
}

#[test]
fn a_survey_finds_the_dates_an_evaluation_defaults_to() {
    let book = Rulebook::from_yaml(BOOK, "book.yaml").expect("book");
    // The rejected record's date counts for nothing.
    let input = "member,kind,date,hours\nm1,volunteer,2026-03-05,1\nm1,volunteer,2026-03-01,1\nm2,volunteer,2026-03-09,x\nm2,volunteer,2026-03-07,1\n";
    let survey = InputSurvey::read(&book, input.as_bytes(), Format::Csv).expect("surveys");
    assert_eq!(
        (survey.records, survey.sorted, survey.largest_member()),
        (4, true, 2)
    );
    assert_eq!(survey.rejected[0].record, 3);
    let date = |d: &str| Some(d.parse().expect("date"));
    let dates = |options: ScoreOptions| {
        let o = survey.dates(&options).expect("dates");
        (o.from, o.to, o.as_of)
    };
    let whole = dates(ScoreOptions::default());
    assert_eq!(
        whole,
        (date("2026-03-01"), date("2026-03-07"), date("2026-03-07"))
    );
    let as_of = dates(ScoreOptions {
        as_of: date("2026-02-01"),
        ..ScoreOptions::default()
    });
    assert_eq!(
        as_of,
        (date("2026-02-01"), date("2026-02-01"), date("2026-02-01"))
    );
    let empty = InputSurvey::read(&book, "member,kind,date\n".as_bytes(), Format::Csv).expect("surveys");
    assert!(empty.dates(&ScoreOptions::default()).is_none());
}

#[test]
fn a_stream_needs_its_dates_and_no_rating_rules() {
    let book = Rulebook::from_yaml(BOOK, "book.yaml").expect("book");
    let undated = MemberStream::new(&book, &b""[..], Format::Jsonl, None, &ScoreOptions::default());
    assert!(matches!(undated, Err(StreamError::Unsupported(_))));
    let ratings = Rulebook::from_yaml(
        "fields: { stars: int?, subject: string? }\nrules:\n  - id: r\n    rating: { when: kind == \"rating\", value: stars, subject: subject, scale: [1, 5] }\n    points: score\n",
        "book.yaml",
    )
    .expect("book");
    assert!(!can_stream(&ratings));
}

/// Records evaluation rejects come after those reading rejects, in record order,
/// however the members are cut into ranges; two rules refusing one record list it
/// once.
#[test]
fn rejections_keep_the_whole_reports_order() {
    let book = Rulebook::from_yaml(
        "fields: { hours: decimal? }\nrules:\n  - { id: a, points: 10 / hours }\n  - { id: b, points: 1 / hours }\n",
        "book.yaml",
    )
    .expect("book");
    let input = "member,kind,date,hours\nm3,k,2026-03-01,0\nm1,k,2026-03-01,0\nm2,k,2026-03-01,x\nm2,k,2026-03-02,0\nm1,k,2026-03-03,1\nm3,k,2026-03-02,0\n";
    let mut records = Records::new();
    records
        .read(&book, input.as_bytes(), Format::Csv, "in.csv")
        .expect("reads");
    let expected = book.score(&records, None, &ScoreOptions::default()).to_json();
    let survey = InputSurvey::read(&book, input.as_bytes(), Format::Csv).expect("surveys");
    let options = survey.dates(&ScoreOptions::default()).expect("dates");
    for size in [1, 2, 3] {
        let mut written = Vec::new();
        RangeStream::new(
            &book,
            || Ok(input.as_bytes()),
            Format::Csv,
            None,
            &options,
            survey.clone(),
        )
        .expect("streams")
        .with_pass_records(size)
        .write_json(&mut written)
        .expect("writes");
        assert_eq!(
            String::from_utf8(written).expect("UTF-8"),
            expected,
            "ranges of {size}"
        );
    }
    let report: serde_json::Value = serde_json::from_str(&expected).expect("JSON");
    let positions: Vec<u64> = report["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| r["record"].as_u64().expect("position"))
        .collect();
    assert_eq!(positions, [3, 1, 2, 4, 6]);
}

#[test]
fn a_summary_is_the_report_without_its_award_lines_but_the_failed_ones() {
    for dir in case_dirs() {
        let case = load_case(&dir);
        let summary_options = ScoreOptions {
            summary: true,
            ..case.args.options.clone()
        };
        let summary = case
            .book
            .score(&case.records, case.members.as_ref(), &summary_options);
        let mut full = case
            .book
            .score(&case.records, case.members.as_ref(), &case.args.options);
        for member in &mut full.members {
            for period in &mut member.periods {
                period.awards.retain(|award| award.failed.is_some());
            }
        }
        assert_eq!(summary, full, "{}", dir.display());
    }
}

/// An unsorted input kept as columns by its survey and evaluated a range at a time
/// gives the whole input's report byte for byte: CSV cells with quotes, commas and
/// line breaks, a byte-order mark, CRLF, trimmed members; JSONL with blank lines,
/// ids given and not, numbers as members; rejected records (not kept, listed by
/// position), in ranges of 1, 2, 3 and many records. So do its totals, read from
/// the columns in place: through the kernel (text, id, member, bool and decimal
/// fields, a mantissa past `i64`, a negative zero) and not (a division), with an
/// award too large rejected. A sorted input is not kept.
#[test]
fn an_input_kept_as_columns_gives_the_same_report() {
    let book = Rulebook::from_yaml(
        "fields: { hours: decimal?, note: string?, done: bool = false }\ninput: { trim: true }\nrules:\n  - { id: a, points: 10 / hours }\n  - { id: n, when: note == \"plain\" and not done, points: 7 }\n  - { id: i, when: member == \"m3\" or kind != \"k\", points: hours * 2 + 1 }\n  - { id: d, when: id == \"5\", points: 1 }\n",
        "book.yaml",
    )
    .expect("book");
    let csv = "\u{FEFF}member,kind,date,hours,note\r\nm3,k,2026-03-01,0,\r\n m1 ,k,2026-03-01,2,\"a, \"\"b\"\"\nc\"\r\nm2,k,2026-03-01,x,\r\nm2,k,2026-03-02,4,\"\"\r\nm1,k,2026-03-03,1,plain\r\n\"m,4\",k,2026-03-03,1,plain\r\n,k,2026-03-01,1,\r\nm3,k,2026-03-02,79228162514264337593543950335,\"a, \"\"b\"\"\nc\"\r\n";
    let jsonl = concat!(
        "{\"member\":\"m3\",\"kind\":\"k\",\"date\":\"2026-03-01\",\"hours\":0,\"id\":\"r1\"}\n",
        "\n",
        "{\"member\":\" m1 \",\"kind\":\"k\",\"date\":\"2026-03-01T23:30:00+08:00\",\"hours\":\"2.50\",\"note\":\"plain\",\"done\":true}\n",
        "not json\n",
        "{\"member\":12,\"kind\":\"k\",\"date\":\"2026-03-02\",\"hours\":1.000}\n",
        "{\"member\":\"m2\",\"kind\":\"k\",\"date\":\"2026-03-02\",\"hours\":\"x\",\"id\":7}\n",
        "\n\n",
        "{\"member\":\"m1\",\"kind\":\"k\",\"date\":\"2026-03-03\",\"hours\":-0.0,\"note\":\"plain\",\"id\":8}\n",
        "{\"member\":\"m3\",\"kind\":\"k\",\"date\":\"2026-03-02\",\"hours\":79228162514264337593543950335,\"note\":\"plain\"}\n",
    );
    for (input, format) in [(csv, Format::Csv), (jsonl, Format::Jsonl)] {
        let mut records = Records::new();
        records
            .read(&book, input.as_bytes(), format, "in")
            .expect("reads");
        let full = book.score(&records, None, &ScoreOptions::default()).to_json();
        assert!(full.contains("\"n\""), "the note rule fires: {full}");
        assert!(full.contains("\"rejected\""), "records are rejected: {full}");
        assert!(
            full.contains("rule `i`: decimal overflow"),
            "an award too large is rejected: {full}"
        );
        let report: serde_json::Value = serde_json::from_str(&full).expect("JSON");
        let by_id = report["members"]
            .as_array()
            .expect("members")
            .iter()
            .flat_map(|m| m["periods"].as_array().expect("periods"))
            .flat_map(|p| p["awards"].as_array().expect("awards"))
            .any(|a| a["rule"] == "d" && a["records"] == serde_json::json!(["5"]));
        assert!(by_id, "an id not given is the position's: {full}");
        for (size, summary) in [1, 2, 3, 1000]
            .into_iter()
            .flat_map(|size| [(size, false), (size, true)])
        {
            let asked = ScoreOptions {
                summary,
                ..ScoreOptions::default()
            };
            let expected = book.score(&records, None, &asked).to_json();
            let (survey, columns) = InputSurvey::read_kept(&book, input.as_bytes(), format).expect("surveys");
            let options = survey.dates(&asked).expect("dates");
            let mut written = Vec::new();
            ColumnStream::new(
                &book,
                None,
                &options,
                survey,
                columns.expect("an unsorted input is kept"),
            )
            .expect("streams")
            .with_pass_records(size)
            .write_json(&mut written)
            .expect("writes");
            assert_eq!(
                String::from_utf8(written).expect("UTF-8"),
                expected,
                "{format:?} in ranges of {size} (summary: {summary})"
            );
        }
    }
    let sorted = "member,kind,date,hours\nm1,k,2026-03-01,1\nm2,k,2026-03-01,1\n";
    let (survey, columns) = InputSurvey::read_kept(&book, sorted.as_bytes(), Format::Csv).expect("surveys");
    assert!(survey.sorted && columns.is_none());
}
