//! Storage behind one trait, and the in-memory store.
//!
//! The ledger's rules (FIFO, no negative balance, idempotency) live in
//! [`super::ledger`]; a store only keeps transactions, lots and balances and makes a
//! unit of work atomic. The in-memory store is what tests, previews and WASM use; it
//! is also what [`super::Bank::verify`] replays the journal into.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::chain::{self, Head};
use super::error::BankError;
use super::model::{Account, AwardKey, Held, Lot, NewTxn, Txn};

/// Reads and writes inside one unit of work (one SQL transaction).
pub trait Journal {
    /// The transaction stored under an idempotency key.
    fn find_key(&mut self, key: &str) -> Result<Option<Txn>, BankError>;
    /// One transaction by id.
    fn txn(&mut self, id: u64) -> Result<Option<Txn>, BankError>;
    /// The transaction that reversed `id`, if any.
    fn reversal_of(&mut self, id: u64) -> Result<Option<u64>, BankError>;
    /// An account's balance.
    fn balance(&mut self, account: &Account) -> Result<Decimal, BankError>;
    /// Every account with a non-zero balance, by account.
    fn balances(&mut self) -> Result<Vec<(Account, Decimal)>, BankError>;
    /// A member's lots with credits remaining, first-in first-out (earned, then id).
    fn open_lots(&mut self, member: &str) -> Result<Vec<Lot>, BankError>;
    /// Every lot with credits remaining earned on or before `date`, by member then FIFO.
    fn open_lots_earned_by(&mut self, date: Date) -> Result<Vec<Lot>, BankError>;
    /// One lot by id.
    fn lot(&mut self, id: u64) -> Result<Option<Lot>, BankError>;
    /// Every transaction that moved a member's credits, in id order.
    fn member_txns(&mut self, member: &str) -> Result<Vec<Txn>, BankError>;
    /// Visits every transaction in id order.
    fn each_txn(&mut self, visit: &mut dyn FnMut(Txn) -> Result<(), BankError>) -> Result<(), BankError>;
    /// Stores a transaction, giving it and its new lots their ids; updates balances
    /// and lots. The caller has checked it (balanced, no lot below zero).
    fn append(&mut self, txn: NewTxn) -> Result<Txn, BankError>;
    /// A stored setting by key.
    fn meta(&mut self, key: &str) -> Result<Option<String>, BankError>;
    /// Stores a setting.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), BankError>;

    // What reconciliation and the counter need. A store keeps these as indexes
    // maintained by `append` (each is derived from the journal alone, so `verify`
    // can rebuild them by replay and compare); a hash-chained or PostgreSQL store
    // implements them the same way.

    /// What the ledger holds for one award: the sum of [`Txn::award`] over every
    /// transaction with that key (earnings, adjustments, reversals of them), with
    /// the records and version of the last earning or adjustment. `None`: never posted.
    fn award(&mut self, key: &AwardKey) -> Result<Option<Held>, BankError>;
    /// Every award of rulebook `book` dated `from..=to` the ledger holds credits for
    /// (non-zero), by key.
    fn awards_between(
        &mut self,
        book: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<(AwardKey, Held)>, BankError>;
    /// The latest date of any transaction that moved `member`'s credits or debt;
    /// `None`: the member has no account.
    fn latest_movement(&mut self, member: &str) -> Result<Option<Date>, BankError>;
    /// Every member that has an account (for did-you-mean on an unknown one).
    fn members(&mut self) -> Result<Vec<String>, BankError>;

    /// Every meta entry, by key (what a migration copies).
    fn all_meta(&mut self) -> Result<Vec<(String, String)>, BankError>;
    /// The end of the hash chain: the last transaction's id and hash. Stores answer
    /// from their last row; this default walks the journal.
    fn head(&mut self) -> Result<Head, BankError> {
        let mut head = Head::empty();
        self.each_txn(&mut |txn| {
            head = Head {
                count: txn.id,
                hash: txn.hash,
            };
            Ok(())
        })?;
        Ok(head)
    }
}

/// Whether a unit of work may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reading only.
    Read,
    /// Reading and writing, in one transaction.
    Write,
}

/// A place the ledger lives: it runs units of work, each atomically.
pub trait Store: Send {
    /// Runs `work` atomically: if it fails, nothing it wrote stays. For SQLite, a
    /// write unit is `BEGIN IMMEDIATE … COMMIT`, so that two processes cannot both
    /// read a balance and spend it.
    fn transact(
        &mut self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Journal) -> Result<(), BankError>,
    ) -> Result<(), BankError>;
}

/// The ledger in memory.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    txns: Vec<Txn>,
    keys: HashMap<String, u64>,
    reversals: HashMap<u64, u64>,
    balances: BTreeMap<Account, Decimal>,
    lots: Vec<Lot>,
    member_lots: HashMap<String, Vec<u64>>,
    member_txns: HashMap<String, Vec<u64>>,
    meta: BTreeMap<String, String>,
    awards: BTreeMap<AwardKey, Held>,
    /// Per applied transaction, the award entry it replaced (for rolling back).
    award_undo: Vec<Option<(AwardKey, Option<Held>)>>,
    /// Transactions appended by the unit of work in progress (for rolling back).
    pending: usize,
}

