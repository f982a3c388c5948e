"""merit.Bank from Python, and the same balances as the CLI on the same data."""

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

import merit

ROOT = Path(__file__).resolve().parents[3]
BOOK = ROOT / "rules" / "volunteer-hours.yaml"
DATA = ROOT / "examples" / "data" / "volunteer.jsonl"
CLI = ROOT / "target" / "debug" / "merit"


def test_earn_redeem_and_refuse_an_overdraft(tmp_path):
    book = merit.Rulebook.load(BOOK)
    report = book.score([
        {"id": "a", "member": "m1", "kind": "volunteer", "date": "2026-04-13", "hours": 6, "verified": True},
    ])
    bank = merit.Bank.open(tmp_path / "bank.db")
    summary = bank.post(book, report)
    assert summary["posted"] == 1
    assert bank.post(book, report)["already_posted"] == 1, "posting twice changes nothing"
    assert bank.balance("m1") == Decimal("60.0")
    bank.redeem("m1", item="rice-5kg", key="order-1", date="2026-05-01")
    bank.redeem("m1", item="rice-5kg", key="order-1", date="2026-05-01")  # same key: once
    assert bank.balance("m1") == Decimal("10.0")
    with pytest.raises(merit.BankError) as refused:
        bank.redeem("m1", amount="10.1", key="order-2", date="2026-05-02")
    assert refused.value.code == "insufficient-credits"
    assert bank.verify()["problems"] == []
    statement = bank.statement("m1")
    assert statement["closing"] == Decimal("10.0")


@pytest.mark.skipif(not CLI.exists(), reason="the CLI is built by `cargo test` before this suite")
def test_python_and_the_cli_post_the_same_balances(tmp_path):
    book = merit.Rulebook.load(BOOK)
    bank = merit.Bank.open(tmp_path / "py.db")
    bank.post(book, book.score(DATA))
    cli_db = tmp_path / "cli.db"
    subprocess.run([CLI, "bank", "post", BOOK, DATA, "--db", cli_db], check=True, capture_output=True)
    for member in ["m0001", "m0042", "m0120"]:
        out = subprocess.run(
            [CLI, "bank", "balance", member, "--db", cli_db, "--format", "json"],
            check=True, capture_output=True, text=True,
        ).stdout
        assert Decimal(json.loads(out)[f"member:{member}"]) == bank.balance(member), member
