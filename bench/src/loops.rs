//! Hand-written contenders doing exactly the benchmark rule's work — what a
//! programmer would write for this one rule without an engine — and rhai evaluating
//! the rule per record. Each visits records in (member, date, input order), the
//! order the month cap is applied in, and sorts them itself (that is part of the work).

use std::collections::HashMap;

use rhai::{AST, Dynamic, Engine, ImmutableString, Scope};
use rust_decimal::Decimal;

use crate::workload::{Columns, KINDS, VOLUNTEER};

/// Per-member totals in tenths of a point, indexed by member number.
pub type Totals = Vec<i64>;

/// The month cap in tenths of a point.
const CAP_TENTHS: i64 = 2000;

/// Fixed-point i64: hours and points in tenths, a running sum per member-month.
pub fn fixed_point(cols: &Columns) -> Totals {
    let mut totals = vec![0i64; cols.members as usize];
    let mut month_key = (u32::MAX, 0i8);
    let mut month_sum = 0i64;
    for i in cols.order() {
        let i = i as usize;
        if !(cols.kind[i] == VOLUNTEER && cols.verified[i]) {
            continue;
        }
        let points = cols.hours_tenths[i].min(80) * 10; // tenths of a point
        let key = (cols.member[i], cols.date[i].month());
        if key != month_key {
            month_key = key;
            month_sum = 0;
        }
        let given = points.min((CAP_TENTHS - month_sum).max(0));
        month_sum += given;
        totals[cols.member[i] as usize] += given;
    }
    totals
}

/// rust_decimal over a column of decimal hours, a running sum per member-month.
pub fn decimal_columnar(cols: &Columns, hours: &[Decimal]) -> Totals {
    let (cap, eight, ten) = (Decimal::from(200), Decimal::from(8), Decimal::from(10));
    let mut totals = vec![Decimal::ZERO; cols.members as usize];
    let mut month_key = (u32::MAX, 0i8);
    let mut month_sum = Decimal::ZERO;
    for i in cols.order() {
        let i = i as usize;
        if !(cols.kind[i] == VOLUNTEER && cols.verified[i]) {
            continue;
        }
        let points = hours[i].min(eight) * ten;
        let key = (cols.member[i], cols.date[i].month());
        if key != month_key {
            month_key = key;
            month_sum = Decimal::ZERO;
        }
        let given = points.min((cap - month_sum).max(Decimal::ZERO));
        month_sum += given;
        totals[cols.member[i] as usize] += given;
    }
    totals.into_iter().map(tenths).collect()
}

/// rust_decimal with a HashMap per member-month, hours made decimal per record.
pub fn decimal_hashmap(cols: &Columns) -> Totals {
    let (cap, eight, ten) = (Decimal::from(200), Decimal::from(8), Decimal::from(10));
    let mut months: HashMap<(u32, i8), Decimal> = HashMap::new();
    let mut totals = vec![Decimal::ZERO; cols.members as usize];
    for i in cols.order() {
        let i = i as usize;
        if !(cols.kind[i] == VOLUNTEER && cols.verified[i]) {
            continue;
        }
        let points = Decimal::new(cols.hours_tenths[i], 1).min(eight) * ten;
        let sum = months.entry((cols.member[i], cols.date[i].month())).or_default();
        let given = points.min((cap - *sum).max(Decimal::ZERO));
        *sum += given;
        totals[cols.member[i] as usize] += given;
    }
    totals.into_iter().map(tenths).collect()
}

/// f64 with a HashMap per member-month. Exact here: hours are multiples of 0.5, so
/// every point and every sum is a small multiple of 5, which f64 holds exactly.
pub fn f64_hashmap(cols: &Columns, hours: &[f64]) -> Totals {
    let mut months: HashMap<(u32, i8), f64> = HashMap::new();
    let mut totals = vec![0f64; cols.members as usize];
    for i in cols.order() {
        let i = i as usize;
        if !(cols.kind[i] == VOLUNTEER && cols.verified[i]) {
            continue;
        }
        let points = hours[i].min(8.0) * 10.0;
        let sum = months.entry((cols.member[i], cols.date[i].month())).or_default();
        let given = points.min((200.0 - *sum).max(0.0));
        *sum += given;
        totals[cols.member[i] as usize] += given;
    }
    totals.into_iter().map(|t| (t * 10.0).round() as i64).collect()
}

/// The rule as one rhai expression, compiled once and evaluated per record.
pub const RHAI_RULE: &str = r#"if kind == "volunteer" && verified { min(hours, 8) * 10 } else { 0 }"#;

/// rhai as the engine builds it (features `decimal`, `no_float`, `only_i64`: hours
/// are `Decimal`s, `8` and `10` integers, so the points are exact decimals).
pub struct Rhai {
    engine: Engine,
    ast: AST,
    kinds: Vec<ImmutableString>,
}

impl Rhai {
    pub fn new() -> Rhai {
        let engine = Engine::new();
        let ast = engine.compile(RHAI_RULE).expect("the rhai rule compiles");
        let kinds = KINDS.iter().map(|&k| k.into()).collect();
        Rhai { engine, ast, kinds }
    }

    /// Every record through the compiled AST with one reused scope, in cap order;
    /// the month cap is then applied in Rust, as in [`decimal_columnar`].
    pub fn totals(&self, cols: &Columns, hours: &[Decimal]) -> Totals {
        let cap = Decimal::from(200);
        let mut scope = Scope::new();
        let mut totals = vec![Decimal::ZERO; cols.members as usize];
        let mut month_key = (u32::MAX, 0i8);
        let mut month_sum = Decimal::ZERO;
        for i in cols.order() {
            let i = i as usize;
            scope.rewind(0);
            scope.push("kind", self.kinds[cols.kind[i] as usize].clone());
            scope.push("verified", cols.verified[i]);
            scope.push("hours", hours[i]);
            let points: Dynamic = self
                .engine
                .eval_ast_with_scope(&mut scope, &self.ast)
                .expect("the rhai rule evaluates");
            let points = match points.as_int() {
                Ok(n) => Decimal::from(n),
                Err(_) => points.cast::<Decimal>(),
            };
            if points.is_zero() {
                continue;
            }
            let key = (cols.member[i], cols.date[i].month());
            if key != month_key {
                month_key = key;
                month_sum = Decimal::ZERO;
            }
            let given = points.min((cap - month_sum).max(Decimal::ZERO));
            month_sum += given;
            totals[cols.member[i] as usize] += given;
        }
        totals.into_iter().map(tenths).collect()
    }
}

/// A decimal in whole tenths (totals here have at most one decimal place).
pub fn tenths(d: Decimal) -> i64 {
    (d * Decimal::from(10))
        .round()
        .try_into()
        .expect("totals fit in i64")
}
