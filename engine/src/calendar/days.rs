//! Dates as day numbers (days since 1970-01-01): integers for arithmetic, so that
//! working days and week windows are computed, never walked.

use jiff::civil::Date;

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

/// The date of day `n`, or the first or last date there is.
pub(super) fn clamp_day(n: i64) -> Date {
    from_day_number(n).unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// Monday = 0 … Sunday = 6 for a day number (1970-01-01 was a Thursday).
pub(super) fn weekday_index(n: i64) -> usize {
    (n + 3).rem_euclid(7) as usize
}
