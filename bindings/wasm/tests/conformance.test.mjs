// Runs every conformance case in tests/cases/ through the WebAssembly package, with
// the comparison engine/tests/conformance.rs makes: expected.json is a reduced
// report, every key it has must match, lists match in length and element by
// element. A case that passes in Rust and fails here is a binding bug.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test, before } from "node:test";

import { init, Rulebook } from "../pkg/index.js";

const casesDir = new URL("../../../tests/cases/", import.meta.url).pathname;

/** What a case's `args` file says, as the Rust harness reads it. */
function parseArgs(text) {
  const args = { records: [], options: {} };
  const tokens = text.split(/\s+/).filter(Boolean);
  const names = { "--from": "from", "--to": "to", "--as-of": "asOf", "--period": "period" };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token in names) args.options[names[token]] = tokens[++i];
    else if (token === "--members") args.members = tokens[++i];
    else if (token.startsWith("--")) throw new Error(`unknown flag ${token} in args`);
    else args.records.push(token);
  }
  if (args.records.length === 0) args.records.push("records.jsonl");
  return args;
}

const formatOf = (file) => file.split(".").pop();

/** `expected` is a reduced report: the first difference, or null. */
export function mismatch(expected, actual, path) {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, found ${JSON.stringify(actual)}`;
    if (expected.length !== actual.length) {
      return `${path}: expected ${expected.length} items, found ${actual.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(expected[i], actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      return `${path}: expected an object, found ${JSON.stringify(actual)}`;
    }
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) return `${path}.${key}: missing`;
      const m = mismatch(value, actual[key], `${path}.${key}`);
      if (m) return m;
    }
    return null;
  }
  return expected === actual
    ? null
    : `${path}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`;
}

export function runCase(dir) {
  const read = (name) => readFileSync(join(dir, name), "utf8");
  const book = Rulebook.fromYaml(read("book.yaml"), "book.yaml");
  let argsText = "";
  try {
    argsText = read("args");
  } catch {}
  const args = parseArgs(argsText);
  const options = { ...args.options };
  if (args.members) {
    options.members = read(args.members);
    options.membersFormat = formatOf(args.members);
  }
  // One input: read in its file's format. Several: an array of texts, read in order
  // as the CLI reads several files, each in the format its first character implies.
  if (args.records.length === 1) {
    options.format = formatOf(args.records[0]);
    return book.score(read(args.records[0]), options);
  }
  return book.score(args.records.map(read), options);
}

const cases = readdirSync(casesDir)
  .filter((name) => statSync(join(casesDir, name)).isDirectory())
  .sort();

describe("conformance cases through WebAssembly", () => {
  before(() => init());

  test("the corpus has at least 15 cases", () => {
    assert.ok(cases.length >= 15, `found ${cases.length}`);
  });

  for (const name of cases) {
    test(name, () => {
      const dir = join(casesDir, name);
      const actual = runCase(dir);
      const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8"));
      const diff = mismatch(expected, actual, name);
      assert.equal(diff, null, diff ?? "");
    });
  }

  test("reports are identical across runs", () => {
    const dir = join(casesDir, "cap-day-and-month");
    assert.deepEqual(runCase(dir), runCase(dir));
  });
});
