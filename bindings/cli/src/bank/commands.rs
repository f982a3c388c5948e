//! Each `merit bank` subcommand run: the engine called, its answer printed.

use std::path::Path;

use jiff::civil::Date;
use merit::Redeem;
use rust_decimal::Decimal;

use super::output::{difference_line, json, kind_zh, print, receipt_out, right_align, table};
use super::*;
use crate::Outcome;
use crate::cli::InputArgs;

pub(super) fn run_command(command: &BankCommand, color: bool) -> Result<Outcome, Failure> {
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

pub(super) fn post(
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

pub(super) fn reconcile(
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
