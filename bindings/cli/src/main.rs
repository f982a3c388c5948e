//! `merit`: the command-line front end. Glue only: reading files, calling the
//! engine's facade, printing. Every decision is made in the `merit` crate.

mod bank;
mod check;
mod cli;
mod diff;
mod failed;
mod input;
mod output;
mod publish;
mod rank;
mod render;
mod score;
mod selftest;
mod xlsx;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Color, Command};

/// Exit codes: 0 ok, 1 rule or data errors, 2 usage.
pub enum Outcome {
    Ok,
    /// Problems in the rulebook or the data (already printed).
    DataErrors,
    /// A usage problem: a file that cannot be read, a bad option.
    Usage(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let run = std::panic::catch_unwind(|| match &cli.command {
        Command::Check { book } => check::run(book, color),
        Command::Score(args) => score::run(args, color),
        Command::Test { books } => selftest::run(books, color),
        Command::Diff(args) => diff::run(args, color),
        Command::Schema => {
            print!("{}", merit::json_schema());
            Outcome::Ok
        }
        Command::Bank(args) => bank::run(args, color),
        Command::Rank(args) => rank::run(args, color),
        Command::Publish(args) => publish::run(args, color),
    });
    match run {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::DataErrors) => ExitCode::from(1),
        Ok(Outcome::Usage(message)) => {
            eprintln!("error: {}", merit::terminal_text(&message));
            ExitCode::from(2)
        }
        Err(_) => {
            eprintln!("error: internal error in merit (this is a bug; please report it with the inputs)");
            ExitCode::from(1)
        }
    }
}
