//! `merit bank …`: the moral bank in a SQLite file. Glue only: every rule of the
//! ledger is in the engine ([`merit::Bank`]).
//!
//! Where the catalog comes from: `post` stores the rulebook's `bank:` settings in the
//! bank file, so `redeem`, `transfer` and `expire` use those; `--book` overrides them
//! (and is needed before anything was posted).
//!
//! | file | job |
//! | --- | --- |
//! | `mod.rs` | the subcommands' arguments; opening the bank, loading and scoring a rulebook |
//! | `commands.rs` | each subcommand run: the engine called, its answer printed |
//! | `output.rs` | how answers are printed: tables, JSON, receipts, differences, in both languages |

mod commands;
mod output;

use commands::run_command;

use clap::{Args, Subcommand};
use jiff::civil::Date;
use merit::Rulebook;
use merit::{Bank, BankError, LedgerHead};
use rust_decimal::Decimal;

use crate::Outcome;
use crate::cli::InputArgs;
use crate::input::Inputs;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct BankArgs {
    #[command(subcommand)]
    pub command: BankCommand,
}

#[derive(Args, Debug)]
pub struct Db {
    /// The bank: a SQLite file or a `postgres://` URL (one ledger for many offices).
    /// A file must exist: only `bank init` (or `post --init`) creates one. Default:
    /// the MERIT_BANK_URL environment variable.
    #[arg(long, value_name = "FILE|URL", env = "MERIT_BANK_URL", hide_env_values = true)]
    pub db: PathBuf,
}

impl Db {
    /// Opens the bank it names (a URL, or a file path even when not UTF-8).
    pub fn open(&self) -> Result<Bank, BankError> {
        Bank::open_location(&self.db)
    }

    /// Creates the bank it names (`bank init`, `post --init`).
    pub fn create(&self) -> Result<Bank, BankError> {
        Bank::create_location(&self.db)
    }
}

