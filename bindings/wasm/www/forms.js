// Record forms built from the rulebook's schema: member, kind and date, then one
// input per declared field (number, checkbox, date or text).

export function buildFields(container, info, t, { member = "", kind = "", date = "", kinds = [] } = {}) {
  const rows = [
    { name: "member", label: t("member"), input: text("member", member) },
    { name: "kind", label: t("kind"), input: text("kind", kind, kinds) },
    { name: "date", label: t("date"), input: input("date", "date", date) },
  ];
  for (const field of info?.fields ?? []) {
    let el;
    if (field.type === "bool") {
      el = input(field.name, "checkbox");
      el.checked = field.default === "true" || field.name === "verified" || field.name === "核实";
    } else if (field.type === "decimal" || field.type === "int") {
      el = input(field.name, "number");
      el.step = field.type === "int" ? "1" : "any";
    } else if (field.type === "date") {
      el = input(field.name, "date");
    } else {
      el = input(field.name, "text");
    }
    el.dataset.type = field.type;
    rows.push({ name: field.name, label: field.name + (field.optional ? "" : " *"), input: el });
  }
  container.replaceChildren(
    ...rows.map(({ label, input }) => {
      const wrap = document.createElement("label");
      const span = document.createElement("span");
      span.textContent = label;
      wrap.append(span, input);
      return wrap;
    }),
  );
}

function input(name, type, value = "") {
  const el = document.createElement("input");
  el.name = name;
  el.type = type;
  if (value) el.value = value;
  return el;
}

function text(name, value, options = []) {
  const el = input(name, "text", value);
  el.required = true;
  if (options.length) {
    const list = document.createElement("datalist");
    list.id = `${name}-options-${Math.random().toString(36).slice(2, 8)}`;
    list.append(...options.map((o) => Object.assign(document.createElement("option"), { value: o })));
    el.setAttribute("list", list.id);
    queueMicrotask(() => el.after(list));
  }
  return el;
}

/** The form's values as a record object: numbers stay as typed text (exact). */
export function readRecord(form) {
  const record = {};
  for (const el of form.querySelectorAll("input[name]")) {
    if (el.type === "checkbox") record[el.name] = el.checked;
    else if (el.value !== "") record[el.name] = el.dataset.type === "decimal" || el.dataset.type === "int" ? Number(el.value) : el.value;
  }
  return record;
}
