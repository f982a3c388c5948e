//! [`Test`]: what one cell of a decision table asks of its input, parsed from the
//! cell's text (`>= 60`, `[30..60)`, `-`, `secretary`), and whether one test covers
//! another (for the warning about rows that can never be reached).

use std::cmp::Ordering;

use crate::calendar::parse_date;
use crate::decode::{parse_decimal, parse_exact_decimal};
use crate::value::{Type, Value};

/// What one cell asks of its input.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Any,
    Eq(Value),
    NotEq(Value),
    Less(Value, bool),
    Greater(Value, bool),
    /// Lower and upper bound, each with whether it is included; `None` is open.
    Range(Option<(Value, bool)>, Option<(Value, bool)>),
    AnyOf(Vec<Test>),
}

impl Test {
    pub fn matches(&self, value: &Value) -> bool {
        let cmp = |bound: &Value| compare(value, bound);
        match self {
            Test::Any => true,
            _ if value.is_null() => false,
            Test::Eq(v) => cmp(v) == Some(Ordering::Equal),
            Test::NotEq(v) => cmp(v).is_some_and(|o| o != Ordering::Equal),
            Test::Less(v, inclusive) => {
                cmp(v).is_some_and(|o| o == Ordering::Less || (*inclusive && o.is_eq()))
            }
            Test::Greater(v, inclusive) => {
                cmp(v).is_some_and(|o| o == Ordering::Greater || (*inclusive && o.is_eq()))
            }
            Test::Range(low, high) => {
                let above = low.as_ref().is_none_or(|(v, inc)| {
                    cmp(v).is_some_and(|o| o == Ordering::Greater || (*inc && o.is_eq()))
                });
                let below = high.as_ref().is_none_or(|(v, inc)| {
                    cmp(v).is_some_and(|o| o == Ordering::Less || (*inc && o.is_eq()))
                });
                above && below
            }
            Test::AnyOf(tests) => tests.iter().any(|t| t.matches(value)),
        }
    }

    /// The interval of values the test accepts, when it is one.
    fn interval(&self) -> Option<(Bound<'_>, Bound<'_>)> {
        match self {
            Test::Eq(v) => Some((Some((v, true)), Some((v, true)))),
            Test::Less(v, inc) => Some((None, Some((v, *inc)))),
            Test::Greater(v, inc) => Some((Some((v, *inc)), None)),
            Test::Range(low, high) => Some((
                low.as_ref().map(|(v, i)| (v, *i)),
                high.as_ref().map(|(v, i)| (v, *i)),
            )),
            _ => None,
        }
    }

    /// Whether every value `other` accepts, `self` accepts too (where decidable).
    pub fn covers(&self, other: &Test) -> bool {
        match (self, other) {
            (Test::Any, _) => true,
            (_, Test::Any) => false,
            (_, Test::AnyOf(others)) => others.iter().all(|o| self.covers(o)),
            (Test::AnyOf(tests), other) => tests.iter().any(|t| t.covers(other)),
            (Test::NotEq(a), Test::NotEq(b)) => a == b,
            (Test::NotEq(a), other) => other.interval().is_some() && !other.matches(a),
            _ => match (self.interval(), other.interval()) {
                (Some((lo_a, hi_a)), Some((lo_b, hi_b))) => {
                    bound_covers(lo_a, lo_b, Ordering::Less) && bound_covers(hi_a, hi_b, Ordering::Greater)
                }
                _ => false,
            },
        }
    }

    /// The test as written in a table cell, for explanations.
    pub(super) fn describe(&self) -> String {
        let bound = |v: &Value| v.to_string();
        match self {
            Test::Any => "-".into(),
            Test::Eq(v) => bound(v),
            Test::NotEq(v) => format!("!= {}", bound(v)),
            Test::Less(v, inc) => format!("{} {}", if *inc { "<=" } else { "<" }, bound(v)),
            Test::Greater(v, inc) => format!("{} {}", if *inc { ">=" } else { ">" }, bound(v)),
            Test::Range(low, high) => format!(
                "{}{}..{}{}",
                if low.as_ref().is_none_or(|l| l.1) {
                    "["
                } else {
                    "("
                },
                low.as_ref().map(|l| bound(&l.0)).unwrap_or_default(),
                high.as_ref().map(|h| bound(&h.0)).unwrap_or_default(),
                if high.as_ref().is_none_or(|h| h.1) {
                    "]"
                } else {
                    ")"
                },
            ),
            Test::AnyOf(tests) => format!(
                "[{}]",
                tests.iter().map(Test::describe).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// One end of an interval: the value and whether it is included; `None` is open.
type Bound<'a> = Option<(&'a Value, bool)>;

/// Whether bound `a` is at least as loose as bound `b` on one side (`Less`: lower bounds).
pub(super) fn bound_covers(a: Bound, b: Bound, side: Ordering) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((va, ia)), Some((vb, ib))) => match compare(va, vb) {
            Some(o) if o == side => true,
            Some(Ordering::Equal) => ia || !ib,
            _ => false,
        },
    }
}

