//! Name resolution and type checking: [`ast::Node`] → [`Typed`].
//!
//! Every name becomes a slot here, once, when the rulebook loads; evaluation never
//! looks a name up. Errors are collected (a wrong node is given type `any` so that one
//! mistake does not cascade) and each points at the offending operand.

use std::sync::Arc;

use super::ast::{BinOp, Kind, Node, Span, UnOp};
use super::catalog;
use super::functions::{Agg, Func};
use super::{Context, ExprError, Scope};
use crate::calendar::parse_date;
use crate::diagnostic::did_you_mean;
use crate::schema::Slot;
use crate::value::{Type, Value};

/// A checked node: what to compute, its static type and its source span.
#[derive(Debug)]
pub struct Typed {
    pub op: Op,
    pub ty: Type,
    pub span: Span,
}

/// Where a name reads from at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    Slot(Slot),
    Local(usize),
    AsOf,
    PeriodStart,
    PeriodEnd,
}

#[derive(Debug)]
pub enum Op {
    Const(Value),
    Read(Read),
    List(Vec<Typed>),
    Neg(Box<Typed>),
    Not(Box<Typed>),
    /// `+ - * / == != < <= > >= in and or ??` (`==`/`!=` against `null` is `IsNull`).
    Binary(BinOp, Box<Typed>, Box<Typed>),
    IsNull {
        negate: bool,
        x: Box<Typed>,
    },
    If(Box<Typed>, Box<Typed>, Box<Typed>),
    /// Scalar `min`/`max` over two or more arguments.
    Extremum {
        max: bool,
        args: Vec<Typed>,
    },
    Call(Func, Vec<Typed>),
    Agg {
        agg: Agg,
        expr: Option<Box<Typed>>,
        pred: Option<Box<Typed>>,
    },
    Points(Arc<str>),
}

pub fn check(
    source: &str,
    ast: &Node,
    scope: &mut Scope,
    expected: Option<&Type>,
) -> Result<Typed, Vec<ExprError>> {
    let mut c = Checker {
        source,
        scope,
        errors: Vec::new(),
        in_agg: false,
    };
    let typed = c.node(ast);
    if let Some(want) = expected
        && c.errors.is_empty()
        && !want.accepts(&typed.ty)
    {
        c.errors.push(
            ExprError::new(
                ast.span.clone(),
                "type-mismatch",
                format!("expected {} expression, found {}", article(want), typed.ty),
            )
            .label(format!("this is {}", article(&typed.ty))),
        );
    }
    if c.errors.is_empty() {
        Ok(typed)
    } else {
        Err(c.errors)
    }
}

/// "a bool", "a decimal", "null", "a value of any type".
fn article(t: &Type) -> String {
    match t {
        Type::Any => "a value of any type".into(),
        Type::Null => "null".into(),
        _ => format!("a {t}"),
    }
}

struct Checker<'s, 'a> {
    source: &'s str,
    scope: &'s mut Scope<'a>,
    errors: Vec<ExprError>,
    /// Inside an aggregate's arguments, names refer to each record of the group.
    in_agg: bool,
}

fn compatible(a: &Type, b: &Type) -> bool {
    a.accepts(b) || b.accepts(a)
}

/// The type of a value that is either `a` or `b` (already known compatible).
fn unify(a: &Type, b: &Type) -> Type {
    match (a, b) {
        (Type::Null, t) | (t, Type::Null) => t.clone(),
        (Type::Any, _) | (_, Type::Any) => Type::Any,
        (Type::List(x), Type::List(y)) => Type::List(Box::new(unify(x, y))),
        (t, _) => t.clone(),
    }
}

