//! The ledger equals the report (DESIGN §8.3, issue 21): late and corrected records,
//! settings history, honest dates and the counter, each as the office would run it.
//! Every test here failed on the bank before reconciliation.

use std::path::Path;
use std::process::Output;

mod common;

use common::{Scratch, merit, text};

fn scratch(name: &str) -> Scratch {
    Scratch::new(&format!("bank-ledger-{name}"))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn ok(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null)
}

fn failed(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stderr)
}

const DEEDS: &str = r#"
merit: 1
id: deeds
version: "1"
period: month
unit: { name: 分, decimals: 1 }
fields: { verified: bool? }
rules:
  - { id: good-deed, tags: [bank], when: kind == "deed" and verified != false, points: 5, cap: [{ per: month, max: 10 }] }
bank: { earn: { tags: [bank] } }
"#;

fn deed(id: &str, date: &str, verified: bool) -> String {
    format!(
        "{{\"id\":\"{id}\",\"member\":\"m1\",\"kind\":\"deed\",\"date\":\"{date}\",\"verified\":{verified}}}\n"
    )
}

fn balance(db: &str, member: &str) -> String {
    let out = ok(&merit(&[
        "bank", "balance", member, "--db", db, "--format", "json",
    ]));
    out[format!("member:{member}")].as_str().unwrap().to_owned()
}

fn post(book: &str, records: &str, db: &str, date: &str) -> serde_json::Value {
    ok(&merit(&[
        "bank", "post", book, records, "--db", db, "--date", date, "--format", "json",
    ]))
}

#[test]
fn a_late_record_under_a_cap_leaves_ledger_equal_to_report() {
    let dir = scratch("late");
    let book = write(&dir, "b.yaml", DEEDS);
    let db = dir.join("x.db").display().to_string();
    let r1 = write(
        &dir,
        "r1.jsonl",
        &(deed("a", "2026-03-10", true) + &deed("b", "2026-03-20", true)),
    );
    let r2 = write(
        &dir,
        "r2.jsonl",
        &(deed("a", "2026-03-10", true) + &deed("b", "2026-03-20", true) + &deed("c", "2026-03-01", true)),
    );
    let first = ok(&merit(&[
        "bank",
        "post",
        &book,
        &r1,
        "--db",
        &db,
        "--init",
        "--date",
        "2026-03-31",
        "--format",
        "json",
    ]));
    assert_eq!(first["credits"], "10.0");
    let late = post(&book, &r2, &db, "2026-04-02");
    assert_eq!(balance(&db, "m1"), "10.0", "{late}");
    // c (03-01) earns 5; b (03-20) is now over the monthly cap: +5 and -5.
    assert_eq!(late["posted"], 2);
    let why: Vec<&str> = late["adjustments"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["why"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()))
        .collect();
    assert!(why.contains(&"removed-record"), "{late}");
    let again = post(&book, &r2, &db, "2026-04-02");
    assert_eq!(
        (again["posted"].as_u64(), again["already_posted"].as_u64()),
        (Some(0), Some(2))
    );
    assert!(merit(&["bank", "verify", "--db", &db]).status.success());
    let reconcile = merit(&["bank", "reconcile", &book, &r2, "--db", &db]);
    assert!(reconcile.status.success(), "{}", text(&reconcile.stdout));
    let reconcile = merit(&["bank", "reconcile", &book, &r1, "--db", &db, "--format", "json"]);
    assert_eq!(reconcile.status.code(), Some(1));
    // r1 spans 03-10..03-20: c's award (03-01) is outside its range and left alone.
    let differences: serde_json::Value = serde_json::from_slice(&reconcile.stdout).unwrap();
    assert_eq!(differences.as_array().unwrap().len(), 1, "{differences}");
    assert_eq!(differences[0]["date"], "2026-03-20");
    assert_eq!(
        (differences[0]["held"].as_str(), differences[0]["report"].as_str()),
        (Some("0.0"), Some("5.0"))
    );

    // The statement books the adjustment on the posting day, earned on the award's.
    let statement = ok(&merit(&[
        "bank",
        "statement",
        "m1",
        "--db",
        &db,
        "--format",
        "json",
    ]));
    let moves = statement["movements"].as_array().unwrap();
    assert!(
        moves
            .iter()
            .any(|m| m["date"] == "2026-04-02" && m["earned"] == "2026-03-01"),
        "{statement}"
    );
    assert!(
        moves
            .iter()
            .all(|m| !m["balance"].as_str().unwrap().starts_with('-'))
    );
}

