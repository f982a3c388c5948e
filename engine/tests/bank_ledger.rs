//! The ledger equals the report (DESIGN §8.3), as a property: random sequences of
//! record additions (late ones included), corrections, removals, rule-version
//! changes, posts, redemptions, transfers and expiries, run in lockstep on the memory
//! and SQLite stores. After every post the ledger holds, per member, rule and award
//! date, exactly the report's credits (`reconcile` finds nothing); no balance is ever
//! negative; `verify` passes; both stores agree.

use jiff::civil::{Date, date};
use merit::{Bank, LedgerAccount, Redeem};
use merit::{Format, Records, Rulebook, ScoreOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn book(version: u8) -> Rulebook {
    let points = [5, 4, 7][usize::from(version % 3)];
    let yaml = format!(
        r#"
id: deeds
version: "{version}"
period: month
unit: {{ name: points, decimals: 1 }}
fields: {{ verified: bool? }}
rules:
  - {{ id: deed, tags: [bank], when: kind == "deed" and verified != false, points: {points}, cap: [{{ per: month, max: 12 }}] }}
bank:
  earn: {{ tags: [bank], rate: 0.5 }}
  expire_after: 90 days
"#
    );
    Rulebook::from_yaml(&yaml, "deeds.yaml").unwrap()
}

const MEMBERS: [&str; 3] = ["m1", "m2", "m3"];

#[derive(Clone, Debug)]
enum Op {
    Add { member: usize, day: u16 },
    Correct { pick: usize },
    Remove { pick: usize },
    Version { version: u8 },
    Post,
    Redeem { member: usize, tenths: i64 },
    Transfer { from: usize, to: usize, tenths: i64 },
    Expire,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..3usize, 0..180u16).prop_map(|(member, day)| Op::Add { member, day }),
        2 => (0..50usize).prop_map(|pick| Op::Correct { pick }),
        1 => (0..50usize).prop_map(|pick| Op::Remove { pick }),
        1 => (0..3u8).prop_map(|version| Op::Version { version }),
        4 => Just(Op::Post),
        2 => (0..3usize, 1..60i64).prop_map(|(member, tenths)| Op::Redeem { member, tenths }),
        1 => (0..3usize, 0..3usize, 1..60i64).prop_map(|(from, to, tenths)| Op::Transfer { from, to, tenths }),
        1 => Just(Op::Expire),
    ]
}

struct Record {
    id: String,
    member: &'static str,
    date: Date,
    verified: bool,
}

fn report(book: &Rulebook, records: &[Record]) -> merit::Report {
    let jsonl: String = records
        .iter()
        .map(|r| {
            format!(
                "{{\"id\":\"{}\",\"member\":\"{}\",\"kind\":\"deed\",\"date\":\"{}\",\"verified\":{}}}\n",
                r.id, r.member, r.date, r.verified
            )
        })
        .collect();
    let mut read = Records::new();
    read.read(book, jsonl.as_bytes(), Format::Jsonl, "r.jsonl")
        .unwrap();
    let options = ScoreOptions {
        from: Some(date(2026, 1, 1)),
        to: Some(date(2026, 12, 31)),
        ..ScoreOptions::default()
    };
    book.score(&read, None, &options)
}

fn day(n: u16) -> Date {
    date(2026, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(n)))
        .unwrap()
}

/// Applies one bank operation to one bank; a comparable outcome.
fn apply(bank: &mut Bank, op: &Op, book: &Rulebook, records: &[Record], today: Date, step: usize) -> String {
    let tenths = |t: i64| Decimal::new(t, 1);
    let outcome = match op {
        Op::Post => {
            let report = report(book, records);
            let summary = bank.post(book, &report, today).unwrap();
            let differences = bank.reconcile(book, &report).unwrap();
            assert!(differences.is_empty(), "after a post: {differences:?}");
            // Independently of reconciliation: what each member's statement shows as
            // earned (earnings, adjustments, their reversals; owed included) is what
            // the report awards.
            for member in &report.members {
                let awarded: Decimal = member
                    .periods
                    .iter()
                    .flat_map(|p| &p.awards)
                    .map(|a| (a.points * Decimal::new(5, 1)).round_dp(1))
                    .filter(|c| *c > Decimal::ZERO)
                    .sum();
                let earned: Decimal = match bank.statement(&member.member, None, None) {
                    Ok(statement) => statement
                        .movements
                        .iter()
                        .filter(|m| {
                            matches!(m.source, merit::TxnSource::Earn { .. })
                                || matches!(m.reverses, Some(merit::TxnSource::Earn { .. }))
                        })
                        .map(|m| m.amount - m.owed)
                        .sum(),
                    Err(_) => Decimal::ZERO,
                };
                assert_eq!(earned, awarded, "{}", member.member);
            }
            Ok(format!("{} {}", summary.posted, summary.credits))
        }
        Op::Redeem { member, tenths: t } => bank
            .redeem(
                MEMBERS[*member],
                &Redeem::Amount(tenths(*t)),
                &format!("k{step}"),
                today,
            )
            .map(|r| r.txn.id.to_string()),
        Op::Transfer { from, to, tenths: t } => bank
            .transfer(
                MEMBERS[*from],
                MEMBERS[*to],
                tenths(*t),
                &format!("t{step}"),
                today,
                None,
            )
            .map(|r| r.txn.id.to_string()),
        Op::Expire => bank.expire(today).map(|t| t.len().to_string()),
        _ => return String::new(),
    };
    match outcome {
        Ok(text) => text,
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
        match account {
            LedgerAccount::Member(_) => assert!(*balance >= Decimal::ZERO, "{account} {balance}"),
            LedgerAccount::Owed(_) => assert!(*balance <= Decimal::ZERO, "{account} {balance}"),
            _ => {}
        }
    }
    balances
}

fn run(ops: &[Op]) {
    let dir = tempfile::Builder::new()
        .prefix("merit-bank-ledger-prop-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("bank.db");
    let mut memory = Bank::in_memory();
    let mut sqlite = Bank::create(&path).unwrap();
    let mut records: Vec<Record> = Vec::new();
    let mut current = book(0);
    let mut today = day(0);
    for (step, op) in ops.iter().enumerate() {
        today = today
            .checked_add(jiff::Span::new().days((step % 4) as i64))
            .unwrap();
        match op {
            Op::Add { member, day: d } => records.push(Record {
                id: format!("r{step}"),
                member: MEMBERS[*member],
                date: day(*d),
                verified: true,
            }),
            Op::Correct { pick } if !records.is_empty() => {
                let i = pick % records.len();
                records[i].verified = !records[i].verified;
            }
            Op::Remove { pick } if !records.is_empty() => {
                let i = pick % records.len();
                records.remove(i);
            }
            Op::Version { version } => current = book(*version),
            _ => {}
        }
        let m = apply(&mut memory, op, &current, &records, today, step);
        let s = apply(&mut sqlite, op, &current, &records, today, step);
        assert_eq!(m, s, "step {step}: {op:?}");
        assert_eq!(check(&mut memory), check(&mut sqlite), "step {step}: {op:?}");
    }
    let _ = std::fs::remove_file(&path);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn after_every_post_the_ledger_equals_the_report(ops in proptest::collection::vec(op(), 1..40)) {
        run(&ops);
    }
}
