// The preview page end to end in Debian's Chromium, driven by playwright-core:
// pick a rulebook, load the sample records, check a member's total and an
// explanation, try a what-if activity, paste a broken rulebook and find the
// diagnostic at its line. Every request must stay on localhost. Screenshots go to
// test-output/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";

import { init, Rulebook } from "../pkg/index.js";
import { serve } from "../serve.mjs";

const root = new URL("../../../", import.meta.url).pathname;
const output = `${root}test-output`;
const sample = `${root}examples/data/volunteer.jsonl`;
const bookFile = "volunteer-hours.yaml";

let server, browser, page, base;
const requests = [];

before(async () => {
  mkdirSync(output, { recursive: true });
  await init();
  server = await serve(0);
  base = `http://127.0.0.1:${server.address().port}`;
  const executablePath = execFileSync("sh", ["-c", "command -v chromium"]).toString().trim();
  browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => console.error("page error:", e));
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

const text = (testid) => page.getByTestId(testid).first().textContent();

test("the page loads offline-ready, with a shipped rulebook chosen", async () => {
  await page.goto(`${base}/www/`);
  await page.waitForSelector("body[data-ready=true]");
  const option = await page.locator(`[data-testid=book-select] option`, { hasText: bookFile }).getAttribute("value");
  await page.getByTestId("book-select").selectOption(option);
  assert.match(await text("book-status"), /已加载：志愿服务积分（volunteer-hours 2026\.1）/);
});

test("sample records give the engine's total and explanations", async () => {
  await page.getByTestId("file").setInputFiles(sample);
  await page.waitForSelector("[data-testid=total]");
  const member = await page.getByTestId("member-select").inputValue();
  const book = Rulebook.fromYaml(readFileSync(`${root}rules/${bookFile}`, "utf8"), bookFile);
  const report = book.score(readFileSync(sample, "utf8"), { format: "jsonl" });
  const expected = report.members.find((m) => m.member === member);
  assert.equal(await text("total"), expected.total);
  assert.match(await text("file-status"), /已读取 volunteer\.jsonl：6000 条记录/);
  const explanation = await text("explanation");
  assert.ok(explanation.startsWith(`成员 ${member}：合计 ${expected.total} 积分`), explanation.slice(0, 80));
  const firstAward = expected.periods[0].awards[0];
  assert.ok(explanation.includes(firstAward.explain), `explanation names ${firstAward.explain}`);
  const award = page.getByTestId("award").first();
  assert.match(await award.textContent(), new RegExp(firstAward.explain.replace(/[()*.+?]/g, "\\$&")));
  assert.equal(await page.locator("[data-testid=chart] svg rect").count() >= expected.periods.length, true);
});

test("a what-if activity shows the change per rule and in total", async () => {
  const member = await page.getByTestId("member-select").inputValue();
  const book = Rulebook.fromYaml(readFileSync(`${root}rules/${bookFile}`, "utf8"), bookFile);
  const extra = { member, kind: "volunteer", date: "2026-11-14", 时长: 3, 核实: true };
  const { diff } = book.whatIf(readFileSync(sample, "utf8"), [extra], { format: "jsonl" });
  const expected = diff.members.find((m) => m.member === member);
  assert.ok(expected, "the chosen activity changes the member's points");

  const form = page.getByTestId("whatif-form");
  await form.locator("input[name=kind]").fill("volunteer");
  await form.locator("input[name=date]").fill(extra.date);
  await form.locator("input[name=\"时长\"]").fill("3");
  await form.locator("input[name=\"核实\"]").check();
  await page.getByTestId("whatif-run").click();
  await page.waitForSelector("[data-testid=whatif-total]");
  assert.equal(await text("whatif-change"), ` (+${expected.change})`);
  const rules = await page.locator("[data-testid=whatif-result] table").first().textContent();
  for (const r of expected.rules) assert.ok(rules.includes(`+${r.change}`), `rule ${r.key} change ${r.change} shown`);
  assert.ok((await page.locator("svg .bar.after").count()) >= 1, "the changed period has an 'after' bar");
  await page.screenshot({ path: `${output}/preview.png`, fullPage: true });
});

test("English labels on request", async () => {
  await page.getByTestId("lang").click();
  assert.match(await text("book-status"), /Loaded: 志愿服务积分/);
  assert.match(await text("explanation"), /^Member m\d+: [\d.]+ points in total/);
  await page.getByTestId("lang").click();
});

test("a broken rulebook shows its diagnostic at the line", async () => {
  await page.getByTestId("book-select").selectOption("own");
  const broken = "merit: 1\nfields: { hours: decimal? }\nrules:\n  - id: hours\n    points: min(hour, 8) * 10\n";
  await page.getByTestId("book-text").fill(broken);
  const diagnostic = page.locator('[data-testid=diagnostic][data-line="5"]');
  await diagnostic.waitFor();
  assert.equal(await page.getByTestId("diagnostic").count(), 1);
  const shown = await diagnostic.textContent();
  assert.match(shown, /第 5 行/);
  assert.match(shown, /unknown name `hour`/);
  assert.match(shown, /did you mean `hours`\?/);
  assert.match(shown, / {4}points: min\(hour, 8\) \* 10/);
  assert.match(await text("book-status"), /规则有 1 处错误/);
  assert.equal(await page.locator(".gutter .mark.error").textContent(), "5");
  await page.screenshot({ path: `${output}/diagnostic.png`, fullPage: true });
});

test("on a phone a resident sees their sentences and why a record did not count", async () => {
  const book = Rulebook.fromYaml(readFileSync(`${root}rules/${bookFile}`, "utf8"), bookFile);
  const report = book.score(readFileSync(sample, "utf8"), { format: "jsonl", whyNot: true });
  const resident = report.members.find((m) => m.periods.length
    && m.unscored.some((u) => u.reasons.some((r) => r.why.includes("核实 = false"))));
  assert.ok(resident, "the sample has a member with an unverified record");
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const fetched = [];
  phone.on("request", (r) => {
    requests.push(r.url());
    fetched.push(r.url());
  });
  await phone.goto(`${base}/www/`);
  await phone.waitForSelector("body[data-ready=true]");
  const option = await phone.locator("[data-testid=book-select] option", { hasText: bookFile }).getAttribute("value");
  await phone.getByTestId("book-select").selectOption(option);
  await phone.getByTestId("file").setInputFiles(sample);
  await phone.waitForSelector("[data-testid=total]");
  await phone.getByTestId("member-select").selectOption(resident.member);
  await phone.waitForSelector("[data-testid=unscored]");
  // The resident's view comes before the rulebook's source.
  const top = async (id) => (await phone.locator(id).boundingBox()).y;
  assert.ok(await top("#result-panel") < await top("#book-panel"), "the result is above the rulebook");
  const first = resident.periods[0].awards[0];
  assert.equal(await phone.getByTestId("award").first().locator("td").nth(3).locator("div").first().textContent(), first.explain);
  assert.match(await phone.getByTestId("unscored").textContent(), /核实 = false/);
  assert.equal(await phone.getByTestId("book-text").isVisible(), false, "the rulebook's source is folded");
  const wide = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 390, `the page is ${wide} px wide on a 390 px screen`);
  await phone.screenshot({ path: `${output}/phone.png`, fullPage: false });
  // A phone downloads the lean engine only (issue 19: under 700 KB gzipped).
  assert.ok(fetched.some((url) => url.endsWith("/pkg/merit_wasm_bg.wasm")), "the lean engine is loaded");
  assert.deepEqual(fetched.filter((url) => url.includes("/pkg/full/")), []);
  await phone.close();
});

