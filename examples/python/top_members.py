#!/usr/bin/env python3
"""Scores a community's spreadsheet export and prints the top members per quarter.

Reads examples/data/volunteer.csv with pandas, scores it with the shipped rulebook
rules/volunteer-hours.yaml, prints the top members of each quarter (with their
grade when the rulebook defines indexes), and writes every member's explanation to
a text file.

    python examples/python/top_members.py [--top 5] [--out explanations.txt]
"""

import argparse
from decimal import Decimal
from pathlib import Path

import pandas as pd

import merit

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default=ROOT / "examples" / "data" / "volunteer.csv")
    parser.add_argument("--book", default=ROOT / "rules" / "volunteer-hours.yaml")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--out", default="explanations.txt")
    args = parser.parse_args()

    # Spreadsheet exports are text: let merit type every cell by the rulebook's
    # schema (dtype=str keeps `3.50` exact and member ids like `0042` intact).
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False).replace("", None)
    book = merit.Rulebook.load(args.book)
    report = book.score(frame, period="quarter")
    print(f"{book.title or book.id}: {len(frame)} records, {len(report)} members, "
          f"{len(report.rejected)} rejected, {report.unmatched} unmatched")
    for rejected in report.rejected[:5]:
        print(f"  rejected row {rejected['record']}: {rejected['error']}")

    rows, _ = report.to_pandas()
    by_quarter = rows.groupby(["period", "member"])["points"].apply(lambda s: sum(s, Decimal(0)))
    grades = {}
    for member in report.to_dict()["members"]:
        for index in member.get("indexes", []):
            grades[(index["period"], member["member"])] = f"{index['score']} {index['grade'] or ''}".strip()
    for quarter, points in by_quarter.groupby(level="period"):
        print(f"\n{quarter}")
        ranked = sorted(points.droplevel("period").items(), key=lambda mt: (-mt[1], mt[0]))
        for rank, (member, total) in enumerate(ranked[: args.top], start=1):
            grade = grades.get((quarter, member))
            print(f"  {rank}. {member}  {total}" + (f"  ({grade})" if grade else ""))

    with open(args.out, "w", encoding="utf-8") as out:
        for member in report.members:
            out.write(report.explain(member))
            out.write("\n")
    print(f"\nexplanations of {len(report)} members written to {args.out}")


if __name__ == "__main__":
    main()
