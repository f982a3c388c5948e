// The score preview page: pick or paste a rulebook, load or add activities, see
// each member's points with every award explained, and try "what if". Every
// figure comes from the engine (../pkg); this file only moves values to the screen.
import { init, check, loadFull, Rulebook } from "../pkg/index.js";
import rulebooks from "../pkg/rulebooks.js";
import { barChart } from "./chart.js";
import { Editor } from "./editor.js";
import { buildFields, readRecord } from "./forms.js";
import { getLang, setLang, t } from "./i18n.js";

const $ = (sel) => document.querySelector(sel);
const state = { book: null, info: null, file: null, added: [], report: null, member: null, whatIf: null };

function node(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") el.className = v;
    else if (k.startsWith("data-")) el.setAttribute(k, v);
    else el[k] = v;
  }
  el.append(...children.filter((c) => c !== null && c !== undefined));
  return el;
}

// ---- the rulebook -------------------------------------------------------------

const editor = new Editor($("#editor"), (text) => loadBook(text, "rulebook.yaml"));

/** Counts loads, so that a load overtaken while it waited for the full engine gives way. */
let loads = 0;

/**
 * The page starts on the lean engine (what a phone downloads first); a rulebook
 * with a script rule or `matches` gets the error `not-in-build` there, and then the
 * full engine is fetched once and the rulebook checked again on it.
 */
async function loadBook(text, name) {
  const ticket = ++loads;
  if (!text.trim()) {
    state.book = null;
    editor.show([]);
    $("#book-status").textContent = "";
    return renderResult();
  }
  let diagnostics = check(text, name);
  if (diagnostics.some((d) => d.code === "not-in-build")) {
    $("#book-status").textContent = t("loadingFull");
    $("#book-status").className = "status";
    await loadFull();
    if (ticket !== loads) return;
    diagnostics = check(text, name);
  }
  editor.show(diagnostics);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0) {
    state.book = null;
    state.report = null;
    state.whatIf = null;
    $("#whatif-result").replaceChildren();
    renderResult();
    $("#book-status").textContent = t("bookErrors", errors);
    $("#book-status").className = "status bad";
    $("#book-source").open = true; // the diagnostics are in the folded source
    return;
  }
  state.book?.free();
  state.book = Rulebook.fromYaml(text, name);
  state.info = state.book.info();
  const { title, id, version } = state.info;
  $("#book-status").textContent = t("bookOk", title ?? id, id, version);
  $("#book-status").className = "status ok";
  buildForms();
  rescore();
}

function fillBookSelect() {
  const select = $("#book-select");
  const current = select.value;
  select.replaceChildren(
    ...rulebooks.map((b, i) => node("option", { value: String(i), textContent: `${b.title} — ${b.file}` })),
    node("option", { value: "own", textContent: t("ownBook") }),
  );
  if (current) select.value = current;
}

$("#book-select").addEventListener("change", (e) => {
  if (e.target.value === "own") {
    editor.value = "";
    editor.text.focus();
    loadBook("", "rulebook.yaml");
    return;
  }
  const book = rulebooks[Number(e.target.value)];
  editor.value = book.text;
  loadBook(book.text, book.file);
});

// ---- records ------------------------------------------------------------------

function inputs() {
  const list = [];
  if (state.file) list.push(state.file.bytes);
  if (state.added.length) list.push(JSON.stringify(state.added));
  return list;
}

function options() {
  // Why-nots: a resident sees why a record earned nothing (DESIGN section 8.2).
  const opts = { whyNot: true };
  for (const [id, key] of [["#opt-from", "from"], ["#opt-to", "to"], ["#opt-asof", "asOf"]]) {
    if ($(id).value) opts[key] = $(id).value;
  }
  return opts;
}

$("#file").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const format = file.name.split(".").pop().toLowerCase();
  // Bytes, not text: a spreadsheet is binary, and a GBK CSV is decoded by the
  // engine as the rulebook's `input.encoding` says (text() would garble it).
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sheet = ["xlsx", "xlsm", "xls", "ods"].includes(format);
  const text = sheet ? "" : new TextDecoder().decode(bytes);
  state.file = { name: file.name, bytes, text, format, sheet };
  rescore();
});

$("#add-form").addEventListener("submit", (e) => {
  e.preventDefault();
  state.added.push(readRecord(e.target));
  renderAdded();
  rescore();
});

function renderAdded() {
  $("#added").hidden = state.added.length === 0;
  $("#added ul").replaceChildren(
    ...state.added.map((r, i) =>
      node("li", {}, `${r.date} ${r.member} ${r.kind} ${JSON.stringify(fieldsOf(r))} `,
        node("button", { type: "button", textContent: t("remove"), onclick: () => {
          state.added.splice(i, 1);
          renderAdded();
          rescore();
        } })),
    ),
  );
}

function fieldsOf(record) {
  const { member, kind, date, id, ...rest } = record;
  return rest;
}

