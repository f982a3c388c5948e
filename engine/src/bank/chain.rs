//! The tamper-evident journal (DESIGN §8.4): every transaction's `hash` is
//! sha256(previous hash + its canonical form), so changing any stored row of a
//! transaction (amount, member, date, key, lot, source) changes its hash, and
//! covering that up by rewriting the hash changes every hash after it.
//!
//! An office publishes the head `COUNT:HASH` (`bank head`); anybody holding it can
//! later prove that the first COUNT transactions are unchanged (`bank verify --head`).
//!
//! The canonical form is one line of JSON with a fixed field order and decimals in
//! their normal form (`35.0` is `35`), so that the same transaction hashes the same in
//! every store, whatever scale a database hands a decimal back with.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::model::{Source, Txn};

/// The hash before the first transaction: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The form that is hashed: what a transaction says, without its own hash.
#[derive(Serialize)]
struct Canonical<'t> {
    id: u64,
    date: String,
    key: Option<&'t str>,
    source: &'t Source,
    postings: Vec<(String, String)>,
    lots: Vec<(u64, &'t str, String, String)>,
    moves: Vec<(u64, String)>,
}

/// The canonical form of a transaction (the bytes its hash covers after the
/// previous hash).
pub fn canonical(txn: &Txn) -> String {
    let canonical = Canonical {
        id: txn.id,
        date: txn.date.to_string(),
        key: txn.key.as_deref(),
        source: &txn.source,
        postings: txn
            .postings
            .iter()
            .map(|p| (p.account.to_string(), p.amount.normalize().to_string()))
            .collect(),
        lots: txn
            .lots
            .iter()
            .map(|l| {
                (
                    l.id,
                    l.member.as_str(),
                    l.earned.to_string(),
                    l.amount.normalize().to_string(),
                )
            })
            .collect(),
        moves: txn
            .moves
            .iter()
            .map(|m| (m.lot, m.delta.normalize().to_string()))
            .collect(),
    };
    serde_json::to_string(&canonical).expect("a transaction serialises")
}

/// sha256(previous + canonical form), in lowercase hex.
pub fn link(previous: &str, txn: &Txn) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(canonical(txn).as_bytes());
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The end of the chain: how many transactions, and the last one's hash
/// (64 zeros, for an empty ledger). Written and read as `COUNT:HASH`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Head {
    /// How many transactions the chain covers.
    pub count: u64,
    /// The last transaction's hash, in hex (the genesis hash for an empty ledger).
    pub hash: String,
}

impl Head {
    /// The head of an empty ledger.
    pub fn empty() -> Head {
        Head {
            count: 0,
            hash: GENESIS.to_owned(),
        }
    }
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.count, self.hash)
    }
}

impl FromStr for Head {
    type Err = String;

    fn from_str(text: &str) -> Result<Head, String> {
        let bad = || format!("`{text}` is not a ledger head: expected COUNT:HASH (as `bank head` prints it)");
        let (count, hash) = text.trim().split_once(':').ok_or_else(bad)?;
        let count = count.parse().map_err(|_| bad())?;
        let hash = hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Head { count, hash })
    }
}

/// Walks the journal in id order, recomputing each hash: finds the first
/// transaction whose stored hash is not what its contents and its predecessor give,
/// and checks a published head on the way.
#[derive(Debug)]
pub struct ChainCheck {
    /// The stored hash of the transaction before (each link is checked alone).
    previous: String,
    /// The chain recomputed from the contents alone (what a published head proves).
    recomputed: String,
    seen: u64,
    expected: Option<Head>,
    expected_ok: bool,
    /// The first broken link, in words.
    pub first_bad: Option<String>,
}