#[test]
fn a_corrected_record_takes_its_credits_back_owed_when_spent() {
    let dir = scratch("owed");
    let book = write(&dir, "b.yaml", DEEDS);
    let db = dir.join("x.db").display().to_string();
    let r1 = write(
        &dir,
        "r1.jsonl",
        &(deed("a", "2026-03-10", true) + &deed("b", "2026-03-20", true)),
    );
    ok(&merit(&["bank", "init", "--db", &db]));
    post(&book, &r1, &db, "2026-03-31");
    ok(&merit(&[
        "bank",
        "redeem",
        "--db",
        &db,
        "--member",
        "m1",
        "--amount",
        "8",
        "--key",
        "k1",
        "--date",
        "2026-04-01",
    ]));
    // b turns out unverified: its 5 credits go back; 2.0 were left, 3.0 are owed.
    let corrected = write(
        &dir,
        "r2.jsonl",
        &(deed("a", "2026-03-10", true) + &deed("b", "2026-03-20", false)),
    );
    let summary = post(&book, &corrected, &db, "2026-04-03");
    assert_eq!(summary["credits"], "-5.0", "{summary}");
    assert_eq!(balance(&db, "m1"), "0.0");
    let statement = ok(&merit(&[
        "bank",
        "statement",
        "m1",
        "--db",
        &db,
        "--format",
        "json",
    ]));
    assert_eq!(statement["owed"], "3.0", "{statement}");
    // A later earning repays what is owed first.
    let later = write(
        &dir,
        "r3.jsonl",
        &(deed("a", "2026-03-10", true) + &deed("b", "2026-03-20", false) + &deed("d", "2026-04-10", true)),
    );
    post(&book, &later, &db, "2026-04-30");
    assert_eq!(balance(&db, "m1"), "2.0");
    let statement = ok(&merit(&[
        "bank",
        "statement",
        "m1",
        "--db",
        &db,
        "--format",
        "json",
    ]));
    assert_eq!(statement["owed"], "0.0");
    assert!(merit(&["bank", "verify", "--db", &db]).status.success());
}

const BOOK_A: &str = r#"
id: deeds
title: 道德银行
version: "1"
unit: { name: 分, decimals: 1 }
rules:
  - { id: good-deed, title: 月行一善, tags: [bank], when: kind == "deed", points: 0.2 }
bank:
  earn: { tags: [bank] }
  expire_after: 24 months
  catalog: [{ id: rice, title: 大米, price: 0.2 }]
"#;

#[test]
fn settings_change_only_on_purpose_and_credits_keep_their_expiry() {
    let dir = scratch("b10");
    let book = write(&dir, "book.yaml", BOOK_A);
    let book_b = write(&dir, "bookB.yaml", &BOOK_A.replace("24 months", "1 month"));
    let db = dir.join("bank.db").display().to_string();
    let records = write(
        &dir,
        "r.jsonl",
        "{\"id\":\"j1\",\"member\":\"bob\",\"kind\":\"deed\",\"date\":\"2026-01-10\"}\n",
    );
    let empty = write(&dir, "none.jsonl", "");
    ok(&merit(&[
        "bank",
        "post",
        &book,
        &records,
        "--db",
        &db,
        "--init",
        "--date",
        "2026-01-31",
    ]));
    let refused = failed(&merit(&["bank", "post", &book_b, &empty, "--db", &db]));
    assert!(
        refused.contains("expire_after: 24 months → 1 months"),
        "{refused}"
    );
    ok(&merit(&[
        "bank",
        "settings",
        &book_b,
        "--db",
        &db,
        "--from",
        "2026-06-01",
    ]));
    ok(&merit(&["bank", "expire", "--db", &db, "--as-of", "2026-12-02"]));
    assert_eq!(balance(&db, "bob"), "0.2", "January's credits live 24 months");
}

#[test]
fn a_changed_rule_is_adjusted_and_a_reversal_is_reposted() {
    let dir = scratch("b11");
    let book = write(&dir, "book.yaml", BOOK_A);
    let doubled = write(
        &dir,
        "v2.yaml",
        &BOOK_A
            .replace("points: 0.2", "points: 0.4")
            .replace("\"1\"", "\"2\""),
    );
    let db = dir.join("bank.db").display().to_string();
    let records = write(
        &dir,
        "r.jsonl",
        "{\"id\":\"j1\",\"member\":\"bob\",\"kind\":\"deed\",\"date\":\"2026-01-10\"}\n",
    );
    ok(&merit(&[
        "bank",
        "post",
        &book,
        &records,
        "--db",
        &db,
        "--init",
        "--date",
        "2026-01-31",
    ]));
    let changed = post(&doubled, &records, &db, "2026-02-01");
    assert_eq!(changed["adjustments"][0]["why"][0], "changed-rule", "{changed}");
    assert_eq!(balance(&db, "bob"), "0.4");
    ok(&merit(&[
        "bank",
        "reverse",
        "1",
        "--reason",
        "test",
        "--db",
        &db,
        "--date",
        "2026-02-02",
    ]));
    assert_eq!(balance(&db, "bob"), "0.2");
    post(&doubled, &records, &db, "2026-02-03");
    assert_eq!(balance(&db, "bob"), "0.4");
    assert!(merit(&["bank", "verify", "--db", &db]).status.success());
}

