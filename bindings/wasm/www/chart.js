// Per-period points as an inline SVG bar chart; with `after` (a what-if), each
// period that changes gets a second, highlighted bar.
import { toNumber } from "../pkg/index.js";

const NS = "http://www.w3.org/2000/svg";

function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** `periods`: [{ period, total }]; `after`: optional Map period → total after. */
export function barChart(periods, after = new Map()) {
  const labels = [...new Set([...periods.map((p) => p.period), ...after.keys()])].sort();
  const before = new Map(periods.map((p) => [p.period, p.total]));
  const values = labels.flatMap((l) => [toNumber(before.get(l)), toNumber(after.get(l))]);
  const max = Math.max(1, ...values.map(Math.abs));
  const slot = 56;
  const height = 180;
  const top = 22;
  const base = height - 28;
  const width = Math.max(320, labels.length * slot + 20);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "bars" });
  svg.append(el("line", { x1: 10, x2: width - 10, y1: base, y2: base, class: "axis" }));
  labels.forEach((label, i) => {
    const x = 14 + i * slot;
    const bar = (value, dx, cls) => {
      const h = (Math.abs(toNumber(value)) / max) * (base - top);
      const y = toNumber(value) >= 0 ? base - h : base;
      const g = el("g", { class: cls, "data-period": label });
      g.append(el("rect", { x: x + dx, y, width: after.size ? 22 : 40, height: Math.max(h, 1) }));
      g.append(el("text", { x: x + dx + (after.size ? 11 : 20), y: y - 4, "text-anchor": "middle" }, value ?? "0"));
      return g;
    };
    svg.append(bar(before.get(label) ?? "0", 0, "bar"));
    if (after.has(label)) svg.append(bar(after.get(label), 24, "bar after"));
    svg.append(el("text", { x: x + 22, y: height - 10, "text-anchor": "middle", class: "label" }, label));
  });
  return svg;
}
