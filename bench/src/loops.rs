//! Hand-written loops doing exactly the benchmark rule's work, as the yardstick:
//! what a programmer would write for this one rule, without an engine.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::workload::Row;

/// Per-member totals in tenths of a point.
pub type Totals = Vec<i64>;

/// Fixed-point i64 over columns, records visited in (member, date) order.
pub fn fixed_point(rows: &[Row], order: &[u32], members: u32) -> Totals {
    let mut totals = vec![0i64; members as usize];
    let mut month_key = (u32::MAX, 0i8);
    let mut month_sum = 0i64;
    for &i in order {
        let row = &rows[i as usize];
        if !(row.volunteer && row.verified) {
            continue;
        }
        let points = row.hours_tenths.min(80) * 10; // tenths of a point
        let key = (row.member, row.date.month());
        if key != month_key {
            month_key = key;
            month_sum = 0;
        }
        let given = points.min((2000 - month_sum).max(0));
        month_sum += given;
        totals[row.member as usize] += given;
    }
    totals
}

/// rust_decimal with a HashMap per member-month, records in (member, date) order.
pub fn decimal_hashmap(rows: &[Row], order: &[u32], members: u32) -> Totals {
    let cap = Decimal::from(200);
    let mut months: HashMap<(u32, i8), Decimal> = HashMap::new();
    let mut totals = vec![Decimal::ZERO; members as usize];
    for &i in order {
        let row = &rows[i as usize];
        if !(row.volunteer && row.verified) {
            continue;
        }
        let hours = Decimal::new(row.hours_tenths, 1);
        let points = hours.min(Decimal::from(8)) * Decimal::from(10);
        let sum = months.entry((row.member, row.date.month())).or_default();
        let given = points.min((cap - *sum).max(Decimal::ZERO));
        *sum += given;
        totals[row.member as usize] += given;
    }
    totals
        .into_iter()
        .map(|d| (d * Decimal::from(10)).trunc().mantissa() as i64)
        .collect()
}

/// Record indices sorted by (member, date, input order): the order caps need.
pub fn order(rows: &[Row]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    order.sort_by_key(|&i| {
        let r = &rows[i as usize];
        (r.member, r.date, i)
    });
    order
}
