"""Points are exact: no float ever touches one."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pandas as pd

import merit

BOOK = merit.Rulebook.from_yaml(
    "unit: { name: points, decimals: 4 }\nfields: { hours: decimal? }\nrules:\n  - { id: h, points: hours * 3 }\n",
    "exact.yaml",
)


def points(report):
    return [a["points"] for m in report.to_dict()["members"] for p in m["periods"] for a in p["awards"]]


def rows(values):
    return [{"member": "m1", "kind": "k", "date": "2026-03-02", "hours": v} for v in values]


def test_decimal_stays_exact():
    assert points(BOOK.score(rows([Decimal("0.3")]))) == [Decimal("0.9000")]
    assert BOOK.score(rows([Decimal("0.1")] * 3)).totals == {"m1": Decimal("0.9000")}


def test_floats_are_read_from_their_shortest_text():
    report = BOOK.score(rows([0.1, 0.2, 1e-4, 2.675]))
    assert points(report) == [Decimal("0.3000"), Decimal("0.6000"), Decimal("0.0003"), Decimal("8.0250")]
    assert "hours=0.1" in report.to_dict()["members"][0]["periods"][0]["awards"][0]["explain"]


def test_arrow_and_pandas_floats_are_exact_too():
    expected = BOOK.score(rows([0.1, 0.2])).to_json()
    table = pa.table({"member": ["m1", "m1"], "kind": ["k", "k"], "date": ["2026-03-02"] * 2, "hours": [0.1, 0.2]})
    assert BOOK.score(table).to_json() == expected
    assert BOOK.score(table.cast(table.schema.set(3, pa.field("hours", pa.float32())))).to_json() == expected
    assert BOOK.score(pd.DataFrame(rows([0.1, 0.2]))).to_json() == expected


def test_non_finite_numbers_are_rejected():
    report = BOOK.score(rows([float("nan"), Decimal("Infinity")]))
    assert [r["error"] for r in report.rejected] == [
        'field `hours`: expected decimal, got "nan"',
        'field `hours`: expected decimal, got "Infinity"',
    ]
