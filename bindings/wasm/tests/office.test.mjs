// Office data read as it is in the browser (DESIGN section 8.1): the office
// example's xlsx and GBK CSV, picked as files and handed over as bytes, give the
// report the CLI gives.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, test } from "node:test";

import * as merit from "../pkg/index.js";

const office = new URL("../../../examples/office/", import.meta.url).pathname;
const bytes = (name) => new Uint8Array(readFileSync(office + name));

before(() => merit.init());

test("the xlsx, the GBK CSV and its UTF-8 twin give one report", () => {
  const book = merit.Rulebook.fromYaml(readFileSync(office + "book.yaml", "utf8"), "book.yaml");
  const gbk = book.score(bytes("records-gbk.csv"));
  assert.deepEqual(book.score(bytes("records.xlsx")), gbk);
  assert.deepEqual(book.score(bytes("records-utf8.csv")), gbk);
  assert.deepEqual(gbk.members.map((m) => m.member), ["刘洋", "张伟", "李娜", "王芳"]);
  assert.deepEqual([gbk.rejected, gbk.warnings], [[], []]);
  assert.equal(gbk.members[1].total, "80.0");
});
