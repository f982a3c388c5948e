//! Typed tree → nested closures.
//!
//! Each node becomes one boxed closure that calls its children's closures: no name
//! lookups, no string work and no allocation on numeric and boolean paths at run time
//! (strings are `Arc<str>`). A node whose children are all constant and that reads
//! nothing from the environment is evaluated once here and becomes a constant.

use std::cmp::Ordering;
use std::str::FromStr;
use std::sync::{Arc, LazyLock};

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::ast::{BinOp, Kind, Node, Span, test};
use super::check::{Op, Read, Typed};
use super::functions::{self, Agg, Func};
use super::{Env, EvalError, EvalErrorKind};
use crate::calendar::{Calendar, parse_date};
use crate::schema::Slot;
use crate::value::{Type, Value};

pub type EvalFn = Box<dyn Fn(&Env) -> Result<Value, EvalError> + Send + Sync>;

/// A compiled expression with what `explain` needs.
pub struct Compiled {
    pub source: String,
    pub ty: Type,
    pub root: EvalFn,
    /// The value, when the whole expression folded to one.
    pub constant: Option<Value>,
    /// Names and aggregate calls to annotate, in source order.
    pub probes: Vec<Probe>,
    /// Spans of string literals, whose whitespace the explanation keeps.
    pub strings: Vec<Span>,
    pub rule_refs: Vec<String>,
    /// The explanation's fixed text, split at the probes.
    pub template: Option<super::template::Template>,
    /// The fixed-point fast path, when the expression has one.
    pub kernel: Option<super::kernel::Kernel>,
    /// Every `if(…)`, outermost first, for the short trace that shows only the
    /// branch taken.
    pub ifs: Vec<IfSite>,
}

/// One `if(cond, then, else)` of the source: its span, its condition and the spans
/// of its two branches.
pub struct IfSite {
    pub span: Span,
    pub cond: EvalFn,
    pub then: Span,
    pub other: Span,
}

/// One annotation: `=value` inserted at byte `at` of the source.
pub struct Probe {
    pub at: usize,
    /// The name as written, listed as missing when it reads null; `None` for aggregates
    /// and for names whose null is handled (`x == null`, `x ?? d`).
    pub name: Option<String>,
    pub eval: EvalFn,
    /// A date-valued name: the short trace leaves its value out (`month(date)`, not
    /// `month(date=2026-03-14)`).
    pub date: bool,
}

struct C {
    f: EvalFn,
    konst: Option<Value>,
}

pub fn compile(source: &str, ast: &Node, typed: Typed) -> Compiled {
    let root = build(source, &typed);
    let kernel = super::kernel::Kernel::build(&typed);
    let mut probes = Vec::new();
    let mut rule_refs = Vec::new();
    collect(source, &typed, false, &mut probes, &mut rule_refs);
    let mut ifs = Vec::new();
    collect_ifs(source, &typed, &mut ifs);
    let mut strings = Vec::new();
    ast.walk(&mut |n| {
        if let Kind::Lit(Value::Str(_)) = n.kind {
            strings.push(n.span.clone());
        }
    });
    let ats: Vec<usize> = probes.iter().map(|p| p.at).collect();
    let template = super::template::template(source, &strings, &ats);
    Compiled {
        template,
        kernel,
        source: source.to_owned(),
        ty: typed.ty,
        root: root.f,
        constant: root.konst,
        probes,
        strings,
        rule_refs,
        ifs,
    }
}

