//! Caps: bounds on what one rule awards one member within each window of `per`.
//!
//! Applied in record order; the record that crosses a cap gets the remainder and
//! later ones nothing. `max` holds back gains only, `min` bounds deductions only,
//! and where several caps apply the tightest one bites.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::calendar::{Per, Window};
use crate::decode::Decoder;
use crate::value::POW10;
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
        if let Some(max) = max.filter(|m| m.is_sign_negative() && !m.is_zero()) {
            decoder.error(
                "bad-cap",
                map.get("max").map_or(item.span.clone(), |n| n.span.clone()),
                format!("{what}: `cap.max` must be 0 or more, found {max} (`min` bounds deductions)"),
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

/// What caps and totals count in: exact decimals, or, on the fast path, `i64`
/// counts of the unit's smallest step (0.1 points for `decimals: 1`) when every
/// figure of a member is a whole number of steps well inside `i64`.
pub trait Amount:
    Copy + Ord + Default + Add<Output = Self> + Sub<Output = Self> + AddAssign + fmt::Debug
{
}

impl Amount for Decimal {}
impl Amount for i64 {}

/// The largest step count the fast path takes (2^40): a member's sums of fewer
/// than 2^22 such awards cannot overflow `i64`.
pub const MAX_STEPS: i64 = 1 << 40;

/// `amount` as a whole number of `10^-decimals` steps, if it is one and within
/// [`MAX_STEPS`].
pub fn to_steps(amount: Decimal, decimals: u32) -> Option<i64> {
    let amount = if amount.scale() > decimals {
        amount.normalize()
    } else {
        amount
    };
    let up = decimals.checked_sub(amount.scale())? as usize;
    let mantissa = i64::try_from(amount.mantissa()).ok()?;
    let steps = if up == 0 {
        mantissa
    } else {
        mantissa.checked_mul(*POW10.get(up)?)?
    };
    (steps.abs() <= MAX_STEPS).then_some(steps)
}

/// One cap's bounds in the amount an evaluation counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound<A> {
    pub per: Per,
    pub max: Option<A>,
    pub min: Option<A>,
}

impl Cap {
    /// The bounds awards of `decimals` places meet: rounded toward zero, so that an
    /// award held at the cap never rounds past it (`max: 0.15` with one decimal
    /// gave 0.2; it now stops at 0.1).
    pub fn bound(&self, decimals: u32) -> Bound<Decimal> {
        let toward_zero =
            |b: Decimal| b.round_dp_with_strategy(decimals, rust_decimal::RoundingStrategy::ToZero);
        Bound {
            per: self.per,
            max: self.max.map(toward_zero),
            min: self.min.map(toward_zero),
        }
    }

    /// The bounds in steps of `10^-decimals` ([`Cap::bound`]), when they fit.
    pub fn steps(&self, decimals: u32) -> Option<Bound<i64>> {
        let bound = self.bound(decimals);
        let steps = |bound: Option<Decimal>| match bound {
            Some(b) => to_steps(b, decimals).map(Some),
            None => Some(None),
        };
        Some(Bound {
            per: self.per,
            max: steps(bound.max)?,
            min: steps(bound.min)?,
        })
    }
}

/// The outcome of capping one award.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capped<A = Decimal> {
    pub points: A,
    /// The cap that bit (its index in the rule's caps) and the points it held back:
    /// positive for a gain held back by `max`, negative for a deduction stopped by
    /// `min`. The report names it with [`Cap::label`] (a deduction when negative).
    pub withheld: Option<(usize, A)>,
}

/// What one rule has awarded one member so far in the current window of each of its
/// caps (`sums[i]` belongs to `caps[i]`).
#[derive(Debug, Default)]
pub struct CapState<A = Decimal> {
    sums: Vec<(Window, A)>,
}

impl<A: Amount> CapState<A> {
    /// Makes `sums[i]` the running sum of the window of `per` holding `date`: a
    /// date past the window starts a new one. Windows are worked out only when a
    /// date leaves them.
    fn enter(&mut self, i: usize, per: Per, date: Date) {
        if self.sums.len() <= i {
            self.sums.resize(i + 1, (per.window(date), A::default()));
        }
        let entry = &mut self.sums[i];
        if !entry.0.contains(date) {
            *entry = (per.window(date), A::default());
        }
    }

    /// Caps `points` (already rounded) awarded on `date` and records what was given.
    /// Records must come in date order.
    pub fn apply(&mut self, caps: &[Bound<A>], date: Date, points: A) -> Capped<A> {
        let zero = A::default();
        let deduction = points < zero;
        let mut allowed = points;
        let mut biting: Option<usize> = None;
        for (i, cap) in caps.iter().enumerate() {
            self.enter(i, cap.per, date);
            let Some(bound) = (if deduction { cap.min } else { cap.max }) else {
                continue;
            };
            let room = bound - self.sums[i].1;
            // Most awards fit: one subtraction and one comparison decide it.
            let fits = if deduction {
                allowed >= room
            } else {
                allowed <= room
            };
            if fits {
                continue;
            }
            let here = if deduction { room.min(zero) } else { room.max(zero) };
            // Only a cap that takes more bites (an earlier one keeps a tie).
            if here != allowed {
                allowed = here;
                biting = Some(i);
            }
        }
        for (_, sum) in &mut self.sums[..caps.len()] {
            *sum += allowed;
        }
        Capped {
            points: allowed,
            withheld: biting.map(|cap| (cap, points - allowed)),
        }
    }
}

