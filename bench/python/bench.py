#!/usr/bin/env python3
"""One Python contender of the benchmark, measured in this process (run by
bench/collect.py, one process per contender, so that its peak memory is its own).

    python bench/python/bench.py CONTENDER --data DIR [--reps N] [--limit N]

Reads the workload that `merit-bench generate` wrote to DIR (records.csv and
records.jsonl, the same records), loads it into the contender's input form outside
the timed region, then times the median of --reps runs after a warm-up, and prints
one JSON line: the time, the repetitions, the records scored and the digest of the
per-member totals (sha256 of the sorted `member,total` lines, as merit-bench computes
it), which the collector compares with the fixed-point loop's.

Contenders:
  merit-arrow    merit from a pyarrow Table (hours decimal128(4, 1), dates date32)
  merit-pandas   merit from a pandas DataFrame (float hours, dates as datetime.date)
  merit-dicts    merit from a list of dicts, as json.loads gives them
  merit-csv      merit reading the CSV file itself (a path)
  pandas         the same capped scoring in pandas, on a frame in memory
  polars         the same in polars, on a frame in memory
  polars-csv     the same in polars, `pl.read_csv` included in the time
  duckdb-csv     the same in DuckDB SQL over `read_csv` (exact decimals), the
                 reading included in the time
  zen-batch      zen-engine's decision table over the first --limit records, one
                 `evaluate_batch` call
  zen-evaluate   the same, one `ZenDecision.evaluate` call per record

Every timed run ends with per-member totals, so what it built on the way (a report,
a frame) is freed inside the timed region. With --once, a contender runs once,
untimed, and prints only its digest: collect.py then times the whole process, as
it times `merit score`. pandas and polars compute in f64: exact
here, since hours are multiples of 0.5, so every points figure and sum is a small
multiple of 5. zen-engine has no cap: it evaluates the per-record rule (that is its
time), and the month cap is applied afterwards in Python, untimed, to get totals.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "bench" / "volunteer-capped.yaml"

# A warm-up slower than this makes a contender run at most SLOW_REPS times (as in
# merit-bench), which keeps the whole bench within its time budget.
SLOW, SLOW_REPS = 2.0, 3


def measure(reps: int, run):
    """Median seconds of `reps` runs after a warm-up, the runs made, the last result."""
    start = time.perf_counter()
    result = run()
    if time.perf_counter() - start > SLOW:
        reps = min(reps, SLOW_REPS)
    times = []
    for _ in range(reps):
        result = None  # the previous result is freed outside the timed region
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
        result = out
    times.sort()
    return times[len(times) // 2], reps, result


def digest(totals: dict) -> str:
    """sha256 of the sorted `member,total` lines of non-zero totals (given in tenths)."""
    lines = []
    for member, t in totals.items():
        if t:
            lines.append(f"{member},{'-' if t < 0 else ''}{abs(t) // 10}.{abs(t) % 10}\n")
    return hashlib.sha256("".join(sorted(lines)).encode()).hexdigest()


def tenths_of(series) -> dict:
    """Float totals by member (a pandas or polars result) in whole tenths."""
    return {m: round(t * 10) for m, t in series}


# --- inputs (outside the timed region) ---------------------------------------------


def arrow_table(data: Path, limit: int | None = None):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {
        "id": pa.string(), "member": pa.string(), "kind": pa.string(), "date": pa.date32(),
        "hours": pa.decimal128(4, 1), "verified": pa.bool_(), "minutes": pa.int64(),
        "stars": pa.int64(), "subject": pa.string(),
    }
    table = pacsv.read_csv(data / "records.csv", convert_options=pacsv.ConvertOptions(column_types=types))
    return table.slice(0, limit) if limit is not None else table


def pandas_frame(data: Path):
    import pyarrow as pa

    table = arrow_table(data)
    # Float hours, as a spreadsheet has them; dates become datetime.date objects.
    table = table.set_column(table.schema.get_field_index("hours"), "hours", table["hours"].cast(pa.float64()))
    return table.to_pandas()


def dicts(data: Path):
    with open(data / "records.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


# --- contenders ----------------------------------------------------------------------


def merit_totals(book, records) -> dict:
    report = book.score(records)
    return {m: int(t * 10) for m, t in report.totals.items()}


def pandas_totals(frame) -> dict:
    """The capped scoring in pandas: cumulative points per member-month in record
    order (date, then input order, by a stable sort), each award clipped to what the
    cap leaves."""
    import numpy as np
    import pandas as pd

    ok = frame[(frame["kind"] == "volunteer") & frame["verified"]]
    work = pd.DataFrame(
        {
            "member": ok["member"].to_numpy(),
            "date": ok["date"].to_numpy(),
            "points": np.minimum(ok["hours"].to_numpy(), 8.0) * 10.0,
        }
    ).sort_values("date", kind="stable")
    work["month"] = work["date"].dt.month
    before = work.groupby(["member", "month"])["points"].cumsum() - work["points"]
    work["awarded"] = np.clip(200.0 - before, 0.0, work["points"])
    return tenths_of(work.groupby("member")["awarded"].sum().items())


def polars_totals(frame) -> dict:
    """The capped scoring in polars, as pandas_totals does it."""
    import polars as pl

    points = pl.min_horizontal(pl.col("hours"), 8.0) * 10.0
    before = pl.col("points").cum_sum().over("member", pl.col("date").dt.month()) - pl.col("points")
    result = (
        frame.lazy()
        .filter((pl.col("kind") == "volunteer") & pl.col("verified"))
        .select("member", "date", points.alias("points"))
        .sort("date", maintain_order=True)
        .with_columns(awarded=pl.min_horizontal("points", pl.max_horizontal(200.0 - before, 0.0)))
        .group_by("member")
        .agg(pl.col("awarded").sum())
        .collect()
    )
    return tenths_of(result.iter_rows())


def polars_read(path: Path):
    import polars as pl

    return pl.read_csv(path, schema_overrides={"date": pl.Date, "hours": pl.Float64, "verified": pl.Boolean})


# The capped scoring in SQL, as pandas_totals does it, in exact decimals: hours are
# read as DECIMAL(4,1), so points and sums are exact. The running sum is ordered by
# date only; records of one member on one date may be taken in any order, which
# changes which of them the cap clips, never the member's total.
DUCKDB_SQL = """
WITH ok AS (
    SELECT member, date, least(hours, 8) * 10 AS points
    FROM read_csv(?, header = true, columns = {
        'id': 'VARCHAR', 'member': 'VARCHAR', 'kind': 'VARCHAR', 'date': 'DATE',
        'hours': 'DECIMAL(4,1)', 'verified': 'BOOLEAN', 'minutes': 'BIGINT',
        'stars': 'BIGINT', 'subject': 'VARCHAR'})
    WHERE kind = 'volunteer' AND verified
), capped AS (
    SELECT member, least(points, greatest(200 - (sum(points) OVER (
        PARTITION BY member, month(date) ORDER BY date
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - points), 0)) AS awarded
    FROM ok
)
SELECT member, sum(awarded) FROM capped GROUP BY member
"""


def duckdb_totals(path: Path) -> dict:
    """DuckDB reading the CSV file and scoring it, totals in tenths (exact)."""
    import duckdb

    with duckdb.connect() as db:
        rows = db.execute(DUCKDB_SQL, [str(path)]).fetchall()
    return {m: int(t * 10) for m, t in rows}


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


def zen_points(contender: str, rows: list) -> list:
    """Points per record from zen-engine's decision table (no cap)."""
    import zen

    if contender == "zen-batch":
        engine = zen.ZenEngine({"loader": {"type": "static", "content": {"rule": ZEN_DECISION}}})
        results = engine.evaluate_batch([{"key": "rule", "context": row} for row in rows])
        return [r["data"]["result"]["points"] for r in results]
    decision = zen.ZenEngine().create_decision(json.dumps(ZEN_DECISION))
    return [decision.evaluate(row)["result"]["points"] for row in rows]


def capped_totals(table, points: list) -> dict:
    """The month cap over per-record points, in record order (member, date, input
    order): plain Python, run once and untimed, to turn zen-engine's points into totals."""
    members, dates = table["member"].to_pylist(), table["date"].to_pylist()
    totals: dict = {}
    month, used = None, 0
    for i in sorted(range(len(points)), key=lambda i: (members[i], dates[i], i)):
        tenths = round(points[i] * 10)
        if (members[i], dates[i].month) != month:
            month, used = (members[i], dates[i].month), 0
        given = max(min(tenths, 2000 - used), 0)
        used += given
        totals[members[i]] = totals.get(members[i], 0) + given
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("contender")
    parser.add_argument("--data", type=Path, default=ROOT / "target" / "bench")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--limit", type=int, default=20_000, help="zen-*: score only the first N records")
    parser.add_argument("--once", action="store_true", help="*-csv: run once, untimed; print the digest only")
    args = parser.parse_args()
    contender, data, reps = args.contender, args.data, max(1, args.reps)

    once = {
        "polars-csv": lambda: polars_totals(polars_read(data / "records.csv")),
        "duckdb-csv": lambda: duckdb_totals(data / "records.csv"),
    }
    if args.once:
        if contender not in once:
            parser.error(f"--once: only for {', '.join(once)}")
        print(json.dumps({"contender": contender, "digest": digest(once[contender]())}))
        return

    if contender.startswith("merit-"):
        import merit

        book = merit.Rulebook.load(BOOK)
        records = {
            "merit-arrow": lambda: arrow_table(data),
            "merit-pandas": lambda: pandas_frame(data),
            "merit-dicts": lambda: dicts(data),
            "merit-csv": lambda: str(data / "records.csv"),
        }[contender]()
        seconds, reps, totals = measure(reps, lambda: merit_totals(book, records))
        count = len(records) if not isinstance(records, str) else None
    elif contender == "pandas":
        import pandas as pd

        frame = pd.read_csv(data / "records.csv", parse_dates=["date"])
        seconds, reps, totals = measure(reps, lambda: pandas_totals(frame))
        count = len(frame)
    elif contender == "polars":
        frame = polars_read(data / "records.csv")
        seconds, reps, totals = measure(reps, lambda: polars_totals(frame))
        count = len(frame)
    elif contender in once:
        seconds, reps, totals = measure(reps, once[contender])
        count = None
    elif contender in ("zen-batch", "zen-evaluate"):
        table = arrow_table(data, args.limit)
        rows = [
            {"kind": k, "verified": v, "hours": None if h is None else float(h)}
            for k, v, h in zip(*(table[c].to_pylist() for c in ("kind", "verified", "hours")))
        ]
        seconds, reps, points = measure(reps, lambda: zen_points(contender, rows))
        totals, count = capped_totals(table, points), len(rows)
    else:
        parser.error(f"unknown contender {contender}")
    if count is None:  # the whole file: its lines less the header
        with open(data / "records.csv", "rb") as f:
            count = sum(1 for _ in f) - 1
    print(json.dumps({"contender": contender, "seconds": seconds, "reps": reps, "records": count,
                      "digest": digest(totals)}))


if __name__ == "__main__":
    main()
