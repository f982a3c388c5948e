// One WebAssembly contender of the benchmark under Node, measured in this process
// (run by bench/collect.py, one process per contender, so that its peak memory is
// its own):
//
//   node bench/wasm/bench.mjs CONTENDER --data DIR [--reps N] [--limit N]
//
//   wasm-jsonl       the engine (bindings/wasm/pkg, built by scripts/build-wasm) scoring
//                    a JSONL string into report objects, as the package answers: on
//                    its lean build (opt-level "z", what a phone downloads first)
//   wasm-jsonl-full  the same on the full build (opt-level "s", pkg/full), called
//                    directly: what the package measured before it had two builds
//   wasm-objects     the same as wasm-jsonl from an array of record objects
//                    (JSON.parse of each line)
//
// Reads the first --limit records (default: all) of DIR/records.jsonl, written by
// `merit-bench generate`, outside the timed region; times the median of --reps runs
// after a warm-up (at most 3 when the warm-up takes over 2 s, as elsewhere) and
// prints one JSON line with the digest of the per-member totals (sha256 of the
// sorted `member,total` lines, as merit-bench computes it).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { init, Rulebook as LeanRulebook } from "../../bindings/wasm/pkg/index.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { data: { type: "string", default: "target/bench" }, reps: { type: "string", default: "5" }, limit: { type: "string" } },
});
const [contender] = positionals;
const reps = Math.max(1, Number(values.reps));

/** Median milliseconds of `reps` runs after a warm-up, the runs made, the last result. */
function measure(reps, run) {
  const warm = performance.now();
  let result = run();
  if (performance.now() - warm > 2000) reps = Math.min(reps, 3);
  const times = [];
  for (let i = 0; i < reps; i++) {
    result = null; // the previous result can be collected before the next run
    const start = performance.now();
    const out = run();
    times.push(performance.now() - start);
    result = out;
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)] / 1000, reps, result];
}

/** A decimal string with at most one decimal place in tenths. */
function tenths(text) {
  const [whole, fraction = "0"] = text.replace("-", "").split(".");
  const value = BigInt(whole) * 10n + BigInt(fraction.padEnd(1, "0").slice(0, 1));
  return text.startsWith("-") ? -value : value;
}

/** sha256 of the sorted `member,total` lines of non-zero totals (in tenths). */
function digest(totals) {
  const lines = totals
    .filter(([, t]) => t !== 0n)
    .map(([m, t]) => {
      const a = t < 0n ? -t : t;
      return `${m},${t < 0n ? "-" : ""}${a / 10n}.${a % 10n}\n`;
    });
  lines.sort();
  return createHash("sha256").update(lines.join("")).digest("hex");
}

/** The Rulebook class of the build the contender measures. */
async function rulebookClass() {
  if (contender !== "wasm-jsonl-full") {
    await init();
    return LeanRulebook;
  }
  const full = new URL("../../bindings/wasm/pkg/full/", import.meta.url);
  const glue = await import(new URL("merit_wasm.js", full));
  glue.initSync({ module: readFileSync(new URL("merit_wasm_bg.wasm", full)) });
  return glue.Rulebook;
}
const Rulebook = await rulebookClass();
const book = Rulebook.fromYaml(readFileSync(new URL("../volunteer-capped.yaml", import.meta.url), "utf8"), "bench.yaml");
/** The first `limit` lines of the JSONL file (all by default): [text, lines]. */
function jsonl(limit) {
  const text = readFileSync(join(values.data, "records.jsonl"), "utf8");
  let [end, count] = [0, 0];
  for (; count < limit && end < text.length; count++) end = text.indexOf("\n", end) + 1 || text.length;
  return [text.slice(0, end), count];
}
const input = {
  "wasm-jsonl": ([text, count]) => [text, count],
  "wasm-jsonl-full": ([text, count]) => [text, count],
  "wasm-objects": ([text, count]) => [text.split("\n", count).map((line) => JSON.parse(line)), count],
}[contender];
if (!input) {
  console.error(`unknown contender ${contender}: wasm-jsonl, wasm-jsonl-full or wasm-objects`);
  process.exit(2);
}
const [records, count] = input(jsonl(values.limit === undefined ? Infinity : Number(values.limit)));
const options = contender === "wasm-objects" ? undefined : { format: "jsonl" };
const [seconds, done, totals] = measure(reps, () =>
  book.score(records, options).members.map((m) => [m.member, tenths(m.total)]),
);
console.log(JSON.stringify({ contender, seconds, reps: done, records: count, digest: digest(totals) }));
