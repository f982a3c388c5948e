//! `merit score BOOK RECORDS…`: the report as a table, JSON or CSV, or one
//! member's awards as sentences.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use merit::explain::{Lang, explain_member};

use crate::Outcome;
use crate::cli::{OutputFormat, ScoreArgs};
use crate::input::{Inputs, load_book};
use crate::render;

/// Inputs larger than this show a progress spinner on a terminal (about 100k records).
const PROGRESS_BYTES: usize = 8 << 20;

pub fn run(args: &ScoreArgs, color: bool) -> Outcome {
    let book = match load_book(&args.book, color) {
        Ok(Some(book)) => book,
        Ok(None) => return Outcome::DataErrors,
        Err(message) => return Outcome::Usage(message),
    };

    let inputs = match Inputs::read(&args.input) {
        Ok(inputs) => inputs,
        Err(message) => return Outcome::Usage(message),
    };
    let progress = (inputs.bytes > PROGRESS_BYTES && std::io::stderr().is_terminal()).then(spinner);
    if let Some(bar) = &progress {
        bar.set_message(format!("reading {} MB of records", inputs.bytes >> 20));
    }
    let records = match inputs.records(&book) {
        Ok(records) => records,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::DataErrors;
        }
    };
    if let Some(bar) = &progress {
        bar.set_message(format!("scoring {} records", records.len()));
    }
    let report = book.score(&records, inputs.members.as_ref(), &inputs.options);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let lang = inputs.options.lang.unwrap_or_else(|| Lang::for_book(&book));
    let output = match &args.explain {
        Some(member) => match explain_member(&book, &report, member, lang) {
            Some(text) => text,
            None => return Outcome::Usage(format!("member `{member}` has no records in this report")),
        },
        None => match args.format {
            OutputFormat::Json => report.to_json(),
            OutputFormat::Csv => render::csv(&report),
            OutputFormat::Table => render::table(&book, &report, color && std::io::stdout().is_terminal()),
        },
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(output.as_bytes()).and_then(|()| stdout.flush())
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Outcome::Usage(format!("cannot write the report: {error}"));
    }
    if report.rejected.is_empty() {
        Outcome::Ok
    } else {
        eprintln!(
            "{} record(s) rejected; they are listed under `rejected` (--format json) with the reason",
            report.rejected.len()
        );
        Outcome::DataErrors
    }
}

fn spinner() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
