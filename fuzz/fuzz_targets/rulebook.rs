//! The rulebook loader: any text loads or gives diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let _ = merit::Rulebook::check(source, "fuzz.yaml");
});
