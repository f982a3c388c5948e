use pyo3::prelude::*;

#[pymodule]
fn _merit(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
