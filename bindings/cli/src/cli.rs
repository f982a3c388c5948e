//! The command line, defined once: clap derives parsing and `--help` from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

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
}

/// The records to score and the dates to score them for (shared by `score`, `diff`).
#[derive(Args, Debug)]
pub struct InputArgs {
    /// Record files: .jsonl, .json, .csv or .yaml; `-` reads standard input.
    #[arg(required = true)]
    pub records: Vec<PathBuf>,
    /// First day of the report (earlier records still count for caps and streaks).
    #[arg(long, value_name = "DATE")]
    pub from: Option<Date>,
    /// Last day of the report.
    #[arg(long, value_name = "DATE")]
    pub to: Option<Date>,
    /// The day the report is made: later records are not seen; open windows are provisional.
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Period of the report's rows (default: the rulebook's `period`).
    #[arg(long, value_parser = ["day", "week", "month", "quarter", "year"])]
    pub period: Option<String>,
    /// Member profiles (JSONL, CSV or JSON with a `member` key) for `member.*`.
    #[arg(long, value_name = "FILE")]
    pub members: Option<PathBuf>,
    /// Language of explanations (default: Chinese for rulebooks with Chinese titles).
    #[arg(long, value_parser = ["zh", "en"])]
    pub lang: Option<String>,
    /// Format of standard input when a record file is `-`.
    #[arg(long = "stdin-format", value_parser = ["jsonl", "json", "csv", "yaml"], default_value = "jsonl")]
    pub stdin_format: String,
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
