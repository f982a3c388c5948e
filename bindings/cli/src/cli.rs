//! The command line, defined once: clap derives parsing and `--help` from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "merit", version, about = "Exact, explainable points for community members", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour in diagnostics and tables: auto (on a terminal), always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and type-check a rulebook; print every problem with its location.
    Check {
        /// The rulebook (YAML).
        book: PathBuf,
    },
    /// Score activity records against a rulebook.
    Score(ScoreArgs),
    /// Score the same records with two rulebooks and show what changes, largest first.
    Diff(DiffArgs),
    /// Print the JSON Schema of the rulebook format (for editors).
    Schema,
    /// Run the rulebooks' own examples (`tests:`); exit 1 if any fails.
    Test {
        /// One or more rulebooks.
        #[arg(required = true)]
        books: Vec<PathBuf>,
    },
    /// The moral bank: post earned credits, redeem, transfer, reverse, expire, statements.
    Bank(crate::bank::BankArgs),
    /// Rank members by total, by one rule or by an index (1, 2, 2, 4: ties share a rank).
    Rank(crate::rank::RankArgs),
    /// Write a static notice board (公示): HTML and CSS pages to print or post.
    Publish(crate::publish::PublishArgs),
}

/// The record files and the dates of a report: what every command that scores
/// reads (`score`, `diff`, `rank`, `publish`, `bank post`), whatever `--period` means.
#[derive(Args, Clone, Debug)]
pub struct RecordArgs {
    /// Record files: .jsonl, .json, .csv, .yaml, or a spreadsheet (.xlsx, .xls, .ods);
    /// `-` reads standard input.
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    /// First day of the report (earlier records still count for caps and streaks).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of the report.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// The day the report is made: later records are not seen; open windows are provisional.
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,
    /// Member profiles (JSONL, CSV or JSON with a `member` key) for `member.*`.
    #[arg(long, value_name = "FILE")]
    pub members: Option<PathBuf>,
    /// Language of headings and explanations: zh or en (default: Chinese for rulebooks
    /// with Chinese titles).
    #[arg(long)]
    pub lang: Option<String>,
    /// Format of standard input when a record file is `-` (default: what its first
    /// bytes look like, as for a file without an extension).
    #[arg(long = "stdin-format", value_parser = ["jsonl", "json", "csv", "yaml"])]
    pub stdin_format: Option<String>,
    /// The sheet of a spreadsheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

/// The records to score and the kind of period of the report's rows (`score`,
/// `diff`, `bank post`). Reads as its [`RecordArgs`] (`args.from`, …).
#[derive(Args, Debug)]
pub struct InputArgs {
    #[command(flatten)]
    pub base: RecordArgs,
    /// Period of the report's rows: day, week, month, quarter, year or lifetime
    /// (default: the rulebook's `period`).
    #[arg(long)]
    pub period: Option<String>,
}

impl std::ops::Deref for InputArgs {
    type Target = RecordArgs;
    fn deref(&self) -> &RecordArgs {
        &self.base
    }
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// The rulebook (YAML).
    pub book: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Print one member's awards as sentences instead of the report.
    #[arg(long, value_name = "MEMBER")]
    pub explain: Option<String>,
    /// Add to each member the records that earned nothing, and why (`unscored`).
    #[arg(long = "why-not")]
    pub why_not: bool,
    /// Treat an input warning (a column that is no field) as an error: exit 1.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Where a report goes and how a spreadsheet will read it (`score`, `rank`).
#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Write to this file instead of standard output (required by `--format xlsx`).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// CSV for Excel: a UTF-8 byte-order mark and CRLF line ends.
    #[arg(long)]
    pub excel: bool,
}

/// The records to rank or publish: as [`InputArgs`], except that `--period` names
/// one period by its label (`2026-03`, `2026-Q1`), not a kind of period.
#[derive(Args, Debug)]
pub struct LabelInputArgs {
    #[command(flatten)]
    pub base: RecordArgs,
    /// One period by its label (2026-03-14, 2026-W11, 2026-03, 2026-Q1, 2026): only awards
    /// dated in it count; for an index, its window of that label (default: the whole
    /// report, and an index's latest window).
    #[arg(long, value_name = "LABEL")]
    pub period: Option<String>,
}

impl LabelInputArgs {
    /// The same inputs as `merit score` reads them, rows by the rulebook's period.
    pub fn input_args(&self) -> InputArgs {
        InputArgs {
            base: self.base.clone(),
            period: None,
        }
    }
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The rulebook in force.
    pub old: PathBuf,
    /// The rulebook proposed.
    pub new: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format (csv is not offered: a diff is read, not processed).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
    /// An Excel workbook (needs `--output FILE`).
    Xlsx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
