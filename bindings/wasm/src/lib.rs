//! merit for JavaScript: the engine compiled to WebAssembly.
//!
//! One class, [`Rulebook`], and one function, [`check`]; data goes in and out as
//! plain JS objects through serde (decimals as strings, as in the JSON report),
//! every failure is a `MeritError` made in one place (`error.rs`), every
//! conversion is in `convert.rs`, and the TypeScript shapes of the data are in
//! `types.rs`. The package's `index.js` wraps this module: it loads the `.wasm` in
//! browsers and in Node, and turns a trapped panic into a `MeritError`.
//!
//! ```js
//! import { init, Rulebook } from "merit-wasm";
//! await init();
//! const book = Rulebook.fromYaml(yamlText, "volunteer-hours.yaml");
//! const report = book.score(records, { from: "2026-03-01", to: "2026-03-31" });
//! console.log(report.members[0].total);            // "35.0" — a string, exact
//! console.log(book.explain(report, "m1", "en"));
//! ```

mod convert;
mod error;
mod types;

use merit::Lang;
use wasm_bindgen::prelude::*;

use crate::error::Error;

#[wasm_bindgen(start)]
fn start() {
    error::install_panic_hook();
}

/// A loaded, checked rulebook.
#[wasm_bindgen]
pub struct Rulebook {
    book: merit::Rulebook,
}

#[wasm_bindgen]
impl Rulebook {
    /// Loads a rulebook from YAML text; `name` is how diagnostics refer to it.
    /// Throws a `MeritError` whose message is the CLI's located text and whose
    /// `diagnostics` say where each problem is.
    #[wasm_bindgen(js_name = fromYaml)]
    pub fn from_yaml(text: &str, name: Option<String>) -> Result<Rulebook, JsValue> {
        let name = name.as_deref().unwrap_or("rulebook.yaml");
        let book = merit::Rulebook::from_yaml(text, name).map_err(Error::from)?;
        Ok(Rulebook { book })
    }

    /// The warnings of this rulebook (a loaded rulebook has no errors; to check
    /// text that may not load, call the module's `check`).
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn check(&self) -> JsValue {
        convert::diagnostics(&self.book.warnings, &self.book.source)
    }

    /// Id, title, unit, record fields and rules: what a page builds its forms from.
    #[wasm_bindgen(unchecked_return_type = "RulebookInfo")]
    pub fn info(&self) -> Result<JsValue, JsValue> {
        Ok(convert::to_js(&convert::info(&self.book))?)
    }

    /// The YAML text the rulebook was loaded from.
    #[wasm_bindgen(getter)]
    pub fn source(&self) -> String {
        self.book.source.clone()
    }

    /// Scores records: an array of objects, or a JSONL / JSON / CSV / YAML string or
    /// `Uint8Array` (format from `options.format`, else guessed from the first
    /// character). Records that cannot be read are listed in `rejected`.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordsInput")] records: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = convert::options(options)?;
        let records = convert::records(&self.book, &records, &options, false)?;
        let evaluation = self
            .book
            .evaluate(&records, options.members.as_ref(), &options.score);
        if options.strict
            && let Some(problems) = merit::input_problems(&evaluation.report())
        {
            return Err(Error::Strict(problems).into());
        }
        Ok(convert::report_to_js(&evaluation)?)
    }

    /// One member's report told as sentences, in Chinese (`"zh"`) or English
    /// (`"en"`); by default in the language of the rulebook's title. `undefined`
    /// when the report has no such member.
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
        member: &str,
        lang: Option<String>,
    ) -> Result<Option<String>, JsValue> {
        let lang = match lang.as_deref() {
            None => Lang::for_book(&self.book),
            Some(name) => merit::parse_lang(name).map_err(Error::from)?,
        };
        let reader = serde_wasm_bindgen::Deserializer::from(report);
        let text = merit::explain_report(&self.book, reader, member, lang)
            .map_err(|e| Error::Argument(format!("report: {e}")))?;
        Ok(text)
    }

    /// The members of a report ranked (`{ by: "total" | "rule:ID" | "index:ID",
    /// period: "2026-03", top: 10 }`, each optional): 1, 2, 2, 4 on ties, ties by
    /// member id, a tie at the `top` cut kept whole; an index ranking shows grades.
    #[wasm_bindgen(unchecked_return_type = "Ranking")]
    pub fn rank(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RankOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let report: merit::Report =
            serde_wasm_bindgen::from_value(report).map_err(|e| Error::Argument(format!("report: {e}")))?;
        let request = merit::RankRequest::from_value(convert::json_value(options)?).map_err(Error::from)?;
        let ranking = request
            .options()
            .and_then(|options| merit::rank(&self.book, &report, &options))
            .map_err(Error::from)?;
        Ok(convert::to_js(&ranking)?)
    }

    /// What `extraRecords` would change: `{ before, after, diff }`, the reports
    /// without and with them and the difference per member, rule, period and index.
    #[wasm_bindgen(js_name = whatIf, unchecked_return_type = "WhatIf")]
    pub fn what_if(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RecordsInput")] records: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RecordsInput")] extra_records: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = convert::options(options)?;
        let base = convert::records(&self.book, &records, &options, false)?;
        let extra = convert::records(&self.book, &extra_records, &options, true)?;
        let what_if = merit::what_if(
            &self.book,
            &base,
            &extra,
            options.members.as_ref(),
            &options.score,
        );
        Ok(convert::to_js(&what_if)?)
    }
}

