// merit-wasm: the package's entry. It wraps the modules wasm-bindgen generates
// for three jobs only:
//   * loading: `await init()` fetches the lean .wasm next to this file in a browser,
//     and reads it from disk under Node (whose fetch cannot read file: URLs);
//   * two builds: the lean one (merit_wasm.js, what a phone downloads first: no
//     spreadsheets, script rules, regular expressions, GB18030 text, time zones
//     beyond UTC and Asia/Shanghai, or moral bank) and the full one
//     (full/merit_wasm.js). When the lean engine answers `not-in-build` (a
//     rulebook with a script rule or `matches`, a spreadsheet input), the call is
//     made again on the full engine: under Node it is loaded then and there; in a
//     browser it must have been loaded with `await loadFull()` (the preview page
//     does so when it meets such a rulebook or file), else the call throws a
//     MeritError with code "not-in-build" saying so. Never a silent difference;
//   * panics: wasm32-unknown-unknown cannot unwind, so a Rust panic traps. The
//     panic hook (src/error.rs) leaves its message in globalThis.__meritPanic and
//     schedules a fresh instance; here the trap becomes a MeritError with code
//     "panic", and a Rulebook made before it is loaded again from its text, so the
//     next call works. Nothing else is decided here.
import leanInit, * as lean from "./merit_wasm.js";

const FULL_GLUE = "./full/merit_wasm.js";
const FULL_WASM = "./full/merit_wasm_bg.wasm";
const NOT_IN_BUILD = "not-in-build";
const inNode = typeof process !== "undefined" && Boolean(process.versions?.node);

let loading = null;
/** The full build's module once instantiated; `fullGlue` its glue, once imported. */
let full = null;
let fullGlue = null;
let fullLoading = null;
/** Under Node: reads a file next to this one synchronously (set by init). */
let readSync = null;

/**
 * Loads the lean WebAssembly module once; later calls return the same promise.
 * `source` is optional: a URL, a Response, bytes or a WebAssembly.Module.
 */
