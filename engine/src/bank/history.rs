//! The bank settings a ledger keeps, and their history.
//!
//! A ledger is opened with one rulebook's settings (unit, decimals, expiry,
//! catalog). Posting with a rulebook whose settings differ is refused, naming what
//! differs, so that one careless post cannot change how every credit expires; the
//! change is made on purpose with `bank settings BOOK --from DATE`, and credits keep
//! the expiry of the settings in effect on the day they were earned.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::error::{BankError, ErrorKind};
use super::settings::{BankSettings, ExpireAfter};

/// Settings in effect from a date (`None`: since the ledger began).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    #[serde(default, with = "crate::value::option_date_text")]
    pub from: Option<Date>,
    pub settings: BankSettings,
}

/// Every version of the settings, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Every version of the settings, oldest first.
    pub versions: Vec<Version>,
}

impl History {
    /// The settings in use now (the latest version).
    pub fn current(&self) -> Option<&BankSettings> {
        self.versions.last().map(|v| &v.settings)
    }

    /// How long credits earned on `earned` live: the expiry of the version in effect
    /// that day (the first version for credits earned before any `from`).
    pub fn expire_after_for(&self, earned: Date) -> Option<ExpireAfter> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.from.is_none_or(|from| from <= earned))
            .or(self.versions.first())
            .and_then(|v| v.settings.expire_after)
    }

    /// Refuses `new` when it differs from the settings in use; nothing to check
    /// when the ledger has none yet.
    pub fn check(&self, new: &BankSettings) -> Result<(), BankError> {
        let Some(current) = self.current() else {
            return Ok(());
        };
        let differs = differences(current, new);
        if differs.is_empty() {
            return Ok(());
        }
        Err(BankError::new(
            ErrorKind::SettingsDiffer,
            format!(
                "the rulebook's bank settings differ from the ledger's: {}; if the change is meant, record it first with `merit bank settings BOOK --from DATE` (credits keep the expiry they were earned under)",
                differs.join("; ")
            ),
        ))
    }

    /// Records `settings` as in effect from `from`: refused when `from` is not after
    /// the latest version's, or when the places of credits would change.
    pub fn record(&mut self, settings: BankSettings, from: Date) -> Result<(), BankError> {
        if let Some(last) = self.versions.last() {
            if last.from.is_some_and(|last| from <= last) {
                return Err(BankError::new(
                    ErrorKind::Backdated,
                    format!(
                        "the settings in use are in effect from {}; a change must be dated after it, found {from}",
                        last.from.map(|d| d.to_string()).unwrap_or_default()
                    ),
                ));
            }
            if last.settings.decimals != settings.decimals {
                return Err(BankError::new(
                    ErrorKind::SettingsDiffer,
                    format!(
                        "credits in this ledger carry {} decimal place(s); a rulebook with {} cannot take it over (its amounts would no longer be exact): keep `unit.decimals: {}`",
                        last.settings.decimals, settings.decimals, last.settings.decimals
                    ),
                ));
            }
        }
        let from = (!self.versions.is_empty()).then_some(from);
        self.versions.push(Version { from, settings });
        Ok(())
    }
}

/// What differs between two settings, in words (`expire_after: 24 months → 1 months`).
pub fn differences(old: &BankSettings, new: &BankSettings) -> Vec<String> {
    let mut out = Vec::new();
    if old.unit != new.unit && !old.unit.is_empty() {
        out.push(format!("unit: {} → {}", old.unit, new.unit));
    }
    if old.decimals != new.decimals {
        out.push(format!("unit.decimals: {} → {}", old.decimals, new.decimals));
    }
    if old.expire_after != new.expire_after {
        let show = |e: Option<ExpireAfter>| e.map_or_else(|| "never".to_owned(), |e| e.to_string());
        out.push(format!(
            "expire_after: {} → {}",
            show(old.expire_after),
            show(new.expire_after)
        ));
    }
    for item in &old.catalog {
        match new.catalog.iter().find(|i| i.id == item.id) {
            None => out.push(format!("catalog: `{}` removed", item.id)),
            Some(now) if now != item => out.push(format!(
                "catalog: `{}` changed ({} {} → {} {})",
                item.id, item.title, item.price, now.title, now.price
            )),
            Some(_) => {}
        }
    }
    for item in &new.catalog {
        if !old.catalog.iter().any(|i| i.id == item.id) {
            out.push(format!("catalog: `{}` added", item.id));
        }
    }
    out
}
