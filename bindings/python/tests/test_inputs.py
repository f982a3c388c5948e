"""Every kind of records input gives the same report as the same records in a file."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pandas as pd
import pytest

import merit

ROWS = [
    {"id": "r1", "member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": "8", "verified": True},
    {"id": "r2", "member": "m1", "kind": "volunteer", "date": "2026-03-03", "hours": "3.5", "verified": True},
    {"id": "r3", "member": "m2", "kind": "volunteer", "date": "2026-03-03", "hours": "0.1", "verified": True},
    {"id": "r4", "member": "m2", "kind": "meeting", "date": "2026-04-01"},
    {"id": "r5", "member": "m3", "kind": "volunteer", "date": "2026-04-09", "hours": "9", "verified": False},
]


def typed_rows():
    """The rows with Python types: Decimal hours, date objects."""
    out = []
    for row in ROWS:
        row = dict(row)
        row["date"] = dt.date.fromisoformat(row["date"])
        if "hours" in row:
            row["hours"] = Decimal(row["hours"])
        out.append(row)
    return out


@pytest.fixture
def expected(book, tmp_path: Path) -> str:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    return book.score(path).to_json()


def test_list_of_dicts(book, expected):
    assert book.score(ROWS).to_json() == expected
    assert book.score(typed_rows()).to_json() == expected


def test_any_iterable(book, expected):
    assert book.score(row for row in ROWS).to_json() == expected
    assert book.score(tuple(ROWS)).to_json() == expected


def test_floats_ints_and_datetimes(book, expected):
    rows = typed_rows()
    for row in rows:
        if "hours" in row:
            row["hours"] = float(row["hours"]) if "." in str(row["hours"]) else int(row["hours"])
        row["date"] = dt.datetime.combine(row["date"], dt.time(9, 30))
    assert book.score(rows).to_json() == expected


def test_aware_datetimes_are_local_dates_in_the_rulebook_time_zone(book):
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.timezone.utc)  # 1 April in Shanghai
    report = book.score([{"member": "m1", "kind": "volunteer", "date": late, "hours": 1, "verified": True}])
    assert report.to_dict()["members"][0]["periods"][0]["period"] == "2026-04"
    table = pa.table({"member": ["m1"], "kind": ["volunteer"], "date": pa.array([late], pa.timestamp("s", "UTC")),
                      "hours": [1], "verified": [True]})
    assert book.score(table).to_json() == report.to_json()


def arrow_table() -> pa.Table:
    rows = typed_rows()
    return pa.Table.from_pylist(rows)


def test_pyarrow_table_batch_and_reader(book, expected):
    table = arrow_table()
    assert book.score(table).to_json() == expected
    assert book.score(table.to_batches(max_chunksize=2)[0].slice(0, 0)).members == []
    batch = table.combine_chunks().to_batches()[0]
    assert book.score(batch).to_json() == expected
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=2))
    assert book.score(reader).to_json() == expected


def test_arrow_types(book, expected):
    table = pa.table(
        {
            "id": pa.array([r["id"] for r in ROWS]).dictionary_encode(),
            "member": pa.array([r["member"] for r in ROWS], pa.large_string()),
            "kind": pa.array([r["kind"] for r in ROWS], pa.string_view()),
            "date": pa.array([dt.date.fromisoformat(r["date"]) for r in ROWS], pa.date32()),
            "hours": pa.array([Decimal(r["hours"]) if "hours" in r else None for r in ROWS], pa.decimal128(5, 2)),
            "verified": pa.array([r.get("verified") for r in ROWS], pa.bool_()),
        }
    )
    report = book.score(table)
    assert report.to_json() == expected


def test_arrow_rejections_name_the_field(book):
    table = pa.table({"member": ["m1", None], "kind": ["volunteer", "volunteer"],
                      "date": ["2026-03-02", "2026-03-02"], "hours": ["three", "1"]})
    assert book.score(table).rejected == [
        {"record": 1, "id": None, "error": 'field `hours`: expected decimal, got "three"'},
        {"record": 2, "id": None, "error": "missing `member`"},
    ]


def test_pandas_dataframe(book, expected):
    frame = pd.DataFrame(typed_rows())
    assert book.score(frame).to_json() == expected


def test_pandas_without_pyarrow_goes_row_by_row(book, expected, monkeypatch):
    frame = pd.DataFrame(typed_rows())
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` now fails
    assert book.score(frame).to_json() == expected


def test_path_str_and_pathlike(book, expected, tmp_path: Path):
    path = tmp_path / "march.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    assert book.score(str(path)).to_json() == expected
    assert book.score(path).to_json() == expected
    csv = tmp_path / "march.csv"
    pd.DataFrame(ROWS).to_csv(csv, index=False)
    assert book.score(csv).to_json() == expected


def test_members_as_dict_rows_frame_and_path(tmp_path: Path):
    book = merit.Rulebook.from_yaml(
        "rules:\n  - { id: r, when: member.role == \"secretary\", points: 5 }\n", "roles.yaml"
    )
    records = [{"member": "m1", "kind": "k", "date": "2026-03-02"}, {"member": "m2", "kind": "k", "date": "2026-03-02"}]
    profiles = {"m1": {"role": "secretary"}, "m2": {"role": "member"}}
    rows = [{"member": k, **v} for k, v in profiles.items()]
    path = tmp_path / "members.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    reports = [book.score(records, members=m) for m in (profiles, rows, pd.DataFrame(rows), pa.Table.from_pylist(rows), path)]
    assert {r.to_json() for r in reports} == {reports[0].to_json()}
    assert reports[0].totals == {"m1": Decimal("5"), "m2": Decimal("0")} or reports[0].totals["m1"] == Decimal("5")
