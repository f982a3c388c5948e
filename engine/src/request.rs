//! What a front end asks for when it scores: one [`ScoreRequest`], spelled as the
//! CLI, Python and JavaScript spell their options, validated here once into the
//! evaluation's [`Options`] and the input choices that go with them.
//!
//! Why one type: the options used to be parsed in four places and had drifted
//! (`period="lifetime"` accepted by two front ends and refused by the third, a bad
//! `lang` worded three ways). Every refusal is a [`RequestError`] with a stable
//! code, so that the error table (`tests/errors/requests.yaml`) can hold all three
//! front ends to the same code and the same message.
//!
//! | key (aliases)                        | value                                      |
//! |--------------------------------------|--------------------------------------------|
//! | `from` (`start`)                     | first day reported, `YYYY-MM-DD`           |
//! | `to` (`end`)                         | last day reported                          |
//! | `as_of` (`asOf`)                     | the day the report is made                 |
//! | `period`                             | `day` … `year`, `lifetime`: the rows       |
//! | `lang`                               | `zh`, `en` (and `zh-CN`, `cn`, `en-US`, `en-GB`) |
//! | `why_not` (`whyNot`)                 | add `unscored` to each member              |
//! | `sheet`                              | the spreadsheet sheet to read              |
//! | `strict`                             | an input warning is an error               |
//! | `format`, `members_format` (`membersFormat`), `extra_format` (`extraFormat`) | how inputs given as text are read |
//! | `members`                            | member profiles: read by the front end     |

use std::fmt;

use jiff::civil::Date;
use serde::Deserialize;

use crate::calendar::{Per, parse_date};
use crate::eval::Options;
use crate::explain::Lang;
use crate::records::Format;

/// The options of a score call, as a front end hands them over: text, not yet
/// checked. Build it with serde (Python's keyword arguments, a JavaScript options
/// object, JSON), or field by field (the CLI), then call [`ScoreRequest::validate`].
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// The report's first day, `YYYY-MM-DD` (alias `start`).
    #[serde(alias = "start")]
    pub from: Option<String>,
    /// The report's last day (alias `end`).
    #[serde(alias = "end")]
    pub to: Option<String>,
    /// Records after this day are not seen (alias `asOf`).
    #[serde(alias = "asOf")]
    pub as_of: Option<String>,
    /// The report's rows: `day`, `week`, `month`, `quarter`, `year`, `lifetime`.
    pub period: Option<String>,
    /// The language of explanations: `zh` or `en`.
    pub lang: Option<String>,
    /// List each member's records that earned nothing, and why (alias `whyNot`).
    #[serde(default, alias = "whyNot")]
    pub why_not: bool,
    /// The sheet of a spreadsheet to read (the first when absent).
    pub sheet: Option<String>,
    /// An input's warning is an error.
    #[serde(default)]
    pub strict: bool,
    /// The records' format when it cannot be told from a file name.
    pub format: Option<String>,
    /// The member profiles' format (alias `membersFormat`).
    #[serde(alias = "membersFormat")]
    pub members_format: Option<String>,
    /// The format of what-if's extra records (alias `extraFormat`).
    #[serde(alias = "extraFormat")]
    pub extra_format: Option<String>,
    /// Member profiles are an input, read by the front end (a path, a dict, an
    /// array): the key is known here only so that it is not called unknown.
    #[serde(default)]
    pub members: Option<serde::de::IgnoredAny>,
    /// The keys as the caller spelled them (set by [`ScoreRequest::from_value`]),
    /// so that a message names `start` to whoever wrote `start`; empty: the
    /// engine's names.
    #[serde(skip)]
    pub spelled: Vec<String>,
}

/// Every key a [`ScoreRequest`] accepts, aliases included: what an unknown key is
/// compared with for a did-you-mean.
pub const SCORE_KEYS: &[&str] = &[
    "from",
    "start",
    "to",
    "end",
    "as_of",
    "asOf",
    "period",
    "lang",
    "why_not",
    "whyNot",
    "sheet",
    "strict",
    "format",
    "members_format",
    "membersFormat",
    "extra_format",
    "extraFormat",
    "members",
];

