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

#[pymodule]
fn _merit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<rulebook::PyRulebook>()?;
    m.add_class::<report::PyReport>()?;
    m.add_class::<bank::PyBank>()?;
    m.add_function(wrap_pyfunction!(rulebook::check, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
