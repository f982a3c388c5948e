"""The data and exception types merit hands to Python.

Exceptions all derive from :class:`MeritError`; those about bad input are also
``ValueError`` so that code catching ``ValueError`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

__all__ = [
    "Diagnostic",
    "MeritError",
    "RulebookError",
    "InputError",
    "ArgumentError",
    "InternalError",
    "BankError",
]


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a rulebook, located in its text.

    ``code`` is stable (``unknown-field``); ``message`` may be reworded between
    versions. ``line`` and ``column`` are 1-based (columns count characters);
    ``span`` is the byte range in the rulebook text.
    """

    code: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    span: Tuple[int, int]
    label: Optional[str] = None
    help: Optional[str] = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}[{self.code}]: {self.message}"


class MeritError(Exception):
    """Base class of every error merit raises. ``code`` is stable (the engine's:
    ``bad-period``, ``unreadable-input``, ``insufficient-credits``, …); the message
    may be reworded between versions."""

    code: str = "merit"


class RulebookError(MeritError, ValueError):
    """A rulebook that does not load.

    ``str(error)`` is the located, caret-underlined text ``merit check`` prints;
    ``error.diagnostics`` holds every problem as a :class:`Diagnostic`.
    """

    code = "rulebook"

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


class InputError(MeritError, ValueError):
    """A whole input that cannot be read (a CSV without a header, JSON that does not
    parse, an Arrow table without a ``member`` column). Single bad records are not
    errors: they are listed in ``report.rejected``."""

    def __init__(
        self,
        message: str,
        source: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        code: str = "unreadable-input",
    ) -> None:
        super().__init__(message)
        self.source = source
        self.line = line
        self.column = column
        self.code = code


class ArgumentError(MeritError, ValueError):
    """An argument with a value merit cannot use (``period="fortnight"``: code
    ``bad-period``); ``code`` is ``argument`` when no finer one applies."""

    def __init__(self, message: str, code: str = "argument") -> None:
        super().__init__(message)
        self.code = code


class InternalError(MeritError, RuntimeError):
    """A bug in merit, caught at the boundary instead of crashing Python. Please
    report it with the message."""

    code = "internal"


# Shown as `merit.RulebookError` in tracebacks, where users import them from.
for _cls in (Diagnostic, MeritError, RulebookError, InputError, ArgumentError, InternalError):
    _cls.__module__ = "merit"
del _cls


class BankError(MeritError, ValueError):
    """A bank operation refused or failed; ``code`` is stable: ``insufficient-credits``,
    ``key-reused``, ``unknown-item``, ``unknown-transaction``, ``not-reversible``,
    ``invalid-amount``, ``no-settings``, ``wrong-rulebook``, ``unknown-member``,
    ``settings-differ``, ``backdated``, ``no-bank``, ``damaged``, ``read-only`` or
    ``storage``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code
