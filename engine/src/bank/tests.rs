//! Unit tests of the ledger's rules, each run against the memory and SQLite stores.

use jiff::civil::{Date, date};

use super::*;
use crate::{Format, Records, ScoreOptions};

const BOOK: &str = r#"
id: deeds
unit: { name: points, decimals: 1 }
fields: { hours: decimal? }
rules:
  - { id: help, tags: [bank], when: kind == "help", points: hours * 10 }
  - { id: study, when: kind == "study", points: 5 }
  - { id: late, tags: [bank], when: kind == "late", points: -5 }
bank:
  earn: { tags: [bank], rate: 0.5 }
  expire_after: 12 months
  catalog:
    - { id: rice, title: Rice 5kg, price: 20, partner: grain-shop }
    - { id: haircut, title: Haircut, price: 5 }
"#;

fn book() -> Rulebook {
    Rulebook::from_yaml(BOOK, "deeds.yaml").unwrap()
}

fn report(book: &Rulebook, jsonl: &str, options: &ScoreOptions) -> Report {
    let mut records = Records::new();
    records
        .read(book, jsonl.as_bytes(), Format::Jsonl, "in.jsonl")
        .unwrap();
    book.score(&records, None, options)
}

const RECORDS: &str = r#"
{"id": "r1", "member": "m1", "kind": "help", "date": "2026-01-05", "hours": 2}
{"id": "r2", "member": "m1", "kind": "help", "date": "2026-02-05", "hours": 3.33}
{"id": "r3", "member": "m2", "kind": "help", "date": "2026-02-06", "hours": 1}
{"id": "r4", "member": "m1", "kind": "study", "date": "2026-02-07"}
{"id": "r5", "member": "m1", "kind": "late", "date": "2026-02-08"}
"#;

/// Runs a test against a memory bank and a SQLite bank.
fn both(test: impl Fn(&mut Bank)) {
    test(&mut Bank::in_memory());
    let dir = tempfile::Builder::new()
        .prefix("merit-bank-unit-")
        .tempdir()
        .unwrap();
    test(&mut Bank::create(dir.path().join("bank.db")).unwrap());
}

fn posted(bank: &mut Bank) -> Rulebook {
    let book = book();
    let summary = bank
        .post(
            &book,
            &report(&book, RECORDS, &ScoreOptions::default()),
            date(2026, 2, 28),
        )
        .unwrap();
    assert_eq!(summary.posted, 3, "{summary:?}");
    book
}

const DAY: Date = date(2026, 3, 1);

#[test]
fn posting_earns_points_times_rate_once() {
    both(|bank| {
        let book = posted(bank);
        // 20 × 0.5 = 10.0; 33.3 × 0.5 = 16.65 → 16.7 (half away from zero).
        assert_eq!(bank.balance("m1").unwrap().to_string(), "26.7");
        assert_eq!(bank.balance("m2").unwrap().to_string(), "5.0");
        let again = bank
            .post(&book, &report(&book, RECORDS, &ScoreOptions::default()), DAY)
            .unwrap();
        assert_eq!((again.posted, again.already_posted), (0, 3));
        assert_eq!(again.not_selected, 1, "study is not tagged bank");
        assert_eq!(again.not_positive, 1, "a deduction takes no credits");
        // An overlapping period posts nothing new either.
        let february = ScoreOptions {
            from: Some(date(2026, 2, 1)),
            to: Some(date(2026, 2, 28)),
            ..Default::default()
        };
        let overlap = bank.post(&book, &report(&book, RECORDS, &february), DAY).unwrap();
        assert_eq!((overlap.posted, overlap.already_posted), (0, 2));
        assert_eq!(bank.balance("m1").unwrap().to_string(), "26.7");
        assert!(bank.verify().unwrap().ok());
    });
}

