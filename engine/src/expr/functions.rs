//! The built-in scalar functions: their names, their signatures for the checker, and
//! what they compute. Arguments arrive evaluated and non-null (null short-circuits
//! before). What each one means to a rule author is in [`super::catalog`].

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Env, EvalError, EvalErrorKind};
use crate::calendar::{day_number, from_day_number};
use crate::value::{Type, Value};

/// A scalar function. `if`, `min` and `max` are compiled specially (laziness, any arity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    If,
    Min,
    Max,
    Abs,
    Round,
    Floor,
    Ceil,
    Year,
    Month,
    Day,
    Weekday,
    DaysBetween,
    WorkdaysBetween,
    AddDays,
    AddWorkdays,
    Quarter,
    DayOfYear,
    IsoWeek,
    IsWorkday,
    IsHoliday,
    MonthsBetween,
    Age,
    Number,
    String,
    Len,
    Lower,
    Upper,
    Trim,
    StartsWith,
    EndsWith,
    Contains,
    Replace,
    Matches,
}

/// A group aggregate, over the records of a member's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl Agg {
    pub fn name(self) -> &'static str {
        match self {
            Agg::Count => "count",
            Agg::Sum => "sum",
            Agg::Avg => "avg",
            Agg::Min => "min",
            Agg::Max => "max",
        }
    }
}

/// Every scalar function with its name.
pub(super) const FUNCS: &[(Func, &str)] = &[
    (Func::If, "if"),
    (Func::Min, "min"),
    (Func::Max, "max"),
    (Func::Abs, "abs"),
    (Func::Round, "round"),
    (Func::Floor, "floor"),
    (Func::Ceil, "ceil"),
    (Func::Year, "year"),
    (Func::Month, "month"),
    (Func::Day, "day"),
    (Func::Weekday, "weekday"),
    (Func::DaysBetween, "days_between"),
    (Func::WorkdaysBetween, "workdays_between"),
    (Func::AddDays, "add_days"),
    (Func::AddWorkdays, "add_workdays"),
    (Func::Quarter, "quarter"),
    (Func::DayOfYear, "day_of_year"),
    (Func::IsoWeek, "iso_week"),
    (Func::IsWorkday, "is_workday"),
    (Func::IsHoliday, "is_holiday"),
    (Func::MonthsBetween, "months_between"),
    (Func::Age, "age"),
    (Func::Number, "number"),
    (Func::String, "string"),
    (Func::Len, "len"),
    (Func::Lower, "lower"),
    (Func::Upper, "upper"),
    (Func::Trim, "trim"),
    (Func::StartsWith, "starts_with"),
    (Func::EndsWith, "ends_with"),
    (Func::Contains, "contains"),
    (Func::Replace, "replace"),
    (Func::Matches, "matches"),
];

/// Every scalar function's name, in declaration order.
#[cfg(test)]
pub const FUNC_NAMES: [&str; FUNCS.len()] = {
    let mut names = [""; FUNCS.len()];
    let mut i = 0;
    while i < FUNCS.len() {
        names[i] = FUNCS[i].1;
        i += 1;
    }
    names
};

/// The largest compiled program `matches` builds from one pattern: a pattern is
/// rulebook text, so its size is bounded like any other input.
#[cfg(feature = "regex")]
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A compiled `matches` pattern.
#[cfg(feature = "regex")]
pub type Regex = regex::Regex;

/// No pattern compiles in a build without regular expressions (feature `regex`
/// off): the type has no values, and the checker refuses every `matches`.
#[cfg(not(feature = "regex"))]
pub enum Regex {}

#[cfg(not(feature = "regex"))]
impl Regex {
    fn is_match(&self, _: &str) -> bool {
        match *self {}
    }
}

/// Compiles a `matches` pattern: never, in a build without regular expressions.
#[cfg(not(feature = "regex"))]
pub fn regex(_: &str) -> Result<Regex, String> {
    Err("regular expressions are not in this build of merit (feature `regex`)".to_owned())
}

/// Compiles a `matches` pattern with merit's size limits.
#[cfg(feature = "regex")]
pub fn regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(64)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => {
                format!("the regular expression compiles to more than {limit} bytes")
            }
            e => {
                let text = e.to_string();
                let last = text
                    .lines()
                    .rev()
                    .find(|l| l.starts_with("error:"))
                    .unwrap_or(&text);
                format!(
                    "not a valid regular expression: {}",
                    last.trim_start_matches("error: ")
                )
            }
        })
}

impl Func {
    pub fn parse(name: &str) -> Option<Func> {
        FUNCS.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }

