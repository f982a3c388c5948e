//! [`Calendar`]: a weekend rule, holidays and make-up working days; working days
//! between two dates and the `n`-th working day after one, counted, not walked.

use jiff::civil::{Date, Weekday};

#[cfg(doc)]
use super::CALENDAR_YEARS;
use super::days::{day_number, from_day_number, weekday_index};

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
