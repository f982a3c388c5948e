//! `Bank::adopt`: a rulebook's `bank:` settings meeting the ledger's, each branch the
//! front ends rely on (no stored settings, the same, different; used, recorded at
//! init, recorded from a date), checked against what a reopened SQLite file keeps.

use jiff::civil::date;
use merit::AdoptSettings;
use merit::Rulebook;
use merit::{Bank, BankErrorKind};

fn book(expire: &str, title: &str) -> Rulebook {
    let yaml = format!(
        "id: deeds\ntitle: {title}\nunit: {{ name: points, decimals: 1 }}\nrules:\n  - {{ id: help, tags: [bank], points: 1 }}\nbank:\n  earn: {{ tags: [bank], rate: 1 }}\n  expire_after: {expire}\n"
    );
    Rulebook::from_yaml(&yaml, "deeds.yaml").unwrap()
}

fn settings(expire: &str) -> merit::BankSettings {
    Bank::settings_of(&book(expire, "Deeds")).unwrap()
}

/// A fresh SQLite ledger in a folder of its own, removed when the ledger is dropped.
struct Ledger(tempfile::TempDir);

impl Ledger {
    fn new(name: &str) -> Ledger {
        let dir = tempfile::Builder::new()
            .prefix(&format!("merit-adopt-{name}-"))
            .tempdir()
            .unwrap();
        let ledger = Ledger(dir);
        drop(Bank::create(ledger.path()).unwrap());
        ledger
    }
    fn path(&self) -> std::path::PathBuf {
        self.0.path().join("bank.db")
    }
    fn open(&self) -> Bank {
        Bank::open(self.path()).unwrap()
    }
}

#[test]
fn use_on_a_ledger_without_settings_uses_them_and_stores_nothing() {
    let ledger = Ledger::new("use-none");
    let mut bank = ledger.open();
    assert_eq!(
        bank.adopt(settings("60 days"), AdoptSettings::Use).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(bank.settings(), Some(&settings("60 days")));
    assert_eq!(ledger.open().settings(), None);
}

#[test]
fn init_records_on_a_new_ledger_and_checks_an_existing_one() {
    let ledger = Ledger::new("init");
    let changes = ledger
        .open()
        .adopt(settings("60 days"), AdoptSettings::Init(date(2026, 3, 1)))
        .unwrap();
    assert!(changes.is_empty());
    let mut bank = ledger.open();
    assert_eq!(bank.settings(), Some(&settings("60 days")));
    assert_eq!(bank.history().versions[0].from, None);
    // The same settings again: nothing recorded, nothing changed.
    bank.adopt(settings("60 days"), AdoptSettings::Init(date(2026, 4, 1)))
        .unwrap();
    assert_eq!(ledger.open().history().versions.len(), 1);
    // Different settings: refused, naming what differs; the ledger keeps its own.
    let refused = bank
        .adopt(settings("30 days"), AdoptSettings::Init(date(2026, 4, 1)))
        .unwrap_err();
    assert_eq!(refused.kind, BankErrorKind::SettingsDiffer);
    assert!(
        refused.message.contains("expire_after: 60 days → 30 days"),
        "{}",
        refused.message
    );
    assert_eq!(ledger.open().settings(), Some(&settings("60 days")));
}

#[test]
fn use_refuses_settings_that_differ_from_the_ledgers() {
    let ledger = Ledger::new("use-differ");
    let mut bank = ledger.open();
    bank.adopt(settings("60 days"), AdoptSettings::Init(date(2026, 3, 1)))
        .unwrap();
    assert!(
        bank.adopt(settings("60 days"), AdoptSettings::Use)
            .unwrap()
            .is_empty()
    );
    let refused = bank.adopt(settings("30 days"), AdoptSettings::Use).unwrap_err();
    assert_eq!(refused.kind, BankErrorKind::SettingsDiffer);
    assert_eq!(bank.settings(), Some(&settings("60 days")));
}

#[test]
fn from_records_a_change_and_says_what_changed() {
    let ledger = Ledger::new("from");
    let mut bank = ledger.open();
    // No settings before: recorded from the start, nothing to compare with.
    assert!(
        bank.adopt(settings("60 days"), AdoptSettings::From(date(2026, 3, 1)))
            .unwrap()
            .is_empty()
    );
    let changes = bank
        .adopt(settings("30 days"), AdoptSettings::From(date(2026, 4, 1)))
        .unwrap();
    assert_eq!(changes, ["expire_after: 60 days → 30 days"]);
    let history = ledger.open().history().clone();
    assert_eq!(history.versions.len(), 2);
    assert_eq!(history.versions[1].from, Some(date(2026, 4, 1)));
    // The same settings again: recorded as a version, but nothing changed.
    assert!(
        bank.adopt(settings("30 days"), AdoptSettings::From(date(2026, 5, 1)))
            .unwrap()
            .is_empty()
    );
    // A change dated on or before the latest is refused, and not recorded.
    let refused = bank
        .adopt(settings("90 days"), AdoptSettings::From(date(2026, 5, 1)))
        .unwrap_err();
    assert_eq!(refused.kind, BankErrorKind::Backdated);
    assert_eq!(ledger.open().history().versions.len(), 3);
}

#[test]
fn settings_of_carries_the_rulebooks_language() {
    let zh = Bank::settings_of(&book("60 days", "道德银行")).unwrap();
    assert_eq!(zh.lang.as_deref(), Some("zh"));
    assert_eq!(settings("60 days").lang.as_deref(), Some("en"));
    let plain = Rulebook::from_yaml("rules:\n  - { id: x, points: 1 }\n", "x.yaml").unwrap();
    assert_eq!(
        Bank::settings_of(&plain).unwrap_err().kind,
        BankErrorKind::NoSettings
    );
}
