//! `merit.Rulebook`: loading, checking and scoring.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use merit::{Format, Members, Records, Report, Rulebook, ScoreOptions, StreamError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::arrow::{self, Batches};
use crate::convert;
use crate::error::{self, Failure, argument, guard, type_error};
use crate::report::PyReport;

/// A loaded rulebook: immutable, and safe to share between threads.
///
/// >>> import merit
/// >>> book = merit.Rulebook.from_yaml('''
/// ... id: demo
/// ... fields: { hours: decimal? }
/// ... rules:
/// ...   - { id: hours, when: kind == "volunteer", points: hours * 10 }
/// ... ''')
/// >>> book
/// <merit.Rulebook 'demo' (1 rule)>
/// >>> report = book.score([{"member": "m1", "kind": "volunteer", "date": "2026-03-14", "hours": "3.5"}])
/// >>> report.totals
/// {'m1': Decimal('35')}
#[pyclass(frozen, module = "merit", name = "Rulebook")]
pub struct PyRulebook {
    pub book: Arc<Rulebook>,
}

/// Where records (or member profiles) come from, decided while holding the GIL.
enum Input {
    /// Text already in memory (a list of dicts written as JSON lines).
    Bytes(Vec<u8>, Format, String),
    /// A file; its format `None` when its first bytes decide.
    Path(PathBuf, Option<Format>),
    Arrow(Batches),
}

impl Input {
    /// The report of these records. A file is scored as the engine decides for
    /// every front end ([`merit::stream_input`]): a JSONL or CSV file streamed, so
    /// that only its report is held, anything else read whole.
    fn score(
        self,
        book: &Rulebook,
        sheet: Option<String>,
        options: &ScoreOptions,
        members: Option<&Members>,
    ) -> Result<Report, Failure> {
        let mut records = Records::new().with_sheet(sheet);
        let (bytes, format, name) = match self {
            Input::Bytes(bytes, format, name) => (bytes, format, name),
            Input::Path(path, format) => match score_file(book, &path, format, options, members)? {
                Ok(report) => return Ok(report),
                Err((bytes, format)) => (bytes, format, path.display().to_string()),
            },
            Input::Arrow(batches) => {
                let source = "<arrow>".to_owned();
                records
                    .read_arrow(book, batches, &source)
                    .map_err(|error| Failure::Input { source, error })?;
                return Ok(book.score(&records, members, options));
            }
        };
        records
            .read(book, &bytes, format, &name)
            .map_err(|error| Failure::Input { source: name, error })?;
        Ok(book.score(&records, members, options))
    }

    fn members(self) -> Result<Members, Failure> {
        let (bytes, format, name) = match self {
            Input::Bytes(bytes, format, name) => (bytes, format, name),
            Input::Path(path, format) => match std::fs::read(&path) {
                Ok(bytes) => {
                    let format = format.unwrap_or_else(|| Format::sniff(&bytes));
                    (bytes, format, path.display().to_string())
                }
                Err(error) => return Err(Failure::Io { path, error }),
            },
            Input::Arrow(_) => unreachable!("member tables are converted to rows first"),
        };
        Members::read(&bytes, format).map_err(|error| Failure::Input { source: name, error })
    }
}

/// A file's report when the engine streams it, else its bytes and format to read
/// whole (`format` `None`: its first bytes decide).
fn score_file(
    book: &Rulebook,
    path: &Path,
    format: Option<Format>,
    options: &ScoreOptions,
    members: Option<&Members>,
) -> Result<Result<Report, (Vec<u8>, Format)>, Failure> {
    let io = |error| Failure::Io {
        path: path.to_owned(),
        error,
    };
    let mut file = File::open(path).map_err(io)?;
    let format = match format {
        Some(format) => format,
        None => {
            let mut head = Vec::new();
            (&mut file)
                .take(Format::SNIFF_BYTES as u64)
                .read_to_end(&mut head)
                .map_err(io)?;
            file.rewind().map_err(io)?;
            Format::sniff(&head)
        }
    };
    let name = path.display().to_string();
    match merit::stream_input(book, &mut file, format, &name, options, members) {
        Ok(mut stream) => merit::collect_report(&mut *stream)
            .map(Ok)
            .map_err(|error| match error {
                StreamError::Input(error) => Failure::Input { source: name, error },
                StreamError::Write(error) => io(error),
                error => io(std::io::Error::other(error.to_string())),
            }),
        Err(file) => {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(io)?;
            Ok(Err((bytes, format)))
        }
    }
}

