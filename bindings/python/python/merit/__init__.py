"""merit: an exact, explainable rules-and-points engine.

Score records with a rulebook and read every point's explanation::

    import merit

    book = merit.Rulebook.load("rules/volunteer-hours.yaml")
    report = book.score("examples/data/volunteer.jsonl", as_of="2026-03-31")
    print(report.totals)

Records may be a list or iterable of dicts, a pandas DataFrame, a pyarrow
Table / RecordBatch / RecordBatchReader (or anything with the Arrow PyCapsule
interface, such as polars), or a path. Points are ``decimal.Decimal``; no float
ever touches a point: floats in records are read from their shortest text.
"""

from ._merit import Bank, Report, Rulebook, __version__, check
from ._types import (
    ArgumentError,
    BankError,
    Diagnostic,
    InputError,
    InternalError,
    MeritError,
    RulebookError,
)

__all__ = [
    "ArgumentError",
    "Bank",
    "BankError",
    "Diagnostic",
    "InputError",
    "InternalError",
    "MeritError",
    "Report",
    "Rulebook",
    "RulebookError",
    "__version__",
    "check",
]
