//! Office data read as it is (DESIGN section 8.1, issue 14), and every CSV row
//! scored or rejected (issue 13, item 8), through the `merit` binary.

mod common;

use common::{Scratch, merit, text};

const BOOK: &str = "examples/office/book.yaml";

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let output = merit(args);
    let report = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code(), report, text(&output.stderr))
}

#[test]
fn the_gbk_csv_its_utf8_twin_and_the_xlsx_give_identical_reports() {
    let score = |file: &str| {
        let output = merit(&[
            "score",
            BOOK,
            &format!("examples/office/{file}"),
            "--format",
            "json",
        ]);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", text(&output.stderr));
        output.stdout
    };
    let gbk = score("records-gbk.csv");
    assert_eq!(gbk, score("records-utf8.csv"));
    assert_eq!(gbk, score("records.xlsx"));
    let report: serde_json::Value = serde_json::from_slice(&gbk).unwrap();
    // Five spellings of 张伟 are one member; 李  娜 is 李娜.
    let members: Vec<&str> = report["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["刘洋", "张伟", "李娜", "王芳"]);
    assert_eq!(report["members"][1]["total"], "80.0");
    assert_eq!(report["rejected"], serde_json::json!([]));
    assert_eq!(report["warnings"], serde_json::json!([]));
}

#[test]
fn a_sheet_is_chosen_by_name() {
    let (code, report, _) = json(&[
        "score",
        BOOK,
        "examples/office/records.xlsx",
        "--sheet",
        "活动记录",
        "--format",
        "json",
    ]);
    assert_eq!(
        (code, report["members"].as_array().map(Vec::len)),
        (Some(0), Some(4))
    );
    let output = merit(&["score", BOOK, "examples/office/records.xlsx", "--sheet", "Sheet9"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("the workbook has no sheet `Sheet9`; its sheets: 活动记录"));
}

#[test]
fn an_unknown_column_is_a_warning_and_strict_makes_it_an_error() {
    let scratch = Scratch::new("office");
    let csv = scratch.file(
        "verifed.csv",
        "姓名,活动类型,日期,时长,verifed\n张伟,志愿服务,2026-03-01,2,是\n".as_bytes(),
    );
    let csv = csv.to_str().unwrap();
    let (code, report, stderr) = json(&["score", BOOK, csv, "--format", "json"]);
    assert_eq!(code, Some(0));
    let message =
        "column \"verifed\" is not a field of the rulebook and is ignored; did you mean `verified`?";
    assert_eq!(report["warnings"][0]["message"], message);
    assert_eq!(report["warnings"][0]["input"], csv);
    assert!(stderr.contains(&format!("warning: {csv}: {message}")), "{stderr}");
    let (code, _, stderr) = json(&["score", BOOK, csv, "--format", "json", "--strict"]);
    assert_eq!(code, Some(1), "{stderr}");
}

#[test]
fn the_table_lists_the_first_rejected_rows_with_their_reasons() {
    let scratch = Scratch::new("office");
    let csv = scratch.file(
        "kinds.csv",
        "姓名,活动类型,日期\n张伟,月行一喜,2026-03-01\n张伟,微心原,2026-03-02\n张伟,志愿服务,2026/2/30\n"
            .as_bytes(),
    );
    let output = merit(&["score", BOOK, csv.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let table = text(&output.stdout);
    for line in [
        "rejected record 1: field `kind`: `月行一喜` is not one of the rulebook's `kinds` (did you mean `月行一善`?)",
        "rejected record 2: field `kind`: `微心原` is not one of the rulebook's `kinds` (did you mean `微心愿`?)",
        "rejected record 3: field `date`: \"2026/2/30\" is not a date: February 2026 has 28 days",
    ] {
        assert!(table.contains(line), "{table}");
    }
}

/// Issue 13, item 8: an open quote and a byte that is not UTF-8 lose no row,
/// whether the file is streamed (one file) or read whole (two files).
#[test]
fn every_csv_row_is_scored_or_rejected() {
    let scratch = Scratch::new("office");
    let book = scratch.file(
        "book.yaml",
        b"fields: { hours: decimal? }\nrules: [{ id: r, points: hours }]\n",
    );
    let quote = scratch.file(
        "quote.csv",
        b"member,kind,date,hours\nm1,v,2026-03-01,2\nm2,v,2026-03-01,\"3\nm3,v,2026-03-01,1\nm4,v,2026-03-01,1\n",
    );
    let bytes = scratch.file(
        "bytes.csv",
        b"member,kind,date,hours\nm1,v,2026-03-01,2\nm\xff,v,2026-03-01,3\nm3,v,2026-03-01,1\n",
    );
    let empty = scratch.file("empty.csv", b"member,kind,date,hours\n");
    let (book, quote, bytes, empty) = (
        book.to_str().unwrap(),
        quote.to_str().unwrap(),
        bytes.to_str().unwrap(),
        empty.to_str().unwrap(),
    );
    for extra in [None, Some(empty)] {
        let mut args = vec!["score", book, quote, "--format", "json"];
        args.extend(extra);
        let (code, report, _) = json(&args);
        assert_eq!(code, Some(1));
        let rejected = &report["rejected"][0];
        assert_eq!(rejected["record"], 2);
        assert_eq!(
            rejected["error"],
            "a quote opened on line 3 is never closed: the row runs to the end of the input, swallowing 2 more line(s) that are not read as rows"
        );
        let mut args = vec!["score", book, bytes, "--format", "json"];
        args.extend(extra);
        let (code, report, _) = json(&args);
        assert_eq!(code, Some(1));
        assert_eq!(report["rejected"][0]["record"], 2);
        let members: Vec<&str> = report["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["member"].as_str().unwrap())
            .collect();
        assert_eq!(members, ["m1", "m3"]);
    }
}

/// A single CSV is streamed; its warnings reach the report as when it is read whole
/// (here with a second, empty input).
#[test]
fn a_streamed_file_reports_its_warnings_as_a_whole_read_does() {
    let scratch = Scratch::new("office");
    let csv = scratch.file(
        "streamed.csv",
        "姓名,活动类型,日期,时长,verifed\n张伟,志愿服务,2026-03-01,2,是\n李娜,志愿服务,2026-03-01,2,是\n张伟,志愿服务,2026-03-02,2,是\n"
            .as_bytes(),
    );
    let empty = scratch.file("header-only.csv", "姓名,活动类型,日期\n".as_bytes());
    let (csv, empty) = (csv.to_str().unwrap(), empty.to_str().unwrap());
    let streamed = merit(&["score", BOOK, csv, "--format", "json"]);
    let whole = merit(&["score", BOOK, csv, empty, "--format", "json"]);
    assert_eq!(streamed.status.code(), Some(0));
    assert_eq!(text(&streamed.stdout), text(&whole.stdout));
    assert_eq!(text(&streamed.stderr), text(&whole.stderr));
    let report: serde_json::Value = serde_json::from_slice(&streamed.stdout).unwrap();
    assert_eq!(report["warnings"][0]["input"], csv);
}
