//! Periods (the windows rules and reports group by), working-day arithmetic, and
//! dates as rulebooks, records and options write them.
//!
//! | file | job |
//! | --- | --- |
//! | `period.rs` | [`Per`] and its [`Window`]s: which window holds a date, its label, the next one |
//! | `days.rs` | dates as day numbers (days since 1970-01-01), for arithmetic |
//! | `workdays.rs` | [`Calendar`]: a weekend rule, holidays and make-up days; working days counted |
//! | `dates.rs` | strict `YYYY-MM-DD` dates, date spans and weekday names, with errors that say why |
//!
//! Working days are counted arithmetically: whole weeks times the working days of a
//! week, then a correction from the sorted list of days where the local calendar
//! differs from the plain weekend rule (holidays, make-up working days), found by
//! binary search. `workdays_between` runs once per record, so it never walks days.

mod dates;
mod days;
mod period;
#[cfg(test)]
mod tests;
mod workdays;

pub use dates::{CALENDAR_YEARS, date_from_parts, parse_date, parse_date_span, parse_weekday};
pub use days::{day_number, from_day_number};
pub use period::{Per, Window};
pub use workdays::Calendar;
