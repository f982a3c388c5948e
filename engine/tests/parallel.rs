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
