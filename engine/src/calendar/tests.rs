//! Tests of periods, day numbers, working days and date parsing.

use jiff::civil::{Date, Weekday, date};

use super::*;

fn china_2026() -> Calendar {
    let span = |s: &str| parse_date_span(s).unwrap();
    Calendar::new(
        &[Weekday::Saturday, Weekday::Sunday],
        &[
            span("2026-01-01..2026-01-03"),
            span("2026-02-15..2026-02-23"),
            span("2026-10-01..2026-10-07"),
        ],
        &[span("2026-02-14"), span("2026-02-28")],
    )
}

fn naive_between(c: &Calendar, a: Date, b: Date) -> i64 {
    let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
    let mut n = 0;
    let mut d = lo;
    while d < hi {
        d = d.tomorrow().unwrap();
        n += i64::from(c.is_workday(d));
    }
    sign * n
}

#[test]
fn day_numbers_round_trip() {
    assert_eq!(day_number(date(1970, 1, 1)), 0);
    for d in [
        Date::MIN,
        Date::MAX,
        date(2000, 2, 29),
        date(-1, 12, 31),
        date(2026, 3, 14),
    ] {
        assert_eq!(from_day_number(day_number(d)), Some(d));
        assert_eq!(
            day_number(d.tomorrow().unwrap_or(d)) - day_number(d),
            i64::from(d != Date::MAX)
        );
    }
    assert_eq!(from_day_number(day_number(Date::MAX) + 1), None);
}

#[test]
fn china_2026_workdays() {
    let c = china_2026();
    assert!(c.is_workday(date(2026, 2, 14))); // Saturday, make-up
    assert!(!c.is_workday(date(2026, 2, 16))); // Monday, Spring Festival
    assert!(!c.is_workday(date(2026, 1, 1)));
    assert!(!c.is_workday(date(2026, 3, 7))); // plain Saturday
    // Feb 13 (Fri) .. Feb 27 (Fri): 14 worked, 15-23 off, 24-27 worked.
    assert_eq!(c.workdays_between(date(2026, 2, 13), date(2026, 2, 27)), 5);
    assert_eq!(c.workdays_between(date(2026, 2, 27), date(2026, 2, 13)), -5);
    assert_eq!(c.add_workdays(date(2026, 2, 13), 2), Some(date(2026, 2, 24)));
    assert_eq!(c.add_workdays(date(2026, 2, 24), -2), Some(date(2026, 2, 13)));
    assert_eq!(c.add_workdays(date(2026, 2, 24), -1), Some(date(2026, 2, 14)));
    assert_eq!(c.add_workdays(date(2026, 2, 24), 0), Some(date(2026, 2, 24)));
}

#[test]
fn workdays_match_a_day_by_day_count() {
    let cals = [
        china_2026(),
        Calendar::default(),
        Calendar::new(&[Weekday::Friday], &[], &[]),
    ];
    let base = day_number(date(2025, 11, 20));
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for c in &cals {
        for _ in 0..600 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let a = from_day_number(base + (seed % 500) as i64).unwrap();
            let b = from_day_number(base + ((seed >> 20) % 500) as i64).unwrap();
            let n = naive_between(c, a, b);
            assert_eq!(c.workdays_between(a, b), n, "{a} {b}");
            if a < b && c.is_workday(b) && n > 0 {
                assert_eq!(c.add_workdays(a, n), Some(b), "{a} + {n}");
                let back = c.add_workdays(b, -n).unwrap();
                assert_eq!(c.workdays_between(back, b), n);
                assert!(c.is_workday(back) && back <= a);
            }
        }
    }
}

#[test]
fn unreachable_workdays_are_none() {
    let all = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    let never = Calendar::new(&all, &[], &[]);
    assert_eq!(never.add_workdays(date(2026, 1, 1), 1), None);
    assert_eq!(never.add_workdays(date(2026, 1, 1), -1), None);
    assert_eq!(never.workdays_between(Date::MIN, Date::MAX), 0);
    let c = Calendar::default();
    assert_eq!(c.add_workdays(Date::MAX, 1), None);
    assert_eq!(c.add_workdays(Date::MIN, -1), None);
    assert_eq!(c.add_workdays(date(2026, 1, 1), i64::MAX), None);
    assert_eq!(c.add_workdays(date(2026, 1, 1), i64::MIN), None);
    assert!(c.workdays_between(Date::MIN, Date::MAX) > 5_000_000);
}

