"""The rulebook's own tests, run from Python as `merit test` runs them."""

from pathlib import Path

import merit

ROOT = Path(__file__).resolve().parents[3]


def test_every_shipped_pack_passes_its_own_tests():
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        results = merit.Rulebook.load(path).test()
        assert results, f"{path.name} has no tests"
        failed = [r for r in results if not r["passed"]]
        assert not failed, f"{path.name}: {failed}"


def test_a_wrong_expectation_fails_with_what_was_found():
    book = merit.Rulebook.from_yaml(
        """
rules: [{ id: visit, when: kind == "visit", points: 2 }]
tests:
  - name: two visits
    records:
      - { member: m1, kind: visit, date: "2026-03-02" }
      - { member: m1, kind: visit, date: "2026-03-09" }
    expect: { m1: { "2026-03": { visit: 5 } } }
""",
        "book.yaml",
    )
    [result] = book.test()
    assert result["name"] == "two visits"
    assert result["passed"] is False
    assert result["failures"] == ["m1 2026-03 visit: expected 5, got 4"]