export function init(source) {
  if (!loading) {
    loading = (async () => {
      let input = source;
      if (inNode) {
        const { readFileSync } = await import("node:fs");
        readSync = (path) => readFileSync(new URL(path, import.meta.url));
        fullGlue = await import(FULL_GLUE);
        if (input === undefined) input = readSync("./merit_wasm_bg.wasm");
      }
      await leanInit(input === undefined ? undefined : { module_or_path: input });
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Loads the lean module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(bytes) {
  lean.initSync({ module: bytes });
  loading = Promise.resolve();
}

/**
 * Loads the full build (spreadsheets, script rules, regular expressions) once;
 * later calls return the same promise. Calls that the lean build cannot make use
 * it from then on. `source` is optional, as for `init`.
 */
export function loadFull(source) {
  if (!fullLoading) {
    fullLoading = (async () => {
      fullGlue ??= await import(FULL_GLUE);
      let input = source;
      if (input === undefined && readSync) input = readSync(FULL_WASM);
      if (input === undefined) input = new URL(FULL_WASM, import.meta.url);
      await fullGlue.default({ module_or_path: input });
      full = fullGlue;
    })();
    fullLoading.catch(() => {
      fullLoading = null;
    });
  }
  return fullLoading;
}

/** Which build answers calls now: "lean", or "full" once it is loaded. */
export function loadedBuild() {
  return full ? "full" : "lean";
}

/** The engine to use now: the full one once loaded, else the lean one. */
function current() {
  return full ?? lean;
}

/**
 * The full engine for a call the lean one could not make: loaded now under Node,
 * else it must have been loaded; otherwise the lean engine's error is thrown with
 * what to do.
 */
function fullFor(error) {
  const engine = fullNow();
  if (engine) return engine;
  error.message +=
    "\n(the lean package leaves this out to stay small: `await loadFull()` loads the full one, then call again)";
  throw error;
}

/** The full engine if it is loaded, or can be now (under Node); else null. */
function fullNow() {
  if (!full && fullGlue && readSync) {
    fullGlue.initSync({ module: readSync(FULL_WASM) });
    full = fullGlue;
    fullLoading = Promise.resolve();
  }
  return full;
}

/** Whether an engine's error or diagnostics say the build leaves something out. */
function notInBuild(error) {
  return error?.code === NOT_IN_BUILD;
}

/** How many panics have been recovered from (a new instance after each). */
let generation = 0;

/**
 * Makes a call on `engine` (`call(engine)`); a panic becomes a MeritError. A call
 * the lean engine cannot make is made again on the full one (see `fullFor`).
 */
function guard(call, engine = current()) {
  try {
    return call(engine);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      generation += 1;
      // The panic hook scheduled a fresh instance; wasm-bindgen creates it on the
      // next call, but only after that call has copied its string arguments into
      // the old instance's memory. A call without arguments makes the switch now.
      engine.version();
      const message = globalThis.__meritPanic ?? `merit: internal error: ${error.message}`;
      delete globalThis.__meritPanic;
      throw meritError(message, "panic", { cause: error });
    }
    if (notInBuild(error) && engine !== full) return guard(call, fullFor(error));
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
  #engine;
  #generation;

  constructor(token, text, name, raw, engine) {
    if (token !== CONSTRUCT) throw new TypeError("use Rulebook.fromYaml(text, name)");
    this.#text = text;
    this.#name = name;
    this.#raw = raw;
    this.#engine = engine;
    this.#generation = generation;
  }

  /**
   * Loads a rulebook from YAML text. Throws a MeritError (code "rulebook") whose
   * message is the CLI's located text and whose `diagnostics` locate each problem.
   */
  static fromYaml(text, name = "rulebook.yaml") {
    return guard((engine) => new Rulebook(CONSTRUCT, text, name, engine.Rulebook.fromYaml(text, name), engine));
  }

  /** The raw rulebook in `engine`, loaded again from its text after a panic or in another engine. */
  #book(engine = this.#engine) {
    if (this.#generation !== generation || this.#engine !== engine) {
      const raw = engine.Rulebook.fromYaml(this.#text, this.#name);
      if (this.#generation === generation) this.#raw.free();
      this.#raw = raw;
      this.#engine = engine;
      this.#generation = generation;
    }
    return this.#raw;
  }

  #call(method, ...args) {
    return guard((engine) => this.#book(engine)[method](...args), this.#engine);
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

  /** The raw wasm-bindgen object in `engine`, for `Bank.post` (not part of the API). */
  _raw(engine) {
    return this.#book(engine);
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
  #engine;

  constructor() {
    // The ledger is in the full build only (the preview page does not use it).
    this.#engine = current().Bank
      ? current()
      : fullFor(meritError("the moral bank is not in the lean package", NOT_IN_BUILD));
    this.#raw = guard((engine) => new engine.Bank(), this.#engine);
  }

  /**
   * Makes the bank's credits equal the report's awards that `book`'s `bank.earn`
   * selects (late and corrected records become adjustments), booked on `date`
   * (default: the report's last day); returns a summary.
   */
  post(book, report, { date } = {}) {
    return guard(() => this.#raw.post(book._raw(this.#engine), report, date), this.#engine);
  }

  /** Every award whose credits in the bank differ from the report's; posts nothing. */
  reconcile(book, report) {
    return guard(() => this.#raw.reconcile(book._raw(this.#engine), report), this.#engine);
  }

  /** Redeems `{ item }` or `{ amount }` (a decimal string) once per `key`, on `date`. */
  redeem(member, { item, amount, key, date }) {
    return guard(() => this.#raw.redeem(member, item, amount, key, date), this.#engine);
  }

  /** A member's balance, as a decimal string. */
  balance(member) {
    return guard(() => this.#raw.balance(member), this.#engine);
  }

  /** Every movement of a member's credits with opening and closing balances. */
  statement(member) {
    return guard(() => this.#raw.statement(member), this.#engine);
  }
}

/** Every diagnostic of a rulebook text, without loading it: what an editor calls. */
export function check(text, name = "rulebook.yaml") {
  const diagnostics = guard((engine) => engine.check(text, name));
  // The lean engine's `not-in-build` error stays when the full one cannot be had
  // now (a browser before `loadFull()`): its message says what is left out.
  const engine = diagnostics.some(notInBuild) && current() !== full ? fullNow() : null;
  return engine ? guard((e) => e.check(text, name), engine) : diagnostics;
}

/** The engine's version. */
export function version() {
  return guard((engine) => engine.version());
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
  return guard((engine) => engine.__panicForTests());
}
