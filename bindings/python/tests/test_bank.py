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
        {"id": "a", "member": "m1", "kind": "volunteer", "date": "2026-04-13", "时长": 6, "核实": True},
    ])
    bank = merit.Bank.open(tmp_path / "bank.db", create=True)
    summary = bank.post(book, report, date="2026-04-30")
    assert summary["posted"] == 1
    assert bank.post(book, report, date="2026-04-30")["already_posted"] == 1, "posting twice changes nothing"
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
    bank = merit.Bank.open(tmp_path / "py.db", create=True)
    bank.post(book, book.score(DATA))
    cli_db = tmp_path / "cli.db"
    subprocess.run([CLI, "bank", "post", BOOK, DATA, "--db", cli_db, "--init"], check=True, capture_output=True)
    for member in ["m0001", "m0042", "m0120"]:
        out = subprocess.run(
            [CLI, "bank", "balance", member, "--db", cli_db, "--format", "json"],
            check=True, capture_output=True, text=True,
        ).stdout
        assert Decimal(json.loads(out)[f"member:{member}"]) == bank.balance(member), member


def test_open_does_not_create_a_missing_bank(tmp_path):
    with pytest.raises(merit.BankError) as missing:
        merit.Bank.open(tmp_path / "bnak.db")
    assert missing.value.code == "no-bank"
    assert not (tmp_path / "bnak.db").exists()


def test_a_late_record_is_reconciled_as_from_the_cli(tmp_path):
    book = merit.Rulebook.from_yaml(
        'id: deeds\nperiod: month\nunit: { name: pt, decimals: 1 }\n'
        'rules:\n  - { id: deed, tags: [bank], when: kind == "deed", points: 5, cap: [{ per: month, max: 10 }] }\n'
        'bank: { earn: { tags: [bank] } }\n'
    )
    deed = lambda i, d: {"id": i, "member": "m1", "kind": "deed", "date": d}
    first = [deed("a", "2026-03-10"), deed("b", "2026-03-20")]
    bank = merit.Bank.in_memory()
    bank.post(book, book.score(first), date="2026-03-31")
    late = book.score(first + [deed("c", "2026-03-01")])
    differences = bank.reconcile(book, late)
    assert [(str(d["date"]), str(d["held"]), str(d["report"])) for d in differences] == [
        ("2026-03-01", "0.0", "5.0"), ("2026-03-20", "5.0", "0.0")]
    bank.post(book, late, date="2026-04-02")
    assert bank.balance("m1") == Decimal("10.0")
    assert bank.reconcile(book, late) == []
    with pytest.raises(merit.BankError) as unknown:
        bank.balance("m2")
    assert unknown.value.code == "unknown-member"


def test_a_settings_change_is_recorded_as_the_cli_records_it(tmp_path):
    book = merit.Rulebook.load(BOOK)
    report = book.score([
        {"id": "a", "member": "m1", "kind": "volunteer", "date": "2026-04-13", "时长": 6, "核实": True},
    ])
    bank = merit.Bank.in_memory()
    bank.post(book, report, date="2026-04-30")
    changed = merit.Rulebook.from_yaml(BOOK.read_text().replace("expire_after: 24 months", "expire_after: 12 months"))
    with pytest.raises(merit.BankError) as refused:
        bank.post(changed, changed.score([]), date="2026-05-01")
    assert refused.value.code == "settings-differ"
    assert bank.record_settings(changed, date="2026-05-01") == ["expire_after: 24 months → 12 months"]
    assert bank.record_settings(changed, date="2026-06-01") == []
    with pytest.raises(merit.BankError) as backdated:
        bank.record_settings(book, date="2026-05-15")
    assert backdated.value.code == "backdated"
    plain = merit.Rulebook.from_yaml("id: plain\nrules:\n  - { id: x, points: 1 }\n")
    with pytest.raises(merit.BankError) as none:
        bank.record_settings(plain, date="2026-07-01")
    assert none.value.code == "no-settings"