impl MemoryStore {
    /// An empty ledger in memory.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Applies a stored transaction as it is (used by `append` and by replay).
    pub(crate) fn apply(&mut self, txn: Txn) {
        let undo = txn.award().map(|(key, credits)| {
            let before = self.awards.get(&key).cloned();
            let held = self.awards.entry(key.clone()).or_default();
            held.credits += credits;
            if let super::model::Source::Earn { records, version, .. } = &txn.source {
                held.records.clone_from(records);
                held.version.clone_from(version);
            }
            (key, before)
        });
        self.award_undo.push(undo);
        for posting in &txn.postings {
            *self.balances.entry(posting.account.clone()).or_default() += posting.amount;
            if let Some(member) = posting.account.holder() {
                let ids = self.member_txns.entry(member.to_owned()).or_default();
                if ids.last() != Some(&txn.id) {
                    ids.push(txn.id);
                }
            }
        }
        for lot in &txn.lots {
            self.insert_lot(lot.clone());
        }
        for moved in &txn.moves {
            if let Some(lot) = self.lot_mut(moved.lot) {
                lot.remaining += moved.delta;
            }
        }
        if let Some(key) = &txn.key {
            self.keys.insert(key.clone(), txn.id);
        }
        if let super::model::Source::Reverse { txn: reversed, .. } = &txn.source {
            self.reversals.insert(*reversed, txn.id);
        }
        self.txns.push(txn);
    }

    /// Undoes the last applied transaction.
    fn unapply(&mut self) {
        let Some(txn) = self.txns.pop() else {
            return;
        };
        if let Some(Some((key, before))) = self.award_undo.pop() {
            match before {
                Some(held) => self.awards.insert(key, held),
                None => self.awards.remove(&key),
            };
        }
        for posting in &txn.postings {
            *self.balances.entry(posting.account.clone()).or_default() -= posting.amount;
            if let Some(member) = posting.account.holder()
                && let Some(ids) = self.member_txns.get_mut(member)
                && ids.last() == Some(&txn.id)
            {
                ids.pop();
            }
        }
        for moved in &txn.moves {
            if let Some(lot) = self.lot_mut(moved.lot) {
                lot.remaining -= moved.delta;
            }
        }
        for lot in txn.lots.iter().rev() {
            if self.lots.last().is_some_and(|l| l.id == lot.id) {
                self.lots.pop();
            }
            if let Some(ids) = self.member_lots.get_mut(&lot.member) {
                ids.retain(|id| *id != lot.id);
            }
        }
        if let Some(key) = &txn.key {
            self.keys.remove(key);
        }
        if let super::model::Source::Reverse { txn: reversed, .. } = &txn.source {
            self.reversals.remove(reversed);
        }
        self.balances.retain(|_, b| !b.is_zero());
    }

    fn insert_lot(&mut self, lot: Lot) {
        self.member_lots
            .entry(lot.member.clone())
            .or_default()
            .push(lot.id);
        // Lots are kept in id order; ids are dense from 1 when the store made them.
        match self.lots.last() {
            Some(last) if last.id >= lot.id => {
                let at = self.lots.partition_point(|l| l.id < lot.id);
                self.lots.insert(at, lot);
            }
            _ => self.lots.push(lot),
        }
    }

    fn lot_index(&self, id: u64) -> Option<usize> {
        self.lots.binary_search_by_key(&id, |l| l.id).ok()
    }

    fn lot_mut(&mut self, id: u64) -> Option<&mut Lot> {
        self.lot_index(id).map(|i| &mut self.lots[i])
    }

    /// Every lot, in id order (for verification).
    pub(crate) fn all_lots(&self) -> &[Lot] {
        &self.lots
    }

    fn next_lot_id(&self) -> u64 {
        self.lots.last().map_or(1, |l| l.id + 1)
    }
}

impl Journal for MemoryStore {
    fn find_key(&mut self, key: &str) -> Result<Option<Txn>, BankError> {
        Ok(self.keys.get(key).map(|&id| self.txns[(id - 1) as usize].clone()))
    }

    fn txn(&mut self, id: u64) -> Result<Option<Txn>, BankError> {
        Ok(id.checked_sub(1).and_then(|i| self.txns.get(i as usize)).cloned())
    }

    fn reversal_of(&mut self, id: u64) -> Result<Option<u64>, BankError> {
        Ok(self.reversals.get(&id).copied())
    }

    fn balance(&mut self, account: &Account) -> Result<Decimal, BankError> {
        Ok(self.balances.get(account).copied().unwrap_or_default())
    }

    fn balances(&mut self) -> Result<Vec<(Account, Decimal)>, BankError> {
        Ok(self
            .balances
            .iter()
            .filter(|(_, b)| !b.is_zero())
            .map(|(a, b)| (a.clone(), *b))
            .collect())
    }

