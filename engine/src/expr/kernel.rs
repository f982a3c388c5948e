//! The fast path of per-record expressions: a typed tree over fixed-point integers.
//!
//! Most `when:` and `points:` expressions read a few typed record fields, compare
//! them with constants and do `+ - *`, `min`, `max` on decimals: `kind == "volunteer"
//! and verified`, `min(hours, 8) * 10`. For those, [`Kernel`] evaluates a record, or a
//! batch of records a column per node ([`Kernel::eval_batch`]), without boxed closures
//! or `Value`s, numbers as `i64` mantissas with their decimal
//! scale ([`Fixed`]), following `rust_decimal`'s rules for the result's scale so that
//! the value it gives is the very `Decimal` the closures give (a proptest compares
//! both paths with the closures on random expressions and records).
//!
//! It is only a fast path: an expression with anything else (division, functions,
//! dates, lists, locals, member attributes, untyped fields) has no kernel, and a
//! record whose numbers do not fit (a mantissa past `i64`, a scale past 18) makes
//! [`Kernel::eval`] answer [`Unfit`], and the caller evaluates it with the closures,
//! which also report errors such as overflow.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::ast::{BinOp, test};
use super::check::{Op, Read, Typed};
use crate::record::Record;
use crate::schema::Slot;
use crate::value::{POW10, Type, Value};

/// The largest scale a [`Fixed`] carries (10^18 fits an `i64`).
const MAX_SCALE: u32 = 18;

/// A decimal as `mantissa / 10^scale`, the scale kept as `rust_decimal` keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fixed {
    mantissa: i64,
    scale: u32,
}

impl Fixed {
    fn from_decimal(d: &Decimal) -> Option<Fixed> {
        Fixed::new(i64::try_from(d.mantissa()).ok()?, d.scale())
    }

    /// `mantissa / 10^scale`, unless the scale is past what a `Fixed` carries.
    pub fn new(mantissa: i64, scale: u32) -> Option<Fixed> {
        (scale <= MAX_SCALE).then_some(Fixed { mantissa, scale })
    }

    pub fn to_decimal(self) -> Decimal {
        fixed_decimal(self.mantissa, self.scale)
    }

    /// Both mantissas at the larger scale, as `rust_decimal` aligns them to add.
    fn aligned(self, other: Fixed) -> Option<(i64, i64, u32)> {
        let scale = self.scale.max(other.scale);
        let up = |x: Fixed| x.mantissa.checked_mul(POW10[(scale - x.scale) as usize]);
        Some((up(self)?, up(other)?, scale))
    }

    fn cmp(self, other: Fixed) -> Ordering {
        // In i128 the alignment cannot overflow (|m| < 2^63, 10^18 < 2^60).
        let scale = self.scale.max(other.scale);
        let up = |x: Fixed| i128::from(x.mantissa) * i128::from(POW10[(scale - x.scale) as usize]);
        up(self).cmp(&up(other))
    }

    fn arith(self, op: Arith, other: Fixed) -> Option<Fixed> {
        let (mantissa, scale) = match op {
            Arith::Add | Arith::Sub => {
                let (a, b, scale) = self.aligned(other)?;
                let sum = if op == Arith::Add {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                };
                (sum?, scale)
            }
            Arith::Mul => (
                self.mantissa.checked_mul(other.mantissa)?,
                self.scale + other.scale,
            ),
            // A zero divisor is left to the closures, which report it.
            Arith::Rem => {
                let (a, b, scale) = self.aligned(other)?;
                (a.checked_rem(b)?, scale)
            }
        };
        (scale <= MAX_SCALE).then_some(Fixed { mantissa, scale })
    }
}

/// `mantissa / 10^scale` as `Decimal::new` makes it (panicking past scale 28 as it
/// does), but inlined: called per award, `Decimal::new` was a tenth of a member's
/// evaluation.
#[inline]
pub(crate) fn fixed_decimal(mantissa: i64, scale: u32) -> Decimal {
    let magnitude = mantissa.unsigned_abs();
    Decimal::from_parts(magnitude as u32, (magnitude >> 32) as u32, 0, mantissa < 0, scale)
}

