// The JS API of the WebAssembly package: errors, diagnostics, inputs, explain,
// whatIf, panics, and the TypeScript types checked against real values.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";

import * as merit from "../pkg/index.js";

const { Rulebook } = merit;
const root = new URL("../../../", import.meta.url).pathname;

const BOOK = `merit: 1
id: hours
title: Volunteering
unit: { name: points, decimals: 1 }
fields: { hours: decimal?, verified: bool = false }
rules:
  - id: volunteer-hours
    title: Volunteering
    when: kind == "volunteer" and verified
    points: min(hours, 8) * 10
    cap: [{ per: month, max: 100 }]
`;
const BROKEN = BOOK.replace("min(hours, 8)", "min(hour, 8)");
const RECORDS = [
  { id: "r1", member: "m1", kind: "volunteer", date: "2026-03-02", hours: 8, verified: true },
  { id: "r2", member: "m1", kind: "volunteer", date: "2026-03-09", hours: 3.5, verified: true },
  { id: "r3", member: "m2", kind: "volunteer", date: "2026-03-09", hours: "three", verified: true },
];

before(() => merit.init());

describe("loading and checking", () => {
  test("a broken rulebook throws a MeritError with located diagnostics", () => {
    let error;
    try {
      Rulebook.fromYaml(BROKEN, "book.yaml");
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Error);
    assert.equal(error.name, "MeritError");
    assert.equal(error.code, "rulebook");
    assert.match(error.message, /book\.yaml:10:17: /);
    const [d] = error.diagnostics;
    assert.equal(d.line, 10);
    assert.equal(d.severity, "error");
    assert.equal(BROKEN.slice(d.start, d.end), "hour");
    assert.equal(d.endLine, 10);
    assert.equal(d.endColumn - d.column, 4);
    assert.match(d.help, /hours/);
  });

  test("the error message is the text `merit check` prints", (t) => {
    const cli = join(root, "target/debug/merit");
    if (!existsSync(cli)) return t.skip("target/debug/merit not built (cargo test builds it)");
    const dir = mkdtempSync(join(tmpdir(), "merit-"));
    writeFileSync(join(dir, "book.yaml"), BROKEN);
    let stderr = "";
    try {
      execFileSync(cli, ["check", "book.yaml"], { cwd: dir, stdio: "pipe" });
    } catch (e) {
      stderr = e.stderr.toString();
    }
    const located = stderr.split("\n").filter((l) => !/^book\.yaml: \d+ error/.test(l)).join("\n");
    assert.throws(() => Rulebook.fromYaml(BROKEN, "book.yaml"), (e) => e.message === located.trimEnd());
  });

  test("check(text) lists diagnostics without throwing; positions are UTF-16 indices", () => {
    const text = BROKEN.replace("title: Volunteering\nunit", "title: 志愿服务\nunit");
    const [d] = merit.check(text, "book.yaml");
    assert.equal(d.code, "unknown-name");
    assert.equal(text.slice(d.start, d.end), "hour");
    assert.deepEqual(merit.check(BOOK), []);
  });

  test("info describes fields and rules", () => {
    const info = Rulebook.fromYaml(BOOK).info();
    assert.equal(info.id, "hours");
    assert.deepEqual(info.unit, { name: "points", decimals: 1 });
    assert.deepEqual(info.fields[1], { name: "verified", type: "bool", optional: false, default: "false" });
    assert.deepEqual(info.rules[0], { id: "volunteer-hours", title: "Volunteering", tags: [] });
  });
});

