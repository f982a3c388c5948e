// What a phone downloads for the resident's view (issue 19): the lean package, the
// .wasm and the JavaScript that loads it, at most 700 KB gzipped. Size is a property
// of the product, like its output: measured on the files scripts/build-wasm made.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

const pkg = new URL("../pkg/", import.meta.url);
const gzipped = (file) => gzipSync(readFileSync(new URL(file, pkg)), { level: 9 }).length;
const LIMIT = 700 * 1000;

test("the lean package is at most 700 KB gzipped", () => {
  const files = ["merit_wasm_bg.wasm", "merit_wasm.js", "index.js"];
  const sizes = Object.fromEntries(files.map((f) => [f, gzipped(f)]));
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  assert.ok(total <= LIMIT, `the lean package is ${total} bytes gzipped (${JSON.stringify(sizes)}), over ${LIMIT}`);
});

test("the full package is a separate file, fetched only when needed", () => {
  // Not a limit on the full build: a check that the two builds differ, so that the
  // test above measures the lean one.
  assert.ok(gzipped("full/merit_wasm_bg.wasm") > gzipped("merit_wasm_bg.wasm"));
});
