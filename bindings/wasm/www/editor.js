// The rulebook editor: a textarea with a line-number gutter (lines with a problem
// are marked), and under it each diagnostic shown at its line: the line's text, a
// caret under the offending span, the message and the help — what `merit check`
// prints, for a browser.
import { t } from "./i18n.js";

export class Editor {
  constructor(root, onChange) {
    this.gutter = root.querySelector(".gutter");
    this.text = root.querySelector("textarea");
    this.problems = root.querySelector(".problems");
    this.diagnostics = [];
    let timer;
    this.text.addEventListener("input", () => {
      this.renderGutter();
      clearTimeout(timer);
      timer = setTimeout(() => onChange(this.text.value), 250);
    });
    this.text.addEventListener("scroll", () => {
      this.gutter.scrollTop = this.text.scrollTop;
    });
  }

  get value() {
    return this.text.value;
  }

  set value(text) {
    this.text.value = text;
    this.text.scrollTop = 0;
    this.renderGutter();
  }

  /** Shows diagnostics (from merit.check) at their lines. */
  show(diagnostics) {
    this.diagnostics = diagnostics;
    this.renderGutter();
    const lines = this.text.value.split("\n");
    this.problems.replaceChildren(
      ...diagnostics.map((d) => {
        const item = document.createElement("div");
        item.className = `problem ${d.severity}`;
        item.dataset.testid = "diagnostic";
        item.dataset.line = d.line;
        const where = document.createElement("div");
        where.className = "where";
        where.textContent = `${t("line", d.line)} · ${d.code}`;
        const source = document.createElement("pre");
        source.className = "excerpt";
        const text = lines[d.line - 1] ?? "";
        const width = Math.max(1, d.endLine === d.line ? d.endColumn - d.column : text.length - d.column + 1);
        source.textContent =
          // ASCII only: box-drawing characters are wide in CJK fonts and would
          // push the caret off its column.
          `${String(d.line).padStart(4)} | ${text}\n` +
          `     | ${" ".repeat(Math.max(0, d.column - 1))}${"^".repeat(width)} ${d.label ?? ""}`;
        const message = document.createElement("div");
        message.className = "message";
        message.textContent = d.message;
        item.append(where, source, message);
        if (d.help) {
          const help = document.createElement("div");
          help.className = "help";
          help.textContent = `${t("help")}: ${d.help}`;
          item.append(help);
        }
        item.addEventListener("click", () => this.select(d));
        return item;
      }),
    );
  }

  /** Puts the cursor on a diagnostic's span. */
  select(d) {
    this.text.focus();
    this.text.setSelectionRange(d.start, Math.max(d.end, d.start + 1));
  }

  renderGutter() {
    const count = this.text.value.split("\n").length;
    const marked = new Map(this.diagnostics.map((d) => [d.line, d.severity]));
    const rows = [];
    for (let i = 1; i <= count; i++) {
      const row = document.createElement("div");
      row.textContent = i;
      if (marked.has(i)) row.className = `mark ${marked.get(i)}`;
      rows.push(row);
    }
    this.gutter.replaceChildren(...rows);
    this.gutter.scrollTop = this.text.scrollTop;
  }
}