#[test]
fn a_changed_award_is_adjusted_not_earned_twice() {
    both(|bank| {
        let book = posted(bank);
        let changed = RECORDS.replace(r#""hours": 2}"#, r#""hours": 4}"#);
        let summary = bank
            .post(&book, &report(&book, &changed, &ScoreOptions::default()), DAY)
            .unwrap();
        assert_eq!(summary.posted, 1);
        assert_eq!(summary.adjustments.len(), 1);
        assert_eq!(summary.adjustments[0].held.to_string(), "10.0");
        assert_eq!(summary.adjustments[0].report.to_string(), "20.0");
        assert_eq!(summary.adjustments[0].why, ["corrected-record"]);
        assert_eq!(bank.balance("m1").unwrap().to_string(), "36.7");
    });
}

#[test]
fn redeeming_is_idempotent_and_never_overdraws() {
    both(|bank| {
        posted(bank);
        let rice = Redeem::Item("rice".into());
        let first = bank.redeem("m1", &rice, "k1", DAY).unwrap();
        assert!(!first.replayed);
        assert_eq!(
            first
                .txn
                .amount_for(&Account::Redemptions(Some("grain-shop".into())))
                .to_string(),
            "20.0"
        );
        let again = bank.redeem("m1", &rice, "k1", DAY).unwrap();
        assert!(again.replayed);
        assert_eq!(again.txn.id, first.txn.id);
        assert_eq!(bank.balance("m1").unwrap().to_string(), "6.7");
        let short = bank.redeem("m1", &rice, "k2", DAY).unwrap_err();
        assert_eq!(short.kind, ErrorKind::InsufficientCredits);
        assert_eq!(
            short.message,
            "m1 has 6.7 credits; redeeming `rice` needs 20.0 (short by 13.3)"
        );
        let reused = bank
            .redeem("m1", &Redeem::Item("haircut".into()), "k1", DAY)
            .unwrap_err();
        assert_eq!(reused.kind, ErrorKind::KeyReused);
        let unknown = bank
            .redeem("m1", &Redeem::Item("ricee".into()), "k3", DAY)
            .unwrap_err();
        assert_eq!(unknown.kind, ErrorKind::UnknownItem);
        let places = bank
            .redeem("m1", &Redeem::Amount("0.05".parse().unwrap()), "k4", DAY)
            .unwrap_err();
        assert_eq!(places.kind, ErrorKind::InvalidAmount);
        bank.redeem("m1", &Redeem::Amount("6.7".parse().unwrap()), "k5", DAY)
            .unwrap();
        assert_eq!(bank.balance("m1").unwrap(), Decimal::ZERO);
        assert!(bank.verify().unwrap().ok());
    });
}

#[test]
fn spending_draws_on_the_oldest_lot_first() {
    both(|bank| {
        posted(bank);
        bank.redeem("m1", &Redeem::Amount(Decimal::new(12, 0)), "k", DAY)
            .unwrap();
        let lots = bank.lots("m1").unwrap();
        assert_eq!(lots.len(), 1, "{lots:?}");
        assert_eq!(
            (lots[0].earned, lots[0].remaining.to_string()),
            (date(2026, 2, 5), "14.7".into())
        );
    });
}

#[test]
fn transfers_keep_the_earn_dates_and_expiry_is_fifo() {
    both(|bank| {
        posted(bank);
        let gift = bank
            .transfer(
                "m1",
                "m2",
                Decimal::new(15, 0),
                "gift",
                DAY,
                Some("for elder care"),
            )
            .unwrap();
        assert_eq!(gift.txn.lots.len(), 2);
        let lots = bank.lots("m2").unwrap();
        let dates: Vec<Date> = lots.iter().map(|l| l.earned).collect();
        assert_eq!(dates, [date(2026, 1, 5), date(2026, 2, 5), date(2026, 2, 6)]);
        // 12 months after 2026-01-05, the January lot expires; February's do not.
        assert!(bank.expire(date(2027, 1, 4)).unwrap().is_empty());
        let expired = bank.expire(date(2027, 1, 5)).unwrap();
        assert_eq!(expired.len(), 1, "only m2 holds January credits now");
        assert_eq!(expired[0].amount_for(&Account::member("m2")).to_string(), "-10.0");
        assert!(
            bank.expire(date(2027, 1, 5)).unwrap().is_empty(),
            "expiring again does nothing"
        );
        assert_eq!(bank.balance("m2").unwrap().to_string(), "10.0");
        // Spending expires what is due on its date first.
        let short = bank
            .redeem(
                "m2",
                &Redeem::Amount(Decimal::new(6, 0)),
                "late",
                date(2027, 2, 6),
            )
            .unwrap_err();
        assert_eq!(
            short.message,
            "m2 has 0.0 credits; the redemption needs 6.0 (short by 6.0)"
        );
        assert!(bank.verify().unwrap().ok());
    });
}

#[test]
fn reversals_undo_and_refuse_to_overdraw() {
    both(|bank| {
        posted(bank);
        let redeem = bank
            .redeem("m1", &Redeem::Item("rice".into()), "k1", DAY)
            .unwrap();
        // The first earning (10.0) is partly spent; 6.7 remain overall: refused.
        let refused = bank.reverse(1, "recorded twice", DAY).unwrap_err();
        assert_eq!(refused.kind, ErrorKind::InsufficientCredits);
        let undo = bank
            .reverse(redeem.txn.id, "shop returned the rice", DAY)
            .unwrap();
        assert_eq!(bank.balance("m1").unwrap().to_string(), "26.7");
        assert!(bank.reverse(redeem.txn.id, "again", DAY).unwrap().replayed);
        let of_reversal = bank.reverse(undo.txn.id, "undo the undo", DAY).unwrap_err();
        assert_eq!(of_reversal.kind, ErrorKind::NotReversible);
        bank.reverse(1, "recorded twice", DAY).unwrap();
        assert_eq!(bank.balance("m1").unwrap().to_string(), "16.7");
        assert_eq!(bank.lots("m1").unwrap().len(), 1);
        assert_eq!(
            bank.reverse(99, "?", DAY).unwrap_err().kind,
            ErrorKind::UnknownTransaction
        );
        assert!(bank.verify().unwrap().ok());
    });
}

#[test]
fn statements_show_every_movement_with_its_source() {
    both(|bank| {
        posted(bank);
        bank.redeem("m1", &Redeem::Item("haircut".into()), "k1", DAY)
            .unwrap();
        bank.transfer("m1", "m2", Decimal::ONE, "t1", DAY, None).unwrap();
        let all = bank.statement("m1", None, None).unwrap();
        assert_eq!(all.opening, Decimal::ZERO);
        assert_eq!(all.closing.to_string(), "20.7");
        let kinds: Vec<&str> = all.movements.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, ["earn", "earn", "redeem", "transfer"]);
        assert_eq!(
            all.movements[0].description,
            "help: 20.0 points × 0.5 [r1]: hours=2 * 10 = 20"
        );
        assert_eq!(all.movements[3].counterparts, [Account::member("m2")]);
        assert_eq!(
            all.movements[1].date,
            date(2026, 2, 28),
            "booked on the posting day"
        );
        assert_eq!(
            all.movements[1].earned,
            Some(date(2026, 2, 5)),
            "earned on the award's"
        );
        let march = bank.statement("m1", Some(DAY), None).unwrap();
        assert_eq!(march.opening.to_string(), "26.7");
        assert_eq!(march.movements.len(), 2);
        assert_eq!(march.closing, all.closing);
    });
}

