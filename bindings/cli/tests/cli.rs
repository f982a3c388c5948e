//! The `merit` binary end to end: exit codes, output formats, diagnostics.

use std::process::{Command, Output};

mod common;

use common::{Scratch, merit, repo, text};

fn stdout(output: &Output) -> String {
    text(&output.stdout)
}

fn stderr(output: &Output) -> String {
    text(&output.stderr)
}

#[test]
fn check_accepts_every_shipped_rulebook() {
    for entry in std::fs::read_dir(repo().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let output = merit(&["check", path.to_str().unwrap()]);
            assert!(
                output.status.success(),
                "{}:\n{}",
                path.display(),
                stderr(&output)
            );
        }
    }
}

#[test]
fn check_reports_three_located_mistakes_and_exits_1() {
    let scratch = Scratch::new("cli");
    let book = scratch.file(
        "three-mistakes.yaml",
        "merit: 1\nid: x\nfields: { hours: decimal? }\nrules:\n  - id: a\n    points: hour * 10\n  - id: b\n    points: kind * 2\ncap: [{ per: day, max: 10 }]\n",
    );
    let output = merit(&["check", "--color", "never", book.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    let located: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("three-mistakes.yaml:"))
        .collect();
    assert!(
        text.contains(":6:13:") && text.contains("did you mean `hours`?"),
        "{text}"
    );
    assert!(text.contains(":8:13:"), "{text}");
    assert!(text.contains(":9:1:") && text.contains("indent"), "{text}");
    assert!(located.len() >= 3, "{text}");
}

#[test]
fn score_prints_a_table_of_the_shipped_example() {
    let output = merit(&[
        "score",
        "rules/volunteer-hours.yaml",
        "examples/data/volunteer.jsonl",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    // Titles head the columns, in the rulebook's language (DESIGN section 8.2).
    assert!(table.contains("志愿服务") && table.contains("m0001"), "{table}");
    assert!(!table.contains("volunteer-hours"), "{table}");
    assert!(table.contains("120 名成员"), "{table}");
    let english = merit(&[
        "score",
        "rules/volunteer-hours.yaml",
        "examples/data/volunteer.jsonl",
        "--lang",
        "en",
    ]);
    assert!(stdout(&english).contains("120 member(s)"), "{}", stdout(&english));
}

#[test]
fn json_output_is_byte_identical_between_runs_and_with_stdin() {
    let args = [
        "score",
        "rules/volunteer-hours.yaml",
        "examples/data/volunteer.jsonl",
        "--format",
        "json",
    ];
    let first = merit(&args);
    let second = merit(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(first.stdout, second.stdout);
    let piped = Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(["score", "rules/volunteer-hours.yaml", "-", "--format", "json"])
        .current_dir(repo())
        .stdin(std::fs::File::open(repo().join("examples/data/volunteer.jsonl")).unwrap())
        .output()
        .unwrap();
    assert_eq!(first.stdout, piped.stdout);
}

#[test]
fn rejected_records_exit_1_but_the_report_is_printed() {
    let output = merit(&[
        "score",
        "tests/cases/rejected-records/book.yaml",
        "tests/cases/rejected-records/records.jsonl",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!report["rejected"].as_array().unwrap().is_empty());
    assert!(stderr(&output).contains("rejected"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        merit(&["score", "rules/volunteer-hours.yaml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        merit(&["score", "rules/volunteer-hours.yaml", "missing.jsonl"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        merit(&["score", "rules/volunteer-hours.yaml", "data.txt"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        merit(&[
            "score",
            "--from",
            "2026-02-30",
            "rules/volunteer-hours.yaml",
            "x.jsonl"
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn csv_output_has_a_row_per_member_period_and_rule() {
    let output = merit(&[
        "score",
        "tests/cases/cap-day-and-month/book.yaml",
        "tests/cases/cap-day-and-month/records.jsonl",
        "--format",
        "csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn explain_tells_a_member_why() {
    let output = merit(&[
        "score",
        "tests/cases/cap-day-and-month/book.yaml",
        "tests/cases/cap-day-and-month/records.jsonl",
        "--explain",
        "m1",
        "--lang",
        "en",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

/// The engine's debug-only panic hook (rulebook id `__merit_panic__`, compiled out of
/// release builds) panics inside `score`: the CLI reports an internal error, exit 1,
/// and does not abort.
#[test]
fn a_panic_inside_the_engine_is_an_error_not_a_crash() {
    let scratch = Scratch::new("cli");
    let book = scratch.file(
        "panic.yaml",
        "merit: 1\nid: __merit_panic__\nrules:\n  - { id: a, points: 1 }\n",
    );
    let records = scratch.file(
        "panic.jsonl",
        "{\"member\":\"m\",\"kind\":\"k\",\"date\":\"2026-03-01\"}\n",
    );
    let output = merit(&["score", book.to_str().unwrap(), records.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("error: internal error in merit (this is a bug"),
        "{}",
        stderr(&output)
    );
}

/// Standard input without `--stdin-format`, and a file without an extension, are
/// read in the format their first bytes show (the engine's `Format::sniff`); an
/// extension merit does not know is still refused.
#[test]
fn a_format_without_a_name_is_guessed_from_the_bytes() {
    let scratch = Scratch::new("cli");
    let score = |file: &str, stdin: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_merit"));
        command
            .current_dir(repo())
            .args(["score", "rules/volunteer-hours.yaml", file, "--format", "json"]);
        if let Some(path) = stdin {
            command.stdin(std::fs::File::open(repo().join(path)).unwrap());
        }
        command.output().unwrap()
    };
    for data in ["examples/data/volunteer.csv", "examples/data/volunteer.jsonl"] {
        let named = score(data, None);
        assert_eq!(named.status.code(), Some(0), "{}", stderr(&named));
        let piped = score("-", Some(data));
        assert_eq!(
            stdout(&piped),
            stdout(&named),
            "{data} on standard input: {}",
            stderr(&piped)
        );
        let bare = scratch.file(
            "volunteer-records",
            std::fs::read_to_string(repo().join(data)).unwrap(),
        );
        let bare = score(bare.to_str().unwrap(), None);
        assert_eq!(
            stdout(&bare),
            stdout(&named),
            "{data} without an extension: {}",
            stderr(&bare)
        );
    }
    let txt = scratch.file("records.txt", "[]");
    let refused = score(txt.to_str().unwrap(), None);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("records.txt: unknown record format; use .jsonl, .json, .csv"),
        "{}",
        stderr(&refused)
    );
}
