//! Bounds on one call of a script rule, kept apart from the rhai engine so that a
//! rulebook's limits have the same type in builds without scripts (feature
//! `script` off: the WebAssembly package's lean build).

use std::time::Duration;

/// Bounds on what one script call may do; the defaults suit any real rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptLimits {
    /// Most rhai operations per call.
    pub max_operations: u64,
    /// Deepest call nesting.
    pub max_call_levels: usize,
    /// Longest string, in bytes.
    pub max_string_size: usize,
    /// Most array items.
    pub max_array_size: usize,
    /// Most map entries.
    pub max_map_size: usize,
    /// Deepest expression nesting.
    pub max_expr_depth: usize,
    /// Wall-clock budget of one call: the operations budget alone let one call
    /// copy 60 KB strings or grow curried closures for minutes. Not applied on
    /// wasm32, which has no clock (the operations budget still is).
    pub max_time: Duration,
    /// Awards one call may make: each award is kept and reported.
    pub max_awards: usize,
    /// Awards of one call times the records of its window: each award cites the
    /// window's records, so this bounds what one call adds to a report.
    pub max_award_records: usize,
}

impl Default for ScriptLimits {
    fn default() -> Self {
        ScriptLimits {
            max_operations: 1_000_000,
            max_call_levels: 32,
            max_string_size: 64 * 1024,
            max_array_size: 1_000_000,
            max_map_size: 10_000,
            max_expr_depth: 64,
            max_time: Duration::from_secs(1),
            max_awards: 10_000,
            max_award_records: 1_000_000,
        }
    }
}
