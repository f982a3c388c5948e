//! `merit.Bank`: the moral-bank ledger (SQLite file or in memory), a thin shell over
//! `merit::Bank`. Every operation runs with the GIL released; results come back
//! as dicts with decimals as `decimal.Decimal` and dates as `datetime.date`.

use std::sync::Mutex;

use jiff::civil::Date;
use merit::{Bank, BankError, LedgerHead, Redeem};
use pyo3::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::convert::date_option;
use crate::error::{Failure, argument, class, guard};
use crate::report::PyReport;
use crate::rulebook::PyRulebook;
use crate::to_python::to_python;

/// A moral bank: exact, double-entry credits earned from awards and redeemed at
/// partner shops. ``Bank.open(path)`` uses an existing SQLite file (``create=True``
/// makes a missing one);
/// ``Bank.in_memory()`` keeps everything in memory (previews, tests).
///
/// >>> bank = merit.Bank.in_memory()
/// >>> bank.balance("m1")
/// Decimal('0')
#[pyclass(name = "Bank", module = "merit", frozen)]
pub struct PyBank {
    // `Bank` is `Send` but not `Sync`: one operation at a time.
    bank: Mutex<Bank>,
}

fn bank_error(py: Python<'_>, error: &BankError) -> PyErr {
    match class(py, "BankError").and_then(|c| c.call1((error.to_string(), error.kind.code()))) {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

fn today(py: Python<'_>, value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Date> {
    match date_option(name, value)? {
        Some(date) => Ok(date),
        None => {
            // The engine never reads a clock; the binding supplies today, like the CLI.
            let today = crate::convert::date_type(py)?
                .call_method0("today")?
                .call_method0("isoformat")?;
            today
                .extract::<String>()?
                .parse()
                .map_err(|_| argument(py, "cannot read today's date"))
        }
    }
}

fn decimal(py: Python<'_>, value: &Bound<'_, PyAny>, name: &str) -> PyResult<Decimal> {
    let text = value.str()?.to_string();
    text.parse()
        .map_err(|_| argument(py, format!("{name}: `{text}` is not a decimal")))
}

impl PyBank {
    /// Runs `f` on the bank without the GIL; a refusal becomes `merit.BankError`.
    fn run<'py, T: Serialize + Send>(
        &self,
        py: Python<'py>,
        f: impl FnOnce(&mut Bank) -> Result<T, BankError> + Send,
    ) -> PyResult<Bound<'py, PyAny>> {
        let outcome = py.detach(|| {
            guard(|| {
                let mut bank = self.bank.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                Ok(f(&mut bank))
            })
        });
        match outcome.map_err(|f: Failure| f.into_py(py))? {
            Ok(value) => to_python(py, &value),
            Err(error) => Err(bank_error(py, &error)),
        }
    }
}

#[pymethods]
impl PyBank {
    /// Opens a bank: a ``postgres://`` URL (one ledger for many offices), or an
    /// SQLite file; a missing file is an error (code ``no-bank``) unless
    /// ``create=True``.
    #[staticmethod]
    #[pyo3(signature = (path, *, create = false))]
    fn open(py: Python<'_>, path: std::path::PathBuf, create: bool) -> PyResult<PyBank> {
        let bank = py
            .detach(|| {
                if create {
                    Bank::create_location(&path)
                } else {
                    Bank::open_location(&path)
                }
            })
            .map_err(|e| bank_error(py, &e))?;
        Ok(PyBank {
            bank: Mutex::new(bank),
        })
    }

    /// A bank kept in memory.
    #[staticmethod]
    fn in_memory() -> PyBank {
        PyBank {
            bank: Mutex::new(Bank::in_memory()),
        }
    }