    pub fn name(self) -> &'static str {
        FUNCS.iter().find(|(f, _)| *f == self).map_or("?", |(_, n)| n)
    }

    /// Parameter types and result type of the fixed-signature functions; `round`'s
    /// second parameter is optional. `any` parameters are checked by the checker's
    /// own rules (`len`, `contains`, `number`, `string`).
    pub fn signature(self) -> (&'static [Type], Type) {
        const NUM: &[Type] = &[Type::Num];
        const NUM2: &[Type] = &[Type::Num, Type::Num];
        const DATE: &[Type] = &[Type::Date];
        const DATE2: &[Type] = &[Type::Date, Type::Date];
        const DATE_NUM: &[Type] = &[Type::Date, Type::Num];
        const STR: &[Type] = &[Type::Str];
        const STR2: &[Type] = &[Type::Str, Type::Str];
        const STR3: &[Type] = &[Type::Str, Type::Str, Type::Str];
        const ANY: &[Type] = &[Type::Any];
        const ANY2: &[Type] = &[Type::Any, Type::Any];
        match self {
            Func::Abs | Func::Floor | Func::Ceil => (NUM, Type::Num),
            Func::Round => (NUM2, Type::Num),
            Func::Year
            | Func::Month
            | Func::Day
            | Func::Weekday
            | Func::Quarter
            | Func::DayOfYear
            | Func::IsoWeek => (DATE, Type::Num),
            Func::IsWorkday | Func::IsHoliday => (DATE, Type::Bool),
            Func::DaysBetween | Func::WorkdaysBetween | Func::MonthsBetween | Func::Age => (DATE2, Type::Num),
            Func::AddDays | Func::AddWorkdays => (DATE_NUM, Type::Date),
            Func::Number | Func::Len => (ANY, Type::Num),
            Func::String => (ANY, Type::Str),
            Func::Lower | Func::Upper | Func::Trim => (STR, Type::Str),
            Func::StartsWith | Func::EndsWith | Func::Matches => (STR2, Type::Bool),
            Func::Contains => (ANY2, Type::Bool),
            Func::Replace => (STR3, Type::Str),
            Func::If | Func::Min | Func::Max => (&[], Type::Any),
        }
    }

    /// Whether the result depends only on the arguments (so constant calls can fold).
    pub fn is_pure(self) -> bool {
        !matches!(
            self,
            Func::WorkdaysBetween | Func::AddWorkdays | Func::IsWorkday | Func::IsHoliday
        )
    }
}

fn fail<T>(kind: EvalErrorKind, message: String) -> Result<T, EvalError> {
    Err(EvalError::new(kind, message))
}

fn num(v: &Value, what: &str) -> Result<Decimal, EvalError> {
    v.as_num()
        .ok_or_else(|| EvalError::new(EvalErrorKind::Type, format!("{what} expects a number, found {v}")))
}

fn text<'v>(v: &'v Value, what: &str) -> Result<&'v str, EvalError> {
    v.as_str()
        .ok_or_else(|| EvalError::new(EvalErrorKind::Type, format!("{what} expects a string, found {v}")))
}

fn date(v: &Value, what: &str) -> Result<jiff::civil::Date, EvalError> {
    match v {
        Value::Date(d) => Ok(*d),
        Value::Str(s) => {
            crate::calendar::parse_date(s).map_err(|message| EvalError::new(EvalErrorKind::Argument, message))
        }
        _ => fail(EvalErrorKind::Type, format!("{what} expects a date, found {v}")),
    }
}

fn whole(n: Decimal, what: &str) -> Result<i64, EvalError> {
    if !n.is_integer() {
        return fail(
            EvalErrorKind::Argument,
            format!("{what} needs a whole number, found {}", n.normalize()),
        );
    }
    i64::try_from(n)
        .map_err(|_| EvalError::new(EvalErrorKind::Argument, format!("{what}: {n} is out of range")))
}

/// Whole months from `a` to `b`, a month counted on `a`'s day of the month;
/// negative (by the same count backwards) when `b` is earlier.
pub fn months_between(a: jiff::civil::Date, b: jiff::civil::Date) -> i64 {
    if b < a {
        return -months_between(b, a);
    }
    let months =
        (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month());
    months - i64::from(b.day() < a.day())
}

/// Values are equal for `contains` and `in`: the same value, or a string that reads
/// as the other side's number or date (untyped member attributes).
pub type Equal = fn(&Value, &Value) -> bool;

