//! Evaluating a member's indexes: each dimension's share of its full points,
//! weighted into a score, graded, and vetoed by a condition over the window.
//!
//! The index's model and its decoding live in `index.rs`, below the rulebook; this
//! is the phase, above it, beside the rule kinds' evaluation.

use rust_decimal::Decimal;

use super::{Award, Dates};
use crate::book::Rulebook;
use crate::record::Record;
use crate::report::{IndexReport, Veto as VetoReport};
use crate::value::Value;

/// The member's index reports: one per index per window that holds a record of the
/// member and overlaps the report's range.
pub(crate) fn evaluate(
    book: &Rulebook,
    records: &[&Record],
    awards: &[Award],
    attrs: &[Value],
    dates: Dates,
) -> Vec<IndexReport> {
    let mut out = Vec::new();
    let hundred = Decimal::ONE_HUNDRED;
    for index in &book.indexes {
        for (window, range) in crate::rules::windows(index.per, records) {
            if window.end < dates.from || window.start > dates.to {
                continue;
            }
            let mut weighted = Decimal::ZERO;
            let mut weights = Decimal::ZERO;
            let mut dimensions = Vec::with_capacity(index.dimensions.len());
            for dimension in &index.dimensions {
                let points: Decimal = awards
                    .iter()
                    .filter(|a| window.contains(a.date) && dimension.counts(&book.rules[a.rule as usize]))
                    .map(|a| a.points)
                    .sum();
                // Checked: a tiny `full` under a large sum is past `Decimal`, and
                // then past 1 (or below 0) too.
                let value = (dimension.base + points)
                    .checked_div(dimension.full)
                    .unwrap_or(if points.is_sign_negative() {
                        Decimal::ZERO
                    } else {
                        Decimal::ONE
                    })
                    .clamp(Decimal::ZERO, Decimal::ONE)
                    * hundred;
                weighted += dimension.weight * value;
                weights += dimension.weight;
                dimensions.push((dimension.id.clone(), scaled(book, value)));
            }
            let score = if weights.is_zero() {
                Decimal::ZERO
            } else {
                weighted / weights
            };
            let score = scaled(book, score);
            let mut grade = index
                .grades
                .iter()
                .find(|g| g.min.is_none_or(|min| min <= score))
                .map(|g| g.label.clone());
            let window_records: Vec<&Record> = records[range].to_vec();
            let awarded: Vec<(&str, jiff::civil::Date, Decimal)> = awards
                .iter()
                .map(|a| (book.rules[a.rule as usize].id.as_str(), a.date, a.points))
                .collect();
            let group = crate::rules::WindowGroup {
                records: window_records,
                window,
                awarded: &awarded,
            };
            let env = crate::expr::Env {
                record: None,
                member_id: records.first().map_or("", |r| &r.member),
                member: attrs,
                as_of: dates.as_of,
                period: Some(window),
                calendar: &book.calendar,
                locals: &[],
                group: Some(&group),
            };
            let fired = index
                .vetoes
                .iter()
                .find(|v| v.when.eval_bool(&env).unwrap_or(false));
            // Which records: each one that makes the veto hold on its own.
            let veto_records = fired.map_or_else(Vec::new, |v| {
                group
                    .records
                    .iter()
                    .filter(|r| {
                        let alone = crate::rules::WindowGroup {
                            records: vec![**r],
                            window,
                            awarded: &awarded,
                        };
                        v.when
                            .eval_bool(&crate::expr::Env {
                                group: Some(&alone),
                                ..env
                            })
                            .unwrap_or(false)
                    })
                    .map(|r| String::from(&*r.id))
                    .collect()
            });
            let veto = fired.map(|v| {
                grade = Some(v.grade.clone());
                VetoReport {
                    reason: v.reason.clone(),
                    grade: v.grade.clone(),
                }
            });
            out.push(IndexReport {
                index: index.id.clone(),
                period: index.per.label(window),
                score,
                grade,
                veto,
                dimensions,
                provisional: window.end > dates.as_of,
                veto_records,
            });
        }
    }
    out
}

fn scaled(book: &Rulebook, value: Decimal) -> Decimal {
    let mut rounded = book.unit.round(value);
    rounded.rescale(book.unit.decimals);
    rounded
}