function kindsSeen() {
  const kinds = new Set(["volunteer"]);
  const text = state.file?.text ?? "";
  for (const m of text.matchAll(/"kind"\s*:\s*"([^"]+)"/g)) if (kinds.size < 30) kinds.add(m[1]);
  return [...kinds];
}

function buildForms() {
  const today = new Date().toISOString().slice(0, 10);
  buildFields($("#add-form .fields"), state.info, t, { date: today, kind: "volunteer", kinds: kindsSeen() });
  buildFields($("#whatif-form .fields"), state.info, t, {
    member: state.member ?? "",
    kind: "volunteer",
    date: state.report?.range.to ?? today,
    kinds: kindsSeen(),
  });
}

// ---- scoring ------------------------------------------------------------------

function rescore() {
  state.whatIf = null;
  $("#whatif-result").replaceChildren();
  if (!state.book) return renderResult();
  const records = inputs();
  try {
    state.report = records.length ? state.book.score(records, options()) : null;
  } catch (error) {
    if (error.code !== "not-in-build") throw error;
    // A spreadsheet or GB18030 (GBK) text: the full engine reads it, fetched once.
    $("#file-status").textContent = t("loadingFull");
    loadFull().then(rescore);
    return;
  }
  const status = $("#file-status");
  if (state.file && state.report) {
    const rejected = state.report.rejected.length;
    const rows = state.file.sheet || state.file.text.trim() ? state.report.members.length : 0;
    status.textContent = t("fileRead", state.file.name, countRecords(state.file), rejected) + (rows ? "" : "");
  }
  const list = $("#rejected");
  list.hidden = !state.report?.rejected.length;
  list.querySelector("ul").replaceChildren(
    ...(state.report?.rejected ?? []).map((r) => node("li", {}, `#${r.record}${r.id ? ` (${r.id})` : ""}: ${r.error}`)),
  );
  const members = state.report?.members.map((m) => m.member) ?? [];
  const select = $("#member-select");
  select.replaceChildren(...members.map((m) => node("option", { value: m, textContent: m })));
  if (!members.includes(state.member)) state.member = members[0] ?? null;
  if (state.member) select.value = state.member;
  buildForms();
  renderResult();
}

function countRecords(file) {
  if (file.sheet) return "—"; // rows are counted by the engine, not in the page
  const text = file.text.trim();
  if (file.format === "json") return (text.match(/"member"\s*:/g) ?? []).length;
  if (file.format === "csv") return text.split("\n").length - 1;
  if (file.format === "yaml" || file.format === "yml") return (text.match(/^-\s/gm) ?? []).length;
  return text.split("\n").filter((l) => l.trim()).length;
}

$("#member-select").addEventListener("change", (e) => {
  state.member = e.target.value;
  state.whatIf = null;
  $("#whatif-result").replaceChildren();
  buildForms();
  renderResult();
});

for (const id of ["#opt-from", "#opt-to", "#opt-asof"]) $(id).addEventListener("change", rescore);

function ruleTitle(id) {
  return state.info?.rules.find((r) => r.id === id)?.title ?? id;
}

function renderResult() {
  const out = $("#result");
  if (!state.book) $("#member-select").replaceChildren();
  const row = state.report?.members.find((m) => m.member === state.member);
  if (!state.book || !row) {
    out.replaceChildren(node("p", { class: "hint" }, state.book ? t("noRecords") : ""));
    return;
  }
  const unit = state.info.unit.name;
  const diff = state.whatIf?.diff.members.find((m) => m.member === row.member);
  const afterPeriods = new Map(
    (state.whatIf?.after.members.find((m) => m.member === row.member)?.periods ?? [])
      .filter((p) => diff?.periods.some((d) => d.key === p.period))
      .map((p) => [p.period, p.total]),
  );
  const parts = [
    node("div", { class: "total" },
      node("span", { class: "label" }, t("total")),
      node("strong", { "data-testid": "total" }, row.total),
      node("span", { class: "unit" }, unit)),
  ];
  if (state.report.unmatched) parts.push(node("p", { class: "hint" }, t("unmatched", state.report.unmatched)));
  parts.push(node("h3", {}, t("byPeriod")), node("div", { class: "chart", "data-testid": "chart" }, barChart(row.periods, afterPeriods)));
  if (row.indexes.length) parts.push(indexTable(row.indexes));
  parts.push(node("h3", {}, t("awards")), awardsTable(row));
  if (row.unscored?.length) parts.push(node("h3", {}, t("whyNot")), unscoredList(row.unscored));
  const explanation = state.book.explain(state.report, row.member, getLang());
  parts.push(node("details", { class: "explain", open: true },
    node("summary", {}, t("fullExplain")),
    node("pre", { "data-testid": "explanation" }, explanation ?? "")));
  out.replaceChildren(...parts);
}