/// Applies a fixed-signature function; absent optional arguments are `Value::Null`.
/// `re` is the pattern of `matches`, compiled once when it is a constant.
pub fn apply(
    f: Func,
    args: &[Value; 3],
    re: Option<&Regex>,
    equal: Equal,
    env: &Env,
) -> Result<Value, EvalError> {
    let [a, b, c] = args;
    let what = f.name();
    Ok(match f {
        Func::Abs => Value::Num(num(a, what)?.abs()),
        Func::Floor => Value::Num(num(a, what)?.floor()),
        Func::Ceil => Value::Num(num(a, what)?.ceil()),
        Func::Round => {
            let places = if b.is_null() {
                0
            } else {
                whole(num(b, what)?, "round's places")?
            };
            if !(0..=28).contains(&places) {
                return fail(
                    EvalErrorKind::Argument,
                    format!("round's places must be 0 to 28, found {places}"),
                );
            }
            Value::Num(
                num(a, what)?.round_dp_with_strategy(places as u32, RoundingStrategy::MidpointAwayFromZero),
            )
        }
        Func::Year => Value::Num(date(a, what)?.year().into()),
        Func::Month => Value::Num(date(a, what)?.month().into()),
        Func::Day => Value::Num(date(a, what)?.day().into()),
        Func::Weekday => Value::Num(date(a, what)?.weekday().to_monday_one_offset().into()),
        Func::Quarter => Value::Num(((date(a, what)?.month() - 1) / 3 + 1).into()),
        Func::DayOfYear => Value::Num(date(a, what)?.day_of_year().into()),
        Func::IsoWeek => Value::Num(date(a, what)?.iso_week_date().week().into()),
        Func::IsWorkday => Value::Bool(env.calendar.is_workday(date(a, what)?)),
        Func::IsHoliday => Value::Bool(env.calendar.is_holiday(date(a, what)?)),
        Func::DaysBetween => Value::Num((day_number(date(b, what)?) - day_number(date(a, what)?)).into()),
        Func::WorkdaysBetween => Value::Num(
            env.calendar
                .workdays_between(date(a, what)?, date(b, what)?)
                .into(),
        ),
        Func::MonthsBetween => Value::Num(months_between(date(a, what)?, date(b, what)?).into()),
        Func::Age => Value::Num((months_between(date(a, what)?, date(b, what)?) / 12).into()),
        Func::AddDays => {
            let n = whole(num(b, what)?, what)?;
            let d = date(a, what)?;
            let out = day_number(d).checked_add(n).and_then(from_day_number);
            Value::Date(out.ok_or_else(|| {
                EvalError::new(EvalErrorKind::Argument, format!("{d} + {n} days is out of range"))
            })?)
        }
        Func::AddWorkdays => {
            let n = whole(num(b, what)?, what)?;
            let d = date(a, what)?;
            let out = env.calendar.add_workdays(d, n);
            Value::Date(out.ok_or_else(|| {
                EvalError::new(
                    EvalErrorKind::Argument,
                    format!("there is no working day {n} working days from {d} in the calendar"),
                )
            })?)
        }
        Func::Number => match a {
            Value::Num(n) => Value::Num(*n),
            // As a JSON number is read: exactly, an exponent allowed ("1e3").
            Value::Str(s) => match crate::records::typing::number(s.trim()) {
                Ok(n) => Value::Num(n),
                Err(_) => {
                    return fail(
                        EvalErrorKind::Argument,
                        format!("number: {} is not a decimal number", Value::Str(s.clone())),
                    );
                }
            },
            v => {
                return fail(
                    EvalErrorKind::Type,
                    format!("number expects a string or a number, found {v}"),
                );
            }
        },
        Func::String => match a {
            Value::Str(s) => Value::Str(s.clone()),
            Value::Num(n) => Value::str(&crate::value::DecimalText(n.normalize()).to_string()),
            v => Value::str(&v.to_string()),
        },
        Func::Len => match a {
            Value::Str(s) => Value::Num(s.chars().count().into()),
            Value::List(items) => Value::Num(items.len().into()),
            v => {
                return fail(
                    EvalErrorKind::Type,
                    format!("len expects a string or a list, found {v}"),
                );
            }
        },
        Func::Lower => Value::str(&text(a, what)?.to_lowercase()),
        Func::Upper => Value::str(&text(a, what)?.to_uppercase()),
        Func::Trim => Value::str(text(a, what)?.trim()),
        Func::StartsWith => Value::Bool(text(a, what)?.starts_with(text(b, what)?)),
        Func::EndsWith => Value::Bool(text(a, what)?.ends_with(text(b, what)?)),
        Func::Contains => match a {
            Value::List(items) => Value::Bool(items.iter().any(|x| equal(b, x))),
            Value::Str(s) => Value::Bool(s.contains(text(b, what)?)),
            v => {
                return fail(
                    EvalErrorKind::Type,
                    format!("contains expects a string or a list, found {v}"),
                );
            }
        },
        Func::Replace => Value::str(&text(a, what)?.replace(text(b, what)?, text(c, what)?)),
        Func::Matches => {
            let s = text(a, what)?;
            match re {
                Some(re) => Value::Bool(re.is_match(s)),
                None => {
                    let re = regex(text(b, what)?)
                        .map_err(|message| EvalError::new(EvalErrorKind::Argument, message))?;
                    Value::Bool(re.is_match(s))
                }
            }
        }
        Func::If | Func::Min | Func::Max => unreachable!("compiled specially"),
    })
}
