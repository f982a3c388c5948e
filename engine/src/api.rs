//! The facade every front end calls: read records, score them, ask what if
//! (loading a rulebook is `loader.rs`).
//!
//! The CLI, the Python and the WASM bindings go through these functions only, so
//! they cannot disagree: every decision is made here or below.

use serde::{Deserialize, Serialize};

use crate::book::Rulebook;
use crate::eval::{self, Evaluation, Options, debug_panic_hook};
use crate::record::{Record, Rejected, Warning};
use crate::records::{self, Format, InputError, Members, ReadOptions};
use crate::report::Report;

impl Rulebook {
    /// Scores records against this rulebook.
    ///
    /// # Example
    /// ```
    /// use merit::{Format, Records, Rulebook, ScoreOptions};
    /// let book = Rulebook::from_yaml(
    ///     "fields: { hours: decimal? }\nrules:\n  - { id: hours, when: kind == \"volunteer\", points: hours * 10 }\n",
    ///     "book.yaml",
    /// )?;
    /// let mut records = Records::new();
    /// records.read(&book, br#"{"member": "m1", "kind": "volunteer", "date": "2026-03-14", "hours": 3.5}"#, Format::Jsonl, "in.jsonl")?;
    /// let report = book.score(&records, None, &ScoreOptions::default());
    /// assert_eq!(report.members[0].total.to_string(), "35");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score(&self, records: &Records, members: Option<&Members>, options: &Options) -> Report {
        self.evaluate(records, members, options).report()
    }

    /// Evaluates records without writing explanations: every award, cap and total,
    /// each award's explanation written on demand ([`Evaluation::report`],
    /// [`Evaluation::member_report`]). [`Rulebook::score`] is this plus the report.
    pub fn evaluate<'a>(
        &'a self,
        records: &'a Records,
        members: Option<&'a Members>,
        options: &Options,
    ) -> Evaluation<'a> {
        debug_panic_hook(&self.id);
        eval::evaluate(
            self,
            &records.records,
            records.rejected_for_report(),
            members,
            options,
        )
        .with_warnings(records.warnings.clone())
    }
}

/// Records read from one or more inputs, with those that could not be read.
#[derive(Clone, Debug, Default)]
pub struct Records {
    /// The records read, typed by the rulebook.
    pub(crate) records: Vec<Record>,
    /// The records that could not be read, each with its place and why.
    pub rejected: Vec<Rejected>,
    /// The inputs' warnings: names that are no key of the rulebook.
    pub warnings: Vec<Warning>,
    sources: Vec<String>,
    /// Set by [`Records::with_max_record_bytes`]; `None` is the default limit.
    max_record_bytes: Option<usize>,
    /// The sheet read from spreadsheets ([`Records::with_sheet`]); the first when `None`.
    sheet: Option<String>,
}

impl Records {
    /// No records yet, with the default limits.
    pub fn new() -> Records {
        Records::default()
    }

    /// Records whose inputs reject any single record (a JSONL line, a CSV row, a JSON
    /// array element) larger than `bytes`; the default is
    /// `DEFAULT_MAX_RECORD_BYTES` (1 MiB).
    pub fn with_max_record_bytes(bytes: usize) -> Records {
        Records {
            max_record_bytes: Some(bytes),
            ..Records::default()
        }
    }

    /// These records, spreadsheets read from the sheet named `sheet` (`--sheet`)
    /// rather than the first.
    pub fn with_sheet(mut self, sheet: Option<String>) -> Records {
        self.sheet = sheet;
        self
    }