/// Gathers the `if` calls of `t`, outer before inner.
fn collect_ifs(source: &str, t: &Typed, ifs: &mut Vec<IfSite>) {
    let mut each = |x: &Typed| collect_ifs(source, x, ifs);
    match &t.op {
        Op::Const(_) | Op::Read(_) | Op::Points(_) => {}
        Op::Agg { expr, pred, .. } => expr.iter().chain(pred.iter()).for_each(|x| each(x)),
        Op::List(xs) | Op::Extremum { args: xs, .. } | Op::Call(_, xs) => xs.iter().for_each(each),
        Op::IsNull { x, .. } | Op::Neg(x) | Op::Not(x) => each(x),
        Op::Binary(_, a, b) => {
            each(a);
            each(b);
        }
        Op::If(c, a, b) => {
            ifs.push(IfSite {
                span: t.span.clone(),
                cond: build(source, c).f,
                then: a.span.clone(),
                other: b.span.clone(),
            });
            for x in [c, a, b] {
                collect_ifs(source, x, ifs);
            }
        }
    }
}

/// Gathers the probes of `t` in source order. `handled`: a null here is expected (the
/// operand of `== null` or the left of `??`), so it is not reported as missing.
fn collect(source: &str, t: &Typed, handled: bool, probes: &mut Vec<Probe>, refs: &mut Vec<String>) {
    let probe = |name| Probe {
        at: t.span.end,
        name,
        eval: build(source, t).f,
        date: t.ty == Type::Date,
    };
    let mut each = |x: &Typed, handled| collect(source, x, handled, probes, refs);
    match &t.op {
        Op::Const(_) => {}
        Op::Read(_) => {
            let name = (!handled).then(|| source[t.span.clone()].to_owned());
            probes.push(probe(name));
        }
        Op::Agg { .. } => probes.push(probe(None)),
        Op::Points(id) => {
            if !refs.iter().any(|r| **r == **id) {
                refs.push(id.to_string());
            }
            probes.push(probe(None));
        }
        Op::List(xs) | Op::Extremum { args: xs, .. } | Op::Call(_, xs) => {
            xs.iter().for_each(|x| each(x, false))
        }
        Op::IsNull { x, .. } => each(x, true),
        Op::Neg(x) | Op::Not(x) => each(x, false),
        Op::Binary(op, a, b) => {
            each(a, *op == BinOp::Coalesce);
            each(b, false);
        }
        Op::If(c, a, b) => {
            for x in [c, a, b] {
                each(x, false);
            }
        }
    }
}

fn err(kind: EvalErrorKind, message: String) -> EvalError {
    EvalError::new(kind, message)
}

/// The expression's text with whitespace runs collapsed, for error messages.
fn snippet(source: &str, span: &Span) -> Arc<str> {
    let raw = source.get(span.clone()).unwrap_or("");
    Arc::from(raw.split_whitespace().collect::<Vec<_>>().join(" "))
}

static FOLD_CALENDAR: LazyLock<Calendar> = LazyLock::new(Calendar::default);

/// Evaluates a pure node whose children are constants.
fn fold(f: EvalFn) -> C {
    let env = Env {
        record: None,
        member_id: "",
        member: &[],
        as_of: Date::MIN,
        period: None,
        calendar: &FOLD_CALENDAR,
        locals: &[],
        group: None,
    };
    match f(&env) {
        Ok(v) => konst(v),
        Err(_) => C { f, konst: None }, // reported when (if) it is evaluated
    }
}

fn konst(v: Value) -> C {
    let out = v.clone();
    C {
        f: Box::new(move |_| Ok(out.clone())),
        konst: Some(v),
    }
}

