//! How a rulebook says its data is written (`input:` and `kinds:`, DESIGN section
//! 8.1), and the normalising each reader applies to a value as it reads it.
//!
//! Offices keep records in spreadsheets exported by hand: Chinese column names,
//! `2026/1/1` and Excel serial dates, `是`/`否`, `2小时`, stray full-width spaces.
//! The rulebook declares these forms once; every reader (CSV, JSON, JSONL, YAML,
//! Arrow, spreadsheets) then reads them in the same pass that reads the records,
//! so nobody cleans a file by hand and no front end can read them differently.

use std::borrow::Cow;

use jiff::civil::Date;

/// The text encoding of a text input (`input.encoding`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark (the default).
    #[default]
    Utf8,
    /// GB18030 (a superset of GBK and GB2312), what Excel and WPS write in China.
    Gb18030,
    /// A byte-order mark, else UTF-8 when the bytes are valid UTF-8, else GB18030.
    Auto,
}

impl Encoding {
    /// An encoding by name (`utf-8`, `gb18030`/`gbk`, `auto`), in any case.
    pub fn parse(name: &str) -> Option<Encoding> {
        Some(match name.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Encoding::Utf8,
            "gb18030" | "gbk" | "gb2312" => Encoding::Gb18030,
            "auto" => Encoding::Auto,
            _ => return None,
        })
    }
}

/// One accepted date form: a pattern of `YYYY`, `MM`/`M`, `DD`/`D` and literal
/// characters, or `excel` (serial day numbers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateForm {
    Pattern(Vec<DatePart>),
    Excel,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatePart {
    /// Exactly four digits.
    Year,
    /// Two digits (`MM`) or one or two (`M`).
    Month {
        exact: bool,
    },
    Day {
        exact: bool,
    },
    Literal(char),
}

impl DateForm {
    /// Parses `YYYY/M/D`, `YYYY年M月D日` or `excel`; `None` for a pattern without
    /// all of year, month and day.
    pub fn parse(text: &str) -> Option<DateForm> {
        if text.eq_ignore_ascii_case("excel") {
            return Some(DateForm::Excel);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let (part, len) = if rest.starts_with("YYYY") {
                (DatePart::Year, 4)
            } else if rest.starts_with("MM") {
                (DatePart::Month { exact: true }, 2)
            } else if rest.starts_with("DD") {
                (DatePart::Day { exact: true }, 2)
            } else if c == 'M' {
                (DatePart::Month { exact: false }, 1)
            } else if c == 'D' {
                (DatePart::Day { exact: false }, 1)
            } else {
                (DatePart::Literal(c), c.len_utf8())
            };
            parts.push(part);
            rest = &rest[len..];
        }
        let has = |want: fn(&DatePart) -> bool| parts.iter().filter(|p| want(p)).count() == 1;
        (has(|p| *p == DatePart::Year)
            && has(|p| matches!(p, DatePart::Month { .. }))
            && has(|p| matches!(p, DatePart::Day { .. })))
        .then_some(DateForm::Pattern(parts))
    }

    /// The date `text` writes in this form, `None` when it is not in this form, or
    /// `Some(Err)` when it is but names no day (`2026/2/30`).
    pub(crate) fn read(&self, text: &str) -> Option<Result<Date, String>> {
        match self {
            DateForm::Excel => excel_serial(text),
            DateForm::Pattern(parts) => {
                let (mut year, mut month, mut day) = (0i16, 0i16, 0i16);
                let mut rest = text;
                for part in parts {
                    let (min, max) = match part {
                        DatePart::Literal(c) => {
                            rest = rest.strip_prefix(*c)?;
                            continue;
                        }
                        DatePart::Year => (4, 4),
                        DatePart::Month { exact: true } | DatePart::Day { exact: true } => (2, 2),
                        DatePart::Month { exact: false } | DatePart::Day { exact: false } => (1, 2),
                    };
                    let digits = rest.bytes().take(max).take_while(u8::is_ascii_digit).count();
                    if digits < min {
                        return None;
                    }
                    let n = rest[..digits]
                        .bytes()
                        .fold(0i16, |n, d| n * 10 + i16::from(d - b'0'));
                    rest = &rest[digits..];
                    match part {
                        DatePart::Year => year = n,
                        DatePart::Month { .. } => month = n,
                        _ => day = n,
                    }
                }
                rest.is_empty().then(|| {
                    crate::calendar::date_from_parts(year, month, day)
                        .map_err(|why| format!("{text:?} is not a date: {why}"))
                })
            }
        }
    }
}

