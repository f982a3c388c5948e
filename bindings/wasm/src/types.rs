//! The TypeScript shapes of the data that crosses the boundary, added to the
//! generated `.d.ts`. They follow `engine/src/report.rs`, `engine/src/api.rs`
//! (`WhatIf`) and `convert.rs`; `tests/api.test.mjs` checks real values against
//! them key by key, so a field added to the engine and not here fails a test.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** An exact decimal as text: "35.0", "-5", "200.0". Use `toNumber` only to display. */
export type Decimal = string;
/** A calendar date: "2026-03-14". */
export type DateString = string;

/** One activity: member, kind, date, optional id, and the rulebook's own fields. */
export interface ActivityRecord {
  member: string;
  kind: string;
  date: DateString;
  id?: string;
  [field: string]: string | number | boolean | null | undefined;
}

/** Records as objects, or the text / bytes of a JSONL, JSON, CSV or YAML file, or the
 * bytes of a spreadsheet (.xlsx, .xls, .ods: its first sheet). */
export type RecordsInput = ActivityRecord[] | string | Uint8Array;

export type Period = "day" | "week" | "month" | "quarter" | "year" | "lifetime";
export type InputFormat = "jsonl" | "ndjson" | "json" | "csv" | "yaml" | "yml" | "xlsx" | "xls" | "ods";

export interface ScoreOptions {
  /** First day reported ("2026-03-01"); earlier records are history. */
  from?: DateString;
  /** Last day reported. */
  to?: DateString;
  /** The day the report is made: later records are unseen, open windows provisional. */
  asOf?: DateString;
  /** The period of the report's rows; the rulebook's `period` by default. */
  period?: Period;
  /** The language of explanations; Chinese for rulebooks with Chinese titles by default. */
  lang?: "zh" | "en";
  /** Add `unscored` to each member: the records that earned nothing, and why. */
  whyNot?: boolean;
  /** The sheet of a spreadsheet to read (default: the first). */
  sheet?: string;
  /** Throw a `MeritError` (code `strict`) when a record is rejected or an input has a warning. */
  strict?: boolean;
  /** Format of `records` when it is a string or bytes (guessed when missing). */
  format?: InputFormat;
  /** Format of `whatIf`'s extra records when they are a string or bytes. */
  extraFormat?: InputFormat;
  /** Member profiles (`member` key plus attributes), read for `member.*`. */
  members?: Array<Record<string, unknown>> | string | Uint8Array;
  membersFormat?: InputFormat;
}

/** The report (DESIGN section 4), identical to `merit score --format json`. */
export interface Report {
  rulebook: { id: string; version: string; digest: string };
  range: { from: DateString | null; to: DateString | null };
  as_of: DateString | null;
  period: string;
  members: MemberReport[];
  rejected: Rejected[];
  /** Valid records in the range that no rule's condition matched. */
  unmatched: number;
  /** What the inputs said that is probably not meant: a column that is no field. */
  warnings: Array<{ input: string; message: string }>;
}

export interface MemberReport {
  member: string;
  total: Decimal;
  periods: PeriodReport[];
  indexes: IndexReport[];
  /** With `whyNot: true`: records in the range that earned nothing, and why. */
  unscored?: Unscored[];
}

export interface Unscored {
  /** The record's id. */
  record: string;
  date: DateString;
  /** What each rule whose first condition the record passed says. */
  reasons: { rule: string; why: string }[];
}

export interface PeriodReport {
  /** "2026-03", "2026-Q1", "2026-W11", … */
  period: string;
  total: Decimal;
  /** Points by rule id, in rule order. */
  rules: Record<string, Decimal>;
  awards: Award[];
}

export interface Award {
  rule: string;
  date: DateString;
  points: Decimal;
  /** Ids of the records the award came from. */
  records: string[];
  /** The sentence: the rule's `explain:` template and the points, or a short trace. */
  explain: string;
  /** The full formula with its values: "min(hours=8, 8) * 10 = 80". */
  trace: string;
  withheld: Withheld | null;
  /** The award's window had not closed by `as_of`. */
  provisional: boolean;
}

export interface Withheld {
  /** The cap that bit: "month 200". */
  cap: string;
  points: Decimal;
}

export interface IndexReport {
  index: string;
  period: string;
  score: Decimal;
  grade: string | null;
  veto: Veto | null;
  dimensions: Record<string, Decimal>;
  provisional: boolean;
}

export interface Veto {
  reason: string;
  grade: string;
}

export interface Rejected {
  /** 1-based position in its input. */
  record: number;
  id: string | null;
  error: string;
  /** The input's name when several were read ("records", "what-if"). */
  source?: string;
}

export type Severity = "error" | "warning";

/** One problem in a rulebook, located for an editor. */
export interface Diagnostic {
  /** Stable identifier, e.g. "unknown-field". */
  code: string;
  severity: Severity;
  message: string;
  file: string;
  /** 1-based line and column (in characters) of the start and end. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Offsets into the rulebook text in UTF-16 code units (JS string indices). */
  start: number;
  end: number;
  label: string | null;
  help: string | null;
}

export interface RulebookInfo {
  id: string;
  version: string;
  title: string | null;
  digest: string;
  period: Period;
  unit: { name: string; decimals: number };
  fields: Array<{ name: string; type: "decimal" | "int" | "bool" | "string" | "date"; optional: boolean; default: string | null }>;
  rules: Array<{ id: string; title: string | null; tags: string[] }>;
}

/** Before and after for one key: a period label (in `periods`) or a rule id (in `rules`). */
export interface Delta {
  key: string;
  before: Decimal;
  after: Decimal;
  change: Decimal;
}

export interface IndexDelta {
  index: string;
  period: string;
  before: IndexReport | null;
  after: IndexReport | null;
  change: Decimal;
}

export interface MemberDiff {
  member: string;
  before: Decimal;
  after: Decimal;
  change: Decimal;
  periods: Delta[];
  rules: Delta[];
  indexes: IndexDelta[];
}

/** Options of `Rulebook.rank`; each may be left out. */
export interface RankOptions {
  /** "total" (the default), "rule:ID" or "index:ID". */
  by?: string;
  /** A period label ("2026-03", "2026-Q1", "2026-W11", "2026"); default: the whole report. */
  period?: string;
  /** Keep members ranked N or better (a tie at the cut is kept whole). */
  top?: number;
}

/** A ranking: standard competition ranking (1, 2, 2, 4), ties by member id. */
export interface Ranking {
  rulebook: { id: string; version: string; digest: string };
  by: string;
  title: string | null;
  period: string | null;
  top: number | null;
  rows: RankRow[];
}

export interface RankRow {
  rank: number;
  member: string;
  /** Points, or the index score for an index ranking. */
  points: Decimal;
  grade: string | null;
  veto: Veto | null;
  provisional: boolean;
}

export interface WhatIf {
  before: Report;
  after: Report;
  /** Only members with a change, sorted by id. */
  diff: { members: MemberDiff[] };
}
"#;
