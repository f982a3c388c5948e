//! One error for every stage a front end calls: the request, the rulebook, an
//! input, a ranking, the bank, an expression an embedder runs. Each has a stable
//! [`Error::code`] (what the bindings put on `MeritError.code` in JavaScript and
//! on `.code` of Python's exceptions), a message that may be reworded, and where
//! it can be said, a [`Location`].
//!
//! The stage errors stay their own types (a function that can only fail one way
//! says so in its signature); `Error` is what they all convert into, so that a
//! front end maps failures in one place and the error table
//! (`tests/errors/requests.yaml`) can compare codes across front ends.

use std::fmt;

use crate::bank::BankError;
use crate::expr::EvalError;
use crate::loader::RulebookError;
use crate::rank::RankError;
use crate::records::InputError;
use crate::request::RequestError;

/// Why a call failed; see [`Error::code`] for the codes of each stage.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The options asked for something that cannot be done (`bad-period`, …).
    Request(RequestError),
    /// The rulebook did not load (`rulebook`); each diagnostic has its own code.
    Rulebook(RulebookError),
    /// A whole input could not be read; `input` is how the front end names it.
    Input {
        /// How the front end names the input (a path, `records`).
        input: String,
        /// What was wrong with it.
        error: InputError,
    },
    /// A ranking option names nothing in the rulebook or report (`bad-rank`).
    Rank(RankError),
    /// The bank refused or failed; the code is its [`crate::bank::ErrorKind`]'s.
    Bank(BankError),
    /// An expression that failed at run time (an embedder evaluating one itself;
    /// in a report the failure is a rejected record or a failed award instead).
    Eval(EvalError),
}

/// Where an error is: a file (or input name) and a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The rulebook's or input's name, when known.
    pub file: Option<String>,
    /// The 1-based line.
    pub line: Option<u64>,
    /// The 1-based column, in characters.
    pub column: Option<u64>,
}

impl Error {
    /// The stable identifier: `bad-date`, `unknown-field`, `unreadable-input`,
    /// `insufficient-credits`, …
    pub fn code(&self) -> &'static str {
        match self {
            Error::Request(e) => e.code(),
            Error::Rulebook(_) => "rulebook",
            Error::Input { error, .. } => error.code(),
            Error::Rank(e) => e.code(),
            Error::Bank(e) => e.code(),
            Error::Eval(e) => e.code(),
        }
    }

    /// Where the problem is, when one place can be named.
    pub fn location(&self) -> Option<Location> {
        match self {
            Error::Rulebook(e) => e.diagnostics.first().map(|d| Location {
                file: Some(d.file.clone()),
                line: Some(d.line as u64),
                column: Some(d.column as u64),
            }),
            Error::Input { input, error } => Some(Location {
                file: Some(input.clone()),
                line: error.line,
                column: error.column,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Request(e) => e.fmt(f),
            Error::Rulebook(e) => e.fmt(f),
            Error::Input { input, error } => write!(f, "{input}: {error}"),
            Error::Rank(e) => e.fmt(f),
            Error::Bank(e) => e.fmt(f),
            Error::Eval(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<RequestError> for Error {
    fn from(e: RequestError) -> Error {
        Error::Request(e)
    }
}

impl From<RulebookError> for Error {
    fn from(e: RulebookError) -> Error {
        Error::Rulebook(e)
    }
}

impl From<RankError> for Error {
    fn from(e: RankError) -> Error {
        Error::Rank(e)
    }
}

impl From<BankError> for Error {
    fn from(e: BankError) -> Error {
        Error::Bank(e)
    }
}

impl From<EvalError> for Error {
    fn from(e: EvalError) -> Error {
        Error::Eval(e)
    }
}
