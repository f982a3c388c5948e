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
//! - **Equal to the report** (DESIGN §8.3): a post makes the credits from a rulebook,
//!   per member, rule and award date within the report's range, equal to the report's
//!   awards, booking earnings and adjustments that name the records and why (late,
//!   corrected, removed records; a changed rule). What a member already spent and the
//!   report takes back is **owed** (`owed:ID`) and repaid first from later earnings.
//!   Posting the same report again changes nothing; [`Bank::reconcile`] lists the
//!   differences without posting. Redemptions and transfers take a caller's key.
//! - **Honest dates**: earnings and adjustments are booked on the posting day and keep
//!   their award's date as the day earned; nothing is spent, given or reversed before
//!   a member's latest movement, so a statement never shows a negative balance.
//! - **Settings kept**: the ledger keeps the bank settings it was opened with and
//!   their history ([`History`]); credits keep the expiry they were earned under.
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
//! use merit::{Bank, Redeem};
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
//! let date = jiff::civil::date(2026, 3, 20);
//! assert_eq!(bank.post(&book, &report, date)?.posted, 1);
//! assert_eq!(bank.post(&book, &report, date)?.posted, 0); // idempotent
//! bank.redeem("m1", &Redeem::Item("rice".into()), "order-1", date)?;
//! assert_eq!(bank.balance("m1")?.to_string(), "25.0");
//! let short = bank.redeem("m1", &Redeem::Item("rice".into()), "order-2", date).unwrap_err();
//! assert_eq!(short.code(), "insufficient-credits");
//! assert!(bank.verify()?.ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod adopt;
mod audit;
mod chain;
#[cfg(all(test, feature = "sqlite"))]
mod chain_tests;
mod error;
mod history;
mod ledger;
mod migrate;
mod model;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(all(test, feature = "sqlite", feature = "postgres"))]
mod postgres_tests;
mod reconcile;
use crate::book::bank as settings;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
#[cfg(test)]
mod tests;
mod words;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::book::Rulebook;
use crate::report::Report;
use crate::words::Lang;

pub use adopt::AdoptSettings;
pub use audit::{Movement, Statement, Verification};
pub use chain::Head;
pub use error::{BankError, ErrorKind};
pub use history::History;
use model::decimal_text;
pub use model::{Account, Lot, NewLot, NewTxn, Posting, Source, Txn};
#[cfg(feature = "postgres")]
pub use postgres::PgStore;
pub use reconcile::Difference;
pub use settings::BankSettings;
use settings::Item;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::{Access, Journal, MemoryStore, Store};

/// Where the bank keeps the settings in use (read by older merits).
const SETTINGS_META: &str = "settings";
/// Where the bank keeps every version of its settings.
const HISTORY_META: &str = "settings_history";

/// What to redeem: a catalog item or an amount of credits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redeem {
    /// A catalog item's id or title (its price and partner come from `bank.catalog`).
    Item(String),
    /// An amount of credits.
    Amount(Decimal),
}

/// The result of an operation: its transaction, and whether it had been done
/// already (the same key asked again: nothing new was stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The transaction booked (or the one booked before with the same key).
    pub txn: Txn,
    /// Whether the key had been used: nothing new was booked.
    pub replayed: bool,
}

/// What posting a report did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PostSummary {
    /// Earnings and adjustments stored.
    pub posted: u64,
    /// Credits they carry (adjustments taking credits back count negative).
    #[serde(with = "decimal_text")]
    pub credits: Decimal,
    /// Awards the ledger already held at the report's figure: nothing done.
    pub already_posted: u64,
    /// Awards of rules `bank.earn` does not select.
    pub not_selected: u64,
    /// Awards of 0 points or less: they earn no credits.
    pub not_positive: u64,
    /// Awards whose window had not closed: they may still change, so they wait.
    pub provisional: u64,
    /// Awards posted before whose figure changed (late, corrected or removed
    /// records, a changed rule): each was adjusted to the report's figure.
    pub adjustments: Vec<Difference>,
    /// Awards left alone because their credits are too large to carry, with why.
    pub refused: Vec<String>,
}

/// A bank: the ledger's operations over one store (a SQLite file, PostgreSQL, or memory).
pub struct Bank {
    store: Box<dyn Store>,
    history: History,
    /// The language of statements (default: the rulebook's, from its settings).
    pub lang: Option<Lang>,
    /// Awards reconciled per unit of work when posting (default 1000): a post
    /// interrupted midway keeps its committed batches and completes on the next post.
    pub batch: usize,
}

