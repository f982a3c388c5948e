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
use merit::{Bank, BankError, LedgerHead, Receipt, Redeem};
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

fn run_command(command: &BankCommand, color: bool) -> Result<Outcome, Failure> {
    match command {
        BankCommand::Init { db, book } => {
            let existed = db.db.exists();
            let mut bank = db.create()?;
            if let Some(path) = book {
                bank.adopt(bank_settings(path, color)?, merit::AdoptSettings::Init(today()))?;
            }
            let what = if existed { "exists" } else { "created" };
            print(&format!("{}: bank {what}\n", db.db.display()))
        }
        BankCommand::Post {
            book,
            input,
            db,
            init,
            date,
            output,
        } => post(
            book,
            input,
            db,
            *init,
            date.unwrap_or_else(today),
            output.format,
            color,
        ),
        BankCommand::Reconcile {
            book,
            input,
            db,
            output,
        } => reconcile(book, input, db, output.format, color),
        BankCommand::Settings { book, db, from } => {
            let settings = bank_settings(book, color)?;
            let changes = db.open()?.adopt(settings, merit::AdoptSettings::From(*from))?;
            let what = if changes.is_empty() {
                "no change".to_owned()
            } else {
                changes.join("; ")
            };
            print(&format!("bank settings from {from}: {what}\n"))
        }
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
            lang,
            output,
        } => {
            let mut bank = open(db, None, color)?;
            bank.lang = lang_arg(lang)?;
            let statement = bank.statement(member, *from, *to)?;
            let text = match output.format {
                BankFormat::Json => json(&statement),
                BankFormat::Table => {
                    let zh = bank.statement_lang() == merit::Lang::Zh;
                    let header: &[&str] = if zh {
                        &["#", "日期", "所得日", "类型", "金额", "余额", "来源"]
                    } else {
                        &["#", "date", "earned", "kind", "amount", "balance", "source"]
                    };
                    let mut table = table(header);
                    for m in &statement.movements {
                        let mut source = m.description.clone();
                        if let Some(by) = m.reversed_by {
                            source.push_str(&if zh {
                                format!("（已由 #{by} 冲正）")
                            } else {
                                format!(" (reversed by #{by})")
                            });
                        }
                        if !m.owed.is_zero() {
                            source.push_str(&if zh {
                                format!("；欠款 {:+}", m.owed)
                            } else {
                                format!("; owed {:+}", m.owed)
                            });
                        }
                        table.add_row(vec![
                            m.txn.to_string(),
                            m.date.to_string(),
                            m.earned.map(|d| d.to_string()).unwrap_or_default(),
                            if zh { kind_zh(m.kind) } else { m.kind }.to_owned(),
                            m.amount.to_string(),
                            m.balance.to_string(),
                            source,
                        ]);
                    }
                    right_align(&mut table, 4);
                    right_align(&mut table, 5);
                    let span = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "…".into());
                    let owed = if statement.owed.is_zero() {
                        String::new()
                    } else if zh {
                        format!("；欠款 {}（以后所得先还）", statement.owed)
                    } else {
                        format!("; owed {} (repaid first from later earnings)", statement.owed)
                    };
                    if zh {
                        format!(
                            "{member}，{} 至 {}：期初余额 {}\n{table}\n期末余额 {}{owed}\n",
                            span(statement.from),
                            span(statement.to),
                            statement.opening,
                            statement.closing
                        )
                    } else {
                        format!(
                            "{member}, {} .. {}: opening balance {}\n{table}\nclosing balance {}{owed}\n",
                            span(statement.from),
                            span(statement.to),
                            statement.opening,
                            statement.closing
                        )
                    }
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
            let mut to = Db { db: target.clone() }.create()?;
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

/// A movement's kind in Chinese.
fn kind_zh(kind: &str) -> &str {
    match kind {
        "earn" => "所得",
        "adjust" => "调整",
        "redeem" => "兑换",
        "transfer" => "转赠",
        "reverse" => "冲正",
        "expire" => "过期",
        other => other,
    }
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

fn difference_line(d: &merit::LedgerDifference) -> String {
    let mut records = Vec::new();
    if !d.added.is_empty() {
        records.push(format!("added {}", d.added.join(", ")));
    }
    if !d.removed.is_empty() {
        records.push(format!("removed {}", d.removed.join(", ")));
    }
    let records = if records.is_empty() {
        String::new()
    } else {
        format!(" [{}]", records.join("; "))
    };
    format!(
        "{} {} {}: ledger {}, report {} ({}){records}",
        d.member,
        d.rule,
        d.date,
        d.held,
        d.report,
        d.why.join(", ")
    )
}

fn post(
    book_path: &Path,
    input: &InputArgs,
    db: &Db,
    init: bool,
    on: Date,
    format: BankFormat,
    color: bool,
) -> Result<Outcome, Failure> {
    let (book, report) = score(book_path, input, color)?;
    let mut bank = if init { db.create()? } else { db.open()? };
    let summary = bank.post(&book, &report, on)?;
    let text = match format {
        BankFormat::Json => json(&summary),
        BankFormat::Table => {
            let mut out = format!(
                "posted {} earning(s) and adjustment(s), {} credits; {} already posted\n",
                summary.posted, summary.credits, summary.already_posted
            );
            out.push_str(&format!(
                "not posted: {} award(s) of rules bank.earn does not select, {} of 0 points or less, {} provisional\n",
                summary.not_selected, summary.not_positive, summary.provisional
            ));
            for d in &summary.adjustments {
                out.push_str(&format!("adjusted: {}\n", difference_line(d)));
            }
            for r in &summary.refused {
                out.push_str(&format!("refused: {r}\n"));
            }
            out
        }
    };
    print(&text)?;
    Ok(if report.rejected.is_empty() && summary.refused.is_empty() {
        Outcome::Ok
    } else {
        Outcome::DataErrors
    })
}

fn reconcile(
    book_path: &Path,
    input: &InputArgs,
    db: &Db,
    format: BankFormat,
    color: bool,
) -> Result<Outcome, Failure> {
    let (book, report) = score(book_path, input, color)?;
    let mut bank = db.open()?;
    let differences = bank.reconcile(&book, &report)?;
    let text = match format {
        BankFormat::Json => json(&differences),
        BankFormat::Table => {
            let mut out: String = differences
                .iter()
                .map(|d| format!("{}\n", difference_line(d)))
                .collect();
            out.push_str(&format!(
                "{} difference(s) between the ledger and the report\n",
                differences.len()
            ));
            out
        }
    };
    print(&text)?;
    Ok(if differences.is_empty() {
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
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    // What serde leaves raw in strings (DEL, C1 controls, bidi overrides) as JSON
    // escapes: the same JSON, safe on a terminal. Newlines are the layout's.
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if c != '\n' && merit::is_terminal_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
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

/// Prints bank output; member ids, notes and reasons come from outside, so
/// control and bidi characters are shown escaped ([`merit::escape`]).
fn print(text: &str) -> Result<Outcome, Failure> {
    let text = merit::terminal_text(text);
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("cannot write the output: {error}")))
        }
        _ => Ok(Outcome::Ok),
    }
}