/// A path argument: `str` or `os.PathLike`.
fn path_of(value: &Bound<'_, PyAny>) -> PyResult<Option<PathBuf>> {
    if value.is_instance_of::<PyString>() || value.hasattr("__fspath__")? {
        return Ok(Some(value.extract::<PathBuf>()?));
    }
    Ok(None)
}

/// The format a path's name says; `None` when its first bytes decide (no
/// extension): the engine's rule ([`Format::by_name`]), as for the CLI's files.
fn named_format(py: Python<'_>, path: &Path) -> PyResult<Option<Format>> {
    Format::by_name(&path.to_string_lossy()).map_err(|e| argument(py, format!("{}: {e}", path.display())))
}

fn is_pandas(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let ty = value.get_type();
    Ok(ty.module()?.to_cow()?.starts_with("pandas") && ty.name()?.to_cow()? == "DataFrame")
}

/// Records in any form Python holds them; `format` (the `format=` option) says how
/// a path is read when its extension does not.
fn records_input(value: &Bound<'_, PyAny>, format: Option<Format>) -> PyResult<Input> {
    let py = value.py();
    if let Some(path) = path_of(value)? {
        let format = match format {
            Some(format) => Some(format),
            None => named_format(py, &path)?,
        };
        return Ok(Input::Path(path, format));
    }
    if is_pandas(value)? {
        let converted = py
            .import("merit._inputs")?
            .call_method1("from_pandas", (value,))?;
        return records_input(&converted, format);
    }
    if arrow::is_arrow(value)? {
        return Ok(Input::Arrow(arrow::batches(value)?));
    }
    if value.is_instance_of::<PyDict>() {
        return Err(type_error(
            "records must be an iterable of dicts, a DataFrame, an Arrow table or a path, not a dict \
             (member profiles go in members=)",
        ));
    }
    if value.is_instance_of::<pyo3::types::PyBytes>() || value.try_iter().is_err() {
        return Err(type_error(format!(
            "records must be an iterable of dicts, a DataFrame, an Arrow table or a path, got {}",
            value.get_type().name()?
        )));
    }
    let mut bytes = Vec::new();
    convert::jsonl(value, &mut bytes)?;
    Ok(Input::Bytes(bytes, Format::Jsonl, "<records>".to_owned()))
}

fn members_input(value: &Bound<'_, PyAny>, format: Option<Format>) -> PyResult<Input> {
    let py = value.py();
    if let Some(path) = path_of(value)? {
        // Member profiles without a known extension are read as JSONL, as before.
        let format = format
            .or_else(|| Format::from_path(&path.to_string_lossy()))
            .unwrap_or(Format::Jsonl);
        return Ok(Input::Path(path, Some(format)));
    }
    let mut bytes = Vec::new();
    if let Ok(dict) = value.cast::<PyDict>() {
        convert::members_jsonl(dict, &mut bytes)?;
    } else if is_pandas(value)? || arrow::is_arrow(value)? {
        let rows = py
            .import("merit._inputs")?
            .call_method1("member_rows", (value,))?;
        convert::jsonl(&rows, &mut bytes)?;
    } else if value.try_iter().is_ok() && !value.is_instance_of::<pyo3::types::PyBytes>() {
        convert::jsonl(value, &mut bytes)?;
    } else {
        return Err(type_error(format!(
            "members must be a dict of dicts, an iterable of dicts with a `member` key, a DataFrame, \
             an Arrow table or a path, got {}",
            value.get_type().name()?
        )));
    }
    Ok(Input::Bytes(bytes, Format::Jsonl, "<members>".to_owned()))
}

