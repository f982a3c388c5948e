//! `merit bank …`: the moral bank in a SQLite file. Glue only: every rule of the
//! ledger is in `merit::bank`.
//!
//! Where the catalog comes from: `post` stores the rulebook's `bank:` settings in the
//! bank file, so `redeem`, `transfer` and `expire` use those; `--book` overrides them
//! (and is needed before anything was posted).

use std::io::Write;

use clap::{Args, Subcommand};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use jiff::civil::Date;
use merit::Rulebook;
use merit::bank::{Bank, BankError, Head, Receipt, Redeem};
use rust_decimal::Decimal;
use serde::Serialize;

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
    /// The bank: a SQLite file (created if missing) or a `postgres://` URL (one ledger
    /// for many offices). Default: the MERIT_BANK_URL environment variable.
    #[arg(long, value_name = "FILE|URL", env = "MERIT_BANK_URL", hide_env_values = true)]
    pub db: PathBuf,
}

impl Db {
    /// Opens the bank it names (a URL, or a file path even when not UTF-8).
    pub fn open(&self) -> Result<Bank, BankError> {
        match self.db.to_str() {
            Some(location) => Bank::open_location(location),
            None => Bank::open(&self.db),
        }
    }
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
    /// Score records and post the credits of the awards `bank.earn` selects (idempotent).
    Post {
        /// The rulebook (YAML) with a `bank:` section.
        book: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        output: Output,
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
        output: Output,
    },
    /// Check every invariant of the ledger and its hash chain (exit 1 if one is broken).
    Verify {
        #[command(flatten)]
        db: Db,
        /// Also prove that the first COUNT transactions are those of this head (as
        /// `bank head` printed it earlier, e.g. on a notice board).
        #[arg(long, value_name = "COUNT:HASH")]
        head: Option<Head>,
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
            eprintln!("error: {error}");
            Outcome::DataErrors
        }
    }
}

enum Failure {
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
            Some(settings) => bank.use_settings(settings),
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

fn run_command(command: &BankCommand, color: bool) -> Result<Outcome, Failure> {
    match command {
        BankCommand::Post {
            book,
            input,
            db,
            output,
        } => post(book, input, db, output.format, color),
        BankCommand::Redeem {
            db,
            member,
            item,
            amount,
            key,
            settings,
            output,
        } => {
            let mut bank = open(db, settings.book.as_deref(), color)?;
            let what = match (item, amount) {
                (Some(item), _) => Redeem::Item(item.clone()),
                (None, Some(amount)) => Redeem::Amount(*amount),
                (None, None) => return Err(Failure::Usage("give --item or --amount".into())),
            };
            let receipt = bank.redeem(member, &what, key, settings.date.unwrap_or_else(today))?;
            receipt_out(&mut bank, &receipt, &[member], output.format)
        }
        BankCommand::Transfer {
            db,
            giver,
            receiver,
            amount,
            key,
            note,
            settings,
            output,
        } => {
            let mut bank = open(db, settings.book.as_deref(), color)?;
            let date = settings.date.unwrap_or_else(today);
            let receipt = bank.transfer(giver, receiver, *amount, key, date, note.as_deref())?;
            receipt_out(&mut bank, &receipt, &[giver, receiver], output.format)
        }
        BankCommand::Reverse {
            db,
            txn,
            reason,
            date,
            output,
        } => {
            let mut bank = open(db, None, color)?;
            let receipt = bank.reverse(*txn, reason, date.unwrap_or_else(today))?;
            let members: Vec<String> = receipt
                .txn
                .postings
                .iter()
                .filter_map(|p| p.account.member_id().map(str::to_owned))
                .collect();
            let members: Vec<&String> = members.iter().collect();
            receipt_out(&mut bank, &receipt, &members, output.format)
        }
        BankCommand::Expire {
            db,
            as_of,
            book,
            output,
        } => {
            let mut bank = open(db, book.as_deref(), color)?;
            if bank.settings().and_then(|s| s.expire_after).is_none() {
                eprintln!("note: the bank settings have no `expire_after`: nothing expires");
            }
            let txns = bank.expire(*as_of)?;
            let text = match output.format {
                BankFormat::Json => json(&txns),
                BankFormat::Table => {
                    let mut out = String::new();
                    for txn in &txns {
                        let (member, amount) = txn
                            .postings
                            .iter()
                            .find_map(|p| p.account.member_id().map(|m| (m, -p.amount)))
                            .unwrap_or_default();
                        out.push_str(&format!("#{}  {member}: {amount} credits expired\n", txn.id));
                    }
                    out.push_str(&format!(
                        "{} member(s) had credits expire as of {as_of}\n",
                        txns.len()
                    ));
                    out
                }
            };
            print(&text)
        }
        BankCommand::Balance { db, member, output } => {
            let mut bank = open(db, None, color)?;
            let rows: Vec<(String, Decimal)> = match member {
                Some(member) => vec![(format!("member:{member}"), bank.balance(member)?)],
                None => bank
                    .balances()?
                    .into_iter()
                    .map(|(a, b)| (a.to_string(), b))
                    .collect(),
            };
            let text = match output.format {
                BankFormat::Json => {
                    let map: serde_json::Map<String, serde_json::Value> =
                        rows.into_iter().map(|(a, b)| (a, b.to_string().into())).collect();
                    json(&map)
                }
                BankFormat::Table => {
                    let mut table = table(&["account", "balance"]);
                    for (account, balance) in rows {
                        table.add_row(vec![account, balance.to_string()]);
                    }
                    right_align(&mut table, 1);
                    format!("{table}\n")
                }
            };
            print(&text)
        }
        BankCommand::Statement {
            db,
            member,
            from,
            to,
            output,
        } => {
            let mut bank = open(db, None, color)?;
            let statement = bank.statement(member, *from, *to)?;
            let text = match output.format {
                BankFormat::Json => json(&statement),
                BankFormat::Table => {
                    let mut table = table(&["#", "date", "kind", "amount", "balance", "source"]);
                    for m in &statement.movements {
                        let mut source = m.description.clone();
                        if let Some(by) = m.reversed_by {
                            source.push_str(&format!(" (reversed by #{by})"));
                        }
                        table.add_row(vec![
                            m.txn.to_string(),
                            m.date.to_string(),
                            m.kind.to_owned(),
                            m.amount.to_string(),
                            m.balance.to_string(),
                            source,
                        ]);
                    }
                    right_align(&mut table, 3);
                    right_align(&mut table, 4);
                    let span = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "…".into());
                    format!(
                        "{member}, {} .. {}: opening balance {}\n{table}\nclosing balance {}\n",
                        span(statement.from),
                        span(statement.to),
                        statement.opening,
                        statement.closing
                    )
                }
            };
            print(&text)
        }
        BankCommand::Migrate {
            source,
            target,
            output,
        } => {
            let mut from = Db { db: source.clone() }.open()?;
            let mut to = Db { db: target.clone() }.open()?;
            let moved = from.migrate_to(&mut to)?;
            print(&match output.format {
                BankFormat::Json => json(&moved),
                BankFormat::Table => format!(
                    "moved {} transactions; {} accounts hold the same balances in both; both verify; head {}\n",
                    moved.transactions, moved.accounts, moved.head
                ),
            })
        }
        BankCommand::Head { db, output } => {
            let head = open(db, None, color)?.head()?;
            print(&match output.format {
                BankFormat::Json => json(&head),
                BankFormat::Table => format!("{head}\n"),
            })
        }
        BankCommand::Verify { db, head, output } => {
            let mut bank = open(db, None, color)?;
            let report = match head {
                Some(head) => bank.verify_head(head)?,
                None => bank.verify()?,
            };
            let text = match output.format {
                BankFormat::Json => json(&report),
                BankFormat::Table => {
                    let mut out = String::new();
                    for problem in &report.problems {
                        out.push_str(&format!("problem: {problem}\n"));
                    }
                    out.push_str(&format!(
                        "{}: {} transactions, {} accounts, {} members holding {} credits\n",
                        if report.ok() { "ok" } else { "BROKEN" },
                        report.transactions,
                        report.accounts,
                        report.members,
                        report.outstanding
                    ));
                    out
                }
            };
            print(&text)?;
            Ok(if report.ok() {
                Outcome::Ok
            } else {
                Outcome::DataErrors
            })
        }
    }
}

