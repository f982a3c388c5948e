//! The ledger's vocabulary: accounts, transactions and their postings, lots.
//!
//! Every amount is a [`Decimal`] of credits; in storage and in JSON it is text, so
//! that nothing on the way turns it into a float.

use std::fmt;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::words::Lang;

/// An account of the double-entry ledger. Members hold credits; the other accounts
/// are where credits come from and go to, so that every transaction sums to zero.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Account {
    /// `member:ID`: a member's credits (never negative).
    Member(String),
    /// `issuance`: credits created by earning (its balance is minus everything earned).
    Issuance,
    /// `redemptions` or `redemptions:PARTNER`: credits spent, per partner shop.
    Redemptions(Option<String>),
    /// `expiry`: credits that expired unspent.
    Expiry,
    /// `owed:ID`: credits a member owes because the report took back more than the
    /// balance held (a negative balance here is the debt); later earnings repay it first.
    Owed(String),
}

impl Account {
    /// A member's account, `member:ID`.
    pub fn member(id: &str) -> Account {
        Account::Member(id.to_owned())
    }

    /// The member this account belongs to, if it is a member's.
    pub fn member_id(&self) -> Option<&str> {
        match self {
            Account::Member(id) => Some(id),
            _ => None,
        }
    }

    /// The member whose statement shows this account's movements: a member's own
    /// credits and what it owes.
    pub fn holder(&self) -> Option<&str> {
        match self {
            Account::Member(id) | Account::Owed(id) => Some(id),
            _ => None,
        }
    }

    /// Parses the written form (`member:m1`, `issuance`, `redemptions:shop`, `expiry`).
    pub fn parse(text: &str) -> Option<Account> {
        Some(match text.split_once(':') {
            Some(("member", id)) if !id.is_empty() => Account::Member(id.to_owned()),
            Some(("owed", id)) if !id.is_empty() => Account::Owed(id.to_owned()),
            Some(("redemptions", partner)) if !partner.is_empty() => {
                Account::Redemptions(Some(partner.to_owned()))
            }
            None if text == "issuance" => Account::Issuance,
            None if text == "redemptions" => Account::Redemptions(None),
            None if text == "expiry" => Account::Expiry,
            _ => return None,
        })
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Account::Member(id) => write!(f, "member:{id}"),
            Account::Issuance => f.write_str("issuance"),
            Account::Redemptions(None) => f.write_str("redemptions"),
            Account::Redemptions(Some(partner)) => write!(f, "redemptions:{partner}"),
            Account::Expiry => f.write_str("expiry"),
            Account::Owed(id) => write!(f, "owed:{id}"),
        }
    }
}

impl Serialize for Account {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Account::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not an account: `{text}`")))
    }
}

/// One line of a transaction: `amount` added to `account` (negative: taken from it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    /// The account.
    pub account: Account,
    /// What it adds (negative: takes).
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
}

/// Where a transaction comes from: what a statement shows beside the amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// Credits for an award of a report.
    Earn {
        /// The rulebook id.
        book: String,
        /// The rule's id.
        rule: String,
        /// The member's id.
        member: String,
        /// The award's points.
        #[serde(with = "decimal_text")]
        points: Decimal,
        /// Credits per point (`bank.earn.rate`).
        #[serde(with = "decimal_text")]
        rate: Decimal,
        /// Ids of the records the award came from.
        records: Vec<String>,
        /// The award's explanation: `min(hours=3.5, 8) * 10 = 35`.
        explain: String,
        /// The rule's title when it has one (statements show titles, not ids).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// The award's date: the day its credits were earned (expiry, statements).
        /// Absent in ledgers written before earnings were booked on the posting day,
        /// where the transaction's date is the award's.
        #[serde(
            with = "crate::value::option_date_text",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        earned: Option<Date>,
        /// The rulebook's version when posted (to tell a changed rule from a
        /// corrected record).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        /// Set when this is an adjustment: the award was posted before with another
        /// figure, and the report now says otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        adjust: Option<Adjustment>,
    },
    /// Credits spent on a catalog item or an amount.
    Redeem {
        /// The member's id.
        member: String,
        /// The catalog item (absent when an amount was redeemed).
        item: Option<String>,
        /// The item's title.
        title: Option<String>,
        /// The partner shop that takes it.
        partner: Option<String>,
    },
    /// A donation from one member to another.
    Transfer {
        /// The giving member.
        from: String,
        /// The receiving member.
        to: String,
        /// Why, as the giver wrote it.
        note: Option<String>,
    },
    /// The undoing of an earlier transaction.
    Reverse {
        /// The transaction undone.
        txn: u64,
        /// Why, as given.
        reason: String,
        /// The award whose credits the reversed earning carried (so the ledger's
        /// credits per award stay right without reading the original).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        award: Option<AwardKey>,
    },
    /// Credits that outlived `expire_after`.
    Expire {
        /// The member whose credits expired.
        member: String,
        /// The day they were found expired.
        #[serde(with = "crate::value::date_text")]
        as_of: Date,
    },
}

