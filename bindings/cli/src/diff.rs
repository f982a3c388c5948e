//! `merit diff OLD NEW RECORDS…`: what a rule change does to every member.

use comfy_table::Table;
use comfy_table::presets::UTF8_FULL_CONDENSED;

use crate::Outcome;
use crate::cli::{DiffArgs, OutputFormat};
use crate::input::{Inputs, load_book};

pub fn run(args: &DiffArgs, color: bool) -> Outcome {
    let (old, new) = match (load_book(&args.old, color), load_book(&args.new, color)) {
        (Ok(Some(old)), Ok(Some(new))) => (old, new),
        (Err(message), _) | (_, Err(message)) => return Outcome::Usage(message),
        _ => return Outcome::DataErrors,
    };
    let inputs = match Inputs::read(&args.input) {
        Ok(inputs) => inputs,
        Err(message) => return Outcome::Usage(message),
    };
    let (before, after) = match (inputs.records(&old), inputs.records(&new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("error: {message}");
            return Outcome::DataErrors;
        }
    };
    let before = old.score(&before, inputs.members.as_ref(), &inputs.options);
    let after = new.score(&after, inputs.members.as_ref(), &inputs.options);
    let changes = merit::changes(&merit::diff_reports(&new, &before, &after));
    match args.format {
        OutputFormat::Json => match serde_json::to_string_pretty(&changes) {
            Ok(text) => println!("{text}"),
            Err(error) => return Outcome::Usage(error.to_string()),
        },
        OutputFormat::Xlsx => {
            return Outcome::Usage("`merit diff` has no xlsx output; use table, json or csv".into());
        }
        OutputFormat::Table | OutputFormat::Csv => {
            let mut table = Table::new();
            table.load_style(UTF8_FULL_CONDENSED);
            table.set_header(["member", "period", "item", "before", "after", "change"]);
            for c in &changes {
                let change = c.change.map(|d| {
                    if d.is_sign_positive() {
                        format!("+{d}")
                    } else {
                        d.to_string()
                    }
                });
                table.add_row([
                    c.member.clone(),
                    c.period.clone(),
                    c.item.clone(),
                    c.before.clone().unwrap_or_else(|| "-".into()),
                    c.after.clone().unwrap_or_else(|| "-".into()),
                    change.unwrap_or_default(),
                ]);
            }
            println!("{table}");
            println!(
                "{} change(s) between {} and {}",
                changes.len(),
                args.old.display(),
                args.new.display()
            );
        }
    }
    Outcome::Ok
}