impl std::fmt::Display for DateForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts = match self {
            DateForm::Excel => return f.write_str("excel"),
            DateForm::Pattern(parts) => parts,
        };
        for part in parts {
            match part {
                DatePart::Year => f.write_str("YYYY")?,
                DatePart::Month { exact } => f.write_str(if *exact { "MM" } else { "M" })?,
                DatePart::Day { exact } => f.write_str(if *exact { "DD" } else { "D" })?,
                DatePart::Literal(c) => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

/// The first and last serial numbers read as Excel dates: 1900-01-01 and 9999-12-31.
const EXCEL_SERIALS: std::ops::RangeInclusive<i64> = 1..=2_958_465;

/// An Excel serial day number (`45292`, or `45292.5` with a time of day) as its date,
/// in Excel's 1900 date system: day 1 is 1900-01-01, and day 60 is the 29 February
/// 1900 that Excel counts although it never was (so from day 61 on, day n is
/// 1899-12-30 plus n days).
pub(crate) fn excel_serial(text: &str) -> Option<Result<Date, String>> {
    let whole = match text.split_once('.') {
        Some((whole, fraction)) if fraction.bytes().all(|b| b.is_ascii_digit()) => whole,
        Some(_) => return None,
        None => text,
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 7 {
        return None;
    }
    let n: i64 = whole.parse().ok()?;
    Some(excel_day(n).ok_or_else(|| {
        format!(
            "{text} is not an Excel date serial (Excel dates run from 1 = 1900-01-01 to {} = 9999-12-31)",
            EXCEL_SERIALS.end()
        )
    }))
}

/// The date of Excel serial day `n` (see [`excel_serial`]).
pub(crate) fn excel_day(n: i64) -> Option<Date> {
    if !EXCEL_SERIALS.contains(&n) || n == 60 {
        return None;
    }
    let epoch = if n < 60 {
        Date::constant(1899, 12, 31)
    } else {
        Date::constant(1899, 12, 30)
    };
    epoch.checked_add(jiff::Span::new().days(n)).ok()
}

/// The rulebook's `input:` section and `kinds:`; the default reads data as it always
/// has (ISO dates, `true/false/yes/no/1/0`, names as written, UTF-8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputSpec {
    /// Column (or key) aliases: the name in the data, and the record key or field it is.
    pub columns: Vec<(String, String)>,
    /// Date forms accepted besides ISO dates and RFC 3339 datetimes.
    pub dates: Vec<DateForm>,
    /// Words read as `true` and `false`, besides `true/yes/1` and `false/no/0`.
    pub booleans: (Vec<String>, Vec<String>),
    /// Unit suffixes stripped from a decimal field: field name, suffixes.
    pub units: Vec<(String, Vec<String>)>,
    /// Trim strings and member ids (full-width spaces too), collapse inner runs of
    /// whitespace to one space, and drop a space between two CJK characters.
    pub trim: bool,
    pub encoding: Encoding,
    /// `kinds:`: when declared, the only valid record kinds.
    pub kinds: Option<Vec<String>>,
}

/// The spec that reads data as it always has: what [`ReadOptions::new`](super::ReadOptions::new) uses.
pub static DEFAULT_INPUT: InputSpec = InputSpec {
    columns: Vec::new(),
    dates: Vec::new(),
    booleans: (Vec::new(), Vec::new()),
    units: Vec::new(),
    trim: false,
    encoding: Encoding::Utf8,
    kinds: None,
};

impl InputSpec {
    /// The record key or field a data name stands for, by alias (`姓名` → `member`).
    pub fn alias(&self, name: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|(alias, _)| alias == name)
            .map(|(_, target)| target.as_str())
    }

    /// A string value as the rulebook reads it: trimmed and collapsed when `trim`.
    pub fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.trim {
            tidy(text)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// A boolean word declared in `input.booleans`, compared without case.
    pub(crate) fn boolean(&self, text: &str) -> Option<bool> {
        let is = |words: &[String]| words.iter().any(|w| w == text || w.eq_ignore_ascii_case(text));
        if is(&self.booleans.0) {
            Some(true)
        } else if is(&self.booleans.1) {
            Some(false)
        } else {
            None
        }
    }

    /// `text` without a unit suffix declared for `field` (`2小时` → `2`).
    pub(crate) fn strip_unit<'t>(&self, field: &str, text: &'t str) -> &'t str {
        let text = text.trim();
        self.units
            .iter()
            .filter(|(name, _)| name == field)
            .flat_map(|(_, suffixes)| suffixes)
            .find_map(|suffix| text.strip_suffix(suffix.as_str()))
            .map_or(text, str::trim)
    }

    /// A date in one of the declared forms: `None` when no form matches.
    pub(crate) fn date(&self, text: &str) -> Option<Result<Date, String>> {
        self.dates.iter().find_map(|form| form.read(text))
    }

    /// The declared date forms as the rulebook wrote them, for messages.
    pub(crate) fn date_forms(&self) -> String {
        self.dates
            .iter()
            .map(DateForm::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether `excel` is among the date forms (a number in a date column is then a serial).
    pub(crate) fn excel_dates(&self) -> bool {
        self.dates.contains(&DateForm::Excel)
    }

    /// Why `kind` is not one of the declared kinds, with the closest one.
    pub(crate) fn check_kind(&self, kind: &str) -> Result<(), String> {
        let Some(kinds) = &self.kinds else { return Ok(()) };
        if kinds.iter().any(|k| k == kind) {
            return Ok(());
        }
        let close = crate::diagnostic::did_you_mean(kind, kinds.iter().map(String::as_str));
        Err(match close {
            Some(close) => format!("`{kind}` is not one of the rulebook's `kinds` (did you mean `{close}`?)"),
            None => format!(
                "`{kind}` is not one of the rulebook's `kinds`: {}",
                kinds.join(", ")
            ),
        })
    }
}

/// Trims both ends (every Unicode space, U+3000 included), collapses each inner run
/// of whitespace to one space, and drops it between two CJK characters (`张 伟` →
/// `张伟`): Chinese does not space its words, so a space there is a typing slip.
pub fn tidy(text: &str) -> Cow<'_, str> {
    let trimmed = text.trim();
    if !trimmed.contains(char::is_whitespace) {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut pending_space = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !(out.chars().next_back().is_some_and(is_cjk) && is_cjk(c)) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    if out == trimmed {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(out)
    }
}

/// Han ideographs, kana, hangul and CJK punctuation: scripts written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_spellings_of_one_name_are_one() {
        for name in [
            "张伟",
            "张伟 ",
            " 张伟",
            "张 伟",
            "张伟\u{3000}",
            "\t张\u{3000}\u{3000}伟\n",
        ] {
            assert_eq!(tidy(name), "张伟", "{name:?}");
        }
        assert_eq!(tidy("  Li   Wei "), "Li Wei");
        assert_eq!(tidy("王 Li"), "王 Li");
        assert!(matches!(tidy("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn declared_date_forms_and_excel_serials() {
        let forms: Vec<DateForm> = ["YYYY/M/D", "YYYY-M-D", "YYYY年M月D日", "excel"]
            .iter()
            .map(|f| DateForm::parse(f).expect("a form"))
            .collect();
        let spec = InputSpec {
            dates: forms,
            ..InputSpec::default()
        };
        let date = |t: &str| spec.date(t).map(|r| r.map(|d| d.to_string()));
        assert_eq!(date("2026/1/1"), Some(Ok("2026-01-01".into())));
        assert_eq!(date("2026-3-5"), Some(Ok("2026-03-05".into())));
        assert_eq!(date("2026年3月15日"), Some(Ok("2026-03-15".into())));
        assert_eq!(date("46023"), Some(Ok("2026-01-01".into())));
        assert_eq!(date("46023.75"), Some(Ok("2026-01-01".into())));
        assert_eq!(date("61"), Some(Ok("1900-03-01".into())));
        assert_eq!(date("1"), Some(Ok("1900-01-01".into())));
        assert!(matches!(date("60"), Some(Err(_))));
        assert!(matches!(date("2026/2/30"), Some(Err(_))));
        assert_eq!(date("2026/1/1/"), None);
        assert_eq!(date("26/1/1"), None);
        assert_eq!(date("2026.1.1"), None);
        assert_eq!(DateForm::parse("YYYY/M"), None);
    }
}