/// The JSON Schema of `cap:`: one `{ per, max, min }` or a list of them.
pub(crate) fn schema() -> crate::json_schema::Json {
    use crate::json_schema::{closed, number, one_or_many};
    one_or_many(closed(
        &["per"],
        vec![("per", super::kind::per()), ("max", number()), ("min", number())],
    ))
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

    fn bounds(caps: &[Cap]) -> Vec<Bound<Decimal>> {
        caps.iter().map(|c| c.bound(28)).collect()
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
            state.apply(&bounds(&caps), date("2026-03-02"), dec("80")).points,
            dec("80")
        );
        assert_eq!(
            state.apply(&bounds(&caps), date("2026-03-03"), dec("80")).points,
            dec("80")
        );
        let third = state.apply(&bounds(&caps), date("2026-03-04"), dec("80"));
        assert_eq!(third.points, dec("40"));
        assert_eq!(third.withheld, Some((0, dec("40"))));
        assert_eq!(caps[0].label(false), "month 200");
        assert_eq!(
            state.apply(&bounds(&caps), date("2026-03-05"), dec("80")).points,
            dec("0")
        );
        assert_eq!(
            state.apply(&bounds(&caps), date("2026-04-01"), dec("80")).points,
            dec("80")
        );
    }

    #[test]
    fn deductions_pass_max_but_stop_at_min() {
        let mut state = CapState::default();
        let caps = month_cap();
        state.apply(&bounds(&caps), date("2026-03-01"), dec("200"));
        assert_eq!(
            state.apply(&bounds(&caps), date("2026-03-02"), dec("-15")).points,
            dec("-15")
        );
        // 185 awarded: room again under max.
        assert_eq!(
            state.apply(&bounds(&caps), date("2026-03-03"), dec("30")).points,
            dec("15")
        );
        let mut fresh = CapState::default();
        fresh.apply(&bounds(&caps), date("2026-03-01"), dec("-15"));
        let floor = fresh.apply(&bounds(&caps), date("2026-03-02"), dec("-15"));
        assert_eq!(floor.points, dec("-5"));
        assert_eq!(floor.withheld, Some((0, dec("-10"))));
        assert_eq!(caps[0].label(true), "month min -20");
    }

    #[test]
    fn amounts_become_steps_only_when_whole_and_small() {
        assert_eq!(to_steps(dec("12.5"), 1), Some(125));
        assert_eq!(to_steps(dec("12.50"), 1), Some(125));
        assert_eq!(to_steps(dec("-3"), 2), Some(-300));
        assert_eq!(to_steps(dec("0.25"), 1), None);
        assert_eq!(to_steps(dec("2000000000000"), 0), None);
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
            state
                .apply(&bounds(&caps), date("2026-03-01"), dec("90"))
                .withheld,
            Some((0, dec("10")))
        );
        assert_eq!(
            state
                .apply(&bounds(&caps), date("2026-03-02"), dec("90"))
                .withheld,
            Some((1, dec("70")))
        );
    }

    /// The rule as DESIGN states it, computed the slow way: each cap's room, the
    /// tightest wins (the first of equals), for the comparison below.
    fn reference(caps: &[Cap], sums: &mut [Decimal], points: Decimal) -> (Decimal, Option<usize>) {
        let deduction = points < Decimal::ZERO;
        let mut allowed = points;
        let mut biting = None;
        for (i, cap) in caps.iter().enumerate() {
            let Some(bound) = (if deduction { cap.min } else { cap.max }) else {
                continue;
            };
            let room = bound - sums[i];
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
        for sum in sums.iter_mut() {
            *sum += allowed;
        }
        (allowed, biting)
    }

    proptest::proptest! {
        #[test]
        fn caps_agree_with_the_reference(
            limits in proptest::collection::vec((proptest::option::of(0i64..50), proptest::option::of(-50i64..0)), 1..4),
            awards in proptest::collection::vec(-30i64..40, 1..40),
        ) {
            // One window (a lifetime cap each), so only the arithmetic is compared.
            let caps: Vec<Cap> = limits
                .iter()
                .map(|&(max, min)| Cap { per: Per::Lifetime, max: max.map(Decimal::from), min: min.map(Decimal::from) })
                .collect();
            let mut state = CapState::default();
            // The fast path counts in steps (of 0.1 here: 2.0 points are 20 steps).
            let mut steps_state = CapState::<i64>::default();
            let steps: Vec<Bound<i64>> = caps.iter().map(|c| c.steps(1).unwrap()).collect();
            let mut sums = vec![Decimal::ZERO; caps.len()];
            for points in awards {
                let points = Decimal::from(points);
                let capped = state.apply(&bounds(&caps), date("2026-03-01"), points);
                let in_steps = steps_state.apply(&steps, date("2026-03-01"), to_steps(points, 1).unwrap());
                let (allowed, biting) = reference(&caps, &mut sums, points);
                proptest::prop_assert_eq!(capped.points, allowed);
                proptest::prop_assert_eq!(capped.withheld.map(|(cap, _)| cap), biting);
                proptest::prop_assert_eq!(Some(in_steps.points), to_steps(allowed, 1));
                proptest::prop_assert_eq!(in_steps.withheld.map(|(cap, _)| cap), biting);
            }
        }
    }
}