describe("scoring", () => {
  test("whyNot adds each member's records that earned nothing, and why", () => {
    const book = Rulebook.fromYaml(BOOK, "book.yaml");
    const records = [...RECORDS, { id: "r4", member: "m1", kind: "volunteer", date: "2026-03-10", hours: 2 }];
    assert.equal(book.score(records).members[0].unscored, undefined);
    const m1 = book.score(records, { whyNot: true }).members[0];
    assert.deepEqual(m1.unscored, [
      { record: "r4", date: "2026-03-10",
        reasons: [{ rule: "volunteer-hours", why: "`verified` does not hold: verified = false" }] },
    ]);
    assert.equal(m1.periods[0].awards[0].trace, "min(hours=8, 8) * 10 = 80");
  });

  test("an array of objects gives the DESIGN report, decimals as strings", () => {
    const book = Rulebook.fromYaml(BOOK, "book.yaml");
    const report = book.score(RECORDS, { from: "2026-03-01", to: "2026-03-31" });
    assert.equal(report.members.length, 1);
    const m1 = report.members[0];
    assert.equal(m1.total, "100.0");
    assert.deepEqual(m1.periods[0].rules, { "volunteer-hours": "100.0" });
    const capped = m1.periods[0].awards[1];
    assert.equal(capped.explain, "min(hours=3.5, 8) * 10 = 35");
    assert.deepEqual(capped.withheld, { cap: "month 100", points: "15.0" });
    assert.deepEqual(report.rejected, [
      { record: 3, id: "r3", error: 'field `hours`: expected decimal, got "three"' },
    ]);
    assert.equal(report.range.from, "2026-03-01");
    assert.equal(merit.toNumber(m1.total), 100);
  });

  test("strings and bytes in every format give the same report as objects", () => {
    const book = Rulebook.fromYaml(BOOK);
    const good = RECORDS.slice(0, 2);
    const expected = book.score(good);
    const jsonl = good.map((r) => JSON.stringify(r)).join("\n");
    const csv = "id,member,kind,date,hours,verified\n" +
      good.map((r) => [r.id, r.member, r.kind, r.date, r.hours, r.verified].join(",")).join("\n");
    assert.deepEqual(book.score(jsonl), expected);
    assert.deepEqual(book.score(JSON.stringify(good)), expected);
    assert.deepEqual(book.score(csv), expected);
    assert.deepEqual(book.score(csv, { format: "csv" }), expected);
    assert.deepEqual(book.score(new TextEncoder().encode(jsonl), { format: "jsonl" }), expected);
  });

  test("member profiles and a period override", () => {
    const book = Rulebook.fromYaml(
      'rules:\n  - id: r\n    points: if(member.role == "secretary", 2, 1)\n',
    );
    const records = [{ member: "a", kind: "x", date: "2026-01-05" }, { member: "b", kind: "x", date: "2026-02-05" }];
    const report = book.score(records, { members: [{ member: "a", role: "secretary" }], period: "quarter" });
    assert.deepEqual(report.members.map((m) => [m.member, m.total, m.periods[0].period]), [
      ["a", "2", "2026-Q1"],
      ["b", "1", "2026-Q1"],
    ]);
  });

  test("bad arguments are MeritErrors that say what was expected", () => {
    const book = Rulebook.fromYaml(BOOK);
    const code = (code, pattern) => (e) => e.name === "MeritError" && e.code === code && pattern.test(e.message);
    assert.throws(() => book.score(RECORDS, { asOf: "March" }), code("bad-date", /^asOf: /));
    assert.throws(() => book.score(RECORDS, { period: "fortnight" }), code("bad-period", /^period: .*month/));
    assert.throws(() => book.score(RECORDS, { asof: "2026-03-01" }), code("unknown-option", /unknown option `asof`.*did you mean `as_?[oO]f`/));
    assert.throws(() => book.score(42), code("argument", /records: expected an array/));
    assert.throws(() => book.score("[{", { format: "json" }), code("unreadable-input", /^records: /));
  });

  test("explain tells a member's awards in English and Chinese", () => {
    const book = Rulebook.fromYaml(BOOK, "book.yaml");
    const report = book.score(RECORDS);
    const en = book.explain(report, "m1", "en");
    assert.match(en, /Member m1: 100\.0 points in total/);
    assert.match(en, /the month cap of 100 held back 15\.0 points/);
    assert.match(book.explain(report, "m1", "zh"), /已达月上限 100，未计 15\.0 points/);
    assert.equal(book.explain(report, "nobody"), undefined);
    // A report that went through JSON explains the same.
    assert.equal(book.explain(JSON.parse(JSON.stringify(report)), "m1", "en"), en);
  });
});

