//! Script rules: any text as a rhai script, run under `ScriptLimits` over a few
//! records in two windows, never panics and never outlasts its wall-clock budget
//! (issue 13: `sleep`, 60 KB strings and curried closures ran for minutes).
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use merit::ScriptLimits;
use merit::{Format, Limits, Records, Rulebook, ScoreOptions};

const BUDGET: Duration = Duration::from_millis(100);

const BOOK: &str = "fields: { hours: decimal?, note: string? }\nrules:\n  - id: s\n    per: month\n    script_file: s.rhai\n";

const RECORDS: &[u8] = b"{\"id\":\"a\",\"member\":\"m1\",\"kind\":\"v\",\"date\":\"2026-03-01\",\"hours\":2.5}\n\
{\"id\":\"b\",\"member\":\"m1\",\"kind\":\"w\",\"date\":\"2026-03-09\",\"note\":\"x\"}\n\
{\"id\":\"c\",\"member\":\"m1\",\"kind\":\"v\",\"date\":\"2026-04-02\",\"hours\":-1}\n";

fuzz_target!(|data: &[u8]| {
    let script = String::from_utf8_lossy(data).into_owned();
    let limits = Limits {
        scripts: ScriptLimits {
            max_time: BUDGET,
            max_operations: 200_000,
            ..ScriptLimits::default()
        },
        ..Limits::default()
    };
    let include = |_: &str| Ok(script.clone());
    let Ok(book) = Rulebook::loader().limits(limits).includes(&include).load(BOOK, "fuzz.yaml") else {
        return;
    };
    let mut records = Records::new();
    records.read(&book, RECORDS, Format::Jsonl, "fuzz.jsonl").expect("fixed records read");
    let started = Instant::now();
    let report = book.score(&records, None, &ScoreOptions::default());
    let took = started.elapsed();
    // Two calls (March, April), each within its budget; generous slack for the
    // sanitizers and for one native call (a sort) that the budget cannot interrupt.
    assert!(took < BUDGET * 2 + Duration::from_secs(2), "two script calls took {took:?}");
    let _ = report.to_json();
});
