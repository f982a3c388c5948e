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

pub mod api;
pub mod bank;
pub mod book;
pub mod calendar;
mod decode;
pub mod diagnostic;
pub mod diff;
pub mod error;
pub mod escape;
pub mod eval;
pub mod explain;
pub mod expr;
pub mod index;
mod parallel;
pub mod publish;
pub mod rank;
pub mod record;
pub mod records;
pub mod report;
pub mod request;
pub mod rules;
pub mod schema;
pub mod selftest;
pub mod stream;
pub mod value;
pub mod words;
pub mod yaml;

pub use api::{Records, RulebookError};
pub use bank::AdoptSettings;
pub use book::{Limits, Rulebook};
pub use diagnostic::{Diagnostic, Severity};
pub use error::{Error, Location};
pub use eval::{Evaluation, Options as ScoreOptions};
pub use expr::{EvalError, EvalErrorKind};
pub use rank::{RankBy, RankOptions, RankRequest, Ranking, rank};
pub use record::Warning;
pub use records::{Format, InputError, Members};
pub use report::{Report, collect_report};
pub use request::{RequestError, ScoreRequest, Scoring};
pub use stream::{StreamError, Streamed, stream_input};
