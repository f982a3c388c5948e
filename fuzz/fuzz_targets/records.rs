//! The record readers (JSONL, CSV, JSON) over a fixed rulebook: bytes are read or rejected.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use merit::{Format, Records, Rulebook};

static BOOK: LazyLock<Rulebook> = LazyLock::new(|| {
    Rulebook::from_yaml(include_str!("../../rules/volunteer-hours.yaml"), "volunteer-hours.yaml")
        .expect("the shipped rulebook loads")
});

fuzz_target!(|data: &[u8]| {
    for format in [Format::Jsonl, Format::Csv, Format::Json, Format::Yaml] {
        let mut records = Records::new();
        if let Ok(read) = records.read(&BOOK, data, format, "fuzz") {
            assert!(records.len() <= read);
        }
    }
});
