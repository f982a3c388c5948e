"""The error table (tests/errors/requests.json) through the Python binding: the
same code and the same message as the Rust engine and the JavaScript package."""

import json
from pathlib import Path

import pytest

import merit

ROOT = Path(__file__).resolve().parents[3]
TABLE = json.loads((ROOT / "tests" / "errors" / "requests.json").read_text(encoding="utf-8"))


def run(case):
    book = merit.Rulebook.load(ROOT / case.get("book", TABLE["book"]))
    records = ROOT / case["records_file"] if "records_file" in case else TABLE["records"]
    report = book.score(records, **case.get("score", {}))
    if "rank" in case:
        report.rank(**case["rank"])
    if "explain" in case:
        report.explain(case["explain"]["member"], lang=case["explain"]["lang"])
    if "bank" in case:
        bank = merit.Bank.in_memory()
        for step in case["bank"]:
            if "post" in step:
                bank.post(book, report, date=step["post"])
            if "redeem" in step:
                redeem = dict(step["redeem"])
                bank.redeem(redeem.pop("member"), **redeem)


@pytest.mark.parametrize("case", TABLE["cases"], ids=[c["name"] for c in TABLE["cases"]])
def test_the_error_table(case):
    with pytest.raises(merit.MeritError) as caught:
        run(case)
    error = caught.value
    if "input_message" in case:
        # Python names an input by its path.
        expected = f"{error.source}: {case['input_message']}"
        assert error.source == str(ROOT / case["records_file"])
    else:
        expected = case["message"]
    assert (error.code, str(error)) == (case["code"], expected)


def test_the_table_is_long_enough():
    assert len(TABLE["cases"]) >= 20
