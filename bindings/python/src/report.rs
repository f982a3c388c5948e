//! `merit.Report`: the result of scoring, in the shape of DESIGN section 4.

use std::sync::Arc;

use merit::{Lang, explain_member};
use merit::{Report, Rulebook};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{self, decimal_type};
use crate::error::{self, Failure, guard};
use crate::to_python::to_python;

/// What :meth:`Rulebook.score` returns: immutable, and safe to share between threads.
///
/// >>> report = book.score([
/// ...     {"member": "m1", "kind": "volunteer", "date": "2026-03-14", "hours": 3.5},
/// ...     {"member": "m2", "kind": "volunteer", "date": "2026-03-15", "hours": "three"},
/// ... ])
/// >>> report
/// <merit.Report 'demo' 2026-03-14..2026-03-14 by month: 1 member, 1 rejected, 0 unmatched>
/// >>> report.rejected
/// [{'record': 2, 'id': None, 'error': 'field `hours`: expected decimal, got "three"'}]
#[pyclass(frozen, module = "merit", name = "Report")]
pub struct PyReport {
    report: Arc<Report>,
    book: Arc<Rulebook>,
}

impl PyReport {
    pub fn new(report: Report, book: Arc<Rulebook>) -> PyReport {
        PyReport {
            report: Arc::new(report),
            book,
        }
    }

    /// The report, shared (for `merit.Bank.post`).
    pub fn report(&self) -> Arc<Report> {
        Arc::clone(&self.report)
    }

    /// For each index window of the report, in rulebook then time order: the
    /// column name and each member's score and grade (`None` where it has none).
    #[allow(clippy::type_complexity)]
    fn index_columns(&self) -> Vec<(String, Vec<Option<String>>, Vec<Option<String>>)> {
        let mut columns = Vec::new();
        for index in self.book.indexes() {
            let mut windows: Vec<&str> = self
                .report
                .members
                .iter()
                .flat_map(|m| &m.indexes)
                .filter(|i| i.index == index.id)
                .map(|i| i.period.as_str())
                .collect();
            windows.sort_unstable();
            windows.dedup();
            for window in windows {
                let (scores, grades) = self
                    .report
                    .members
                    .iter()
                    .map(|m| {
                        let found = m
                            .indexes
                            .iter()
                            .find(|i| i.index == index.id && i.period == window);
                        (
                            found.map(|i| i.score.to_string()),
                            found.and_then(|i| i.grade.clone()),
                        )
                    })
                    .unzip();
                columns.push((format!("{} {window}", index.id), scores, grades));
            }
        }
        columns
    }

    /// (member, period, rule, points) columns, points as text.
    fn rows(&self) -> (Vec<&str>, Vec<&str>, Vec<&str>, Vec<String>) {
        let mut columns = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for member in &self.report.members {
            for period in &member.periods {
                for (rule, points) in &period.rules {
                    columns.0.push(member.member.as_str());
                    columns.1.push(period.period.as_str());
                    columns.2.push(rule.as_str());
                    columns.3.push(points.to_string());
                }
            }
        }
        columns
    }
}

