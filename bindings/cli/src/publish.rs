//! `merit publish BOOK RECORDS… --out DIR`: the notice board (公示) written to a
//! folder. The pages are the engine's ([`merit::publish`]); this file scores the
//! records, reads the ledger when `--db` is given, and writes the files.

use std::path::{Path, PathBuf};

use clap::Args;
use merit::Bank;
use merit::Lang;
use merit::{LedgerFigures, PublishOptions, publish};

use crate::Outcome;
use crate::cli::LabelInputArgs;

#[derive(Args, Debug)]
pub struct PublishArgs {
    /// The rulebook (YAML).
    pub book: PathBuf,
    #[command(flatten)]
    pub input: LabelInputArgs,
    /// The folder to write the board into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Show names as 张*明 / 欧**华 / 李*: no full name anywhere in the folder.
    #[arg(long)]
    pub mask: bool,
    /// A moral-bank ledger (a SQLite file or a postgres:// URL): show its head
    /// (COUNT:HASH) and each member's balance.
    #[arg(long, value_name = "DB")]
    pub db: Option<PathBuf>,
}

pub fn run(args: &PublishArgs, color: bool) -> Outcome {
    let (book, report) = match crate::rank::score(&args.book, &args.input, color, true) {
        Ok(scored) => scored,
        Err(outcome) => return outcome,
    };
    let ledger = match &args.db {
        None => None,
        Some(db) => match ledger(db) {
            Ok(figures) => Some(figures),
            Err(message) => {
                eprintln!("error: {message}");
                return Outcome::DataErrors;
            }
        },
    };
    let options = PublishOptions {
        period: args.input.period.clone(),
        mask: args.mask,
        // Chinese unless asked: a notice board is for the residents.
        lang: args
            .input
            .base
            .lang
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or(Lang::Zh),
        ledger,
    };
    let files = match publish(&book, &report, &options) {
        Ok(files) => files,
        Err(error) => return Outcome::Usage(error.to_string()),
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return Outcome::Usage(format!("cannot create {}: {e}", args.out.display()));
    }
    for file in &files {
        let path = args.out.join(&file.name);
        if let Err(e) = std::fs::write(&path, &file.contents) {
            return Outcome::Usage(format!("cannot write {}: {e}", path.display()));
        }
    }
    if let Err(message) = remove_stale_pages(&args.out, &files) {
        return Outcome::Usage(message);
    }
    eprintln!(
        "{} page(s) written to {}; open {}",
        files.len() - 1,
        args.out.display(),
        args.out.join("index.html").display()
    );
    crate::rank::rejected(&report)
}

/// Removes member pages of an earlier board in the same folder that this one did
/// not write: a board of fewer members, or an unmasked one, must not leave pages
/// (and names) behind.
fn remove_stale_pages(out: &Path, files: &[merit::BoardFile]) -> Result<(), String> {
    let entries = std::fs::read_dir(out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let page = name.starts_with("member-") && name.ends_with(".html");
        if page && !files.iter().any(|f| f.name == name) {
            std::fs::remove_file(entry.path()).map_err(|e| format!("cannot remove {name}: {e}"))?;
        }
    }
    Ok(())
}

/// The ledger's head (`COUNT:HASH`, DESIGN section 8.4) and every member's balance.
/// `db` is a SQLite file or a `postgres://` URL; a ledger that does not exist is an
/// error, never created here.
fn ledger(db: &Path) -> Result<LedgerFigures, String> {
    let failed = |e: merit::BankError| format!("{}: {e}", db.display());
    let mut bank = Bank::open_location(db).map_err(failed)?;
    let balances = bank
        .balances()
        .map_err(failed)?
        .into_iter()
        .filter_map(|(account, balance)| Some((account.member_id()?.to_owned(), balance)))
        .collect();
    Ok(LedgerFigures {
        head: Some(bank.head().map_err(failed)?.to_string()),
        balances,
    })
}
