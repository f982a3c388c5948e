//! The rulebook's `bank:` section: which awards earn credits, when credits expire,
//! and what members can redeem them for.
//!
//! ```yaml
//! bank:
//!   earn: { tags: [bank], rules: [mediation], rate: 1 }   # credits per point
//!   expire_after: 24 months                              # N days|weeks|months|years
//!   catalog:
//!     - { id: rice-5kg, title: 大米 5kg, price: 50, partner: grain-shop }
//! ```

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decode::{Decoder, MapReader};
use crate::diagnostic::did_you_mean;
use crate::rules::Rule;
use crate::yaml::Node;

/// The largest `bank.earn.rate`.
const MAX_RATE: i64 = 1_000_000;

/// The bank settings of a rulebook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankSettings {
    /// The rulebook these settings come from (part of every earning's key).
    pub book: String,
    /// Which awards earn credits, and at what rate (`earn:`).
    pub earn: Earn,
    /// Credits expire this long after the award that earned them; `None`: never.
    pub expire_after: Option<ExpireAfter>,
    /// What credits buy (`catalog:`).
    pub catalog: Vec<Item>,
    /// Credits carry this many decimal places: the rulebook's `unit.decimals`.
    pub decimals: u32,
    /// The unit's name (`分`, `points`), as statements show it.
    #[serde(default)]
    pub unit: String,
    /// The rulebook's language (`zh`, `en`): what statements are written in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// Which awards earn credits, and how many per point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Earn {
    /// Awards of rules carrying any of these tags earn…
    pub tags: Vec<String>,
    /// …and so do awards of these rules.
    pub rules: Vec<String>,
    /// Credits per point (credits = points × rate, rounded to `decimals`).
    #[serde(with = "crate::value::decimal_text")]
    pub rate: Decimal,
}

impl Earn {
    /// Whether awards of `rule` earn credits.
    pub fn selects(&self, rule: &Rule) -> bool {
        self.rules.contains(&rule.id) || rule.tags.iter().any(|t| self.tags.contains(t))
    }
}

/// A redeemable item of the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The item's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its price in credits.
    #[serde(with = "crate::value::decimal_text")]
    pub price: Decimal,
    /// The partner shop or service point that honours it (its own redemptions account).
    pub partner: Option<String>,
}

/// `24 months`: how long a credit lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpireAfter {
    /// How many units.
    pub count: u32,
    /// Days, months or years.
    pub unit: SpanUnit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl ExpireAfter {
    /// Parses `24 months`, `90 days`, `1 year`.
    pub fn parse(text: &str) -> Result<ExpireAfter, String> {
        let expected = || {
            format!("expected a duration like `24 months` (N days, weeks, months or years), found `{text}`")
        };
        let mut words = text.split_whitespace();
        let (Some(count), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(expected());
        };
        let count: u32 = count.parse().map_err(|_| expected())?;
        let unit = match unit.to_ascii_lowercase().trim_end_matches('s') {
            "day" => SpanUnit::Days,
            "week" => SpanUnit::Weeks,
            "month" => SpanUnit::Months,
            "year" => SpanUnit::Years,
            _ => return Err(expected()),
        };
        if count == 0 || count > 1000 {
            return Err(format!("`{text}`: the count must be from 1 to 1000"));
        }
        Ok(ExpireAfter { count, unit })
    }

    fn span(self) -> Span {
        let n = i64::from(self.count);
        match self.unit {
            SpanUnit::Days => n.days(),
            SpanUnit::Weeks => n.weeks(),
            SpanUnit::Months => n.months(),
            SpanUnit::Years => n.years(),
        }
    }

    /// The first day on which a credit earned on `earned` has expired
    /// (`2026-01-31` + 1 month = `2026-02-28`: month ends clamp).
    pub fn expires_on(self, earned: Date) -> Date {
        earned.checked_add(self.span()).unwrap_or(Date::MAX)
    }
}

impl std::fmt::Display for ExpireAfter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            SpanUnit::Days => "days",
            SpanUnit::Weeks => "weeks",
            SpanUnit::Months => "months",
            SpanUnit::Years => "years",
        };
        write!(f, "{} {unit}", self.count)
    }
}