#[pymethods]
impl PyReport {
    /// The report as JSON, byte for byte what ``merit score --format json`` prints.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let report = Arc::clone(&self.report);
        py.detach(move || guard(move || Ok(report.to_json())))
            .map_err(|f| f.into_py(py))
    }

    /// The report as plain Python data in its JSON shape, with points as
    /// ``decimal.Decimal`` and dates as ``datetime.date``.
    ///
    /// >>> report.to_dict()["members"][0]["periods"][0]["awards"][0]["points"]
    /// Decimal('35')
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &*self.report)
    }

    /// Two pandas DataFrames: one row per (member, period, rule) with ``points`` as
    /// ``Decimal`` (object dtype, exact), and one row per member with its ``total``
    /// and, for each index window in the report, its score (``"initial-mission
    /// 2026-Q1"``, ``Decimal``) and grade (``"initial-mission 2026-Q1 grade"``).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let totals: (Vec<&str>, Vec<String>) = self
            .report
            .members
            .iter()
            .map(|m| (m.member.as_str(), m.total.to_string()))
            .unzip();
        py.import("merit._frames")?
            .call_method1("to_pandas", (self.rows(), totals, self.index_columns()))
    }

    /// The members ranked (DESIGN section 8.5): ``by`` is ``"total"``,
    /// ``"rule:ID"`` or ``"index:ID"``; ``period`` a label (``"2026-03"``,
    /// ``"2026-Q1"``); ``top`` keeps ranks up to N, a tie at the cut kept whole.
    /// Standard competition ranking (1, 2, 2, 4), ties listed by member id; an index
    /// ranking carries each member's grade and veto. ``ArgumentError`` for a rule,
    /// index or label the rulebook does not know.
    ///
    /// >>> [(r["rank"], r["member"], r["points"]) for r in report.rank()["rows"]]
    /// [(1, 'm1', Decimal('35'))]
    #[pyo3(signature = (by = "total", **options))]
    fn rank<'py>(
        &self,
        py: Python<'py>,
        by: &str,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        // `period=` and `top=` (and any misspelling) are checked by the engine.
        let mut request = match options {
            Some(options) => convert::json_value(options.as_any())?,
            None => serde_json::Value::Object(serde_json::Map::new()),
        };
        request["by"] = serde_json::Value::from(by);
        let request = merit::RankRequest::from_value(request).map_err(|e| error::merit(py, e.into()))?;
        let ranking = guard(|| {
            Ok(request
                .options()
                .and_then(|options| merit::rank(&self.book, &self.report, &options)))
        })
        .map_err(|f: Failure| f.into_py(py))?
        .map_err(|e| error::merit(py, e.into()))?;
        to_python(py, &ranking)
    }

    /// A pyarrow Table with one row per (member, period, rule): ``member``,
    /// ``period``, ``rule`` (strings) and ``points`` as ``decimal128(38, s)`` where
    /// ``s`` is the rulebook's ``unit.decimals``: exact, no float.
    fn to_arrow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("merit._frames")?
            .call_method1("to_arrow", (self.rows(), self.book.unit.decimals))
    }

    /// One member's awards told as sentences (``lang``: ``"en"`` or ``"zh"``; by
    /// default the rulebook title's language). ``KeyError`` for a member without
    /// records in the report.
    ///
    /// >>> print(report.explain("m1", lang="en"))
    /// Member m1: 35 points in total
    /// <BLANKLINE>
    /// 2026-03: 35 points
    ///   2026-03-14 hours: 35 points — hours=3.5 * 10 = 35 [record 1]
    /// <BLANKLINE>
    #[pyo3(signature = (member, lang = None))]
    fn explain(&self, py: Python<'_>, member: &str, lang: Option<&str>) -> PyResult<String> {
        let lang = match lang {
            None => Lang::for_book(&self.book),
            Some(name) => merit::parse_lang(name).map_err(|e| error::merit(py, e.into()))?,
        };
        let text = guard(|| Ok(explain_member(&self.book, &self.report, member, lang)))
            .map_err(|f: Failure| f.into_py(py))?;
        text.ok_or_else(|| PyKeyError::new_err(format!("member `{member}` has no records in this report")))
    }

    /// Records that could not be read: ``{"record": n, "id": …, "error": …}``.
    #[getter]
    fn rejected<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.report.rejected)
    }

    /// What the inputs said that is probably not what was meant (a column that is no
    /// field, naming the closest), as dicts with ``input`` and ``message``.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.report.warnings)
    }

    /// How many valid records no rule matched.
    #[getter]
    fn unmatched(&self) -> u64 {
        self.report.unmatched
    }

    /// The ids of the members in the report, sorted.
    #[getter]
    fn members(&self) -> Vec<&str> {
        self.report.members.iter().map(|m| m.member.as_str()).collect()
    }

    /// ``{member: total}`` with totals as ``Decimal``.
    #[getter]
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let totals = PyDict::new(py);
        let decimal = decimal_type(py)?;
        for m in &self.report.members {
            totals.set_item(&m.member, decimal.call1((m.total.to_string(),))?)?;
        }
        Ok(totals)
    }

    /// One member's part of :meth:`to_dict`, or ``None``.
    fn member<'py>(&self, py: Python<'py>, member: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(row) = self.report.member(member) else {
            return Ok(None);
        };
        to_python(py, row).map(Some)
    }

    /// The period of the rows: ``"month"``, ``"quarter"``, …
    #[getter]
    fn period(&self) -> &str {
        &self.report.period
    }

    #[getter]
    fn start<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::date_value(py, self.report.range.from)
    }

    #[getter]
    fn end<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::date_value(py, self.report.range.to)
    }

    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::date_value(py, self.report.as_of)
    }

    fn __len__(&self) -> usize {
        self.report.members.len()
    }

    fn __repr__(&self) -> String {
        let r = &*self.report;
        let range = match (r.range.from, r.range.to) {
            (Some(from), Some(to)) => format!(" {from}..{to}"),
            _ => String::new(),
        };
        let n = r.members.len();
        format!(
            "<merit.Report '{}'{range} by {}: {n} member{}, {} rejected, {} unmatched>",
            r.rulebook.id,
            r.period,
            if n == 1 { "" } else { "s" },
            r.rejected.len(),
            r.unmatched
        )
    }
}
