// The lean build answers first and the full build takes over only for what the
// lean one leaves out (script rules, `matches`, spreadsheets), with the same
// results; under Node the full build is loaded by itself. Each test file runs in a
// process of its own, so this one starts on the lean build.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, test } from "node:test";

import * as merit from "../pkg/index.js";

const root = new URL("../../../", import.meta.url).pathname;
const BOOK = `merit: 1
id: words
fields: { note: string? }
rules:
  - id: note
    when: kind == "note"
    points: 1
`;
const RECORDS = [
  { id: "r1", member: "m1", kind: "note", date: "2026-03-02", note: "A-17" },
  { id: "r2", member: "m1", kind: "note", date: "2026-03-03", note: "b" },
];
const MATCHES = BOOK.replace('kind == "note"', 'kind == "note" and matches(note, "^[A-Z]-[0-9]+$")');

before(() => merit.init());

test("a rulebook without scripts or patterns is scored by the lean build", () => {
  const book = merit.Rulebook.fromYaml(BOOK, "book.yaml");
  assert.equal(book.score(RECORDS).members[0].total, "2");
  assert.deepEqual(merit.check(BOOK), []);
  assert.equal(merit.loadedBuild(), "lean");
});

test("`matches` moves the call to the full build, which scores it", () => {
  const lean = merit.Rulebook.fromYaml(BOOK, "book.yaml");
  assert.equal(merit.loadedBuild(), "lean");
  assert.deepEqual(merit.check(MATCHES), []);
  assert.equal(merit.loadedBuild(), "full");
  const book = merit.Rulebook.fromYaml(MATCHES, "book.yaml");
  assert.equal(book.score(RECORDS).members[0].total, "1");
  // A rulebook made on the lean build goes on working.
  assert.equal(lean.score(RECORDS).members[0].total, "2");
});

test("a shipped pack with a script rule and the office spreadsheet load and score", () => {
  const pack = readFileSync(`${root}rules/initial-mission-index.yaml`, "utf8");
  const book = merit.Rulebook.fromYaml(pack, "initial-mission-index.yaml");
  assert.ok(book.info().rules.some((r) => r.id === "steady-study"));
  const office = `${root}examples/office/`;
  const sheet = merit.Rulebook.fromYaml(readFileSync(`${office}book.yaml`, "utf8"), "book.yaml");
  const report = sheet.score(new Uint8Array(readFileSync(`${office}records.xlsx`)));
  assert.equal(report.members.length, 4);
});
