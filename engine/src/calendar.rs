//! Periods (the windows rules and reports group by) and working-day arithmetic.
//!
//! Working days are counted arithmetically: whole weeks times the working days of a
//! week, then a correction from the sorted list of days where the local calendar
//! differs from the plain weekend rule (holidays, make-up working days), found by
//! binary search. `workdays_between` runs once per record, so it never walks days.

use std::fmt::Write as _;

use jiff::civil::{Date, Weekday};

/// A kind of calendar window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Per {
    /// One day.
    Day,
    /// ISO week, Monday first.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
    /// A calendar year.
    Year,
    /// All time: one window from `Date::MIN` to `Date::MAX`.
    Lifetime,
}

/// One window of a [`Per`]; both ends inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    pub start: Date,
    pub end: Date,
}

impl Window {
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

impl Per {
    /// Every period's name, as rulebooks and options write it.
    pub const NAMES: &[&str] = &["day", "week", "month", "quarter", "year", "lifetime"];

    /// A period by name (`day`, `week`, `month`, `quarter`, `year`, `lifetime`).
    pub fn parse(s: &str) -> Option<Per> {
        Some(match s {
            "day" => Per::Day,
            "week" => Per::Week,
            "month" => Per::Month,
            "quarter" => Per::Quarter,
            "year" => Per::Year,
            "lifetime" => Per::Lifetime,
            _ => return None,
        })
    }

    /// The period's name.
    pub fn name(self) -> &'static str {
        match self {
            Per::Day => "day",
            Per::Week => "week",
            Per::Month => "month",
            Per::Quarter => "quarter",
            Per::Year => "year",
            Per::Lifetime => "lifetime",
        }
    }

    /// The window of this kind that contains `d`.
    pub fn window(self, d: Date) -> Window {
        let (start, end) = match self {
            Per::Day => (d, d),
            Per::Week => {
                let n = day_number(d) - i64::from(d.weekday().to_monday_zero_offset());
                (clamp_day(n), clamp_day(n + 6))
            }
            Per::Month => (d.first_of_month(), d.last_of_month()),
            Per::Quarter => {
                let first = (d.month() - 1) / 3 * 3 + 1;
                let start = Date::new(d.year(), first, 1).unwrap_or(d);
                let end = Date::new(d.year(), first + 2, 1).map_or(d, Date::last_of_month);
                (start, end)
            }
            Per::Year => (d.first_of_year(), d.last_of_year()),
            Per::Lifetime => (Date::MIN, Date::MAX),
        };
        Window { start, end }
    }

