#!/usr/bin/env python3
"""The benchmark's driver, run by scripts/bench (see bench/README.md).

Generates the workload once (`merit-bench generate`), runs every contender in its
own process — Rust, the CLI, Python, WebAssembly under Node, the peers — reading its
peak memory from that process's rusage (os.wait4), checks that every contender's
per-member totals have the digest of the fixed-point loop's on the same records,
then prints one markdown table and, for the full workload, writes it with the
machine's description to bench/RESULTS.md, keeping everything below NOTES_MARKER.

Standard library only; runs with the project's .venv Python, which the Python
contenders need (they are run with this same interpreter).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
DATA = TARGET / "bench"
MERIT_BENCH = TARGET / "release" / "merit-bench"
MERIT = TARGET / "release" / "merit"
RESULTS = ROOT / "bench" / "RESULTS.md"
NOTES_MARKER = "<!-- notes below are kept -->"
FULL_RECORDS = 1_000_000
# A warm-up slower than this gives at most SLOW_REPS repetitions (as in every contender).
SLOW, SLOW_REPS = 2.0, 3


@dataclass
class Contender:
    id: str
    group: str
    label: str
    # How the contender is run: "rust", "python" or "node" (it measures itself and
    # prints a JSON line), "cli" (a whole `merit score` process, timed from here) or
    # "process" (a whole Python process of a peer, `bench.py ID --once`, timed from
    # here as the CLI is, interpreter start and imports included).
    runner: str
    # Records scored: None for the whole workload, or the first N (slow peers).
    limit: int | None = None


def contenders(cores: int, zen_batch: int, zen_each: int) -> list[Contender]:
    n = f"{cores} threads"
    return [
        Contender("rust-fixed", "hand-written Rust", "fixed-point i64 (the yardstick)", "rust"),
        Contender("rust-decimal-columnar", "hand-written Rust", "rust_decimal, columnar", "rust"),
        Contender("rust-decimal-hashmap", "hand-written Rust", "rust_decimal, HashMap per member-month", "rust"),
        Contender("rust-f64-hashmap", "hand-written Rust", "f64, HashMap per member-month", "rust"),
        Contender("engine-eval-1t", "merit, Rust library", "evaluation only (records in memory), 1 thread", "rust"),
        Contender("engine-eval", "merit, Rust library", f"evaluation only (records in memory), {n}", "rust"),
        Contender("engine-report", "merit, Rust library", f"evaluation + the report with every explanation, {n}", "rust"),
        Contender("engine-table", "merit, Rust library", f"the rule as a decision table, {n}", "rust"),
        Contender("engine-script", "merit, Rust library", f"the rule as a rhai script per member-month, {n}", "rust"),
        Contender("engine-mix", "merit, Rust library", f"the rulebook mix (bench/mix.yaml), {n}", "rust"),
        Contender("engine-jsonl", "merit, Rust library", f"JSONL bytes → report, {n}", "rust"),
        Contender("engine-csv", "merit, Rust library", f"CSV bytes → report, {n}", "rust"),
        Contender("engine-arrow", "merit, Rust library", f"Arrow batches (as the pyarrow Table) → report, {n}", "rust"),
        Contender("cli-json", "merit CLI", "`merit score`, CSV file → JSON report (whole process)", "cli"),
        Contender("cli-csv", "merit CLI", "`merit score`, CSV file → CSV report (whole process)", "cli"),
        Contender("merit-arrow", "merit from Python", "from a pyarrow Table", "python"),
        Contender("merit-pandas", "merit from Python", "from a pandas DataFrame (float hours)", "python"),
        Contender("merit-dicts", "merit from Python", "from a list of dicts (json.loads)", "python"),
        Contender("merit-csv", "merit from Python", "from a CSV path", "python"),
        Contender("wasm-jsonl", "merit in WebAssembly", "Node, JSONL string → report objects (lean build)", "node"),
        Contender(
            "wasm-jsonl-full", "merit in WebAssembly", "Node, JSONL string → report objects (full build)", "node"
        ),
        Contender("wasm-objects", "merit in WebAssembly", "Node, array of objects → report objects", "node"),
        Contender("rhai-per-record", "peers", "rhai, compiled AST reused per record, cap in Rust", "rust"),
        Contender("pandas", "peers", "pandas groupby, frame in memory (f64)", "python"),
        Contender("polars", "peers", f"polars, frame in memory (f64, {n})", "python"),
        Contender("polars-csv", "peers", f"polars `read_csv` + `group_by`, CSV file → totals ({n})", "python"),
        Contender("duckdb-csv", "peers", f"DuckDB `read_csv` + SQL with the cap, CSV file → totals ({n})", "python"),
        Contender(
            "polars-process", "peers", f"polars, CSV file → totals (whole Python process, {n})", "process"
        ),
        Contender(
            "duckdb-process", "peers", f"DuckDB, CSV file → totals (whole Python process, {n})", "process"
        ),
        Contender("zen-batch", "peers", "zen-engine decision table, `evaluate_batch`, no cap", "python", zen_batch),
        Contender("zen-evaluate", "peers", "zen-engine decision table, `evaluate` per record, no cap", "python", zen_each),
    ]


@dataclass
class Result:
    contender: Contender
    seconds: float
    reps: int
    records: int
    digest: str
    peak_kb: int
    note: str = ""


def spawn(command: list, stdout=subprocess.PIPE) -> tuple[bytes, float, int]:
    """Runs one process; returns its standard output, wall time and peak RSS (KB,
    from its own rusage: os.wait4 reports the child's, not this process's)."""
    start = time.perf_counter()
    child = subprocess.Popen([str(c) for c in command], stdout=stdout)
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited with {child.returncode}")
    return out, seconds, usage.ru_maxrss


def self_measured(c: Contender, reps: int) -> Result:
    """A contender that measures itself and prints one JSON line."""
    limit = ["--limit", c.limit] if c.limit is not None else []
    args = [c.id, "--data", DATA, "--reps", reps, *limit]
    command = {
        "rust": [MERIT_BENCH, "run"],
        "python": [sys.executable, ROOT / "bench" / "python" / "bench.py"],
        "node": ["node", ROOT / "bench" / "wasm" / "bench.mjs"],
    }[c.runner] + args
    out, _, peak = spawn(command)
    line = json.loads(out.decode().strip().splitlines()[-1])
    return Result(c, line["seconds"], line["reps"], line["records"], line["digest"], peak)


def whole_process(command: list, out: Path, reps: int) -> tuple[float, int, int]:
    """Median wall time of `reps` runs of `command` after a warm-up, its standard
    output written to `out`; returns it with the runs made and the peak RSS (KB)."""
    times, peak = [], 0
    for i in range(reps + 1):  # the first run is the warm-up
        with open(out, "wb") as sink:
            _, seconds, kb = spawn(command, stdout=sink)
        peak = max(peak, kb)
        if i == 0:
            if seconds > SLOW:
                reps = min(reps, SLOW_REPS)
            continue
        times.append(seconds)
        if len(times) == reps:
            break
    times.sort()
    return times[len(times) // 2], reps, peak


def cli(c: Contender, reps: int, records: int) -> Result:
    """`merit score` as a user runs it, timed from here: median wall time of the
    whole process after a warm-up; the report goes to a file, its totals are read back."""
    fmt = c.id.removeprefix("cli-")
    report = DATA / f"report.{fmt}"
    command = [MERIT, "score", ROOT / "bench" / "volunteer-capped.yaml", DATA / "records.csv", "--format", fmt]
    seconds, reps, peak = whole_process(command, report, reps)
    digest = json.loads(spawn([MERIT_BENCH, "digest-report", report])[0])["digest"]
    note = f"report {report.stat().st_size / 1e6:.0f} MB"
    report.unlink()
    return Result(c, seconds, reps, records, digest, peak, note)


def peer_process(c: Contender, reps: int, records: int) -> Result:
    """A peer as a user runs it from the shell, timed from here like `merit score`:
    a Python process that reads the CSV file and prints the totals' digest."""
    peer = c.id.replace("-process", "-csv")
    out = DATA / f"{c.id}.json"
    command = [sys.executable, ROOT / "bench" / "python" / "bench.py", peer, "--data", DATA, "--once"]
    seconds, reps, peak = whole_process(command, out, reps)
    digest = json.loads(out.read_text().strip().splitlines()[-1])["digest"]
    out.unlink()
    return Result(c, seconds, reps, records, digest, peak)