/** A fresh page at the preview, and the URLs it fetches. */
async function freshPage() {
  const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const fetched = [];
  fresh.on("request", (r) => {
    requests.push(r.url());
    fetched.push(r.url());
  });
  await fresh.goto(`${base}/www/`);
  await fresh.waitForSelector("body[data-ready=true]");
  const full = () => fetched.filter((url) => url.endsWith("/pkg/full/merit_wasm_bg.wasm")).length;
  assert.equal(full(), 0, "the page starts on the lean engine");
  return { fresh, full };
}

const loaded = (page) =>
  page.waitForFunction(() => document.querySelector("[data-testid=book-status]").textContent.startsWith("✓"));

test("a pack with a script rule brings the full engine, once", async () => {
  const { fresh, full } = await freshPage();
  const option = await fresh.locator("[data-testid=book-select] option", { hasText: "initial-mission-index.yaml" })
    .getAttribute("value");
  await fresh.getByTestId("book-select").selectOption(option);
  await loaded(fresh);
  assert.match(await fresh.getByTestId("book-status").textContent(), /initial-mission-index/);
  assert.equal(full(), 1);
  await fresh.close();
});

test("a spreadsheet brings the full engine and is scored as Node scores it", async () => {
  const { fresh, full } = await freshPage();
  const office = `${root}examples/office/`;
  const text = readFileSync(`${office}book.yaml`, "utf8");
  const book = Rulebook.fromYaml(text, "book.yaml");
  const expected = book.score(new Uint8Array(readFileSync(`${office}records.xlsx`)), { whyNot: true });
  await fresh.getByTestId("book-select").selectOption("own");
  await fresh.getByTestId("book-text").fill(text);
  await loaded(fresh);
  assert.equal(full(), 0, "the office rulebook loads on the lean engine");
  await fresh.getByTestId("file").setInputFiles(`${office}records.xlsx`);
  await fresh.waitForSelector("[data-testid=total]");
  const member = await fresh.getByTestId("member-select").inputValue();
  assert.equal(await fresh.getByTestId("total").first().textContent(),
    expected.members.find((m) => m.member === member).total);
  assert.equal(full(), 1);
  await fresh.close();
});

test("no request left localhost", () => {
  assert.ok(requests.length > 0);
  const away = requests.filter((url) => !url.startsWith(`${base}/`) && !/^(data|blob):/.test(url));
  assert.deepEqual(away, []);
});
