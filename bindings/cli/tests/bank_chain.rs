//! `merit bank head` and `merit bank verify [--head]` (DESIGN §8.4): a head printed
//! for the notice board, then a row edited directly in the SQLite file is found and
//! named, and the published head no longer proves.

mod common;

use common::{Scratch, merit, text};

const BOOK: &str = r#"
id: deeds
unit: { name: points, decimals: 1 }
fields: { hours: decimal? }
rules:
  - { id: help, tags: [bank], points: hours * 10 }
bank:
  earn: { tags: [bank], rate: 1 }
"#;

const RECORDS: &str = r#"{"id": "r1", "member": "m1", "kind": "help", "date": "2026-01-05", "hours": 2}
{"id": "r2", "member": "m2", "kind": "help", "date": "2026-01-06", "hours": 1.5}
{"id": "r3", "member": "m3", "kind": "help", "date": "2026-01-07", "hours": 1}
"#;

fn scratch() -> (Scratch, String, String, String) {
    scratch_named("head")
}

fn scratch_named(name: &str) -> (Scratch, String, String, String) {
    let dir = Scratch::new(&format!("chain-cli-{name}"));
    std::fs::write(dir.join("book.yaml"), BOOK).unwrap();
    std::fs::write(dir.join("records.jsonl"), RECORDS).unwrap();
    // An empty bank file: merit makes a bank in it (only `bank init` makes a missing one).
    std::fs::File::create(dir.join("bank.db")).unwrap();
    let path = |name: &str| dir.join(name).display().to_string();
    let (book, records, db) = (path("book.yaml"), path("records.jsonl"), path("bank.db"));
    (dir, book, records, db)
}