const BANK_KEYS: &[&str] = &["earn", "expire_after", "catalog"];
const EARN_KEYS: &[&str] = &["tags", "rules", "rate"];
const ITEM_KEYS: &[&str] = &["id", "title", "price", "partner"];

/// Decodes `bank:`; `rules` are the rulebook's rules (for checking `earn`).
pub(crate) fn decode(
    decoder: &mut Decoder,
    node: &Node,
    book: &str,
    rules: &[Rule],
    unit: &super::Unit,
) -> Option<BankSettings> {
    let decimals = unit.decimals;
    let mut map = decoder.map(node, "`bank`")?;
    let earn = match map.require(decoder, "earn") {
        Some(node) => decode_earn(decoder, node, rules),
        None => None,
    };
    let expire_after = match map.get("expire_after") {
        None => Some(None),
        Some(node) => {
            decoder
                .string(node, "`bank.expire_after`")
                .and_then(|text| match ExpireAfter::parse(&text) {
                    Ok(span) => Some(Some(span)),
                    Err(message) => {
                        decoder.error(
                            "bad-duration",
                            node.span.clone(),
                            format!("`bank.expire_after`: {message}"),
                        );
                        None
                    }
                })
        }
    };
    let catalog = match map.get("catalog") {
        None => Some(Vec::new()),
        Some(node) => decode_catalog(decoder, node, decimals),
    };
    map.finish(decoder, BANK_KEYS);
    Some(BankSettings {
        book: book.to_owned(),
        earn: earn?,
        expire_after: expire_after?,
        catalog: catalog?,
        decimals,
        unit: unit.name.clone(),
        lang: None,
    })
}

fn decode_earn(decoder: &mut Decoder, node: &Node, rules: &[Rule]) -> Option<Earn> {
    let mut map = decoder.map(node, "`bank.earn`")?;
    let mut ok = true;
    let tags = select(decoder, &mut map, "tags", &mut ok, |tag| {
        let known: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.tags.iter().map(String::as_str))
            .collect();
        (!known.contains(&tag)).then(|| (format!("no rule has the tag `{tag}`"), close(tag, &known)))
    });
    let chosen = select(decoder, &mut map, "rules", &mut ok, |id| {
        let known: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        (!known.contains(&id)).then(|| (format!("there is no rule `{id}`"), close(id, &known)))
    });
    let rate = match map.get("rate") {
        None => Some(Decimal::ONE),
        Some(node) => decoder.decimal(node, "`bank.earn.rate`").and_then(|rate| {
            if rate > Decimal::from(MAX_RATE) {
                // An award (at most 10^15) times the rate stays far inside `Decimal`.
                decoder.error(
                    "bad-rate",
                    node.span.clone(),
                    format!("`bank.earn.rate` must be at most {MAX_RATE} (credits per point), found {rate}"),
                );
                None
            } else if rate > Decimal::ZERO {
                Some(rate)
            } else {
                decoder.error(
                    "bad-rate",
                    node.span.clone(),
                    format!("`bank.earn.rate` must be more than 0 (credits per point), found {rate}"),
                );
                None
            }
        }),
    };
    if ok && tags.is_empty() && chosen.is_empty() {
        decoder
            .error(
                "earn-selects-nothing",
                map.span.clone(),
                "`bank.earn` selects no rule",
            )
            .help = Some("give `tags: [bank]` (rules with that tag earn) or `rules: [rule-id, …]`".into());
        ok = false;
    }
    map.finish(decoder, EARN_KEYS);
    (ok && rate.is_some()).then(|| Earn {
        tags,
        rules: chosen,
        rate: rate.unwrap_or(Decimal::ONE),
    })
}

fn close(word: &str, known: &[&str]) -> String {
    match did_you_mean(word, known.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None if known.is_empty() => "the rulebook has no such rules".to_owned(),
        None => format!("known: {}", known.join(", ")),
    }
}