impl Bank {
    /// A bank in memory (for tests, previews and WASM).
    pub fn in_memory() -> Bank {
        Bank::with_store(Box::new(MemoryStore::new())).expect("a memory store cannot fail")
    }

    /// Opens an existing SQLite bank file (a missing file is an error with kind
    /// [`ErrorKind::NoBank`]: only [`Bank::create`] makes one). A file that cannot
    /// be written opens read-only.
    #[cfg(feature = "sqlite")]
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Bank, BankError> {
        Bank::with_store(Box::new(SqliteStore::open(path)?))
    }

    /// Creates a SQLite bank file (or opens the one there).
    #[cfg(feature = "sqlite")]
    pub fn create(path: impl AsRef<std::path::Path>) -> Result<Bank, BankError> {
        Bank::with_store(Box::new(SqliteStore::create(path)?))
    }

    /// Opens the bank at `location`: a `postgres://` or `postgresql://` URL (feature
    /// `postgres`), else an existing SQLite file (never created here).
    #[cfg(feature = "sqlite")]
    pub fn open_location(location: impl AsRef<std::path::Path>) -> Result<Bank, BankError> {
        let location = location.as_ref();
        match postgres_url(location) {
            Some(url) => Bank::open_postgres(url),
            None => Bank::open(location),
        }
    }

    /// [`Bank::open_location`] for a new ledger: a PostgreSQL database gets merit's
    /// tables, a SQLite path a new file.
    #[cfg(feature = "sqlite")]
    pub fn create_location(location: impl AsRef<std::path::Path>) -> Result<Bank, BankError> {
        let location = location.as_ref();
        match postgres_url(location) {
            Some(url) => Bank::open_postgres(url),
            None => Bank::create(location),
        }
    }

    #[cfg(feature = "sqlite")]
    fn open_postgres(url: &str) -> Result<Bank, BankError> {
        #[cfg(feature = "postgres")]
        return Bank::with_store(Box::new(PgStore::open(url)?));
        #[cfg(not(feature = "postgres"))]
        {
            let _ = url;
            Err(BankError::storage(
                "this merit was built without PostgreSQL (the engine's `postgres` feature)",
            ))
        }
    }

    /// A bank over any storage (what `open` and `in_memory` use).
    pub fn with_store(mut store: Box<dyn Store>) -> Result<Bank, BankError> {
        let mut stored = (None, None);
        store.transact(Access::Read, &mut |j| {
            stored = (j.meta(HISTORY_META)?, j.meta(SETTINGS_META)?);
            Ok(())
        })?;
        let history = match stored {
            (Some(history), _) => serde_json::from_str(&history)?,
            (None, Some(settings)) => History {
                versions: vec![history::Version {
                    from: None,
                    settings: serde_json::from_str(&settings)?,
                }],
            },
            (None, None) => History::default(),
        };
        Ok(Bank {
            store,
            history,
            lang: None,
            batch: 1000,
        })
    }

    /// The bank settings in use.
    pub fn settings(&self) -> Option<&BankSettings> {
        self.history.current()
    }

    /// Every version of the bank's settings.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Uses these settings (a rulebook given for its catalog) without storing them:
    /// refused when the ledger keeps other settings.
    pub fn use_settings(&mut self, settings: BankSettings) -> Result<(), BankError> {
        if self.history.versions.is_empty() {
            self.history
                .versions
                .push(history::Version { from: None, settings });
            Ok(())
        } else {
            self.history.check(&settings)
        }
    }

    /// Records `settings` as the ledger's from `from` on (`bank settings BOOK --from
    /// DATE`): credits earned before keep the expiry they were earned under.
    pub fn record_settings(&mut self, settings: BankSettings, from: Date) -> Result<(), BankError> {
        let mut history = self.history.clone();
        history.record(settings, from)?;
        self.store_history(history)
    }

    fn store_history(&mut self, history: History) -> Result<(), BankError> {
        let all = serde_json::to_string(&history)?;
        let current = serde_json::to_string(&history.current())?;
        self.store.transact(Access::Write, &mut |j| {
            j.set_meta(HISTORY_META, &all)?;
            j.set_meta(SETTINGS_META, &current)
        })?;
        self.history = history;
        Ok(())
    }

    /// The language statements are written in: the language set on the bank, else the settings'.
    pub fn statement_lang(&self) -> Lang {
        self.lang()
    }

