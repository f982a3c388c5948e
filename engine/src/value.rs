//! Runtime values and their static types.
//!
//! Every number is a [`Decimal`]: merit never lets a float touch a point or a credit.
//! Strings are reference-counted so that copying a record field into an expression
//! result never allocates.

use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

/// A value an expression reads or produces.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Value {
    /// A missing optional field, or an explicit `null`.
    #[default]
    Null,
    Bool(bool),
    Num(Decimal),
    Str(Arc<str>),
    Date(Date),
    List(Arc<[Value]>),
}

impl Value {
    /// The value's type; `Null` for null.
    pub fn ty(&self) -> Type {
        match self {
            Value::Null => Type::Null,
            Value::Bool(_) => Type::Bool,
            Value::Num(_) => Type::Num,
            Value::Str(_) => Type::Str,
            Value::Date(_) => Type::Date,
            Value::List(items) => Type::List(Box::new(
                items
                    .iter()
                    .map(Value::ty)
                    .find(|t| *t != Type::Null)
                    .unwrap_or(Type::Any),
            )),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_num(&self) -> Option<Decimal> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }
}

impl Value {
    /// The value as [`Display`](fmt::Display) shows it, appended to `out`; a number
    /// without `core::fmt`'s machinery, which was a fifth of writing an
    /// explanation (an explanation shows every value it read).
    pub(crate) fn push_to(&self, out: &mut String) {
        if let Value::Num(n) = self {
            let mut buffer = [0; 64];
            if let Some(text) = DecimalText(n.normalize()).text(&mut buffer) {
                out.push_str(text);
                return;
            }
        }
        let _ = fmt::Write::write_fmt(out, format_args!("{self}"));
    }

    /// [`Value::push_to`] into a string of its own.
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        self.push_to(&mut out);
        out
    }
}

/// Shows a value the way a member reads it in an explanation: numbers without
/// trailing zeros (`3.5`, `80`), strings quoted, dates as `2026-03-14`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Num(n) => fmt::Display::fmt(&DecimalText(n.normalize()), f),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Date(d) => write!(f, "{d}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// The largest magnitude of one award and of any number in a rulebook: 10^15.
/// `Decimal` holds about 7.9 × 10^28, so sums of up to 10^13 such figures never
/// overflow, nor does an award times a rate (`bank.earn.rate`) or weight of at
/// most 10^6 (bounded where it is read). A record whose award is larger is
/// rejected, a group or script award fails; a larger number in a rulebook is a
/// located error.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

/// Whether `points` is too large to be one award ([`MAX_AMOUNT`]).
pub fn too_large(points: Decimal) -> bool {
    points.abs() > MAX_AMOUNT
}

/// The message for an award past [`MAX_AMOUNT`].
pub fn too_large_award(points: Decimal) -> String {
    format!("the award {points} is too large (an award is at most 10^15 in size)")
}

/// `POW10[i]` is 10^i, for every power an `i64` holds: scaling fixed-point figures.
pub(crate) const POW10: [i64; 19] = {
    let mut table = [1i64; 19];
    let mut i = 1;
    while i < 19 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// A decimal written exactly as `rust_decimal` writes it (`3.50`, `-0.005`, `12`),
/// without going through its general formatter: reports and explanations write
/// millions of them. Mantissas past `i64`, negative zeros and formatting flags go through
/// `rust_decimal`.
pub struct DecimalText(pub Decimal);

impl DecimalText {
    /// The text appended to `out`: what `to_string` gives, without allocating or
    /// going through `core::fmt` when the fast path can write it (the CLI's CSV
    /// writes two decimals a row).
    pub fn push_to(&self, out: &mut String) {
        let mut buffer = [0; 64];
        match self.text(&mut buffer) {
            Some(text) => out.push_str(text),
            None => {
                let _ = fmt::Write::write_fmt(out, format_args!("{}", self.0));
            }
        }
    }

    /// Longest text of the fast path: a sign, `0.`, 28 zeros of scale and an
    /// `i64`'s 19 digits.
    const MAX: usize = 50;

    /// The text in `buffer`, or `None` when `rust_decimal` must write it (a
    /// negative zero, a mantissa past `i64`).
    pub(crate) fn text<'b>(&self, buffer: &'b mut [u8; 64]) -> Option<&'b str> {
        let d = self.0;
        let mantissa = i64::try_from(d.mantissa()).ok()?;
        if mantissa == 0 && d.is_sign_negative() {
            return None;
        }
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(mantissa.unsigned_abs()).as_bytes();
        let scale = d.scale() as usize;
        let mut text = Text { buffer, len: 0 };
        if mantissa < 0 {
            text.push(b"-");
        }
        match digits.len().checked_sub(scale) {
            _ if scale == 0 => text.push(digits),
            Some(whole) if whole > 0 => {
                text.push(&digits[..whole]);
                text.push(b".");
                text.push(&digits[whole..]);
            }
            _ => {
                text.push(b"0.");
                for _ in digits.len()..scale {
                    text.push(b"0");
                }
                text.push(digits);
            }
        }
        debug_assert!(text.len <= Self::MAX);
        let len = text.len;
        std::str::from_utf8(&buffer[..len]).ok()
    }
}