#[test]
fn redeeming_without_settings_needs_a_catalog() {
    let mut bank = Bank::in_memory();
    let error = bank
        .redeem("m1", &Redeem::Item("rice".into()), "k", DAY)
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NoSettings);
}

#[test]
fn a_sqlite_bank_remembers_its_settings_and_refuses_foreign_files() {
    let dir = tempfile::Builder::new()
        .prefix("merit-bank-unit-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("remember.db");
    posted(&mut Bank::create(&path).unwrap());
    let mut reopened = Bank::create(&path).unwrap();
    assert_eq!(reopened.settings().unwrap().catalog.len(), 2);
    reopened
        .redeem("m1", &Redeem::Item("rice".into()), "k", DAY)
        .unwrap();
    let foreign = dir.path().join("foreign.db");
    let _ = std::fs::remove_file(&foreign);
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let error = Bank::open(&foreign).err().unwrap();
    assert!(
        error.message.ends_with("this database is not a merit bank"),
        "{error}"
    );
}

#[test]
fn verify_finds_a_tampered_balance() {
    let dir = tempfile::Builder::new()
        .prefix("merit-bank-unit-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("tampered.db");
    posted(&mut Bank::create(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE balances SET balance = '99.0' WHERE account = 'member:m2'",
            [],
        )
        .unwrap();
    let problems = Bank::create(&path).unwrap().verify().unwrap().problems;
    assert!(
        problems.contains(&"the balances sum to 94.0, not 0".to_owned()),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p == "member:m2 is stored as 99.0; replaying the journal gives 5.0")
    );
}

fn diagnostics(bank: &str) -> Vec<String> {
    let source = format!(
        "id: b\nunit: {{ decimals: 1 }}\nrules:\n  - {{ id: help, tags: [bank], points: 1 }}\nbank:\n{bank}"
    );
    Rulebook::check(&source, "b.yaml")
        .into_iter()
        .map(|d| {
            format!(
                "{}:{} {}: {}{}",
                d.line,
                d.column,
                d.code,
                d.message,
                d.help.map(|h| format!(" ({h})")).unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn bank_settings_are_checked_with_located_diagnostics() {
    assert_eq!(
        diagnostics("  earn: { rules: [halp], tags: [bnak] }\n"),
        [
            "6:19 unknown-earn-rule: `bank.earn.rules`: there is no rule `halp` (did you mean `help`?)",
            "6:33 unknown-earn-rule: `bank.earn.tags`: no rule has the tag `bnak` (did you mean `bank`?)",
        ]
    );
    assert_eq!(
        diagnostics(
            "  earn: { tags: bank, rate: 0 }\n  expire_after: 2 fortnights\n  catalog: [{ id: x, title: X, price: 1.25 }]\n  expiry: 1\n"
        ),
        [
            "6:29 bad-rate: `bank.earn.rate` must be more than 0 (credits per point), found 0",
            "7:17 bad-duration: `bank.expire_after`: expected a duration like `24 months` (N days, weeks, months or years), found `2 fortnights`",
            "8:39 bad-price: catalog item `x`: `price` 1.25 has more decimal places than credits (1) (credits carry the rulebook's `unit.decimals` places)",
            "9:3 unknown-key: unknown key `expiry` in `bank` (known keys: earn, expire_after, catalog)",
        ]
    );
    assert_eq!(
        diagnostics(
            "  earn: {}\n  catalog: [{ id: x, title: X, price: 1 }, { id: x, title: Y, price: 2 }]\n"
        ),
        [
            "6:9 earn-selects-nothing: `bank.earn` selects no rule (give `tags: [bank]` (rules with that tag earn) or `rules: [rule-id, …]`)",
            "7:44 duplicate-item: `bank.catalog`: item `x` is listed twice",
        ]
    );
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml").unwrap();
    let settings = book.bank.unwrap();
    assert_eq!(settings.expire_after.unwrap().to_string(), "12 months");
    assert_eq!(
        (settings.decimals, settings.earn.rate.to_string()),
        (1, "0.5".into())
    );
}
