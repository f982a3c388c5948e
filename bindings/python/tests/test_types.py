"""Every decimal the engine hands to Python is a ``decimal.Decimal`` and every date a
``datetime.date``, wherever it sits in a report, a ranking or a bank result: the
engine's types say which values they are, so no list of key names can miss one.

Each test walks a whole result and lists, for every place a value can sit (list
positions as ``[]``, the ids of ``rules`` and ``dimensions`` as ``*``), the Python
types found there; the expected listings are written out below.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import merit

# One record is rejected on purpose (a rejection is part of a full report).
pytestmark = pytest.mark.filterwarnings("ignore:1 record")

BOOK = merit.Rulebook.from_yaml(
    """
id: types
period: quarter
unit: { name: points, decimals: 1 }
fields: { hours: decimal? }
rules:
  - id: study
    tags: [bank]
    when: kind == "study"
    points: hours * 10
    cap: [{ per: quarter, max: 40 }]
  - id: late
    when: kind == "late"
    points: -5
indexes:
  - id: mission
    per: quarter
    dimensions:
      - { id: study, weight: 50, rules: [study], full: 40 }
      - { id: conduct, weight: 50, base: 100, rules: [late], full: 100 }
    grades: [{ min: 90, label: A }, { label: B }]
    veto:
      - { when: count(kind == "violation") > 0, grade: B, reason: veto }
bank:
  earn: { tags: [bank], rate: 1.5 }
  expire_after: 3 months
  catalog:
    - { id: rice, title: rice, price: 12.5, partner: grain-shop }
""",
    "types.yaml",
)

RECORDS = [
    {"id": "a1", "member": "m1", "kind": "study", "date": "2026-01-10", "hours": 3},
    {"id": "a2", "member": "m1", "kind": "study", "date": "2026-02-10", "hours": 2.5},
    {"id": "a3", "member": "m1", "kind": "late", "date": "2026-02-11"},
    {"id": "a4", "member": "m2", "kind": "study", "date": "2026-01-12", "hours": 1},
    {"id": "a5", "member": "m2", "kind": "violation", "date": "2026-01-13"},
    {"id": "a6", "member": "m2", "kind": "study", "date": "2026-04-02", "hours": 1},
    {"id": "bad", "member": "m2", "kind": "study", "date": "2026-13-01"},
]


def shape(value, path="", out=None):
    """{path: set of type names} over every leaf of `value`."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            step = "*" if path.endswith(("rules", "dimensions")) else key
            shape(item, f"{path}.{step}" if path else step, out)
    elif isinstance(value, list):
        for item in value:
            shape(item, f"{path}[]", out)
    else:
        out.setdefault(path, set()).add(type(value).__name__)
    return out


def report():
    return BOOK.score(RECORDS, start="2026-01-01", end="2026-06-30", as_of="2026-05-15")


def test_every_decimal_and_date_of_a_full_report_is_typed():
    assert shape(report().to_dict()) == {
        "rulebook.id": {"str"},
        "rulebook.version": {"str"},
        "rulebook.digest": {"str"},
        "range.from": {"date"},
        "range.to": {"date"},
        "as_of": {"date"},
        "period": {"str"},
        "members[].member": {"str"},
        "members[].total": {"Decimal"},
        "members[].periods[].period": {"str"},
        "members[].periods[].total": {"Decimal"},
        "members[].periods[].rules.*": {"Decimal"},
        "members[].periods[].awards[].rule": {"str"},
        "members[].periods[].awards[].date": {"date"},
        "members[].periods[].awards[].points": {"Decimal"},
        "members[].periods[].awards[].records[]": {"str"},
        "members[].periods[].awards[].explain": {"str"},
        "members[].periods[].awards[].trace": {"str"},
        "members[].periods[].awards[].withheld": {"NoneType"},
        "members[].periods[].awards[].withheld.cap": {"str"},
        "members[].periods[].awards[].withheld.points": {"Decimal"},
        "members[].periods[].awards[].provisional": {"bool"},
        "members[].indexes[].index": {"str"},
        "members[].indexes[].period": {"str"},
        "members[].indexes[].score": {"Decimal"},
        "members[].indexes[].grade": {"str"},
        "members[].indexes[].veto": {"NoneType"},
        "members[].indexes[].veto.reason": {"str"},
        "members[].indexes[].veto.grade": {"str"},
        "members[].indexes[].dimensions.*": {"Decimal"},
        "members[].indexes[].provisional": {"bool"},
        "rejected[].record": {"int"},
        "rejected[].id": {"str"},
        "rejected[].error": {"str"},
        "unmatched": {"int"},
    }


def test_every_decimal_of_a_ranking_is_typed():
    assert shape(report().rank(by="index:mission", period="2026-Q1"))["rows[].points"] == {"Decimal"}
    assert shape(report().rank())["rows[].points"] == {"Decimal"}


def test_every_decimal_and_date_of_the_bank_is_typed():
    # While key names decided, `owed`, `held`, `report`, `rate`, `delta` and
    # `earned` (no listed name) reached Python as text.
    bank = merit.Bank.in_memory()
    scored = report()
    one = BOOK.score(RECORDS[:1], start="2026-01-01", end="2026-06-30", as_of="2026-05-15")
    results = {
        "post": bank.post(BOOK, scored, date="2026-04-01"),
        "redeem": bank.redeem("m1", item="rice", key="r1", date="2026-04-02"),
        "transfer": bank.transfer("m1", "m2", "1.5", key="t1", date="2026-04-03"),
        "reconcile": bank.reconcile(BOOK, one),
        "expire": bank.expire("2026-06-30"),
        "statement": bank.statement("m1", start="2026-01-01", end="2026-12-31"),
        "verify": bank.verify(),
    }
    found = {f"{name}:{path}": types for name, result in results.items() for path, types in shape(result).items()}
    decimals = {path for path, types in found.items() if types == {"Decimal"}}
    dates = {path for path, types in found.items() if types - {"NoneType"} == {"date"}}
    assert decimals == {
        "post:credits",
        "redeem:txn.postings[].amount",
        "redeem:txn.moves[].delta",
        "transfer:txn.postings[].amount",
        "transfer:txn.lots[].amount",
        "transfer:txn.lots[].remaining",
        "transfer:txn.moves[].delta",
        "reconcile:[].held",
        "reconcile:[].report",
        "expire:[].postings[].amount",
        "expire:[].moves[].delta",
        "statement:opening",
        "statement:closing",
        "statement:owed",
        "statement:movements[].amount",
        "statement:movements[].balance",
        "statement:movements[].owed",
        "statement:movements[].source.points",
        "statement:movements[].source.rate",
        "verify:outstanding",
    }
    assert dates == {
        "redeem:txn.date",
        "transfer:txn.date",
        "transfer:txn.lots[].earned",
        "reconcile:[].date",
        "expire:[].date",
        "expire:[].source.as_of",
        "statement:from",
        "statement:to",
        "statement:movements[].date",
        "statement:movements[].earned",
        "statement:movements[].source.as_of",
        "statement:movements[].source.earned",
    }
    # Everything else is text, a whole number, a flag or None: ids, keys, hashes,
    # accounts, words (`source.from`/`to` of a transfer are member ids, not dates).
    rest = {path: types for path, types in found.items() if path not in decimals | dates}
    assert all(types <= {"str", "int", "bool", "NoneType"} for types in rest.values()), rest
    assert rest["transfer:txn.source.from"] == {"str"}
    assert isinstance(bank.balance("m1"), Decimal)