/// Values of one type compare; across types nothing matches.
pub(super) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        // A member attribute read from CSV may be text standing for a number or a date.
        (Value::Str(x), Value::Num(y)) => parse_decimal(x).map(|x| x.cmp(y)),
        (Value::Str(x), Value::Date(y)) => parse_date(x).ok().map(|x| x.cmp(y)),
        _ => None,
    }
}

/// A string cell: `-`, an operator and a value, a range, or a plain string.
pub(super) fn parse_cell(text: &str, ty: Option<&Type>) -> Result<Test, String> {
    if text == "-" {
        return Ok(Test::Any);
    }
    for (op, make) in [
        ("<=", (|v| Test::Less(v, true)) as fn(Value) -> Test),
        (">=", |v| Test::Greater(v, true)),
        ("!=", Test::NotEq),
        ("<", |v| Test::Less(v, false)),
        (">", |v| Test::Greater(v, false)),
        ("=", Test::Eq),
    ] {
        if let Some(rest) = text.strip_prefix(op) {
            return Ok(make(parse_operand(rest.trim(), ty)?));
        }
    }
    let opens = text.starts_with('[') || text.starts_with('(');
    if opens && text.contains("..") && !(text.ends_with(']') || text.ends_with(')')) {
        return Err(format!(
            "the range `{text}` is not closed: end it with `]` (included) or `)` (excluded)"
        ));
    }
    if opens && (text.ends_with(']') || text.ends_with(')')) {
        let inner = &text[1..text.len() - 1];
        let Some((low, high)) = inner.split_once("..") else {
            return Err(format!("`{text}` looks like a range but has no `..`"));
        };
        let bound = |s: &str, inclusive: bool| -> Result<Option<(Value, bool)>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                Ok(Some((parse_operand(s, ty)?, inclusive)))
            }
        };
        let low = bound(low, text.starts_with('['))?;
        let high = bound(high, text.ends_with(']'))?;
        if let (Some((l, _)), Some((h, _))) = (&low, &high)
            && compare(l, h) == Some(Ordering::Greater)
        {
            return Err(format!("the range `{text}` is empty: {l} is above {h}"));
        }
        return Ok(Test::Range(low, high));
    }
    Ok(Test::Eq(Value::str(text)))
}

/// Whether `text` is written as a number (digits, a sign, a point, an exponent).
pub(super) fn looks_numeric(text: &str) -> bool {
    let digits = text.trim_start_matches(['-', '+']).trim_start_matches('.');
    digits.starts_with(|c: char| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_digit() || "+-._eE".contains(c))
}

/// The value after an operator: a number, a date, a quoted or bare string.
pub(super) fn parse_operand(text: &str, ty: Option<&Type>) -> Result<Value, String> {
    if let Some(quoted) = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
    {
        return Ok(Value::str(quoted));
    }
    if let Some(n) = parse_exact_decimal(text) {
        return Ok(Value::Num(n));
    }
    if matches!(ty, Some(Type::Date)) || text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') {
        return parse_date(text).map(Value::Date);
    }
    if looks_numeric(text) {
        // `1e29` was compared as a string and never matched; a 29th decimal
        // place was rounded away, so `[1e-29..1)` matched 0.
        return Err(format!(
            "`{text}` is not a number merit holds exactly (at most 28 digits, below 7.9e28)"
        ));
    }
    match text {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        "" => Err("a comparison needs a value after the operator".into()),
        _ => Ok(Value::str(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Value {
        Value::Num(text.parse().unwrap())
    }

    #[test]
    fn cells_parse_into_tests() {
        assert_eq!(parse_cell("-", None), Ok(Test::Any));
        assert_eq!(parse_cell(">= 60", None), Ok(Test::Greater(num("60"), true)));
        assert_eq!(
            parse_cell("[30..60)", None),
            Ok(Test::Range(Some((num("30"), true)), Some((num("60"), false))))
        );
        assert_eq!(
            parse_cell("(..2026-03-01]", Some(&Type::Date))
                .map(|t| t.matches(&Value::Date("2026-03-01".parse().unwrap()))),
            Ok(true)
        );
        assert_eq!(
            parse_cell("secretary", None),
            Ok(Test::Eq(Value::str("secretary")))
        );
        assert!(parse_cell("[60..30]", None).is_err());
    }

    #[test]
    fn ranges_include_and_exclude_their_ends() {
        let test = parse_cell("[30..60)", None).unwrap();
        assert!(test.matches(&num("30")));
        assert!(test.matches(&num("59.9")));
        assert!(!test.matches(&num("60")));
        assert!(!test.matches(&Value::Null));
    }

    #[test]
    fn coverage_is_decided_for_intervals_and_any() {
        let at_least_30 = parse_cell(">= 30", None).unwrap();
        let between = parse_cell("[30..60)", None).unwrap();
        assert!(at_least_30.covers(&between));
        assert!(!between.covers(&at_least_30));
        assert!(Test::Any.covers(&between));
        assert!(Test::AnyOf(vec![Test::Eq(num("1")), Test::Eq(num("2"))]).covers(&Test::Eq(num("2"))));
        assert!(!parse_cell("> 30", None).unwrap().covers(&Test::Eq(num("30"))));
    }
}
