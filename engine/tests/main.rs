//! The Rust integration harness: one test binary (faster to link, one place to look).

mod bad_inputs;
mod bank;
mod conformance;
mod diagnostics;
mod invariants;
mod limits;
mod parallel;
mod postgres;
mod properties;
mod stream;
