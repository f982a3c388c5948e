//! The built-in functions: their names, their signatures for the checker, and what
//! they compute. Arguments arrive evaluated and non-null (null short-circuits before).

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Env, EvalError};
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

/// Every function name, for "did you mean" suggestions.
pub const NAMES: &[&str] = &[
    "if",
    "min",
    "max",
    "abs",
    "round",
    "floor",
    "ceil",
    "year",
    "month",
    "day",
    "weekday",
    "days_between",
    "workdays_between",
    "add_days",
    "add_workdays",
    "count",
    "sum",
    "avg",
    "points",
];

impl Func {
    pub fn parse(name: &str) -> Option<Func> {
        Some(match name {
            "if" => Func::If,
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "round" => Func::Round,
            "floor" => Func::Floor,
            "ceil" => Func::Ceil,
            "year" => Func::Year,
            "month" => Func::Month,
            "day" => Func::Day,
            "weekday" => Func::Weekday,
            "days_between" => Func::DaysBetween,
            "workdays_between" => Func::WorkdaysBetween,
            "add_days" => Func::AddDays,
            "add_workdays" => Func::AddWorkdays,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::If => "if",
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Round => "round",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
            Func::Year => "year",
            Func::Month => "month",
            Func::Day => "day",
            Func::Weekday => "weekday",
            Func::DaysBetween => "days_between",
            Func::WorkdaysBetween => "workdays_between",
            Func::AddDays => "add_days",
            Func::AddWorkdays => "add_workdays",
        }
    }

    /// Parameter types and result type of the fixed-signature functions; `round`'s
    /// second parameter is optional.
    pub fn signature(self) -> (&'static [Type], Type) {
        const NUM: &[Type] = &[Type::Num];
        const NUM2: &[Type] = &[Type::Num, Type::Num];
        const DATE: &[Type] = &[Type::Date];
        const DATE2: &[Type] = &[Type::Date, Type::Date];
        const DATE_NUM: &[Type] = &[Type::Date, Type::Num];
        match self {
            Func::Abs | Func::Floor | Func::Ceil => (NUM, Type::Num),
            Func::Round => (NUM2, Type::Num),
            Func::Year | Func::Month | Func::Day | Func::Weekday => (DATE, Type::Num),
            Func::DaysBetween | Func::WorkdaysBetween => (DATE2, Type::Num),
            Func::AddDays | Func::AddWorkdays => (DATE_NUM, Type::Date),
            Func::If | Func::Min | Func::Max => (&[], Type::Any),
        }
    }

    /// Whether the result depends only on the arguments (so constant calls can fold).
    pub fn is_pure(self) -> bool {
        !matches!(self, Func::WorkdaysBetween | Func::AddWorkdays)
    }
}

fn num(v: &Value, what: &str) -> Result<Decimal, EvalError> {
    v.as_num().ok_or_else(|| EvalError {
        message: format!("{what} expects a number, found {v}"),
    })
}

fn date(v: &Value, what: &str) -> Result<jiff::civil::Date, EvalError> {
    match v {
        Value::Date(d) => Ok(*d),
        Value::Str(s) => crate::calendar::parse_date(s).map_err(|message| EvalError { message }),
        _ => Err(EvalError {
            message: format!("{what} expects a date, found {v}"),
        }),
    }
}

fn whole(n: Decimal, what: &str) -> Result<i64, EvalError> {
    if !n.is_integer() {
        return Err(EvalError {
            message: format!("{what} needs a whole number, found {}", n.normalize()),
        });
    }
    i64::try_from(n).map_err(|_| EvalError {
        message: format!("{what}: {n} is out of range"),
    })
}

/// Applies a fixed-signature function; `b` is `Value::Null` for absent optional arguments.
pub fn apply(f: Func, a: &Value, b: &Value, env: &Env) -> Result<Value, EvalError> {
    let what = f.name();
    Ok(match f {
        Func::Abs => Value::Num(num(a, "abs")?.abs()),
        Func::Floor => Value::Num(num(a, "floor")?.floor()),
        Func::Ceil => Value::Num(num(a, "ceil")?.ceil()),
        Func::Round => {
            let places = if b.is_null() {
                0
            } else {
                whole(num(b, "round")?, "round's places")?
            };
            if !(0..=28).contains(&places) {
                return Err(EvalError {
                    message: format!("round's places must be 0 to 28, found {places}"),
                });
            }
            Value::Num(
                num(a, "round")?
                    .round_dp_with_strategy(places as u32, RoundingStrategy::MidpointAwayFromZero),
            )
        }
        Func::Year => Value::Num(date(a, "year")?.year().into()),
        Func::Month => Value::Num(date(a, "month")?.month().into()),
        Func::Day => Value::Num(date(a, "day")?.day().into()),
        Func::Weekday => Value::Num(date(a, "weekday")?.weekday().to_monday_one_offset().into()),
        Func::DaysBetween => Value::Num((day_number(date(b, what)?) - day_number(date(a, what)?)).into()),
        Func::WorkdaysBetween => Value::Num(
            env.calendar
                .workdays_between(date(a, what)?, date(b, what)?)
                .into(),
        ),
        Func::AddDays => {
            let n = whole(num(b, "add_days")?, "add_days")?;
            let d = date(a, "add_days")?;
            let out = day_number(d).checked_add(n).and_then(from_day_number);
            Value::Date(out.ok_or_else(|| EvalError {
                message: format!("{d} + {n} days is out of range"),
            })?)
        }
        Func::AddWorkdays => {
            let n = whole(num(b, "add_workdays")?, "add_workdays")?;
            let d = date(a, "add_workdays")?;
            let out = env.calendar.add_workdays(d, n);
            Value::Date(out.ok_or_else(|| EvalError {
                message: format!("there is no working day {n} working days from {d} in the calendar"),
            })?)
        }
        Func::If | Func::Min | Func::Max => unreachable!("compiled specially"),
    })
}
