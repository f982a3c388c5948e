//! issue 13 from the outside: the `merit` binary against hostile rulebooks and
//! records (what the attack ran; the engine's own tests hold the rest).

mod common;

use common::{Scratch, merit, text};

fn temp_dir(name: &str) -> Scratch {
    Scratch::new(&format!("hostile-{name}"))
}

/// `merit check` refused every `script_file:` rulebook ("no file loader").
#[test]
fn check_reads_script_files_from_the_rulebook_folder() {
    let dir = temp_dir("check");
    std::fs::write(dir.join("s.rhai"), "award(1);\n").unwrap();
    let book = dir.join("book.yaml");
    std::fs::write(
        &book,
        "rules:\n  - id: s\n    per: month\n    script_file: s.rhai\n",
    )
    .unwrap();
    let output = merit(&["check", book.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    std::fs::write(dir.join("s.rhai"), "let x = ;\n").unwrap();
    let output = merit(&["check", "--color", "never", book.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("script-syntax"),
        "{}",
        text(&output.stderr)
    );
}

/// A 200 MB rulebook was read whole (592 MB) and echoed to stderr; now at most
/// the 4 MiB limit and a byte are read, and one line is said.
#[test]
fn an_oversized_rulebook_is_refused_after_the_limit() {
    let dir = temp_dir("big");
    let book = dir.join("big.yaml");
    let file = std::fs::File::create(&book).unwrap();
    file.set_len(200 << 20).unwrap();
    for command in ["check", "score"] {
        let mut args = vec![command, book.to_str().unwrap()];
        if command == "score" {
            args.push("-");
        }
        let output = merit(&args);
        assert_eq!(output.status.code(), Some(2), "{command}");
        let message = text(&output.stderr);
        assert!(
            message.contains("is larger than the rulebook limit of 4194304 bytes"),
            "{message}"
        );
        assert!(message.len() < 500, "{} bytes of stderr", message.len());
    }
}

const PWNED: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J";

/// Item 9: a member id with terminal escapes, a bidi override and a formula was
/// printed raw in the table, CSV and `--explain`; a rule id and unit name raw in
/// diagnostics.
#[test]
fn output_shows_escapes_visibly_and_neutralises_formulas() {
    let dir = temp_dir("escapes");
    let book = dir.join("book.yaml");
    std::fs::write(
        &book,
        "unit: { name: \"p\\u202E\" }\nrules: [{ id: r, points: -1 }]\n",
    )
    .unwrap();
    let records = dir.join("in.jsonl");
    let line = |member: &str| {
        serde_json::json!({"member": member, "kind": "v", "date": "2026-03-01"}).to_string() + "\n"
    };
    std::fs::write(
        &records,
        line(PWNED) + &line("=HYPERLINK(\"http://x\")") + &line("m\u{202E}1"),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["score", book.to_str().unwrap(), records.to_str().unwrap()];
        args.extend(extra);
        merit(&args)
    };
    for extra in [
        &["--format", "table"][..],
        &["--format", "csv"],
        &["--explain", PWNED],
    ] {
        let output = run(extra);
        let out = text(&output.stdout);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202E}'),
            "{extra:?}: {out}"
        );
        assert!(
            out.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"),
            "{extra:?}: {out}"
        );
    }
    let csv = text(&run(&["--format", "csv"]).stdout);
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",2026-03,r,-1"),
        "{csv}"
    );
    assert!(csv.contains("m\\u{202e}1,2026-03,total,-1"), "{csv}");

    std::fs::write(
        &book,
        format!(
            "title: \"{}\"\nrules: [{{ id: \"r\\u001b[2J\", points: 1 }}]\n",
            "\\u001b]0;pwned\\u0007"
        ),
    )
    .unwrap();
    let output = merit(&["check", "--color", "never", book.to_str().unwrap()]);
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(err.contains("`r\\u{1b}[2J` is not a valid id"), "{err}");
    // Raw escapes in the source line a diagnostic quotes.
    std::fs::write(
        &book,
        format!("rules: [{{ id: a, points: 1, pionts: \"{PWNED}\" }}]\n"),
    )
    .unwrap();
    let output = merit(&["check", "--color", "never", book.to_str().unwrap()]);
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(!err.contains('\u{1b}') && err.contains("pionts"), "{err}");
}

/// Questionable item 2: a failed script award showed 0 in the table and CSV and the
/// run exited 0 (only the JSON said `failed`). Every format marks it now and the run
/// exits 1, streamed (one JSONL file) or read whole (a JSON array).
#[test]
fn a_failed_script_award_shows_in_every_format_and_exits_1() {
    let dir = temp_dir("failed");
    let book = dir.join("book.yaml");
    std::fs::write(
        &book,
        "rules:\n  - id: s\n    per: month\n    script: \"throw \\\"boom\\\";\"\n  - { id: p, points: 1 }\n",
    )
    .unwrap();
    let jsonl = dir.join("in.jsonl");
    std::fs::write(
        &jsonl,
        "{\"member\":\"m1\",\"kind\":\"v\",\"date\":\"2026-03-01\"}\n",
    )
    .unwrap();
    let json = dir.join("in.json");
    std::fs::write(
        &json,
        "[{\"member\":\"m1\",\"kind\":\"v\",\"date\":\"2026-03-01\"}]",
    )
    .unwrap();
    for input in [&jsonl, &json] {
        let run = |format: &str| {
            let output = merit(&[
                "score",
                book.to_str().unwrap(),
                input.to_str().unwrap(),
                "--format",
                format,
            ]);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{format}: {}",
                text(&output.stderr)
            );
            assert!(
                text(&output.stderr).contains("1 award(s) failed"),
                "{}",
                text(&output.stderr)
            );
            text(&output.stdout)
        };
        let table = run("table");
        assert!(
            table.contains("  failed award 2026-03 `s`: script stopped for member `m1`: Runtime error: boom"),
            "{table}"
        );
        let csv = run("csv");
        assert!(
            csv.contains("m1,2026-03,s,0,\"failed: script stopped for member `m1`: Runtime error: boom"),
            "{csv}"
        );
        assert!(csv.contains("m1,2026-03,p,1,\n"), "{csv}");
        let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
        let award = &json["members"][0]["periods"][0]["awards"][0];
        assert!(award["failed"].as_str().unwrap().contains("boom"), "{award}");
    }
}