    fn lang(&self) -> Lang {
        self.lang
            .or_else(|| {
                self.settings()
                    .and_then(|s| s.lang.as_deref())
                    .and_then(Lang::parse)
            })
            .unwrap_or(Lang::En)
    }

    fn run<T>(
        &mut self,
        access: Access,
        mut work: impl FnMut(&mut dyn Journal, &History) -> Result<T, BankError>,
    ) -> Result<T, BankError> {
        let lang = self.lang();
        let history = &self.history;
        let mut out = None;
        self.store
            .transact(access, &mut |j| {
                out = Some(work(j, history)?);
                Ok(())
            })
            .map_err(|mut error| {
                error.lang = Some(lang);
                error
            })?;
        Ok(out.expect("the work ran"))
    }

    /// Checks the rulebook and report, and the rulebook's settings against the
    /// ledger's (recording them when the ledger has none).
    fn settings_for(
        &mut self,
        book: &Rulebook,
        report: &Report,
        store: bool,
    ) -> Result<BankSettings, BankError> {
        let settings = Bank::settings_of(book)?;
        if report.rulebook.digest != book.digest {
            return Err(BankError::new(
                ErrorKind::WrongRulebook,
                format!(
                    "the report was made with rulebook `{}` {}, not with `{}` {}",
                    report.rulebook.id, report.rulebook.digest, book.id, book.digest
                ),
            ));
        }
        self.history.check(&settings)?;
        if store && self.history.versions.is_empty() {
            let mut history = History::default();
            history.versions.push(history::Version {
                from: None,
                settings: settings.clone(),
            });
            self.store_history(history)?;
        }
        Ok(settings)
    }

    /// Makes the ledger's credits from `book` equal to the report's awards (DESIGN
    /// §8.3), booking every earning and adjustment on `on` (the day of posting; a
    /// member's latest movement if later). Posting the same report again does nothing.
    pub fn post(&mut self, book: &Rulebook, report: &Report, on: Date) -> Result<PostSummary, BankError> {
        let settings = self.settings_for(book, report, true)?;
        let plan = reconcile::plan(book, &settings, report);
        let mut summary = PostSummary {
            not_selected: plan.not_selected,
            not_positive: plan.not_positive,
            provisional: plan.provisional.len() as u64 - plan.refused.len() as u64,
            refused: plan.refused.clone(),
            ..PostSummary::default()
        };
        let version = book.version.clone();
        let keys = self.run(Access::Read, |j, _| reconcile::keys(j, &settings.book, &plan))?;
        for chunk in keys.chunks(self.batch.max(1)) {
            let done = self.run(Access::Write, |j, _| {
                let mut done = PostSummary::default();
                for key in chunk {
                    let target = plan.targets.get(key);
                    match reconcile::difference(j, key, target, &version, &settings)? {
                        None => {
                            if target.is_some_and(|t| t.credits > Decimal::ZERO) {
                                done.already_posted += 1;
                            }
                        }
                        Some(difference) => {
                            let txn =
                                reconcile::posting(j, key, target, &difference, &settings, &version, on)?;
                            j.append(txn)?;
                            done.posted += 1;
                            done.credits += difference.report - difference.held;
                            if !difference.why.iter().any(|w| w == "first-post") {
                                done.adjustments.push(difference);
                            }
                        }
                    }
                }
                Ok(done)
            })?;
            summary.posted += done.posted;
            summary.credits += done.credits;
            summary.already_posted += done.already_posted;
            summary.adjustments.extend(done.adjustments);
        }
        Ok(summary)
    }

