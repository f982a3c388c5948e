//! `merit score BOOK RECORDS…`: the report as a table, JSON or CSV, or one
//! member's awards as sentences.
//!
//! A single JSONL or CSV file is streamed as the engine decides for every front end
//! (`merit::stream_input`: read once for its dates and member order, then a chunk of
//! members, or a range of members from the columns it kept, at a time), members written
//! as they are evaluated. Everything else (several inputs, standard input, JSON and
//! YAML, rating rules, `--explain`) is read whole and evaluated at once, and the report
//! is then written a member at a time. The output is the same either way, byte for
//! byte.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use merit::Rulebook;
use merit::{JsonMember, ReportStream, StreamError, write_report_json};
use merit::{Lang, explain_member};

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
    let mut inputs = match Inputs::open(&args.input) {
        Ok(inputs) => inputs,
        Err(message) => return Outcome::Usage(message),
    };
    // CSV and table summaries show totals: no award's explanation needs writing.
    inputs.options.summary =
        args.explain.is_none() && !matches!(args.format, OutputFormat::Json | OutputFormat::Xlsx);
    inputs.options.why_not = args.why_not || args.explain.is_some();
    let progress = (inputs.bytes > PROGRESS_BYTES && std::io::stderr().is_terminal()).then(spinner);
    if let Some(bar) = &progress {
        bar.set_message(format!("reading {} MB of records", inputs.bytes >> 20));
    }
    let format = args.format;
    let lang = inputs.options.lang.unwrap_or_else(|| Lang::for_book(&book));
    let color = color && args.output.output.is_none() && std::io::stdout().is_terminal();
    if let Some(mut members) = member_stream(&book, args, &inputs) {
        if let Some(bar) = &progress {
            bar.set_message(format!(
                "scoring {} MB of records, member by member",
                inputs.bytes >> 20
            ));
        }
        let strict_failed = print_warnings(members.warnings()) && args.strict;
        let (written, failed) = write(&book, args, lang, &mut *members, color, progress.as_ref());
        let outcome = finish(written, members.rejected().len(), failed, &inputs);
        return strict(outcome, strict_failed);
    }

    let records = match inputs.records(&book) {
        Ok(records) => records,
        Err(message) => {
            eprintln!("error: {}", merit::terminal_text(&message));
            return Outcome::DataErrors;
        }
    };
    let strict_failed = print_warnings(&records.warnings) && args.strict;
    if let Some(bar) = &progress {
        bar.set_message(format!("scoring {} records", records.len()));
    }
    let evaluation = book.evaluate(&records, inputs.members.as_ref(), &inputs.options);
    if let Some(member) = &args.explain {
        let report = evaluation.report();
        if let Some(bar) = &progress {
            bar.finish_and_clear();
        }
        let Some(text) = explain_member(&book, &report, member, lang) else {
            return Outcome::Usage(format!("member `{member}` has no records in this report"));
        };
        let text = merit::terminal_text(&text);
        let mut stdout = std::io::stdout().lock();
        let written = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
        let failed = report.members.iter().map(JsonMember::failed).sum();
        let outcome = finish(
            written.map_err(Failure::from),
            report.rejected.len(),
            failed,
            &inputs,
        );
        return strict(outcome, strict_failed);
    }
    if format == OutputFormat::Xlsx {
        let report = evaluation.report();
        if let Some(bar) = &progress {
            bar.finish_and_clear();
        }
        let workbook = match crate::xlsx::report(&book, &report) {
            Ok(bytes) => bytes,
            Err(message) => return Outcome::Usage(message),
        };
        if let Err(message) = crate::output::write_file(&args.output, &workbook) {
            return Outcome::Usage(message);
        }
        let failed = report.members.iter().map(JsonMember::failed).sum();
        return strict(
            finish(Ok(()), report.rejected.len(), failed, &inputs),
            strict_failed,
        );
    }
    let (written, failed) = write(
        &book,
        args,
        lang,
        &mut evaluation.stream(),
        color,
        progress.as_ref(),
    );
    strict(
        finish(written, evaluation.rejected().len(), failed, &inputs),
        strict_failed,
    )
}

/// Prints the inputs' warnings on standard error, before the report; whether there
/// were any (`--strict` makes them errors).
pub(crate) fn print_warnings(warnings: &[merit::Warning]) -> bool {
    for warning in warnings {
        let (input, message) = (
            merit::terminal_line(&warning.input),
            merit::terminal_line(&warning.message),
        );
        eprintln!("warning: {input}: {message}");
    }
    !warnings.is_empty()
}

/// Exit 1 under `--strict` when an input had a warning (DESIGN section 8.1).
fn strict(outcome: Outcome, failed: bool) -> Outcome {
    match outcome {
        Outcome::Ok if failed => {
            eprintln!("--strict: an input had a warning (see above)");
            Outcome::DataErrors
        }
        outcome => outcome,
    }
}

/// The only input as a stream of members, when it can be one (the engine decides:
/// [`merit::stream_input`]): a single opened file (standard input cannot be read
/// twice), and not `--explain` or xlsx, which need the whole report.
fn member_stream<'a>(
    book: &'a Rulebook,
    args: &ScoreArgs,
    inputs: &'a Inputs,
) -> Option<Box<dyn ReportStream<Error = StreamError> + 'a>> {
    if args.explain.is_some() || args.format == OutputFormat::Xlsx {
        return None;
    }
    let (name, format, file) = inputs.only_file()?;
    merit::stream_input(book, file, format, name, &inputs.options, inputs.members.as_ref()).ok()
}

