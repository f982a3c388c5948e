"""Rulebooks and reports are shared between threads; the GIL is released while
scoring, so other Python threads run meanwhile."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa

import merit  # noqa: F401


def big_table(n: int) -> pa.Table:
    return pa.table(
        {
            "member": [f"m{i % 1000:04d}" for i in range(n)],
            "kind": ["volunteer"] * n,
            "date": pa.array([f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)]),
            "hours": pa.array([1 + i % 8 for i in range(n)], pa.int64()),
            "verified": [True] * n,
        }
    )


def test_one_rulebook_and_report_shared_by_many_threads(book):
    table = big_table(4_000)
    first = book.score(table)
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: book.score(table).to_json(), range(6)))
        views = list(pool.map(lambda _: (first.to_json(), first.totals, first.explain("m0001")), range(6)))
    assert set(reports) == {first.to_json()}
    assert all(v == views[0] for v in views)


def test_gil_is_released_while_scoring(book):
    table = big_table(100_000)
    done = threading.Event()
    ticks = 0

    def score():
        book.score(table)
        done.set()

    worker = threading.Thread(target=score)
    started = time.perf_counter()
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0)
    worker.join()
    elapsed = time.perf_counter() - started
    # With the GIL held for the whole call this thread would barely run.
    assert ticks > 1000, (ticks, elapsed)
