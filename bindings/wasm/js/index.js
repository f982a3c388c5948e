// merit-wasm: the package's entry. It wraps the module wasm-bindgen generates
// (merit_wasm.js) for two jobs only:
//   * loading: `await init()` fetches the .wasm next to this file in a browser, and
//     reads it from disk under Node (whose fetch cannot read file: URLs);
//   * panics: wasm32-unknown-unknown cannot unwind, so a Rust panic traps. The
//     panic hook (src/error.rs) leaves its message in globalThis.__meritPanic and
//     schedules a fresh instance; here the trap becomes a MeritError with code
//     "panic", and a Rulebook made before it is loaded again from its text, so the
//     next call works. Nothing else is decided here.
import wasmInit, * as wasm from "./merit_wasm.js";

let loading = null;

/**
 * Loads the WebAssembly module once; later calls return the same promise.
 * `source` is optional: a URL, a Response, bytes or a WebAssembly.Module.
 */
export function init(source) {
  if (!loading) {
    loading = (async () => {
      let input = source;
      if (input === undefined && typeof process !== "undefined" && process.versions?.node) {
        const { readFile } = await import("node:fs/promises");
        input = await readFile(new URL("./merit_wasm_bg.wasm", import.meta.url));
      }
      await wasmInit(input === undefined ? undefined : { module_or_path: input });
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Loads the module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(bytes) {
  wasm.initSync({ module: bytes });
  loading = Promise.resolve();
}

/** How many panics have been recovered from (a new instance after each). */
let generation = 0;

function guard(call) {
  try {
    return call();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      generation += 1;
      // The panic hook scheduled a fresh instance; wasm-bindgen creates it on the
      // next call, but only after that call has copied its string arguments into
      // the old instance's memory. A call without arguments makes the switch now.
      wasm.version();
      const message = globalThis.__meritPanic ?? `merit: internal error: ${error.message}`;
      delete globalThis.__meritPanic;
      throw meritError(message, "panic", { cause: error });
    }
    throw error;
  }
}

function meritError(message, code, options) {
  const error = new Error(message, options);
  error.name = "MeritError";
  error.code = code;
  error.diagnostics = [];
  return error;
}

const CONSTRUCT = Symbol("Rulebook.fromYaml");

/** A loaded, checked rulebook. */
export class Rulebook {
  #text;
  #name;
  #raw;
  #generation;

  constructor(token, text, name, raw) {
    if (token !== CONSTRUCT) throw new TypeError("use Rulebook.fromYaml(text, name)");
    this.#text = text;
    this.#name = name;
    this.#raw = raw;
    this.#generation = generation;
  }

  /**
   * Loads a rulebook from YAML text. Throws a MeritError (code "rulebook") whose
   * message is the CLI's located text and whose `diagnostics` locate each problem.
   */
  static fromYaml(text, name = "rulebook.yaml") {
    const raw = guard(() => wasm.Rulebook.fromYaml(text, name));
    return new Rulebook(CONSTRUCT, text, name, raw);
  }

  #book() {
    if (this.#generation !== generation) {
      this.#raw = wasm.Rulebook.fromYaml(this.#text, this.#name);
      this.#generation = generation;
    }
    return this.#raw;
  }

  #call(method, ...args) {
    return guard(() => this.#book()[method](...args));
  }

  /** The rulebook's warnings (errors stop it from loading: see `check(text)`). */
  check() {
    return this.#call("check");
  }

  /** Id, title, unit, record fields and rules. */
  info() {
    return this.#call("info");
  }

  /** The YAML text the rulebook was loaded from. */
  get source() {
    return this.#text;
  }

  /** The name diagnostics use for this rulebook. */
  get name() {
    return this.#name;
  }

  /** Scores records; returns the report of DESIGN section 4, decimals as strings. */
  score(records, options) {
    return this.#call("score", records, options);
  }

  /** One member's report as sentences ("zh" or "en"); undefined for an unknown member. */
  explain(report, member, lang) {
    return this.#call("explain", report, member, lang);
  }

  /** The report's members ranked: { by, period, top }, each optional. */
  rank(report, options) {
    return this.#call("rank", report, options);
  }

  /** What `extraRecords` would change: { before, after, diff }. */
  whatIf(records, extraRecords, options) {
    return this.#call("whatIf", records, extraRecords, options);
  }

  /** The raw wasm-bindgen object, for `Bank.post` (not part of the API). */
  _raw() {
    return this.#book();
  }

  /** Frees the WebAssembly memory now instead of when the object is collected. */
  free() {
    if (this.#generation === generation) this.#raw.free();
  }
}

/**
 * An in-memory moral bank for previews: post a report's credits, redeem, read
 * balances and statements. A panic resets the engine, and with it this bank.
 */
export class Bank {
  #raw;

  constructor() {
    this.#raw = guard(() => new wasm.Bank());
  }

  /**
   * Makes the bank's credits equal the report's awards that `book`'s `bank.earn`
   * selects (late and corrected records become adjustments), booked on `date`
   * (default: the report's last day); returns a summary.
   */
  post(book, report, { date } = {}) {
    return guard(() => this.#raw.post(book._raw(), report, date));
  }

  /** Every award whose credits in the bank differ from the report's; posts nothing. */
  reconcile(book, report) {
    return guard(() => this.#raw.reconcile(book._raw(), report));
  }

  /** Redeems `{ item }` or `{ amount }` (a decimal string) once per `key`, on `date`. */
  redeem(member, { item, amount, key, date }) {
    return guard(() => this.#raw.redeem(member, item, amount, key, date));
  }

  /** A member's balance, as a decimal string. */
  balance(member) {
    return guard(() => this.#raw.balance(member));
  }

  /** Every movement of a member's credits with opening and closing balances. */
  statement(member) {
    return guard(() => this.#raw.statement(member));
  }
}

/** Every diagnostic of a rulebook text, without loading it: what an editor calls. */
export function check(text, name = "rulebook.yaml") {
  return guard(() => wasm.check(text, name));
}

/** The engine's version. */
export function version() {
  return guard(() => wasm.version());
}

/**
 * A decimal string as a JS number, FOR DISPLAY ONLY (charts, bar widths): numbers
 * are binary floats and lose exactness. Compute with the strings, or a decimal
 * library. `null` and `undefined` give 0.
 */
export function toNumber(decimal) {
  return decimal == null ? 0 : Number(decimal);
}

/** Panics inside the engine on purpose, for tests of panic recovery. */
export function __panicForTests() {
  return guard(() => wasm.__panicForTests());
}
