//! The `merit._merit` extension module: registration only. Conversions live in
//! `convert.rs` (Python → engine), `to_python.rs` (engine → Python) and `arrow.rs`
//! (the Arrow PyCapsule interface), error mapping
//! in `error.rs`, one file per class. Every decision is made in the engine.

mod arrow;
mod bank;
mod convert;
mod error;
mod report;
mod rulebook;
mod to_python;

use pyo3::prelude::*;

/// mimalloc for the extension's own allocations (Python's are its own): a report
/// frees a few strings per award, and with glibc's allocator inside the Python
/// process its `malloc_consolidate` and `unlink_chunk` alone were 14% of scoring a
/// pyarrow Table (bench/RESULTS.md). polars' wheel makes the same choice.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
fn _merit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<rulebook::PyRulebook>()?;
    m.add_class::<report::PyReport>()?;
    m.add_class::<bank::PyBank>()?;
    m.add_function(wrap_pyfunction!(rulebook::check, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