/// An in-memory moral bank, for previews: credits earned from a report's awards,
/// redeemed against the rulebook's catalog. Nothing is stored beyond the page.
/// In the full build only: the preview page does not use it, and the lean build
/// is 25 KB gzipped smaller without the ledger (js/index.js loads the full build).
#[cfg(feature = "full")]
#[wasm_bindgen]
pub struct Bank {
    bank: merit::Bank,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Bank {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Bank {
        Bank {
            bank: merit::Bank::in_memory(),
        }
    }

    /// Makes the bank's credits equal `report`'s awards that `book`'s `bank.earn`
    /// selects, booked on `date` (`YYYY-MM-DD`; default: the report's last day).
    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown>")]
    pub fn post(
        &mut self,
        book: &Rulebook,
        #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
        date: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let report: merit::Report =
            serde_wasm_bindgen::from_value(report).map_err(|e| Error::Argument(e.to_string()))?;
        // Booked on the day given, else the report's last day.
        let on = match date {
            Some(date) => date
                .parse()
                .map_err(|_| Error::Argument(format!("date: `{date}` is not a date")))?,
            None => report
                .range
                .to
                .ok_or_else(|| Error::Argument("give the posting date: the report has no range".into()))?,
        };
        let summary = self.bank.post(&book.book, &report, on).map_err(bank_error)?;
        Ok(convert::to_js(&summary)?)
    }

    /// Every award whose credits in the bank differ from `report`'s; nothing is posted.
    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown>[]")]
    pub fn reconcile(
        &mut self,
        book: &Rulebook,
        #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
    ) -> Result<JsValue, JsValue> {
        let report: merit::Report =
            serde_wasm_bindgen::from_value(report).map_err(|e| Error::Argument(e.to_string()))?;
        let differences = self.bank.reconcile(&book.book, &report).map_err(bank_error)?;
        Ok(convert::to_js(&differences)?)
    }

    /// Redeems a catalog item (or an amount, as a decimal string) on `date`, once per `key`.
    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown>")]
    pub fn redeem(
        &mut self,
        member: &str,
        item: Option<String>,
        amount: Option<String>,
        key: &str,
        date: &str,
    ) -> Result<JsValue, JsValue> {
        let what = match (item, amount) {
            (Some(item), None) => merit::Redeem::Item(item),
            (None, Some(amount)) => merit::Redeem::Amount(
                amount
                    .parse()
                    .map_err(|_| Error::Argument(format!("amount: `{amount}` is not a decimal")))?,
            ),
            _ => return Err(Error::Argument("give an item or an amount".into()).into()),
        };
        let date = date
            .parse()
            .map_err(|_| Error::Argument(format!("date: `{date}` is not a date")))?;
        let receipt = self.bank.redeem(member, &what, key, date).map_err(bank_error)?;
        Ok(convert::to_js(&receipt)?)
    }

    /// A member's balance, as a decimal string.
    pub fn balance(&mut self, member: &str) -> Result<String, JsValue> {
        Ok(self.bank.balance(member).map_err(bank_error)?.to_string())
    }

    /// Every movement of a member's credits, with opening and closing balances.
    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown>")]
    pub fn statement(&mut self, member: &str) -> Result<JsValue, JsValue> {
        let statement = self.bank.statement(member, None, None).map_err(bank_error)?;
        Ok(convert::to_js(&statement)?)
    }
}

#[cfg(feature = "full")]
impl Default for Bank {
    fn default() -> Self {
        Bank::new()
    }
}

/// A refused bank operation, as a `MeritError` whose code is the bank's own
/// (`insufficient-credits`, `unknown-member`, …) and whose message says why.
#[cfg(feature = "full")]
fn bank_error(error: merit::BankError) -> Error {
    Error::from(error)
}

/// Every diagnostic of a rulebook text, errors and warnings, without loading it:
/// what an editor calls as the author types.
#[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
pub fn check(text: &str, name: Option<String>) -> JsValue {
    let name = name.as_deref().unwrap_or("rulebook.yaml");
    convert::diagnostics(&merit::Rulebook::check(text, name), text)
}

/// The version of the merit engine in this package.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Panics on purpose, so that tests can check a panic never escapes as a trap.
#[doc(hidden)]
#[wasm_bindgen(js_name = __panicForTests)]
pub fn panic_for_tests() {
    panic!("panic requested by a test");
}
