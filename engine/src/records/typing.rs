//! Value typing shared by every format: one raw value, as a format hands it over,
//! becomes a typed [`Value`] of its schema field, or a message saying what was
//! expected and what was found.
//!
//! Numbers are always read from their written text, never through a float, so
//! `0.1` stays exactly `0.1` and `3.50` keeps its two places.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use rust_decimal::Decimal;

use super::spec::InputSpec;
use crate::schema::FieldType;
use crate::value::Value;

/// A value as a format delivers it, before the schema decides its type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Raw<'a> {
    Null,
    Bool(bool),
    /// A JSON or YAML number, as written.
    Number(&'a str),
    /// A JSON or YAML string.
    Str(&'a str),
    /// A CSV cell: text whose type the schema decides.
    Cell(&'a str),
    /// An array, object, list or mapping (named as a user would): never a field value.
    Nested(&'static str),
    /// The items of a JSON or YAML array (or an Arrow or Python list): a list field's value.
    Items(&'static str, &'a [Raw<'a>]),
}

/// Longest piece of input quoted in a message; longer text is cut with `…`.
const QUOTE_CHARS: usize = 40;

impl Raw<'_> {
    /// How a message shows what was found: `"three"`, `4.5`, `true`, `an array`.
    pub(crate) fn shown(&self) -> String {
        match *self {
            Raw::Null => "null".to_owned(),
            Raw::Bool(b) => b.to_string(),
            Raw::Number(text) => cut(text, QUOTE_CHARS).to_owned(),
            Raw::Str(text) | Raw::Cell(text) => quoted(text),
            Raw::Nested(what) => what.to_owned(),
            Raw::Items(what, _) => what.to_owned(),
        }
    }
}

/// `text` in double quotes, cut to a readable length.
pub(crate) fn quoted(text: &str) -> String {
    let short = cut(text, QUOTE_CHARS);
    if short.len() < text.len() {
        format!("{:?}…", short)
    } else {
        format!("{text:?}")
    }
}

fn cut(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Types `raw` as a value of field `name` of type `ty`, reading the forms the
/// rulebook's `input:` declares first (a unit suffix, a boolean word, a date form,
/// an Excel serial date), then the forms every rulebook reads ([`typed`]).
pub(crate) fn typed_as(
    ty: FieldType,
    name: &str,
    raw: Raw<'_>,
    tz: &TimeZone,
    input: &InputSpec,
) -> Result<Value, String> {
    match (ty, raw) {
        (FieldType::Decimal | FieldType::Int, Raw::Str(text) | Raw::Cell(text)) => {
            let bare = input.strip_unit(name, text);
            if bare.len() != text.trim().len() {
                return typed(ty, Raw::Cell(bare), tz)
                    .map_err(|_| format!("expected {}, got {}", ty.name(), raw.shown()));
            }
        }
        (FieldType::Bool, Raw::Str(text) | Raw::Cell(text)) => {
            if let Some(b) = input.boolean(text.trim()) {
                return Ok(Value::Bool(b));
            }
        }
        // A number 0 or 1 for a bool: what pandas makes of a bool column with a
        // missing cell (0.0/1.0), and what spreadsheets write for yes and no.
        (FieldType::Bool, Raw::Number(text)) => match number(text) {
            Ok(n) if n.is_zero() => return Ok(Value::Bool(false)),
            Ok(n) if n == Decimal::ONE => return Ok(Value::Bool(true)),
            _ => {
                return Err(format!(
                    "expected bool, got {} (a number column: only 0 and 1 read as a bool)",
                    raw.shown()
                ));
            }
        },
        (FieldType::Date, Raw::Str(text) | Raw::Cell(text)) => {
            if let Some(date) = input.date(text.trim()) {
                return date.map(Value::Date);
            }
        }
        (FieldType::Date, Raw::Number(text)) if input.excel_dates() => {
            if let Some(date) = super::spec::excel_serial(text) {
                return date.map(Value::Date);
            }
        }
        _ => {}
    }
    typed(ty, raw, tz).map_err(|why| match (ty, raw) {
        (FieldType::Date, Raw::Str(_) | Raw::Cell(_))
            if !input.dates.is_empty() && why.starts_with("expected") =>
        {
            format!(
                "expected a date in a declared form ({}), got {}",
                input.date_forms(),
                raw.shown()
            )
        }
        _ => why,
    })
}

/// Types `raw` as a value of `ty`. The error is the message without its
/// "field `x`: " prefix.
pub(crate) fn typed(ty: FieldType, raw: Raw<'_>, tz: &TimeZone) -> Result<Value, String> {
    let expected = || format!("expected {}, got {}", ty.name(), raw.shown());
    match ty {
        FieldType::Decimal | FieldType::Int => {
            let n = match raw {
                Raw::Number(text) => number(text)?,
                Raw::Str(text) | Raw::Cell(text) => match plain_decimal(text.trim()) {
                    Some(Ok(n)) => n,
                    Some(Err(why)) => return Err(format!("{} {why}", quoted(text))),
                    None => return Err(expected()),
                },
                _ => return Err(expected()),
            };
            if ty == FieldType::Int {
                if !n.fract().is_zero() {
                    return Err(expected());
                }
                return Ok(Value::Num(n.normalize()));
            }
            Ok(Value::Num(n))
        }
        FieldType::Bool => match raw {
            Raw::Bool(b) => Ok(Value::Bool(b)),
            Raw::Str(text) | Raw::Cell(text) => bool_text(text.trim()).map(Value::Bool).ok_or_else(expected),
            _ => Err(expected()),
        },
        FieldType::String => match raw {
            Raw::Str(text) | Raw::Cell(text) => Ok(Value::str(text)),
            _ => Err(expected()),
        },
        FieldType::Date => match raw {
            Raw::Str(text) | Raw::Cell(text) => date(text.trim(), tz).map(Value::Date),
            _ => Err(expected()),
        },
        FieldType::ListString(sep) => {
            list(FieldType::String, sep, raw, tz).map_err(|why| why.unwrap_or_else(expected))
        }
        FieldType::ListDecimal(sep) => {
            list(FieldType::Decimal, sep, raw, tz).map_err(|why| why.unwrap_or_else(expected))
        }
    }
}

/// A list field's value: array items, or a cell's text split at `sep` (items trimmed,
/// empty items dropped). `Err(None)` when `raw` is not list-shaped at all.
fn list(item: FieldType, sep: char, raw: Raw<'_>, tz: &TimeZone) -> Result<Value, Option<String>> {
    let each =
        |i: usize, raw: Raw<'_>| typed(item, raw, tz).map_err(|why| Some(format!("item {}: {why}", i + 1)));
    let items = match raw {
        Raw::Items(_, items) => items.iter().enumerate().map(|(i, r)| each(i, *r)).collect(),
        Raw::Cell(text) | Raw::Str(text) => text
            .split(sep)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .enumerate()
            .map(|(i, t)| each(i, Raw::Cell(t)))
            .collect(),
        Raw::Number(_) if item == FieldType::Decimal => Ok(vec![typed(item, raw, tz).map_err(Some)?]),
        _ => return Err(None),
    };
    items.map(|v: Vec<Value>| Value::List(v.into()))
}

/// `true/false`, `yes/no`, `1/0`, in any case.
pub(crate) fn bool_text(text: &str) -> Option<bool> {
    const TRUE: [&str; 3] = ["true", "yes", "1"];
    const FALSE: [&str; 3] = ["false", "no", "0"];
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(text)) {
        Some(true)
    } else if FALSE.iter().any(|f| f.eq_ignore_ascii_case(text)) {
        Some(false)
    } else {
        None
    }
}

/// A JSON or YAML number, exactly as written (an exponent is allowed).
pub(crate) fn number(text: &str) -> Result<Decimal, String> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let Some(parsed) = plain_decimal(mantissa) else {
        return Err(format!("expected a number, got {}", cut(text, QUOTE_CHARS)));
    };
    let out_of_range = || format!("{} is out of range for a decimal", cut(text, QUOTE_CHARS));
    let n = parsed.map_err(|why| format!("{} {why}", cut(text, QUOTE_CHARS)))?;
    let Some(exponent) = exponent else { return Ok(n) };
    let exponent: i64 = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .map_err(|_| out_of_range())?;
    let scale = i64::from(n.scale())
        .checked_sub(exponent)
        .ok_or_else(out_of_range)?;
    if n.is_zero() {
        return Ok(Decimal::ZERO);
    }
    if scale >= 0 {
        let mut n = n;
        let scale = u32::try_from(scale).map_err(|_| out_of_range())?;
        n.set_scale(scale).map_err(|_| out_of_range())?;
        Ok(n)
    } else {
        // Whole number: multiply by the missing powers of ten.
        if scale < -29 {
            return Err(out_of_range());
        }
        // `n` is its digits over 10^scale: take the digits, then the missing powers of ten.
        let mut n = n;
        n.set_scale(0).map_err(|_| out_of_range())?;
        for _ in 0..-scale {
            n = n.checked_mul(Decimal::TEN).ok_or_else(out_of_range)?;
        }
        Ok(n)
    }
}

/// A plain decimal: optional sign, digits, optional `.digits`. `None` when the text
/// is not shaped like one; `Some(Err(why))` when it is but cannot be held exactly.
pub(crate) fn plain_decimal(text: &str) -> Option<Result<Decimal, &'static str>> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let text = text.strip_prefix('+').unwrap_or(text);
    Some(Decimal::from_str_exact(text).map_err(|_| {
        if fraction.is_some_and(|f| f.len() > 28) {
            "has more decimal places than merit keeps exactly (28)"
        } else {
            "is out of range for a decimal"
        }
    }))
}

/// A date: `YYYY-MM-DD`; an RFC 3339 datetime with an offset or `Z`, mapped to its
/// local date in `tz`; or a civil datetime without an offset, whose date is taken.
pub(crate) fn date(text: &str, tz: &TimeZone) -> Result<Date, String> {
    let expected = || {
        format!(
            "expected date (YYYY-MM-DD or an RFC 3339 datetime), got {}",
            quoted(text)
        )
    };
    let bytes = text.as_bytes();
    let Some(head) = bytes.get(..10) else {
        return Err(expected());
    };
    let field = |range: std::ops::Range<usize>| -> Option<i16> {
        let part = head.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i16, |n, d| n * 10 + i16::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day)) = (field(0..4), field(5..7), field(8..10)) else {
        return Err(expected());
    };
    if head.get(4) != Some(&b'-') || head.get(7) != Some(&b'-') {
        return Err(expected());
    }
    let civil = crate::calendar::date_from_parts(year, month, day)
        .map_err(|why| format!("{} is not a date: {why}", cut(text, 10)))?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Ok(civil);
    }
    if !rest.starts_with(['T', 't', ' ']) || rest.contains('[') {
        return Err(expected());
    }
    let time = &rest[1..];
    let has_offset = time.ends_with(['Z', 'z']) || time.contains(['+', '-']);
    if has_offset {
        offset_in_range(time)?;
        let instant: Timestamp = text.parse().map_err(|_| expected())?;
        Ok(tz.to_datetime(instant).date())
    } else {
        let datetime: DateTime = text.parse().map_err(|_| expected())?;
        Ok(datetime.date())
    }
}

