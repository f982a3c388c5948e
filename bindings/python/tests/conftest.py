"""Shared fixtures: the repository's paths, the conformance cases, the CLI binary."""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[3]
CASES = ROOT / "tests" / "cases"

VOLUNTEER_BOOK = """
merit: 1
id: demo
version: "1"
timezone: Asia/Shanghai
period: month
unit: { name: points, decimals: 1 }
fields: { hours: decimal?, verified: bool = false, stars: int? }
rules:
  - id: volunteer-hours
    when: kind == "volunteer" and verified
    points: min(hours, 8) * 10
    cap: [{ per: month, max: 200 }]
"""


@dataclass
class Case:
    """A conformance case's `args`, parsed as engine/tests/conformance.rs does."""

    name: str
    dir: Path
    records: List[str] = field(default_factory=list)
    options: Dict[str, str] = field(default_factory=dict)
    members: Optional[str] = None


def parse_case(dir: Path) -> Case:
    case = Case(dir.name, dir)
    args = dir / "args"
    tokens = shlex.split(args.read_text()) if args.exists() else []
    names = {"--from": "start", "--to": "end", "--as-of": "as_of", "--period": "period"}
    it = iter(tokens)
    for token in it:
        if token in names:
            case.options[names[token]] = next(it)
        elif token == "--members":
            case.members = next(it)
        elif token.startswith("--"):
            raise ValueError(f"{dir.name}: unknown flag {token} in args")
        else:
            case.records.append(token)
    if not case.records:
        case.records.append("records.jsonl")
    return case


def all_cases() -> List[Case]:
    return [parse_case(d) for d in sorted(CASES.iterdir()) if d.is_dir()]


def mismatch(expected, actual, path: str) -> Optional[str]:
    """The Rust suite's reduction: every key `expected` has must match, omitted keys
    are not compared, lists match in length and element by element."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing"
            found = mismatch(value, actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: expected {len(expected)} items, found {len(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = mismatch(e, a, f"{path}[{i}]")
            if found:
                return found
        return None
    if type(expected) is not type(actual) or expected != actual:
        return f"{path}: expected {expected!r}, found {actual!r}"
    return None


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `merit` CLI binary, built by cargo (debug) if it is not there yet."""
    subprocess.run(
        ["cargo", "build", "--quiet", "--locked", "-p", "merit-cli"],
        cwd=ROOT,
        check=True,
    )
    return ROOT / "target" / "debug" / "merit"


@pytest.fixture
def book():
    import merit

    return merit.Rulebook.from_yaml(VOLUNTEER_BOOK, "demo.yaml")
