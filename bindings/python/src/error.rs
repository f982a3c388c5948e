//! Every failure becomes a Python exception of `merit`'s own hierarchy (defined in
//! `python/merit/_types.py`, so that they can also derive from `ValueError`), and no
//! panic ever crosses into Python: engine calls run under [`guard`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use merit::{Diagnostic, InputError, RulebookError};
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A class of `merit._types`.
pub fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("merit._types")?.getattr(name)
}

/// Raises `merit.<name>(args…)`, or whatever went wrong building it.
fn raise<'py>(py: Python<'py>, name: &str, args: impl pyo3::call::PyCallArgs<'py>) -> PyErr {
    match class(py, name).and_then(|c| c.call1(args)) {
        Ok(error) => PyErr::from_value(error),
        Err(error) => error,
    }
}

pub fn diagnostic<'py>(py: Python<'py>, d: &Diagnostic) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", d.code)?;
    kwargs.set_item(
        "severity",
        if d.severity == merit::Severity::Error {
            "error"
        } else {
            "warning"
        },
    )?;
    kwargs.set_item("message", &d.message)?;
    kwargs.set_item("file", &d.file)?;
    kwargs.set_item("line", d.line)?;
    kwargs.set_item("column", d.column)?;
    kwargs.set_item("span", (d.span.start, d.span.end))?;
    kwargs.set_item("label", d.label.as_deref())?;
    kwargs.set_item("help", d.help.as_deref())?;
    class(py, "Diagnostic")?.call((), Some(&kwargs))
}

pub fn diagnostics<'py>(py: Python<'py>, list: &[Diagnostic]) -> PyResult<Vec<Bound<'py, PyAny>>> {
    list.iter().map(|d| diagnostic(py, d)).collect()
}

/// `merit.RulebookError`: `str()` is the CLI's caret text, without colour.
pub fn rulebook(py: Python<'_>, error: &RulebookError) -> PyErr {
    match diagnostics(py, &error.diagnostics) {
        Ok(list) => raise(py, "RulebookError", (error.to_string(), list)),
        Err(e) => e,
    }
}

/// `merit.InputError` for a whole input that cannot be read, named like the CLI does.
pub fn input(py: Python<'_>, source: &str, error: &InputError) -> PyErr {
    raise(
        py,
        "InputError",
        (
            format!("{source}: {error}"),
            source,
            error.line,
            error.column,
            error.code(),
        ),
    )
}

/// The engine's one error as `merit`'s exception for its stage, `.code` set to
/// the engine's code: a refused request or ranking is an `ArgumentError`.
pub fn merit(py: Python<'_>, error: merit::Error) -> PyErr {
    match &error {
        merit::Error::Rulebook(e) => rulebook(py, e),
        merit::Error::Input { input: source, error } => input(py, source, error),
        merit::Error::Bank(e) => raise(py, "BankError", (e.to_string(), e.code())),
        _ => raise(py, "ArgumentError", (error.to_string(), error.code())),
    }
}

/// Nothing lost silently: a report with rejected records or input warnings makes
/// `score` call `warnings.warn` (saying how many, and the first), or, with
/// `strict=True`, raise `merit.InputError`.
pub fn rejected_records(py: Python<'_>, report: &merit::Report, strict: bool) -> PyResult<()> {
    let Some(message) = merit::input_problems(report) else {
        return Ok(());
    };
    if strict {
        return Err(raise(
            py,
            "InputError",
            (
                message,
                Option::<String>::None,
                Option::<u64>::None,
                Option::<u64>::None,
                "strict",
            ),
        ));
    }
    let category = py.import("builtins")?.getattr("UserWarning")?;
    py.import("warnings")?
        .call_method1("warn", (message, category, 2))?;
    Ok(())
}

/// `merit.ArgumentError`: a value merit cannot use.
pub fn argument(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, "ArgumentError", (message.into(),))
}

pub fn type_error(message: impl Into<String>) -> PyErr {
    PyTypeError::new_err(message.into())
}

/// The OSError subclass Python would raise, with the path in the message.
pub fn io(path: &std::path::Path, error: &std::io::Error) -> PyErr {
    let message = format!("cannot read {}: {error}", path.display());
    match error.kind() {
        std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
        std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
        _ => PyOSError::new_err(message),
    }
}

/// A failure inside the engine, carried out of a GIL-free section and turned into a
/// Python exception once the GIL is held again.
pub enum Failure {
    Input {
        source: String,
        error: InputError,
    },
    Io {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    Panic(String),
}

impl Failure {
    pub fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Input { source, error } => input(py, &source, &error),
            Failure::Io { path, error } => io(&path, &error),
            Failure::Panic(message) => internal(py, &message),
        }
    }
}

pub fn internal(py: Python<'_>, message: &str) -> PyErr {
    raise(
        py,
        "InternalError",
        (format!(
            "merit failed unexpectedly ({message}); this is a bug in merit, please report it"
        ),),
    )
}

/// Runs `f`, turning a panic into [`Failure::Panic`] with its message.
pub fn guard<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        Err(Failure::Panic(message))
    })
}