#[test]
fn a_published_head_proves_the_ledger_until_a_row_is_edited_behind_merits_back() {
    let (_dir, book, records, db) = scratch();
    let post = merit(&["bank", "post", &book, &records, "--db", &db]);
    assert!(post.status.success(), "{}", text(&post.stderr));

    let head = merit(&["bank", "head", "--db", &db]);
    assert!(head.status.success(), "{}", text(&head.stderr));
    let head = text(&head.stdout).trim().to_owned();
    let (count, hash) = head.split_once(':').unwrap();
    assert_eq!(count, "3");
    assert_eq!(hash.len(), 64);

    let proof = merit(&["bank", "verify", "--db", &db, "--head", &head]);
    assert!(
        proof.status.success(),
        "{}{}",
        text(&proof.stdout),
        text(&proof.stderr)
    );

    let bad = merit(&["bank", "verify", "--db", &db, "--head", "3:xyz"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert!(
        text(&bad.stderr).contains("not a ledger head"),
        "{}",
        text(&bad.stderr)
    );

    // Somebody moves m2's earning to another day directly in the database.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE txns SET date = '2026-01-01' WHERE id = 2", [])
        .unwrap();
    drop(conn);
    let verify = merit(&["bank", "verify", "--db", &db]);
    assert_eq!(verify.status.code(), Some(1));
    let out = text(&verify.stdout);
    assert!(
        out.contains("problem: transaction #2 was changed after it was written"),
        "{out}"
    );
    assert!(out.contains("BROKEN"), "{out}");
    let proof = merit(&["bank", "verify", "--db", &db, "--head", &head]);
    assert_eq!(proof.status.code(), Some(1));
    assert!(
        text(&proof.stdout).contains("the first 3 transactions are not those of the head"),
        "{}",
        text(&proof.stdout)
    );
}

#[test]
fn migrate_moves_a_ledger_into_an_empty_bank_with_the_same_head() {
    let (dir, book, records, db) = scratch_named("migrate");
    assert!(
        merit(&["bank", "post", &book, &records, "--db", &db])
            .status
            .success()
    );
    let head = text(&merit(&["bank", "head", "--db", &db]).stdout);
    let to = dir.join("moved.db").display().to_string();
    std::fs::File::create(&to).unwrap(); // an empty bank to move into
    let moved = merit(&["bank", "migrate", "--from", &db, "--to", &to]);
    assert!(moved.status.success(), "{}", text(&moved.stderr));
    assert!(
        text(&moved.stdout).contains(&format!(
            "moved 3 transactions; 4 accounts hold the same balances in both; both verify; head {}",
            head.trim()
        )),
        "{}",
        text(&moved.stdout)
    );
    // MERIT_BANK_URL stands for --db.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(["bank", "head"])
        .env("MERIT_BANK_URL", &to)
        .output()
        .unwrap();
    assert_eq!(text(&again.stdout), head);
    let twice = merit(&["bank", "migrate", "--from", &db, "--to", &to]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        text(&twice.stderr).contains("already holds 3 transactions"),
        "{}",
        text(&twice.stderr)
    );
}

/// A fresh database on the server scripts/with-postgres gives in MERIT_TEST_PG.
fn fresh_postgres(name: &str) -> Option<String> {
    let Ok(base) = std::env::var("MERIT_TEST_PG") else {
        eprintln!("skipped: MERIT_TEST_PG is not set (run the tests under scripts/with-postgres)");
        return None;
    };
    let mut client = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    let db = format!("merit_cli_{name}_{}", std::process::id());
    for sql in [
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        format!("CREATE DATABASE {db}"),
    ] {
        client.batch_execute(&sql).unwrap();
    }
    let (path, query) = base.split_once('?').unwrap_or((&base, ""));
    Some(format!("{}/{db}?{query}", &path[..path.rfind('/').unwrap()]))
}

#[test]
fn sixteen_processes_posting_and_redeeming_on_postgres_never_overdraw_nor_post_twice() {
    let Some(url) = fresh_postgres("race") else {
        return;
    };
    let (_dir, book, records, _) = scratch_named("race");
    // Booked on 31 January, so that redemptions dated 1 February are not backdated.
    let first = merit(&[
        "bank",
        "post",
        &book,
        &records,
        "--db",
        &url,
        "--date",
        "2026-01-31",
    ]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    // m1 holds 20.0, m2 15.0, m3 10.0; 36 redemptions of 1 are asked, 12 a member,
    // while 12 processes post the same records again.
    let mut children = Vec::new();
    for round in 0..3 {
        for p in 0..16 {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_merit"));
            command
                .env("MERIT_BANK_URL", &url)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            if p % 4 == 0 {
                command.args([
                    "bank",
                    "post",
                    &book,
                    &records,
                    "--format",
                    "json",
                    "--date",
                    "2026-01-31",
                ]);
            } else {
                let member = format!("m{}", 1 + p % 3);
                let key = format!("order-{round}-{p}");
                command.args([
                    "bank", "redeem", "--member", &member, "--amount", "1", "--key", &key,
                ]);
                command.args(["--date", "2026-02-01", "--format", "json"]);
            }
            children.push((p % 4 == 0, command.spawn().unwrap()));
        }
    }
    let mut redeemed = 0;
    for (posting, child) in children {
        let out = child.wait_with_output().unwrap();
        let stdout = text(&out.stdout);
        if posting {
            assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
            assert!(stdout.contains("\"posted\": 0"), "posted twice: {stdout}");
        } else if out.status.success() {
            redeemed += 1;
        } else {
            assert!(text(&out.stderr).contains("credits;"), "{}", text(&out.stderr));
        }
    }
    // Each member is asked 12 times; m3 holds 10.
    assert_eq!(redeemed, 12 + 12 + 10);
    let verify = merit(&["bank", "verify", "--db", &url]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    let head = text(&merit(&["bank", "head", "--db", &url]).stdout);
    assert!(head.starts_with(&format!("{}:", 3 + redeemed)), "{head}");
}

#[cfg(unix)]
#[test]
fn a_post_into_postgres_killed_midway_keeps_whole_transactions_and_completes_once() {
    use std::os::unix::process::ExitStatusExt;
    let Some(url) = fresh_postgres("kill") else {
        return;
    };
    let (dir, book, _, _) = scratch_named("kill");
    let records = dir.join("many.jsonl").display().to_string();
    // 4000 awards, one per record: the bank posts one earning per member, rule and
    // day, so each record has a member and day of its own (200 members × 20 days).
    let lines: String = (0..4000)
        .map(|i| {
            let day = 1 + i / 200;
            format!(
                "{{\"id\": \"g{i}\", \"member\": \"m{}\", \"kind\": \"help\", \"date\": \"2026-02-{day:02}\", \"hours\": {}}}\n",
                i % 200,
                1 + i % 3
            )
        })
        .collect();
    std::fs::write(&records, lines).unwrap();
    let args = ["bank", "post", &book, &records, "--db", &url, "--format", "json"];
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once a batch (1000 earnings) is committed.
    let start = std::time::Instant::now();
    loop {
        let head = merit::Bank::open_location(&url).and_then(|mut b| b.head());
        if head.is_ok_and(|h| h.count >= 1000) {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the post finished before it could be killed"
        );
        assert!(start.elapsed().as_secs() < 120, "the post never got going");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9));

    let verify = merit(&["bank", "verify", "--db", &url, "--format", "json"]);
    let first: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(first["problems"], serde_json::json!([]));
    let committed = first["transactions"].as_u64().unwrap();
    assert!(
        committed > 0 && committed.is_multiple_of(1000),
        "whole batches only: {committed}"
    );

    let again = merit(&args);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["already_posted"].as_u64(), Some(committed));
    let total = committed + again["posted"].as_u64().unwrap();
    assert_eq!(total, 4000);
    let verify = merit(&["bank", "verify", "--db", &url]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    let head = text(&merit(&["bank", "head", "--db", &url]).stdout);
    assert!(head.starts_with("4000:"), "{head}");
}
