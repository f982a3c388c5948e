//! Runs every conformance case in `tests/cases/` through the engine's facade.
//!
//! The Python and WASM suites run the same cases through their bindings with the
//! same comparison, so a case that passes here and fails there is a binding bug.
//! `MERIT_BLESS=1` writes the engine's full report as `expected.json` for a new
//! case; the result must be read and checked by hand before it is committed.

use std::path::{Path, PathBuf};

use merit::Per;
use merit::{Format, Members, Records, Rulebook, ScoreOptions};
use serde_json::Value;

pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases")
}

/// What a case's `args` file says: record files, options and a member file.
pub struct CaseArgs {
    pub records: Vec<String>,
    pub options: ScoreOptions,
    pub members: Option<String>,
}

fn parse_args(text: &str) -> CaseArgs {
    let mut args = CaseArgs {
        records: Vec::new(),
        options: ScoreOptions::default(),
        members: None,
    };
    let mut tokens = text.split_whitespace();
    while let Some(token) = tokens.next() {
        let mut value = || {
            tokens
                .next()
                .unwrap_or_else(|| panic!("`{token}` needs a value"))
                .to_owned()
        };
        match token {
            "--from" => args.options.from = Some(value().parse().expect("date")),
            "--to" => args.options.to = Some(value().parse().expect("date")),
            "--as-of" => args.options.as_of = Some(value().parse().expect("date")),
            "--period" => args.options.period = Some(Per::parse(&value()).expect("period")),
            "--members" => args.members = Some(value()),
            flag if flag.starts_with("--") => panic!("unknown flag {flag} in args"),
            file => args.records.push(file.to_owned()),
        }
    }
    if args.records.is_empty() {
        args.records.push("records.jsonl".to_owned());
    }
    args
}

/// A case loaded: its rulebook, records read, member profiles and options.
pub struct Case {
    pub book: Rulebook,
    pub args: CaseArgs,
    pub records: Records,
    pub members: Option<Members>,
}

pub fn load_case(dir: &Path) -> Case {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
    };
    let source = String::from_utf8(read("book.yaml")).expect("utf-8 book");
    // The scripts' wall-clock budget is lifted: a debug build on a busy machine
    // reaches it before the operations budget the runaway case expects
    // (`limits.rs` tests the time budget).
    let limits = merit::Limits {
        scripts: merit::ScriptLimits {
            max_time: std::time::Duration::from_secs(3600),
            ..Default::default()
        },
        ..Default::default()
    };
    let book = Rulebook::loader()
        .limits(limits)
        .load(&source, "book.yaml")
        .unwrap_or_else(|e| panic!("{}:\n{e}", dir.display()));
    let args = std::fs::read_to_string(dir.join("args"))
        .map(|t| parse_args(&t))
        .unwrap_or_else(|_| parse_args(""));
    let mut records = Records::new();
    for file in &args.records {
        let format = Format::from_path(file).expect("known format");
        records
            .read(&book, &read(file), format, file)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    let members = args.members.as_ref().map(|file| {
        Members::read(&read(file), Format::from_path(file).expect("known format")).expect("member profiles")
    });
    Case {
        book,
        args,
        records,
        members,
    }
}

fn run_case(dir: &Path) -> Value {
    let case = load_case(dir);
    let report = case
        .book
        .score(&case.records, case.members.as_ref(), &case.args.options);
    serde_json::from_str(&report.to_json()).expect("report is JSON")
}

/// `expected` is a reduced report: every key it has must match; keys it omits
/// are not compared; lists must match in length and element by element.
pub fn mismatch(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().find_map(|(key, ev)| match a.get(key) {
            Some(av) => mismatch(ev, av, &format!("{path}.{key}")),
            None => Some(format!("{path}.{key}: missing")),
        }),
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .find_map(|(i, (ev, av))| mismatch(ev, av, &format!("{path}[{i}]"))),
        (Value::Array(e), Value::Array(a)) => {
            Some(format!("{path}: expected {} items, found {}", e.len(), a.len()))
        }
        (e, a) if e == a => None,
        (e, a) => Some(format!("{path}: expected {e}, found {a}")),
    }
}

/// Every case's folder, in name order.
pub fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn conformance_cases() {
    let bless = std::env::var_os("MERIT_BLESS").is_some();
    let dirs = case_dirs();
    assert!(
        dirs.len() >= 15,
        "expected at least 15 conformance cases, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let actual = run_case(dir);
        let expected_path = dir.join("expected.json");
        if bless && !expected_path.exists() {
            std::fs::write(
                &expected_path,
                serde_json::to_string_pretty(&actual).unwrap() + "\n",
            )
            .unwrap();
            continue;
        }
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(&expected_path).unwrap_or_else(|_| panic!("{name}: no expected.json")),
        )
        .expect("expected.json is JSON");
        if let Some(diff) = mismatch(&expected, &actual, &name) {
            failures.push(diff);
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn reports_are_byte_identical_across_runs() {
    let dir = cases_dir().join("cap-day-and-month");
    assert_eq!(run_case(&dir), run_case(&dir));
}
