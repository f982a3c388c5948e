//! Whole evaluation: the input is a rulebook, a line `%%`, then JSONL records.
#![no_main]

use libfuzzer_sys::fuzz_target;
use merit::{Format, Records, Rulebook, ScoreOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (book, records) = text.split_once("\n%%\n").unwrap_or((&text, ""));
    let Ok(book) = Rulebook::from_yaml(book, "fuzz.yaml") else { return };
    let mut input = Records::new();
    if input.read(&book, records.as_bytes(), Format::Jsonl, "fuzz.jsonl").is_err() {
        return;
    }
    let report = book.score(&input, None, &ScoreOptions::default());
    let _ = report.to_json();
});
