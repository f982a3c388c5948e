//! issue 13's reproducers that need scoring, not just loading: each broke on the
//! main of the day (a panic losing every member's report, a cap rounded past, …).
//! The ones that only load are in the bad-input table (`bad_inputs.rs`).

use merit::{Format, Records, Rulebook, ScoreOptions};

fn score(book: &str, jsonl: &str) -> merit::Report {
    let book = Rulebook::from_yaml(book, "book.yaml").unwrap_or_else(|e| panic!("{}", e.render(false)));
    let mut records = Records::new();
    records
        .read(&book, jsonl.as_bytes(), Format::Jsonl, "in.jsonl")
        .unwrap();
    book.score(&records, None, &ScoreOptions::default())
}

/// Item 1: `Decimal::MAX` hours and 1 more for the same member overflowed the sum:
/// "internal error" and a report that stopped at `"members": [`.
#[test]
fn an_award_too_large_rejects_its_record_only() {
    let report = score(
        "fields: { hours: decimal? }\nrules: [{ id: r, points: hours }]\n",
        "{\"id\":\"a1\",\"member\":\"a\",\"kind\":\"v\",\"date\":\"2026-03-01\",\"hours\":79228162514264337593543950335}\n\
         {\"id\":\"a2\",\"member\":\"a\",\"kind\":\"v\",\"date\":\"2026-03-02\",\"hours\":1}\n\
         {\"id\":\"b1\",\"member\":\"b\",\"kind\":\"v\",\"date\":\"2026-03-01\",\"hours\":1}\n",
    );
    let totals: Vec<(&str, String)> = report
        .members
        .iter()
        .map(|m| (m.member.as_str(), m.total.to_string()))
        .collect();
    assert_eq!(totals, [("a", "1".to_owned()), ("b", "1".to_owned())]);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].id.as_deref(), Some("a1"));
    assert_eq!(
        report.rejected[0].error,
        "rule `r`: the award 79228162514264337593543950335 is too large (an award is at most 10^15 in size)"
    );
    // Rejected, so not also counted unmatched.
    assert_eq!(report.unmatched, 0);
}

/// Item 1: a script calling `award(7.9e28)` twice panicked; the award fails now.
#[test]
fn a_script_award_too_large_fails_that_award() {
    let report = score(
        "rules:\n  - id: s\n    per: month\n    script: \"award(79228162514264337593543950335); award(79228162514264337593543950335);\"\n  - { id: p, points: 1 }\n",
        "{\"member\":\"a\",\"kind\":\"v\",\"date\":\"2026-03-01\"}\n",
    );
    let member = &report.members[0];
    assert_eq!(member.total.to_string(), "1");
    let failed: Vec<&str> = member.periods[0]
        .awards
        .iter()
        .filter_map(|a| a.failed.as_deref())
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].contains("is too large"), "{failed:?}");
}

/// Item 7: one decimal, `max: 0.15`, an award of 2 came out 0.2 (past the cap).
#[test]
fn rounding_never_lifts_an_award_past_its_cap() {
    for (max, expected) in [("0.15", "0.1"), ("0.05", "0.0"), ("0.25", "0.2")] {
        let report = score(
            &format!(
                "unit: {{ name: p, decimals: 1 }}\nfields: {{ hours: decimal? }}\nrules: [{{ id: r, points: hours, cap: [{{ per: month, max: {max} }}] }}]\n"
            ),
            "{\"member\":\"a\",\"kind\":\"v\",\"date\":\"2026-03-01\",\"hours\":2}\n",
        );
        let member = &report.members[0];
        assert_eq!(member.total.to_string(), expected, "max {max}");
        let award = &member.periods[0].awards[0];
        assert_eq!(award.points.to_string(), expected, "max {max}");
    }
}

/// Item 1: index weights past 10^15 are refused at load (they summed past
/// `Decimal::MAX` in `merit check`); a tiny `full` under a large sum stays 100.
#[test]
fn an_index_over_a_tiny_full_does_not_overflow() {
    let report = score(
        "fields: { hours: decimal? }\nrules: [{ id: r, points: hours }]\nindexes:\n  - id: i\n    per: month\n    dimensions:\n      - { id: d, weight: 1, rules: [r], full: 0.0000000000000000000000000001 }\n",
        "{\"member\":\"a\",\"kind\":\"v\",\"date\":\"2026-03-01\",\"hours\":1000}\n",
    );
    assert_eq!(report.members[0].indexes[0].score.to_string(), "100");
}

/// The diagnostics of a rulebook in `folder` whose one rule reads `script_file: {file}`.
fn script_file_error(folder: &std::path::Path, file: &str) -> String {
    let source = format!("rules:\n  - id: s\n    per: month\n    script_file: {file}\n");
    match Rulebook::loader().folder(folder).load(&source, "book.yaml") {
        Ok(_) => "LOADED".to_owned(),
        Err(error) => error
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Item 6: `script_file` through a symlinked folder or file ran scripts from outside
/// the rulebook's folder and quoted a secret back; a FIFO hung; 220 MB were read.
#[cfg(unix)]
#[test]
fn script_files_stay_in_the_rulebook_folder() {
    use std::os::unix::fs::symlink;
    let temp = tempfile::Builder::new()
        .prefix("merit-include-")
        .tempdir()
        .unwrap();
    let (book, outside) = (temp.path().join("book"), temp.path().join("outside"));
    std::fs::create_dir_all(&book).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.rhai"), "hunter2_secret_token").unwrap();
    std::fs::write(book.join("ok.rhai"), "award(1);").unwrap();
    symlink(&outside, book.join("linked")).unwrap();
    symlink(outside.join("secret.rhai"), book.join("secret.rhai")).unwrap();
    symlink(book.join("ok.rhai"), book.join("inside-link.rhai")).unwrap();
    let big = std::fs::File::create(book.join("big.rhai")).unwrap();
    big.set_len((4 << 20) + 1).unwrap();
    let fifo = book.join("fifo.rhai");
    let made_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());

    assert_eq!(script_file_error(&book, "ok.rhai"), "LOADED");
    assert_eq!(script_file_error(&book, "inside-link.rhai"), "LOADED");
    for file in ["linked/secret.rhai", "secret.rhai"] {
        let message = script_file_error(&book, file);
        assert!(
            message.contains("leads outside the rulebook's folder"),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
    }
    let message = script_file_error(&book, "big.rhai");
    assert!(
        message.contains("larger than the rulebook limit of 4194304 bytes"),
        "{message}"
    );
    assert!(script_file_error(&book, ".").contains("not a regular file"));
    if made_fifo {
        let message = script_file_error(&book, "fifo.rhai");
        assert!(message.contains("not a regular file"), "{message}");
    }
}