/// Refuses an offset RFC 3339 does not allow (`+24:00`, `-05:60`), which the
/// datetime parser takes (it reads offsets up to 25:59:59): `time` is the part after
/// the `T`, its offset after its last sign.
fn offset_in_range(time: &str) -> Result<(), String> {
    let Some(sign) = time.rfind(['+', '-']) else {
        return Ok(());
    };
    let offset = &time[sign..];
    let digits: Vec<u32> = offset[1..]
        .chars()
        .filter(|c| *c != ':')
        .map_while(|c| c.to_digit(10))
        .collect();
    let (hours, minutes) = match digits.as_slice() {
        [h1, h2] => (h1 * 10 + h2, 0),
        [h1, h2, m1, m2, ..] => (h1 * 10 + h2, m1 * 10 + m2),
        _ => return Ok(()),
    };
    if hours > 23 || minutes > 59 {
        return Err(format!(
            "offset {} is out of range: offsets run from -23:59 to +23:59",
            quoted(cut(offset, 9))
        ));
    }
    Ok(())
}

/// A strict `YYYY-MM-DD` date, or `None` (used to type untyped member attributes).
pub(crate) fn iso_date(text: &str) -> Option<Date> {
    if text.len() != 10 {
        return None;
    }
    date(text, &TimeZone::UTC).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").expect("bundled tzdb")
    }

    fn ty(ty: FieldType, raw: Raw<'_>) -> Result<String, String> {
        typed(ty, raw, &TimeZone::UTC).map(|v| match v {
            Value::Num(n) => format!("num {n}"),
            other => format!("{other:?}"),
        })
    }

    #[test]
    fn numbers_are_exact_from_their_text() {
        assert_eq!(ty(FieldType::Decimal, Raw::Number("0.1")), Ok("num 0.1".into()));
        assert_eq!(ty(FieldType::Decimal, Raw::Number("3.50")), Ok("num 3.50".into()));
        assert_eq!(ty(FieldType::Decimal, Raw::Number("-2")), Ok("num -2".into()));
        assert_eq!(ty(FieldType::Decimal, Raw::Number("1.5e2")), Ok("num 150".into()));
        assert_eq!(
            ty(FieldType::Decimal, Raw::Number("25E-3")),
            Ok("num 0.025".into())
        );
        assert_eq!(ty(FieldType::Decimal, Raw::Number("1e+2")), Ok("num 100".into()));
        assert_eq!(ty(FieldType::Decimal, Raw::Cell(" 3.50 ")), Ok("num 3.50".into()));
        assert_eq!(ty(FieldType::Decimal, Raw::Str("+7")), Ok("num 7".into()));
        assert_eq!(ty(FieldType::Int, Raw::Number("4.0")), Ok("num 4".into()));
    }

    #[test]
    fn numbers_that_cannot_be_held_exactly_are_refused() {
        let err = |raw| ty(FieldType::Decimal, raw).unwrap_err();
        assert_eq!(err(Raw::Number("1e400")), "1e400 is out of range for a decimal");
        assert_eq!(err(Raw::Number("1e-400")), "1e-400 is out of range for a decimal");
        assert_eq!(
            err(Raw::Number("99999999999999999999999999999999")),
            "99999999999999999999999999999999 is out of range for a decimal"
        );
        assert_eq!(
            err(Raw::Str("0.12345678901234567890123456789012")),
            "\"0.12345678901234567890123456789012\" has more decimal places than merit keeps exactly (28)"
        );
        assert_eq!(err(Raw::Str("three")), "expected decimal, got \"three\"");
        assert_eq!(err(Raw::Str("NaN")), "expected decimal, got \"NaN\"");
        assert_eq!(err(Raw::Str("Infinity")), "expected decimal, got \"Infinity\"");
        assert_eq!(err(Raw::Str("0x1F")), "expected decimal, got \"0x1F\"");
        assert_eq!(err(Raw::Str("1e3")), "expected decimal, got \"1e3\"");
        assert_eq!(err(Raw::Str("")), "expected decimal, got \"\"");
        assert_eq!(err(Raw::Str("1,5")), "expected decimal, got \"1,5\"");
        assert_eq!(err(Raw::Bool(true)), "expected decimal, got true");
        assert_eq!(err(Raw::Nested("an array")), "expected decimal, got an array");
        assert_eq!(
            ty(FieldType::Int, Raw::Number("4.5")).unwrap_err(),
            "expected int, got 4.5"
        );
        assert_eq!(
            ty(FieldType::Int, Raw::Cell("4.5")).unwrap_err(),
            "expected int, got \"4.5\""
        );
    }

    #[test]
    fn bools_strings_and_quotes() {
        for text in ["true", "TRUE", "Yes", "1"] {
            assert_eq!(
                ty(FieldType::Bool, Raw::Cell(text)),
                Ok("Bool(true)".into()),
                "{text}"
            );
        }
        for text in ["false", "No", "0"] {
            assert_eq!(
                ty(FieldType::Bool, Raw::Str(text)),
                Ok("Bool(false)".into()),
                "{text}"
            );
        }
        assert_eq!(
            ty(FieldType::Bool, Raw::Number("1")).unwrap_err(),
            "expected bool, got 1"
        );
        assert_eq!(
            ty(FieldType::Bool, Raw::Cell("maybe")).unwrap_err(),
            "expected bool, got \"maybe\""
        );
        assert_eq!(
            ty(FieldType::String, Raw::Number("12")).unwrap_err(),
            "expected string, got 12"
        );
        assert_eq!(
            ty(FieldType::String, Raw::Bool(false)).unwrap_err(),
            "expected string, got false"
        );
        assert_eq!(ty(FieldType::String, Raw::Cell(" x ")), Ok("Str(\" x \")".into()));
        let long = "x".repeat(100);
        assert_eq!(
            ty(FieldType::Int, Raw::Str(&long)).unwrap_err(),
            format!("expected int, got \"{}\"…", "x".repeat(40))
        );
    }

    #[test]
    fn dates_plain_and_datetimes() {
        let utc = TimeZone::UTC;
        let d = |text| date(text, &utc);
        assert_eq!(d("2026-03-14"), Ok(jiff::civil::date(2026, 3, 14)));
        assert_eq!(d("2026-03-14T09:30:00"), Ok(jiff::civil::date(2026, 3, 14)));
        assert_eq!(d("2026-03-14 09:30:00"), Ok(jiff::civil::date(2026, 3, 14)));
        assert_eq!(d("2026-03-14T23:30:00Z"), Ok(jiff::civil::date(2026, 3, 14)));
        assert_eq!(d("2026-03-14T23:30:00-05:00"), Ok(jiff::civil::date(2026, 3, 15)));
    }

    #[test]
    fn utc_late_evening_is_the_next_day_in_shanghai() {
        let tz = shanghai();
        assert_eq!(
            date("2026-03-14T23:30:00+00:00", &tz),
            Ok(jiff::civil::date(2026, 3, 15))
        );
        assert_eq!(
            date("2026-03-14T23:30:00Z", &tz),
            Ok(jiff::civil::date(2026, 3, 15))
        );
        // A civil datetime is already local: its date is taken as is.
        assert_eq!(
            date("2026-03-14T23:30:00", &tz),
            Ok(jiff::civil::date(2026, 3, 14))
        );
    }

    #[test]
    fn invalid_dates_say_why() {
        let utc = TimeZone::UTC;
        let err = |text| date(text, &utc).unwrap_err();
        assert_eq!(
            err("2026-02-30"),
            "2026-02-30 is not a date: February 2026 has 28 days"
        );
        assert_eq!(
            err("2028-02-30"),
            "2028-02-30 is not a date: February 2028 has 29 days"
        );
        assert_eq!(
            err("2026-13-01"),
            "2026-13-01 is not a date: there is no month 13 (months are 01 to 12)"
        );
        assert_eq!(
            err("2026-00-01"),
            "2026-00-01 is not a date: there is no month 00 (months are 01 to 12)"
        );
        assert_eq!(err("2026-04-00"), "2026-04-00 is not a date: there is no day 0");
        assert_eq!(
            err("2026-04-31T10:00:00Z"),
            "2026-04-31 is not a date: April 2026 has 30 days"
        );
        assert_eq!(
            err("14/03/2026"),
            "expected date (YYYY-MM-DD or an RFC 3339 datetime), got \"14/03/2026\""
        );
        assert_eq!(
            err("2026-3-14"),
            "expected date (YYYY-MM-DD or an RFC 3339 datetime), got \"2026-3-14\""
        );
        assert_eq!(
            err("2026-03-14x"),
            "expected date (YYYY-MM-DD or an RFC 3339 datetime), got \"2026-03-14x\""
        );
        assert_eq!(
            err("2026-03-14T25:00"),
            "expected date (YYYY-MM-DD or an RFC 3339 datetime), got \"2026-03-14T25:00\""
        );
        // RFC 3339 offsets are -23:59 to +23:59; the parser took +24:00 and later.
        assert_eq!(
            err("2026-03-14T10:00:00+24:00"),
            "offset \"+24:00\" is out of range: offsets run from -23:59 to +23:59"
        );
        assert_eq!(
            err("2026-03-14T10:00:00-25:30"),
            "offset \"-25:30\" is out of range: offsets run from -23:59 to +23:59"
        );
        assert_eq!(
            err("2026-03-14T10:00:00+08:60"),
            "offset \"+08:60\" is out of range: offsets run from -23:59 to +23:59"
        );
        assert_eq!(
            date("2026-03-14T10:00:00+23:59", &utc),
            Ok(jiff::civil::date(2026, 3, 13))
        );
        assert_eq!(
            err("２０２６-03-14"),
            "expected date (YYYY-MM-DD or an RFC 3339 datetime), got \"２０２６-03-14\""
        );
        assert_eq!(
            ty(FieldType::Date, Raw::Number("20260314")).unwrap_err(),
            "expected date, got 20260314"
        );
    }
}