#[test]
fn spending_is_never_dated_before_the_latest_movement() {
    let dir = scratch("b12");
    let book = write(&dir, "book.yaml", BOOK_A);
    let db = dir.join("bank.db").display().to_string();
    let records = write(
        &dir,
        "r.jsonl",
        "{\"id\":\"j1\",\"member\":\"bob\",\"kind\":\"deed\",\"date\":\"2026-01-10\"}\n\
         {\"id\":\"j2\",\"member\":\"bob\",\"kind\":\"deed\",\"date\":\"2026-01-11\"}\n",
    );
    ok(&merit(&[
        "bank",
        "post",
        &book,
        &records,
        "--db",
        &db,
        "--init",
        "--date",
        "2026-01-31",
    ]));
    let redeem = |key: &str, date: &str| {
        merit(&[
            "bank", "redeem", "--db", &db, "--member", "bob", "--amount", "0.1", "--key", key, "--date", date,
        ])
    };
    let old = failed(&redeem("d1", "1900-01-01"));
    assert!(old.contains("早于 bob 最近一笔变动（2026-01-31）"), "{old}");
    ok(&redeem("d2", "2026-12-02"));
    failed(&redeem("d3", "2026-07-02"));
    failed(&merit(&[
        "bank",
        "reverse",
        "2",
        "--reason",
        "x",
        "--db",
        &db,
        "--date",
        "2026-07-02",
    ]));
}

#[test]
fn the_counter_refuses_typos_and_speaks_the_rulebook_language() {
    let dir = scratch("counter");
    let book = write(&dir, "book.yaml", BOOK_A);
    let db = dir.join("bank.db").display().to_string();
    let records = write(
        &dir,
        "r.jsonl",
        "{\"id\":\"j1\",\"member\":\"刘丽花\",\"kind\":\"deed\",\"date\":\"2026-01-10\"}\n",
    );
    let typo = dir.join("bnak.db").display().to_string();
    let missing = failed(&merit(&["bank", "post", &book, &records, "--db", &typo]));
    assert!(missing.contains("bank init"), "{missing}");
    assert!(!Path::new(&typo).exists(), "a typo created a bank");
    ok(&merit(&[
        "bank",
        "post",
        &book,
        &records,
        "--db",
        &db,
        "--init",
        "--date",
        "2026-01-31",
    ]));
    let unknown = failed(&merit(&["bank", "balance", "刘荔花", "--db", &db]));
    // A Chinese rulebook's ledger refuses in Chinese.
    assert!(unknown.contains("是不是 `刘丽花`"), "{unknown}");
    // A catalog item by its title.
    ok(&merit(&[
        "bank",
        "redeem",
        "--db",
        &db,
        "--member",
        "刘丽花",
        "--item",
        "大米",
        "--key",
        "k",
        "--date",
        "2026-02-01",
    ]));
    let statement = text(&merit(&["bank", "statement", "刘丽花", "--db", &db]).stdout);
    assert!(
        statement.contains("期末余额 0.0") && statement.contains("兑换 rice"),
        "{statement}"
    );
    let english = text(&merit(&["bank", "statement", "刘丽花", "--db", &db, "--lang", "en"]).stdout);
    assert!(english.contains("closing balance 0.0"), "{english}");
}