impl PyRulebook {
    /// A loaded rulebook, or its diagnostics as a `RulebookError`.
    fn loaded(py: Python<'_>, loaded: Result<Rulebook, merit::RulebookError>) -> PyResult<PyRulebook> {
        match loaded {
            Ok(book) => Ok(PyRulebook { book: Arc::new(book) }),
            Err(error) => Err(error::rulebook(py, &error)),
        }
    }
}

#[pymethods]
impl PyRulebook {
    /// Loads a rulebook from a YAML file. Its ``script_file:`` entries are read from
    /// the rulebook's own folder (never from outside it), as the CLI reads them.
    ///
    /// Raises :class:`merit.RulebookError` (with every diagnostic) when it does not
    /// load, and ``OSError`` when the file cannot be read.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<PyRulebook> {
        let text = std::fs::read(&path).map_err(|e| error::io(&path, &e))?;
        let text = String::from_utf8(text).map_err(|e| {
            argument(
                py,
                format!(
                    "{} is not UTF-8 text (byte {})",
                    path.display(),
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        let name = path.display().to_string();
        let folder = path.parent().unwrap_or(Path::new(""));
        let loaded = py.detach(|| guard(|| Ok(Rulebook::loader().folder(folder).load(&text, &name))));
        PyRulebook::loaded(py, loaded.map_err(|f| f.into_py(py))?)
    }

    /// Loads a rulebook from YAML text; ``name`` is how diagnostics refer to it.
    ///
    /// >>> merit.Rulebook.from_yaml("rules:\n  - { id: x, points: hour * 10 }\n", "book.yaml")
    /// Traceback (most recent call last):
    /// ...
    /// merit.RulebookError: [unknown-name] Error: book.yaml:2:22: rule `x`: `points`: unknown name `hour`
    /// ...
    #[staticmethod]
    #[pyo3(signature = (text, name = "<string>"))]
    fn from_yaml(py: Python<'_>, text: &str, name: &str) -> PyResult<PyRulebook> {
        let loaded = py.detach(|| guard(|| Ok(Rulebook::from_yaml(text, name))));
        PyRulebook::loaded(py, loaded.map_err(|f| f.into_py(py))?)
    }

    /// The rulebook's warnings (a loaded rulebook has no errors), as
    /// :class:`merit.Diagnostic` objects.
    ///
    /// >>> book.check()
    /// []
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        error::diagnostics(py, &self.book.warnings)
    }

    /// Runs the rulebook's own ``tests:``: a list of dicts with ``name``, ``passed``
    /// and ``failures`` (what was expected and what was found, one line each).
    ///
    /// >>> book.test()
    /// []
    fn test<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let book = Arc::clone(&self.book);
        let results = py
            .detach(move || guard(move || Ok(book.run_tests())))
            .map_err(|f| f.into_py(py))?;
        crate::to_python::to_python(py, &results)
    }

    /// Scores records and returns a :class:`merit.Report`.
    ///
    /// ``records`` may be a list or any iterable of dicts, a pandas DataFrame, a
    /// pyarrow Table / RecordBatch / RecordBatchReader or anything with the Arrow
    /// PyCapsule interface (polars), or the path of a ``.jsonl``, ``.json``, ``.csv``
    /// or ``.yaml`` file. Numbers in dicts may be ``int``, ``Decimal``, ``str`` or
    /// ``float``; a float is read from its shortest text (``0.1`` is exactly 0.1),
    /// never through binary arithmetic. Dates may be ``datetime.date``,
    /// ``datetime.datetime`` (an aware one is mapped to its local date in the
    /// rulebook's time zone) or ISO text.
    ///
    /// ``start``/``end`` bound the reported range, ``as_of`` is the day the report
    /// is made (dates or ``"YYYY-MM-DD"``), ``period`` the period of its rows
    /// (``day``, ``week``, ``month``, ``quarter``, ``year``), ``lang`` the language of
    /// the explanations (``"zh"`` or ``"en"``; Chinese for rulebooks with Chinese
    /// titles by default); ``why_not=True`` adds ``unscored`` to each member: the
    /// records that earned nothing, and why. ``members`` gives
    /// member profiles: a dict ``{member: {attribute: value}}``, rows with a
    /// ``member`` key in any of the record forms, or a path.
    ///
    /// A spreadsheet path (``.xlsx``, ``.xls``, ``.ods``) is read from its first
    /// sheet, or from ``sheet``. The rulebook's ``input:`` section (column aliases,
    /// date forms, boolean words, units, trimming, encoding) applies to every form,
    /// and an empty string is a missing value in every form.
    ///
    /// Records that cannot be read are listed in ``report.rejected``, and columns
    /// that are no field in ``report.warnings``; either makes ``score`` call
    /// ``warnings.warn``, and with ``strict=True`` raise :class:`merit.InputError`
    /// instead. An input that cannot be read at all raises
    /// :class:`merit.InputError`. The GIL is released while reading and scoring.
    ///
    /// >>> report = book.score([{"member": "m1", "kind": "volunteer", "date": "2026-03-14", "hours": 0.1}],
    /// ...                     period="quarter")
    /// >>> report.to_dict()["members"][0]["periods"][0]["rules"]
    /// {'hours': Decimal('1')}
    #[pyo3(signature = (records, **options))]
    fn score(
        &self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyReport> {
        let (scoring, members) = convert::score_request(py, options)?;
        let input = records_input(records, scoring.format)?;
        let members = members
            .map(|m| members_input(&m, scoring.members_format))
            .transpose()?;
        let book = Arc::clone(&self.book);
        let (options, sheet) = (scoring.options, scoring.sheet);
        let report = py.detach(move || {
            guard(move || {
                let members = members.map(Input::members).transpose()?;
                input.score(&book, sheet, &options, members.as_ref())
            })
        });
        let report = report.map_err(|f| f.into_py(py))?;
        error::rejected_records(py, &report, scoring.strict)?;
        Ok(PyReport::new(report, Arc::clone(&self.book)))
    }

    /// The rulebook's `id`.
    #[getter]
    fn id(&self) -> &str {
        &self.book.id
    }

    #[getter]
    fn version(&self) -> &str {
        &self.book.version
    }

    #[getter]
    fn title(&self) -> Option<&str> {
        self.book.title.as_deref()
    }

    /// The name diagnostics use (the path it was loaded from, or ``name=``).
    #[getter]
    fn name(&self) -> &str {
        &self.book.name
    }

    /// ``sha256:…`` of the rulebook text, as reports quote it.
    #[getter]
    fn digest(&self) -> &str {
        &self.book.digest
    }

    /// The ids of the rules, in order.
    #[getter]
    fn rules(&self) -> Vec<String> {
        self.book.rules().map(|r| r.id.to_owned()).collect()
    }

    /// The YAML text the rulebook was loaded from.
    #[getter]
    fn source(&self) -> &str {
        &self.book.source
    }

    fn __repr__(&self) -> String {
        let n = self.book.rules().len();
        format!(
            "<merit.Rulebook '{}' ({n} rule{})>",
            self.book.id,
            if n == 1 { "" } else { "s" }
        )
    }
}

/// Every diagnostic of a rulebook's text, errors and warnings, without raising.
///
/// >>> [d.code for d in merit.check("rules:\n  - { id: x, points: hour * 10 }\n")]
/// ['unknown-name']
#[pyfunction]
#[pyo3(signature = (text, name = "<string>"))]
pub fn check<'py>(py: Python<'py>, text: &str, name: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let found = py.detach(|| guard(|| Ok(Rulebook::check(text, name))));
    error::diagnostics(py, &found.map_err(|f| f.into_py(py))?)
}
