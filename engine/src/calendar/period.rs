//! [`Per`]: the kinds of calendar window, and the [`Window`]s of each.

use std::fmt::Write as _;

use jiff::civil::{Date, Weekday};

use super::days::{clamp_day, day_number};

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
