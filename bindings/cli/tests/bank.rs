//! `merit bank` end to end: the quick start, exit codes, a SIGKILL in the middle of
//! a large post, and two processes racing to redeem one balance.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use merit::Bank;

mod common;

use common::{Scratch, merit, repo, text};

/// A fresh directory for one test.
fn scratch(name: &str) -> Scratch {
    Scratch::new(&format!("bank-cli-{name}"))
}

/// The shipped volunteer rulebook, which has a `bank:` section.
fn book() -> String {
    repo().join("rules/volunteer-hours.yaml").display().to_string()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn quick_start_earn_and_redeem_on_the_example_data() {
    let dir = scratch("quick");
    let (book, db) = (book(), dir.join("bank.db").display().to_string());
    let post = [
        "bank",
        "post",
        &book,
        "examples/data/volunteer.jsonl",
        "--db",
        &db,
        "--init",
        "--date",
        "2026-12-31",
        "--format",
        "json",
    ];
    let first = json(&merit(&post));
    // One earning per member, rule and award date (two records on one day: one award).
    assert_eq!(first["posted"], 5042);
    assert_eq!(first["credits"], "166420.0");
    let again = json(&merit(&post));
    assert_eq!(
        (again["posted"].as_u64(), again["already_posted"].as_u64()),
        (Some(0), Some(5042))
    );

    let balance = json(&merit(&[
        "bank", "balance", "m0001", "--db", &db, "--format", "json",
    ]));
    assert_eq!(balance["member:m0001"], "550.0");
    let redeem = [
        "bank",
        "redeem",
        "--db",
        &db,
        "--member",
        "m0001",
        "--item",
        "rice-5kg",
        "--key",
        "order-1",
        "--date",
        "2027-01-10",
        "--format",
        "json",
    ];
    let receipt = json(&merit(&redeem));
    assert_eq!(
        (
            receipt["replayed"].as_bool(),
            receipt["balances"]["m0001"].as_str()
        ),
        (Some(false), Some("500.0"))
    );
    let replay = json(&merit(&redeem));
    assert_eq!(replay["replayed"], true);
    assert_eq!(replay["txn"]["id"], receipt["txn"]["id"]);

    let short = merit(&[
        "bank",
        "redeem",
        "--db",
        &db,
        "--member",
        "m0001",
        "--amount",
        "500.5",
        "--key",
        "o2",
        "--date",
        "2027-01-10",
    ]);
    assert_eq!(short.status.code(), Some(1));
    // The counter speaks the ledger's language: the rulebook is Chinese.
    assert_eq!(
        text(&short.stderr),
        "error: m0001 的积分为 500.0，需要 500.5（还差 0.5）\n"
    );
    let usage = merit(&[
        "bank", "redeem", "--db", &db, "--member", "m0001", "--item", "rice-5kg",
    ]);
    assert_eq!(usage.status.code(), Some(2), "no --key is a usage error");

    let statement = json(&merit(&[
        "bank",
        "statement",
        "m0001",
        "--db",
        &db,
        "--from",
        "2027-01-01",
        "--format",
        "json",
    ]));
    assert_eq!(
        (statement["opening"].as_str(), statement["closing"].as_str()),
        (Some("550.0"), Some("500.0"))
    );
    assert_eq!(statement["movements"][0]["source"]["item"], "rice-5kg");
    let table = merit(&[
        "bank",
        "statement",
        "m0001",
        "--db",
        &db,
        "--to",
        "2026-12-31",
        "--lang",
        "en",
    ]);
    assert!(
        // The statement tells each earning by the award's sentence (DESIGN section 8.2).
        text(&table.stdout).contains("volunteer-hours: 60.0 points [v0000420]: 志愿服务 6 小时 → 60 积分"),
        "{}",
        text(&table.stdout)
    );

    let verify = merit(&["bank", "verify", "--db", &db]);
    assert!(verify.status.success());
    assert_eq!(
        text(&verify.stdout),
        "ok: 5043 transactions, 122 accounts, 120 members holding 166370.0 credits\n"
    );
}

/// Writes `n` verified volunteer records over 2026 for 500 members.
fn generate(path: &Path, n: usize) {
    let mut out = String::with_capacity(n * 110);
    for i in 0..n {
        let day = jiff::civil::date(2026, 1, 1)
            .checked_add(jiff::Span::new().days((i * 7 % 365) as i64))
            .unwrap();
        out.push_str(&format!(
            "{{\"id\":\"g{i}\",\"member\":\"m{:03}\",\"kind\":\"volunteer\",\"date\":\"{day}\",\"时长\":{},\"核实\":true}}\n",
            i % 500,
            1 + i % 4
        ));
    }
    std::fs::write(path, out).unwrap();
}

#[cfg(unix)]
#[test]
fn a_post_killed_midway_keeps_whole_transactions_and_completes_once() {
    use std::os::unix::process::ExitStatusExt;
    let dir = scratch("kill");
    let (book, db) = (book(), dir.join("bank.db"));
    let records = dir.join("records.jsonl");
    generate(&records, 60_000);
    let args = [
        "bank",
        "post",
        &book,
        records.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--init",
        "--format",
        "json",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once a few batches are committed (the WAL grows by each).
    let wal = dir.join("bank.db-wal");
    let start = Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 3 << 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the post finished before it could be killed"
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the post never got going"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9));

    let mut bank = Bank::open(&db).unwrap();
    let verification = bank.verify().unwrap();
    assert!(verification.ok(), "{:?}", verification.problems);
    let committed = verification.transactions;
    assert!(committed > 0, "nothing was committed before the kill");
    drop(bank);

    let again = json(&merit(&args));
    assert_eq!(again["already_posted"].as_u64(), Some(committed));
    let total = committed + again["posted"].as_u64().unwrap();
    assert!(
        again["posted"].as_u64().unwrap() > 0,
        "the kill came after the post had finished"
    );
    let verify = merit(&["bank", "verify", "--db", db.to_str().unwrap(), "--format", "json"]);
    let verification = json(&verify);
    assert_eq!(verification["transactions"].as_u64(), Some(total));
    assert_eq!(verification["problems"], serde_json::json!([]));
}

#[test]
fn two_processes_redeeming_one_balance_never_overdraw() {
    let dir = scratch("race");
    let (book, db) = (book(), dir.join("bank.db").display().to_string());
    let records = dir.join("records.jsonl");
    // Two verified hours: 20 credits for m1.
    std::fs::write(
        &records,
        "{\"id\":\"a\",\"member\":\"m1\",\"kind\":\"volunteer\",\"date\":\"2026-05-11\",\"时长\":2,\"核实\":true}\n",
    )
    .unwrap();
    json(&merit(&[
        "bank",
        "post",
        &book,
        records.to_str().unwrap(),
        "--db",
        &db,
        "--init",
        "--format",
        "json",
    ]));
    let racers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|who| {
            let db = db.clone();
            std::thread::spawn(move || {
                (0..14)
                    .map(|i| {
                        let key = format!("{who}{i}");
                        let args = [
                            "bank", "redeem", "--db", &db, "--member", "m1", "--amount", "1", "--key", &key,
                        ];
                        merit(&args).status.code()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let codes: Vec<Option<i32>> = racers.into_iter().flat_map(|r| r.join().unwrap()).collect();
    let won = codes.iter().filter(|c| **c == Some(0)).count();
    let refused = codes.iter().filter(|c| **c == Some(1)).count();
    assert_eq!((won, refused), (20, 8), "{codes:?}");
    let balance = json(&merit(&[
        "bank", "balance", "m1", "--db", &db, "--format", "json",
    ]));
    assert_eq!(balance["member:m1"], "0.0");
    assert!(merit(&["bank", "verify", "--db", &db]).status.success());
}
