//! The hash chain on the memory and SQLite stores: heads, published heads, rows
//! edited behind merit's back (with rusqlite, as a person with the file would), and
//! the upgrade of a ledger written before the chain.

use std::path::{Path, PathBuf};

use jiff::civil::date;
use rusqlite::Connection;
use rust_decimal::Decimal;

use super::*;

const BOOK: &str = r#"
id: deeds
unit: { name: points, decimals: 1 }
rules:
  - { id: help, tags: [bank], points: hours * 10 }
fields: { hours: decimal? }
bank:
  earn: { tags: [bank], rate: 1 }
  catalog: [{ id: tea, title: Tea, price: 3.5, partner: tea-house }]
"#;

const RECORDS: &str = r#"
{"id": "r1", "member": "m1", "kind": "help", "date": "2026-01-05", "hours": 2}
{"id": "r2", "member": "m2", "kind": "help", "date": "2026-01-06", "hours": 1.5}
{"id": "r3", "member": "m1", "kind": "help", "date": "2026-01-07", "hours": 1}
"#;

/// Posts three earnings, a redemption (#4) and a transfer (#5).
pub(super) fn fill(bank: &mut Bank) {
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml").unwrap();
    let mut records = crate::Records::new();
    records
        .read(&book, RECORDS.as_bytes(), crate::Format::Jsonl, "in.jsonl")
        .unwrap();
    let report = book.score(&records, None, &crate::ScoreOptions::default());
    assert_eq!(bank.post(&book, &report, date(2026, 1, 31)).unwrap().posted, 3);
    let day = date(2026, 2, 1);
    bank.redeem("m1", &Redeem::Item("tea".into()), "o1", day).unwrap();
    bank.transfer("m1", "m2", Decimal::ONE, "t1", day, None).unwrap();
}

/// An empty file `name` in a folder of its own, removed with the folder when the
/// test ends: a bank is made in it when opened (only `bank init` makes a missing one).
fn temp(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new().prefix("merit-chain-").tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path).unwrap();
    (dir, path)
}

fn filled_file(name: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = temp(name);
    fill(&mut Bank::open(&path).unwrap());
    (dir, path)
}

fn edit(path: &Path, sql: &str) {
    let conn = Connection::open(path).unwrap();
    assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
}

#[test]
fn memory_and_sqlite_chain_the_same_transactions_to_the_same_head() {
    let mut memory = Bank::in_memory();
    assert_eq!(memory.head().unwrap(), Head::empty());
    fill(&mut memory);
    let (_dir, path) = filled_file("same.db");
    let mut file = Bank::open(&path).unwrap();
    let head = memory.head().unwrap();
    assert_eq!(head.count, 5);
    assert_eq!(file.head().unwrap(), head);
    assert_eq!(head.to_string(), format!("5:{}", head.hash));
    // Each stored hash links to the one before.
    let first = file.transaction(1).unwrap().unwrap();
    assert_eq!(first.hash, chain::link(chain::GENESIS, &first));
    let second = file.transaction(2).unwrap().unwrap();
    assert_eq!(second.hash, chain::link(&first.hash, &second));
    assert!(file.verify().unwrap().ok());
}

#[test]
fn a_published_head_stays_provable_as_the_ledger_grows() {
    let mut bank = Bank::in_memory();
    fill(&mut bank);
    let published = bank.head().unwrap();
    bank.redeem("m2", &Redeem::Amount(Decimal::ONE), "o2", date(2026, 2, 2))
        .unwrap();
    assert_eq!(bank.head().unwrap().count, 6);
    let proof = bank.verify_head(&published).unwrap();
    assert!(proof.ok(), "{:?}", proof.problems);
    assert!(bank.verify_head(&Head::empty()).unwrap().ok());

    let wrong = Head {
        count: 5,
        hash: "0".repeat(63) + "1",
    };
    let problems = bank.verify_head(&wrong).unwrap().problems;
    assert_eq!(
        problems,
        [format!(
            "the first 5 transactions are not those of the head {wrong}: they were changed"
        )]
    );
    let ahead = Head {
        count: 9,
        hash: published.hash,
    };
    assert!(bank.verify_head(&ahead).unwrap().problems[0].contains("the ledger has 6"));
}