/// Writes the report to standard output (or `--output`) in its format, reading its
/// members as it goes; how many of its awards failed.
fn write<S>(
    book: &Rulebook,
    args: &ScoreArgs,
    lang: Lang,
    report: &mut S,
    color: bool,
    progress: Option<&ProgressBar>,
) -> (Result<(), Failure>, usize)
where
    S: ReportStream + ?Sized,
    S::Error: Into<Failure>,
{
    let report = &mut crate::failed::Counted::new(report);
    // A spinner drawn between lines of a report on the same terminal would garble it.
    if args.output.output.is_none()
        && std::io::stdout().is_terminal()
        && let Some(bar) = progress
    {
        bar.finish_and_clear();
    }
    let mut stdout = match crate::output::open(&args.output) {
        Ok(stdout) => stdout,
        Err(m) => return (Err(Failure::Write(std::io::Error::other(m))), 0),
    };
    let written = match args.format {
        OutputFormat::Json => write_report_json(&mut stdout, report),
        OutputFormat::Csv => render::csv(&mut stdout, report, lang, args.output.excel),
        OutputFormat::Table => render::table(book, report, color, lang)
            .and_then(|text| Ok(stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush())?)),
        // Never reached: an xlsx report is written whole, from `run`.
        OutputFormat::Xlsx => Err(std::io::Error::other("an xlsx report is not streamed").into()),
    };
    let written = written.and_then(|()| Ok(stdout.flush()?));
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    (written.map_err(Into::into), report.failed)
}

/// What stopped a report being written.
enum Failure {
    Write(std::io::Error),
    /// The input, read as the report was written.
    Input(StreamError),
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure::Write(error)
    }
}

impl From<StreamError> for Failure {
    fn from(error: StreamError) -> Self {
        match error {
            StreamError::Write(error) => Failure::Write(error),
            error => Failure::Input(error),
        }
    }
}

/// The exit code: 0, or 1 when records were rejected, awards failed or the input
/// failed; a reader that stopped reading (a closed pipe) is not an error.
fn finish(written: Result<(), Failure>, rejected: usize, failed: usize, inputs: &Inputs) -> Outcome {
    match written {
        Ok(()) => {}
        Err(Failure::Write(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(Failure::Write(error)) => return Outcome::Usage(format!("cannot write the report: {error}")),
        Err(Failure::Input(error)) => {
            let name = inputs.only_file().map_or("input", |(name, _, _)| name);
            let message = format!("{name}: {error}");
            eprintln!("error: {}", merit::terminal_text(&message));
            return Outcome::DataErrors;
        }
    }
    if rejected > 0 {
        eprintln!(
            "{rejected} record(s) rejected; they are listed under `rejected` (--format json) with the reason"
        );
    }
    if crate::failed::say(failed) || rejected > 0 {
        Outcome::DataErrors
    } else {
        Outcome::Ok
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::member_stream;
    use crate::cli::{Cli, Command};
    use crate::input::Inputs;

    const BOOK: &str = "rules:\n  - { id: any, points: 1 }\n";
    const SORTED: &str = "member,kind,date\nm1,k,2026-03-02\nm1,k,2026-03-01\nm2,k,2026-03-01\n";

    /// Whether `merit score BOOK FILES… EXTRA…` would stream.
    fn streams(book: &str, files: &[(&str, &str)], extra: &[&str]) -> bool {
        let folder = tempfile::Builder::new()
            .prefix("merit-streams-")
            .tempdir()
            .unwrap();
        let dir = folder.path();
        let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
        std::fs::write(path("book.yaml"), book).unwrap();
        let mut args = vec!["merit".to_owned(), "score".to_owned(), path("book.yaml")];
        for (name, text) in files {
            std::fs::write(path(name), text).unwrap();
            args.push(path(name));
        }
        args.extend(extra.iter().map(|a| a.to_string()));
        let Command::Score(args) = Cli::try_parse_from(args).unwrap().command else {
            unreachable!("a score command")
        };
        let book = merit::Rulebook::from_yaml(book, "book.yaml").unwrap();
        let inputs = Inputs::open(&args.input).unwrap();
        member_stream(&book, &args, &inputs).is_some()
    }

    #[test]
    fn only_a_single_jsonl_or_csv_file_streams() {
        assert!(streams(BOOK, &[("a.csv", SORTED)], &[]));
        assert!(streams(
            BOOK,
            &[("a.csv", SORTED)],
            &["--format", "json", "--from", "2026-01-01"]
        ));
        let jsonl = "{\"member\":\"a\",\"kind\":\"k\",\"date\":\"2026-03-01\"}\n{\"member\":\"b\",\"kind\":\"k\",\"date\":\"2026-03-01\"}\n";
        assert!(streams(BOOK, &[("a.jsonl", jsonl)], &[]));

        let unsorted = "member,kind,date\nm1,k,2026-03-01\nm2,k,2026-03-01\nm1,k,2026-03-02\n";
        assert!(streams(BOOK, &[("b.csv", unsorted)], &[]));

        assert!(!streams(BOOK, &[("a.csv", SORTED), ("c.csv", SORTED)], &[]));
        assert!(!streams(BOOK, &[("a.csv", SORTED)], &["--explain", "m1"]));
        assert!(!streams(BOOK, &[("d.json", "[]")], &[]));
        assert!(!streams(BOOK, &[("e.csv", "member,kind,date\n")], &[]));
        let ratings = "fields: { stars: int?, subject: string? }\nrules:\n  - id: r\n    rating: { when: kind == \"rating\", value: stars, subject: subject, scale: [1, 5] }\n    points: score\n";
        assert!(!streams(ratings, &[("a.csv", SORTED)], &[]));
    }
}
