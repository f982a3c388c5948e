//! Property tests of the moral bank: random sequences of earn, redeem, transfer,
//! reverse and expire, run in lockstep on the memory and the SQLite store, checking
//! every invariant after each step and that both stores agree.

use jiff::civil::{Date, date};
use merit::{AwardReport, DateRange, MemberReport, PeriodReport, Report, RulebookRef};
use merit::{Bank, BankErrorKind, LedgerAccount, Redeem};
use merit::{Rulebook, ScoreOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;

const BOOK: &str = r#"
id: deeds
unit: { name: points, decimals: 1 }
rules:
  - { id: help, tags: [bank], points: 1 }
bank:
  earn: { tags: [bank], rate: 1 }
  expire_after: 60 days
  catalog: [{ id: tea, title: Tea, price: 3.5, partner: tea-house }]
"#;

const MEMBERS: [&str; 3] = ["m1", "m2", "m3"];

#[derive(Clone, Debug)]
enum Op {
    /// An award of `tenths / 10` points on day `day`; `again` re-posts an earlier award.
    Earn {
        member: usize,
        tenths: i64,
        day: u16,
        again: bool,
    },
    Redeem {
        member: usize,
        tenths: i64,
        item: bool,
        key: u8,
    },
    Transfer {
        from: usize,
        to: usize,
        tenths: i64,
        key: u8,
    },
    Reverse {
        back: usize,
    },
    Expire {
        day: u16,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 1..500i64, 0..200u16, any::<bool>())
            .prop_map(|(member, tenths, day, again)| Op::Earn { member, tenths, day, again }),
        3 => (0..3usize, 1..300i64, any::<bool>(), 0..6u8)
            .prop_map(|(member, tenths, item, key)| Op::Redeem { member, tenths, item, key }),
        2 => (0..3usize, 0..3usize, 1..300i64, 0..6u8)
            .prop_map(|(from, to, tenths, key)| Op::Transfer { from, to, tenths, key }),
        1 => (0..40usize).prop_map(|back| Op::Reverse { back }),
        1 => (0..260u16).prop_map(|day| Op::Expire { day }),
    ]
}

fn day(n: u16) -> Date {
    date(2026, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(n)))
        .unwrap()
}

/// A report holding one award (what `score` would give for one record).
fn award_report(book: &Rulebook, member: &str, points: Decimal, date: Date, record: &str) -> Report {
    let award = AwardReport {
        rule: "help".into(),
        date,
        points,
        records: vec![record.to_owned()],
        trace: format!("{points}"),
        explain: format!("{points}"),
        withheld: None,
        provisional: false,
        failed: None,
    };
    Report {
        rulebook: RulebookRef {
            id: book.id.clone(),
            version: String::new(),
            digest: book.digest.clone(),
        },
        range: DateRange { from: None, to: None },
        as_of: None,
        period: "month".into(),
        members: vec![MemberReport {
            member: member.to_owned(),
            total: points,
            periods: vec![PeriodReport {
                period: "x".into(),
                total: points,
                rules: vec![("help".into(), points)],
                awards: vec![award],
            }],
            indexes: Vec::new(),
            unscored: None,
        }],
        rejected: Vec::new(),
        unmatched: 0,
        warnings: Vec::new(),
    }
}

/// Applies one operation; returns a comparable outcome (transaction id or error kind).
fn apply(bank: &mut Bank, book: &Rulebook, step: usize, op: &Op, earned: &mut Vec<Report>) -> String {
    let today = |d: u16| day(d);
    let result = match op {
        Op::Earn {
            member,
            tenths,
            day,
            again,
        } => {
            let report = match (again, earned.last()) {
                (true, Some(report)) => report.clone(),
                _ => award_report(
                    book,
                    MEMBERS[*member],
                    Decimal::new(*tenths, 1),
                    today(*day),
                    &format!("r{step}"),
                ),
            };
            let summary = bank.post(book, &report, today(*day)).unwrap();
            // Posting an award again restores the report's figure (after a
            // reversal or another figure for the same award) and otherwise does nothing.
            assert!(bank.reconcile(book, &report).unwrap().is_empty());
            earned.push(report);
            return format!("posted {}", summary.posted);
        }
        Op::Redeem {
            member,
            tenths,
            item,
            key,
        } => {
            let what = if *item {
                Redeem::Item("tea".into())
            } else {
                Redeem::Amount(Decimal::new(*tenths, 1))
            };
            bank.redeem(MEMBERS[*member], &what, &format!("r{key}"), today(200))
                .map(|r| r.txn.id)
        }
        Op::Transfer {
            from,
            to,
            tenths,
            key,
        } => bank
            .transfer(
                MEMBERS[*from],
                MEMBERS[*to],
                Decimal::new(*tenths, 1),
                &format!("t{key}"),
                today(200),
                None,
            )
            .map(|r| r.txn.id),
        Op::Reverse { back } => {
            // Any id: some are earnings, some spendings, some reversals, some unknown.
            let id = (step as u64 + 1).saturating_sub(*back as u64).max(1);
            bank.reverse(id, "test", today(200)).map(|r| r.txn.id)
        }
        Op::Expire { day } => bank.expire(today(*day)).map(|t| t.len() as u64),
    };
    match result {
        Ok(id) => format!("ok {id}"),
        Err(error) => {
            assert!(error.kind.is_refusal(), "{error}");
            format!("refused {}", error.code())
        }
    }
}

