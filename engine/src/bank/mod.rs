//! The moral bank (道德银行): an exact, double-entry ledger of credits that members
//! earn from awards and redeem at partner shops.
//!
//! - **Exact**: credits are [`Decimal`]s with the rulebook's `unit.decimals` places;
//!   they are stored and shown as text, never as floats.
//! - **Double entry**: every [`Txn`] has postings that sum to zero across accounts
//!   (`member:ID`, `issuance`, `redemptions[:PARTNER]`, `expiry`).
//! - **Never negative**: spending, transfers and reversals that a balance does not
//!   cover are refused with [`ErrorKind::InsufficientCredits`].
//! - **Never lost, traceable**: each earning keeps its award's rule, records and
//!   explanation; [`Bank::statement`] shows every movement with its source;
//!   [`Bank::verify`] replays the journal from empty and checks every invariant.
//! - **Idempotent**: earnings are keyed by (rulebook, rule, member, award date,
//!   records), so posting the same report, or an overlapping period, again changes
//!   nothing; redemptions and transfers take a caller's key.
//! - **First-in first-out**: earned credits are lots dated by their award; spending
//!   and expiry draw on the oldest first. A transfer keeps the lots' dates, so a gift
//!   does not restart the expiry clock.
//!
//! Storage is a [`Store`]: [`MemoryStore`] (tests, previews, WASM) or, with the
//! `sqlite` feature, `SqliteStore` (one file, WAL, `BEGIN IMMEDIATE`).
//!
//! ## Earn and redeem
//!
//! ```
//! use merit::bank::{Bank, Redeem};
//! use merit::{Format, Records, Rulebook, ScoreOptions};
//!
//! let book = Rulebook::from_yaml(r#"
//! id: deeds
//! unit: { name: points, decimals: 1 }
//! fields: { hours: decimal? }
//! rules:
//!   - { id: help, tags: [bank], when: kind == "help", points: hours * 10 }
//! bank:
//!   earn: { tags: [bank], rate: 1 }
//!   expire_after: 24 months
//!   catalog: [{ id: rice, title: Rice 5kg, price: 50, partner: grain-shop }]
//! "#, "deeds.yaml")?;
//! let mut records = Records::new();
//! records.read(&book, br#"{"id": "r1", "member": "m1", "kind": "help", "date": "2026-03-02", "hours": 7.5}"#,
//!     Format::Jsonl, "deeds.jsonl")?;
//! let report = book.score(&records, None, &ScoreOptions::default());
//!
//! let mut bank = Bank::in_memory();
//! assert_eq!(bank.post(&book, &report)?.posted, 1);
//! assert_eq!(bank.post(&book, &report)?.posted, 0); // idempotent
//! let date = jiff::civil::date(2026, 3, 20);
//! bank.redeem("m1", &Redeem::Item("rice".into()), "order-1", date)?;
//! assert_eq!(bank.balance("m1")?.to_string(), "25.0");
//! let short = bank.redeem("m1", &Redeem::Item("rice".into()), "order-2", date).unwrap_err();
//! assert_eq!(short.code(), "insufficient-credits");
//! assert!(bank.verify()?.ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod audit;
pub mod chain;
#[cfg(all(test, feature = "sqlite"))]
mod chain_tests;
mod error;
mod ledger;
mod migrate;
mod model;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(all(test, feature = "sqlite", feature = "postgres"))]
mod postgres_tests;
pub mod settings;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
#[cfg(test)]
mod tests;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::book::Rulebook;
use crate::report::{AwardReport, Report};

pub use audit::{Movement, Statement, Verification};
pub use chain::Head;
pub use error::{BankError, ErrorKind};
pub use migrate::Migration;
pub use model::{Account, Lot, LotMove, NewLot, NewTxn, Posting, Source, Txn, decimal_text};
#[cfg(feature = "postgres")]
pub use postgres::PgStore;
pub use settings::{BankSettings, Earn, ExpireAfter, Item};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::{Access, Journal, MemoryStore, Store};

