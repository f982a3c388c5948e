"""The bank's hash chain and PostgreSQL from Python: ``Bank.head()``,
``Bank.verify(head=...)``, and ``Bank.open`` with a ``postgres://`` URL (skipped
unless scripts/with-postgres gives a server in MERIT_TEST_PG)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import merit

ROOT = Path(__file__).resolve().parents[3]
BOOK = ROOT / "rules" / "volunteer-hours.yaml"
RECORDS = [
    {"id": "a", "member": "m1", "kind": "volunteer", "date": "2026-04-13", "时长": 6, "核实": True},
    {"id": "b", "member": "m2", "kind": "volunteer", "date": "2026-04-14", "时长": 2, "核实": True},
]


def fill(bank):
    book = merit.Rulebook.load(BOOK)
    assert bank.post(book, book.score(RECORDS), date="2026-04-30")["posted"] == 2
    bank.redeem("m1", amount="5", key="order-1", date="2026-05-01")


def test_a_published_head_is_proved_and_a_wrong_one_is_not(tmp_path):
    bank = merit.Bank.open(tmp_path / "bank.db", create=True)
    fill(bank)
    head = bank.head()
    count, digest = head.split(":")
    assert count == "3" and len(digest) == 64
    assert bank.verify(head=head)["problems"] == []
    wrong = f"3:{'0' * 64}"
    assert bank.verify(head=wrong)["problems"] == [
        f"the first 3 transactions are not those of the head {wrong}: they were changed"
    ]
    with pytest.raises(merit.ArgumentError, match="not a ledger head"):
        bank.verify(head="3")
    memory = merit.Bank.in_memory()
    fill(memory)
    assert memory.head() == head, "the same transactions chain to the same head in every store"


def test_open_takes_a_postgres_url(tmp_path):
    base = os.environ.get("MERIT_TEST_PG")
    if not base or not shutil.which("psql"):
        pytest.skip("MERIT_TEST_PG is not set (run under scripts/with-postgres)")
    name = f"merit_python_{os.getpid()}"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", base, "-qc", sql], check=True)
    path, _, query = base.partition("?")
    url = f"{path.rsplit('/', 1)[0]}/{name}?{query}"
    bank = merit.Bank.open(url)
    fill(bank)
    file = merit.Bank.open(tmp_path / "bank.db", create=True)
    fill(file)
    assert bank.head() == file.head()
    assert bank.balance("m1") == file.balance("m1")
    assert bank.verify()["problems"] == []