fn build(source: &str, t: &Typed) -> C {
    let sub = |x: &Typed| build(source, x);
    let text = || snippet(source, &t.span);
    let (f, children_const): (EvalFn, bool) = match &t.op {
        Op::Const(v) => return konst(v.clone()),
        Op::Read(r) => {
            return C {
                f: read(*r, text()),
                konst: None,
            };
        }
        Op::Points(id) => {
            let id = id.clone();
            let f: EvalFn = Box::new(move |env| match env.group {
                Some(g) => Ok(Value::Num(g.points(&id))),
                None => Err(err(
                    EvalErrorKind::Context,
                    format!("points(\"{id}\") needs a group"),
                )),
            });
            return C { f, konst: None };
        }
        Op::Agg { agg, expr, pred } => {
            let f = aggregate(
                *agg,
                expr.as_deref().map(|e| sub(e).f),
                pred.as_deref().map(|p| sub(p).f),
                text(),
            );
            return C { f, konst: None };
        }
        Op::List(items) => {
            let items: Vec<C> = items.iter().map(sub).collect();
            let all = items.iter().all(|c| c.konst.is_some());
            let fs: Vec<EvalFn> = items.into_iter().map(|c| c.f).collect();
            let f: EvalFn = Box::new(move |env| {
                let values = fs.iter().map(|f| f(env)).collect::<Result<Vec<_>, _>>()?;
                Ok(Value::List(values.into()))
            });
            (f, all)
        }
        Op::Neg(x) => {
            let x = sub(x);
            let name = text();
            let f: EvalFn = Box::new(move |env| match (x.f)(env)? {
                Value::Num(n) => Ok(Value::Num(-n)),
                Value::Null => Ok(Value::Null),
                v => Err(err(
                    EvalErrorKind::Type,
                    format!("`-` expects a number, found {v} in `{name}`"),
                )),
            });
            (f, x.konst.is_some())
        }
        Op::Not(x) => {
            let x = sub(x);
            let name = text();
            let f: EvalFn = Box::new(move |env| match truth((x.f)(env)?, &name)? {
                Some(b) => Ok(Value::Bool(!b)),
                None => Ok(Value::Null),
            });
            (f, x.konst.is_some())
        }
        Op::IsNull { negate, x } => {
            let (x, negate) = (sub(x), *negate);
            let f: EvalFn = Box::new(move |env| Ok(Value::Bool((x.f)(env)?.is_null() != negate)));
            (f, x.konst.is_some())
        }
        Op::Binary(op, l, r) => {
            if let Some(f) = field_vs_constant(*op, l, r, text) {
                return C { f, konst: None };
            }
            let (l, r) = (sub(l), sub(r));
            let all = l.konst.is_some() && r.konst.is_some();
            (binary(*op, l, r, text()), all)
        }
        Op::If(c, a, b) => {
            let (c, a, b) = (sub(c), sub(a), sub(b));
            if let Some(v) = &c.konst {
                // A constant condition picks its branch now.
                return match v {
                    Value::Bool(true) => a,
                    _ => b,
                };
            }
            let name = text();
            let f: EvalFn = Box::new(move |env| match truth((c.f)(env)?, &name)? {
                Some(true) => (a.f)(env),
                // Like SQL's CASE: a condition that is not true takes the other branch.
                Some(false) | None => (b.f)(env),
            });
            (f, false)
        }
        Op::Extremum { max, args } => {
            let args: Vec<C> = args.iter().map(sub).collect();
            let all = args.iter().all(|c| c.konst.is_some());
            let fs: Vec<EvalFn> = args.into_iter().map(|c| c.f).collect();
            let (max, name) = (*max, text());
            let f: EvalFn = Box::new(move |env| {
                let mut best = Value::Null;
                for f in &fs {
                    let v = f(env)?;
                    if v.is_null() {
                        return Ok(Value::Null);
                    }
                    let better = best.is_null() || {
                        let o = order(&v, &best, &name)?;
                        if max {
                            o == Ordering::Greater
                        } else {
                            o == Ordering::Less
                        }
                    };
                    if better {
                        best = v;
                    }
                }
                Ok(best)
            });
            (f, all)
        }
        Op::Call(func, args) => {
            let args: Vec<C> = args.iter().map(sub).collect();
            let all = args.iter().all(|c| c.konst.is_some()) && func.is_pure();
            (call(*func, args, text()), all)
        }
    };
    if children_const {
        fold(f)
    } else {
        C { f, konst: None }
    }
}