impl Source {
    /// `earn`, `adjust` (an earning's later correction), `redeem`, `transfer`,
    /// `reverse` or `expire`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Earn { adjust: Some(_), .. } => "adjust",
            Source::Earn { .. } => "earn",
            Source::Redeem { .. } => "redeem",
            Source::Transfer { .. } => "transfer",
            Source::Reverse { .. } => "reverse",
            Source::Expire { .. } => "expire",
        }
    }

    /// One line for people, in English: `volunteer-hours: 80 points [r17]: …`.
    pub fn describe(&self) -> String {
        super::words::describe(self, Lang::En)
    }

    /// One line for people in `lang`.
    pub fn describe_in(&self, lang: Lang) -> String {
        super::words::describe(self, lang)
    }
}

/// One award as the ledger knows it: the credits of rulebook `book`'s rule `rule`
/// for `member` on `date` (the award's date, or its window's for group rules).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AwardKey {
    /// The rulebook id.
    pub book: String,
    /// The member's id.
    pub member: String,
    /// The rule's id.
    pub rule: String,
    /// The award's date.
    #[serde(with = "crate::value::date_text")]
    pub date: Date,
}

/// What the ledger holds for one award: the net credits of its earnings,
/// adjustments and reversals, and the records and rulebook version last posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// The net credits held for the award.
    #[serde(with = "decimal_text")]
    pub credits: Decimal,
    /// Ids of the records last posted.
    pub records: Vec<String>,
    /// The rulebook's version last posted.
    pub version: Option<String>,
}

/// Why an award's credits changed after they were posted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Credits the ledger held for the award before.
    #[serde(with = "decimal_text")]
    pub was: Decimal,
    /// Credits the report gives it now.
    #[serde(with = "decimal_text")]
    pub now: Decimal,
    /// Records the award has now and did not have (late or newly valid records).
    pub added: Vec<String>,
    /// Records it had and has no more (removed, corrected away, or capped out).
    pub removed: Vec<String>,
    /// `late-record`, `corrected-record`, `removed-record`, `changed-rule`.
    pub why: Vec<String>,
}

/// Credits earned together on one date, spent and expired first-in first-out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    /// The lot's id.
    pub id: u64,
    /// The member holding it.
    pub member: String,
    /// The award's date (kept when credits are transferred, so a gift does not
    /// restart the clock of expiry).
    #[serde(with = "crate::value::date_text")]
    pub earned: Date,
    /// Credits it started with.
    #[serde(with = "decimal_text")]
    pub amount: Decimal,
    /// Credits not yet spent, given or expired.
    #[serde(with = "decimal_text")]
    pub remaining: Decimal,
}

/// A lot a transaction creates (the store gives it its id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLot {
    /// The member holding it.
    pub member: String,
    /// The award's date.
    pub earned: Date,
    /// Its credits.
    pub amount: Decimal,
}

/// A change to an existing lot's remaining credits (negative: spent or expired).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotMove {
    /// The lot's id.
    pub lot: u64,
    /// Credits added (negative: taken).
    #[serde(with = "decimal_text")]
    pub delta: Decimal,
}

