// Types of merit-wasm's entry (index.js). The data shapes (Report, Diagnostic, …)
// are generated into merit_wasm.d.ts from bindings/wasm/src/types.rs.
import type {
  Diagnostic,
  RankOptions,
  Ranking,
  RecordsInput,
  Report,
  RulebookInfo,
  ScoreOptions,
  WhatIf,
} from "./merit_wasm.js";

export type * from "./merit_wasm.js";

/** The error every failing call throws. */
export interface MeritError extends Error {
  name: "MeritError";
  /**
   * The engine's stable code (tests/errors/requests.json lists them with their messages):
   * "rulebook" (did not load); a refused option ("bad-date", "bad-period", "bad-lang",
   * "bad-format", "reversed-range", "unknown-option", "bad-option", "bad-rank"); an
   * input ("unreadable-input", "no-sheet"); a bank refusal ("insufficient-credits",
   * "unknown-member", "backdated", "unknown-item", …); "strict" (a rejected record or an
   * input warning under `strict: true`); "argument" (a JS value of the wrong shape);
   * "panic" (an engine bug); or "not-in-build" (in a browser: a script rule, `matches`
   * or a spreadsheet before `await loadFull()`).
   */
  code: string;
  /** For code "rulebook": where each problem is. Empty otherwise. */
  diagnostics: Diagnostic[];
}

/** Loads the WebAssembly module (once); in Node it is read from disk. */
export function init(
  source?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;
export function initSync(bytes: BufferSource | WebAssembly.Module): void;
/**
 * Loads the full build (spreadsheets, script rules, `matches`) once. Under Node it
 * is loaded by itself when a call needs it; a browser page awaits this first.
 */
export function loadFull(
  source?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;
/** Which build answers calls now. */
export function loadedBuild(): "lean" | "full";

export class Rulebook {
  private constructor();
  /** Throws a MeritError with `diagnostics` when the text does not load. */
  static fromYaml(text: string, name?: string): Rulebook;
  /** Warnings of the loaded rulebook. */
  check(): Diagnostic[];
  info(): RulebookInfo;
  readonly source: string;
  readonly name: string;
  score(records: RecordsInput, options?: ScoreOptions): Report;
  explain(report: Report, member: string, lang?: "zh" | "en"): string | undefined;
  /** The report's members ranked (1, 2, 2, 4; ties by member id; index rankings show grades). */
  rank(report: Report, options?: RankOptions): Ranking;
  whatIf(records: RecordsInput, extraRecords: RecordsInput, options?: ScoreOptions): WhatIf;
  free(): void;
}

/** Every diagnostic (errors and warnings) of a rulebook text, without loading it. */
export function check(text: string, name?: string): Diagnostic[];
export function version(): string;
/** A decimal string as a number, for display only: numbers are not exact. */
export function toNumber(decimal: string | null | undefined): number;

/**
 * An in-memory moral bank for previews (a panic resets it). Decimals are strings.
 * It lives in the full build: under Node it is loaded by itself, in a browser
 * `await loadFull()` first (else a MeritError with code "not-in-build").
 */
/** One award whose credits in the bank differ from the report's. */
export interface BankDifference {
  member: string;
  rule: string;
  date: string;
  held: string;
  report: string;
  added: string[];
  removed: string[];
  why: string[];
}

export class Bank {
  constructor();
  /** Makes the bank's credits equal the report's awards (adjusting late and corrected ones), booked on `date` (default: the report's last day). */
  post(
    book: Rulebook,
    report: Report,
    options?: { date?: string },
  ): { posted: number; already_posted: number; credits: string; adjustments: BankDifference[]; [key: string]: unknown };
  /** Every award whose credits in the bank differ from the report's; posts nothing. */
  reconcile(book: Rulebook, report: Report): BankDifference[];
  /** Redeems a catalog item or an amount once per key. */
  redeem(member: string, request: { item?: string; amount?: string; key: string; date: string }): Record<string, unknown>;
  /** A member's balance. */
  balance(member: string): string;
  /** Every movement of a member's credits, with opening and closing balances. */
  statement(member: string): { member: string; opening: string; closing: string; movements: Record<string, unknown>[] };
}