/// A bool, or `None` for null; anything else is an error (possible with `any` values).
fn truth(v: Value, name: &str) -> Result<Option<bool>, EvalError> {
    match v {
        Value::Bool(b) => Ok(Some(b)),
        Value::Null => Ok(None),
        v => Err(err(
            EvalErrorKind::Type,
            format!("expected true or false, found {v} in `{name}`"),
        )),
    }
}

fn read(r: Read, name: Arc<str>) -> EvalFn {
    fn record<'e>(env: &Env<'e>, name: &str) -> Result<&'e crate::record::Record, EvalError> {
        env.record
            .ok_or_else(|| err(EvalErrorKind::Context, format!("`{name}` needs a record")))
    }
    match r {
        Read::Local(i) => Box::new(move |env| Ok(env.locals.get(i).cloned().unwrap_or_default())),
        Read::AsOf => Box::new(|env| Ok(Value::Date(env.as_of))),
        Read::PeriodStart => Box::new(|env| Ok(env.period.map_or(Value::Null, |w| Value::Date(w.start)))),
        Read::PeriodEnd => Box::new(|env| Ok(env.period.map_or(Value::Null, |w| Value::Date(w.end)))),
        Read::Slot(Slot::MemberAttr(i)) => {
            Box::new(move |env| Ok(env.member.get(i).cloned().unwrap_or_default()))
        }
        Read::Slot(Slot::Member) => Box::new(|env| {
            Ok(Value::Str(match env.record {
                Some(r) => r.member.clone(),
                None => Arc::from(env.member_id),
            }))
        }),
        Read::Slot(Slot::Kind) => Box::new(move |env| Ok(Value::Str(record(env, &name)?.kind.clone()))),
        Read::Slot(Slot::Id) => Box::new(move |env| Ok(Value::Str(record(env, &name)?.id.clone()))),
        Read::Slot(Slot::Date) => Box::new(move |env| Ok(Value::Date(record(env, &name)?.date))),
        Read::Slot(Slot::Field(i)) => {
            Box::new(move |env| Ok(record(env, &name)?.fields.get(i).cloned().unwrap_or_default()))
        }
    }
}

/// Orders two non-null values of one type; a string meets a date or a number (from
/// untyped member attributes) by being parsed as one.
fn order(a: &Value, b: &Value, name: &str) -> Result<Ordering, EvalError> {
    let mismatch = || {
        err(
            EvalErrorKind::Type,
            format!("cannot compare {a} with {b} in `{name}`"),
        )
    };
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => Ok(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Ok(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        (Value::List(_), Value::List(_)) => Ok(a.cmp(b)),
        (Value::Str(s), Value::Date(d)) => parse_date(s).map(|x| x.cmp(d)).map_err(|_| mismatch()),
        (Value::Date(d), Value::Str(s)) => parse_date(s).map(|y| d.cmp(&y)).map_err(|_| mismatch()),
        (Value::Str(s), Value::Num(n)) => Decimal::from_str(s.trim())
            .map(|x| x.cmp(n))
            .map_err(|_| mismatch()),
        (Value::Num(n), Value::Str(s)) => Decimal::from_str(s.trim())
            .map(|y| n.cmp(&y))
            .map_err(|_| mismatch()),
        _ => Err(mismatch()),
    }
}

/// Equality that never fails: values that cannot be compared are different.
fn equal(a: &Value, b: &Value) -> bool {
    order(a, b, "").is_ok_and(|o| o == Ordering::Equal)
}

/// The hot path `kind == "volunteer"`, `hours >= 2`: a record slot compared with a
/// constant, borrowing the record's value instead of cloning it.
fn field_vs_constant(op: BinOp, l: &Typed, r: &Typed, text: impl Fn() -> Arc<str>) -> Option<EvalFn> {
    if !matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    ) {
        return None;
    }
    let (slot, k, op) = match (&l.op, &r.op) {
        (Op::Read(Read::Slot(s)), Op::Const(k)) => (*s, k.clone(), op),
        (Op::Const(k), Op::Read(Read::Slot(s))) => {
            let flipped = match op {
                BinOp::Lt => BinOp::Gt,
                BinOp::Le => BinOp::Ge,
                BinOp::Gt => BinOp::Lt,
                BinOp::Ge => BinOp::Le,
                op => op,
            };
            (*s, k.clone(), flipped)
        }
        _ => return None,
    };
    if k.is_null() {
        return None;
    }
    let name = text();
    let missing = {
        let name = name.clone();
        move || err(EvalErrorKind::Context, format!("`{name}` needs a record"))
    };
    Some(match (slot, k) {
        (Slot::Kind | Slot::Id, Value::Str(k)) => Box::new(move |env| {
            let r = env.record.ok_or_else(&missing)?;
            let s: &str = if slot == Slot::Kind { &r.kind } else { &r.id };
            Ok(Value::Bool(test(op, s.cmp(&k))))
        }),
        (Slot::Field(i), k) => Box::new(move |env| {
            let v = env
                .record
                .ok_or_else(&missing)?
                .fields
                .get(i)
                .unwrap_or(&Value::Null);
            Ok(match (v, op) {
                (Value::Null, _) => Value::Null,
                (v, BinOp::Eq | BinOp::Ne) => Value::Bool(equal(v, &k) == (op == BinOp::Eq)),
                (v, op) => Value::Bool(test(op, order(v, &k, &name)?)),
            })
        }),
        _ => return None,
    })
}