#[test]
fn windows_and_labels() {
    let d = date(2026, 3, 14);
    let cases = [
        (Per::Day, "2026-03-14", "2026-03-14", "2026-03-14"),
        (Per::Week, "2026-W11", "2026-03-09", "2026-03-15"),
        (Per::Month, "2026-03", "2026-03-01", "2026-03-31"),
        (Per::Quarter, "2026-Q1", "2026-01-01", "2026-03-31"),
        (Per::Year, "2026", "2026-01-01", "2026-12-31"),
    ];
    for (per, label, start, end) in cases {
        let w = per.window(d);
        assert_eq!(
            (per.label(w).as_str(), w.start.to_string(), w.end.to_string()),
            (label, start.into(), end.into())
        );
        assert!(w.contains(d));
        assert_eq!(per.next(w).unwrap().start, w.end.tomorrow().unwrap());
        assert_eq!(Per::parse(per.name()), Some(per));
    }
    let life = Per::Lifetime.window(d);
    assert_eq!(
        (Per::Lifetime.label(life), Per::Lifetime.next(life)),
        ("lifetime".into(), None)
    );
    assert_eq!(Per::Year.next(Per::Year.window(Date::MAX)), None);
    assert_eq!(Per::Quarter.window(date(2026, 11, 30)).end, date(2026, 12, 31));
}

#[test]
fn iso_week_labels_at_year_boundaries() {
    let label = |y, m, d| Per::Week.label(Per::Week.window(date(y, m, d)));
    assert_eq!(label(2025, 12, 29), "2026-W01");
    assert_eq!(label(2026, 1, 4), "2026-W01");
    assert_eq!(label(2025, 12, 28), "2025-W52");
    assert_eq!(label(2021, 1, 3), "2020-W53");
    assert_eq!(label(2026, 12, 31), "2026-W53");
    assert_eq!(label(2027, 1, 3), "2026-W53");
    assert_eq!(label(2027, 1, 4), "2027-W01");
    assert_eq!(Per::Week.window(date(2026, 1, 1)).start, date(2025, 12, 29));
    // Clamped windows at the ends of time still label and step.
    let first = Per::Week.window(Date::MIN);
    assert_eq!(first.start, Date::MIN);
    assert!(Per::Week.next(first).is_some());
    assert_eq!(Per::Week.next(Per::Week.window(Date::MAX)), None);
}

#[test]
fn date_parsing_says_what_is_wrong() {
    assert_eq!(parse_date("2026-03-14"), Ok(date(2026, 3, 14)));
    assert_eq!(
        parse_date("2026-02-30").unwrap_err(),
        "2026-02-30 is not a date: February 2026 has 28 days"
    );
    assert_eq!(
        parse_date("2024-02-30").unwrap_err(),
        "2024-02-30 is not a date: February 2024 has 29 days"
    );
    assert_eq!(
        parse_date("2026-13-01").unwrap_err(),
        "2026-13-01 is not a date: there is no month 13 (months are 01 to 12)"
    );
    assert_eq!(
        parse_date("2026-3-1").unwrap_err(),
        "expected a date like 2026-03-14 (YYYY-MM-DD), found `2026-3-1`"
    );
    assert_eq!(
        parse_date("2026-03-00").unwrap_err(),
        "2026-03-00 is not a date: there is no day 0"
    );
    assert_eq!(
        parse_date_span("2026-02-15..2026-02-23"),
        Ok((date(2026, 2, 15), date(2026, 2, 23)))
    );
    assert_eq!(
        parse_date_span("2026-02-15"),
        Ok((date(2026, 2, 15), date(2026, 2, 15)))
    );
    assert!(
        parse_date_span("2026-02-23..2026-02-15")
            .unwrap_err()
            .contains("ends before it starts")
    );
    assert_eq!(parse_weekday("sat"), Some(Weekday::Saturday));
    assert_eq!(parse_weekday("Sunday"), Some(Weekday::Sunday));
    assert_eq!(parse_weekday("sabado"), None);
}