    /// How the next input is read: its index among the inputs, its name, the limits.
    fn options<'a>(&self, book: &'a Rulebook, name: &'a str, sheet: Option<&'a str>) -> ReadOptions<'a> {
        ReadOptions {
            sheet,
            source: self.sources.len() as u32,
            source_name: Some(name),
            max_record_bytes: self
                .max_record_bytes
                .unwrap_or(crate::records::DEFAULT_MAX_RECORD_BYTES),
            ..ReadOptions::for_book(book)
        }
    }

    /// Reads one input (`name` is how rejections refer to it) and returns how many
    /// records it held, accepted or rejected.
    pub fn read(
        &mut self,
        book: &Rulebook,
        input: &[u8],
        format: Format,
        name: &str,
    ) -> Result<usize, InputError> {
        let before = self.records.len() + self.rejected.len();
        let sheet = self.sheet.clone();
        let options = self.options(book, name, sheet.as_deref());
        let warnings = records::read(input, format, &options, &mut self.records, &mut self.rejected)?;
        self.warnings.extend(warnings);
        self.sources.push(name.to_owned());
        Ok(self.records.len() + self.rejected.len() - before)
    }

    /// Adds records handed over as JSON values, as one input (`name` is how rejections
    /// refer to it), and returns how many values it held, accepted or rejected.
    ///
    /// Each value is typed by the rulebook exactly as the JSON and JSONL readers type
    /// a record (its `input:` section included); one that does not fit is listed in
    /// the report's `rejected` with its number in `values` (from 1) and why.
    ///
    /// ```
    /// use merit::{Records, Rulebook, ScoreOptions};
    /// use serde_json::json;
    ///
    /// let book = Rulebook::from_yaml("fields: { hours: decimal }\nrules:\n  - { id: h, points: hours * 10 }\n", "book.yaml")?;
    /// let mut records = Records::new();
    /// let values = [
    ///     json!({"member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": 2.5}),
    ///     json!({"member": "m1", "kind": "volunteer", "date": "2026-03-09", "hours": "two"}),
    /// ];
    /// assert_eq!(records.extend_values(&book, values, "form"), 2);
    /// let report = book.score(&records, None, &ScoreOptions::default());
    /// assert_eq!(report.members[0].total.to_string(), "25");
    /// assert_eq!(report.rejected[0].record, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extend_values<V: std::borrow::Borrow<serde_json::Value>>(
        &mut self,
        book: &Rulebook,
        values: impl IntoIterator<Item = V>,
        name: &str,
    ) -> usize {
        self.add_values(book, values.into_iter().map(Ok), name)
    }

    /// Adds records from any values that serialise to JSON objects (an embedder's own
    /// structs, maps), as one input, typed and rejected like [`Records::extend_values`];
    /// a value that cannot be serialised (a map with non-text keys) is rejected with
    /// serde's message. Returns how many values it held.
    ///
    /// ```
    /// use merit::{Records, Rulebook, ScoreOptions};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Shift<'a> { member: &'a str, kind: &'a str, date: &'a str, hours: u32 }
    ///
    /// let book = Rulebook::from_yaml("fields: { hours: decimal }\nrules:\n  - { id: h, points: hours * 10 }\n", "book.yaml")?;
    /// let shifts = [Shift { member: "m1", kind: "volunteer", date: "2026-03-02", hours: 2 }];
    /// let mut records = Records::new();
    /// records.extend_serialize(&book, &shifts, "shifts");
    /// let report = book.score(&records, None, &ScoreOptions::default());
    /// assert_eq!(report.members[0].total.to_string(), "20");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn extend_serialize<T: Serialize>(
        &mut self,
        book: &Rulebook,
        values: impl IntoIterator<Item = T>,
        name: &str,
    ) -> usize {
        let values = values
            .into_iter()
            .map(|value| serde_json::to_value(value).map_err(|e| e.to_string()));
        self.add_values(book, values, name)
    }

    /// One input of values, each already serialised or the reason it could not be.
    fn add_values<V: std::borrow::Borrow<serde_json::Value>>(
        &mut self,
        book: &Rulebook,
        values: impl IntoIterator<Item = Result<V, String>>,
        name: &str,
    ) -> usize {
        let before = self.records.len() + self.rejected.len();
        let options = self.options(book, name, None);
        let warnings = records::read_values(values, &options, &mut self.records, &mut self.rejected);
        self.warnings.extend(warnings);
        self.sources.push(name.to_owned());
        self.records.len() + self.rejected.len() - before
    }

    /// The rejected records as a report lists them: named by input only when there
    /// were several.
    fn rejected_for_report(&self) -> Vec<Rejected> {
        let mut rejected = self.rejected.clone();
        if self.sources.len() <= 1 {
            for r in &mut rejected {
                r.source = None;
            }
        }
        rejected
    }

    /// How many records were read (rejected ones not counted).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no record was read.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

// What-if and explanations of a report read back, for the bindings.

/// What adding some records would change: the report without them, the report with
/// them, and the difference member by member.
///
/// The extra records are scored after the base records of the same day (they come
/// from a later input), so a hypothetical activity meets the caps the real ones
/// already used. Every binding's "what if" goes through here.
///
/// # Example
/// ```
/// use merit::{Format, Records, Rulebook, ScoreOptions};
/// let book = Rulebook::from_yaml(
///     "fields: { hours: decimal? }\nrules:\n  - { id: hours, when: kind == \"volunteer\", points: hours * 10, cap: [{ per: month, max: 50 }] }\n",
///     "book.yaml",
/// )?;
/// let mut records = Records::new();
/// records.read(&book, br#"{"member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": 4}"#, Format::Jsonl, "in.jsonl")?;
/// let mut extra = Records::new();
/// extra.read(&book, br#"{"member": "m1", "kind": "volunteer", "date": "2026-03-09", "hours": 2}"#, Format::Jsonl, "what-if")?;
/// let what_if = merit::what_if(&book, &records, &extra, None, &ScoreOptions::default());
/// let m1 = &what_if.diff.members[0];
/// assert_eq!((m1.before.to_string(), m1.after.to_string(), m1.change.to_string()), ("40".into(), "50".into(), "10".into()));
/// assert_eq!(m1.rules[0].key, "hours");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn what_if(
    book: &Rulebook,
    records: &Records,
    extra: &Records,
    members: Option<&Members>,
    options: &Options,
) -> WhatIf {
    let before = book.score(records, members, options);
    let shift = records.sources.len() as u32;
    let mut all = records.clone();
    all.records.extend(extra.records.iter().map(|r| Record {
        source: r.source + shift,
        ..r.clone()
    }));
    all.rejected.extend(extra.rejected.iter().cloned());
    all.warnings.extend(extra.warnings.iter().cloned());
    all.sources.extend(extra.sources.iter().cloned());
    let after = book.score(&all, members, options);
    let diff = crate::diff::diff_reports(book, &before, &after);
    WhatIf { before, after, diff }
}

