//! Results where people look (DESIGN section 8.5), end to end: `merit rank`,
//! `merit publish`, `score --format xlsx` read back, and CSV for Excel.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{Scratch, merit, text};

/// A fresh folder for one test.
fn folder(name: &str) -> Scratch {
    Scratch::new(&format!("results-{name}"))
}

fn run(args: &[&str]) -> Output {
    let output = merit(args);
    assert!(
        output.status.success(),
        "merit {args:?}: {}",
        text(&output.stderr)
    );
    output
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

const BOOK: &str = r#"
id: neighbours
title: 近邻红榜
version: "2026.1"
unit: { name: 积分, decimals: 1 }
period: month
fields: { hours: decimal? }
rules:
  - { id: hours, title: 志愿服务, when: kind == "v", points: hours * 10, effective: { from: "2026-01-01" } }
  - { id: study, title: 学习, when: kind == "study", points: 10 }
indexes:
  - id: mission
    title: 初心使命指数
    per: quarter
    dimensions:
      - { id: study, weight: 1, rules: [study], full: 20 }
    grades: [{ min: 90, label: 优秀 }, { min: 60, label: 合格 }, { label: 不合格 }]
    veto:
      - { when: count(kind == "violation") > 0, grade: 不合格, reason: 一票否决 }
"#;

/// 张三明 and 欧阳明华 tie at 30, 李四 follows at 3rd place, 王五六 4th; in the
/// index 欧阳明华 and 李四 tie at 100 but 李四 is vetoed.
const RECORDS: &str = "member,kind,date,hours
张三明,v,2026-03-01,3
欧阳明华,v,2026-03-02,1
欧阳明华,study,2026-03-02,
欧阳明华,study,2026-03-03,
李四,study,2026-03-03,
李四,study,2026-03-04,
李四,violation,2026-03-05,
王五六,v,2026-02-05,1
";

fn inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let book = dir.join("book.yaml");
    let records = dir.join("records.csv");
    std::fs::write(&book, BOOK).unwrap();
    std::fs::write(&records, RECORDS).unwrap();
    (book, records)
}

fn ranking(args: &[&str]) -> Vec<(u64, String, String, String)> {
    let output = run(args);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().unwrap_or("").to_owned();
            let veto = r["veto"]["reason"].as_str().unwrap_or("").to_owned();
            (
                r["rank"].as_u64().unwrap(),
                text("member"),
                text("points"),
                format!("{}{veto}", text("grade")),
            )
        })
        .collect()
}

fn row(rank: u64, member: &str, points: &str, grade: &str) -> (u64, String, String, String) {
    (rank, member.into(), points.into(), grade.into())
}

#[test]
fn rank_shares_places_on_ties_and_keeps_a_tie_at_the_cut() {
    let dir = folder("rank");
    let (book, records) = inputs(&dir);
    let all = ranking(&["rank", s(&book), s(&records), "--format", "json"]);
    assert_eq!(
        all,
        [
            row(1, "张三明", "30.0", ""),
            row(1, "欧阳明华", "30.0", ""),
            row(3, "李四", "20.0", ""),
            row(4, "王五六", "10.0", ""),
        ]
    );
    let top = ranking(&["rank", s(&book), s(&records), "--format", "json", "--top", "2"]);
    assert_eq!(top.len(), 2, "a tie at the cut is kept whole: {top:?}");
    let march = ranking(&[
        "rank",
        s(&book),
        s(&records),
        "--format",
        "json",
        "--period",
        "2026-03",
        "--by",
        "rule:hours",
    ]);
    assert_eq!(
        march,
        [row(1, "张三明", "30.0", ""), row(2, "欧阳明华", "10.0", "")]
    );
}

#[test]
fn an_index_ranking_shows_grade_and_veto_and_ranks_by_score() {
    let dir = folder("index");
    let (book, records) = inputs(&dir);
    let index = ranking(&[
        "rank",
        s(&book),
        s(&records),
        "--format",
        "json",
        "--by",
        "index:mission",
    ]);
    assert_eq!(
        index,
        [
            row(1, "李四", "100.0", "不合格一票否决"),
            row(1, "欧阳明华", "100.0", "优秀"),
            row(3, "张三明", "0.0", "不合格"),
            row(3, "王五六", "0.0", "不合格")
        ]
    );
    let table = text(&run(&["rank", s(&book), s(&records), "--by", "index:mission"]).stdout);
    assert!(
        table.contains("初心使命指数 · 2026-Q1") && table.contains("一票否决") && table.contains("等级"),
        "{table}"
    );
}

