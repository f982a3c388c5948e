#!/usr/bin/env python3
"""Python benchmark: merit from Python next to the native engine and Python peers.

Workload (the same as bench/src/workload.rs): N records (default 1,000,000) over
10,000 members and the 12 months of 2026, 95% volunteering, 93% of it verified;
rule `kind == "volunteer" and verified` → `min(hours, 8) * 10`, month cap 200.
The data is generated deterministically with numpy (fixed seed).

Contenders, each timed as the median of --reps runs after a warm-up:
- native: `merit score BOOK data.csv --format csv` (release CLI binary, end to end:
  reading the CSV, scoring, writing the report);
- merit from Python: a pyarrow Table, a pandas DataFrame, a list of dicts;
- a plain pandas groupby implementation of the same capped scoring;
- the `zen-engine` package evaluating the per-record rule as a decision table
  (on a --zen-subset of records, scaled to N; its points are checked against the
  rule's).
Every contender's per-member totals must agree before the table is printed.

Setup (from the repository root):
    pip install -r bench/python/requirements.txt      # into .venv
    (cd bindings/python && maturin develop --release)
    cargo build --release -p merit-cli
    python bench/python/bench.py [--records N] [--reps N] [--zen-subset N]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

import merit

ROOT = Path(__file__).resolve().parents[2]
BOOK = (ROOT / "bench" / "volunteer-capped.yaml").read_text(encoding="utf-8")
HOURS_TENTHS = np.array([10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 80, 95])


def generate(n: int, members: int) -> pd.DataFrame:
    rng = np.random.default_rng(20260101)
    member = rng.integers(0, members, n)
    frame = pd.DataFrame(
        {
            "id": np.char.add("r", np.arange(1, n + 1).astype(str)),
            "member": np.char.add("m", np.char.zfill(member.astype(str), 5)),
            "kind": np.where(rng.integers(0, 100, n) < 95, "volunteer", "meeting"),
            "date": np.datetime64("2026-01-01") + rng.integers(0, 365, n).astype("timedelta64[D]"),
            "hours_tenths": HOURS_TENTHS[rng.integers(0, len(HOURS_TENTHS), n)],
            "verified": rng.integers(0, 100, n) < 93,
        }
    )
    return frame


def measure(reps: int, run):
    result = run()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def totals_tenths(totals: dict) -> dict:
    return {m: int(t * 10) for m, t in totals.items() if t}


def pandas_groupby(frame: pd.DataFrame) -> dict:
    """The same capped scoring with pandas: points in tenths (exact integers), the
    month cap applied in record order (date, then input order)."""
    ok = frame[(frame["kind"] == "volunteer") & frame["verified"]]
    points = np.minimum(ok["hours_tenths"].to_numpy(), 80) * 10  # tenths of a point
    work = pd.DataFrame({"member": ok["member"].to_numpy(), "date": ok["date"].to_numpy(), "points": points})
    work["month"] = work["date"].dt.month
    work = work.sort_values("date", kind="stable")
    before = work.groupby(["member", "month"])["points"].cumsum() - work["points"]
    work["awarded"] = np.clip(2000 - before, 0, work["points"])
    return {m: int(t) for m, t in work.groupby("member")["awarded"].sum().items() if t}


ZEN_DECISION = {
    "nodes": [
        {"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
        {
            "id": "table",
            "type": "decisionTableNode",
            "name": "volunteer-hours",
            "position": {"x": 200, "y": 0},
            "content": {
                "hitPolicy": "first",
                "inputs": [
                    {"id": "kind", "name": "kind", "field": "kind"},
                    {"id": "verified", "name": "verified", "field": "verified"},
                ],
                "outputs": [{"id": "points", "name": "points", "field": "points"}],
                "rules": [
                    {"_id": "r1", "kind": '"volunteer"', "verified": "true", "points": "min([hours, 8]) * 10"},
                    {"_id": "r2", "kind": "", "verified": "", "points": "0"},
                ],
            },
        },
        {"id": "out", "type": "outputNode", "name": "response", "position": {"x": 400, "y": 0}},
    ],
    "edges": [
        {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
        {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
    ],
}


def zen_points(rows: list) -> list:
    import zen

    decision = zen.ZenEngine().create_decision(json.dumps(ZEN_DECISION))
    return [decision.evaluate(row)["result"]["points"] for row in rows]


def native(cli: Path, book: Path, data: Path) -> dict:
    out = subprocess.run([cli, "score", book, data, "--format", "csv"], capture_output=True, check=False)
    totals: dict = {}
    for row in csv.DictReader(io.StringIO(out.stdout.decode())):
        if row["rule"] == "total":  # the CSV report adds a total row per period
            continue
        totals[row["member"]] = totals.get(row["member"], Decimal(0)) + Decimal(row["points"])
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description="merit Python benchmark")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--zen-subset", type=int, default=20_000)
    parser.add_argument("--cli", type=Path, default=ROOT / "target" / "release" / "merit")
    args = parser.parse_args()
    n = args.records

    print(f"generating {n} records over {args.members} members…", file=sys.stderr)
    frame = generate(n, args.members)
    hours = frame["hours_tenths"] / 10  # float hours, as a spreadsheet has them
    records = pd.DataFrame(
        {"id": frame["id"], "member": frame["member"], "kind": frame["kind"],
         "date": frame["date"].dt.date, "hours": hours, "verified": frame["verified"]}
    )
    table = pa.table(
        {
            "id": pa.array(frame["id"]),
            "member": pa.array(frame["member"]),
            "kind": pa.array(frame["kind"]),
            "date": pa.array(frame["date"].to_numpy().astype("datetime64[D]"), pa.date32()),
            # Exact hours: decimal128 at one place, as an Arrow pipeline would keep them.
            "hours": pa.array([Decimal(int(t)).scaleb(-1) for t in frame["hours_tenths"].to_numpy()],
                              pa.decimal128(4, 1)),
            "verified": pa.array(frame["verified"]),
        }
    )
    rows = records.to_dict("records")
    book = merit.Rulebook.from_yaml(BOOK, "bench.yaml")
    results = []

    with tempfile.TemporaryDirectory() as tmp:
        book_path, data_path = Path(tmp) / "bench.yaml", Path(tmp) / "bench.csv"
        book_path.write_text(BOOK)
        pacsv.write_csv(table, data_path)
        if args.cli.exists():
            t, native_totals = measure(args.reps, lambda: native(args.cli, book_path, data_path))
            results.append(("native `merit score` CLI, CSV file → CSV report", t, totals_tenths(native_totals)))
        else:
            print(f"skipping the native CLI: {args.cli} not built (cargo build --release -p merit-cli)", file=sys.stderr)
        t, report = measure(args.reps, lambda: book.score(data_path))
        results.append(("merit from Python, CSV path", t, totals_tenths(report.totals)))

    t, report = measure(args.reps, lambda: book.score(table))
    results.append(("merit from Python, pyarrow Table", t, totals_tenths(report.totals)))
    t, report = measure(args.reps, lambda: book.score(records))
    results.append(("merit from Python, pandas DataFrame (float hours)", t, totals_tenths(report.totals)))
    t, report = measure(max(1, args.reps // 2), lambda: book.score(rows))
    results.append(("merit from Python, list of dicts (float hours)", t, totals_tenths(report.totals)))
    t, grouped = measure(args.reps, lambda: pandas_groupby(frame))
    results.append(("plain pandas groupby (same capped rule, int tenths)", t, grouped))

    subset = rows[: args.zen_subset]
    start = time.perf_counter()
    zen = zen_points([{"kind": r["kind"], "verified": bool(r["verified"]), "hours": r["hours"]} for r in subset])
    zen_time = (time.perf_counter() - start) * n / len(subset)
    expected = [min(r["hours"], 8) * 10 if r["kind"] == "volunteer" and r["verified"] else 0 for r in subset]
    assert all(abs(float(z) - e) < 1e-9 for z, e in zip(zen, expected)), "zen-engine's points disagree"

    reference = results[0][2]
    for name, _, totals in results:
        assert totals == reference, f"{name} disagrees with {results[0][0]}"
    grand = sum(reference.values())
    print(f"workload: {n} records, {args.members} members, 12 months; rule: min(hours, 8) * 10, month cap 200; "
          f"all contenders agree (total {grand // 10}.{grand % 10} points); zen-engine's per-record points agree "
          f"on {len(subset)} records\nmedians of {args.reps} runs after a warm-up\n")
    base = results[0][1]
    print("| contender | time | records/s | × native |")
    print("| --- | ---: | ---: | ---: |")
    rows_out = [(name, t) for name, t, _ in results]
    rows_out.append((f"zen-engine decision table, per record (no cap; {len(subset)} records, scaled)", zen_time))
    for name, t in rows_out:
        print(f"| {name} | {t * 1e3:.0f} ms | {n / t / 1e6:.2f} M | {t / base:.2f} |")


if __name__ == "__main__":
    main()
