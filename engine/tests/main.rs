//! The Rust integration harness: one test binary (faster to link, one place to look).

mod bank;
mod conformance;
mod diagnostics;
mod invariants;
mod parallel;
