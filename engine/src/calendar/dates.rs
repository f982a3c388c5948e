//! Dates as rulebooks, records and options write them: strict `YYYY-MM-DD`, spans
//! `A..B`, weekday names; each error says what was expected and what was found.

use jiff::civil::{Date, Weekday};

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
