#!/usr/bin/env python3
"""Writes examples/data/volunteer.csv: the same records as volunteer.jsonl, as the
spreadsheet export a community office would send (a header row, one record per
row, `是/否` style booleans spelled true/false, empty cells for missing values).

Deterministic: the CSV is a pure function of volunteer.jsonl (stdlib only).

    python3 examples/python/export_csv.py
"""

import csv
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
COLUMNS = ["id", "member", "kind", "date", "时长", "核实", "服务类型", "组织单位"]


def main() -> None:
    rows = [json.loads(line) for line in (DATA / "volunteer.jsonl").read_text().splitlines() if line.strip()]
    with open(DATA / "volunteer.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            cells = []
            for column in COLUMNS:
                value = row.get(column)
                if value is None:
                    cells.append("")
                elif isinstance(value, bool):
                    cells.append("true" if value else "false")
                else:
                    cells.append(str(value))
            writer.writerow(cells)
    print(f"wrote {DATA / 'volunteer.csv'} ({len(rows)} records)")


if __name__ == "__main__":
    main()