#[test]
fn rank_options_that_name_nothing_are_usage_errors() {
    let dir = folder("bad-rank");
    let (book, records) = inputs(&dir);
    let output = merit(&["rank", s(&book), s(&records), "--by", "rule:hour"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("did you mean `hours`?"));
    let output = merit(&["rank", s(&book), s(&records), "--period", "March"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("not a period label"));
    let output = merit(&["rank", s(&book), s(&records), "--format", "xlsx"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--output"));
}

#[test]
fn csv_for_excel_has_a_bom_and_crlf_line_ends() {
    let dir = folder("excel");
    let (book, records) = inputs(&dir);
    for command in ["score", "rank"] {
        let plain = run(&[command, s(&book), s(&records), "--format", "csv"]).stdout;
        let excel = run(&[command, s(&book), s(&records), "--format", "csv", "--excel"]).stdout;
        assert!(
            excel.starts_with(b"\xEF\xBB\xBF") && !plain.starts_with(b"\xEF\xBB\xBF"),
            "{command}"
        );
        let excel = text(&excel[3..]);
        assert!(excel.ends_with("\r\n") && excel.matches('\n').count() == excel.matches("\r\n").count());
        assert_eq!(excel.replace("\r\n", "\n"), text(&plain), "{command}");
    }
}

#[test]
fn index_scores_and_grades_appear_in_the_table_and_csv() {
    let dir = folder("index-columns");
    let (book, records) = inputs(&dir);
    let csv = text(&run(&["score", s(&book), s(&records), "--format", "csv"]).stdout);
    // A Chinese rulebook's CSV is headed in Chinese (DESIGN section 8.2); `--lang en`
    // heads it in English.
    assert!(csv.starts_with("成员,周期,规则,积分,等级\n"), "{csv}");
    let english = text(&run(&["score", s(&book), s(&records), "--format", "csv", "--lang", "en"]).stdout);
    assert!(
        english.starts_with("member,period,rule,points,grade\n"),
        "{english}"
    );
    assert!(csv.contains("欧阳明华,2026-Q1,mission,100.0,优秀\n"), "{csv}");
    assert!(csv.contains("李四,2026-Q1,mission,100.0,不合格\n"), "{csv}");
    let table = text(&run(&["score", s(&book), s(&records)]).stdout);
    assert!(
        table.contains("初心使命指数")
            && table.contains("100.0 优秀")
            && table.contains("100.0 不合格 (一票否决)"),
        "{table}"
    );
}

#[test]
fn an_xlsx_report_reads_back_equal_to_the_json_totals() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = folder("xlsx");
    let (book, records) = inputs(&dir);
    let file = dir.join("report.xlsx");
    run(&[
        "score",
        s(&book),
        s(&records),
        "--format",
        "xlsx",
        "--output",
        s(&file),
    ]);
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["score", s(&book), s(&records), "--format", "json"]).stdout).unwrap();
    let mut workbook: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["totals", "periods", "awards", "indexes", "rejected", "warnings"]
    );
    let totals = workbook.worksheet_range("totals").unwrap();
    let mut rows = totals.rows();
    assert_eq!(
        rows.next().unwrap(),
        [Data::String("member".into()), Data::String("total".into())]
    );
    let read: Vec<(String, String)> = rows
        .map(|r| match (&r[0], &r[1]) {
            (Data::String(m), Data::Float(t)) => (m.clone(), format!("{t:.1}")),
            other => panic!("not a member and a number: {other:?}"),
        })
        .collect();
    let expected: Vec<(String, String)> = json["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["member"].as_str().unwrap().to_owned(),
                m["total"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(read, expected);
    let awards = workbook.worksheet_range("awards").unwrap();
    let head: Vec<String> = awards
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let explain = head.iter().position(|h| h == "explain").unwrap();
    assert_eq!(awards.height(), 1 + 7, "one row per award");
    assert!(awards.rows().skip(1).all(|r| !r[explain].to_string().is_empty()));
    let indexes = workbook.worksheet_range("indexes").unwrap();
    let vetoed: Vec<String> = indexes
        .rows()
        .find(|r| r[0] == Data::String("李四".into()))
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&vetoed[1..6], ["mission", "2026-Q1", "100", "不合格", "一票否决"]);
}

/// Every file of a board folder, as (file name, text).
fn board(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_masked_board_holds_no_full_name_no_script_and_no_outside_request() {
    let dir = folder("board");
    let (book, records) = inputs(&dir);
    let out = dir.join("board");
    run(&["publish", s(&book), s(&records), "--out", s(&out), "--mask"]);
    let files = board(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "index.html",
            "member-1.html",
            "member-2.html",
            "member-3.html",
            "member-4.html",
            "style.css"
        ]
    );
    for (name, page) in &files {
        for full in ["张三明", "欧阳明华", "李四", "王五六"] {
            assert!(!page.contains(full), "{full} in {name}");
        }
        let lower = page.to_lowercase();
        for banned in [
            "<script",
            "javascript:",
            "http:",
            "https:",
            "//",
            "url(",
            "@import",
            "<iframe",
            "<img",
            "onload=",
            "onclick=",
            "onerror=",
        ] {
            assert!(!lower.contains(banned), "{banned} in {name}");
        }
    }
    let index = &files[0].1;
    for masked in [
        "张*明",
        "欧**华",
        "李*",
        "王*六",
        "近邻红榜",
        "2026.1",
        "sha256:",
        "初心使命指数",
        "一票否决",
        "2026-01-01 –",
    ] {
        assert!(index.contains(masked), "{masked} missing from the index page");
    }
    assert!(files[5].1.contains("@media print") && files[5].1.contains("size: A4"));

    // Published again for one member only, into the same folder: no page is left behind.
    let one = dir.join("one.csv");
    std::fs::write(&one, "member,kind,date,hours\n张三明,v,2026-03-01,3\n").unwrap();
    run(&["publish", s(&book), s(&one), "--out", s(&out), "--mask"]);
    let names: Vec<String> = board(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["index.html", "member-1.html", "style.css"]);
}

#[test]
fn an_english_board_with_a_ledger_shows_balances() {
    let dir = folder("ledger");
    let (book_path, records) = inputs(&dir);
    let db = dir.join("bank.db");
    let banked = BOOK.replace("title: 志愿服务,", "title: 志愿服务, tags: [bank],")
        + "bank: { earn: { tags: [bank], rate: 1 } }\n";
    let book = merit::Rulebook::from_yaml(&banked, "bank.yaml").unwrap();
    let mut read = merit::Records::new();
    read.read(&book, RECORDS.as_bytes(), merit::Format::Csv, "records.csv")
        .unwrap();
    let report = book.score(&read, None, &merit::ScoreOptions::default());
    let mut bank = merit::Bank::create(&db).unwrap();
    bank.post(&book, &report, jiff::civil::date(2026, 12, 1)).unwrap();
    let head = bank.head().unwrap().to_string();
    drop(bank);
    let out = dir.join("board");
    run(&[
        "publish",
        s(&book_path),
        s(&records),
        "--out",
        s(&out),
        "--db",
        s(&db),
        "--lang",
        "en",
    ]);
    let files = board(&out);
    let index = &files[0].1;
    assert!(
        index.contains("lang=\"en\"")
            && index.contains("Moral-bank balance")
            && index.contains("Ledger head"),
        "{index}"
    );
    assert!(
        index.contains("<td class=\"num\">30.0</td>"),
        "张三明's balance: {index}"
    );
    assert!(index.contains(&head), "the ledger's head {head}: {index}");
    let missing = merit(&[
        "publish",
        s(&book_path),
        s(&records),
        "--out",
        s(&out),
        "--db",
        s(&dir.join("none.db")),
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(!dir.join("none.db").exists(), "publish never creates a ledger");
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = folder("output");
    let (book, records) = inputs(&dir);
    for format in ["json", "csv", "table"] {
        let file = dir.join(format!("report.{format}"));
        let printed = run(&["score", s(&book), s(&records), "--format", format]).stdout;
        let output = run(&[
            "score",
            s(&book),
            s(&records),
            "--format",
            format,
            "--output",
            s(&file),
        ]);
        assert!(output.stdout.is_empty(), "{format}");
        assert_eq!(std::fs::read(&file).unwrap(), printed, "{format}");
    }
}
