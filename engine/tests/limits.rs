//! Every limit on untrusted input, hit on purpose: each refusal is an error with a
//! clear message, never a crash or an unbounded allocation (SECURITY.md lists them).

use merit::ScriptLimits;
use merit::YamlLimits;
use merit::{Format, Limits, Records, Rulebook, ScoreOptions};

/// The messages of a rulebook that must not load.
fn refused(source: &str, limits: &Limits) -> Vec<String> {
    let error = Rulebook::loader()
        .limits(limits.clone())
        .load(source, "book.yaml")
        .expect_err("refused");
    error
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

fn refused_by_default(source: &str) -> String {
    refused(source, &Limits::default()).join("\n")
}

#[test]
fn billion_laughs_is_refused() {
    let mut source = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = i - 1;
        source.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    source.push_str("rules: []\n");
    let started = std::time::Instant::now();
    let message = refused_by_default(&source);
    // Reported, not asserted: timings never decide a test.
    eprintln!("billion laughs refused in {:?}", started.elapsed());
    assert!(message.starts_with("yaml: "), "{message}");
    assert!(
        message.contains("budget") || message.contains("alias"),
        "{message}"
    );
}

#[test]
fn yaml_nesting_is_bounded() {
    let source = format!("a: {}1{}\nrules: []\n", "[".repeat(100), "]".repeat(100));
    let message = refused_by_default(&source);
    assert!(message.starts_with("yaml: "), "{message}");
    assert!(message.contains("nests deeper than 32 levels"), "{message}");
}

#[test]
fn yaml_alias_count_is_bounded() {
    let limits = Limits {
        yaml: YamlLimits {
            max_aliases: 2,
            ..YamlLimits::default()
        },
        ..Limits::default()
    };
    let source = "x: &x 1\ny: [*x, *x, *x]\nrules: []\n";
    let message = refused(source, &limits).join("\n");
    assert!(message.contains("alias"), "{message}");
}

#[test]
fn rulebook_size_is_bounded() {
    let limits = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    let source = format!("# {}\nrules: []\n", "x".repeat(200));
    assert_eq!(
        refused(&source, &limits),
        ["too-large: the rulebook is 213 bytes; the limit is 100 bytes"]
    );
}

#[test]
fn number_of_rules_is_bounded() {
    let limits = Limits {
        max_rules: 2,
        ..Limits::default()
    };
    let source = "rules:\n  - { id: a, points: 1 }\n  - { id: b, points: 1 }\n  - { id: c, points: 1 }\n";
    let messages = refused(source, &limits);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].ends_with("3 rules; the limit is 2"), "{messages:?}");
}

#[test]
fn expression_nesting_is_bounded() {
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let source = format!("rules:\n  - id: deep\n    points: {deep}\n");
    let messages = refused_by_default(&source);
    assert!(
        messages.contains("the expression nests more than 128 levels deep"),
        "{messages}"
    );
    // Just under the limit loads, checks, compiles and evaluates.
    let ok = format!("{}1{}", "(".repeat(120), ")".repeat(120));
    let chain = format!("1{}", " + 1".repeat(100));
    let source = format!("rules:\n  - {{ id: a, points: {ok} }}\n  - {{ id: b, points: {chain} }}\n");
    let book = Rulebook::from_yaml(&source, "book.yaml").unwrap();
    let mut records = Records::new();
    records
        .read(
            &book,
            br#"{"member":"m","kind":"k","date":"2026-03-01"}"#,
            Format::Jsonl,
            "in",
        )
        .unwrap();
    let report = book.score(&records, None, &ScoreOptions::default());
    assert_eq!(report.members[0].total.to_string(), "102");
}

/// Scores one record through a script rule and returns the script's error message.
fn script_error(script: &str, limits: ScriptLimits) -> String {
    let indented: String = script.lines().map(|l| format!("      {l}\n")).collect();
    let source = format!("rules:\n  - id: s\n    per: month\n    script: |\n{indented}");
    let limits = Limits {
        scripts: limits,
        ..Limits::default()
    };
    let book = Rulebook::loader()
        .limits(limits)
        .load(&source, "book.yaml")
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let mut records = Records::new();
    records
        .read(
            &book,
            br#"{"member":"m","kind":"k","date":"2026-03-01"}"#,
            Format::Jsonl,
            "in",
        )
        .unwrap();
    let report = book.score(&records, None, &ScoreOptions::default());
    report.to_json()
}

#[test]
fn script_operations_are_bounded() {
    let message = script_error("loop { }", ScriptLimits::default());
    assert!(message.contains("Too many operations"), "{message}");
}

#[test]
fn script_call_depth_is_bounded() {
    let message = script_error("fn f(n) { f(n + 1) }\nf(1);", ScriptLimits::default());
    assert!(
        message.contains("call stack") || message.contains("Stack overflow"),
        "{message}"
    );
}

#[test]
fn script_string_size_is_bounded() {
    let limits = ScriptLimits {
        max_string_size: 100,
        ..ScriptLimits::default()
    };
    let message = script_error("let s = \"x\"; for i in 0..200 { s += \"x\"; }", limits);
    assert!(message.contains("Length of string"), "{message}");
}

