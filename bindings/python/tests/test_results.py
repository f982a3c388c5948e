"""Rankings and index grades from Python (DESIGN section 8.5): the engine's
ranking, the same as ``merit rank`` prints, and index scores in ``to_pandas()``."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

import merit
from conftest import ROOT

BOOK = ROOT / "rules" / "initial-mission-index.yaml"
DATA = ROOT / "examples" / "data" / "mission.jsonl"
MEMBERS = ROOT / "examples" / "data" / "members.jsonl"

TIES = """
id: ties
unit: { name: points, decimals: 1 }
fields: { hours: decimal? }
rules:
  - { id: hours, when: kind == "v", points: hours * 10 }
indexes:
  - id: mission
    per: quarter
    dimensions: [{ id: hours, weight: 1, rules: [hours], full: 50 }]
    grades: [{ min: 90, label: A }, { label: B }]
    veto: [{ when: count(kind == "violation") > 0, grade: B, reason: veto }]
"""


def ties_report() -> merit.Report:
    book = merit.Rulebook.from_yaml(TIES)
    return book.score(
        [
            {"member": "c", "kind": "v", "date": "2026-03-01", "hours": 5},
            {"member": "a", "kind": "v", "date": "2026-03-02", "hours": 5},
            {"member": "a", "kind": "violation", "date": "2026-03-03"},
            {"member": "b", "kind": "v", "date": "2026-03-02", "hours": 2},
            {"member": "d", "kind": "v", "date": "2026-03-02", "hours": 1},
        ]
    )


def test_rank_ties_top_and_index_veto():
    report = ties_report()
    rows = report.rank()["rows"]
    assert [(r["rank"], r["member"], r["points"]) for r in rows] == [
        (1, "a", Decimal("50.0")),
        (1, "c", Decimal("50.0")),
        (3, "b", Decimal("20.0")),
        (4, "d", Decimal("10.0")),
    ]
    assert [r["member"] for r in report.rank(top=1)["rows"]] == ["a", "c"]
    index = report.rank("index:mission")
    assert index["period"] == "2026-Q1"
    a, c = index["rows"][:2]
    assert (a["rank"], a["grade"], a["veto"]) == (1, "B", {"reason": "veto", "grade": "B"})
    assert (c["rank"], c["grade"], c["veto"]) == (1, "A", None)
    with pytest.raises(merit.ArgumentError, match="did you mean `hours`"):
        report.rank("rule:hour")
    with pytest.raises(merit.ArgumentError, match="not a period label"):
        report.rank(period="March")


def test_rank_is_what_the_cli_prints(cli: Path):
    args = ["--by", "index:initial-mission", "--period", "2026-Q2", "--top", "10"]
    printed = subprocess.run(
        [cli, "rank", BOOK, DATA, "--members", MEMBERS, "--format", "json", *args], capture_output=True, text=True
    ).stdout
    report = merit.Rulebook.load(BOOK).score(DATA, members=MEMBERS)
    ranking = report.rank("index:initial-mission", period="2026-Q2", top=10)
    expected = json.loads(printed)
    assert [(r["rank"], r["member"], Decimal(r["points"]), r["grade"]) for r in expected["rows"]] == [
        (r["rank"], r["member"], r["points"], r["grade"]) for r in ranking["rows"]
    ]


def test_index_scores_and_grades_are_in_the_pandas_totals():
    report = ties_report()
    _, totals = report.to_pandas()
    assert list(totals.columns) == ["member", "total", "mission 2026-Q1", "mission 2026-Q1 grade"]
    a = totals[totals["member"] == "a"].iloc[0]
    assert a["mission 2026-Q1"] == Decimal("100.0") and a["mission 2026-Q1 grade"] == "B"
