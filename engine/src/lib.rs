//! # merit
//!
//! An embeddable rules-and-points engine for community member evaluation and
//! "moral bank" credits: rules are data (YAML with a small expression language),
//! evaluation is exact (decimal, never float), deterministic, and every point
//! carries its explanation.
//!
//! ## Score a month of volunteering
//!
//! ```
//! use merit::{Format, Records, Rulebook, ScoreOptions};
//!
//! let book = Rulebook::from_yaml(r#"
//! merit: 1
//! id: volunteering
//! unit: { name: points, decimals: 1 }
//! fields: { hours: decimal?, verified: bool = false }
//! rules:
//!   - id: volunteer-hours
//!     when: kind == "volunteer" and verified
//!     points: min(hours, 8) * 10
//!     cap: [{ per: month, max: 100 }]
//! "#, "volunteering.yaml")?;
//!
//! let mut records = Records::new();
//! records.read(&book, br#"
//! {"id": "r1", "member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": 8, "verified": true}
//! {"id": "r2", "member": "m1", "kind": "volunteer", "date": "2026-03-09", "hours": 3.5, "verified": true}
//! "#, Format::Jsonl, "march.jsonl")?;
//!
//! let report = book.score(&records, None, &ScoreOptions::default());
//! let m1 = report.member("m1").unwrap();
//! assert_eq!(m1.total.to_string(), "100.0");
//! let capped = &m1.periods[0].awards[1];
//! assert_eq!(capped.explain, "min(hours=3.5, 8) * 10 = 35");
//! assert_eq!(capped.withheld.as_ref().unwrap().cap, "month 100");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Totals first, explanations when asked
//!
//! Writing every award's explanation costs several times the evaluation itself.
//! [`Rulebook::evaluate`] computes every award, cap and total and writes a member's
//! explanations only when asked ([`Rulebook::score`] is this plus the whole report):
//!
//! ```
//! use merit::{Format, Records, Rulebook, ScoreOptions};
//!
//! let book = Rulebook::from_yaml(
//!     "fields: { hours: decimal? }\nrules:\n  - { id: hours, points: \"min(hours, 8) * 10\", cap: [{ per: month, max: 100 }] }\n",
//!     "book.yaml",
//! )?;
//! let mut records = Records::new();
//! records.read(&book, b"member,kind,date,hours\nm1,volunteer,2026-03-02,8\nm1,volunteer,2026-03-09,3.5\nm2,volunteer,2026-03-09,2\n", Format::Csv, "march.csv")?;
//! let evaluation = book.evaluate(&records, None, &ScoreOptions::default());
//! let totals: Vec<(String, String)> = evaluation.totals().map(|(m, t)| (m.to_owned(), t.to_string())).collect();
//! assert_eq!(totals, [("m1".into(), "100".into()), ("m2".into(), "20".into())]);
//! let m1 = evaluation.member_report("m1").unwrap();
//! assert_eq!(m1.periods[0].awards[1].explain, "min(hours=3.5, 8) * 10 = 35");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Find every mistake in a rulebook
//!
//! ```
//! let errors = merit::Rulebook::check("fields: { hours: decimal? }\nrules:\n  - { id: x, points: hour * 10 }\n", "book.yaml");
//! assert_eq!(errors[0].line, 3);
//! assert!(errors[0].help.as_deref().unwrap().contains("hours"));
//! ```
//!
//! ## The public API: which type for which job
//!
//! Everything is at the crate root; the modules are private.
//!
//! | job | items |
//! | --- | --- |
//! | load a rulebook | [`Rulebook::from_yaml`], or a [`Loader`] ([`Rulebook::loader`]) for [`Limits`] and `script_file:` from a folder or a resolver; [`Limits`], [`ScriptLimits`], [`YamlLimits`]; failures are a [`RulebookError`]; [`Rulebook::check`] lists every problem as a [`Diagnostic`] ([`render_all`] prints them located) |
//! | hand it records | [`Records`]: [`Records::read`] bytes in a [`Format`], [`Records::extend_values`] `serde_json::Value`s, [`Records::extend_serialize`] any `Serialize`; records that do not fit are listed, never dropped. Member profiles: [`Members::read`], [`Members::insert`] |
//! | score | [`Rulebook::score`] → [`Report`]; [`Rulebook::evaluate`] → [`Evaluation`] (totals first, a member's explanations when asked); [`ScoreOptions`] |
//! | one request from a front end | [`ScoreRequest`] (every option's spellings, serde) validated into [`Scoring`]; [`RankRequest`]; [`parse_lang`] |
//! | errors | [`Error`] (`code()`, message, [`Location`]) over every stage: [`RequestError`], [`RulebookError`], [`InputError`], [`RankError`], [`BankError`] |
//! | read the report | [`Report`] → [`MemberReport`] → [`PeriodReport`] → [`AwardReport`] (with [`Withheld`]), [`IndexReport`], [`Unscored`], [`Rejected`], [`Warning`] |
//! | tell it in words | [`explain_member`], [`explain_report`] (a report read back), [`Lang`] |
//! | compare, rank, publish | [`what_if`], [`diff_reports`] and [`changes`], [`rank`], [`publish`] |
//! | the moral bank | [`Bank`] (post, redeem, transfer, statement, verify) over a SQLite file, PostgreSQL or memory; [`Redeem`], [`Receipt`], [`PostSummary`], [`Statement`], [`Verification`], [`LedgerHead`], [`LedgerDifference`]; settings from a rulebook ([`Bank::settings_of`], [`AdoptSettings`]); [`BankError`] with a [`BankErrorKind`] |
//! | inputs too large to hold | [`stream_input`] for a file (a chunk of members at a time, the same report byte for byte); [`ReportStream`] and [`write_report_json`]; by hand: [`InputSurvey`], [`MemberStream`], [`RangeStream`], [`ColumnStream`] |
//! | printing untrusted text | [`terminal_line`], [`terminal_text`] (controls and bidi overrides shown escaped), [`csv_cell`] (no formulas) |