function indexTable(indexes) {
  return node("div", {},
    node("h3", {}, t("indexes")),
    node("table", { "data-testid": "indexes" },
      node("thead", {}, node("tr", {}, ...["index", "period", "score", "grade", "veto"].map((k) => node("th", {}, t(k))))),
      node("tbody", {}, ...indexes.map((i) => node("tr", { class: i.veto ? "vetoed" : "" },
        node("td", {}, i.index),
        node("td", {}, i.period + (i.provisional ? ` (${t("provisional")})` : "")),
        node("td", { class: "num" }, i.score),
        node("td", {}, i.grade ?? ""),
        node("td", {}, i.veto ? `${i.veto.grade}: ${i.veto.reason}` : ""))))),
  );
}

/** Each record that earned nothing, with what each rule says about it. */
function unscoredList(unscored) {
  return node("ul", { class: "unscored", "data-testid": "unscored" },
    ...unscored.map((u) => node("li", { "data-testid": "unscored-record" },
      node("div", {}, `${u.date} · ${t("records_")} ${u.record}`),
      ...(u.reasons.length
        ? u.reasons.map((r) => node("div", { class: "note" }, `${ruleTitle(r.rule)}: ${r.why}`))
        : [node("div", { class: "hint" }, t("noRule"))]))));
}

function awardsTable(row) {
  const body = [];
  for (const period of row.periods) {
    body.push(node("tr", { class: "period-row" }, node("td", { colSpan: 4 }, `${period.period} · ${period.total}`)));
    for (const a of period.awards) {
      const notes = [a.explain];
      if (a.withheld) notes.push(t("withheld", a.withheld.cap, a.withheld.points));
      if (a.provisional) notes.push(t("provisional"));
      body.push(node("tr", { "data-testid": "award", class: a.withheld ? "capped" : "" },
        node("td", {}, a.date),
        node("td", {}, ruleTitle(a.rule)),
        node("td", { class: "num" }, a.points),
        node("td", {}, node("div", {}, notes[0]), ...notes.slice(1).map((n) => node("div", { class: "note" }, n)),
          node("div", { class: "records" }, `${t("records_")}: ${a.records.join(", ")}`))));
    }
  }
  return node("table", { class: "awards" },
    node("thead", {}, node("tr", {}, ...["date", "rule", "points", "explanation"].map((k) => node("th", {}, t(k))))),
    node("tbody", {}, ...body));
}

// ---- what if ------------------------------------------------------------------

$("#whatif-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (!state.book) return;
  const extra = readRecord(e.target);
  state.whatIf = state.book.whatIf(inputs(), [extra], options());
  state.extra = extra;
  state.member = extra.member;
  renderWhatIf(extra);
  renderResult();
});

function renderWhatIf(extra) {
  const diff = state.whatIf.diff.members.find((m) => m.member === extra.member);
  const out = $("#whatif-result");
  if (!diff) {
    out.replaceChildren(node("p", { class: "nochange", "data-testid": "whatif-nochange" }, t("noChange")));
    return;
  }
  const sign = (s) => (s.startsWith("-") ? s : `+${s}`);
  const table = (title, rows) => node("table", { class: "diff" },
    node("thead", {}, node("tr", {}, ...[title, "before", "after", "change"].map((k) => node("th", {}, t(k))))),
    node("tbody", {}, ...rows));
  const line = (label, d) => node("tr", { class: "changed" },
    node("td", {}, label), node("td", { class: "num" }, d.before), node("td", { class: "num" }, d.after),
    node("td", { class: "num change" }, sign(d.change)));
  out.replaceChildren(
    node("div", { class: "total changed", "data-testid": "whatif-total" },
      node("span", { class: "label" }, t("total")),
      node("span", {}, `${diff.before} → `), node("strong", {}, diff.after),
      node("span", { class: "change", "data-testid": "whatif-change" }, ` (${sign(diff.change)})`)),
    table("rule", diff.rules.map((d) => line(ruleTitle(d.key), d))),
    table("period", diff.periods.map((d) => line(d.key, d))),
    ...(diff.indexes.length ? [table("index", diff.indexes.map((d) => line(`${d.index} ${d.period} ${d.after?.grade ?? ""}`, {
      before: d.before?.score ?? "–", after: d.after?.score ?? "–", change: d.change })))] : []),
  );
}

// ---- start ----------------------------------------------------------------------

$("#lang").addEventListener("click", () => {
  setLang(getLang() === "zh" ? "en" : "zh");
  fillBookSelect();
  if (state.book) {
    const { title, id, version } = state.info;
    $("#book-status").textContent = t("bookOk", title ?? id, id, version);
  }
  editor.show(editor.diagnostics);
  buildForms();
  renderResult();
  if (state.whatIf) renderWhatIf(state.extra);
});

await init();
// On a phone the resident's view comes first: the rulebook's source and the form for
// adding records by hand stay folded until opened.
for (const fold of document.querySelectorAll("details.fold")) fold.open = !matchMedia("(max-width: 600px)").matches;
setLang("zh");
fillBookSelect();
if (rulebooks.length) {
  $("#book-select").value = "0";
  editor.value = rulebooks[0].text;
  await loadBook(rulebooks[0].text, rulebooks[0].file);
}
document.body.dataset.ready = "true";