#[cfg(unix)]
#[test]
fn a_read_only_bank_serves_reads_and_a_damaged_one_refuses_writes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("files");
    let book = write(&dir, "book.yaml", BOOK_A);
    let db = dir.join("bank.db").display().to_string();
    let records = write(
        &dir,
        "r.jsonl",
        "{\"id\":\"j1\",\"member\":\"bob\",\"kind\":\"deed\",\"date\":\"2026-01-10\"}\n",
    );
    ok(&merit(&[
        "bank",
        "post",
        &book,
        &records,
        "--db",
        &db,
        "--init",
        "--date",
        "2026-01-31",
    ]));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    assert_eq!(balance(&db, "bob"), "0.2");
    assert!(merit(&["bank", "verify", "--db", &db]).status.success());
    ok(&merit(&["bank", "statement", "bob", "--db", &db]));
    let write_refused = failed(&merit(&[
        "bank",
        "redeem",
        "--db",
        &db,
        "--member",
        "bob",
        "--amount",
        "0.1",
        "--key",
        "k",
        "--date",
        "2026-02-01",
    ]));
    assert!(write_refused.contains("read-only"), "{write_refused}");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();

    // Bytes changed behind merit's back: no more writes.
    let mut bytes = std::fs::read(&db).unwrap();
    for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
        if i % 4096 >= 3000 {
            *b = (i * 7919 % 251) as u8;
        }
    }
    std::fs::write(&db, bytes).unwrap();
    assert_eq!(merit(&["bank", "verify", "--db", &db]).status.code(), Some(1));
    let damaged = merit(&[
        "bank",
        "redeem",
        "--db",
        &db,
        "--member",
        "bob",
        "--amount",
        "0.1",
        "--key",
        "k",
        "--date",
        "2026-02-01",
    ]);
    let refused = failed(&damaged);
    assert!(
        refused.contains("malformed") || refused.contains("damaged"),
        "{refused}"
    );
}

#[test]
fn whole_credits_stay_exact_and_titles_head_statements() {
    let dir = scratch("decimals0");
    let book = write(
        &dir,
        "d0.yaml",
        "id: d0\nunit: { name: 分, decimals: 0 }\nrules:\n  - { id: deed, title: 月行一善, tags: [bank], when: kind == \"deed\", points: 1 }\nbank:\n  earn: { tags: [bank], rate: 0.8 }\n",
    );
    let db = dir.join("d0.db").display().to_string();
    let records = write(
        &dir,
        "d.jsonl",
        "{\"id\":\"j1\",\"member\":\"m1\",\"kind\":\"deed\",\"date\":\"2026-01-10\"}\n",
    );
    ok(&merit(&[
        "bank",
        "post",
        &book,
        &records,
        "--db",
        &db,
        "--init",
        "--date",
        "2026-01-31",
    ]));
    // 1 point × 0.8 rounds to 1 whole credit, and the lot holds exactly that.
    assert_eq!(balance(&db, "m1"), "1");
    ok(&merit(&[
        "bank",
        "redeem",
        "--db",
        &db,
        "--member",
        "m1",
        "--amount",
        "1",
        "--key",
        "k",
        "--date",
        "2026-02-01",
    ]));
    assert_eq!(balance(&db, "m1"), "0");
    let statement = text(&merit(&["bank", "statement", "m1", "--db", &db, "--lang", "zh"]).stdout);
    assert!(statement.contains("月行一善：1 分 × 0.8"), "{statement}");
}

#[test]
fn an_award_too_large_to_carry_is_refused_and_later_posts_work() {
    let dir = scratch("overflow");
    let book = write(
        &dir,
        "big.yaml",
        // An award within the engine's limit (10^15) that the rate makes too large.
        "id: big\nunit: { name: pt, decimals: 1 }\nrules:\n  - { id: huge, tags: [bank], when: kind == \"huge\", points: 10000000000000 }\n  - { id: deed, tags: [bank], when: kind == \"deed\", points: 1 }\nbank:\n  earn: { tags: [bank], rate: 1000 }\n",
    );
    let db = dir.join("big.db").display().to_string();
    let records = write(
        &dir,
        "r.jsonl",
        "{\"id\":\"h\",\"member\":\"m1\",\"kind\":\"huge\",\"date\":\"2026-01-10\"}\n{\"id\":\"d\",\"member\":\"m1\",\"kind\":\"deed\",\"date\":\"2026-01-11\"}\n",
    );
    let refused = merit(&[
        "bank",
        "post",
        &book,
        &records,
        "--db",
        &db,
        "--init",
        "--date",
        "2026-01-31",
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stdout).contains("refused: m1 huge 2026-01-10"),
        "{}",
        text(&refused.stdout)
    );
    assert_eq!(balance(&db, "m1"), "1000.0");
    let more = write(
        &dir,
        "r2.jsonl",
        "{\"id\":\"d2\",\"member\":\"m1\",\"kind\":\"deed\",\"date\":\"2026-02-11\"}\n",
    );
    ok(&merit(&[
        "bank",
        "post",
        &book,
        &more,
        "--db",
        &db,
        "--date",
        "2026-02-28",
    ]));
    assert_eq!(balance(&db, "m1"), "2000.0");
    assert!(merit(&["bank", "verify", "--db", &db]).status.success());
}