    /// The window's label: `2026-03-14`, `2026-W01`, `2026-03`, `2026-Q1`, `2026`, `lifetime`.
    pub fn label(self, w: Window) -> String {
        let d = w.start;
        let mut s = String::new();
        let _ = match self {
            Per::Day => write!(s, "{d}"),
            Per::Week => {
                // The Thursday decides the ISO week; `end` is it or later in the same week
                // unless the window was clamped at Date::MIN.
                let iso = if w.end.weekday() == Weekday::Sunday {
                    w.end
                } else {
                    w.start
                }
                .iso_week_date();
                write!(s, "{:04}-W{:02}", iso.year(), iso.week())
            }
            Per::Month => write!(s, "{:04}-{:02}", d.year(), d.month()),
            Per::Quarter => write!(s, "{:04}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
            Per::Year => write!(s, "{:04}", d.year()),
            Per::Lifetime => write!(s, "lifetime"),
        };
        s
    }

    /// The window after `w`, or `None` past `Date::MAX` (and always for `Lifetime`).
    pub fn next(self, w: Window) -> Option<Window> {
        if self == Per::Lifetime {
            return None;
        }
        w.end.tomorrow().ok().map(|d| self.window(d))
    }
}

/// Days since 1970-01-01 (negative before): dates as integers, for arithmetic.
pub fn day_number(d: Date) -> i64 {
    // Howard Hinnant's days_from_civil.
    let (m, dd) = (i64::from(d.month()), i64::from(d.day()));
    let y = i64::from(d.year()) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `n` days after 1970-01-01, if it is within `Date::MIN..=Date::MAX`.
pub fn from_day_number(n: i64) -> Option<Date> {
    if !(day_number(Date::MIN)..=day_number(Date::MAX)).contains(&n) {
        return None;
    }
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(y as i16, m as i8, d as i8).ok()
}

fn clamp_day(n: i64) -> Date {
    from_day_number(n).unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// Monday = 0 … Sunday = 6 for a day number (1970-01-01 was a Thursday).
fn weekday_index(n: i64) -> usize {
    (n + 3).rem_euclid(7) as usize
}

/// A working-day calendar: a weekend rule, holidays, and make-up working days.
#[derive(Clone, Debug)]
pub struct Calendar {
    /// Off days of a plain week, Monday first.
    weekend: [bool; 7],
    /// `week_prefix[k]`: working days among the first `k` days of a plain week.
    week_prefix: [i64; 8],
    /// Days whose status differs from the weekend rule, sorted, with +1 (a make-up
    /// working day) or -1 (a holiday on a weekday).
    exceptions: Vec<(i64, i64)>,
    /// `prefix[i]`: sum of the corrections of `exceptions[..i]`.
    prefix: Vec<i64>,
    /// Listed holidays (weekend ones too) that are not make-up working days, sorted.
    holidays: Vec<i64>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::new(&[Weekday::Saturday, Weekday::Sunday], &[], &[])
    }
}

impl Calendar {
    /// `holidays` and `workdays` are inclusive ranges; a make-up working day wins over
    /// both the weekend and a holiday. The union of the ranges is kept day by day,
    /// so callers should bound it: a rulebook may name the years
    /// [`CALENDAR_YEARS`] only.
    pub fn new(weekend: &[Weekday], holidays: &[(Date, Date)], workdays: &[(Date, Date)]) -> Calendar {
        let mut off = [false; 7];
        for w in weekend {
            off[w.to_monday_zero_offset() as usize] = true;
        }
        let mut week_prefix = [0; 8];
        for k in 0..7 {
            week_prefix[k + 1] = week_prefix[k] + i64::from(!off[k]);
        }
        // Overlapping ranges are merged before they are expanded, so the days kept
        // are at most the days of their union (a 5 KB calendar repeating
        // `0000-01-01..9999-12-31` once asked for 15 GB).
        let expand = |ranges: &[(Date, Date)]| {
            let mut spans: Vec<(i64, i64)> = ranges
                .iter()
                .map(|&(a, b)| (day_number(a), day_number(b)))
                .collect();
            spans.sort_unstable();
            let mut merged: Vec<(i64, i64)> = Vec::new();
            for (a, b) in spans {
                match merged.last_mut() {
                    Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            merged.into_iter().flat_map(|(a, b)| a..=b).collect::<Vec<i64>>()
        };
        let (holidays, workdays) = (expand(holidays), expand(workdays));
        let mut exceptions: Vec<(i64, i64)> = Vec::new();
        for &d in &workdays {
            if off[weekday_index(d)] {
                exceptions.push((d, 1));
            }
        }
        for &d in &holidays {
            if !off[weekday_index(d)] && workdays.binary_search(&d).is_err() {
                exceptions.push((d, -1));
            }
        }
        exceptions.sort_unstable();
        let mut prefix = Vec::with_capacity(exceptions.len() + 1);
        prefix.push(0);
        for &(_, delta) in &exceptions {
            prefix.push(prefix.last().copied().unwrap_or(0) + delta);
        }
        let holidays = holidays
            .into_iter()
            .filter(|d| workdays.binary_search(d).is_err())
            .collect();
        Calendar {
            weekend: off,
            week_prefix,
            exceptions,
            prefix,
            holidays,
        }
    }

    /// Whether `d` is a listed holiday; a listed make-up working day is not one.
    pub fn is_holiday(&self, d: Date) -> bool {
        self.holidays.binary_search(&day_number(d)).is_ok()
    }

    pub fn is_workday(&self, d: Date) -> bool {
        let n = day_number(d);
        match self.exceptions.binary_search_by_key(&n, |e| e.0) {
            Ok(i) => self.exceptions[i].1 > 0,
            Err(_) => !self.weekend[weekday_index(n)],
        }
    }

    /// Working days `d` with `a < d <= b`; negative when `b < a`.
    pub fn workdays_between(&self, a: Date, b: Date) -> i64 {
        self.between(day_number(a), day_number(b))
    }

    fn between(&self, a: i64, b: i64) -> i64 {
        if b < a {
            return -self.between(b, a);
        }
        self.upto(b) - self.upto(a)
    }

    /// Working days up to and including day `n`, counted from an arbitrary origin.
    fn upto(&self, n: i64) -> i64 {
        let y = n + 3; // 0 is a Monday
        let plain = y.div_euclid(7) * self.week_prefix[7] + self.week_prefix[y.rem_euclid(7) as usize + 1];
        let i = self.exceptions.partition_point(|e| e.0 <= n);
        plain + self.prefix[i]
    }

    /// The `n`-th working day after `d` (before it when `n < 0`); `d` itself for 0.
    /// `None` when there is no such day between `Date::MIN` and `Date::MAX`.
    pub fn add_workdays(&self, d: Date, n: i64) -> Option<Date> {
        let start = day_number(d);
        let (lo, hi) = (day_number(Date::MIN), day_number(Date::MAX));
        if n == 0 {
            return Some(d);
        }
        if n > 0 {
            // Smallest x > start with between(start, x) >= n.
            if start >= hi || self.between(start, hi) < n {
                return None;
            }
            let (mut l, mut h) = (start + 1, hi);
            while l < h {
                let mid = l + (h - l) / 2;
                if self.between(start, mid) >= n {
                    h = mid
                } else {
                    l = mid + 1
                }
            }
            from_day_number(l)
        } else {
            // Largest x < start with working days in [x, start) >= -n.
            let need = n.checked_neg()?;
            let count = |x: i64| self.between(x - 1, start - 1);
            if start <= lo || count(lo) < need {
                return None;
            }
            let (mut l, mut h) = (lo, start - 1);
            while l < h {
                let mid = l + (h - l + 1) / 2;
                if count(mid) >= need { l = mid } else { h = mid - 1 }
            }
            from_day_number(l)
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Parses a strict `YYYY-MM-DD` date; the error says what was expected and what was found.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!(
            "expected a date like 2026-03-14 (YYYY-MM-DD), found `{s}`"
        ));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().unwrap_or(0);
    date_from_parts(num(0..4), num(5..7), num(8..10)).map_err(|why| format!("{s} is not a date: {why}"))
}

/// The date of a year, month and day, or why there is none ("February 2026 has 28
/// days"): the one place both rulebooks and records learn why a date is wrong.
pub fn date_from_parts(year: i16, month: i16, day: i16) -> Result<Date, String> {
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month:02} (months are 01 to 12)"));
    }
    let first = Date::new(year, month as i8, 1).map_err(|e| e.to_string())?;
    let days = first.days_in_month();
    if day < 1 {
        return Err(format!("there is no day {day}"));
    }
    if day > i16::from(days) {
        let name = MONTHS[(month - 1) as usize];
        return Err(format!("{name} {year} has {days} days"));
    }
    Date::new(year, month as i8, day as i8).map_err(|e| e.to_string())
}

/// The years a rulebook's calendar may name: 301 years, at most ~110 000 days
/// kept per list.
pub const CALENDAR_YEARS: std::ops::RangeInclusive<i16> = 1900..=2200;

/// Parses `2026-02-15..2026-02-23` (inclusive) or a single date.
pub fn parse_date_span(s: &str) -> Result<(Date, Date), String> {
    match s.split_once("..") {
        None => parse_date(s.trim()).map(|d| (d, d)),
        Some((a, b)) => {
            let (a, b) = (parse_date(a.trim())?, parse_date(b.trim())?);
            if b < a {
                return Err(format!("{s} is an empty range: it ends before it starts"));
            }
            Ok((a, b))
        }
    }
}

/// `mon` … `sun`, or the full English name, in any case.
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().as_str() {
        "mon" | "monday" => Weekday::Monday,
        "tue" | "tuesday" => Weekday::Tuesday,
        "wed" | "wednesday" => Weekday::Wednesday,
        "thu" | "thursday" => Weekday::Thursday,
        "fri" | "friday" => Weekday::Friday,
        "sat" | "saturday" => Weekday::Saturday,
        "sun" | "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

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
}