fn check(bank: &mut Bank) -> Vec<(LedgerAccount, Decimal)> {
    let verification = bank.verify().unwrap();
    assert!(verification.ok(), "{:?}", verification.problems);
    let balances = bank.balances().unwrap();
    for (account, balance) in &balances {
        if account.member_id().is_some() {
            assert!(*balance >= Decimal::ZERO, "{account} {balance}");
        }
    }
    balances
}

fn run(ops: &[Op]) {
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml").unwrap();
    let dir = tempfile::Builder::new()
        .prefix("merit-bank-prop-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("bank.db");
    let mut memory = Bank::in_memory();
    let mut sqlite = Bank::create(&path).unwrap();
    // PostgreSQL walks in step too when the tests have a server (scripts/with-postgres).
    let mut pg = crate::postgres::fresh_database("lockstep").map(|url| Bank::open_location(&url).unwrap());
    let (mut earned_m, mut earned_s, mut earned_p) = (Vec::new(), Vec::new(), Vec::new());
    for (step, op) in ops.iter().enumerate() {
        let before = memory.balances().unwrap();
        let m = apply(&mut memory, &book, step, op, &mut earned_m);
        let s = apply(&mut sqlite, &book, step, op, &mut earned_s);
        assert_eq!(m, s, "step {step}: {op:?}");
        let after = check(&mut memory);
        assert_eq!(after, check(&mut sqlite), "step {step}: {op:?}");
        // The same transactions chain to the same head in every store.
        assert_eq!(
            memory.head().unwrap(),
            sqlite.head().unwrap(),
            "step {step}: {op:?}"
        );
        if let Some(pg) = &mut pg {
            assert_eq!(
                m,
                apply(pg, &book, step, op, &mut earned_p),
                "step {step}: {op:?}"
            );
            assert_eq!(after, check(pg), "step {step}: {op:?}");
            assert_eq!(memory.head().unwrap(), pg.head().unwrap(), "step {step}: {op:?}");
        }
        if m.starts_with("refused") {
            assert_eq!(before, after, "a refused {op:?} changed balances");
        }
    }
    // Reopening the file gives the same bank.
    drop(sqlite);
    let mut reopened = Bank::open(&path).unwrap();
    assert_eq!(check(&mut reopened), memory.balances().unwrap());
    let _ = std::fs::remove_file(&path);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn bank_invariants_hold_after_every_step(ops in proptest::collection::vec(op(), 1..40)) {
        run(&ops);
    }
}

#[test]
fn every_refusal_kind_is_reachable_in_a_short_sequence() {
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml").unwrap();
    let mut bank = Bank::in_memory();
    let report = award_report(&book, "m1", Decimal::new(50, 1), day(0), "r1");
    bank.post(&book, &report, day(0)).unwrap();
    let short = bank.redeem("m1", &Redeem::Item("tea".into()), "a", day(1));
    assert!(short.is_ok());
    let short = bank
        .redeem("m1", &Redeem::Item("tea".into()), "b", day(1))
        .unwrap_err();
    assert_eq!(short.kind, BankErrorKind::InsufficientCredits);
    // The score facade and the bank agree on what a rulebook without `bank:` is.
    let plain = Rulebook::from_yaml("rules:\n  - { id: x, points: 1 }\n", "x.yaml").unwrap();
    let report = plain.score(&merit::Records::new(), None, &ScoreOptions::default());
    assert_eq!(
        bank.post(&plain, &report, day(0)).unwrap_err().kind,
        BankErrorKind::NoSettings
    );
}
