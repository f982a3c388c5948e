//! Members are evaluated in parallel (the `parallel` feature): the report must be
//! byte-identical whatever the number of threads.

#![cfg(all(feature = "parallel", not(target_arch = "wasm32")))]

use std::path::Path;

use merit::{Format, Records, Rulebook, ScoreOptions};

fn repo(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn on_threads(threads: usize, book: &Rulebook, records: &Records) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    pool.install(|| book.score(records, None, &ScoreOptions::default()).to_json())
}

#[test]
fn reports_are_byte_identical_at_any_thread_count() {
    for (rules, data) in [
        ("rules/volunteer-hours.yaml", "examples/data/volunteer.jsonl"),
        ("rules/initial-mission-index.yaml", "examples/data/mission.jsonl"),
    ] {
        let book = Rulebook::from_yaml(&repo(rules), rules).unwrap();
        let mut records = Records::new();
        records
            .read(&book, repo(data).as_bytes(), Format::Jsonl, data)
            .unwrap();
        let one = on_threads(1, &book, &records);
        assert!(one.contains("\"members\""), "{rules}: a report");
        for threads in [2, 3, 8] {
            assert_eq!(
                one,
                on_threads(threads, &book, &records),
                "{rules} on {threads} threads"
            );
        }
    }
}

/// The JSON writer renders members a batch at a time on every core (a batch ends
/// at 256 members or 8,192 awards), and on one thread each member straight into
/// the output: across many batches, at any thread count, its text is `to_json`'s,
/// pretty and compact.
#[test]
fn the_json_writer_is_the_report_across_batches_and_threads() {
    let book = Rulebook::from_yaml(
        "merit: 1\nid: t\nfields: { hours: decimal }\nrules:\n  - id: h\n    when: kind == \"v\"\n    points: hours\n",
        "book.yaml",
    )
    .unwrap();
    // 700 members of one record (three batches by count), then 3 members of
    // 5,000 records (batches that end by awards).
    let mut lines = String::new();
    for m in 0..700 {
        lines +=
            &format!("{{\"member\":\"m{m:04}\",\"kind\":\"v\",\"date\":\"2026-03-01\",\"hours\":{m}}}\n");
    }
    for m in 0..3 {
        for day in 0..5_000 {
            let date = jiff::civil::date(2026, 1, 1) + jiff::Span::new().days(day % 365);
            lines += &format!("{{\"member\":\"z{m}\",\"kind\":\"v\",\"date\":\"{date}\",\"hours\":1.5}}\n");
        }
    }
    let mut records = Records::new();
    records
        .read(&book, lines.as_bytes(), Format::Jsonl, "r.jsonl")
        .unwrap();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        pool.install(|| {
            let evaluation = book.evaluate(&records, None, &ScoreOptions::default());
            let report = evaluation.report();
            let mut pretty = Vec::new();
            evaluation.write_json(&mut pretty).expect("writes to memory");
            assert_eq!(
                String::from_utf8(pretty).unwrap(),
                report.to_json(),
                "{threads} threads"
            );
            let mut compact = Vec::new();
            merit::write_compact_report_json(&mut compact, &mut evaluation.stream())
                .expect("writes to memory");
            assert_eq!(
                String::from_utf8(compact).unwrap(),
                serde_json::to_string(&report).unwrap(),
                "{threads} threads"
            );
        });
    }
}
