//! How `merit bank` prints the engine's answers: tables, JSON, receipts and
//! differences, in English or Chinese; every text from records and rulebooks escaped.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use merit::{Bank, Receipt};
use serde::Serialize;

use super::*;
use crate::Outcome;

/// A movement's kind in Chinese.
pub(super) fn kind_zh(kind: &str) -> &str {
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

pub(super) fn difference_line(d: &merit::LedgerDifference) -> String {
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

#[derive(Serialize)]
struct ReceiptOut<'a> {
    #[serde(flatten)]
    receipt: &'a Receipt,
    balances: serde_json::Map<String, serde_json::Value>,
}

pub(super) fn receipt_out(
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

pub(super) fn json(value: &impl Serialize) -> String {
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

pub(super) fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.force_no_tty();
    table.set_header(header.to_vec());
    table
}

pub(super) fn right_align(table: &mut Table, column: usize) {
    if let Some(column) = table.column_mut(column) {
        column.set_cell_alignment(CellAlignment::Right);
    }
}

/// Prints bank output; member ids, notes and reasons come from outside, so
/// control and bidi characters are shown escaped ([`merit::terminal_text`]).
pub(super) fn print(text: &str) -> Result<Outcome, Failure> {
    let text = merit::terminal_text(text);
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Usage(format!("cannot write the output: {error}")))
        }
        _ => Ok(Outcome::Ok),
    }
}