    fn open_lots(&mut self, member: &str) -> Result<Vec<Lot>, BankError> {
        let mut lots: Vec<Lot> = self
            .member_lots
            .get(member)
            .into_iter()
            .flatten()
            .filter_map(|&id| self.lot_index(id).map(|i| &self.lots[i]))
            .filter(|l| l.remaining > Decimal::ZERO)
            .cloned()
            .collect();
        lots.sort_by_key(|l| (l.earned, l.id));
        Ok(lots)
    }

    fn open_lots_earned_by(&mut self, date: Date) -> Result<Vec<Lot>, BankError> {
        let mut lots: Vec<Lot> = self
            .lots
            .iter()
            .filter(|l| l.remaining > Decimal::ZERO && l.earned <= date)
            .cloned()
            .collect();
        lots.sort_by(|a, b| (&a.member, a.earned, a.id).cmp(&(&b.member, b.earned, b.id)));
        Ok(lots)
    }

    fn lot(&mut self, id: u64) -> Result<Option<Lot>, BankError> {
        Ok(self.lot_index(id).map(|i| self.lots[i].clone()))
    }

    fn member_txns(&mut self, member: &str) -> Result<Vec<Txn>, BankError> {
        Ok(self
            .member_txns
            .get(member)
            .into_iter()
            .flatten()
            .map(|&id| self.txns[(id - 1) as usize].clone())
            .collect())
    }

    fn each_txn(&mut self, visit: &mut dyn FnMut(Txn) -> Result<(), BankError>) -> Result<(), BankError> {
        for txn in &self.txns {
            visit(txn.clone())?;
        }
        Ok(())
    }

    fn append(&mut self, new: NewTxn) -> Result<Txn, BankError> {
        for posting in &new.postings {
            let balance = self.balances.get(&posting.account).copied().unwrap_or_default();
            super::ledger::checked_sum(balance, posting.amount, &posting.account)?;
        }
        let mut txn = new.numbered(self.txns.len() as u64 + 1, self.next_lot_id());
        let previous = self.txns.last().map_or(chain::GENESIS, |t| t.hash.as_str());
        txn.hash = chain::link(previous, &txn);
        self.apply(txn.clone());
        self.pending += 1;
        Ok(txn)
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, BankError> {
        Ok(self.meta.get(key).cloned())
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), BankError> {
        self.meta.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn all_meta(&mut self) -> Result<Vec<(String, String)>, BankError> {
        Ok(self.meta.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    fn head(&mut self) -> Result<Head, BankError> {
        Ok(self.txns.last().map_or_else(Head::empty, |t| Head {
            count: t.id,
            hash: t.hash.clone(),
        }))
    }

    fn award(&mut self, key: &AwardKey) -> Result<Option<Held>, BankError> {
        Ok(self.awards.get(key).cloned())
    }

    fn awards_between(
        &mut self,
        book: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<(AwardKey, Held)>, BankError> {
        Ok(self
            .awards
            .iter()
            .filter(|(k, h)| k.book == book && from <= k.date && k.date <= to && !h.credits.is_zero())
            .map(|(k, h)| (k.clone(), h.clone()))
            .collect())
    }

    fn latest_movement(&mut self, member: &str) -> Result<Option<Date>, BankError> {
        Ok(self
            .member_txns
            .get(member)
            .into_iter()
            .flatten()
            .map(|&id| self.txns[(id - 1) as usize].date)
            .max())
    }

    fn members(&mut self) -> Result<Vec<String>, BankError> {
        let mut members: Vec<String> = self
            .member_txns
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(m, _)| m.clone())
            .collect();
        members.sort();
        Ok(members)
    }
}

impl MemoryStore {
    /// Every award the ledger holds, by key (for verification).
    pub(crate) fn all_awards(&self) -> &BTreeMap<AwardKey, Held> {
        &self.awards
    }
}

impl Store for MemoryStore {
    fn transact(
        &mut self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Journal) -> Result<(), BankError>,
    ) -> Result<(), BankError> {
        self.pending = 0;
        let result = work(self);
        if result.is_err() || access == Access::Read {
            for _ in 0..std::mem::take(&mut self.pending) {
                self.unapply();
            }
        }
        self.pending = 0;
        result
    }
}

/// Text a store read back (SQLite keeps decimals, dates and accounts as text;
/// PostgreSQL hands them over as text): parsed, or a storage error naming it.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(super) fn decimal(text: &str) -> Result<Decimal, BankError> {
    text.parse()
        .map_err(|_| BankError::storage(format!("the bank holds `{text}` where a decimal should be")))
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(super) fn date(text: &str) -> Result<Date, BankError> {
    text.parse()
        .map_err(|_| BankError::storage(format!("the bank holds `{text}` where a date should be")))
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(super) fn account(text: &str) -> Result<Account, BankError> {
    Account::parse(text)
        .ok_or_else(|| BankError::storage(format!("the bank holds `{text}` where an account should be")))
}