    /// Every award whose credits in the ledger differ from the report's, without
    /// posting anything (`bank reconcile`).
    pub fn reconcile(&mut self, book: &Rulebook, report: &Report) -> Result<Vec<Difference>, BankError> {
        let settings = self.settings_for(book, report, false)?;
        let plan = reconcile::plan(book, &settings, report);
        let version = book.version.clone();
        self.run(Access::Read, |j, _| {
            let mut out = Vec::new();
            for key in reconcile::keys(j, &settings.book, &plan)? {
                out.extend(reconcile::difference(
                    j,
                    &key,
                    plan.targets.get(&key),
                    &version,
                    &settings,
                )?);
            }
            Ok(out)
        })
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
            Redeem::Amount(amount) => (ledger::check_amount(*amount, self.settings())?, None),
            Redeem::Item(id) => {
                let settings = self.settings().ok_or_else(|| {
                    BankError::new(
                        ErrorKind::NoSettings,
                        "this bank has no catalog yet: post a report with a rulebook that has `bank.catalog`, or give the rulebook",
                    )
                })?;
                let item = find_item(settings, id)?;
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
        self.run(Access::Write, |j, history| {
            if let Some(done) = ledger::replay(j, &format!("redeem:{key}"), &txn)? {
                return Ok(Receipt {
                    txn: done,
                    replayed: true,
                });
            }
            txn.moves = ledger::spend(j, history, member, amount, date, &what)?.0;
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
        let amount = ledger::check_amount(amount, self.settings())?;
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
        self.run(Access::Write, |j, history| {
            if let Some(done) = ledger::replay(j, &format!("transfer:{key}"), &txn)? {
                return Ok(Receipt {
                    txn: done,
                    replayed: true,
                });
            }
            ledger::check_date(j, to, date, "the transfer")?;
            let (moves, taken) = ledger::spend(j, history, from, amount, date, "the transfer")?;
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
        self.run(Access::Write, |j, history| {
            let due: Vec<Lot> = j
                .open_lots_earned_by(as_of)?
                .into_iter()
                .filter(|l| ledger::is_due(history, l, as_of))
                .collect();
            let mut done = Vec::new();
            for lots in due.chunk_by(|a, b| a.member == b.member) {
                done.extend(ledger::expire_lots(j, &lots[0].member, as_of, lots)?);
            }
            Ok(done)
        })
    }

    /// A member's credits; a member without an account is an error
    /// ([`ErrorKind::UnknownMember`], with a did-you-mean).
    pub fn balance(&mut self, member: &str) -> Result<Decimal, BankError> {
        self.run(Access::Read, |j, history| {
            ledger::known_member(j, member)?;
            Ok(ledger::scaled(
                j.balance(&Account::member(member))?,
                history.current(),
            ))
        })
    }

    /// What a member owes (credits taken back beyond its balance; 0 when nothing).
    pub fn owed(&mut self, member: &str) -> Result<Decimal, BankError> {
        self.run(Access::Read, |j, history| {
            Ok(ledger::scaled(
                -j.balance(&Account::Owed(member.to_owned()))?,
                history.current(),
            ))
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

    /// One transaction by id, or `None`.
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
        let lang = self.lang();
        self.run(Access::Read, |j, history| {
            ledger::known_member(j, member)?;
            let mut statement = audit::statement(j, member, from, to, lang)?;
            let scale = |d: &mut Decimal| *d = ledger::scaled(*d, history.current());
            for figure in [
                &mut statement.opening,
                &mut statement.closing,
                &mut statement.owed,
            ] {
                scale(figure);
            }
            for m in &mut statement.movements {
                for figure in [&mut m.amount, &mut m.balance, &mut m.owed] {
                    scale(figure);
                }
            }
            Ok(statement)
        })
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

/// `zh` or `en`.
fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// A catalog item by id, or else by title; a did-you-mean among both when neither.
fn find_item<'a>(settings: &'a BankSettings, wanted: &str) -> Result<&'a Item, BankError> {
    let catalog = &settings.catalog;
    if let Some(item) = catalog
        .iter()
        .find(|i| i.id == wanted)
        .or_else(|| catalog.iter().find(|i| i.title == wanted))
    {
        return Ok(item);
    }
    let names = catalog.iter().flat_map(|i| [i.id.as_str(), i.title.as_str()]);
    let close = crate::diagnostic::did_you_mean(wanted, names);
    let hint = close.map(|c| format!("did you mean `{c}`? ")).unwrap_or_default();
    let hint_zh = close.map(|c| format!("是不是 `{c}`？")).unwrap_or_default();
    let known: Vec<String> = catalog
        .iter()
        .map(|i| format!("{} ({})", i.id, i.title))
        .collect();
    Err(BankError::new(
        ErrorKind::UnknownItem,
        format!(
            "no catalog item `{wanted}`; {hint}the catalog has: {}",
            known.join(", ")
        ),
    )
    .with_zh(format!(
        "兑换目录中没有 `{wanted}`；{hint_zh}目录：{}",
        known.join("、")
    )))
}

/// The URL when `location` names a PostgreSQL database rather than a SQLite file.
#[cfg(feature = "sqlite")]
fn postgres_url(location: &std::path::Path) -> Option<&str> {
    let text = location.to_str()?;
    (text.starts_with("postgres://") || text.starts_with("postgresql://")).then_some(text)
}
