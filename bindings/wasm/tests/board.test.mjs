// The notice board (`merit publish`, DESIGN section 8.5) in Debian's Chromium,
// driven by playwright-core: the pages open from the folder with no request
// beyond it and no script, masked names only, the index page printed to PDF fits
// the A4 width. With MERIT_SCREENSHOTS=1 the index page and a member page are
// saved as docs/notice-board.png and docs/notice-board-member.png.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";

const root = new URL("../../../", import.meta.url).pathname;
const cli = join(root, "target/debug/merit");
const book = join(root, "rules/initial-mission-index.yaml");
const records = join(root, "examples/board/mission-2026q1.csv");
const names = ["张三明", "欧阳明华", "李四", "王秀英", "刘建国", "陈丽", "杨志强", "赵敏", "黄海燕", "周文博", "吴桂兰", "徐小平"];

let browser, page, folder;
const requests = [];

before(async () => {
  execFileSync("cargo", ["build", "--quiet", "-p", "merit-cli"], { cwd: root, stdio: "inherit" });
  folder = mkdtempSync(join(tmpdir(), "merit-board-"));
  execFileSync(cli, ["publish", book, records, "--as-of", "2026-03-31", "--out", folder, "--mask"], { stdio: "pipe" });
  const executablePath = execFileSync("sh", ["-c", "command -v chromium"]).toString().trim();
  browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
  page.on("request", (r) => requests.push(r.url()));
});

after(async () => {
  await browser?.close();
});

test("every page opens with no request beyond the folder and no script", async () => {
  const pages = readdirSync(folder).filter((f) => f.endsWith(".html"));
  assert.equal(pages.length, 1 + names.length);
  for (const file of pages) {
    await page.goto(`file://${folder}/${file}`);
    assert.equal(await page.locator("script").count(), 0, file);
    const css = await page.evaluate(() => getComputedStyle(document.querySelector("h1")).color);
    assert.equal(css, "rgb(180, 35, 24)", `${file}: style.css applied`);
  }
  const outside = requests.filter((url) => !url.startsWith(`file://${folder}/`));
  assert.deepEqual(outside, []);
});

test("masked names only, in every file and file name", () => {
  for (const file of readdirSync(folder)) {
    const text = readFileSync(join(folder, file), "utf8");
    for (const name of names) {
      assert.ok(!file.includes(name) && !text.includes(name), `${name} in ${file}`);
    }
  }
  const index = readFileSync(join(folder, "index.html"), "utf8");
  for (const masked of ["张*明", "欧**华", "李*", "王*英"]) assert.ok(index.includes(masked), masked);
});

test("the index page prints on A4 without overflowing the width", async () => {
  await page.goto(`file://${folder}/index.html`);
  await page.emulateMedia({ media: "print" });
  // A4 is 210 mm wide; less the 12 mm margins, 186 mm = 703 CSS px.
  await page.setViewportSize({ width: 703, height: 1000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than A4's printable width`);
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const text = pdf.toString("latin1");
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
  assert.ok(boxes.length >= 1, "the PDF has pages");
  for (const [, width, height] of boxes) {
    // A4 is 595.28 × 841.89 points.
    assert.ok(Math.abs(Number(width) - 595.28) < 2 && Math.abs(Number(height) - 841.89) < 2, `${width} × ${height}`);
  }
  await page.emulateMedia({ media: "screen" });
});

test("screenshots of the index page and a member page", async (t) => {
  if (!process.env.MERIT_SCREENSHOTS) return t.skip("set MERIT_SCREENSHOTS=1 to refresh docs/notice-board*.png");
  await page.setViewportSize({ width: 1000, height: 1200 });
  await page.goto(`file://${folder}/index.html`);
  await page.screenshot({ path: join(root, "docs/notice-board.png"), fullPage: false });
  const member = await page.locator("table.ranking a", { hasText: "欧**华" }).getAttribute("href");
  await page.goto(`file://${folder}/${member}`);
  await page.screenshot({ path: join(root, "docs/notice-board-member.png"), fullPage: false });
});