impl Checker<'_, '_> {
    fn text(&self, span: &Span) -> String {
        let raw = self.source.get(span.clone()).unwrap_or("");
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn error(&mut self, e: ExprError) -> Typed {
        let span = e.span.clone();
        self.errors.push(e);
        Typed {
            op: Op::Const(Value::Null),
            ty: Type::Any,
            span,
        }
    }

    fn node(&mut self, n: &Node) -> Typed {
        let span = n.span.clone();
        let typed = |op, ty| Typed {
            op,
            ty,
            span: span.clone(),
        };
        match &n.kind {
            Kind::Lit(v) => typed(Op::Const(v.clone()), v.ty()),
            Kind::Name(name) => self.name(name, span.clone()),
            Kind::List(items) => {
                let items: Vec<Typed> = items.iter().map(|i| self.node(i)).collect();
                let mut ty = Type::Null;
                for item in &items {
                    if !compatible(&ty, &item.ty) {
                        let found = &item.ty;
                        self.errors.push(
                            ExprError::new(
                                item.span.clone(),
                                "type-mismatch",
                                format!("list items must have one type: expected {ty}, found {found}"),
                            )
                            .label(format!("this is {}", article(found))),
                        );
                    } else {
                        ty = unify(&ty, &item.ty);
                    }
                }
                let elem = if ty == Type::Null { Type::Any } else { ty };
                typed(Op::List(items), Type::List(Box::new(elem)))
            }
            Kind::Unary(op, x) => {
                let x = self.node(x);
                let (want, symbol) = match op {
                    UnOp::Neg => (Type::Num, "-"),
                    UnOp::Not => (Type::Bool, "not"),
                };
                let x = self.expect(x, &want, symbol);
                let op = if *op == UnOp::Neg {
                    Op::Neg(Box::new(x))
                } else {
                    Op::Not(Box::new(x))
                };
                typed(op, want)
            }
            Kind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.binary(*op, op_span, lhs, rhs, span.clone()),
            Kind::Call {
                name,
                name_span,
                args,
            } => self.call(name, name_span, args, span.clone()),
        }
    }

    /// Checks that `x` can stand where `want` is needed, turning a date-like string
    /// literal into a date where a date is wanted.
    fn expect(&mut self, x: Typed, want: &Type, what: &str) -> Typed {
        let x = self.coerce(x, want);
        if want.accepts(&x.ty) || x.ty == Type::Any {
            return x;
        }
        let help = (what == "+" || what == "-")
            .then_some(())
            .filter(|_| x.ty == Type::Date)
            .map(|_| "to move a date, use add_days(date, n); to count days, days_between(a, b)");
        let e = ExprError::new(
            x.span.clone(),
            "type-mismatch",
            format!(
                "`{what}` expects {}, found {} `{}`",
                article(want),
                x.ty,
                self.text(&x.span)
            ),
        )
        .label(format!("this is {}", article(&x.ty)));
        self.error(match help {
            Some(h) => e.help(h),
            None => e,
        })
    }

    /// A string literal where a date is wanted becomes that date (or a date error).
    fn coerce(&mut self, x: Typed, want: &Type) -> Typed {
        match (&x.op, want) {
            (Op::Const(Value::Str(s)), Type::Date) => match parse_date(s) {
                Ok(d) => Typed {
                    op: Op::Const(Value::Date(d)),
                    ty: Type::Date,
                    span: x.span,
                },
                Err(message) => self.error(ExprError::new(x.span.clone(), "date", message)),
            },
            (Op::List(items), Type::Date)
                if !items.is_empty() && items.iter().all(|i| matches!(i.op, Op::Const(Value::Str(_)))) =>
            {
                let Op::List(items) = x.op else { unreachable!() };
                let items: Vec<Typed> = items.into_iter().map(|i| self.coerce(i, &Type::Date)).collect();
                Typed {
                    op: Op::List(items),
                    ty: Type::List(Box::new(Type::Date)),
                    span: x.span,
                }
            }
            _ => x,
        }
    }

    fn name(&mut self, name: &str, span: Span) -> Typed {
        let read = |r, ty: Type| Typed {
            op: Op::Read(r),
            ty,
            span: span.clone(),
        };
        if let Some(i) = self.scope.locals.iter().position(|(n, _)| *n == name) {
            return read(Read::Local(i), self.scope.locals[i].1.clone());
        }
        match name {
            "as_of" => return read(Read::AsOf, Type::Date),
            "period.start" => return read(Read::PeriodStart, Type::Date),
            "period.end" => return read(Read::PeriodEnd, Type::Date),
            _ => {}
        }
        if let Some(attr) = name.strip_prefix("member.")
            && !attr.contains('.')
        {
            let attrs = &mut *self.scope.member_attrs;
            let i = attrs.iter().position(|a| a == attr).unwrap_or_else(|| {
                attrs.push(attr.to_owned());
                attrs.len() - 1
            });
            return read(Read::Slot(Slot::MemberAttr(i)), Type::Any);
        }
        if let Some((slot, ty)) = self.scope.schema.resolve(name) {
            if self.scope.context == Context::Group && !self.in_agg && slot != Slot::Member {
                return self.error(
                    ExprError::new(
                        span,
                        "needs-record",
                        format!("`{name}` needs a record here: use it inside count(), sum(), avg(), min() or max()"),
                    )
                    .label("a field of each record, not of the group"),
                );
            }
            return read(Read::Slot(slot), ty);
        }
        let mut names: Vec<String> = self.scope.locals.iter().map(|(n, _)| (*n).to_owned()).collect();
        names.extend(["as_of", "period.start", "period.end"].map(String::from));
        names.extend(self.scope.schema.names().map(String::from));
        names.extend(self.scope.member_attrs.iter().map(|a| format!("member.{a}")));
        let e = ExprError::new(span, "unknown-name", format!("unknown name `{name}`"))
            .label("not a field, a member attribute or a context name");
        let e = match did_you_mean(name, names.iter().map(String::as_str)) {
            Some(s) => e.help(format!("did you mean `{s}`?")),
            None if name == "period" => e.help("use `period.start` or `period.end`"),
            None => e.help(format!("known names: {}", names.join(", "))),
        };
        self.error(e)
    }

    fn binary(&mut self, op: BinOp, op_span: &Span, lhs: &Node, rhs: &Node, span: Span) -> Typed {
        let typed = |op, ty| Typed {
            op,
            ty,
            span: span.clone(),
        };
        let sym = op.symbol();
        // `x == null`, `x != null`: a test for a missing value.
        if matches!(op, BinOp::Eq | BinOp::Ne) {
            let is_null = |n: &Node| matches!(n.kind, Kind::Lit(Value::Null));
            if is_null(lhs) || is_null(rhs) {
                let x = if is_null(rhs) { lhs } else { rhs };
                let x = self.node(x);
                return typed(
                    Op::IsNull {
                        negate: op == BinOp::Ne,
                        x: Box::new(x),
                    },
                    Type::Bool,
                );
            }
        }
        let (l, r) = (self.node(lhs), self.node(rhs));
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                let (l, r) = (self.expect(l, &Type::Num, sym), self.expect(r, &Type::Num, sym));
                typed(Op::Binary(op, Box::new(l), Box::new(r)), Type::Num)
            }
            BinOp::And | BinOp::Or => {
                let (l, r) = (self.expect(l, &Type::Bool, sym), self.expect(r, &Type::Bool, sym));
                typed(Op::Binary(op, Box::new(l), Box::new(r)), Type::Bool)
            }
            BinOp::Coalesce => {
                let r = self.coerce(r, &l.ty);
                if !compatible(&l.ty, &r.ty) {
                    return self.mismatch(op, op_span, &l, &r);
                }
                let ty = unify(&l.ty, &r.ty);
                typed(Op::Binary(op, Box::new(l), Box::new(r)), ty)
            }
            BinOp::In => {
                let r = self.coerce(r, &l.ty);
                let ok = match &r.ty {
                    Type::Any | Type::Null => true,
                    Type::List(elem) => compatible(elem, &l.ty),
                    _ => false,
                };
                if !ok {
                    let found = self.text(&r.span);
                    let message = match &r.ty {
                        Type::List(elem) => {
                            format!(
                                "`in` cannot look for {} in a list of {elem} `{found}`",
                                article(&l.ty)
                            )
                        }
                        t => format!("`in` expects a list on its right, found {t} `{found}`"),
                    };
                    let label = format!("this is {}", article(&r.ty));
                    return self.error(ExprError::new(r.span.clone(), "type-mismatch", message).label(label));
                }
                typed(Op::Binary(op, Box::new(l), Box::new(r)), Type::Bool)
            }
            _ => {
                let l = self.coerce(l, &r.ty);
                let r = self.coerce(r, &l.ty);
                if !compatible(&l.ty, &r.ty) {
                    return self.mismatch(op, op_span, &l, &r);
                }
                let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
                let orderable =
                    |t: &Type| matches!(t, Type::Num | Type::Date | Type::Str | Type::Any | Type::Null);
                if ordered && !(orderable(&l.ty) && orderable(&r.ty)) {
                    let bad = if orderable(&l.ty) { &r } else { &l };
                    let message = format!(
                        "`{sym}` compares numbers, dates or strings, found {} `{}`",
                        bad.ty,
                        self.text(&bad.span)
                    );
                    return self.error(ExprError::new(bad.span.clone(), "type-mismatch", message));
                }
                typed(Op::Binary(op, Box::new(l), Box::new(r)), Type::Bool)
            }
        }
    }

    fn mismatch(&mut self, op: BinOp, op_span: &Span, l: &Typed, r: &Typed) -> Typed {
        let message = format!(
            "`{}` needs the same type on both sides, found {} `{}` and {} `{}`",
            op.symbol(),
            l.ty,
            self.text(&l.span),
            r.ty,
            self.text(&r.span)
        );
        let label = format!("{} vs {}", l.ty, r.ty);
        self.error(ExprError::new(op_span.clone(), "type-mismatch", message).label(label))
    }

    fn arity(&mut self, name: &str, span: &Span, want: &str, found: usize) -> Typed {
        let plural = if found == 1 { "argument" } else { "arguments" };
        self.error(ExprError::new(
            span.clone(),
            "arity",
            format!("`{name}` takes {want}, found {found} {plural}"),
        ))
    }

    fn call(&mut self, name: &str, name_span: &Span, args: &[Node], span: Span) -> Typed {
        let group = self.scope.context == Context::Group;
        let agg = match name {
            "count" => Some(Agg::Count),
            "sum" => Some(Agg::Sum),
            "avg" => Some(Agg::Avg),
            // A 1-argument min/max, or min(expr, pred), is the aggregate in a group.
            "min" | "max" if group && !self.in_agg && self.is_aggregate_form(args) => {
                Some(if name == "min" { Agg::Min } else { Agg::Max })
            }
            _ => None,
        };
        if agg.is_some() || name == "points" {
            if !group {
                return self.error(
                    ExprError::new(
                        name_span.clone(),
                        "group-only",
                        format!(
                            "`{name}()` is only available in group expressions: vetoes and the `points:` of count/sum/avg rules"
                        ),
                    )
                    .label("this expression is evaluated once per record"),
                );
            }
            if self.in_agg {
                return self.error(ExprError::new(
                    name_span.clone(),
                    "nested-aggregate",
                    format!("`{name}()` cannot be used inside another aggregate"),
                ));
            }
        }
        if name == "points" {
            return self.points(args, name_span, span);
        }
        if let Some(agg) = agg {
            return self.aggregate(agg, name_span, args, span);
        }
        let Some(func) = Func::parse(name) else {
            let e = ExprError::new(
                name_span.clone(),
                "unknown-function",
                format!("unknown function `{name}`"),
            );
            let e = match did_you_mean(name, catalog::names()) {
                Some(s) => {
                    let e = e.help(format!("did you mean `{s}`?"));
                    match catalog::entry(s) {
                        Some(entry) => e.label(entry.signature),
                        None => e,
                    }
                }
                None => e.help(format!(
                    "functions: {}",
                    catalog::names().collect::<Vec<_>>().join(", ")
                )),
            };
            return self.error(e);
        };
        let args: Vec<Typed> = args.iter().map(|a| self.node(a)).collect();
        let typed = |op, ty| Typed {
            op,
            ty,
            span: span.clone(),
        };
        match func {
            Func::If => {
                if args.len() != 3 {
                    return self.arity(name, name_span, "3 arguments (condition, then, else)", args.len());
                }
                let mut args = args.into_iter();
                let (c, a, b) = (args.next().unwrap(), args.next().unwrap(), args.next().unwrap());
                let c = self.expect(c, &Type::Bool, "if");
                let b = self.coerce(b, &a.ty);
                if !compatible(&a.ty, &b.ty) {
                    let message = format!(
                        "`if` branches must have one type, found {} `{}` and {} `{}`",
                        a.ty,
                        self.text(&a.span),
                        b.ty,
                        self.text(&b.span)
                    );
                    return self.error(ExprError::new(b.span.clone(), "type-mismatch", message));
                }
                let ty = unify(&a.ty, &b.ty);
                typed(Op::If(Box::new(c), Box::new(a), Box::new(b)), ty)
            }
            Func::Min | Func::Max => {
                if args.len() < 2 {
                    let want = if group {
                        "an expression and an optional condition (aggregate) or at least 2 values"
                    } else {
                        "at least 2 arguments"
                    };
                    return self.arity(name, name_span, want, args.len());
                }
                let mut ty = Type::Null;
                let mut out = Vec::with_capacity(args.len());
                for a in args {
                    let a = self.coerce(a, &ty);
                    let a = if matches!(a.ty, Type::Num | Type::Date | Type::Any | Type::Null)
                        && compatible(&ty, &a.ty)
                    {
                        a
                    } else {
                        let want = match ty {
                            Type::Null | Type::Any => Type::Num,
                            ref t => t.clone(),
                        };
                        self.expect(a, &want, name)
                    };
                    ty = unify(&ty, &a.ty);
                    out.push(a);
                }
                typed(
                    Op::Extremum {
                        max: func == Func::Max,
                        args: out,
                    },
                    ty,
                )
            }
            _ => {
                let (params, ret) = func.signature();
                let min = if func == Func::Round { 1 } else { params.len() };
                if args.len() < min || args.len() > params.len() {
                    let want = match (min, params.len()) {
                        (1, 1) => "1 argument".to_owned(),
                        (a, b) if a == b => format!("{a} arguments"),
                        (a, b) => format!("{a} or {b} arguments"),
                    };
                    return self.arity(name, name_span, &want, args.len());
                }
                let args: Vec<Typed> = args
                    .into_iter()
                    .zip(params)
                    .map(|(a, p)| self.expect(a, p, name))
                    .collect();
                if let Some(e) = self.polymorphic(func, &args) {
                    return self.error(e);
                }
                if func == Func::Round
                    && let Some(Typed {
                        op: Op::Const(Value::Num(p)),
                        span,
                        ..
                    }) = args.get(1)
                    && (!p.is_integer() || *p < 0.into() || *p > 28.into())
                {
                    let message = format!(
                        "round's places must be a whole number from 0 to 28, found {}",
                        p.normalize()
                    );
                    return self.error(ExprError::new(span.clone(), "bad-argument", message));
                }
                typed(Op::Call(func, args), ret)
            }
        }
    }

    /// The argument rules `any` parameters stand for: `len` and `contains` take a
    /// string or a list (and `contains` an item of the list's type), `number` a
    /// string or a number; a constant `matches` pattern must compile.
    fn polymorphic(&self, func: Func, args: &[Typed]) -> Option<ExprError> {
        let name = func.name();
        let bad = |x: &Typed, want: &str| {
            Some(
                ExprError::new(
                    x.span.clone(),
                    "type-mismatch",
                    format!("`{name}` expects {want}, found {} `{}`", x.ty, self.text(&x.span)),
                )
                .label(format!("this is {}", article(&x.ty)))
                .help(catalog::entry(name).map_or(String::new(), |e| e.signature.to_owned())),
            )
        };
        let loose = |t: &Type| matches!(t, Type::Any | Type::Null);
        match (func, args) {
            (Func::Len, [x]) if !(loose(&x.ty) || matches!(x.ty, Type::Str | Type::List(_))) => {
                bad(x, "a string or a list")
            }
            (Func::Number, [x]) if !(loose(&x.ty) || matches!(x.ty, Type::Str | Type::Num)) => {
                bad(x, "a string or a number")
            }
            (Func::Contains, [l, x]) => match &l.ty {
                Type::Str if !(loose(&x.ty) || x.ty == Type::Str) => bad(x, "a string to look for"),
                Type::List(elem) if !compatible(elem, &x.ty) => bad(x, &format!("an item of type {elem}")),
                Type::Str | Type::List(_) => None,
                t if loose(t) => None,
                _ => bad(l, "a string or a list"),
            },
            // A lean build (feature `regex` off) has no regular expressions: a
            // `matches` anywhere keeps the rulebook from loading, saying why.
            #[cfg(not(feature = "regex"))]
            (Func::Matches, [_, pattern]) => Some(ExprError::new(
                pattern.span.clone(),
                crate::diagnostic::NOT_IN_BUILD,
                "`matches`: regular expressions are not in this build of merit (feature `regex`)",
            )),
            #[cfg(feature = "regex")]
            (
                Func::Matches,
                [
                    _,
                    Typed {
                        op: Op::Const(Value::Str(p)),
                        span,
                        ..
                    },
                ],
            ) => super::functions::regex(p)
                .err()
                .map(|why| ExprError::new(span.clone(), "bad-argument", why)),
            _ => None,
        }
    }

    /// Whether `min(...)`/`max(...)` in a group is the aggregate: one argument, or a
    /// non-bool expression and a bool condition.
    fn is_aggregate_form(&mut self, args: &[Node]) -> bool {
        match args {
            [_] => true,
            [e, p] => {
                let (saved, in_agg) = (self.errors.len(), self.in_agg);
                self.in_agg = true;
                let (e, p) = (self.node(e), self.node(p));
                self.errors.truncate(saved);
                self.in_agg = in_agg;
                p.ty == Type::Bool && e.ty != Type::Bool
            }
            _ => false,
        }
    }

    fn aggregate(&mut self, agg: Agg, name_span: &Span, args: &[Node], span: Span) -> Typed {
        let name = agg.name();
        let (min, max) = if agg == Agg::Count { (0, 1) } else { (1, 2) };
        if args.len() < min || args.len() > max {
            let want = if agg == Agg::Count {
                "no argument or a condition".to_owned()
            } else {
                "an expression and an optional condition".to_owned()
            };
            return self.arity(name, name_span, &want, args.len());
        }
        self.in_agg = true;
        let mut args: Vec<Typed> = args.iter().map(|a| self.node(a)).collect();
        self.in_agg = false;
        let pred = if args.len() == max { args.pop() } else { None };
        let pred = pred.map(|p| Box::new(self.expect(p, &Type::Bool, name)));
        let expr = args.pop().map(|e| {
            let ok = match agg {
                Agg::Sum | Agg::Avg => matches!(e.ty, Type::Num | Type::Any | Type::Null),
                _ => matches!(e.ty, Type::Num | Type::Date | Type::Any | Type::Null),
            };
            Box::new(if ok { e } else { self.expect(e, &Type::Num, name) })
        });
        let ty = match (agg, &expr) {
            (Agg::Min | Agg::Max, Some(e)) => e.ty.clone(),
            _ => Type::Num,
        };
        Typed {
            op: Op::Agg { agg, expr, pred },
            ty,
            span,
        }
    }

    fn points(&mut self, args: &[Node], name_span: &Span, span: Span) -> Typed {
        let [arg] = args else {
            return self.arity(
                "points",
                name_span,
                "1 argument (a rule id in quotes)",
                args.len(),
            );
        };
        let Kind::Lit(Value::Str(id)) = &arg.kind else {
            return self.error(
                ExprError::new(
                    arg.span.clone(),
                    "bad-argument",
                    "`points` expects a rule id in quotes",
                )
                .help("e.g. points(\"volunteer-hours\")"),
            );
        };
        if !self.scope.rule_ids.iter().any(|r| **r == **id) {
            let e = ExprError::new(
                arg.span.clone(),
                "unknown-rule",
                format!("no rule has the id `{id}`"),
            );
            let e = match did_you_mean(id, self.scope.rule_ids.iter().map(String::as_str)) {
                Some(s) => e.help(format!("did you mean `{s}`?")),
                None => e,
            };
            return self.error(e);
        }
        Typed {
            op: Op::Points(id.clone()),
            ty: Type::Num,
            span,
        }
    }
}
