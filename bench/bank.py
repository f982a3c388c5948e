#!/usr/bin/env python3
"""The moral bank on SQLite and PostgreSQL, side by side, in one run (issue 18's figures).

Run by `scripts/bench-bank`, which builds the release CLI and starts a throwaway
PostgreSQL (`scripts/with-postgres`, whose URL arrives in MERIT_TEST_PG). Everything
is measured from outside, on the release `merit` binary, as an office would run it:

- posting: W concurrent `merit bank post` processes (W = 1, 4, 16) into a fresh
  ledger, each on its own members and its own window of award dates (DESIGN §8.3: a
  post makes the ledger equal the report over the report's span of dates, so two
  offices posting overlapping spans of one rulebook would zero each other's awards);
  the rulebook makes every record exactly one award. Earnings/s = earnings / wall time
  from the first start to the last exit. Then the member balances must sum to the
  credits generated, every writer must report every earning posted, and `bank verify`
  must pass.
- redemptions: P concurrent slots (P = 1, 16), each running `merit bank redeem`
  processes one after another on its own members; every redemption is one process,
  so the figure includes starting it, opening the ledger and checking its schema.
  Balances must drop by exactly what was redeemed.
- verify: one post of N earnings into SQLite, `bank migrate` of that ledger into
  PostgreSQL, then `bank verify` timed on both (every invariant and the hash chain).

Only the standard library. Prints a markdown table; writes bench/BANK.md unless
--no-write. The load average is sampled every 2 s during the run: other work on a
shared machine changes every figure here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POST_DATE = "2026-01-05"  # the day of posting: redemptions are dated on it
# Award dates in 2025: every month closed, so no award is provisional (and held back).
FIRST_DAY = dt.date(2025, 1, 1)
# PostgreSQL with one index more than merit's schema has, created by hand after
# `bank init` (bench/BANK.md says why): a measured proposal, not what merit ships.
INDEXED = "postgres+index"
DAYS = 365

BOOK = """\
merit: 1
id: bank-bench
version: "1"
period: month
unit: { name: credit, decimals: 1 }
fields: { credits: decimal }
rules:
  - { id: deed, tags: [bank], when: kind == "deed", points: credits }
bank:
  earn: { tags: [bank] }
  catalog: [{ id: token, title: token, price: 1 }]
