"""Office data read as it is (DESIGN section 8.1): the example's spreadsheet and its
CSV twins, the two pandas traps, warnings for rejected records and unknown columns."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

import merit

OFFICE = Path(__file__).resolve().parents[3] / "examples" / "office"
BOOK = merit.Rulebook.load(OFFICE / "book.yaml")

SIMPLE = merit.Rulebook.from_yaml(
    """
fields: { hours: decimal?, verified: bool = false }
rules:
  - { id: hours, when: kind == "volunteer" and verified, points: hours * 10 }
"""
)


def quiet_score(book, records, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return book.score(records, **options)


def test_the_xlsx_and_both_csv_files_give_identical_reports():
    gbk = quiet_score(BOOK, OFFICE / "records-gbk.csv").to_json()
    assert quiet_score(BOOK, OFFICE / "records-utf8.csv").to_json() == gbk
    assert quiet_score(BOOK, str(OFFICE / "records.xlsx")).to_json() == gbk
    assert quiet_score(BOOK, OFFICE / "records.xlsx", sheet="活动记录").to_json() == gbk
    assert json.loads(gbk)["members"][1]["member"] == "张伟"


def test_a_frame_read_with_dtype_str_keeps_empty_cells_missing():
    csv = "member,kind,date,hours,verified\nm1,volunteer,2026-03-02,2,true\nm1,meeting,2026-03-03,,\n"
    frame = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
    assert frame["hours"].tolist() == ["2", ""]
    report = quiet_score(SIMPLE, frame)
    assert report.rejected == []
    assert report.totals == {"m1": 20}
    dicts = frame.to_dict("records")
    assert quiet_score(SIMPLE, dicts).to_json() == report.to_json()


def test_pandas_floats_for_a_bool_field_read_as_bools():
    lines = (
        '{"member":"m1","kind":"volunteer","date":"2026-03-02","hours":2,"verified":true}\n'
        '{"member":"m1","kind":"meeting","date":"2026-03-03"}\n'
        '{"member":"m2","kind":"volunteer","date":"2026-03-02","hours":1,"verified":false}\n'
    )
    frame = pd.read_json(io.StringIO(lines), lines=True)
    assert frame["verified"].dtype == "float64"
    report = quiet_score(SIMPLE, frame)
    assert report.rejected == []
    assert report.totals == {"m1": 20, "m2": 0}


def test_rejected_records_warn_and_strict_raises():
    rows = [{"member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": "three", "verified": True}]
    with pytest.warns(UserWarning, match=r"1 record\(s\) rejected .*record 1: field `hours`"):
        report = SIMPLE.score(rows)
    assert len(report.rejected) == 1
    with pytest.raises(merit.InputError, match="1 record"):
        SIMPLE.score(rows, strict=True)


def test_an_unknown_column_is_a_report_warning():
    rows = [{"member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": 2, "verifed": True}]
    with pytest.warns(UserWarning, match="did you mean `verified`"):
        report = SIMPLE.score(rows)
    assert report.warnings == [
        {
            "input": "<records>",
            "message": 'column "verifed" is not a field of the rulebook and is ignored; did you mean `verified`?',
        }
    ]
    with pytest.raises(merit.InputError, match="verifed"):
        SIMPLE.score(pd.DataFrame(rows), strict=True)