fn binary(op: BinOp, l: C, r: C, name: Arc<str>) -> EvalFn {
    let (lf, rf) = (l.f, r.f);
    match op {
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => Box::new(move |env| {
            let a = match lf(env)? {
                Value::Num(a) => a,
                Value::Null => return Ok(Value::Null),
                v => {
                    return Err(err(
                        EvalErrorKind::Type,
                        format!("`{}` expects numbers, found {v} in `{name}`", op.symbol()),
                    ));
                }
            };
            let b = match rf(env)? {
                Value::Num(b) => b,
                Value::Null => return Ok(Value::Null),
                v => {
                    return Err(err(
                        EvalErrorKind::Type,
                        format!("`{}` expects numbers, found {v} in `{name}`", op.symbol()),
                    ));
                }
            };
            let out = match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                _ if b.is_zero() => {
                    return Err(err(
                        EvalErrorKind::DivisionByZero,
                        format!("division by zero in `{name}`"),
                    ));
                }
                // Truncated remainder: the sign of the dividend (-7 % 2 = -1).
                BinOp::Rem => a.checked_rem(b),
                _ => a.checked_div(b),
            };
            out.map(Value::Num)
                .ok_or_else(|| err(EvalErrorKind::Overflow, format!("decimal overflow in `{name}`")))
        }),
        BinOp::And | BinOp::Or => {
            let short = op == BinOp::Or; // the value that decides alone
            Box::new(move |env| {
                let a = truth(lf(env)?, &name)?;
                if a == Some(short) {
                    return Ok(Value::Bool(short));
                }
                let b = truth(rf(env)?, &name)?;
                Ok(match (a, b) {
                    (_, Some(x)) if x == short => Value::Bool(short),
                    (None, _) | (_, None) => Value::Null,
                    _ => Value::Bool(!short),
                })
            })
        }
        BinOp::Coalesce => Box::new(move |env| match lf(env)? {
            Value::Null => rf(env),
            v => Ok(v),
        }),
        BinOp::In => Box::new(move |env| {
            let a = lf(env)?;
            if a.is_null() {
                return Ok(Value::Null);
            }
            match rf(env)? {
                Value::Null => Ok(Value::Null),
                Value::List(items) => Ok(Value::Bool(items.iter().any(|v| equal(&a, v)))),
                v => Err(err(
                    EvalErrorKind::Type,
                    format!("`in` expects a list, found {v} in `{name}`"),
                )),
            }
        }),
        _ => {
            let test = move |o: Ordering| test(op, o);
            let cmp = move |a: &Value, b: &Value, name: &str| -> Result<Value, EvalError> {
                if a.is_null() || b.is_null() {
                    return Ok(Value::Null);
                }
                if matches!(op, BinOp::Eq | BinOp::Ne) {
                    return Ok(Value::Bool(equal(a, b) == (op == BinOp::Eq)));
                }
                Ok(Value::Bool(test(order(a, b, name)?)))
            };
            // Comparing with a constant (the common `kind == "volunteer"`) borrows it.
            match (l.konst, r.konst) {
                (_, Some(k)) => Box::new(move |env| cmp(&lf(env)?, &k, &name)),
                (Some(k), _) => Box::new(move |env| cmp(&k, &rf(env)?, &name)),
                _ => Box::new(move |env| cmp(&lf(env)?, &rf(env)?, &name)),
            }
        }
    }
}

