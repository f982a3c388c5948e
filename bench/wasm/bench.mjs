// Scores 100,000 records in WebAssembly under Node, next to the native engine in
// the same run, on the workload of bench/src/workload.rs (same rulebook, same
// deterministic records), and checks both computed the same grand total.
//
//   ./scripts/build-wasm && node bench/wasm/bench.mjs [--records N] [--reps N]
//
// Native figures come from `cargo run --release -p merit-bench` (its table).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

import { init, Rulebook } from "../../bindings/wasm/pkg/index.js";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg("--records", 100_000);
const MEMBERS = arg("--members", 10_000);
const REPS = arg("--reps", 5);

// The rulebook every contender implements.
const BOOK = readFileSync(new URL("../volunteer-capped.yaml", import.meta.url), "utf8");

// xorshift64* as in workload.rs, on BigInt so that every bit matches.
const MASK = (1n << 64n) - 1n;
function rng(seed) {
  let s = seed;
  const next = () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & MASK;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & MASK;
  };
  return (n) => Number(next() % BigInt(n));
}

const HOURS_TENTHS = [10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 80, 95];

function jsonl(count, members) {
  const below = rng(0x9e3779b97f4a7c15n);
  const start = Date.UTC(2026, 0, 1);
  const lines = [];
  for (let i = 0; i < count; i++) {
    const member = below(members);
    const volunteer = below(100) < 95;
    const verified = below(100) < 93;
    const tenths = HOURS_TENTHS[below(HOURS_TENTHS.length)];
    const date = new Date(start + below(365) * 86_400_000).toISOString().slice(0, 10);
    const hours = tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
    lines.push(`{"id":"r${i + 1}","member":"m${String(member).padStart(5, "0")}","kind":"${volunteer ? "volunteer" : "meeting"}","date":"${date}","hours":${hours},"verified":${verified}}`);
  }
  return lines.join("\n") + "\n";
}

function median(reps, run) {
  let result = run();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    result = run();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)], result];
}

await init();
const book = Rulebook.fromYaml(BOOK, "bench.yaml");
const text = jsonl(RECORDS, MEMBERS);
const objects = text.trimEnd().split("\n").map((l) => JSON.parse(l));

const grandTotal = (report) =>
  report.members.reduce((sum, m) => sum + BigInt(m.total.replace(".", "")), 0n);
const [tText, report] = median(REPS, () => book.score(text, { format: "jsonl" }));
const [tObjects, report2] = median(REPS, () => book.score(objects));
if (grandTotal(report) !== grandTotal(report2)) throw new Error("JSONL and objects disagree");
const total = grandTotal(report);

console.log(`workload: ${RECORDS} records, ${MEMBERS} members, 12 months (bench/src/workload.rs); medians of ${REPS} runs after a warm-up`);
console.log(`WebAssembly grand total: ${total / 10n}.${total % 10n} points\n`);

// The native engine in the same run.
let native = null;
try {
  const out = execFileSync("cargo", ["run", "--quiet", "--release", "-p", "merit-bench", "--",
    "--records", String(RECORDS), "--members", String(MEMBERS), "--reps", String(REPS)],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const row = out.split("\n").find((l) => l.includes("JSONL bytes → report"));
  native = Number(/\|\s*([\d.]+) ms\s*\|/.exec(row)[1]);
  const nativeTotal = /total ([\d.]+) points/.exec(out)[1];
  if (nativeTotal !== `${total / 10n}.${total % 10n}`) throw new Error(`native total ${nativeTotal} differs`);
} catch (e) {
  console.error(`native run unavailable: ${e.message}`);
}

const rate = (ms) => `${(RECORDS / ms / 1e3).toFixed(2)} M`;
console.log("| contender | time | records/s | × native |");
console.log("| --- | ---: | ---: | ---: |");
if (native) console.log(`| native engine, JSONL bytes → report | ${native.toFixed(1)} ms | ${rate(native)} | 1.0 |`);
const ratio = (ms) => (native ? (ms / native).toFixed(1) : "–");
console.log(`| WebAssembly (Node ${process.versions.node}), JSONL string → report objects | ${tText.toFixed(1)} ms | ${rate(tText)} | ${ratio(tText)} |`);
console.log(`| WebAssembly (Node ${process.versions.node}), array of objects → report objects | ${tObjects.toFixed(1)} ms | ${rate(tObjects)} | ${ratio(tObjects)} |`);
