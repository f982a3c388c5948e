//! The Rust integration harness: one test binary (faster to link, one place to look).

mod bad_inputs;
mod bank;
mod bank_ledger;
mod bank_settings;
mod conformance;
mod diagnostics;
mod embedding;
mod errors;
mod hostile;
mod invariants;
mod json_schema;
mod layers;
mod limits;
mod packs;
mod parallel;
mod postgres;
mod properties;
mod publish;
mod rank;
mod sentences;
mod stream;
mod stream_input;