"""


def credits_of(member: int, day: int) -> Decimal:
    """A record's credits: 1.0 to 9.5 in halves, varied so that a lost or doubled
    earning changes the total."""
    return Decimal((member * 7 + day * 3) % 18 + 2) / 2


class Run:
    """The binary, the scratch folder and the server; each database fresh."""

    def __init__(self, merit: Path, scratch: Path, pg: str | None):
        self.merit = merit
        self.scratch = scratch
        self.pg = pg
        self.book = scratch / "book.yaml"
        self.book.write_text(BOOK)
        self.databases = 0

    def fresh(self, store: str, name: str, init: bool = True) -> str:
        """A new ledger (`bank init`; an empty database without `init`, as `bank
        migrate` wants): a SQLite path or a PostgreSQL URL."""
        self.databases += 1
        if store == "sqlite":
            path = self.scratch / f"{name}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            db = str(path)
        else:
            database = f"bench_{name}_{self.databases}".replace("-", "_")
            self.psql(f"CREATE DATABASE {database}")
            db = re.sub(r"^(postgres(?:ql)?://[^/]*/)[^?]*", rf"\g<1>{database}", self.pg)
        if init:
            self.merit_ok("bank", "init", "--db", db, str(self.book))
        if store == INDEXED:
            # The experiment: `latest_movement` (asked once per earning) finds no index
            # usable by its prepared statement and scans postings and txns whole.
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", db, "-c",
                            "CREATE INDEX postings_by_account ON postings(account, txn)"],
                           check=True, stdout=subprocess.DEVNULL)
        return db

    def psql(self, sql: str) -> None:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.pg, "-c", sql], check=True,
                       stdout=subprocess.DEVNULL)

    def merit_ok(self, *args: str) -> str:
        done = subprocess.run([str(self.merit), *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"merit {' '.join(args)} failed ({done.returncode}):\n"
                             f"{done.stdout}{done.stderr}")
        return done.stdout

    def member_total(self, db: str) -> Decimal:
        balances = json.loads(self.merit_ok("bank", "balance", "--db", db, "--format", "json"))
        return sum((Decimal(v) for k, v in balances.items() if k.startswith("member:")), Decimal(0))

    def verify(self, db: str) -> tuple[float, dict]:
        start = time.perf_counter()
        report = json.loads(self.merit_ok("bank", "verify", "--db", db, "--format", "json"))
        return time.perf_counter() - start, report


def write_slice(path: Path, writer: int, members: int, first: int, days: int) -> Decimal:
    """One writer's records: `members` members of its own, each with one record on
    each of its `days` days from day `first`; answers their credits."""
    total = Decimal(0)
    with path.open("w") as out:
        for m in range(members):
            for d in range(first, first + days):
                credits = credits_of(m, d)
                total += credits
                date = FIRST_DAY + dt.timedelta(days=d)
                out.write(json.dumps({"id": f"w{writer}m{m}d{d}", "member": f"w{writer}m{m}",
                                      "kind": "deed", "date": date.isoformat(),
                                      "credits": str(credits)}) + "\n")
    return total


def post(run: Run, store: str, writers: int, earnings: int) -> dict:
    """`writers` concurrent posts of `earnings` earnings in all; checked."""
    days = DAYS // writers
    members = max(1, -(-earnings // (writers * days)))
    db = run.fresh(store, f"post{writers}")
    files, expected = [], Decimal(0)
    for w in range(writers):
        path = run.scratch / f"post{writers}-w{w}.jsonl"
        expected += write_slice(path, w, members, w * days, days)
        files.append(path)
    total = members * days * writers
    argv = lambda f: [str(run.merit), "bank", "post", str(run.book), str(f), "--db", db,  # noqa: E731
                      "--date", POST_DATE, "--format", "json"]
    start = time.perf_counter()
    procs = [subprocess.Popen(argv(f), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in files]
    outs = [p.communicate() for p in procs]
    seconds = time.perf_counter() - start
    posted = 0
    for p, (out, err) in zip(procs, outs):
        if p.returncode != 0:
            raise SystemExit(f"{store}, {writers} writers: a post failed:\n{out}{err}")
        posted += json.loads(out)["posted"]
    held = run.member_total(db)
    if posted != total or held != expected:
        raise SystemExit(f"{store}, {writers} writers: posted {posted} of {total}, "
                         f"members hold {held}, expected {expected}")
    _, report = run.verify(db)
    if report.get("problems"):
        raise SystemExit(f"{store}, {writers} writers: verify found {report['problems']}")
    return {"db": db, "writers": writers, "earnings": total, "seconds": seconds,
            "members": [f"w{w}m{m}" for w in range(writers) for m in range(members)],
            "held": held}


def redeem(run: Run, store: str, posted: dict, slots: int, count: int) -> dict:
    """`count` redemptions of 1 credit by `slots` concurrent slots, one process each."""
    db, members = posted["db"], posted["members"]
    before = run.member_total(db)
    per = -(-count // slots)
    tag = f"{store}-{slots}-{time.time_ns()}"

    def slot(s: int) -> None:
        mine = members[s::slots]
        for i in range(per):
            run.merit_ok("bank", "redeem", "--db", db, "--member", mine[i % len(mine)],
                         "--amount", "1", "--key", f"{tag}-{s}-{i}", "--date", POST_DATE)

    start = time.perf_counter()
    with ThreadPoolExecutor(slots) as pool:
        list(pool.map(slot, range(slots)))
    seconds = time.perf_counter() - start
    after = run.member_total(db)
    if before - after != per * slots:
        raise SystemExit(f"{store}, {slots} redeemers: balances fell by {before - after}, "
                         f"expected {per * slots}")
    return {"slots": slots, "redemptions": per * slots, "seconds": seconds}


def verify_big(run: Run, transactions: int) -> dict:
    """A ledger of `transactions` earnings in SQLite (one post), moved to PostgreSQL
    (`bank migrate`), verified on both."""
    members = -(-transactions // DAYS)
    path = run.scratch / "verify.jsonl"
    write_slice(path, 0, members, 0, DAYS)
    sqlite = run.fresh("sqlite", "verify")
    start = time.perf_counter()
    run.merit_ok("bank", "post", str(run.book), str(path), "--db", sqlite, "--date", POST_DATE)
    post_seconds = time.perf_counter() - start
    out = {"transactions": members * DAYS, "post_seconds": post_seconds}
    out["sqlite_seconds"], report = run.verify(sqlite)
    out["count"] = report["transactions"]
    if run.pg:
        pg = run.fresh("postgres", "verify", init=False)
        start = time.perf_counter()
        run.merit_ok("bank", "migrate", "--from", sqlite, "--to", pg)
        out["migrate_seconds"] = time.perf_counter() - start
        out["postgres_seconds"], report = run.verify(pg)
        if report["transactions"] != out["count"]:
            raise SystemExit(f"the migrated ledger has {report['transactions']} transactions")
    return out


class Load:
    """Samples the 1-minute load average every 2 s while the run goes on."""

    def __init__(self):
        self.samples: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        while not self.stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self.stop.wait(2)

    def summary(self) -> str:
        s = self.samples or [os.getloadavg()[0]]
        return f"min {min(s):.1f}, mean {sum(s) / len(s):.1f}, max {max(s):.1f} ({len(s)} samples)"


def machine(merit: Path) -> list[str]:
    def out(*argv: str) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT).stdout.strip()
        except OSError:
            return "?"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), "0")
    postgres = shutil.which("postgres") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))), None)
    return [
        f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; commit {out('git', 'rev-parse', '--short', 'HEAD')}",
        f"- machine: {os.cpu_count()} cores ({cpu}), {int(mem) // 1024 // 1024} GB, {platform.system()} {platform.release()}",
        f"- {out(str(merit), '--version')} (release), {out('rustc', '--version')}",
        f"- PostgreSQL: {out(str(postgres), '--version') if postgres else '?'} (scripts/with-postgres: unix socket, fsync=off); "
        "SQLite: bundled, WAL, synchronous=FULL",
    ]


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--merit", default=str(ROOT / "target/release/merit"))
    ap.add_argument("--pg", default=os.environ.get("MERIT_TEST_PG"), help="a server's URL (default: MERIT_TEST_PG)")
    ap.add_argument("--earnings", type=int, default=48_000, help="earnings per posting run (48,000)")
    ap.add_argument("--writers", default="1,4,16")
    ap.add_argument("--redemptions", type=int, default=320, help="redemptions per redeeming run (320)")
    ap.add_argument("--redeemers", default="1,16")
    ap.add_argument("--transactions", type=int, default=1_000_000, help="the ledger verify checks (1,000,000)")
    ap.add_argument("--scratch", default=str(ROOT / "target/bench-bank"))
    ap.add_argument("--no-write", action="store_true", help="leave bench/BANK.md alone")
    args = ap.parse_args()

    merit = Path(args.merit)
    scratch = Path(args.scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    run = Run(merit, scratch, args.pg)
    stores = ["sqlite"] + (["postgres", INDEXED] if args.pg else [])
    if not args.pg:
        print("no PostgreSQL (MERIT_TEST_PG unset): SQLite only", file=sys.stderr)
    load = Load()
    load.thread.start()
    began = time.perf_counter()

    posts: dict[tuple[str, int], dict] = {}
    redeems: dict[tuple[str, int], dict] = {}
    failures: list[str] = []
    for writers in [int(w) for w in args.writers.split(",")]:
        for store in stores:
            try:
                posts[store, writers] = r = post(run, store, writers, args.earnings)
            except SystemExit as failed:  # kept in the table, not hidden
                failures.append(f"{store}, {writers} writer(s): {str(failed).strip()}")
                print(failures[-1], file=sys.stderr)
                continue
            print(f"post {store} {writers} writers: {r['earnings']} in {r['seconds']:.2f} s", file=sys.stderr)
    for slots in [int(s) for s in args.redeemers.split(",")]:
        for store in stores:
            done = [w for st, w in posts if st == store]
            if not done:
                continue
            last = max(done)
            redeems[store, slots] = r = redeem(run, store, posts[store, last], slots, args.redemptions)
            print(f"redeem {store} {slots}: {r['redemptions']} in {r['seconds']:.2f} s", file=sys.stderr)
    big = verify_big(run, args.transactions)
    print(f"verify: {big}", file=sys.stderr)
    load.stop.set()
    elapsed = time.perf_counter() - began

    names = ("sqlite", "postgres", INDEXED)
    rows = ["| measure | SQLite | PostgreSQL | PostgreSQL + index on postings(account, txn) |",
            "| --- | ---: | ---: | ---: |"]
    cell = lambda table, key, f: f(table[key]) if key in table else "failed"  # noqa: E731
    for writers in sorted({w for _, w in posts}):
        rows.append(f"| posting, {writers} writer(s), earnings/s | "
                    + " | ".join(cell(posts, (s, writers), lambda r: rate(r["earnings"], r["seconds"]))
                                 for s in names) + " |")
    for slots in sorted({s for _, s in redeems}):
        rows.append(f"| redeeming, {slots} process(es) at once, redemptions/s | "
                    + " | ".join(cell(redeems, (s, slots), lambda r: rate(r["redemptions"], r["seconds"]))
                                 for s in names) + " |")
    pg_verify = f"{big['postgres_seconds']:.1f}" if "postgres_seconds" in big else "—"
    rows.append(f"| `bank verify`, {big['count']:,} transactions, s | {big['sqlite_seconds']:.1f} | {pg_verify} | — |")
    table = "\n".join(rows)
    print(table)

    per_post = args.earnings
    details = [
        f"- posting: {per_post:,} earnings per run (rounded up to whole members), each writer a `merit bank post` "
        "process on its own members and its own window of award dates; wall time from the first start to the last exit, "
        "including each process's start, scoring and schema check; balances summed and `bank verify` passed after each run",
        f"- redeeming: {args.redemptions} redemptions of 1 credit per run on the ledger of the last posting run, "
        "one `merit bank redeem` process each (start, open, schema check, redeem); balances checked after",
        f"- verify: a ledger of {big['count']:,} earnings posted by one process into SQLite in {big['post_seconds']:.1f} s "
        f"({rate(big['count'], big['post_seconds'])} earnings/s)"
        + (f", moved to PostgreSQL by `bank migrate` in {big['migrate_seconds']:.1f} s" if "migrate_seconds" in big else ""),
        *[f"- failed: {f}" for f in failures],
        f"- load average (1 min) during the run: {load.summary()}; the run took {elapsed / 60:.1f} min",
    ]
    if args.no_write:
        return
    path = ROOT / "bench/BANK.md"
    keep = ""
    if path.exists():
        text = path.read_text()
        marker = "<!-- notes below are kept -->"
        if marker in text:
            keep = text[text.index(marker):]
    header = ["# The moral bank on SQLite and PostgreSQL", "",
              "Written by `scripts/bench-bank` (bench/bank.py); the part below the marker line is kept.", ""]
    path.write_text("\n".join(header + machine(merit) + [""] + [table, ""] + details + [""]) + "\n"
                    + (keep or "<!-- notes below are kept -->\n"))
    print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