/// Where the bank remembers the settings of the rulebook it last posted.
const SETTINGS_META: &str = "settings";

/// What to redeem: a catalog item or an amount of credits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redeem {
    /// A catalog item's id (its price and partner come from `bank.catalog`).
    Item(String),
    Amount(Decimal),
}

/// The result of an operation: its transaction, and whether it had been done
/// already (the same key asked again: nothing new was stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub txn: Txn,
    pub replayed: bool,
}

/// What posting a report did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PostSummary {
    /// New earnings stored.
    pub posted: u64,
    /// Credits they carry.
    #[serde(with = "decimal_text")]
    pub credits: Decimal,
    /// Awards posted before (same key, same amount): nothing done.
    pub already_posted: u64,
    /// Awards of rules `bank.earn` does not select.
    pub not_selected: u64,
    /// Awards of 0 points or less: deductions do not take credits back (reverse the
    /// earning instead).
    pub not_positive: u64,
    /// Awards whose window had not closed: they may still change, so they wait.
    pub provisional: u64,
    /// Awards posted before with a different amount (the rulebook or the records
    /// changed): left as they were; reverse the old earning to post the new one.
    pub conflicts: Vec<Conflict>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub txn: u64,
    pub member: String,
    pub rule: String,
    pub date: Date,
    #[serde(with = "decimal_text")]
    pub stored: Decimal,
    #[serde(with = "decimal_text")]
    pub now: Decimal,
}

/// A bank: the ledger's operations over one [`Store`].
pub struct Bank {
    store: Box<dyn Store>,
    settings: Option<BankSettings>,
    /// Earnings committed per unit of work when posting (default 1000): a post
    /// interrupted midway keeps its committed batches and completes on the next post.
    pub batch: usize,
}

impl Bank {
    /// A bank in memory (for tests, previews and WASM).
    pub fn in_memory() -> Bank {
        Bank::with_store(Box::new(MemoryStore::new())).expect("a memory store cannot fail")
    }

    /// Opens (creating if needed) a SQLite bank file; it remembers the bank settings
    /// of the last rulebook posted into it.
    #[cfg(feature = "sqlite")]
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Bank, BankError> {
        Bank::with_store(Box::new(SqliteStore::open(path)?))
    }

