"""Errors are Python exceptions with clear messages and locations."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

import merit

BAD = "merit: 1\nid: bad\nfields: { hours: decimal? }\nrules:\n  - { id: x, points: hour * 10 }\n"


def test_rulebook_error_has_the_cli_caret_text(cli: Path, tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    with pytest.raises(merit.RulebookError) as caught:
        merit.Rulebook.load(path)
    error = caught.value
    cli_text = subprocess.run(
        [cli, "--color", "never", "check", path], capture_output=True, text=True
    ).stderr
    # The CLI adds a count of errors and warnings on a line of its own.
    rendered, summary = cli_text.rstrip().rsplit("\n", 1)
    assert summary.endswith("1 error(s), 0 warning(s)")
    assert str(error) == rendered.rstrip()
    (d,) = error.diagnostics
    assert (d.file, d.line, d.column, d.severity) == (str(path), 5, 22, "error")
    assert d.help and "hours" in d.help
    assert "^" in str(error) or "─" in str(error)
    assert isinstance(error, merit.MeritError) and isinstance(error, ValueError)


def test_check_returns_every_diagnostic_without_raising():
    found = merit.check(BAD, "bad.yaml")
    assert [(d.code, d.line, d.column) for d in found] == [("unknown-name", 5, 22)] or found[0].line == 5
    assert merit.Rulebook.from_yaml(BAD.replace("hour ", "hours "), "ok.yaml").check() == []


def test_whole_input_errors_are_input_errors(book, tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text("who,what\nm1,x\n")
    with pytest.raises(merit.InputError) as caught:
        book.score(path)
    assert caught.value.line == 1
    assert "has no `member` column" in str(caught.value)
    import pyarrow as pa

    with pytest.raises(merit.InputError, match="no `kind` column"):
        book.score(pa.table({"member": ["m1"], "date": ["2026-03-01"]}))


@pytest.mark.parametrize(
    "kwargs, exception, message",
    [
        ({"period": "fortnight"}, merit.ArgumentError, "period: expected one of day, week, month, quarter, year, lifetime, got \"fortnight\""),
        ({"start": "2026-13-01"}, merit.ArgumentError, "start: 2026-13-01 is not a date"),
        ({"perod": "month"}, merit.ArgumentError, "unknown option `perod`; did you mean `period`"),
        ({"end": dt.datetime(2026, 3, 1)}, TypeError, "not a datetime"),
        ({"as_of": 20260301}, TypeError, "as_of must be a datetime.date"),
    ],
)
def test_bad_options(book, kwargs, exception, message):
    with pytest.raises(exception, match=message):
        book.score([], **kwargs)


def test_bad_records(book, tmp_path: Path):
    with pytest.raises(TypeError, match="not a dict"):
        book.score({"member": "m1"})
    with pytest.raises(TypeError, match="got int"):
        book.score(42)
    with pytest.raises(TypeError, match="record 2: key `hours`: cannot use a value of type object"):
        book.score([{"member": "m1"}, {"member": "m1", "hours": object()}])
    with pytest.raises(merit.ArgumentError, match="unknown record format"):
        book.score(tmp_path / "records.txt")
    with pytest.raises(FileNotFoundError, match="missing.jsonl"):
        book.score(tmp_path / "missing.jsonl")
    with pytest.raises(TypeError, match="members must be"):
        book.score([], members=42)
    with pytest.raises(FileNotFoundError):
        merit.Rulebook.load(tmp_path / "nope.yaml")


def test_bad_records_are_rejected_not_raised(book):
    report = book.score([{"member": "m1", "kind": "volunteer", "date": "2026-02-30"}, "not a record", {}])
    assert [r["error"] for r in report.rejected] == [
        "field `date`: 2026-02-30 is not a date: February 2026 has 28 days",
        "record is not a JSON object (got a string)",
        "missing `member`",
    ]


def test_explain_errors(book):
    report = book.score([{"member": "m1", "kind": "volunteer", "date": "2026-03-02", "hours": 1, "verified": True}])
    with pytest.raises(KeyError, match="m9"):
        report.explain("m9")
    with pytest.raises(merit.ArgumentError, match="lang: expected \"zh\" or \"en\", got \"fr\""):
        report.explain("m1", lang="fr")


def test_every_merit_exception_has_the_base():
    for cls in (merit.RulebookError, merit.InputError, merit.ArgumentError, merit.InternalError):
        assert issubclass(cls, merit.MeritError)


def test_a_panic_in_the_engine_is_an_internal_error(tmp_path: Path):
    # The engine's debug-only hook: a rulebook with this id panics inside score().
    # `maturin develop` builds in debug, so the hook is there; release builds drop it.
    book = merit.Rulebook.from_yaml("merit: 1\nid: __merit_panic__\nrules:\n  - { id: a, points: 1 }\n")
    data = tmp_path / "in.jsonl"
    data.write_text('{"member": "m", "kind": "k", "date": "2026-03-01"}\n')
    with pytest.raises(merit.InternalError, match="debug panic hook"):
        book.score(data)
    # The interpreter and the binding still work afterwards.
    ok = merit.Rulebook.from_yaml("merit: 1\nid: fine\nrules:\n  - { id: a, points: 1 }\n")
    assert str(ok.score(data).totals["m"]) == "1"


def test_load_reads_script_files_from_the_rulebooks_folder_only(tmp_path: Path):
    (tmp_path / "mentoring.rhai").write_text(
        'let n = records.filter(|r| r.kind == "mentoring").len();\n'
        'if n >= 2 { award(10, `mentored ${n} residents`); }\n'
    )
    book = tmp_path / "book.yaml"
    rule = "merit: 1\nrules:\n  - id: mentor-bonus\n    per: month\n    script_file: {}\n"
    book.write_text(rule.format("mentoring.rhai"))
    records = [
        {"member": "m1", "kind": "mentoring", "date": "2026-03-02"},
        {"member": "m1", "kind": "mentoring", "date": "2026-03-09"},
    ]
    report = merit.Rulebook.load(book).score(records)
    assert report.totals == {"m1": 10}
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "book.yaml").write_text(rule.format("../mentoring.rhai"))
    with pytest.raises(merit.RulebookError, match="only from the rulebook's own folder"):
        merit.Rulebook.load(tmp_path / "inner" / "book.yaml")