#![warn(missing_docs)]
// The `fuzzing` feature exposes internals (the expression compiler) to `fuzz/` only;
// they are not API, so they are not documented as such.
#![cfg_attr(feature = "fuzzing", allow(missing_docs))]

// Every module is private: what an embedder (and the CLI, Python and WASM
// bindings) may use is re-exported below, so the compiler checks the boundary.
mod api;
mod bank;
mod book;
mod calendar;
mod decode;
mod diagnostic;
mod diff;
mod error;
mod escape;
mod eval;
mod explain;
mod expr;
mod index;
mod json_schema;
mod loader;
mod parallel;
mod publish;
mod rank;
mod record;
mod records;
mod report;
mod request;
mod rules;
mod schema;
mod selftest;
mod stream;
mod value;
mod words;
mod yaml;

// Loading a rulebook, reading records and scoring them.
pub use api::Records;
pub use book::{FieldInfo, IndexInfo, Limits, RuleInfo, Rulebook, Unit, json_schema};
pub use eval::{Evaluation, Options as ScoreOptions};
pub use loader::{Loader, RulebookError};
pub use records::{Encoding, Format, InputError, Members};
pub use rules::ScriptLimits;
pub use stream::{StreamError, Streamed, stream_input};
// Inputs too large to hold, streamed by hand (`stream_input` chooses for a file).
pub use stream::{
    ColumnStream, Columns as InputColumns, DEFAULT_CHUNK_RECORDS, DEFAULT_PASS_RECORDS, KEEP_WHILE_SORTED,
    MemberStream, RECORD_BYTES, RangeStream, ReportHead, ReportStream, Survey as InputSurvey, Warned,
    collect_report, streams as can_stream, write_compact_json as write_compact_report_json,
    write_json as write_report_json,
};
pub use yaml::YamlLimits;

// One request and one error for every front end.
pub use error::{Error, Location};
pub use expr::{EvalError, EvalErrorKind};
pub use request::{RequestError, ScoreRequest, Scoring, input_problems, lang as parse_lang};

// The report, and its explanations in words.
pub use api::{WhatIf, explain_report, what_if};
pub use explain::explain_member;
pub use record::{Rejected, Warning};
pub use report::{
    AwardReport, DateRange, IndexReport, JsonMember, JsonStyle, MemberReport, PeriodReport, Reason, Report,
    RulebookRef, Unscored, Veto, Withheld,
};
pub use words::Lang;
// How a serializer tells the report's decimals and dates from its text (the Python
// binding makes them `decimal.Decimal` and `datetime.date`).
pub use value::{DATE_NEWTYPE, DECIMAL_NEWTYPE};
// Decimals as `rust_decimal` writes them, faster (front ends writing many figures).
pub use value::DecimalText;

// The moral bank (道德银行): the ledger, what its operations take and return.
pub use bank::{
    Account as LedgerAccount, AdoptSettings, Bank, BankError, BankSettings, Difference as LedgerDifference,
    ErrorKind as BankErrorKind, Head as LedgerHead, Lot, Movement, PostSummary, Posting, Receipt, Redeem,
    Source as TxnSource, Statement, Txn, Verification,
};

// Printing untrusted text (member ids, record values) for people: on a terminal
// (controls and bidi overrides shown escaped) and in a CSV cell (no formulas).
pub use escape::{csv_cell, is_unsafe as is_terminal_unsafe, terminal as terminal_line, terminal_text};

// Comparing, ranking and publishing reports.
pub use diff::{Change, Delta, IndexDelta, MemberDiff, ReportDiff, changes, diff_reports};
pub use publish::{BoardFile, LedgerFigures, PublishOptions, publish};
pub use rank::{RankBy, RankError, RankOptions, RankRequest, RankRow, Ranking, rank};

// The expression language's built-in functions (for editors: completion, hover).
pub use expr::catalog::{CATALOG as FUNCTIONS, Entry as FunctionEntry};

// Diagnostics: located problems in a rulebook.
pub use diagnostic::{Diagnostic, NOT_IN_BUILD, Severity, line_col, render_all};

// Dates as every input and option writes them.
pub use calendar::{Per, parse_date};
#[cfg(feature = "arrow")]
pub use records::arrow::float_text;
pub use records::is_gb18030;

/// The expression compiler for the `expr` fuzz target (`fuzz/`), behind the
/// `fuzzing` feature: not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::expr::{Context, Scope, compile};
    pub use crate::schema::{FieldDef, FieldType, Schema};
    pub use crate::value::Type;
}
