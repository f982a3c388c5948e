"""The docstring examples run as written."""

from __future__ import annotations

import doctest

import merit
import merit._types


def test_docstring_examples():
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"merit": merit}
    tests = []
    for obj in (merit.Rulebook, merit.Report, merit.check, merit._types):
        tests += finder.find(obj, getattr(obj, "__name__", "merit"), globs=globs)
    # Examples build on each other (book, then report) like a notebook: run the
    # Rulebook's first, sharing one namespace.
    order = {"Rulebook": 0, "Report": 1}
    tests.sort(key=lambda t: (order.get(t.name.split(".")[0], 2), "." in t.name, t.name))
    examples = 0
    for test in tests:
        test.globs = globs
        examples += len(test.examples)
        runner.run(test, clear_globs=False)
    result = runner.summarize(verbose=False)
    assert result.failed == 0
    assert examples >= 8