/// A record the kernel cannot evaluate exactly: use the closures.
#[derive(Debug)]
pub struct Unfit;

/// What a kernel node evaluates to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KValue {
    Null,
    Bool(bool),
    Num(Fixed),
}

impl KValue {
    pub fn into_value(self) -> Value {
        match self {
            KValue::Null => Value::Null,
            KValue::Bool(b) => Value::Bool(b),
            KValue::Num(n) => Value::Num(n.to_decimal()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    /// `%`: truncated, so the sign of the dividend (as `Decimal`'s).
    Rem,
}

/// A record slot holding text.
#[derive(Clone, Copy, Debug)]
pub enum Text {
    Kind,
    Id,
    Member,
    Field(usize),
}

impl Text {
    pub fn read(self, record: &Record) -> Option<&str> {
        match self {
            Text::Kind => Some(&record.kind),
            Text::Id => Some(&record.id),
            Text::Member => Some(&record.member),
            Text::Field(i) => match record.fields.get(i) {
                Some(Value::Str(s)) => Some(s),
                _ => None,
            },
        }
    }
}

/// A batch of records as [`Kernel::eval_batch`] reads them: [`Record`]s, or rows
/// read in place from where they are kept (`eval/source.rs`).
pub trait Rows {
    fn len(&self) -> usize;

    /// Every row's `bool` or `decimal` field `slot`, appended to `out`; a row whose
    /// value the kernel cannot hold gets null and its `unfit` set ([`or_unfit`]).
    /// A batch at a time, so that a field costs one call per batch rather than a
    /// virtual call per row.
    fn fields(&self, slot: usize, out: &mut Vec<KValue>, unfit: &mut [bool]);

    /// Row `k`'s text in `text`, `None` when the slot holds no text, or [`Unfit`]
    /// when the text is not at hand (an id made from the position).
    fn text(&self, k: usize, text: Text) -> Result<Option<&str>, Unfit>;
}

/// Records as the kernel's own tests hand them over; evaluation reads batches of
/// its records through `eval/source.rs`.
#[cfg(test)]
impl Rows for Vec<&Record> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn fields(&self, slot: usize, out: &mut Vec<KValue>, unfit: &mut [bool]) {
        out.extend(self.iter().zip(unfit).map(|(r, u)| or_unfit(field(r, slot), u)));
    }

    fn text(&self, k: usize, text: Text) -> Result<Option<&str>, Unfit> {
        Ok(text.read(self[k]))
    }
}

/// A per-record expression as a typed tree; see the module docs.
#[derive(Debug)]
pub enum Kernel {
    Const(KValue),
    /// A `bool` or `decimal` field (null when missing).
    Field(usize),
    /// A text slot compared with a constant by `==` or `!=`.
    TextIs {
        text: Text,
        value: Box<str>,
        equal: bool,
    },
    Compare(BinOp, Box<Kernel>, Box<Kernel>),
    And(Box<Kernel>, Box<Kernel>),
    Or(Box<Kernel>, Box<Kernel>),
    Not(Box<Kernel>),
    IsNull(bool, Box<Kernel>),
    Coalesce(Box<Kernel>, Box<Kernel>),
    If(Box<Kernel>, Box<Kernel>, Box<Kernel>),
    Arith(Arith, Box<Kernel>, Box<Kernel>),
    Neg(Box<Kernel>),
    Extremum(bool, Vec<Kernel>),
}

impl Kernel {
    /// The kernel of a checked expression, if everything in it has one.
    pub fn build(t: &Typed) -> Option<Kernel> {
        let sub = |x: &Typed| Kernel::build(x).map(Box::new);
        Some(match &t.op {
            Op::Const(Value::Null) => Kernel::Const(KValue::Null),
            Op::Const(Value::Bool(b)) => Kernel::Const(KValue::Bool(*b)),
            Op::Const(Value::Num(n)) => Kernel::Const(KValue::Num(Fixed::from_decimal(n)?)),
            Op::Read(Read::Slot(Slot::Field(i))) if matches!(t.ty, Type::Num | Type::Bool) => {
                Kernel::Field(*i)
            }
            Op::Binary(op @ (BinOp::Eq | BinOp::Ne), l, r) if l.ty == Type::Str || r.ty == Type::Str => {
                let (text, value) = match (&l.op, &r.op) {
                    (Op::Read(Read::Slot(s)), Op::Const(Value::Str(v)))
                    | (Op::Const(Value::Str(v)), Op::Read(Read::Slot(s))) => (text_slot(*s)?, v),
                    _ => return None,
                };
                Kernel::TextIs {
                    text,
                    value: Box::from(&**value),
                    equal: *op == BinOp::Eq,
                }
            }
            Op::Binary(op, l, r) => {
                let both = |ty: Type| l.ty == ty && r.ty == ty;
                match op {
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                        if both(Type::Num) || (both(Type::Bool) && matches!(op, BinOp::Eq | BinOp::Ne)) =>
                    {
                        Kernel::Compare(*op, sub(l)?, sub(r)?)
                    }
                    BinOp::And if both(Type::Bool) => Kernel::And(sub(l)?, sub(r)?),
                    BinOp::Or if both(Type::Bool) => Kernel::Or(sub(l)?, sub(r)?),
                    BinOp::Coalesce if l.ty == r.ty && matches!(l.ty, Type::Num | Type::Bool) => {
                        Kernel::Coalesce(sub(l)?, sub(r)?)
                    }
                    BinOp::Add if both(Type::Num) => Kernel::Arith(Arith::Add, sub(l)?, sub(r)?),
                    BinOp::Sub if both(Type::Num) => Kernel::Arith(Arith::Sub, sub(l)?, sub(r)?),
                    BinOp::Mul if both(Type::Num) => Kernel::Arith(Arith::Mul, sub(l)?, sub(r)?),
                    BinOp::Rem if both(Type::Num) => Kernel::Arith(Arith::Rem, sub(l)?, sub(r)?),
                    _ => return None,
                }
            }
            Op::Not(x) if x.ty == Type::Bool => Kernel::Not(sub(x)?),
            Op::Neg(x) if x.ty == Type::Num => Kernel::Neg(sub(x)?),
            Op::IsNull { negate, x } => Kernel::IsNull(*negate, sub(x)?),
            Op::If(c, a, b)
                if c.ty == Type::Bool && a.ty == b.ty && matches!(a.ty, Type::Num | Type::Bool) =>
            {
                Kernel::If(sub(c)?, sub(a)?, sub(b)?)
            }
            Op::Extremum { max, args } if args.iter().all(|a| a.ty == Type::Num) => {
                Kernel::Extremum(*max, args.iter().map(Kernel::build).collect::<Option<_>>()?)
            }
            _ => return None,
        })
    }

    /// The expression's value on `record`, or [`Unfit`] when the closures must do it.
    pub fn eval(&self, record: &Record) -> Result<KValue, Unfit> {
        let sub = |k: &Kernel| k.eval(record);
        match self {
            Kernel::Const(v) => Ok(*v),
            Kernel::Field(i) => field(record, *i),
            Kernel::TextIs { text, value, equal } => Ok(text_is(record, *text, value, *equal)),
            Kernel::Compare(op, l, r) => Ok(compare(*op, sub(l)?, sub(r)?)),
            // `and`/`or` leave the right side alone when the left decides, as the
            // closures do.
            Kernel::And(l, r) | Kernel::Or(l, r) => {
                let short = matches!(self, Kernel::Or(..));
                let a = sub(l)?;
                if a == KValue::Bool(short) {
                    return Ok(a);
                }
                Ok(logic(short, a, sub(r)?))
            }
            Kernel::Not(x) => Ok(not(sub(x)?)),
            Kernel::IsNull(negate, x) => Ok(is_null(*negate, sub(x)?)),
            Kernel::Coalesce(l, r) => match sub(l)? {
                KValue::Null => sub(r),
                v => Ok(v),
            },
            Kernel::If(c, a, b) => match sub(c)? {
                KValue::Bool(true) => sub(a),
                _ => sub(b),
            },
            Kernel::Arith(op, l, r) => arith(*op, sub(l)?, sub(r)?),
            Kernel::Neg(x) => neg(sub(x)?),
            Kernel::Extremum(max, args) => {
                let mut best = KValue::Null;
                for (i, arg) in args.iter().enumerate() {
                    let v = sub(arg)?;
                    if v == KValue::Null {
                        return Ok(v);
                    }
                    best = if i == 0 { v } else { extremum(*max, best, v) };
                }
                Ok(best)
            }
        }
    }

    /// The expression over a batch of records at once, a column per node: the
    /// per-node dispatch is paid once per batch rather than once per record.
    /// `out[i]` is record `i`'s value unless `unfit[i]` is set, in which case the
    /// closures must evaluate that record. Both sides of `and`/`or`, both branches
    /// of `if` and every argument are evaluated for every record; a side the
    /// closures would skip can only make a record unfit, never change a value.
    pub fn eval_batch(&self, records: &dyn Rows, out: &mut Vec<KValue>, unfit: &mut [bool]) {
        let n = records.len();
        out.clear();
        let column = |k: &Kernel, unfit: &mut [bool]| {
            let mut column = Vec::with_capacity(n);
            k.eval_batch(records, &mut column, unfit);
            column
        };
        match self {
            Kernel::Const(v) => out.resize(n, *v),
            Kernel::Field(i) => records.fields(*i, out, &mut unfit[..n]),
            Kernel::TextIs { text, value, equal } => {
                // Readers share one `Arc` per distinct kind (and member): text at the
                // address just compared has the same answer, without comparing again.
                let mut last: Option<((*const u8, usize), KValue)> = None;
                out.extend(unfit.iter_mut().take(n).enumerate().map(|(k, u)| {
                    let s = match records.text(k, *text) {
                        Ok(Some(s)) => s,
                        Ok(None) => return KValue::Null,
                        Err(Unfit) => {
                            *u = true;
                            return KValue::Null;
                        }
                    };
                    let at = (s.as_ptr(), s.len());
                    match last {
                        Some((seen, answer)) if seen == at => answer,
                        _ => {
                            let answer = KValue::Bool((s == &**value) == *equal);
                            last = Some((at, answer));
                            answer
                        }
                    }
                }))
            }
            Kernel::Compare(op, l, r) => {
                let (a, b) = (column(l, unfit), column(r, unfit));
                out.extend(a.iter().zip(&b).map(|(a, b)| compare(*op, *a, *b)));
            }
            Kernel::And(l, r) | Kernel::Or(l, r) => {
                let short = matches!(self, Kernel::Or(..));
                let (a, b) = (column(l, unfit), column(r, unfit));
                out.extend(a.iter().zip(&b).map(|(&a, &b)| {
                    if a == KValue::Bool(short) {
                        a
                    } else {
                        logic(short, a, b)
                    }
                }));
            }
            Kernel::Not(x) => out.extend(column(x, unfit).into_iter().map(not)),
            Kernel::IsNull(negate, x) => {
                out.extend(column(x, unfit).into_iter().map(|v| is_null(*negate, v)))
            }
            Kernel::Coalesce(l, r) => {
                let (a, b) = (column(l, unfit), column(r, unfit));
                out.extend(
                    a.iter()
                        .zip(&b)
                        .map(|(&a, &b)| if a == KValue::Null { b } else { a }),
                );
            }
            Kernel::If(c, a, b) => {
                let (c, a, b) = (column(c, unfit), column(a, unfit), column(b, unfit));
                out.extend((0..n).map(|i| if c[i] == KValue::Bool(true) { a[i] } else { b[i] }));
            }
            Kernel::Arith(op, l, r) => {
                let (a, b) = (column(l, unfit), column(r, unfit));
                out.extend(
                    a.iter()
                        .zip(&b)
                        .zip(unfit.iter_mut())
                        .map(|((&a, &b), u)| or_unfit(arith(*op, a, b), u)),
                );
            }
            Kernel::Neg(x) => {
                let a = column(x, unfit);
                out.extend(
                    a.into_iter()
                        .zip(unfit.iter_mut())
                        .map(|(a, u)| or_unfit(neg(a), u)),
                );
            }
            Kernel::Extremum(max, args) => {
                let Some((first, rest)) = args.split_first() else {
                    return out.resize(n, KValue::Null);
                };
                first.eval_batch(records, out, unfit);
                for arg in rest {
                    for (best, v) in out.iter_mut().zip(column(arg, unfit)) {
                        *best = match (*best, v) {
                            (KValue::Null, _) | (_, KValue::Null) => KValue::Null,
                            (b, v) => extremum(*max, b, v),
                        };
                    }
                }
            }
        }
    }
}

/// `value`, or null with `unfit` set when the closures must evaluate the row.
#[inline]
pub fn or_unfit(value: Result<KValue, Unfit>, unfit: &mut bool) -> KValue {
    value.unwrap_or_else(|Unfit| {
        *unfit = true;
        KValue::Null
    })
}

/// A `bool` or `decimal` field.
fn field(record: &Record, i: usize) -> Result<KValue, Unfit> {
    value_field(record.fields.get(i))
}

/// A `bool` or `decimal` field's value.
pub fn value_field(value: Option<&Value>) -> Result<KValue, Unfit> {
    match value {
        None | Some(Value::Null) => Ok(KValue::Null),
        Some(Value::Bool(b)) => Ok(KValue::Bool(*b)),
        Some(Value::Num(n)) => Fixed::from_decimal(n).map(KValue::Num).ok_or(Unfit),
        Some(_) => Err(Unfit),
    }
}

fn text_is(record: &Record, text: Text, value: &str, equal: bool) -> KValue {
    match text.read(record) {
        Some(s) => KValue::Bool((s == value) == equal),
        None => KValue::Null,
    }
}

fn compare(op: BinOp, a: KValue, b: KValue) -> KValue {
    match (a, b) {
        (KValue::Num(a), KValue::Num(b)) => KValue::Bool(test(op, a.cmp(b))),
        (KValue::Bool(a), KValue::Bool(b)) => KValue::Bool(test(op, a.cmp(&b))),
        _ => KValue::Null,
    }
}

/// `and` (`short` false) or `or` (`short` true) when the left side `a` did not
/// decide alone: the right side decides, else null if either side is null.
fn logic(short: bool, a: KValue, b: KValue) -> KValue {
    match b {
        KValue::Bool(b) if b == short => KValue::Bool(short),
        KValue::Bool(_) if a != KValue::Null => KValue::Bool(!short),
        _ => KValue::Null,
    }
}

fn not(v: KValue) -> KValue {
    match v {
        KValue::Bool(b) => KValue::Bool(!b),
        _ => KValue::Null,
    }
}

fn is_null(negate: bool, v: KValue) -> KValue {
    KValue::Bool((v == KValue::Null) != negate)
}

fn arith(op: Arith, a: KValue, b: KValue) -> Result<KValue, Unfit> {
    match (a, b) {
        (KValue::Num(a), KValue::Num(b)) => a.arith(op, b).map(KValue::Num).ok_or(Unfit),
        _ => Ok(KValue::Null),
    }
}

fn neg(v: KValue) -> Result<KValue, Unfit> {
    match v {
        KValue::Num(n) => Ok(KValue::Num(Fixed {
            mantissa: n.mantissa.checked_neg().ok_or(Unfit)?,
            scale: n.scale,
        })),
        _ => Ok(KValue::Null),
    }
}

/// The larger (`max`) or smaller of two numbers; the first of equals wins, as with
/// the closures.
fn extremum(max: bool, best: KValue, v: KValue) -> KValue {
    match (best, v) {
        (KValue::Num(b), KValue::Num(x)) => {
            let wanted = if max { Ordering::Greater } else { Ordering::Less };
            if x.cmp(b) == wanted { v } else { best }
        }
        _ => KValue::Null,
    }
}

fn text_slot(slot: Slot) -> Option<Text> {
    Some(match slot {
        Slot::Kind => Text::Kind,
        Slot::Id => Text::Id,
        Slot::Member => Text::Member,
        Slot::Field(i) => Text::Field(i),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
