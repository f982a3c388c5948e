"""Inputs that are easier to normalise in Python: pandas frames and member tables.

Called by the extension; not part of the public API.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterator, List


def _missing(value: Any) -> bool:
    """NaN, NaT and pandas.NA are how pandas spells a missing cell."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is what handed us the value
        return False


def _rows(frame: Any) -> Iterator[Dict[str, Any]]:
    for row in frame.to_dict("records"):
        yield {str(k): v for k, v in row.items() if not _missing(v)}


def from_pandas(frame: Any) -> Any:
    """A pandas DataFrame as a pyarrow Table (read column-wise by merit) when pyarrow
    is installed, otherwise as dicts without their missing cells."""
    try:
        import pyarrow as pa
    except ImportError:
        return _rows(frame)
    return pa.Table.from_pandas(frame, preserve_index=False)


def member_rows(table: Any) -> List[Dict[str, Any]]:
    """Member profiles from a pandas frame or an Arrow table, as dicts."""
    module = type(table).__module__
    if module.startswith("pandas"):
        return list(_rows(table))
    import pyarrow as pa

    return [{k: v for k, v in row.items() if v is not None} for row in pa.table(table).to_pylist()]
