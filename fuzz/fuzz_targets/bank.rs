//! The moral bank: a sequence of operations read from the fuzz bytes (posting
//! reports, redeeming, transferring, reversing, expiring) applied to a memory bank
//! and a SQLite bank side by side. After each step both gave the same answer, no
//! balance is negative and `verify` finds every invariant holding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use merit::{Bank, Redeem};
use merit::{Format, Records, Rulebook, ScoreOptions};
use rust_decimal::Decimal;

const BOOK: &str = "id: deeds\nunit: { name: points, decimals: 1 }\nfields: { hours: decimal? }\nrules:\n  - { id: help, tags: [bank], points: hours }\nbank:\n  earn: { tags: [bank], rate: 1.5 }\n  expire_after: 2 months\n  catalog: [{ id: rice, title: Rice, price: 5, partner: shop }]\n";

/// Reads the fuzz bytes as small numbers.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    /// An amount: from a few digits to past what `Decimal` sums hold.
    fn amount(&mut self) -> Option<Decimal> {
        let (a, b) = (self.next()?, self.next()?);
        Some(match a % 8 {
            0 => Decimal::MAX,
            1 => Decimal::new(-i64::from(b), 1),
            2 => Decimal::new(i64::from(b) * 1_000_000_000_000_000, 0),
            _ => Decimal::new(i64::from(a) * 256 + i64::from(b), 2),
        })
    }
}

fn date(day: u8) -> jiff::civil::Date {
    jiff::civil::date(2026, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(day) * 3))
        .expect("in range")
}

fuzz_target!(|data: &[u8]| {
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml").expect("the fixed rulebook loads");
    let dir = std::path::Path::new(if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm" } else { "/tmp" })
        .join(format!("merit-fuzz-bank-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let mut banks = [Bank::in_memory(), Bank::create(dir.join("bank.db")).expect("sqlite bank")];
    let mut bytes = Bytes(data);
    let mut step = 0u32;
    while let Some(op) = bytes.next() {
        step += 1;
        let member = |b: u8| format!("m{}", b % 3);
        let outcomes: Vec<Result<String, String>> = match op % 6 {
            0 => {
                let (Some(m), Some(day), Some(hours)) = (bytes.next(), bytes.next(), bytes.amount()) else { break };
                let line = format!(
                    "{{\"id\":\"r{step}\",\"member\":\"{}\",\"kind\":\"v\",\"date\":\"{}\",\"hours\":{hours}}}\n",
                    member(m),
                    date(day)
                );
                let mut records = Records::new();
                records.read(&book, line.as_bytes(), Format::Jsonl, "in.jsonl").expect("reads");
                let report = book.score(&records, None, &ScoreOptions::default());
                banks.iter_mut().map(|b| b.post(&book, &report, date(day)).map(|s| format!("{s:?}")).map_err(|e| e.code().to_owned())).collect()
            }
            1 | 2 => {
                let (Some(m), Some(day), Some(key)) = (bytes.next(), bytes.next(), bytes.next()) else { break };
                let what = if op % 6 == 1 {
                    let Some(amount) = bytes.amount() else { break };
                    Redeem::Amount(amount)
                } else {
                    Redeem::Item("rice".into())
                };
                banks
                    .iter_mut()
                    .map(|b| b.redeem(&member(m), &what, &format!("k{key}"), date(day)).map(|r| format!("{:?}", r.txn.postings)).map_err(|e| e.code().to_owned()))
                    .collect()
            }
            3 => {
                let (Some(a), Some(z), Some(day), Some(key), Some(amount)) =
                    (bytes.next(), bytes.next(), bytes.next(), bytes.next(), bytes.amount())
                else {
                    break;
                };
                banks
                    .iter_mut()
                    .map(|b| {
                        b.transfer(&member(a), &member(z), amount, &format!("t{key}"), date(day), Some("gift"))
                            .map(|r| format!("{:?}", r.txn.postings))
                            .map_err(|e| e.code().to_owned())
                    })
                    .collect()
            }
            4 => {
                let (Some(id), Some(day)) = (bytes.next(), bytes.next()) else { break };
                banks
                    .iter_mut()
                    .map(|b| b.reverse(u64::from(id % 16), "fuzz", date(day)).map(|r| format!("{:?}", r.txn.postings)).map_err(|e| e.code().to_owned()))
                    .collect()
            }
            _ => {
                let Some(day) = bytes.next() else { break };
                banks
                    .iter_mut()
                    .map(|b| b.expire(date(day)).map(|t| t.len().to_string()).map_err(|e| e.code().to_owned()))
                    .collect()
            }
        };
        assert_eq!(outcomes[0], outcomes[1], "step {step}: memory and SQLite disagree");
        let balances: Vec<_> = banks.iter_mut().map(|b| b.balances().expect("balances")).collect();
        assert_eq!(balances[0], balances[1], "step {step}: balances differ");
        for (account, balance) in &balances[0] {
            if account.to_string().starts_with("member:") {
                assert!(*balance >= Decimal::ZERO, "step {step}: {account} is at {balance}");
            }
        }
        for bank in &mut banks {
            let verification = bank.verify().expect("verify runs");
            assert!(verification.ok(), "step {step}: {verification:?}");
        }
    }
    drop(banks);
    let _ = std::fs::remove_dir_all(&dir);
});