    /// Opens the bank at `location`: a `postgres://` or `postgresql://` URL (feature
    /// `postgres`), else a SQLite file path (created if missing).
    #[cfg(feature = "sqlite")]
    pub fn open_location(location: &str) -> Result<Bank, BankError> {
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            return Bank::with_store(Box::new(PgStore::open(location)?));
            #[cfg(not(feature = "postgres"))]
            return Err(BankError::storage(
                "this merit was built without PostgreSQL (the engine's `postgres` feature)",
            ));
        }
        Bank::open(location)
    }

    pub fn with_store(mut store: Box<dyn Store>) -> Result<Bank, BankError> {
        let mut stored = None;
        store.transact(Access::Read, &mut |j| {
            stored = j.meta(SETTINGS_META)?;
            Ok(())
        })?;
        let settings = stored.map(|s| serde_json::from_str(&s)).transpose()?;
        Ok(Bank {
            store,
            settings,
            batch: 1000,
        })
    }

    /// The bank settings in use: the last posted rulebook's, or those set.
    pub fn settings(&self) -> Option<&BankSettings> {
        self.settings.as_ref()
    }

    /// Uses these settings (catalog, expiry, decimals) from now on, without storing them.
    pub fn use_settings(&mut self, settings: BankSettings) {
        self.settings = Some(settings);
    }

    fn run<T>(
        &mut self,
        access: Access,
        mut work: impl FnMut(&mut dyn Journal, Option<&BankSettings>) -> Result<T, BankError>,
    ) -> Result<T, BankError> {
        let settings = self.settings.as_ref();
        let mut out = None;
        self.store.transact(access, &mut |j| {
            out = Some(work(j, settings)?);
            Ok(())
        })?;
        Ok(out.expect("the work ran"))
    }

    /// Posts the credits of a report's awards from the rules `bank.earn` selects:
    /// one transaction per member per award, credits = points × rate rounded to the
    /// unit's places. Awards posted before are recognised by their key and skipped.
    pub fn post(&mut self, book: &Rulebook, report: &Report) -> Result<PostSummary, BankError> {
        let Some(settings) = book.bank.clone() else {
            return Err(BankError::new(
                ErrorKind::NoSettings,
                format!("the rulebook `{}` has no `bank:` section", book.id),
            ));
        };
        if report.rulebook.digest != book.digest {
            return Err(BankError::new(
                ErrorKind::WrongRulebook,
                format!(
                    "the report was made with rulebook `{}` {}, not with `{}` {}",
                    report.rulebook.id, report.rulebook.digest, book.id, book.digest
                ),
            ));
        }
        let mut summary = PostSummary::default();
        let mut awards: Vec<(&str, &AwardReport)> = Vec::new();
        for member in &report.members {
            for award in member.periods.iter().flat_map(|p| &p.awards) {
                let selected = book
                    .rules
                    .iter()
                    .any(|r| r.id == award.rule && settings.earn.selects(r));
                if !selected {
                    summary.not_selected += 1;
                } else if award.provisional {
                    summary.provisional += 1;
                } else if award.points <= Decimal::ZERO {
                    summary.not_positive += 1;
                } else {
                    awards.push((&member.member, award));
                }
            }
        }
        let json = serde_json::to_string(&settings)?;
        self.run(Access::Write, |j, _| j.set_meta(SETTINGS_META, &json))?;
        self.settings = Some(settings.clone());
        for chunk in awards.chunks(self.batch.max(1)) {
            let done = self.run(Access::Write, |j, _| post_chunk(j, &settings, chunk))?;
            summary.posted += done.posted;
            summary.credits += done.credits;
            summary.already_posted += done.already_posted;
            summary.not_positive += done.not_positive;
            summary.conflicts.extend(done.conflicts);
        }
        Ok(summary)
    }

    /// Redeems a catalog item or an amount for `member` on `date`, once per `key`:
    /// asking again with the same key returns the first redemption. Credits past
    /// `expire_after` on `date` expire first; a short balance is refused.
    pub fn redeem(
        &mut self,
        member: &str,
        what: &Redeem,
        key: &str,
        date: Date,
    ) -> Result<Receipt, BankError> {
        let (amount, item) = match what {
            Redeem::Amount(amount) => (ledger::check_amount(*amount, self.settings.as_ref())?, None),
            Redeem::Item(id) => {
                let settings = self.settings.as_ref().ok_or_else(|| {
                    BankError::new(
                        ErrorKind::NoSettings,
                        "this bank has no catalog yet: post a report with a rulebook that has `bank.catalog`, or give the rulebook",
                    )
                })?;
                let item = settings.catalog.iter().find(|i| &i.id == id).ok_or_else(|| {
                    let known: Vec<&str> = settings.catalog.iter().map(|i| i.id.as_str()).collect();
                    BankError::new(
                        ErrorKind::UnknownItem,
                        format!("no catalog item `{id}`; the catalog has: {}", known.join(", ")),
                    )
                })?;
                (ledger::scaled(item.price, Some(settings)), Some(item.clone()))
            }
        };
        let partner = item.as_ref().and_then(|i| i.partner.clone());
        let source = Source::Redeem {
            member: member.to_owned(),
            item: item.as_ref().map(|i| i.id.clone()),
            title: item.as_ref().map(|i| i.title.clone()),
            partner: partner.clone(),
        };
        let mut txn = NewTxn {
            date,
            key: Some(format!("redeem:{key}")),
            source,
            postings: vec![
                Posting {
                    account: Account::member(member),
                    amount: -amount,
                },
                Posting {
                    account: Account::Redemptions(partner),
                    amount,
                },
            ],
            lots: Vec::new(),
            moves: Vec::new(),
        };
        let what = match &item {
            Some(item) => format!("redeeming `{}`", item.id),
            None => "the redemption".to_owned(),
        };
        self.run(Access::Write, |j, settings| {
            if let Some(done) = ledger::replay(j, &format!("redeem:{key}"), &txn)? {
                return Ok(Receipt {
                    txn: done,
                    replayed: true,
                });
            }
            txn.moves = ledger::spend(j, settings, member, amount, date, &what)?.0;
            Ok(Receipt {
                txn: j.append(txn.clone())?,
                replayed: false,
            })
        })
    }

    /// Moves `amount` credits from one member to another (a donation), once per `key`.
    /// The receiver gets the giver's oldest lots with their earn dates.
    pub fn transfer(
        &mut self,
        from: &str,
        to: &str,
        amount: Decimal,
        key: &str,
        date: Date,
        note: Option<&str>,
    ) -> Result<Receipt, BankError> {
        let amount = ledger::check_amount(amount, self.settings.as_ref())?;
        if from == to {
            return Err(BankError::new(
                ErrorKind::InvalidAmount,
                format!("a transfer needs two members; both are {from}"),
            ));
        }
        let mut txn = NewTxn {
            date,
            key: Some(format!("transfer:{key}")),
            source: Source::Transfer {
                from: from.to_owned(),
                to: to.to_owned(),
                note: note.map(str::to_owned),
            },
            postings: vec![
                Posting {
                    account: Account::member(from),
                    amount: -amount,
                },
                Posting {
                    account: Account::member(to),
                    amount,
                },
            ],
            lots: Vec::new(),
            moves: Vec::new(),
        };
        self.run(Access::Write, |j, settings| {
            if let Some(done) = ledger::replay(j, &format!("transfer:{key}"), &txn)? {
                return Ok(Receipt {
                    txn: done,
                    replayed: true,
                });
            }
            let (moves, taken) = ledger::spend(j, settings, from, amount, date, "the transfer")?;
            txn.moves = moves;
            txn.lots = taken
                .into_iter()
                .map(|(_, earned, amount)| NewLot {
                    member: to.to_owned(),
                    earned,
                    amount,
                })
                .collect();
            Ok(Receipt {
                txn: j.append(txn.clone())?,
                replayed: false,
            })
        })
    }

    /// Reverses transaction `txn` on `date` with a reason. Refused if it would make
    /// a balance negative (the credits were spent); reversing twice returns the
    /// first reversal.
    pub fn reverse(&mut self, txn: u64, reason: &str, date: Date) -> Result<Receipt, BankError> {
        self.run(Access::Write, |j, _| {
            let original = j.txn(txn)?.ok_or_else(|| {
                BankError::new(
                    ErrorKind::UnknownTransaction,
                    format!("there is no transaction #{txn}"),
                )
            })?;
            if let Some(done) = j.reversal_of(txn)? {
                let done = j
                    .txn(done)?
                    .ok_or_else(|| BankError::storage("a reversal is missing"))?;
                return Ok(Receipt {
                    txn: done,
                    replayed: true,
                });
            }
            let new = ledger::reverse(j, &original, reason, date)?;
            Ok(Receipt {
                txn: j.append(new)?,
                replayed: false,
            })
        })
    }

    /// Expires, first-in first-out, every lot older than `expire_after` on `as_of`:
    /// one transaction per member. Nothing expires without `expire_after`.
    pub fn expire(&mut self, as_of: Date) -> Result<Vec<Txn>, BankError> {
        self.run(Access::Write, |j, settings| {
            let Some(after) = settings.and_then(|s| s.expire_after) else {
                return Ok(Vec::new());
            };
            let due: Vec<Lot> = j
                .open_lots_earned_by(as_of)?
                .into_iter()
                .filter(|l| after.expires_on(l.earned) <= as_of)
                .collect();
            let mut done = Vec::new();
            for lots in due.chunk_by(|a, b| a.member == b.member) {
                done.extend(ledger::expire_lots(j, &lots[0].member, as_of, lots)?);
            }
            Ok(done)
        })
    }

    /// A member's credits (0 for a member the bank has never seen).
    pub fn balance(&mut self, member: &str) -> Result<Decimal, BankError> {
        self.run(Access::Read, |j, settings| {
            Ok(ledger::scaled(j.balance(&Account::member(member))?, settings))
        })
    }

    /// Every account with a non-zero balance (members, issuance, redemptions, expiry).
    pub fn balances(&mut self) -> Result<Vec<(Account, Decimal)>, BankError> {
        self.run(Access::Read, |j, _| j.balances())
    }

    /// A member's open lots, oldest first (what will be spent or expire next).
    pub fn lots(&mut self, member: &str) -> Result<Vec<Lot>, BankError> {
        self.run(Access::Read, |j, _| j.open_lots(member))
    }

    pub fn transaction(&mut self, id: u64) -> Result<Option<Txn>, BankError> {
        self.run(Access::Read, |j, _| j.txn(id))
    }

    /// Every movement of a member's credits dated `from..=to`, with the balance
    /// before and after.
    pub fn statement(
        &mut self,
        member: &str,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Statement, BankError> {
        self.run(Access::Read, |j, _| audit::statement(j, member, from, to))
    }

    /// Checks every invariant of the ledger (see [`Verification`]), the hash chain
    /// included.
    pub fn verify(&mut self) -> Result<Verification, BankError> {
        self.run(Access::Read, |j, _| audit::verify_head(j, None))
    }

    /// [`Bank::verify`], and proves that the first `head.count` transactions are
    /// those of a head published earlier.
    pub fn verify_head(&mut self, head: &Head) -> Result<Verification, BankError> {
        self.run(Access::Read, |j, _| audit::verify_head(j, Some(head.clone())))
    }

    /// The end of the hash chain, `COUNT:HASH` when displayed: what an office posts
    /// on its notice board.
    pub fn head(&mut self) -> Result<Head, BankError> {
        self.run(Access::Read, |j, _| j.head())
    }
}