/// A [`ScoreRequest`] checked: the evaluation's options and how inputs are read.
#[derive(Clone, Debug, Default)]
pub struct Scoring {
    /// What evaluation needs: range, `as_of`, period, language, why-not.
    pub options: Options,
    /// The sheet to read from spreadsheets.
    pub sheet: Option<String>,
    /// Whether an input's warning is an error.
    pub strict: bool,
    /// The records' format, if given.
    pub format: Option<Format>,
    /// The member profiles' format, if given.
    pub members_format: Option<Format>,
    /// What-if's extra records' format, if given.
    pub extra_format: Option<Format>,
}

impl ScoreRequest {
    /// A request from any serde value (a `serde_json::Value`, a JS object): an
    /// unknown key is refused with the likely key meant, a value of the wrong type
    /// with the key it was under.
    ///
    /// # Example
    /// ```
    /// let error = merit::ScoreRequest::from_value(serde_json::json!({ "perod": "month" })).unwrap_err();
    /// assert_eq!(error.code(), "unknown-option");
    /// assert_eq!(error.to_string(), "options: unknown option `perod`; did you mean `period`?");
    /// ```
    pub fn from_value(value: serde_json::Value) -> Result<ScoreRequest, RequestError> {
        match &value {
            serde_json::Value::Null => Ok(ScoreRequest::default()),
            serde_json::Value::Object(map) => {
                if let Some(key) = map.keys().find(|k| !SCORE_KEYS.contains(&k.as_str())) {
                    return Err(unknown_option(key, SCORE_KEYS));
                }
                // `null` is a key left out, as Python's `None` and JS's `undefined` mean.
                let given = map.iter().filter(|(_, v)| !v.is_null());
                let value = serde_json::Value::Object(given.map(|(k, v)| (k.clone(), v.clone())).collect());
                let mut request: ScoreRequest = serde_json::from_value(value)
                    .map_err(|e| RequestError::new("bad-option", format!("options: {e}")))?;
                request.spelled = map.keys().cloned().collect();
                Ok(request)
            }
            _ => Err(RequestError::new("bad-option", "options: expected an object")),
        }
    }

    /// Checks every option once: dates, period, language, formats, range.
    ///
    /// # Example
    /// ```
    /// let request = merit::ScoreRequest { period: Some("fortnight".into()), ..Default::default() };
    /// let error = request.validate().unwrap_err();
    /// assert_eq!(error.code(), "bad-period");
    /// assert_eq!(error.to_string(), "period: expected one of day, week, month, quarter, year, lifetime, got \"fortnight\"");
    /// ```
    pub fn validate(&self) -> Result<Scoring, RequestError> {
        let from = date(self.key("from", "start"), &self.from)?;
        let to = date(self.key("to", "end"), &self.to)?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(RequestError::new(
                "reversed-range",
                format!("from {from} is after to {to}: the range would be empty"),
            ));
        }
        Ok(Scoring {
            options: Options {
                from,
                to,
                as_of: date(self.key("as_of", "asOf"), &self.as_of)?,
                period: self.period.as_deref().map(period).transpose()?,
                lang: self.lang.as_deref().map(lang).transpose()?,
                summary: false,
                why_not: self.why_not,
            },
            sheet: self.sheet.clone(),
            strict: self.strict,
            format: format("format", &self.format)?,
            members_format: format(self.key("members_format", "membersFormat"), &self.members_format)?,
            extra_format: format(self.key("extra_format", "extraFormat"), &self.extra_format)?,
        })
    }

    /// The name of an option as the caller wrote it: `alias` when that is the key
    /// given, else the engine's `name`.
    fn key<'a>(&self, name: &'a str, alias: &'a str) -> &'a str {
        if self.spelled.iter().any(|k| k == alias) {
            alias
        } else {
            name
        }
    }
}

