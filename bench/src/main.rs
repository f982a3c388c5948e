//! `cargo run --release -p merit-bench -- [--records N] [--members N] [--reps N]`
//!
//! Measures, in one run and on the same generated records, the engine against
//! hand-written loops doing the same work, after checking that every contender
//! computed the same totals. Prints records per second and the ratio to the
//! fastest hand-written loop. Timings are printed, never asserted.

mod loops;
mod machine;
mod workload;

use std::time::{Duration, Instant};

use merit::{Format, Records, Rulebook, ScoreOptions};

struct Config {
    records: usize,
    members: u32,
    reps: usize,
}

fn config() -> Config {
    let mut config = Config {
        records: 1_000_000,
        members: 10_000,
        reps: 5,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = |i: usize| pair.get(1).and_then(|v| v.parse::<usize>().ok()).unwrap_or(i);
        match pair[0].as_str() {
            "--records" => config.records = value(config.records),
            "--members" => config.members = value(config.members as usize) as u32,
            "--reps" => config.reps = value(config.reps).max(1),
            other => {
                eprintln!("unknown option {other}; options: --records N --members N --reps N");
                std::process::exit(2);
            }
        }
    }
    config
}

/// Median wall time of `reps` runs after one warm-up run.
fn measure<T>(reps: usize, mut run: impl FnMut() -> T) -> (Duration, T) {
    let mut result = run();
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        result = std::hint::black_box(run());
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], result)
}

fn main() {
    let config = config();
    eprintln!(
        "generating {} records over {} members…",
        config.records, config.members
    );
    let rows = workload::rows(config.records, config.members);
    let book = Rulebook::from_yaml(workload::BOOK, "bench.yaml").expect("bench rulebook loads");
    let records = Records::from_records(workload::records(&rows));
    let jsonl = workload::jsonl(&rows);
    let options = ScoreOptions::default();

    let mut results: Vec<(String, Duration)> = Vec::new();
    let (t, fixed) = measure(config.reps, || {
        loops::fixed_point(&rows, &loops::order(&rows), config.members)
    });
    results.push(("hand-written Rust, fixed-point i64, 1 thread".into(), t));
    let (t, decimal) = measure(config.reps, || {
        loops::decimal_hashmap(&rows, &loops::order(&rows), config.members)
    });
    results.push(("hand-written Rust, rust_decimal + HashMap, 1 thread".into(), t));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
    };
    let (one, all) = (pool(1), pool(cores));
    let (t, report) = one.install(|| measure(config.reps, || book.score(&records, None, &options)));
    results.push((
        "merit engine, evaluation only (records in memory), 1 thread".into(),
        t,
    ));
    let (t, report_all) = all.install(|| measure(config.reps, || book.score(&records, None, &options)));
    results.push((
        format!("merit engine, evaluation only (records in memory), {cores} threads"),
        t,
    ));
    let (t, end_to_end) = all.install(|| {
        measure(config.reps, || {
            let mut read = Records::new();
            read.read(&book, &jsonl, Format::Jsonl, "bench.jsonl")
                .expect("bench JSONL reads");
            book.score(&read, None, &options)
        })
    });
    results.push((format!("merit engine, JSONL bytes → report, {cores} threads"), t));
    let table_book =
        Rulebook::from_yaml(workload::BOOK_TABLE, "bench-table.yaml").expect("table rulebook loads");
    let (t, table_report) =
        one.install(|| measure(config.reps, || table_book.score(&records, None, &options)));
    results.push(("merit engine, same rule as a decision table, 1 thread".into(), t));
    let (t, _) = all.install(|| measure(config.reps, || table_book.score(&records, None, &options)));
    results.push((
        format!("merit engine, same rule as a decision table, {cores} threads"),
        t,
    ));
    let script_book =
        Rulebook::from_yaml(workload::BOOK_SCRIPT, "bench-script.yaml").expect("script rulebook loads");
    let (t, script_report) =
        one.install(|| measure(config.reps.min(3), || script_book.score(&records, None, &options)));
    results.push((
        "merit engine, same rule as a rhai script (per member-month), 1 thread".into(),
        t,
    ));
    let (t, _) = all.install(|| measure(config.reps.min(3), || script_book.score(&records, None, &options)));
    results.push((
        format!("merit engine, same rule as a rhai script (per member-month), {cores} threads"),
        t,
    ));

    // Every contender must have computed the same totals before any figure counts.
    let engine_totals: Vec<i64> = (0..config.members)
        .map(|m| {
            report.member(&workload::member_name(m)).map_or(0, |row| {
                (row.total * rust_decimal::Decimal::from(10)).trunc().mantissa() as i64
            })
        })
        .collect();
    assert_eq!(fixed, decimal, "the two hand-written loops disagree");
    assert_eq!(
        fixed, engine_totals,
        "the engine disagrees with the hand-written loop"
    );
    assert_eq!(
        report.to_json(),
        report_all.to_json(),
        "the report differs between 1 and {cores} threads"
    );
    assert_eq!(
        report.members, end_to_end.members,
        "reading JSONL changed the report"
    );
    for (name, other) in [("decision table", &table_report), ("rhai script", &script_report)] {
        let totals: Vec<_> = other.members.iter().map(|m| (&m.member, m.total)).collect();
        let expected: Vec<_> = report.members.iter().map(|m| (&m.member, m.total)).collect();
        assert_eq!(totals, expected, "the {name} disagrees with the points rule");
    }
    let grand: i64 = fixed.iter().sum();
    println!(
        "workload: {} records, {} members, 12 months; rule: min(hours, 8) * 10, month cap 200; \
         all contenders agree (total {}.{} points)",
        config.records,
        config.members,
        grand / 10,
        grand % 10
    );
    println!(
        "machine: {cores} cores ({}), load average {}; medians of {} runs after a warm-up\n",
        machine::cpu_model(),
        machine::load_average(),
        config.reps
    );
    let baseline = results[0].1.as_secs_f64();
    println!("| contender | time | records/s | × fixed-point time |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, time) in &results {
        let secs = time.as_secs_f64();
        println!(
            "| {name} | {:.1} ms | {:.2} M | {:.1} |",
            secs * 1e3,
            config.records as f64 / secs / 1e6,
            secs / baseline
        );
    }
}
