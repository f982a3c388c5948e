//! Caps: bounds on what one rule awards one member within each window of `per`.
//!
//! Applied in record order; the record that crosses a cap gets the remainder and
//! later ones nothing. `max` holds back gains only, `min` bounds deductions only,
//! and where several caps apply the tightest one bites.

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::book::Decoder;
use crate::calendar::{Per, Window};
use crate::yaml::Node;

/// One `{ per, max, min }` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cap {
    pub per: Per,
    pub max: Option<Decimal>,
    pub min: Option<Decimal>,
}

impl Cap {
    /// How the report names the cap that bit: `month 200`, `day min -10`.
    pub fn label(&self, deduction: bool) -> String {
        match (deduction, self.max, self.min) {
            (false, Some(max), _) => format!("{} {}", self.per.name(), max.normalize()),
            (true, _, Some(min)) => format!("{} min {}", self.per.name(), min.normalize()),
            _ => self.per.name().to_owned(),
        }
    }
}

pub(super) fn decode(decoder: &mut Decoder, node: &Node, what: &str) -> Vec<Cap> {
    let mut caps = Vec::new();
    for item in decoder.one_or_many(node) {
        let Some(mut map) = decoder.map(item, &format!("{what}: `cap`")) else {
            continue;
        };
        let per = map
            .require(decoder, "per")
            .and_then(|n| decode_per(decoder, n, what));
        let max = map
            .get("max")
            .and_then(|n| decoder.decimal(n, &format!("{what}: `cap.max`")));
        let min = map
            .get("min")
            .and_then(|n| decoder.decimal(n, &format!("{what}: `cap.min`")));
        if !map.has("max") && !map.has("min") {
            decoder.error(
                "empty-cap",
                item.span.clone(),
                format!("{what}: a cap needs `max` or `min`"),
            );
        }
        if let (Some(max), Some(min)) = (max, min)
            && min > max
        {
            decoder.error(
                "bad-range",
                item.span.clone(),
                format!("{what}: cap `min` {min} is above `max` {max}"),
            );
        }
        map.finish(decoder, &["per", "max", "min"]);
        if let Some(per) = per {
            caps.push(Cap { per, max, min });
        }
    }
    caps
}

/// A period name (`day` … `year`, `lifetime`), with a suggestion when misspelt.
pub(crate) fn decode_per(decoder: &mut Decoder, node: &Node, what: &str) -> Option<Per> {
    let name = decoder.string(node, &format!("{what}: `per`"))?;
    match Per::parse(&name) {
        Some(per) => Some(per),
        None => {
            let diagnostic = decoder.error(
                "unknown-period",
                node.span.clone(),
                format!("{what}: unknown period `{name}`"),
            );
            diagnostic.help = Some(
                match crate::diagnostic::did_you_mean(&name, Per::NAMES.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("periods are {}", Per::NAMES.join(", ")),
                },
            );
            None
        }
    }
}

/// The outcome of capping one award.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capped {
    pub points: Decimal,
    /// The cap that bit (its index in the rule's caps) and the points it held back:
    /// positive for a gain held back by `max`, negative for a deduction stopped by
    /// `min`. The report names it with [`Cap::label`].
    pub withheld: Option<(usize, Decimal)>,
}

impl Capped {
    /// How the report names the cap that bit: `month 200`, `day min -10`.
    pub fn label(caps: &[Cap], (cap, withheld): (usize, Decimal)) -> String {
        caps[cap].label(withheld.is_sign_negative())
    }
}

/// What one rule has awarded one member so far in the current window of each of its
/// caps (`sums[i]` belongs to `caps[i]`).
#[derive(Debug, Default)]
pub struct CapState {
    sums: Vec<(Window, Decimal)>,
}

impl CapState {
    /// The running sum of `cap`'s window holding `date`; a date past the window
    /// starts a new one. Windows are worked out only when a date leaves them.
    fn sum(&mut self, i: usize, per: Per, date: Date) -> &mut Decimal {
        if self.sums.len() <= i {
            self.sums.resize(i + 1, (per.window(date), Decimal::ZERO));
        }
        let entry = &mut self.sums[i];
        if !entry.0.contains(date) {
            *entry = (per.window(date), Decimal::ZERO);
        }
        &mut entry.1
    }