#[test]
fn every_kind_of_row_edited_in_the_sqlite_file_is_found_and_named() {
    let edits = [
        (
            "amount",
            2,
            "UPDATE postings SET amount = '40.0' WHERE txn = 2 AND amount NOT LIKE '-%'",
        ),
        ("member", 3, "UPDATE lots SET member = 'm9' WHERE txn = 3"),
        ("date", 4, "UPDATE txns SET date = '2025-12-31' WHERE id = 4"),
        ("key", 4, "UPDATE txns SET key = 'redeem:other' WHERE id = 4"),
        (
            "source",
            4,
            "UPDATE txns SET source = replace(source, 'tea-house', 'tea-shop') WHERE id = 4",
        ),
        (
            "account",
            5,
            "UPDATE postings SET account = 'member:m3' WHERE txn = 5 AND account = 'member:m2'",
        ),
        ("lot move", 5, "UPDATE lot_moves SET delta = '-2.0' WHERE txn = 5"),
    ];
    for (what, id, sql) in edits {
        let (_dir, path) = filled_file(&format!("edit-{}.db", what.replace(' ', "-")));
        let published = Bank::open(&path).unwrap().head().unwrap();
        edit(&path, sql);
        let mut bank = Bank::open(&path).unwrap();
        let report = bank.verify().unwrap();
        let named = format!("transaction #{id} was changed after it was written");
        assert!(
            report.problems.iter().any(|p| p.starts_with(&named)),
            "{what}: {:?}",
            report.problems
        );
        let proof = bank.verify_head(&published).unwrap();
        assert!(
            proof
                .problems
                .iter()
                .any(|p| p.starts_with("the first 5 transactions")),
            "{what}: {:?}",
            proof.problems
        );
    }
}

#[test]
fn rewriting_a_hash_to_cover_an_edit_breaks_the_next_link() {
    let (_dir, path) = filled_file("cover.db");
    let published = Bank::open(&path).unwrap().head().unwrap();
    edit(&path, "UPDATE txns SET date = '2025-12-31' WHERE id = 4");
    // Whoever edited #4 also recomputes its hash from its new contents.
    let mut bank = Bank::open(&path).unwrap();
    let edited = bank.transaction(4).unwrap().unwrap();
    let third = bank.transaction(3).unwrap().unwrap();
    let forged = chain::link(&third.hash, &edited);
    drop(bank);
    edit(&path, &format!("UPDATE txns SET hash = '{forged}' WHERE id = 4"));
    let mut bank = Bank::open(&path).unwrap();
    let problems = bank.verify().unwrap().problems;
    assert!(
        problems[0].starts_with("transaction #5 was changed"),
        "{problems:?}"
    );
    assert!(!bank.verify_head(&published).unwrap().ok());
}

#[test]
fn a_ledger_written_before_the_chain_gets_it_when_opened() {
    let (_dir, path) = filled_file("old.db");
    let head = Bank::open(&path).unwrap().head().unwrap();
    // Make the file what merit wrote before the award index and the chain: schema
    // version 1, no awards table, no hashes. Opening runs both migrations.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "ALTER TABLE txns DROP COLUMN hash; DELETE FROM meta WHERE key = 'chain';
         DROP TABLE awards; DROP INDEX postings_by_owed; PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let mut bank = Bank::open(&path).unwrap();
    assert_eq!(bank.head().unwrap(), head);
    assert!(bank.verify().unwrap().ok());
}

#[test]
fn migrating_copies_the_ledger_with_its_head_and_refuses_what_it_cannot_prove() {
    let mut memory = Bank::in_memory();
    fill(&mut memory);
    let (_dir, moved) = temp("moved.db");
    let mut file = Bank::open(moved).unwrap();
    let moved = memory.migrate_to(&mut file).unwrap();
    assert_eq!(moved.transactions, 5);
    assert_eq!(moved.head, memory.head().unwrap());
    assert_eq!(file.head().unwrap(), moved.head);
    assert_eq!(file.balances().unwrap(), memory.balances().unwrap());
    assert_eq!(file.settings(), memory.settings());
    // The copy goes on as the original would.
    let day = date(2026, 2, 2);
    memory
        .redeem("m2", &Redeem::Amount(Decimal::ONE), "o9", day)
        .unwrap();
    file.redeem("m2", &Redeem::Amount(Decimal::ONE), "o9", day)
        .unwrap();
    assert_eq!(file.head().unwrap(), memory.head().unwrap());

    let full = memory.migrate_to(&mut file).unwrap_err();
    assert!(full.message.contains("already holds 6 transactions"), "{full}");

    let (_dir, path) = filled_file("broken.db");
    edit(&path, "UPDATE txns SET key = 'earn:forged' WHERE id = 1");
    let refused = Bank::open(&path)
        .unwrap()
        .migrate_to(&mut Bank::in_memory())
        .unwrap_err();
    assert!(
        refused.message.contains("does not verify, so it is not copied"),
        "{refused}"
    );
}
