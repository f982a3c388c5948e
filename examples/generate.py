#!/usr/bin/env python3
"""Generates the example data in examples/data/ deterministically (fixed seed).

A community of 120 residents and party members over 2026: volunteering logged by
organisers (most verified, some not yet), a few revoked records, weekend and
holiday service, and a couple of typos in `kind` as real exports have.

    python3 examples/generate.py            # writes examples/data/
    python3 examples/generate.py --records 1000000 --members 10000 --out /tmp/big.jsonl
"""

import argparse
import datetime as dt
import json
import os
import random

ACTIVITIES = ["elder-care", "cleanup", "patrol", "tutoring", "blood-drive", "garbage-sorting", "mediation"]
ORGANISERS = ["xianyou-community", "red-cross", "school-7", "neighbourhood-party-branch"]
ROLES = ["secretary", "committee", "party-member", "resident"]


def members(n):
    return [f"m{i:04d}" for i in range(1, n + 1)]


def volunteer_records(rng, member_ids, count, year=2026):
    start = dt.date(year, 1, 1)
    days = (dt.date(year, 12, 31) - start).days + 1
    # Some members volunteer far more than others, as in any community.
    weights = [rng.paretovariate(1.3) for _ in member_ids]
    chosen = rng.choices(member_ids, weights=weights, k=count)
    records = []
    for i, member in enumerate(chosen, start=1):
        day = start + dt.timedelta(days=rng.randrange(days))
        hours = rng.choice([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 4, 5, 6, 8, 9.5])
        record = {
            "id": f"v{i:07d}",
            "member": member,
            "kind": "volunteer",
            "date": day.isoformat(),
            "hours": hours,
            "verified": rng.random() < 0.93,
            "activity": rng.choice(ACTIVITIES),
            "organiser": rng.choice(ORGANISERS),
        }
        roll = rng.random()
        if roll < 0.003:
            record["kind"] = "volunter"  # a typo: unmatched, and counted as such
        elif roll < 0.006:
            record["kind"] = "volunteer_revoked"
        records.append(record)
    records.sort(key=lambda r: (r["date"], r["id"]))
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=6000)
    parser.add_argument("--members", type=int, default=120)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--out", help="write only the volunteer records to this JSONL file")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    member_ids = members(args.members)
    records = volunteer_records(rng, member_ids, args.records)
    if args.out:
        write_jsonl(args.out, records)
        return
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(here, exist_ok=True)
    write_jsonl(os.path.join(here, "volunteer.jsonl"), records)
    profiles = [{"member": m, "role": rng.choice(ROLES), "joined": f"20{rng.randrange(10, 26)}-0{rng.randrange(1, 10)}-01"}
                for m in member_ids]
    write_jsonl(os.path.join(here, "members.jsonl"), profiles)


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
