#!/usr/bin/env python3
"""Previews "what if this member logs 3 more volunteer hours?".

Scores the member's records as of a day, adds one verified record of 3 hours on
that day, scores again, and prints what would change and why (caps included).

    python examples/python/what_if.py [--member m0001] [--as-of 2026-03-20] [--hours 3]
"""

import argparse
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import merit

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--member", default="m0001")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 3, 20))
    parser.add_argument("--hours", type=Decimal, default=Decimal(3))
    args = parser.parse_args()

    book = merit.Rulebook.load(ROOT / "rules" / "volunteer-hours.yaml")
    lines = (ROOT / "examples" / "data" / "volunteer.jsonl").read_text().splitlines()
    # Only this member's records matter: evaluation is per member.
    mine = [r for r in map(json.loads, lines) if r["member"] == args.member]
    extra = {"id": "what-if", "member": args.member, "kind": "volunteer", "date": args.as_of,
             "时长": args.hours, "核实": True, "服务类型": "preview"}

    before = book.score(mine, as_of=args.as_of)
    after = book.score(mine + [extra], as_of=args.as_of)
    was, now = before.totals.get(args.member, Decimal(0)), after.totals[args.member]
    print(f"{args.member} as of {args.as_of}: {was} → {now} points ({now - was:+} for {args.hours} more hours)")
    for period in after.member(args.member)["periods"]:
        for award in period["awards"]:
            if "what-if" in award["records"]:
                note = f"; cap {award['withheld']['cap']} withholds {award['withheld']['points']}" if award["withheld"] else ""
                print(f"  {award['rule']}: {award['points']} — {award['explain']}{note}")


if __name__ == "__main__":
    main()