    /// Makes the ledger's credits from the rulebook equal the report's awards (per
    /// member, rule and award date, within the report's range), booked on ``date``
    /// (default today); posting the same report again changes nothing.
    #[pyo3(signature = (book, report, *, date = None))]
    fn post<'py>(
        &self,
        py: Python<'py>,
        book: &PyRulebook,
        report: &PyReport,
        date: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let on = today(py, date, "date")?;
        let (book, report) = (std::sync::Arc::clone(&book.book), report.report());
        // A rulebook without `bank:` is the engine's `no-settings` refusal.
        self.run(py, move |bank| bank.post(&book, &report, on))
    }

    /// Records the rulebook's ``bank:`` settings as the ledger's from ``date`` on
    /// (the CLI's ``bank settings BOOK --from DATE``): credits earned before keep the
    /// expiry they were earned under. Returns what changed, in words
    /// (``["expire_after: 24 months → 12 months"]``; empty when nothing did).
    #[pyo3(signature = (book, *, date))]
    fn record_settings<'py>(
        &self,
        py: Python<'py>,
        book: &PyRulebook,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let from = today(py, Some(date), "date")?;
        let book = std::sync::Arc::clone(&book.book);
        self.run(py, move |bank| {
            bank.adopt(Bank::settings_of(&book)?, merit::AdoptSettings::From(from))
        })
    }

    /// Every award whose credits in the ledger differ from the report's; nothing
    /// is posted.
    fn reconcile<'py>(
        &self,
        py: Python<'py>,
        book: &PyRulebook,
        report: &PyReport,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (book, report) = (std::sync::Arc::clone(&book.book), report.report());
        self.run(py, move |bank| bank.reconcile(&book, &report))
    }

    /// Redeems a catalog ``item`` or an ``amount`` once per ``key``; refused (a
    /// ``merit.BankError`` with code ``insufficient-credits``) when the balance is short.
    #[pyo3(signature = (member, *, key, item = None, amount = None, date = None))]
    fn redeem<'py>(
        &self,
        py: Python<'py>,
        member: &str,
        key: &str,
        item: Option<&str>,
        amount: Option<&Bound<'py, PyAny>>,
        date: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let what = match (item, amount) {
            (Some(item), None) => Redeem::Item(item.to_owned()),
            (None, Some(amount)) => Redeem::Amount(decimal(py, amount, "amount")?),
            _ => return Err(argument(py, "give exactly one of `item` and `amount`")),
        };
        let date = today(py, date, "date")?;
        self.run(py, move |bank| bank.redeem(member, &what, key, date))
    }

    /// Gives ``amount`` credits from one member to another, once per ``key``.
    #[pyo3(signature = (giver, receiver, amount, *, key, date = None, note = None))]
    #[allow(clippy::too_many_arguments)]
    fn transfer<'py>(
        &self,
        py: Python<'py>,
        giver: &str,
        receiver: &str,
        amount: &Bound<'py, PyAny>,
        key: &str,
        date: Option<&Bound<'py, PyAny>>,
        note: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let amount = decimal(py, amount, "amount")?;
        let date = today(py, date, "date")?;
        self.run(py, move |bank| {
            bank.transfer(giver, receiver, amount, key, date, note)
        })
    }

    /// Reverses transaction ``txn`` (refused if a balance would go negative).
    #[pyo3(signature = (txn, reason, *, date = None))]
    fn reverse<'py>(
        &self,
        py: Python<'py>,
        txn: u64,
        reason: &str,
        date: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let date = today(py, date, "date")?;
        self.run(py, move |bank| bank.reverse(txn, reason, date))
    }

    /// Expires the credits older than ``bank.expire_after`` as of ``as_of``.
    fn expire<'py>(&self, py: Python<'py>, as_of: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let as_of = today(py, Some(as_of), "as_of")?;
        self.run(py, move |bank| bank.expire(as_of))
    }

    /// A member's balance, as ``decimal.Decimal``.
    fn balance<'py>(&self, py: Python<'py>, member: &str) -> PyResult<Bound<'py, PyAny>> {
        let balance = self.run(py, move |bank| bank.balance(member).map(|d| d.to_string()))?;
        crate::convert::decimal_type(py)?.call1((balance,))
    }

    /// Every movement of a member's credits between ``start`` and ``end``, with the
    /// opening and closing balance.
    #[pyo3(signature = (member, *, start = None, end = None))]
    fn statement<'py>(
        &self,
        py: Python<'py>,
        member: &str,
        start: Option<&Bound<'py, PyAny>>,
        end: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (start, end) = (date_option("start", start)?, date_option("end", end)?);
        self.run(py, move |bank| bank.statement(member, start, end))
    }

    /// Checks every invariant of the ledger and its hash chain; ``result["problems"]``
    /// is empty when it holds. With ``head`` (``"COUNT:HASH"`` as :meth:`head` gave
    /// it earlier), also proves the first COUNT transactions unchanged.
    #[pyo3(signature = (*, head = None))]
    fn verify<'py>(&self, py: Python<'py>, head: Option<String>) -> PyResult<Bound<'py, PyAny>> {
        let head: Option<LedgerHead> = head
            .map(|h| h.parse())
            .transpose()
            .map_err(|e: String| argument(py, e))?;
        self.run(py, move |bank| match &head {
            Some(head) => bank.verify_head(head),
            None => bank.verify(),
        })
    }

    /// The ledger's head, ``"COUNT:HASH"``: what an office posts on its notice board.
    fn head<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.run(py, |bank| bank.head().map(|h| h.to_string()))
    }
}