/// The result of [`what_if`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIf {
    /// The report without the extra records.
    pub before: Report,
    /// The report with them.
    pub after: Report,
    /// What changed, member by member.
    pub diff: crate::diff::ReportDiff,
}

/// One member's report told as sentences (see [`crate::explain::explain_member`]),
/// from a report that went out through serde (JSON, or a binding's own values) and
/// came back: what a binding's `explain(report, member)` calls. Keys the report
/// reader does not know are ignored. `Ok(None)` when the report has no such member.
///
/// # Example
/// ```
/// use merit::{Format, Lang, Records, Rulebook, ScoreOptions};
/// let book = Rulebook::from_yaml("rules:\n  - { id: hello, title: Hello, points: 1 }\n", "book.yaml")?;
/// let mut records = Records::new();
/// records.read(&book, br#"{"member": "m1", "kind": "x", "date": "2026-03-14"}"#, Format::Jsonl, "in.jsonl")?;
/// let json = book.score(&records, None, &ScoreOptions::default()).to_json();
/// let mut reader = serde_json::Deserializer::from_str(&json);
/// let text = merit::explain_report(&book, &mut reader, "m1", Lang::En)?.unwrap();
/// assert!(text.contains("2026-03-14 Hello (hello): 1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain_report<'de, D: serde::Deserializer<'de>>(
    book: &Rulebook,
    report: D,
    member: &str,
    lang: crate::explain::Lang,
) -> Result<Option<String>, D::Error> {
    let report = Report::deserialize(report)?;
    Ok(crate::explain::explain_member(book, &report, member, lang))
}

#[cfg(feature = "arrow")]
impl Records {
    /// Reads Arrow record batches as one input (feature `arrow`): column by column,
    /// typed by the rulebook's schema like every other format; positions run on
    /// across batches. `name` is how rejections refer to the input. Returns how many
    /// rows it held, accepted or rejected.
    ///
    /// # Example
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, RecordBatch, StringArray};
    /// use merit::{Records, Rulebook, ScoreOptions};
    ///
    /// let book = Rulebook::from_yaml("rules:\n  - { id: any, points: 1 }\n", "book.yaml")?;
    /// let column = |v: &str| Arc::new(StringArray::from(vec![v])) as ArrayRef;
    /// let batch = RecordBatch::try_from_iter([
    ///     ("member", column("m1")), ("kind", column("study")), ("date", column("2026-03-14")),
    /// ])?;
    /// let mut records = Records::new();
    /// records.read_arrow(&book, [Ok::<_, std::convert::Infallible>(batch)], "table")?;
    /// let report = book.score(&records, None, &ScoreOptions::default());
    /// assert_eq!(report.members[0].total.to_string(), "1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_arrow<E: std::fmt::Display>(
        &mut self,
        book: &Rulebook,
        batches: impl IntoIterator<Item = Result<arrow_array::RecordBatch, E>>,
        name: &str,
    ) -> Result<usize, InputError> {
        let before = self.records.len() + self.rejected.len();
        let options = self.options(book, name, None);
        // The batches are read in parallel, so they are gathered first (a table's
        // batches share its buffers; a stream's are held until read).
        let mut gathered = Vec::new();
        let mut failed = None;
        for (index, batch) in batches.into_iter().enumerate() {
            match batch {
                Ok(batch) => gathered.push(batch),
                Err(e) => {
                    failed = Some(InputError {
                        code: InputError::UNREADABLE,
                        message: format!("cannot read Arrow batch {}: {e}", index + 1),
                        line: None,
                        column: None,
                    });
                    break;
                }
            }
        }
        records::arrow::read_batches(&gathered, &options, &mut self.records, &mut self.rejected)?;
        self.warnings
            .extend(records::arrow::warnings(&gathered, &options));
        if let Some(error) = failed {
            return Err(error);
        }
        self.sources.push(name.to_owned());
        Ok(self.records.len() + self.rejected.len() - before)
    }
}