/// The key of an earning: the same award of the same rulebook always has it.
pub fn earn_key(book: &str, member: &str, award: &AwardReport) -> String {
    let mut hasher = Sha256::new();
    for part in [book, award.rule.as_str(), member, &award.date.to_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    for record in &award.records {
        hasher.update(record.as_bytes());
        hasher.update([0]);
    }
    let hash: String = hasher.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("earn:{}:{member}:{}:{hash}", award.rule, award.date)
}

fn post_chunk(
    journal: &mut dyn Journal,
    settings: &BankSettings,
    awards: &[(&str, &AwardReport)],
) -> Result<PostSummary, BankError> {
    let mut summary = PostSummary::default();
    for &(member, award) in awards {
        let credits = ledger::scaled(
            crate::book::Unit {
                name: String::new(),
                decimals: settings.decimals,
            }
            .round(award.points * settings.earn.rate),
            Some(settings),
        );
        if credits <= Decimal::ZERO {
            summary.not_positive += 1;
            continue;
        }
        let key = earn_key(&settings.book, member, award);
        if let Some(stored) = journal.find_key(&key)? {
            let before = stored.amount_for(&Account::member(member));
            if before == credits {
                summary.already_posted += 1;
            } else {
                summary.conflicts.push(Conflict {
                    txn: stored.id,
                    member: member.to_owned(),
                    rule: award.rule.clone(),
                    date: award.date,
                    stored: before,
                    now: credits,
                });
            }
            continue;
        }
        let source = Source::Earn {
            book: settings.book.clone(),
            rule: award.rule.clone(),
            member: member.to_owned(),
            points: award.points,
            rate: settings.earn.rate,
            records: award.records.clone(),
            explain: award.explain.clone(),
        };
        journal.append(ledger::earn(member, award.date, credits, key, source))?;
        summary.posted += 1;
        summary.credits += credits;
    }
    Ok(summary)
}
