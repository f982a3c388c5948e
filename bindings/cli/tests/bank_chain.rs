//! `merit bank head` and `merit bank verify [--head]` (DESIGN §8.4): a head printed
//! for the notice board, then a row edited directly in the SQLite file is found and
//! named, and the published head no longer proves.

use std::path::PathBuf;

mod common;

use common::{merit, text};

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

fn scratch() -> (PathBuf, String, String, String) {
    scratch_named("head")
}

fn scratch_named(name: &str) -> (PathBuf, String, String, String) {
    let dir = std::env::temp_dir().join(format!("merit-chain-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("book.yaml"), BOOK).unwrap();
    std::fs::write(dir.join("records.jsonl"), RECORDS).unwrap();
    let path = |name: &str| dir.join(name).display().to_string();
    (
        dir.clone(),
        path("book.yaml"),
        path("records.jsonl"),
        path("bank.db"),
    )
}

#[test]
fn a_published_head_proves_the_ledger_until_a_row_is_edited_behind_merits_back() {
    let (dir, book, records, db) = scratch();
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
    let _ = std::fs::remove_dir_all(dir);
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
    let _ = std::fs::remove_dir_all(dir);
}