/// Bytes appended to a fixed buffer (the fast path of [`DecimalText::text`]).
struct Text<'b> {
    buffer: &'b mut [u8; 64],
    len: usize,
}

impl Text<'_> {
    fn push(&mut self, bytes: &[u8]) {
        self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}

impl fmt::Display for DecimalText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = [0; 64];
        match self.text(&mut buffer) {
            Some(text) if f.precision().is_none() && f.width().is_none() => f.write_str(text),
            _ => fmt::Display::fmt(&self.0, f),
        }
    }
}

/// The static type of an expression or a field, checked once when a rulebook loads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// Unknown until run time (member profile attributes).
    Any,
    /// The type of the literal `null`.
    Null,
    Bool,
    /// Exact decimal; `int` fields are numbers whose values are checked to be whole.
    Num,
    Str,
    Date,
    List(Box<Type>),
}

impl Type {
    /// Whether a value of type `other` can stand where `self` is expected.
    pub fn accepts(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::Any, _) | (_, Type::Any) | (_, Type::Null) => true,
            (Type::List(a), Type::List(b)) => a.accepts(b),
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
            Type::Null => f.write_str("null"),
            Type::Bool => f.write_str("bool"),
            Type::Num => f.write_str("decimal"),
            Type::Str => f.write_str("string"),
            Type::Date => f.write_str("date"),
            Type::List(t) => write!(f, "list of {t}"),
        }
    }
}

/// The name a decimal of a report or a ledger carries through serde: a newtype
/// struct of this name around the decimal's text. JSON writers (serde_json,
/// serde-wasm-bindgen, insta) see through newtype structs, so the JSON is the text
/// alone (`"12.5"`); a serializer that wants decimals as decimals (the Python
/// binding: `decimal.Decimal`) recognises the name, so which values are decimals is
/// said by the types, not by a list of key names.
pub const DECIMAL_NEWTYPE: &str = "merit::Decimal";

/// The name a date of a report or a ledger carries through serde, as
/// [`DECIMAL_NEWTYPE`] for decimals: a newtype struct around `YYYY-MM-DD`.
pub const DATE_NEWTYPE: &str = "merit::Date";

impl serde::Serialize for DecimalText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(DECIMAL_NEWTYPE, &Shown(self))
    }
}

/// A value serialised as its `Display` text.
struct Shown<'a, T>(&'a T);

impl<T: fmt::Display> serde::Serialize for Shown<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// Serde for decimals as JSON strings (`"12.5"`), both ways; serialised as a
/// [`DECIMAL_NEWTYPE`].
pub mod decimal_text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::DecimalText;

    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        DecimalText(*value).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("not a decimal: `{text}`")))
    }
}

/// Serde for dates as `YYYY-MM-DD`, both ways; serialised as a [`DATE_NEWTYPE`].
pub mod date_text {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{DATE_NEWTYPE, Shown};

    pub fn serialize<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(DATE_NEWTYPE, &Shown(value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        Date::deserialize(deserializer)
    }
}

/// [`date_text`] for an optional date (`null` when absent).
pub mod option_date_text {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
        struct Marked<'a>(&'a Date);
        impl Serialize for Marked<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                super::date_text::serialize(self.0, serializer)
            }
        }
        match value {
            Some(date) => serializer.serialize_some(&Marked(date)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Date>, D::Error> {
        Option::<Date>::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn decimals_are_written_as_rust_decimal_writes_them(mantissa in proptest::num::i64::ANY, scale in 0u32..=28) {
            let d = Decimal::new(mantissa, scale);
            proptest::prop_assert_eq!(DecimalText(d).to_string(), d.to_string());
            proptest::prop_assert_eq!(DecimalText(d.normalize()).to_string(), d.normalize().to_string());
            let mut pushed = String::from("x");
            DecimalText(d).push_to(&mut pushed);
            proptest::prop_assert_eq!(pushed, format!("x{d}"));
        }
    }

    #[test]
    fn small_and_signed_decimals() {
        for text in [
            "0.005",
            "-0.005",
            "3.50",
            "-12",
            "0.0",
            "120",
            "-0.5",
            "79228162514264337593543950335",
        ] {
            let d: Decimal = text.parse().unwrap();
            assert_eq!(DecimalText(d).to_string(), d.to_string(), "{text}");
        }
    }

    #[test]
    fn zeros_of_every_scale_and_sign() {
        for scale in 0..=28 {
            for negative in [false, true] {
                let d = Decimal::from_parts(0, 0, 0, negative, scale);
                assert_eq!(DecimalText(d).to_string(), d.to_string(), "{scale} {negative}");
                assert_eq!(
                    DecimalText(-d).to_string(),
                    (-d).to_string(),
                    "{scale} {negative}"
                );
                let mut pushed = String::new();
                DecimalText(d).push_to(&mut pushed);
                assert_eq!(pushed, d.to_string(), "{scale} {negative}");
            }
        }
    }
}