#[derive(Args, Debug)]
pub struct LangArg {
    /// Language of statements: zh or en (default: the rulebook's).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

#[derive(Args, Debug)]
pub struct Output {
    /// Output format.
    #[arg(long, value_enum, default_value_t = BankFormat::Table)]
    pub format: BankFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BankFormat {
    Table,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum BankCommand {
    /// Create a bank file, with a rulebook's bank settings when given.
    Init {
        #[command(flatten)]
        db: Db,
        /// The rulebook whose `bank:` settings (unit, expiry, catalog) the ledger keeps.
        book: Option<PathBuf>,
    },
    /// Score records and make the ledger's credits equal the report's awards, per
    /// member, rule and award date within the report's range (idempotent).
    Post {
        /// The rulebook (YAML) with a `bank:` section.
        book: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        db: Db,
        /// Create the bank file if it does not exist.
        #[arg(long)]
        init: bool,
        /// The day of posting: earnings and adjustments are booked on it (default: today).
        #[arg(long, value_name = "DATE")]
        date: Option<Date>,
        #[command(flatten)]
        output: Output,
    },
    /// List every award whose credits in the ledger differ from the report's,
    /// without posting (exit 1 when any differ).
    Reconcile {
        book: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        output: Output,
    },
    /// Record a change of bank settings (expiry, catalog) in effect from a date;
    /// credits earned before keep the expiry they were earned under.
    Settings {
        book: PathBuf,
        #[command(flatten)]
        db: Db,
        #[arg(long = "from", value_name = "DATE")]
        from: Date,
    },
    /// Redeem a catalog item or an amount for a member (once per --key).
    Redeem {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        member: String,
        /// A catalog item's id.
        #[arg(long, required_unless_present = "amount", conflicts_with = "amount")]
        item: Option<String>,
        /// An amount of credits.
        #[arg(long)]
        amount: Option<Decimal>,
        /// Idempotency key: the same key redeems once, however often it is asked.
        #[arg(long)]
        key: String,
        #[command(flatten)]
        settings: Settings,
        #[command(flatten)]
        output: Output,
    },
    /// Give credits from one member to another (once per --key).
    Transfer {
        #[command(flatten)]
        db: Db,
        #[arg(long = "from", value_name = "MEMBER")]
        giver: String,
        #[arg(long = "to", value_name = "MEMBER")]
        receiver: String,
        #[arg(long)]
        amount: Decimal,
        #[arg(long)]
        key: String,
        /// Why, shown on both statements.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        settings: Settings,
        #[command(flatten)]
        output: Output,
    },
    /// Reverse a transaction (refused if the credits were already spent).
    Reverse {
        #[command(flatten)]
        db: Db,
        /// The transaction number (`#12` in statements).
        txn: u64,
        #[arg(long)]
        reason: String,
        /// The reversal's date (default: today).
        #[arg(long, value_name = "DATE")]
        date: Option<Date>,
        #[command(flatten)]
        output: Output,
    },
    /// Expire credits older than `bank.expire_after`, first-in first-out.
    Expire {
        #[command(flatten)]
        db: Db,
        #[arg(long = "as-of", value_name = "DATE")]
        as_of: Date,
        /// Use this rulebook's `bank:` settings instead of those stored by `post`.
        #[arg(long, value_name = "BOOK")]
        book: Option<PathBuf>,
        #[command(flatten)]
        output: Output,
    },
    /// One member's credits, or every account's.
    Balance {
        #[command(flatten)]
        db: Db,
        member: Option<String>,
        #[command(flatten)]
        output: Output,
    },
    /// A member's movements with their sources, and the balance before and after.
    Statement {
        #[command(flatten)]
        db: Db,
        member: String,
        #[arg(long, value_name = "DATE")]
        from: Option<Date>,
        #[arg(long, value_name = "DATE")]
        to: Option<Date>,
        #[command(flatten)]
        lang: LangArg,
        #[command(flatten)]
        output: Output,
    },
    /// Check every invariant of the ledger and its hash chain (exit 1 if one is broken).
    Verify {
        #[command(flatten)]
        db: Db,
        /// Also prove that the first COUNT transactions are those of this head (as
        /// `bank head` printed it earlier, e.g. on a notice board).
        #[arg(long, value_name = "COUNT:HASH")]
        head: Option<LedgerHead>,
        #[command(flatten)]
        output: Output,
    },
    /// Move a ledger into an empty bank (SQLite file or postgres:// URL), verified
    /// before and after: same transactions, balances and head.
    Migrate {
        /// The bank to copy (a SQLite file or a postgres:// URL).
        #[arg(long = "from", value_name = "FILE|URL")]
        source: PathBuf,
        /// The empty bank to copy into (created if a missing SQLite file).
        #[arg(long = "to", value_name = "FILE|URL")]
        target: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// Print the ledger's head, COUNT:HASH: post it where residents see it; `bank
    /// verify --head` proves later that those transactions were not changed.
    Head {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        output: Output,
    },
}

#[derive(Args, Debug)]
pub struct Settings {
    /// Use this rulebook's `bank:` settings (catalog, expiry) instead of those stored by `post`.
    #[arg(long, value_name = "BOOK")]
    pub book: Option<PathBuf>,
    /// The operation's date (default: today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
}

pub fn run(args: &BankArgs, color: bool) -> Outcome {
    match run_command(&args.command, color) {
        Ok(outcome) => outcome,
        Err(Failure::Usage(message)) => Outcome::Usage(message),
        Err(Failure::Printed) => Outcome::DataErrors,
        Err(Failure::Bank(error)) => {
            eprintln!("error: {}", merit::terminal_line(error.localized()));
            Outcome::DataErrors
        }
    }
}

pub(crate) enum Failure {
    Usage(String),
    /// Already printed (rulebook diagnostics).
    Printed,
    Bank(BankError),
}

impl From<BankError> for Failure {
    fn from(error: BankError) -> Failure {
        Failure::Bank(error)
    }
}

fn today() -> Date {
    jiff::Zoned::now().date()
}

fn load_book(path: &Path, color: bool) -> Result<Rulebook, Failure> {
    match crate::input::load_book(path, color) {
        Ok(Some(book)) => Ok(book),
        Ok(None) => Err(Failure::Printed),
        Err(message) => Err(Failure::Usage(message)),
    }
}

fn open(db: &Db, book: Option<&Path>, color: bool) -> Result<Bank, Failure> {
    let mut bank = db.open()?;
    if let Some(path) = book {
        let book = load_book(path, color)?;
        match book.bank {
            Some(settings) => {
                bank.adopt(settings, merit::AdoptSettings::Use)?;
            }
            None => {
                return Err(Failure::Usage(format!(
                    "{} has no `bank:` section",
                    path.display()
                )));
            }
        }
    }
    Ok(bank)
}

/// Loads a rulebook's `bank:` settings, with its language.
fn bank_settings(path: &Path, color: bool) -> Result<merit::BankSettings, Failure> {
    let book = load_book(path, color)?;
    Bank::settings_of(&book).map_err(|_| Failure::Usage(format!("{} has no `bank:` section", path.display())))
}

fn lang_arg(lang: &LangArg) -> Result<Option<merit::Lang>, Failure> {
    lang.lang
        .as_deref()
        .map(|l| merit::parse_lang(l).map_err(|e| Failure::Usage(e.to_string())))
        .transpose()
}

/// Loads the rulebook and scores the records for `post` and `reconcile`.
fn score(book_path: &Path, input: &InputArgs, color: bool) -> Result<(Rulebook, merit::Report), Failure> {
    let book = load_book(book_path, color)?;
    if book.bank.is_none() {
        return Err(Failure::Usage(format!(
            "{} has no `bank:` section: add one, e.g. `bank: {{ earn: {{ tags: [bank], rate: 1 }} }}`",
            book_path.display()
        )));
    }
    let inputs = Inputs::read(input).map_err(Failure::Usage)?;
    let records = inputs.records(&book).map_err(|message| {
        eprintln!("error: {message}");
        Failure::Printed
    })?;
    let report = book.score(&records, inputs.members.as_ref(), &inputs.options);
    if !report.rejected.is_empty() {
        eprintln!(
            "{} record(s) rejected and not counted; `merit score --format json` lists them with the reason",
            report.rejected.len()
        );
    }
    Ok((book, report))
}
