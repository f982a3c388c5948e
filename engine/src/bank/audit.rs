//! Reading the ledger back: statements for members, and verification of every
//! invariant, including a replay of the whole journal from empty.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use super::chain::{ChainCheck, Head};
use super::error::BankError;
use super::model::{Account, Source, Txn, decimal_text};
use super::store::{Journal, MemoryStore};
use crate::words::Lang;

/// A member's movements between two dates, with the balances around them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The member's id.
    pub member: String,
    /// The first day shown (`None`: from the start).
    #[serde(with = "crate::value::option_date_text")]
    pub from: Option<Date>,
    /// The last day shown (`None`: to the end).
    #[serde(with = "crate::value::option_date_text")]
    pub to: Option<Date>,
    /// The balance before `from` (0 without `from`).
    #[serde(with = "decimal_text")]
    pub opening: Decimal,
    /// Every movement in the dates, in ledger order.
    pub movements: Vec<Movement>,
    /// `opening` plus every movement.
    #[serde(with = "decimal_text")]
    pub closing: Decimal,
    /// What the member owes at the end (credits taken back beyond its balance,
    /// repaid first from later earnings).
    #[serde(with = "decimal_text")]
    pub owed: Decimal,
}

/// One transaction as a member's statement shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Movement {
    /// The transaction's id.
    pub txn: u64,
    /// The day it was booked.
    #[serde(with = "crate::value::date_text")]
    pub date: Date,
    /// `earn`, `adjust`, `redeem`, `transfer`, `reverse` or `expire`.
    pub kind: &'static str,
    /// What it added to the member's credits (negative: took).
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// The balance after it, in statement order.
    #[serde(with = "decimal_text")]
    pub balance: Decimal,
    /// For earnings and adjustments: the award's date, the day the credits were
    /// earned (the movement's `date` is the day it was booked).
    #[serde(with = "crate::value::option_date_text")]
    pub earned: Option<Date>,
    /// What it added to the member's debt (negative: repaid).
    #[serde(with = "decimal_text")]
    pub owed: Decimal,
    /// The other side(s): `issuance`, `member:m2`, `redemptions:grain-shop`, …
    pub counterparts: Vec<Account>,
    /// Where it came from: award rule, records and explanation; item; transfer.
    pub source: Source,
    /// For a reversal, the source of the transaction it reversed.
    pub reverses: Option<Source>,
    /// The transaction that later reversed this one, if any.
    pub reversed_by: Option<u64>,
    /// One line for people.
    pub description: String,
}

pub fn statement(
    journal: &mut dyn Journal,
    member: &str,
    from: Option<Date>,
    to: Option<Date>,
    lang: Lang,
) -> Result<Statement, BankError> {
    let account = Account::member(member);
    let owed_account = Account::Owed(member.to_owned());
    let mut owed = Decimal::ZERO;
    let mut txns = journal.member_txns(member)?;
    txns.sort_by_key(|t| (t.date, t.id));
    let mut opening = Decimal::ZERO;
    let mut movements = Vec::new();
    let mut balance = Decimal::ZERO;
    for txn in txns {
        let amount = txn.amount_for(&account);
        let debt = -txn.amount_for(&owed_account);
        if to.is_none_or(|to| txn.date <= to) {
            owed += debt;
        }
        if from.is_some_and(|from| txn.date < from) {
            opening += amount;
            balance = opening;
            continue;
        }
        if to.is_some_and(|to| txn.date > to) {
            continue;
        }
        balance += amount;
        let reverses = match &txn.source {
            Source::Reverse { txn: id, .. } => journal.txn(*id)?.map(|t| t.source),
            _ => None,
        };
        let description = match &reverses {
            Some(original) => format!(
                "{} ({})",
                txn.source.describe_in(lang),
                original.describe_in(lang)
            ),
            None => txn.source.describe_in(lang),
        };
        let earned = txn
            .award()
            .filter(|_| matches!(txn.source, Source::Earn { .. }))
            .map(|(key, _)| key.date);
        movements.push(Movement {
            txn: txn.id,
            date: txn.date,
            kind: txn.source.kind(),
            amount,
            balance,
            earned,
            owed: debt,
            counterparts: txn.counterparts(&account).into_iter().cloned().collect(),
            reversed_by: journal.reversal_of(txn.id)?,
            reverses,
            description,
            source: txn.source,
        });
    }
    Ok(Statement {
        member: member.to_owned(),
        from,
        to,
        opening,
        closing: balance,
        owed,
        movements,
    })
}

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Transactions replayed.
    pub transactions: u64,
    /// Accounts with postings.
    pub accounts: usize,
    /// Members with an account.
    pub members: usize,
    /// Credits members hold.
    #[serde(with = "decimal_text")]
    pub outstanding: Decimal,
    /// Every broken invariant, in words; empty when the ledger is sound.
    pub problems: Vec<String>,
}

