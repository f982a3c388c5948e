//! `merit-bench`: the Rust side of `scripts/bench` (see `bench/README.md`).
//!
//! ```text
//! merit-bench generate DIR [--records N] [--members N]   # the workload, once
//! merit-bench run CONTENDER --data DIR [--reps N] [--limit N]
//! merit-bench digest-report FILE                         # a CLI report's totals
//! ```
//!
//! `run` measures one contender in this process (so that its peak memory is its
//! own) and prints one JSON line: the median time of `--reps` runs after a warm-up,
//! and a digest of the per-member totals it computed, which `bench/collect.py`
//! compares across contenders. Timings are printed, never asserted.

mod arrow;
mod loops;
mod workload;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use merit::{Format, Records, Report, Rulebook, ScoreOptions};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::loops::tenths;
use crate::workload::{Columns, member_name};

const USAGE: &str = "usage: merit-bench generate DIR [--records N] [--members N]
       merit-bench run CONTENDER --data DIR [--reps N] [--limit N]
       merit-bench digest-report REPORT.json|REPORT.csv
contenders: rust-fixed rust-decimal-columnar rust-decimal-hashmap rust-f64-hashmap
            rhai-per-record engine-eval-1t engine-eval engine-report engine-table engine-script
            engine-mix engine-jsonl engine-csv engine-arrow";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") if args.len() >= 2 => Options::parse(&args[2..]).and_then(|o| {
            workload::generate(Path::new(&args[1]), o.records, o.members).map_err(|e| e.to_string())
        }),
        Some("run") if args.len() >= 2 => Options::parse(&args[2..]).and_then(|o| run(&args[1], &o)),
        Some("digest-report") if args.len() == 2 => digest_report(Path::new(&args[1])),
        _ => Err(USAGE.into()),
    };
    if let Err(message) = result {
        eprintln!("merit-bench: {message}");
        std::process::exit(2);
    }
}

