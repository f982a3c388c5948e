"""merit on Spark in local mode (examples/spark/score_by_member.py, DESIGN section 7):
members partitioned by `groupBy("member").applyInArrow`, each scored in a Python
worker, give the totals of one run over the whole file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import merit

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "spark" / "score_by_member.py"


def example():
    spec = importlib.util.spec_from_file_location("score_by_member", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_members_scored_on_spark_total_as_one_run_over_the_file():
    job = example()
    book, records = ROOT / "rules" / "volunteer-hours.yaml", ROOT / "examples" / "data" / "volunteer.csv"
    spark = job.local_spark()
    try:
        rows = job.score_by_member(spark, book, records)
    finally:
        spark.stop()
    report = merit.Rulebook.load(book).score(records)
    expected = sorted(
        (member["member"], period["period"], str(period["total"]))
        for member in report.to_dict()["members"]
        for period in member["periods"]
    )
    assert len(expected) > 1000
    assert rows == expected