describe("what if", () => {
  test("one more activity: both reports and the change per rule, period and total", () => {
    const book = Rulebook.fromYaml(BOOK);
    const base = [RECORDS[0]];
    const extra = [{ member: "m1", kind: "volunteer", date: "2026-03-20", hours: 2, verified: true }];
    const { before, after, diff } = book.whatIf(base, extra, { from: "2026-03-01", to: "2026-03-31" });
    assert.equal(before.members[0].total, "80.0");
    assert.equal(after.members[0].total, "100.0");
    assert.deepEqual(diff.members, [
      {
        member: "m1",
        before: "80.0",
        after: "100.0",
        change: "20.0",
        periods: [{ key: "2026-03", before: "80.0", after: "100.0", change: "20.0" }],
        rules: [{ key: "volunteer-hours", before: "80.0", after: "100.0", change: "20.0" }],
        indexes: [],
      },
    ]);
  });

  test("a capped extra activity changes nothing and says so", () => {
    const book = Rulebook.fromYaml(BOOK);
    const full = [RECORDS[0], { ...RECORDS[0], id: "r9", date: "2026-03-03" }, { ...RECORDS[0], id: "r10", date: "2026-03-04" }];
    const { after, diff } = book.whatIf(full, [{ member: "m1", kind: "volunteer", date: "2026-03-05", hours: 1, verified: true }]);
    assert.deepEqual(diff.members, []);
    const last = after.members[0].periods[0].awards.at(-1);
    assert.deepEqual(last.withheld, { cap: "month 100", points: "10.0" });
  });
});

describe("panics", () => {
  test("a panic is thrown as a MeritError and the next call works", () => {
    const book = Rulebook.fromYaml(BOOK);
    assert.throws(
      () => merit.__panicForTests(),
      (e) => e.name === "MeritError" && e.code === "panic" && /panic requested by a test/.test(e.message),
    );
    // The instance was replaced; the rulebook made before is loaded again.
    assert.equal(book.score(RECORDS).members[0].total, "100.0");
    assert.equal(Rulebook.fromYaml(BOOK).score(RECORDS).members[0].total, "100.0");
  });

  test("the engine's debug-only panic hook is compiled out of this (release) build", () => {
    // Native debug builds panic inside score() for the rulebook id `__merit_panic__`
    // (the CLI and Python tests force a panic that way); the package is built with the
    // wasm-release profile, so here the id is an ordinary one. Panic recovery itself is
    // tested above through __panicForTests.
    const book = Rulebook.fromYaml(BOOK.replace("id: hours", "id: __merit_panic__"));
    assert.equal(book.score(RECORDS).members[0].total, "100.0");
  });
});

describe("TypeScript types match the values", () => {
  const dts = readFileSync(new URL("../pkg/merit_wasm.d.ts", import.meta.url), "utf8");
  /** Property names of `export interface NAME { … }` in the generated .d.ts. */
  function keys(name) {
    const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1];
    assert.ok(body, `interface ${name} in merit_wasm.d.ts`);
    const props = [...body.matchAll(/^ {2,4}(\w+)(\??):/gm)];
    return { all: props.map((m) => m[1]), required: props.filter((m) => !m[2]).map((m) => m[1]) };
  }
  /** Every key of the value is declared, and every required key is present. */
  function same(value, name) {
    const { all, required } = keys(name);
    const actual = Object.keys(value);
    assert.deepEqual(actual.filter((k) => !all.includes(k)), [], `${name}: keys not in the type`);
    assert.deepEqual(required.filter((k) => !actual.includes(k)), [], `${name}: keys missing from the value`);
  }

  test("report, award, rejected, diagnostic, info and what-if shapes", () => {
    const book = Rulebook.fromYaml(BOOK);
    const report = book.score(RECORDS);
    same(report, "Report");
    same(report.members[0], "MemberReport");
    same(report.members[0].periods[0], "PeriodReport");
    same(report.members[0].periods[0].awards[1], "Award");
    same(report.members[0].periods[0].awards[1].withheld, "Withheld");
    same(report.rejected[0], "Rejected");
    same(merit.check(BROKEN)[0], "Diagnostic");
    same(book.info(), "RulebookInfo");
    const whatIf = book.whatIf([], RECORDS);
    same(whatIf, "WhatIf");
    same(whatIf.diff.members[0], "MemberDiff");
    same(whatIf.diff.members[0].rules[0], "Delta");
  });

  test("no `any` in the package's types", () => {
    const index = readFileSync(new URL("../pkg/index.d.ts", import.meta.url), "utf8");
    // wasm-bindgen's own InitOutput (raw exports) is not part of the API.
    const api = dts.replace(/export interface InitOutput \{[\s\S]*?\n\}/, "");
    assert.doesNotMatch(api + index, /:\s*any\b/);
  });
});

