// The error table (tests/errors/requests.json) through the WebAssembly package:
// the same code and the same message as the Rust engine and the Python binding.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";

import * as merit from "../pkg/index.js";

const root = new URL("../../../", import.meta.url).pathname;
const TABLE = JSON.parse(readFileSync(`${root}tests/errors/requests.json`, "utf8"));

/** The name this suite gives an input: `records`, as `score` names it. */
const INPUT = "records";

function run(c) {
  const book = merit.Rulebook.fromYaml(readFileSync(root + (c.book ?? TABLE.book), "utf8"));
  const records = c.records_file ? new Uint8Array(readFileSync(root + c.records_file)) : TABLE.records;
  const report = book.score(records, c.score ?? {});
  if (c.rank) book.rank(report, c.rank);
  if (c.explain) book.explain(report, c.explain.member, c.explain.lang);
  if (c.bank) {
    const bank = new merit.Bank();
    for (const step of c.bank) {
      if (step.post) bank.post(book, report, { date: step.post });
      if (step.redeem) {
        const { member, ...what } = step.redeem;
        bank.redeem(member, what);
      }
    }
  }
}

describe("the error table", () => {
  before(() => merit.init());
  test("holds at least 20 bad requests", () => assert.ok(TABLE.cases.length >= 20));
  for (const c of TABLE.cases) {
    test(c.name, () => {
      const expected = c.input_message === undefined ? c.message : `${INPUT}: ${c.input_message}`;
      assert.throws(
        () => run(c),
        (e) => {
          assert.equal(e.name, "MeritError");
          assert.deepEqual([e.code, e.message], [c.code, expected]);
          return true;
        },
      );
    });
  }
});