impl Verification {
    /// Whether every invariant held (no problem listed).
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every invariant: each transaction balances; all balances sum to zero; no
/// member is negative; open lots sum to each member's balance; replaying the
/// journal from empty reproduces every balance and every lot; every hash of the
/// chain is what the transaction's contents give, and `head`, when given, is the
/// chain's state after its first COUNT transactions.
pub fn verify_head(journal: &mut dyn Journal, head: Option<Head>) -> Result<Verification, BankError> {
    let mut report = Verification::default();
    let mut chain = ChainCheck::new(head);
    let mut replay = MemoryStore::new();
    let mut problems = Vec::new();
    journal.each_txn(&mut |txn: Txn| {
        let sum: Decimal = txn.postings.iter().map(|p| p.amount).sum();
        if !sum.is_zero() && problems.len() < 100 {
            problems.push(format!(
                "transaction #{} does not balance: its postings sum to {sum}",
                txn.id
            ));
        }
        if txn.id != report.transactions + 1 && problems.len() < 100 {
            problems.push(format!(
                "transaction #{} follows #{}",
                txn.id, report.transactions
            ));
        }
        report.transactions = txn.id;
        // The chain is checked on the transaction as stored.
        chain.see(&txn);
        let mut txn = txn;
        // Reversals written before they named their award: the award of the original.
        if let Source::Reverse {
            txn: original,
            award: award @ None,
            ..
        } = &mut txn.source
        {
            *award = Journal::txn(&mut replay, *original)?
                .and_then(|t| t.award())
                .map(|(key, _)| key);
        }
        replay.apply(txn);
        Ok(())
    })?;
    problems.extend(chain.problems());
    report.problems = problems;
    let problems = &mut report.problems;

    let stored = journal.balances()?;
    let total: Decimal = stored.iter().map(|(_, b)| *b).sum();
    if !total.is_zero() {
        problems.push(format!("the balances sum to {total}, not 0"));
    }
    report.accounts = stored.len();
    let mut lots_by_member: BTreeMap<String, Decimal> = BTreeMap::new();
    for lot in replay.all_lots() {
        if lot.remaining < Decimal::ZERO || lot.remaining > lot.amount {
            problems.push(format!(
                "lot {} of {} has {} remaining of {}",
                lot.id, lot.member, lot.remaining, lot.amount
            ));
        }
        *lots_by_member.entry(lot.member.clone()).or_default() += lot.remaining;
    }
    for (account, balance) in &stored {
        if let Account::Owed(member) = account
            && *balance > Decimal::ZERO
        {
            problems.push(format!(
                "owed:{member} is positive: {balance} (a debt is negative)"
            ));
        }
        if let Some(member) = account.member_id() {
            report.members += 1;
            report.outstanding += *balance;
            if *balance < Decimal::ZERO {
                problems.push(format!("{account} is negative: {balance}"));
            }
            let in_lots = lots_by_member.get(member).copied().unwrap_or_default();
            if in_lots != *balance {
                problems.push(format!(
                    "{account} has {balance} but its open lots hold {in_lots}"
                ));
            }
        }
    }
    for (member, in_lots) in &lots_by_member {
        if !in_lots.is_zero() && !stored.iter().any(|(a, _)| a.member_id() == Some(member)) {
            problems.push(format!(
                "the lots of member:{member} hold {in_lots} but its balance is 0"
            ));
        }
    }
    let replayed = Journal::balances(&mut replay)?;
    if replayed != stored {
        for (account, balance) in &stored {
            let again = replayed.iter().find(|(a, _)| a == account).map(|(_, b)| *b);
            if again != Some(*balance) {
                problems.push(format!(
                    "{account} is stored as {balance}; replaying the journal gives {}",
                    again.unwrap_or_default()
                ));
            }
        }
        for (account, balance) in &replayed {
            if !stored.iter().any(|(a, _)| a == account) {
                problems.push(format!(
                    "replaying the journal gives {account} {balance}; it is not stored"
                ));
            }
        }
    }
    // Open lots as stored must be the open lots the journal replays to.
    let mut stored_open = Vec::new();
    for (account, _) in &stored {
        if let Some(member) = account.member_id() {
            stored_open.extend(journal.open_lots(member)?);
        }
    }
    stored_open.sort_by_key(|l| l.id);
    let replayed_open: Vec<_> = replay
        .all_lots()
        .iter()
        .filter(|l| l.remaining > Decimal::ZERO)
        .cloned()
        .collect();
    if stored_open != replayed_open {
        let differ = stored_open
            .iter()
            .zip(&replayed_open)
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!(": lot {} is stored as {:?}, replayed as {:?}", a.id, a, b))
            .unwrap_or_default();
        problems.push(format!(
            "{} open lots are stored, {} replayed{differ}",
            stored_open.len(),
            replayed_open.len()
        ));
    }
    // The credits held per award must be what the journal's earnings, adjustments
    // and reversals sum to.
    let mut wrong_awards = 0;
    for (key, held) in replay.all_awards() {
        let stored = journal.award(key)?;
        if stored.as_ref().map(|h| h.credits) != Some(held.credits) {
            wrong_awards += 1;
            if wrong_awards <= 10 {
                problems.push(format!(
                    "award {} {} {} of `{}` is stored as {}; replaying the journal gives {}",
                    key.member,
                    key.rule,
                    key.date,
                    key.book,
                    stored
                        .map(|h| h.credits.to_string())
                        .unwrap_or_else(|| "nothing".into()),
                    held.credits
                ));
            }
        }
    }
    Ok(report)
}