    /// Caps `points` (already rounded) awarded on `date` and records what was given.
    /// Records must come in date order.
    pub fn apply(&mut self, caps: &[Cap], date: Date, points: Decimal) -> Capped {
        if caps.is_empty() {
            return Capped {
                points,
                withheld: None,
            };
        }
        let deduction = points.is_sign_negative() && !points.is_zero();
        let mut allowed = points;
        let mut biting: Option<usize> = None;
        for (i, cap) in caps.iter().enumerate() {
            let sum = *self.sum(i, cap.per, date);
            let bound = if deduction { cap.min } else { cap.max };
            let Some(bound) = bound else { continue };
            let room = bound - sum;
            let here = if deduction {
                points.max(room.min(Decimal::ZERO))
            } else {
                points.min(room.max(Decimal::ZERO))
            };
            if here.abs() < allowed.abs() {
                allowed = here;
                biting = Some(i);
            }
        }
        for (i, cap) in caps.iter().enumerate() {
            *self.sum(i, cap.per, date) += allowed;
        }
        Capped {
            points: allowed,
            withheld: biting.map(|cap| (cap, points - allowed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::dec;

    mod rust_decimal_macros_free {
        /// `dec("1.5")`: a Decimal from text, for tests.
        pub fn dec(text: &str) -> rust_decimal::Decimal {
            text.parse().expect("decimal")
        }
    }

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn month_cap() -> Vec<Cap> {
        vec![Cap {
            per: Per::Month,
            max: Some(dec("200")),
            min: Some(dec("-20")),
        }]
    }

    #[test]
    fn the_crossing_award_gets_the_remainder() {
        let mut state = CapState::default();
        let caps = month_cap();
        assert_eq!(
            state.apply(&caps, date("2026-03-02"), dec("80")).points,
            dec("80")
        );
        assert_eq!(
            state.apply(&caps, date("2026-03-03"), dec("80")).points,
            dec("80")
        );
        let third = state.apply(&caps, date("2026-03-04"), dec("80"));
        assert_eq!(third.points, dec("40"));
        assert_eq!(third.withheld, Some((0, dec("40"))));
        assert_eq!(Capped::label(&caps, third.withheld.unwrap()), "month 200");
        assert_eq!(state.apply(&caps, date("2026-03-05"), dec("80")).points, dec("0"));
        assert_eq!(
            state.apply(&caps, date("2026-04-01"), dec("80")).points,
            dec("80")
        );
    }

    #[test]
    fn deductions_pass_max_but_stop_at_min() {
        let mut state = CapState::default();
        let caps = month_cap();
        state.apply(&caps, date("2026-03-01"), dec("200"));
        assert_eq!(
            state.apply(&caps, date("2026-03-02"), dec("-15")).points,
            dec("-15")
        );
        // 185 awarded: room again under max.
        assert_eq!(
            state.apply(&caps, date("2026-03-03"), dec("30")).points,
            dec("15")
        );
        let mut fresh = CapState::default();
        fresh.apply(&caps, date("2026-03-01"), dec("-15"));
        let floor = fresh.apply(&caps, date("2026-03-02"), dec("-15"));
        assert_eq!(floor.points, dec("-5"));
        assert_eq!(floor.withheld, Some((0, dec("-10"))));
        assert_eq!(Capped::label(&caps, floor.withheld.unwrap()), "month min -20");
    }

    #[test]
    fn the_tightest_cap_bites() {
        let mut state = CapState::default();
        let caps = vec![
            Cap {
                per: Per::Day,
                max: Some(dec("80")),
                min: None,
            },
            Cap {
                per: Per::Month,
                max: Some(dec("100")),
                min: None,
            },
        ];
        assert_eq!(
            state.apply(&caps, date("2026-03-01"), dec("90")).withheld,
            Some((0, dec("10")))
        );
        assert_eq!(
            state.apply(&caps, date("2026-03-02"), dec("90")).withheld,
            Some((1, dec("70")))
        );
    }
}