# merit's whole-process rows against the peers' in the same run: (merit, peer).
RATIOS = [
    ("cli-csv", "duckdb-process"),
    ("cli-csv", "polars-process"),
    ("cli-json", "duckdb-process"),
    ("cli-json", "polars-process"),
    ("cli-csv", "duckdb-csv"),
    ("cli-csv", "polars-csv"),
]


def ratios(results: list[Result]) -> str:
    """How many times the peer's time each merit row takes, for the pairs of RATIOS
    that both ran."""
    by_id = {r.contender.id: r for r in results}
    rows = ["| merit | peer | merit ÷ peer |", "| --- | --- | ---: |"]
    for ours, theirs in RATIOS:
        if ours in by_id and theirs in by_id:
            a, b = by_id[ours], by_id[theirs]
            rows.append(f"| {a.contender.label} | {b.contender.label} | {a.seconds / b.seconds:.2f}× |")
    return "\n".join(rows) if len(rows) > 2 else ""


def machine() -> dict:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    run = lambda *c: subprocess.run(c, capture_output=True, text=True, cwd=ROOT).stdout.strip()  # noqa: E731
    dirty = " (with uncommitted changes)" if run("git", "status", "--porcelain", "--untracked-files=no") else ""
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "rustc": run("rustc", "--version"),
        "python": platform.python_version(),
        "node": run("node", "--version"),
        "commit": run("git", "rev-parse", "--short", "HEAD") + dirty,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def table(results: list[Result], baseline: Result) -> str:
    per_record = baseline.seconds / baseline.records
    rows = [
        "| group | contender | records | time | records/s | × fixed-point time per record | peak RSS |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rate = r.records / r.seconds
        ratio = (r.seconds / r.records) / per_record
        label = r.contender.label + (f" ({r.note})" if r.note else "")
        rows.append(
            f"| {r.contender.group} | {label} | {r.records:,} | {r.seconds * 1e3:,.1f} ms | {rate / 1e6:.3f} M "
            f"| {ratio:,.1f} | {r.peak_kb / 1024:,.0f} MB |"
        )
    return "\n".join(rows)


def write_results(text: str) -> None:
    """Replaces bench/RESULTS.md up to NOTES_MARKER; what follows it is kept."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    notes = old[old.index(NOTES_MARKER):] if NOTES_MARKER in old else NOTES_MARKER + "\n"
    RESULTS.write_text(text + "\n" + notes, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description="merit's benchmark (run it through scripts/bench)")
    parser.add_argument("--records", type=int, default=FULL_RECORDS)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=5, help="repetitions after the warm-up (slow contenders: at most 3)")
    parser.add_argument("--quick", action="store_true", help="100,000 records, 2 repetitions: a smoke test")
    parser.add_argument("--only", help="comma-separated contender ids (the fixed-point loop always runs)")
    parser.add_argument("--no-write", action="store_true", help="leave bench/RESULTS.md as it is")
    args = parser.parse_args()
    if args.quick:
        args.records, args.reps = 100_000, 2
    started, load_before, cores = time.perf_counter(), load(), os.cpu_count() or 1
    all_contenders = contenders(cores, min(20_000, args.records), min(2_000, args.records))
    chosen = all_contenders
    if args.only:
        wanted = set(args.only.split(",")) | {"rust-fixed"}
        unknown = wanted - {c.id for c in all_contenders}
        if unknown:
            parser.error(f"unknown contenders: {', '.join(sorted(unknown))}")
        chosen = [c for c in all_contenders if c.id in wanted]

    print(f"generating {args.records:,} records over {args.members:,} members into {DATA}", file=sys.stderr)
    spawn([MERIT_BENCH, "generate", DATA, "--records", args.records, "--members", args.members])

    results, failures = [], []
    for c in chosen:
        print(f"{c.id:>22} …", end=" ", file=sys.stderr, flush=True)
        began = time.perf_counter()
        try:
            if c.runner == "cli":
                result = cli(c, args.reps, args.records)
            elif c.runner == "process":
                result = peer_process(c, args.reps, args.records)
            else:
                result = self_measured(c, args.reps)
        except (RuntimeError, OSError, ValueError, KeyError) as error:
            print(f"failed: {error}", file=sys.stderr)
            failures.append(f"{c.id}: {error}")
            continue
        print(
            f"{result.seconds * 1e3:,.1f} ms, {result.peak_kb / 1024:,.0f} MB "
            f"({time.perf_counter() - began:.0f} s with loading and repetitions; load {load()})",
            file=sys.stderr,
        )
        results.append(result)

    # Every contender's totals against the fixed-point loop's on the same records.
    references: dict[int, str] = {}
    for r in results:
        if r.records not in references:
            out = spawn([MERIT_BENCH, "run", "rust-fixed", "--data", DATA, "--reps", 1, "--limit", r.records])[0]
            references[r.records] = json.loads(out)["digest"]
        if r.digest != references[r.records]:
            failures.append(f"{r.contender.id}: totals differ from the fixed-point loop's on {r.records:,} records")
    baseline = next((r for r in results if r.contender.id == "rust-fixed"), None)
    if failures or baseline is None:
        print("\n".join(["the benchmark failed:", *failures]), file=sys.stderr)
        return 1

    load_after, info, wall = load(), machine(), time.perf_counter() - started
    subsets = any(r.records != args.records for r in results)
    text = "\n".join(
        [
            "# Results of `scripts/bench`",
            "",
            "Written by `scripts/bench` (bench/collect.py); `bench/README.md` says what each row means.",
            "",
            f"Workload: {args.records:,} records, {args.members:,} members, 12 months of 2026; rule "
            '`kind == "volunteer" and verified` → `min(hours, 8) * 10`, month cap 200.',
            "",
            f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory']}; load average "
            f"{load_before} before, {load_after} after; {info['rustc']}, Python {info['python']}, "
            f"Node {info['node']}; merit at {info['commit']}; {info['date']}.",
            "",
            f"Medians of {args.reps} repetitions after a warm-up (at most {SLOW_REPS} for contenders whose "
            f"warm-up took over {SLOW:.0f} s); each contender ran in its own process, and its peak RSS is "
            "that process's (inputs it loaded included). Every contender's per-member totals matched "
            "the fixed-point loop's on the same records"
            + (" (for a row of fewer records, the fixed-point loop's on those first records)" if subsets else "")
            + f". The whole run took {wall:.0f} s.",
            "",
            table(results, baseline),
            "",
        ]
    )
    if ratios(results):
        text += "\nmerit against the peers in this run (wall time; below 1 is merit faster):\n\n" + ratios(results) + "\n"
    print("\n" + text)
    if args.no_write or args.records != FULL_RECORDS or args.members != 10_000:
        print("(bench/RESULTS.md left as it is: it holds the full workload's figures)", file=sys.stderr)
    else:
        write_results(text)
        print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