fn post(
    book_path: &Path,
    input: &InputArgs,
    db: &Db,
    format: BankFormat,
    color: bool,
) -> Result<Outcome, Failure> {
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
    let mut bank = db.open()?;
    let summary = bank.post(&book, &report)?;
    let text = match format {
        BankFormat::Json => json(&summary),
        BankFormat::Table => {
            let mut out = format!(
                "posted {} earning(s), {} credits; {} already posted\n",
                summary.posted, summary.credits, summary.already_posted
            );
            out.push_str(&format!(
                "not posted: {} award(s) of rules bank.earn does not select, {} of 0 points or less, {} provisional\n",
                summary.not_selected, summary.not_positive, summary.provisional
            ));
            for c in &summary.conflicts {
                out.push_str(&format!(
                    "conflict: {} {} {}: #{} holds {}, the report now gives {} (reverse #{} to post the new figure)\n",
                    c.member, c.rule, c.date, c.txn, c.stored, c.now, c.txn
                ));
            }
            out
        }
    };
    print(&text)?;
    if !report.rejected.is_empty() {
        eprintln!(
            "{} record(s) rejected and not posted; `merit score --format json` lists them with the reason",
            report.rejected.len()
        );
    }
    Ok(if report.rejected.is_empty() && summary.conflicts.is_empty() {
        Outcome::Ok
    } else {
        Outcome::DataErrors
    })
}

#[derive(Serialize)]
struct ReceiptOut<'a> {
    #[serde(flatten)]
    receipt: &'a Receipt,
    balances: serde_json::Map<String, serde_json::Value>,
}

fn receipt_out(
    bank: &mut Bank,
    receipt: &Receipt,
    members: &[&String],
    format: BankFormat,
) -> Result<Outcome, Failure> {
    let mut balances = serde_json::Map::new();
    for member in members {
        balances.insert(member.to_string(), bank.balance(member)?.to_string().into());
    }
    let text = match format {
        BankFormat::Json => json(&ReceiptOut {
            receipt,
            balances: balances.clone(),
        }),
        BankFormat::Table => {
            let done = if receipt.replayed {
                " (already done: nothing changed)"
            } else {
                ""
            };
            let mut out = format!(
                "#{} {}: {}{done}\n",
                receipt.txn.id,
                receipt.txn.date,
                receipt.txn.source.describe()
            );
            for (member, balance) in &balances {
                out.push_str(&format!(
                    "{member}: {} credits\n",
                    balance.as_str().unwrap_or_default()
                ));
            }
            out
        }
    };
    print(&text)
}

fn json(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.force_no_tty();
    table.set_header(header.to_vec());
    table
}

fn right_align(table: &mut Table, column: usize) {
    if let Some(column) = table.column_mut(column) {
        column.set_cell_alignment(CellAlignment::Right);
    }
}

fn print(text: &str) -> Result<Outcome, Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("cannot write the output: {error}")))
        }
        _ => Ok(Outcome::Ok),
    }
}
