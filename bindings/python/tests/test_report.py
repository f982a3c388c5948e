"""The report's views: JSON byte-identical to the CLI, dicts, frames, Arrow."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

import merit
from conftest import ROOT

BOOK = ROOT / "rules" / "volunteer-hours.yaml"
DATA = ROOT / "examples" / "data" / "volunteer.jsonl"


def test_to_json_is_byte_identical_to_the_cli(cli: Path):
    args = ["--from", "2026-01-01", "--to", "2026-06-30", "--as-of", "2026-05-15"]
    cli_json = subprocess.run(
        [cli, "score", BOOK, DATA, "--format", "json", *args], capture_output=True, text=True
    ).stdout
    report = merit.Rulebook.load(BOOK).score(DATA, start="2026-01-01", end=dt.date(2026, 6, 30), as_of="2026-05-15")
    assert report.to_json() == cli_json
    quarter = subprocess.run(
        [cli, "score", BOOK, DATA, "--format", "json", "--period", "quarter"], capture_output=True, text=True
    ).stdout
    assert merit.Rulebook.load(BOOK).score(DATA, period="quarter").to_json() == quarter


def test_explain_is_the_cli_text(cli: Path):
    # `--explain` asks for why-nots too: the same report has them with why_not=True.
    report = merit.Rulebook.load(BOOK).score(DATA, why_not=True)
    member = report.members[0]
    text = subprocess.run([cli, "score", BOOK, DATA, "--explain", member], capture_output=True, text=True).stdout
    assert report.explain(member) == text


def test_to_dict_has_decimals_and_dates():
    report = merit.Rulebook.load(BOOK).score(DATA, as_of="2026-05-15")
    data = report.to_dict()
    assert data["as_of"] == dt.date(2026, 5, 15)
    assert isinstance(data["range"]["from"], dt.date)
    member = data["members"][0]
    assert isinstance(member["total"], Decimal)
    period = member["periods"][0]
    assert all(isinstance(v, Decimal) for v in period["rules"].values())
    award = period["awards"][0]
    assert isinstance(award["points"], Decimal) and isinstance(award["date"], dt.date)
    assert isinstance(award["records"], list) and isinstance(award["provisional"], bool)
    assert isinstance(data["unmatched"], int) and data["unmatched"] == report.unmatched
    assert report.member(member["member"]) == member and report.member("nobody") is None
    withheld = [a["withheld"] for m in data["members"] for p in m["periods"] for a in p["awards"] if a["withheld"]]
    assert withheld and isinstance(withheld[0]["points"], Decimal)


def test_pandas_and_arrow_frames():
    report = merit.Rulebook.load(BOOK).score(DATA)
    rows, totals = report.to_pandas()
    assert list(rows.columns) == ["member", "period", "rule", "points"]
    assert list(totals.columns) == ["member", "total"]
    assert len(totals) == len(report.members)
    assert sum(rows["points"], Decimal(0)) == sum(report.totals.values(), Decimal(0))
    assert dict(zip(totals["member"], totals["total"])) == report.totals
    table = report.to_arrow()
    assert table.schema.field("points").type == pa.decimal128(38, 1)
    assert sum(table.column("points").to_pylist(), Decimal(0)) == sum(report.totals.values(), Decimal(0))


def test_repr_and_conveniences():
    book = merit.Rulebook.load(BOOK)
    assert repr(book) == "<merit.Rulebook 'volunteer-hours' (3 rules)>"
    report = book.score(DATA)
    assert repr(report).startswith("<merit.Report 'volunteer-hours' 2026-01-01..2026-12-31 by month: 120 members")
    assert len(report) == len(report.members) == 120
    assert report.members == sorted(report.members)
    assert report.period == "month" and report.rejected == []


def test_explanations_follow_lang():
    book = merit.Rulebook.from_yaml(
        'fields: { hours: decimal? }\nrules:\n  - { id: v, when: kind == "v", points: hours * 10 }\n', "book.yaml"
    )
    records = [{"member": "m1", "kind": "v", "date": "2026-03-02"}]
    award = lambda lang: book.score(records, lang=lang).to_dict()["members"][0]["periods"][0]["awards"][0]
    assert award("en")["explain"] == "hours=null * 10 = null → 0 (`hours` missing)"
    assert award("zh")["explain"] == "hours=null * 10 = null → 0（缺少 `hours`）"
    with pytest.raises(merit.ArgumentError):
        book.score(records, lang="fr")


def test_why_not_adds_unscored_records_with_reasons():
    book = merit.Rulebook.load(BOOK)
    plain = book.score(DATA).to_dict()
    assert all("unscored" not in m for m in plain["members"])
    asked = book.score(DATA, why_not=True).to_dict()
    unscored = [u for m in asked["members"] for u in m["unscored"]]
    assert unscored, "the example data has records that earned nothing"
    assert all(set(u) == {"record", "date", "reasons"} for u in unscored)
