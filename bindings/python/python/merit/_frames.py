"""Report rows as pandas frames and Arrow tables. Called by ``Report.to_pandas``
and ``Report.to_arrow``; not part of the public API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple


def _decimals(values: List[str]) -> List[Decimal]:
    return [Decimal(v) for v in values]


def to_pandas(
    rows: Tuple[List[str], List[str], List[str], List[str]],
    totals: Tuple[List[str], List[str]],
    indexes: List[Tuple[str, List[Optional[str]], List[Optional[str]]]],
) -> Any:
    import pandas as pd

    members, periods, rules, points = rows
    frame = pd.DataFrame(
        {"member": members, "period": periods, "rule": rules, "points": _decimals(points)},
        columns=["member", "period", "rule", "points"],
    )
    columns: Dict[str, List[Any]] = {"member": totals[0], "total": _decimals(totals[1])}
    for name, scores, grades in indexes:
        columns[name] = [None if s is None else Decimal(s) for s in scores]
        columns[name + " grade"] = grades
    total = pd.DataFrame(columns, columns=list(columns))
    return frame, total


def to_arrow(rows: Tuple[List[str], List[str], List[str], List[str]], scale: int) -> Any:
    import pyarrow as pa

    members, periods, rules, points = rows
    return pa.table(
        {
            "member": pa.array(members, pa.string()),
            "period": pa.array(periods, pa.string()),
            "rule": pa.array(rules, pa.string()),
            "points": pa.array(_decimals(points), pa.decimal128(38, scale)),
        }
    )