struct Options {
    records: usize,
    members: u32,
    reps: usize,
    data: PathBuf,
    limit: Option<usize>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            records: 1_000_000,
            members: 10_000,
            reps: 5,
            data: PathBuf::from("target/bench"),
            limit: None,
        };
        for pair in args.chunks(2) {
            let [flag, value] = pair else {
                return Err(format!("{} needs a value\n{USAGE}", pair[0]));
            };
            let number = || {
                value
                    .parse::<usize>()
                    .map_err(|_| format!("{flag}: not a number: {value}"))
            };
            match flag.as_str() {
                "--records" => options.records = number()?,
                "--members" => options.members = number()? as u32,
                "--reps" => options.reps = number()?.max(1),
                "--limit" => options.limit = Some(number()?),
                "--data" => options.data = PathBuf::from(value),
                _ => return Err(format!("unknown option {flag}\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

/// A warm-up slower than this makes a contender run at most [`SLOW_REPS`] times,
/// which keeps the whole bench within its time budget.
const SLOW: Duration = Duration::from_secs(2);
const SLOW_REPS: usize = 3;

/// The median time of `reps` runs after a warm-up, the number of runs, and the last
/// result. Every contender's `run` returns per-member totals, so what it built on the
/// way (a report, a sort order, a map) is freed inside the timed region, as a caller
/// that wants totals pays for it; the small previous result is dropped outside.
fn measure<T>(reps: usize, mut run: impl FnMut() -> T) -> (Duration, usize, T) {
    let start = Instant::now();
    let mut result = Some(run());
    let reps = if start.elapsed() > SLOW {
        reps.min(SLOW_REPS)
    } else {
        reps
    };
    let mut times = Vec::with_capacity(reps);
    let mut cpu = Vec::with_capacity(reps);
    for _ in 0..reps {
        drop(result.take());
        let (start, start_cpu) = (Instant::now(), cpu_time());
        let out = std::hint::black_box(run());
        times.push(start.elapsed());
        cpu.push(
            cpu_time()
                .zip(start_cpu)
                .map(|(end, start)| end.saturating_sub(start)),
        );
        result = Some(out);
    }
    times.sort();
    cpu.sort();
    let median = cpu[cpu.len() / 2].map_or(u64::MAX, |c| c.as_nanos() as u64);
    CPU_NANOS.store(median, std::sync::atomic::Ordering::Relaxed);
    (times[times.len() / 2], reps, result.expect("at least one run"))
}

/// The median CPU time of the last [`measure`] in nanoseconds, all threads of the
/// process (`u64::MAX`: not known).
static CPU_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(u64::MAX);

/// The CPU time every thread of this process has run so far (Linux: the sum of
/// `/proc/self/task/*/schedstat`), `None` elsewhere. On a loaded machine a run's
/// wall time counts other processes' turns too; this does not.
fn cpu_time() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// sha256 of the `member,total` lines of the members with a non-zero total, sorted
/// by member, totals with one decimal: what every contender's totals must match
/// (`bench/collect.py` and the Python and Node contenders compute it the same way).
fn digest(totals: impl IntoIterator<Item = (String, i64)>) -> String {
    let mut lines: Vec<String> = totals
        .into_iter()
        .filter(|&(_, t)| t != 0)
        .map(|(m, t)| {
            let sign = if t < 0 { "-" } else { "" };
            format!("{m},{sign}{}.{}\n", t.abs() / 10, t.abs() % 10)
        })
        .collect();
    lines.sort();
    let hash = Sha256::digest(lines.concat().as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest_loop(totals: loops::Totals) -> String {
    digest(
        totals
            .into_iter()
            .enumerate()
            .map(|(m, t)| (member_name(m as u32), t)),
    )
}

/// The engine's evaluation of records already read, as per-member totals in tenths:
/// every award, cap and total computed, each award's explanation left to be written
/// on demand (`Evaluation::member_report`).
fn engine_eval(book: &Rulebook, records: &Records, options: &ScoreOptions) -> Vec<(String, i64)> {
    let evaluation = book.evaluate(records, None, options);
    evaluation
        .totals()
        .map(|(m, t)| (m.to_owned(), tenths(t)))
        .collect()
}

fn member_totals(report: &Report) -> Vec<(String, i64)> {
    report
        .members
        .iter()
        .map(|m| (m.member.clone(), tenths(m.total)))
        .collect()
}

/// Per-member points of one rule across all periods of a report.
fn rule_totals(report: &Report, rule: &str) -> Vec<(String, i64)> {
    report
        .members
        .iter()
        .map(|m| {
            let points = m.periods.iter().flat_map(|p| &p.rules).filter(|(r, _)| r == rule);
            (m.member.clone(), points.map(|(_, p)| tenths(*p)).sum())
        })
        .collect()
}

fn load_book(text: &str, name: &str) -> Result<Rulebook, String> {
    Rulebook::from_yaml(text, name).map_err(|e| e.to_string())
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The records of `dir/records.csv` as `book` types them (outside the timed region).
fn read_records(book: &Rulebook, dir: &Path) -> Result<Records, String> {
    let mut records = Records::new();
    records
        .read(
            book,
            &read_file(&dir.join("records.csv"))?,
            Format::Csv,
            "records.csv",
        )
        .map_err(|e| e.to_string())?;
    Ok(records)
}

fn run(contender: &str, o: &Options) -> Result<(), String> {
    let options = ScoreOptions::default();
    let engine = |text: &str| -> Result<(Rulebook, Records), String> {
        let book = load_book(text, contender)?;
        let records = read_records(&book, &o.data)?;
        Ok((book, records))
    };
    let (time, reps, records, digest) = match contender {
        "rust-fixed"
        | "rust-decimal-columnar"
        | "rust-decimal-hashmap"
        | "rust-f64-hashmap"
        | "rhai-per-record" => {
            // Each builds only the input columns it reads, so that its peak memory is its own.
            let cols = Columns::read(&o.data, o.limit)?;
            let decimal =
                || -> Vec<Decimal> { cols.hours_tenths.iter().map(|&t| Decimal::new(t, 1)).collect() };
            let (time, reps, totals) = match contender {
                "rust-fixed" => measure(o.reps, || loops::fixed_point(&cols)),
                "rust-decimal-columnar" => {
                    let hours = decimal();
                    measure(o.reps, || loops::decimal_columnar(&cols, &hours))
                }
                "rust-decimal-hashmap" => measure(o.reps, || loops::decimal_hashmap(&cols)),
                "rust-f64-hashmap" => {
                    let hours: Vec<f64> = cols.hours_tenths.iter().map(|&t| t as f64 / 10.0).collect();
                    measure(o.reps, || loops::f64_hashmap(&cols, &hours))
                }
                _ => {
                    let (rhai, hours) = (loops::Rhai::new(), decimal());
                    measure(o.reps, || rhai.totals(&cols, &hours))
                }
            };
            (time, reps, cols.member.len(), digest_loop(totals))
        }
        "engine-report" => {
            let (book, records) = engine(workload::BOOK)?;
            let (time, reps, totals) =
                measure(o.reps, || member_totals(&book.score(&records, None, &options)));
            (time, reps, records.len(), digest(totals))
        }
        "engine-eval-1t" | "engine-eval" | "engine-table" | "engine-script" => {
            let text = match contender {
                "engine-table" => workload::BOOK_TABLE,
                "engine-script" => workload::BOOK_SCRIPT,
                _ => workload::BOOK,
            };
            let (book, records) = engine(text)?;
            // One thread, or rayon's default: one per core.
            let threads = if contender == "engine-eval-1t" { 1 } else { 0 };
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|e| e.to_string())?;
            let (time, reps, totals) =
                pool.install(|| measure(o.reps, || engine_eval(&book, &records, &options)));
            (time, reps, records.len(), digest(totals))
        }
        "engine-mix" => {
            let (book, records) = engine(workload::BOOK_MIX)?;
            let (time, reps, totals) = measure(o.reps, || {
                rule_totals(&book.score(&records, None, &options), "volunteer-hours")
            });
            (time, reps, records.len(), digest(totals))
        }
        "engine-jsonl" | "engine-csv" => {
            let book = load_book(workload::BOOK, contender)?;
            let (file, format) = match contender {
                "engine-jsonl" => ("records.jsonl", Format::Jsonl),
                _ => ("records.csv", Format::Csv),
            };
            let bytes = read_file(&o.data.join(file))?;
            let (time, reps, read) = measure(o.reps, || {
                let mut records = Records::new();
                let read = records.read(&book, &bytes, format, file);
                read.map(|n| (n, member_totals(&book.score(&records, None, &options))))
                    .map_err(|e| e.to_string())
            });
            let (count, totals) = read?;
            (time, reps, count, digest(totals))
        }
        "engine-arrow" => {
            let book = load_book(workload::BOOK, contender)?;
            let batches = arrow::batches(&o.data)?;
            let (time, reps, read) = measure(o.reps, || {
                let mut records = Records::new();
                let read = records.read_arrow(&book, batches.iter().cloned().map(Ok::<_, String>), "table");
                read.map(|n| (n, member_totals(&book.score(&records, None, &options))))
                    .map_err(|e| e.to_string())
            });
            let (count, totals) = read?;
            (time, reps, count, digest(totals))
        }
        _ => return Err(format!("unknown contender {contender}\n{USAGE}")),
    };
    println!(
        "{}",
        serde_json::json!({
            "contender": contender,
            "seconds": time.as_secs_f64(),
            "reps": reps,
            "records": records,
            "digest": digest,
            "cpu_seconds": match CPU_NANOS.load(std::sync::atomic::Ordering::Relaxed) {
                u64::MAX => None,
                nanos => Some(nanos as f64 / 1e9),
            },
        })
    );
    Ok(())
}

/// The digest of the member totals in a report the CLI wrote: JSON (read as a
/// stream, keeping only members' ids and totals: the file is hundreds of MB) or CSV
/// (its `total,total` rows).
fn digest_report(path: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = std::io::BufReader::with_capacity(1 << 20, file);
    let totals: Vec<(String, i64)> = if path.extension().is_some_and(|e| e == "csv") {
        let mut totals = Vec::new();
        for row in csv::Reader::from_reader(reader).records() {
            let row = row.map_err(|e| e.to_string())?;
            if &row[1] == "total" {
                totals.push((row[0].to_owned(), parse_tenths(&row[3])?));
            }
        }
        totals
    } else {
        #[derive(serde::Deserialize)]
        struct Totals {
            members: Vec<Member>,
        }
        #[derive(serde::Deserialize)]
        struct Member {
            member: String,
            total: String,
        }
        let report: Totals = serde_json::from_reader(reader).map_err(|e| e.to_string())?;
        let totals = report
            .members
            .into_iter()
            .map(|m| Ok((m.member, parse_tenths(&m.total)?)));
        totals.collect::<Result<_, String>>()?
    };
    println!("{}", serde_json::json!({ "digest": digest(totals) }));
    Ok(())
}

fn parse_tenths(text: &str) -> Result<i64, String> {
    text.parse::<Decimal>()
        .map(tenths)
        .map_err(|e| format!("{text}: {e}"))
}