/// A transaction as it is stored: balanced postings, the lots it creates, and the
/// lots it draws on or restores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Txn {
    /// Sequence number, from 1, in the order transactions were committed.
    pub id: u64,
    /// The business date (award date, redemption date, as-of date of an expiry).
    #[serde(with = "crate::value::date_text")]
    pub date: Date,
    /// The idempotency key; replaying an operation with it returns this transaction.
    pub key: Option<String>,
    /// What the transaction is: an earning, redemption, transfer, reversal or expiry.
    pub source: Source,
    /// The postings, summing to zero.
    pub postings: Vec<Posting>,
    /// The lots it created.
    pub lots: Vec<Lot>,
    /// The lots it drew on or restored.
    pub moves: Vec<LotMove>,
    /// sha256(previous transaction's hash + this one's canonical form), in hex: see
    /// `bank/chain.rs`.
    #[serde(default)]
    pub hash: String,
}

impl Txn {
    /// What the transaction adds to `account` (negative: takes from it).
    pub fn amount_for(&self, account: &Account) -> Decimal {
        self.postings
            .iter()
            .filter(|p| &p.account == account)
            .map(|p| p.amount)
            .sum()
    }

    /// The award this transaction changes the credits of, and by how much (an
    /// earning, adjustment, or the reversal of one): what issuance gave.
    pub fn award(&self) -> Option<(AwardKey, Decimal)> {
        let key = match &self.source {
            Source::Earn {
                book,
                rule,
                member,
                earned,
                ..
            } => AwardKey {
                book: book.clone(),
                member: member.clone(),
                rule: rule.clone(),
                date: earned.unwrap_or(self.date),
            },
            Source::Reverse { award: Some(key), .. } => key.clone(),
            _ => return None,
        };
        Some((key, -self.amount_for(&Account::Issuance)))
    }

    /// The transaction's other accounts than `account`: a transfer's counterpart,
    /// the partner of a redemption.
    pub fn counterparts(&self, account: &Account) -> Vec<&Account> {
        self.postings
            .iter()
            .map(|p| &p.account)
            .filter(|a| *a != account)
            .collect()
    }
}

/// A transaction before it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTxn {
    /// The business date.
    pub date: Date,
    /// The idempotency key.
    pub key: Option<String>,
    /// What the transaction is.
    pub source: Source,
    /// The postings, summing to zero.
    pub postings: Vec<Posting>,
    /// The lots it creates.
    pub lots: Vec<NewLot>,
    /// The lots it draws on or restores.
    pub moves: Vec<LotMove>,
}

impl NewTxn {
    /// The transaction as stored under `id`, its lots numbered from `first_lot`,
    /// every lot still whole; the store chains its `hash` in.
    pub(crate) fn numbered(self, id: u64, first_lot: u64) -> Txn {
        let lots = self
            .lots
            .into_iter()
            .zip(first_lot..)
            .map(|(lot, id)| Lot {
                id,
                member: lot.member,
                earned: lot.earned,
                amount: lot.amount,
                remaining: lot.amount,
            })
            .collect();
        Txn {
            id,
            date: self.date,
            key: self.key,
            source: self.source,
            postings: self.postings,
            lots,
            moves: self.moves,
            hash: String::new(),
        }
    }
}

pub use crate::value::decimal_text;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_round_trip_through_text() {
        for text in [
            "member:m1",
            "issuance",
            "redemptions",
            "redemptions:grain-shop",
            "expiry",
        ] {
            assert_eq!(Account::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Account::parse("member:"), None);
        assert_eq!(Account::parse("bank"), None);
    }

    #[test]
    fn sources_travel_as_json_with_decimal_strings() {
        let source = Source::Earn {
            book: "b".into(),
            rule: "r".into(),
            member: "m1".into(),
            points: "35.0".parse().unwrap(),
            rate: Decimal::ONE,
            records: vec!["r1".into()],
            explain: "3.5 * 10 = 35".into(),
            title: None,
            earned: None,
            version: None,
            adjust: None,
        };
        let json = serde_json::to_string(&source).unwrap();
        assert!(
            json.contains(r#""kind":"earn""#) && json.contains(r#""points":"35.0""#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Source>(&json).unwrap(), source);
    }
}