/// What a front end says about a report's inputs so that nothing is lost silently:
/// how many records were rejected (and the first), then each input warning; `None`
/// when there is nothing to say. Python warns with it (raises under `strict`), the
/// JavaScript package throws it under `strict` (code `strict`).
pub fn input_problems(report: &crate::Report) -> Option<String> {
    let mut problems = Vec::new();
    if let Some(first) = report.rejected.first() {
        problems.push(format!(
            "{} record(s) rejected (see report.rejected); the first, record {}: {}",
            report.rejected.len(),
            first.record,
            first.error
        ));
    }
    problems.extend(
        report
            .warnings
            .iter()
            .map(|w| format!("{}: {}", w.input, w.message)),
    );
    (!problems.is_empty()).then(|| problems.join("\n"))
}

fn date(key: &str, text: &Option<String>) -> Result<Option<Date>, RequestError> {
    text.as_deref()
        .map(|t| parse_date(t).map_err(|why| RequestError::new("bad-date", format!("{key}: {why}"))))
        .transpose()
}

/// A report period by name; every front end accepts the periods a rulebook may
/// declare, `lifetime` included (one row for the whole history).
pub fn period(name: &str) -> Result<Per, RequestError> {
    Per::parse(name).ok_or_else(|| {
        RequestError::new(
            "bad-period",
            format!("period: expected one of {}, got {name:?}", Per::NAMES.join(", ")),
        )
    })
}

/// A language by name: what `lang` of `score`, `explain` and the bank accept.
pub fn lang(name: &str) -> Result<Lang, RequestError> {
    Lang::parse(name).ok_or_else(|| {
        RequestError::new(
            "bad-lang",
            format!("lang: expected \"zh\" or \"en\", got {name:?}"),
        )
    })
}

fn format(key: &str, text: &Option<String>) -> Result<Option<Format>, RequestError> {
    text.as_deref()
        .map(|f| {
            Format::parse(f).ok_or_else(|| {
                RequestError::new(
                    "bad-format",
                    format!("{key}: expected jsonl, json, csv, yaml or xlsx, got {f:?}"),
                )
            })
        })
        .transpose()
}

/// An unknown key of a request, with the key probably meant.
pub fn unknown_option(key: &str, known: &[&str]) -> RequestError {
    let hint = crate::diagnostic::did_you_mean(key, known.iter().copied())
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    RequestError::new("unknown-option", format!("options: unknown option `{key}`{hint}"))
}

/// A request refused before any work: a stable code (`bad-date`, `bad-period`,
/// `bad-lang`, `bad-format`, `reversed-range`, `unknown-option`, `bad-option`,
/// `bad-rank`) and a message naming the option, what was expected and what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestError {
    code: &'static str,
    message: String,
}

impl RequestError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> RequestError {
        RequestError {
            code,
            message: message.into(),
        }
    }

    /// The stable identifier of what was wrong.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// What is wrong, naming the option as the caller spelled it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_names_an_option_as_the_caller_spelled_it() {
        let request = |json| {
            ScoreRequest::from_value(json)
                .unwrap()
                .validate()
                .unwrap_err()
                .to_string()
        };
        assert!(request(serde_json::json!({ "start": "2026-13-01" })).starts_with("start: "));
        assert!(request(serde_json::json!({ "from": "2026-13-01" })).starts_with("from: "));
        assert!(request(serde_json::json!({ "asOf": "March" })).starts_with("asOf: "));
    }

    #[test]
    fn lifetime_is_a_period_every_front_end_accepts() {
        let request =
            ScoreRequest::from_value(serde_json::json!({ "period": "lifetime", "whyNot": true })).unwrap();
        let scoring = request.validate().unwrap();
        assert_eq!(scoring.options.period, Some(Per::Lifetime));
        assert!(scoring.options.why_not);
    }

    #[test]
    fn null_is_an_option_left_out() {
        let request =
            ScoreRequest::from_value(serde_json::json!({ "lang": null, "members": [{ "member": "m1" }] }));
        assert!(request.unwrap().validate().unwrap().options.lang.is_none());
    }
}
