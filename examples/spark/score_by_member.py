#!/usr/bin/env python3
"""merit on Spark: a member's records go to one Python worker, which scores them
with merit (DESIGN section 7).

Evaluation is a pure function of (rulebook, one member's records, options), so
`groupBy("member").applyInArrow(...)` partitions the work across a cluster and gives
the totals one `merit score` of the whole file gives, on one condition: every group is
scored over the same dates. Left to itself, a group would take its report's range from
its own first and last records; the job therefore works out the range from all the
records first (one aggregation) and hands it to every group.

    python examples/spark/score_by_member.py rules/volunteer-hours.yaml examples/data/volunteer.csv

prints one line per member and period: `member,period,total`. Needs pyspark 4.0 or later
(`applyInArrow`) and Java 17; `scripts/test-python` installs both for the test that
runs this job on Spark in local mode (bindings/python/tests/test_spark.py).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pyarrow as pa

import merit

# What each group gives back: one row per member and period; totals as text (exact).
RESULT = pa.schema([("member", pa.string()), ("period", pa.string()), ("total", pa.string())])


def scorer(text: str, name: str, start: dt.date, end: dt.date):
    """The function Spark calls with each member's records as an Arrow table. The
    rulebook travels as text (a cluster's workers need not share a disk) and is
    loaded once per Spark task, not once per member."""
    loaded: list[merit.Rulebook] = []

    def score(table: pa.Table) -> pa.Table:
        if not loaded:
            loaded.append(merit.Rulebook.from_yaml(text, name))
        report = loaded[0].score(table, start=start, end=end, as_of=end)
        rows = [
            (member["member"], period["period"], str(period["total"]))
            for member in report.to_dict()["members"]
            for period in member["periods"]
        ]
        return pa.Table.from_pylist([dict(zip(RESULT.names, row)) for row in rows], schema=RESULT)

    return score


def score_by_member(spark, rulebook_path: Path, records_path: Path) -> list[tuple[str, str, str]]:
    """`member,period,total` rows of every member, sorted, computed on Spark."""
    from pyspark import cloudpickle
    from pyspark.sql import functions as f

    # Spark ships the scoring function to its workers pickled; by value, so that
    # they need not import this file (imported as a module, it is otherwise pickled
    # by name).
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    # Every column as text, as in the file: merit types them by the rulebook's
    # schema, exactly (no float on the way).
    records = spark.read.csv(str(records_path), header=True, inferSchema=False)
    first, last = records.agg(f.min("date"), f.max("date")).first()
    score = scorer(rulebook_path.read_text(encoding="utf-8"), rulebook_path.name,
                   dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    totals = records.groupBy("member").applyInArrow(score, schema="member string, period string, total string")
    return sorted((row.member, row.period, row.total) for row in totals.collect())


def local_spark():
    """A Spark session on this machine's cores, its Python workers this interpreter."""
    from pyspark.sql import SparkSession

    # The workers must import merit and pyarrow, so they run this same interpreter.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    return (
        SparkSession.builder.master("local[2]")
        .appName("merit")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    spark = local_spark()
    try:
        for member, period, total in score_by_member(spark, Path(sys.argv[1]), Path(sys.argv[2])):
            print(f"{member},{period},{total}")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