impl ChainCheck {
    /// A check that also proves `expected` (a head published earlier).
    pub fn new(expected: Option<Head>) -> ChainCheck {
        ChainCheck {
            previous: GENESIS.to_owned(),
            recomputed: GENESIS.to_owned(),
            seen: 0,
            expected_ok: expected
                .as_ref()
                .is_some_and(|h| h.count == 0 && h.hash == GENESIS),
            expected,
            first_bad: None,
        }
    }

    /// Sees the next transaction of the journal.
    pub fn see(&mut self, txn: &Txn) {
        self.seen += 1;
        let computed = link(&self.previous, txn);
        if self.first_bad.is_none() && computed != txn.hash {
            self.first_bad = Some(if txn.hash.is_empty() {
                format!("transaction #{} has no hash", txn.id)
            } else {
                format!(
                    "transaction #{} was changed after it was written: its contents and the hash before it give {computed}, it is stored with {}",
                    txn.id, txn.hash
                )
            });
        }
        if let Some(head) = &self.expected
            && head.count >= self.seen
        {
            self.recomputed = link(&self.recomputed, txn);
            if head.count == self.seen {
                self.expected_ok = self.recomputed == head.hash;
            }
        }
        // Go on from the stored hash, so that one edited row is named alone.
        self.previous = txn.hash.clone();
    }

    /// What is wrong with the chain (empty when nothing is).
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self.first_bad.iter().cloned().collect();
        if let Some(head) = &self.expected {
            if head.count > self.seen {
                problems.push(format!(
                    "the head {head} names {} transactions; the ledger has {}",
                    head.count, self.seen
                ));
            } else if !self.expected_ok {
                problems.push(format!(
                    "the first {} transactions are not those of the head {head}: they were changed",
                    head.count
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::model::{Account, Posting};

    fn txn(id: u64, amount: &str) -> Txn {
        Txn {
            id,
            date: jiff::civil::date(2026, 3, 1),
            key: Some(format!("k{id}")),
            source: Source::Transfer {
                from: "a".into(),
                to: "b".into(),
                note: None,
            },
            postings: vec![Posting {
                account: Account::member("a"),
                amount: amount.parse().unwrap(),
            }],
            lots: Vec::new(),
            moves: Vec::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_scale_of_a_decimal_does_not_change_the_hash_its_value_does() {
        assert_eq!(link(GENESIS, &txn(1, "35.0")), link(GENESIS, &txn(1, "35")));
        assert_ne!(link(GENESIS, &txn(1, "35")), link(GENESIS, &txn(1, "36")));
        assert_ne!(link(GENESIS, &txn(1, "35")), link(&"1".repeat(64), &txn(1, "35")));
    }

    #[test]
    fn heads_read_back_what_they_print_and_refuse_anything_else() {
        let head = Head {
            count: 3,
            hash: "ab".repeat(32),
        };
        assert_eq!(head.to_string().parse::<Head>().unwrap(), head);
        for bad in ["", "3", "x:ab", "3:abc", &format!("3:{}", "zz".repeat(32))] {
            assert!(bad.parse::<Head>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_edited_transaction_is_named_and_a_published_head_is_checked() {
        let mut txns = vec![txn(1, "1"), txn(2, "2"), txn(3, "3")];
        let mut previous = GENESIS.to_owned();
        for t in &mut txns {
            t.hash = link(&previous, t);
            previous = t.hash.clone();
        }
        let head2 = Head {
            count: 2,
            hash: txns[1].hash.clone(),
        };
        let mut check = ChainCheck::new(Some(head2.clone()));
        txns.iter().for_each(|t| check.see(t));
        assert!(check.problems().is_empty(), "{:?}", check.problems());

        txns[1].postings[0].amount = "20".parse().unwrap();
        let mut check = ChainCheck::new(Some(head2));
        txns.iter().for_each(|t| check.see(t));
        let problems = check.problems();
        assert!(
            problems[0].starts_with("transaction #2 was changed"),
            "{problems:?}"
        );
        assert!(problems[1].contains("first 2 transactions"), "{problems:?}");
    }
}
