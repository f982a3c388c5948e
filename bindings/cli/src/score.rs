//! `merit score BOOK RECORDS…`: the report as a table, JSON or CSV, or one
//! member's awards as sentences.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use merit::calendar::Per;
use merit::explain::{Lang, explain_member};
use merit::{Members, Records, ScoreOptions};

use crate::Outcome;
use crate::cli::{OutputFormat, ScoreArgs};
use crate::input::{format_of, load_book, read_bytes};
use crate::render;

/// Inputs larger than this show a progress spinner on a terminal (about 100k records).
const PROGRESS_BYTES: usize = 8 << 20;

pub fn run(args: &ScoreArgs, color: bool) -> Outcome {
    let book = match load_book(&args.book, color) {
        Ok(Some(book)) => book,
        Ok(None) => return Outcome::DataErrors,
        Err(message) => return Outcome::Usage(message),
    };

    let mut records = Records::new();
    let mut progress: Option<ProgressBar> = None;
    for path in &args.records {
        let format = match format_of(path, &args.stdin_format) {
            Ok(format) => format,
            Err(message) => return Outcome::Usage(message),
        };
        let bytes = match read_bytes(path) {
            Ok(bytes) => bytes,
            Err(message) => return Outcome::Usage(message),
        };
        if bytes.len() > PROGRESS_BYTES && std::io::stderr().is_terminal() {
            let bar = progress.get_or_insert_with(spinner);
            bar.set_message(format!("reading {} ({} MB)", path.display(), bytes.len() >> 20));
        }
        let name = path.display().to_string();
        if let Err(error) = records.read(&book, &bytes, format, &name) {
            eprintln!("error: {name}: {error}");
            return Outcome::DataErrors;
        }
    }
    let members = match &args.members {
        None => None,
        Some(path) => {
            let format = match format_of(path, "jsonl") {
                Ok(format) => format,
                Err(message) => return Outcome::Usage(message),
            };
            match read_bytes(path).map(|bytes| Members::read(&bytes, format)) {
                Ok(Ok(members)) => Some(members),
                Ok(Err(error)) => {
                    eprintln!("error: {}: {error}", path.display());
                    return Outcome::DataErrors;
                }
                Err(message) => return Outcome::Usage(message),
            }
        }
    };
    if let Some(bar) = &progress {
        bar.set_message(format!("scoring {} records", records.len()));
    }
    let options = ScoreOptions {
        from: args.from,
        to: args.to,
        as_of: args.as_of,
        period: args.period.as_deref().and_then(Per::parse),
    };
    let report = book.score(&records, members.as_ref(), &options);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let lang = args
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(|| Lang::for_book(&book));
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