fn call(func: Func, args: Vec<C>, name: Arc<str>) -> EvalFn {
    // A constant `matches` pattern is compiled once, here (the checker validated it).
    let re = match (func, args.get(1).and_then(|c| c.konst.as_ref())) {
        (Func::Matches, Some(Value::Str(p))) => functions::regex(p).ok(),
        _ => None,
    };
    let fs: Vec<EvalFn> = args.into_iter().map(|c| c.f).collect();
    let context = move |e: EvalError| err(e.kind, format!("{} in `{name}`", e.message));
    Box::new(move |env| {
        let mut values: [Value; 3] = Default::default();
        for (slot, f) in values.iter_mut().zip(&fs) {
            match f(env)? {
                Value::Null => return Ok(Value::Null),
                v => *slot = v,
            }
        }
        functions::apply(func, &values, re.as_ref(), equal, env).map_err(&context)
    })
}

fn aggregate(agg: Agg, expr: Option<EvalFn>, pred: Option<EvalFn>, name: Arc<str>) -> EvalFn {
    Box::new(move |env| {
        let group = env
            .group
            .ok_or_else(|| err(EvalErrorKind::Context, format!("`{name}` needs a group")))?;
        let (mut n, mut sum, mut best) = (0i64, Decimal::ZERO, Value::Null);
        for record in group.records() {
            let each = Env {
                record: Some(record),
                ..*env
            };
            if let Some(p) = &pred
                && truth(p(&each)?, &name)? != Some(true)
            {
                continue;
            }
            let Some(e) = &expr else {
                n += 1;
                continue;
            };
            let v = e(&each)?;
            match (agg, v) {
                (_, Value::Null) => {}
                (Agg::Sum | Agg::Avg, Value::Num(x)) => {
                    sum = sum.checked_add(x).ok_or_else(|| {
                        err(EvalErrorKind::Overflow, format!("decimal overflow in `{name}`"))
                    })?;
                    n += 1;
                }
                (Agg::Sum | Agg::Avg, v) => {
                    return Err(err(
                        EvalErrorKind::Type,
                        format!("expected a number, found {v} in `{name}`"),
                    ));
                }
                (_, v) => {
                    let better = best.is_null() || {
                        let o = order(&v, &best, &name)?;
                        if agg == Agg::Max {
                            o == Ordering::Greater
                        } else {
                            o == Ordering::Less
                        }
                    };
                    if better {
                        best = v;
                    }
                }
            }
        }
        Ok(match agg {
            Agg::Count => Value::Num(n.into()),
            Agg::Sum => Value::Num(sum),
            Agg::Avg if n == 0 => Value::Null,
            Agg::Avg => Value::Num(
                sum.checked_div(n.into())
                    .ok_or_else(|| err(EvalErrorKind::Overflow, format!("decimal overflow in `{name}`")))?,
            ),
            Agg::Min | Agg::Max => best,
        })
    })
}
