"""A path is scored as the engine decides for every front end (a JSONL or CSV file
streamed, anything else read whole, a name without an extension by its bytes): the
report is the one the same records give in memory."""

from __future__ import annotations

import json
from pathlib import Path

import merit

ROOT = Path(__file__).resolve().parents[3]
BOOK = ROOT / "rules" / "volunteer-hours.yaml"
JSONL = ROOT / "examples" / "data" / "volunteer.jsonl"


def rows():
    return [json.loads(line) for line in JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_path_gives_the_report_of_its_records_in_memory(tmp_path):
    book = merit.Rulebook.load(BOOK)
    in_memory = book.score(rows()).to_json()
    assert book.score(JSONL).to_json() == in_memory
    # Sorted by member: the engine streams it a chunk of members at a time.
    ordered = tmp_path / "sorted.jsonl"
    ordered.write_text("".join(json.dumps(r) + "\n" for r in sorted(rows(), key=lambda r: r["member"])))
    assert book.score(ordered).to_json() == in_memory
    # As a JSON document (read whole), and without an extension (its bytes say JSONL).
    document = tmp_path / "records.json"
    document.write_text(json.dumps(rows()))
    assert book.score(document).to_json() == in_memory
    bare = tmp_path / "records"
    bare.write_bytes(JSONL.read_bytes())
    assert book.score(bare).to_json() == in_memory


def test_an_unsorted_csv_path_gives_the_report_of_its_records_in_memory(tmp_path):
    book = merit.Rulebook.load(BOOK)
    records = rows()
    columns = ["id", "member", "kind", "date", "时长", "核实", "服务类型", "组织单位"]
    text = lambda v: "" if v is None else ("true" if v is True else "false" if v is False else str(v))
    lines = [",".join(columns)] + [",".join(text(r.get(c)) for c in columns) for r in records]
    # In date order, not member order: the engine keeps it as columns.
    path = tmp_path / "volunteer.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert book.score(path).to_json() == book.score(records).to_json()