#[test]
fn script_array_size_is_bounded() {
    let limits = ScriptLimits {
        max_array_size: 100,
        ..ScriptLimits::default()
    };
    let message = script_error("let a = []; for i in 0..200 { a.push(i); }", limits);
    assert!(message.contains("Size of array"), "{message}");
}

#[test]
fn record_size_is_bounded() {
    let book = Rulebook::from_yaml("rules:\n  - { id: a, points: 1 }\n", "book.yaml").unwrap();
    let big = format!(
        "{{\"member\":\"m\",\"kind\":\"k\",\"date\":\"2026-03-01\",\"pad\":\"{}\"}}\n",
        "x".repeat(300)
    );
    for (format, input) in [
        (Format::Jsonl, big.clone()),
        (
            Format::Csv,
            format!("member,kind,date,pad\nm,k,2026-03-01,{}\n", "x".repeat(300)),
        ),
        (Format::Json, format!("[{}]", big.trim_end())),
    ] {
        let mut records = Records::with_max_record_bytes(200);
        assert_eq!(records.read(&book, input.as_bytes(), format, "in").unwrap(), 1);
        assert_eq!(records.rejected.len(), 1, "{format:?}");
        assert_eq!(records.rejected[0].error, "record is larger than 200 bytes");
    }
    // The default is 1 MiB.
    let huge = format!(
        "{{\"member\":\"m\",\"kind\":\"k\",\"date\":\"2026-03-01\",\"pad\":\"{}\"}}\n",
        "x".repeat(1 << 20)
    );
    let mut records = Records::new();
    records.read(&book, huge.as_bytes(), Format::Jsonl, "in").unwrap();
    assert_eq!(records.rejected[0].error, "record is larger than 1 MiB");
}

#[test]
fn script_expression_depth_is_bounded() {
    let deep = format!("let x = {}1{};", "(".repeat(10_000), ")".repeat(10_000));
    let source = format!("rules:\n  - id: s\n    per: month\n    script: \"{deep}\"\n");
    let messages = refused_by_default(&source);
    assert!(messages.starts_with("script-syntax: "), "{messages}");
    assert!(
        messages.contains("Expression exceeds maximum complexity"),
        "{messages}"
    );
    // Well under the limit compiles and runs (rhai counts more than one level per bracket).
    let ok = format!("{}1{}", "(".repeat(20), ")".repeat(20));
    assert!(!script_error(&format!("let x = {ok};"), ScriptLimits::default()).contains("stopped"));
}

/// issue 13, item 2: rhai's `sleep` took 6 s for two days of records.
#[test]
fn scripts_cannot_sleep() {
    let started = std::time::Instant::now();
    let message = script_error("sleep(3); award(1);", ScriptLimits::default());
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "slept");
    assert!(message.contains("`sleep` is not available"), "{message}");
}

/// issue 13, item 3: a 100 000-step curry loop stayed inside the operations budget
/// and ran for 116 s; the wall-clock budget stops it.
#[test]
fn script_time_is_bounded() {
    let limits = ScriptLimits {
        max_time: std::time::Duration::from_millis(200),
        ..ScriptLimits::default()
    };
    let started = std::time::Instant::now();
    let message = script_error(
        "let f = |x| x; for i in 0..100000 { f = f.curry(i); } award(1);",
        limits,
    );
    let took = started.elapsed();
    assert!(message.contains("the script ran longer than 0.2 s"), "{message}");
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    assert_eq!(
        ScriptLimits::default().max_time,
        std::time::Duration::from_secs(1)
    );
}

/// issue 13, item 4: 300 000 awards in one call used 2.46 GB.
#[test]
fn awards_per_call_are_bounded() {
    let message = script_error("for i in 0..300000 { award(1); }", ScriptLimits::default());
    assert!(
        message.contains("more than 10000 awards in one call"),
        "{message}"
    );
    let limits = ScriptLimits {
        max_award_records: 5,
        ..ScriptLimits::default()
    };
    // One record in the window: 5 awards may cite it, not 6.
    assert!(!script_error("for i in 0..5 { award(1); }", limits.clone()).contains("failed"));
    let message = script_error("for i in 0..6 { award(1); }", limits);
    assert!(message.contains("more than 5 awards in one call"), "{message}");
}

/// issue 13, item 5: `0000-01-01..9999-12-31` 200 times took 26 s and 5.8 GB.
#[test]
fn calendar_years_and_days_are_bounded() {
    let repeat = |range: &str, n: usize| {
        let items = vec![format!("\"{range}\""); n].join(", ");
        format!("calendar: {{ holidays: [{items}] }}\nrules: []\n")
    };
    let started = std::time::Instant::now();
    let messages = refused(&repeat("0000-01-01..9999-12-31", 200), &Limits::default());
    assert_eq!(messages.len(), 200);
    assert_eq!(
        messages[0],
        "bad-date: `calendar.holidays`: `0000-01-01..9999-12-31` is outside the years a calendar may name (1900-2200)"
    );
    // The whole span allowed, 2 000 times: kept once (the union), not 2 000 times.
    let book = Rulebook::from_yaml(&repeat("1900-01-01..2200-12-31", 2_000), "book.yaml").unwrap();
    assert!(!book.is_workday(jiff::civil::date(2026, 3, 2)));
    eprintln!("calendars refused and loaded in {:?}", started.elapsed());
}