/// `tags` or `rules` of `bank.earn`: one name or a list, each checked by `unknown`.
fn select(
    decoder: &mut Decoder,
    map: &mut MapReader,
    key: &str,
    ok: &mut bool,
    unknown: impl Fn(&str) -> Option<(String, String)>,
) -> Vec<String> {
    let Some(node) = map.get(key) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for (name, span) in decoder.strings(node, &format!("`bank.earn.{key}`")) {
        if let Some((message, help)) = unknown(&name) {
            decoder
                .error("unknown-earn-rule", span, format!("`bank.earn.{key}`: {message}"))
                .help = Some(help);
            *ok = false;
        } else if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn decode_catalog(decoder: &mut Decoder, node: &Node, decimals: u32) -> Option<Vec<Item>> {
    let items = decoder.seq(node, "`bank.catalog`")?;
    let mut catalog: Vec<Item> = Vec::new();
    let mut ok = true;
    for (i, node) in items.iter().enumerate() {
        match decode_item(decoder, node, i, decimals) {
            Some(item) if catalog.iter().any(|other| other.id == item.id) => {
                decoder.error(
                    "duplicate-item",
                    node.span.clone(),
                    format!("`bank.catalog`: item `{}` is listed twice", item.id),
                );
                ok = false;
            }
            Some(item) => catalog.push(item),
            None => ok = false,
        }
    }
    ok.then_some(catalog)
}

fn decode_item(decoder: &mut Decoder, node: &Node, index: usize, decimals: u32) -> Option<Item> {
    let mut map = decoder.map(node, &format!("`bank.catalog` item {}", index + 1))?;
    let id = map
        .require(decoder, "id")
        .and_then(|n| decoder.ident(n, "`bank.catalog` item id"));
    let what = match &id {
        Some(id) => format!("catalog item `{id}`"),
        None => format!("`bank.catalog` item {}", index + 1),
    };
    map.rename(&what);
    let title = map
        .require(decoder, "title")
        .and_then(|n| decoder.string(n, &format!("{what}: `title`")));
    let price = map.require(decoder, "price").and_then(|node| {
        let price = decoder.decimal(node, &format!("{what}: `price`"))?;
        if price <= Decimal::ZERO {
            decoder.error(
                "bad-price",
                node.span.clone(),
                format!("{what}: `price` must be more than 0, found {price}"),
            );
            return None;
        }
        if price.normalize().scale() > decimals {
            decoder
                .error(
                    "bad-price",
                    node.span.clone(),
                    format!("{what}: `price` {price} has more decimal places than credits ({decimals})"),
                )
                .help = Some("credits carry the rulebook's `unit.decimals` places".into());
            return None;
        }
        Some(price.normalize())
    });
    let partner = match map.get("partner") {
        None => Some(None),
        Some(node) => decoder.ident(node, &format!("{what}: `partner`")).map(Some),
    };
    map.finish(decoder, ITEM_KEYS);
    Some(Item {
        id: id?,
        title: title?,
        price: price?,
        partner: partner?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_four_units() {
        assert_eq!(
            ExpireAfter::parse("24 months"),
            Ok(ExpireAfter {
                count: 24,
                unit: SpanUnit::Months
            })
        );
        assert_eq!(ExpireAfter::parse("1 year").unwrap().unit, SpanUnit::Years);
        assert_eq!(ExpireAfter::parse("90 Days").unwrap().count, 90);
        assert!(
            ExpireAfter::parse("two weeks")
                .unwrap_err()
                .contains("found `two weeks`")
        );
        assert!(ExpireAfter::parse("3 fortnights").is_err());
        assert!(ExpireAfter::parse("0 days").is_err());
    }

    #[test]
    fn month_ends_clamp() {
        let one_month = ExpireAfter::parse("1 month").unwrap();
        assert_eq!(
            one_month.expires_on(jiff::civil::date(2026, 1, 31)),
            jiff::civil::date(2026, 2, 28)
        );
        let two_years = ExpireAfter::parse("2 years").unwrap();
        assert_eq!(
            two_years.expires_on(jiff::civil::date(2026, 3, 14)),
            jiff::civil::date(2028, 3, 14)
        );
    }
}
