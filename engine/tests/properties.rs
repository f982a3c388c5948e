//! Invariants checked over generated records (proptest, modest case counts): caps are
//! never exceeded in any window, awards add up to the totals, whole days may arrive in
//! any order, and every record read is either accepted or rejected.

use std::collections::BTreeMap;

use merit::{Format, Records, Rulebook, ScoreOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;

const BOOK: &str = "period: month\nfields: { hours: decimal? }\nrules:\n  - id: hours\n    when: kind == \"v\"\n    points: hours ?? 1\n    cap: [{ per: day, max: 7 }, { per: week, max: 20 }, { per: month, max: 45 }]\n  - { id: flat, when: kind == \"w\", points: 2 }\n";

/// One generated record: member, day of 2026 (0..90), kind, hours (may be garbage).
fn record() -> impl Strategy<Value = (u8, u16, bool, String)> {
    let hours = prop_oneof![
        (0u32..1000).prop_map(|h| format!("{}.{}", h / 100, h % 100)),
        Just("\"x\"".to_owned()),
        Just("null".to_owned()),
        Just("-3".to_owned()),
    ];
    (0u8..4, 0u16..90, any::<bool>(), hours)
}

/// A record with an id of its own: ids by position would change with the order.
fn line(i: usize, (member, day, v, hours): &(u8, u16, bool, String)) -> String {
    let date = jiff::civil::date(2026, 1, 1) + jiff::Span::new().days(*day as i64);
    let kind = if *v { "v" } else { "w" };
    format!(r#"{{"id":"r{i}","member":"m{member}","kind":"{kind}","date":"{date}","hours":{hours}}}"#)
}

fn score(book: &Rulebook, text: &str) -> (usize, Records, merit::Report) {
    let mut records = Records::new();
    let read = records.read(book, text.as_bytes(), Format::Jsonl, "in").unwrap();
    let report = book.score(&records, None, &ScoreOptions::default());
    (read, records, report)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold(input in prop::collection::vec(record(), 0..60), seed in any::<u64>()) {
        let book = Rulebook::from_yaml(BOOK, "book.yaml").unwrap();
        let text: String = input.iter().enumerate().map(|(i, r)| line(i, r) + "\n").collect();
        let (read, records, report) = score(&book, &text);

        // rejected + accepted = input
        prop_assert_eq!(read, input.len());
        prop_assert_eq!(records.len() + report.rejected.len(), input.len());

        // awards add up to the totals; caps hold in every day, ISO week and month
        let mut day: BTreeMap<(String, String), Decimal> = BTreeMap::new();
        let mut week: BTreeMap<(String, String), Decimal> = BTreeMap::new();
        for member in &report.members {
            let mut sum = Decimal::ZERO;
            for period in &member.periods {
                let awards: Decimal = period.awards.iter().map(|a| a.points).sum();
                prop_assert_eq!(period.total, awards);
                let hours: Decimal = period.awards.iter().filter(|a| a.rule == "hours").map(|a| a.points).sum();
                prop_assert!(hours <= Decimal::from(45), "month cap: {}", hours);
                for a in period.awards.iter().filter(|a| a.rule == "hours") {
                    let date = a.date;
                    let iso = date.iso_week_date();
                    *day.entry((member.member.clone(), date.to_string())).or_default() += a.points;
                    *week.entry((member.member.clone(), format!("{}-{}", iso.year(), iso.week()))).or_default() += a.points;
                }
                sum += period.total;
            }
            prop_assert_eq!(member.total, sum);
        }
        prop_assert!(day.values().all(|p| *p <= Decimal::from(7)), "day cap: {:?}", day);
        prop_assert!(week.values().all(|p| *p <= Decimal::from(20)), "week cap: {:?}", week);

        // whole days in another order give the same report
        let mut days: BTreeMap<u16, Vec<String>> = BTreeMap::new();
        for (i, r) in input.iter().enumerate() {
            days.entry(r.1).or_default().push(line(i, r));
        }
        let mut order: Vec<_> = days.into_values().collect();
        let mut state = seed | 1;
        for i in (1..order.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (state >> 33) as usize % (i + 1));
        }
        let shuffled: String = order.into_iter().flatten().map(|l| l + "\n").collect();
        let (_, _, other) = score(&book, &shuffled);
        prop_assert_eq!(&report.members, &other.members);
        prop_assert_eq!(report.unmatched, other.unmatched);
        prop_assert_eq!(report.rejected.len(), other.rejected.len());
    }
}
