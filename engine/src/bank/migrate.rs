//! Moving a ledger from one store to another (`bank migrate --from bank.db --to
//! postgres://…`, and back), verified before and after (DESIGN §8.4).
//!
//! The source is verified first (a broken ledger is not copied); the copy is one unit
//! of work in the destination, so it is all there or not at all; every copied
//! transaction must get the hash it had (same ids, same lots, same chain); after it,
//! the destination is verified and must show the same balances and the same head.

use serde::Serialize;

use super::chain::Head;
use super::error::{BankError, ErrorKind};
use super::model::{Account, NewLot, NewTxn};
use super::store::Access;
use super::{Bank, Verification};
use rust_decimal::Decimal;

/// What a migration did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Migration {
    /// Transactions copied.
    pub transactions: u64,
    /// The head both ledgers now have.
    pub head: Head,
    /// Accounts with a non-zero balance, the same in both.
    pub accounts: usize,
    /// The destination's verification after the copy.
    pub verified: Verification,
}

fn refused(message: String) -> BankError {
    BankError::new(ErrorKind::Storage, message)
}

impl Bank {
    /// Copies this ledger, settings included, into `to`, which must be empty.
    pub fn migrate_to(&mut self, to: &mut Bank) -> Result<Migration, BankError> {
        let before = self.verify()?;
        if !before.ok() {
            return Err(refused(format!(
                "the ledger to move does not verify, so it is not copied: {}",
                before.problems.join("; ")
            )));
        }
        let head = self.head()?;
        let existing = to.head()?;
        if existing.count > 0 {
            return Err(refused(format!(
                "the destination already holds {} transactions: migrate into an empty bank",
                existing.count
            )));
        }
        let balances = self.balances()?;
        let mut copied = 0;
        let destination = &mut to.store;
        self.store.transact(Access::Read, &mut |source| {
            let meta = source.all_meta()?;
            destination.transact(Access::Write, &mut |target| {
                copied = 0;
                for (key, value) in &meta {
                    target.set_meta(key, value)?;
                }
                source.each_txn(&mut |txn| {
                    let new = NewTxn {
                        date: txn.date,
                        key: txn.key.clone(),
                        source: txn.source.clone(),
                        postings: txn.postings.clone(),
                        lots: txn
                            .lots
                            .iter()
                            .map(|l| NewLot {
                                member: l.member.clone(),
                                earned: l.earned,
                                amount: l.amount,
                            })
                            .collect(),
                        moves: txn.moves.clone(),
                    };
                    let stored = target.append(new)?;
                    if stored.id != txn.id || stored.hash != txn.hash {
                        return Err(refused(format!(
                            "transaction #{} was copied as #{} with another hash: nothing was moved",
                            txn.id, stored.id
                        )));
                    }
                    copied += 1;
                    Ok(())
                })
            })
        })?;
        // The destination now reads its settings from what was copied.
        to.history = self.history.clone();
        let verified = to.verify()?;
        let after = to.head()?;
        let moved: Vec<(Account, Decimal)> = to.balances()?;
        if !verified.ok() || after != head || moved != balances {
            return Err(refused(format!(
                "the copy does not match: head {after} (was {head}), {} accounts (were {}); {}",
                moved.len(),
                balances.len(),
                verified.problems.join("; ")
            )));
        }
        Ok(Migration {
            transactions: copied,
            head,
            accounts: balances.len(),
            verified,
        })
    }
}
