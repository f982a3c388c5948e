"""Every conformance case in tests/cases/, compared with the same reduction as the
Rust suite (engine/tests/conformance.rs), read from files and from Python data."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import merit
from conftest import Case, all_cases, mismatch

CASES = all_cases()


def score(case: Case, records) -> merit.Report:
    book = merit.Rulebook.load(case.dir / "book.yaml")
    members = case.dir / case.members if case.members else None
    return book.score(records, members=members, **case.options)


def check(case: Case, report: merit.Report) -> None:
    expected = json.loads((case.dir / "expected.json").read_text())
    actual = json.loads(report.to_json())
    problem = mismatch(expected, actual, case.name)
    assert problem is None, problem


def test_there_are_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_from_files(case: Case):
    (records,) = case.records  # every case has one record file today
    check(case, score(case, case.dir / records))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_from_dicts(case: Case):
    """The same records as Python dicts (numbers as Decimal), where the file is JSONL
    of one object per line: the report must be byte-identical to the file's."""
    (name,) = case.records
    path = case.dir / name
    if not name.endswith(".jsonl"):
        pytest.skip("records are not JSONL")
    rows = []
    for line in path.read_text().split("\n"):
        if not line.strip():
            continue
        try:
            row = json.loads(line, parse_float=Decimal)
        except ValueError:
            pytest.skip("a line is not JSON (the case tests rejection of raw text)")
        rows.append(row)
    if len(rows) != len([line for line in path.read_text().split("\n") if line.strip()]) or any(
        not line.strip() for line in path.read_text().rstrip("\n").split("\n")
    ):
        pytest.skip("blank lines shift positions")
    from_dicts = score(case, rows)
    check(case, from_dicts)
    assert from_dicts.to_json() == score(case, path).to_json()
