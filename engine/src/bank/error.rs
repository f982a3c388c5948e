//! What can go wrong in the bank. Each error has a stable [`ErrorKind`] (bindings map
//! it to an exception class) apart from its message (which may be reworded).

use std::fmt;

/// Why an operation did not happen. Nothing of a failed operation is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankError {
    /// What kind of refusal or failure (its [`BankError::code`]).
    pub kind: ErrorKind,
    /// What happened, for people.
    pub message: String,
    /// The message in Chinese, for the refusals a counter meets most (unknown
    /// member, short balance, backdated, unknown item): what a Chinese rulebook's
    /// bank shows.
    pub zh: Option<String>,
    /// The language of the ledger that refused (its rulebook's, or the bank's
    /// `lang`): what [`BankError::localized`] speaks. Set by [`super::Bank`].
    pub lang: Option<crate::words::Lang>,
}

/// The kinds of bank errors, each with a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The member's balance does not cover the amount (or a reversal would make a
    /// balance negative).
    InsufficientCredits,
    /// An idempotency key was used before for a different operation.
    KeyReused,
    /// No catalog item has this id.
    UnknownItem,
    /// No transaction has this id.
    UnknownTransaction,
    /// The transaction cannot be reversed (it is a reversal itself).
    NotReversible,
    /// An amount that is not a positive number of credits with the unit's places.
    InvalidAmount,
    /// The operation needs bank settings (a rulebook with `bank:`) and has none.
    NoSettings,
    /// The report was not made with this rulebook.
    WrongRulebook,
    /// No member of this id has an account (the message suggests a close one).
    UnknownMember,
    /// A rulebook's bank settings differ from those the ledger keeps.
    SettingsDiffer,
    /// The date is before the member's latest movement.
    Backdated,
    /// There is no bank at the path given (only `bank init` creates one).
    NoBank,
    /// The bank file failed SQLite's check or the ledger's invariants: no writes.
    Damaged,
    /// The bank file is read-only.
    ReadOnly,
    /// The store failed (disk, lock timeout, a database that is not a merit bank).
    Storage,
}

impl ErrorKind {
    /// A stable identifier: `insufficient-credits`, `key-reused`, …
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InsufficientCredits => "insufficient-credits",
            ErrorKind::KeyReused => "key-reused",
            ErrorKind::UnknownItem => "unknown-item",
            ErrorKind::UnknownTransaction => "unknown-transaction",
            ErrorKind::NotReversible => "not-reversible",
            ErrorKind::InvalidAmount => "invalid-amount",
            ErrorKind::NoSettings => "no-settings",
            ErrorKind::WrongRulebook => "wrong-rulebook",
            ErrorKind::UnknownMember => "unknown-member",
            ErrorKind::SettingsDiffer => "settings-differ",
            ErrorKind::Backdated => "backdated",
            ErrorKind::NoBank => "no-bank",
            ErrorKind::Damaged => "damaged",
            ErrorKind::ReadOnly => "read-only",
            ErrorKind::Storage => "storage",
        }
    }

    /// Whether the bank refused a valid request (as opposed to a broken store).
    pub fn is_refusal(self) -> bool {
        !matches!(self, ErrorKind::Storage | ErrorKind::Damaged)
    }
}

impl BankError {
    /// An error of this kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> BankError {
        BankError {
            kind,
            message: message.into(),
            zh: None,
            lang: None,
        }
    }

    /// The same error with its Chinese wording.
    pub fn with_zh(mut self, zh: impl Into<String>) -> BankError {
        self.zh = Some(zh.into());
        self
    }

    /// The message in the language of the ledger that refused (English when it has
    /// none, or no Chinese wording was given): what a counter's screen shows.
    pub fn localized(&self) -> &str {
        self.message_in(self.lang.unwrap_or(crate::words::Lang::En))
    }

    /// The message in `lang` (English when no Chinese wording was given).
    pub fn message_in(&self, lang: crate::words::Lang) -> &str {
        match (lang, &self.zh) {
            (crate::words::Lang::Zh, Some(zh)) => zh,
            _ => &self.message,
        }
    }

    /// A storage failure (the database, a value it holds that does not parse).
    pub fn storage(message: impl fmt::Display) -> BankError {
        BankError::new(ErrorKind::Storage, message.to_string())
    }

    /// The stable identifier: `insufficient-credits`, `unknown-member`, …
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl fmt::Display for BankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BankError {}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for BankError {
    fn from(error: rusqlite::Error) -> BankError {
        BankError::storage(format!("database: {error}"))
    }
}

impl From<serde_json::Error> for BankError {
    fn from(error: serde_json::Error) -> BankError {
        BankError::storage(format!("stored JSON: {error}"))
    }
}
