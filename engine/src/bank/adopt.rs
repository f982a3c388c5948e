//! A rulebook's `bank:` settings meeting the ledger's, decided once for every front
//! end (the CLI's `bank init --book`, `bank settings BOOK --from DATE` and `--book`
//! on redeem, transfer and expire; Python's `Bank.record_settings`): what is
//! checked, what is recorded, and what changed (DESIGN §8.3).

use jiff::civil::Date;

use super::history::differences;
use super::{Bank, BankError, BankSettings, ErrorKind, lang_name};
use crate::book::Rulebook;
use crate::words::Lang;

/// What [`Bank::adopt`] does with a rulebook's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdoptSettings {
    /// Use them for this operation only (their catalog and expiry): refused when the
    /// ledger keeps other settings; a ledger with none still keeps none.
    Use,
    /// Record them as the ledger's from the start when it has none (a new ledger),
    /// else as [`AdoptSettings::Use`]. The date is the day they were recorded.
    Init(Date),
    /// Record them as in effect from this date on: credits earned before keep the
    /// expiry they were earned under; refused when backdated or when the places of
    /// credits would change.
    From(Date),
}

impl Bank {
    /// Checks, uses or records `settings` as `how` says and returns what differs from
    /// the settings in use before, in words (`expire_after: 24 months → 12 months`);
    /// empty when nothing changed or the ledger had none.
    pub fn adopt(&mut self, settings: BankSettings, how: AdoptSettings) -> Result<Vec<String>, BankError> {
        let before = self.settings().cloned();
        let changes = before
            .as_ref()
            .map(|before| differences(before, &settings))
            .unwrap_or_default();
        match how {
            AdoptSettings::Init(on) if before.is_none() => self.record_settings(settings, on)?,
            AdoptSettings::Use | AdoptSettings::Init(_) => self.use_settings(settings)?,
            AdoptSettings::From(from) => self.record_settings(settings, from)?,
        }
        Ok(changes)
    }

    /// A rulebook's `bank:` settings as a ledger keeps them: with the rulebook's
    /// language, so statements and refusals are worded in it. Without `bank:`, the
    /// `no-settings` refusal.
    pub fn settings_of(book: &Rulebook) -> Result<BankSettings, BankError> {
        let Some(mut settings) = book.bank.clone() else {
            return Err(BankError::new(
                ErrorKind::NoSettings,
                format!("the rulebook `{}` has no `bank:` section", book.id),
            ));
        };
        settings.lang = Some(lang_name(Lang::for_book(book)).to_owned());
        Ok(settings)
    }
}