describe("the in-memory bank", () => {
  test("earns from a report, redeems from the catalog, refuses an overdraft", () => {
    const source = readFileSync(join(root, "rules/volunteer-hours.yaml"), "utf8");
    const book = Rulebook.fromYaml(source, "volunteer-hours.yaml");
    const report = book.score([
      { id: "a", member: "m1", kind: "volunteer", date: "2026-04-13", 时长: 6, 核实: true },
    ]);
    const bank = new merit.Bank();
    assert.equal(bank.post(book, report).posted, 1);
    assert.equal(bank.post(book, report).already_posted, 1);
    assert.equal(bank.balance("m1"), "60.0");
    bank.redeem("m1", { item: "rice-5kg", key: "order-1", date: "2026-05-01" });
    assert.equal(bank.balance("m1"), "10.0");
    assert.throws(
      () => bank.redeem("m1", { amount: "20", key: "order-2", date: "2026-05-02" }),
      (e) => e.code === "insufficient-credits" && /short by 10\.0/.test(e.message),
    );
    assert.equal(bank.statement("m1").closing, "10.0");
  });

  test("a late record is reconciled, as from the CLI and Python", () => {
    const book = Rulebook.fromYaml(
      'id: deeds\nperiod: month\nunit: { name: pt, decimals: 1 }\nrules:\n  - { id: deed, tags: [bank], when: kind == "deed", points: 5, cap: [{ per: month, max: 10 }] }\nbank: { earn: { tags: [bank] } }\n',
      "deeds.yaml",
    );
    const deed = (id, date) => ({ id, member: "m1", kind: "deed", date });
    const first = [deed("a", "2026-03-10"), deed("b", "2026-03-20")];
    const bank = new merit.Bank();
    bank.post(book, book.score(first), { date: "2026-03-31" });
    const late = book.score([...first, deed("c", "2026-03-01")]);
    assert.deepEqual(
      bank.reconcile(book, late).map((d) => [d.date, d.held, d.report]),
      [["2026-03-01", "0.0", "5.0"], ["2026-03-20", "5.0", "0.0"]],
    );
    bank.post(book, late, { date: "2026-04-02" });
    assert.equal(bank.balance("m1"), "10.0");
    assert.deepEqual(bank.reconcile(book, late), []);
    assert.throws(() => bank.balance("m2"), (e) => e.code === "unknown-member");
  });
});

describe("explanations in the member's language", () => {
  test("lang picks the engine's wording", () => {
    const book = Rulebook.fromYaml('fields: { hours: decimal? }\nrules:\n  - { id: v, when: kind == "v", points: hours * 10 }\n');
    const records = [{ member: "m1", kind: "v", date: "2026-03-02" }];
    const explain = (lang) => book.score(records, { lang }).members[0].periods[0].awards[0].explain;
    assert.equal(explain("en"), "hours=null * 10 = null → 0 (`hours` missing)");
    assert.equal(explain("zh"), "hours=null * 10 = null → 0（缺少 `hours`）");
    assert.throws(() => book.score(records, { lang: "fr" }), /lang/);
  });
});

describe("rank", () => {
  test("ties share a rank, a tie at the top cut is kept, bad options throw", () => {
    const book = Rulebook.fromYaml(BOOK, "book.yaml");
    const records = [
      { member: "c", kind: "volunteer", date: "2026-03-02", hours: 2, verified: true },
      { member: "b", kind: "volunteer", date: "2026-03-02", hours: 5, verified: true },
      { member: "a", kind: "volunteer", date: "2026-03-03", hours: 5, verified: true },
    ];
    const report = book.score(records);
    const ranking = book.rank(report, { top: 1 });
    assert.deepEqual(
      ranking.rows.map((r) => [r.rank, r.member, r.points]),
      [[1, "a", "50.0"], [1, "b", "50.0"]],
    );
    assert.equal(book.rank(report).rows[2].rank, 3);
    assert.equal(book.rank(report, { period: "2026-02" }).rows.length, 0);
    assert.throws(() => book.rank(report, { by: "rule:volunter-hours" }), /did you mean `volunteer-hours`/);
    assert.throws(() => book.rank(report, { by: "points" }), (e) => e.code === "bad-rank");
  });
});
