//! The one conversion of failures into JavaScript: every error the binding can
//! meet becomes a JS `Error` named `MeritError` whose `code` is the engine's
//! stable code ([`merit::Error::code`]: `bad-period`, `unreadable-input`,
//! `insufficient-credits`, `rulebook`, …, or `argument` for a JS value of the wrong
//! shape) and, for a rulebook that does not load, its `diagnostics` attached. The
//! message is the text the CLI prints (located, with a caret under each problem).

use merit::NOT_IN_BUILD;
use wasm_bindgen::JsValue;

use crate::convert;

/// Why a call failed.
#[derive(Debug)]
pub enum Error {
    /// The engine refused: a request, a rulebook, an input, a ranking, the bank.
    Merit(merit::Error),
    /// An argument of the wrong shape (a number for records, a report that is not one).
    Argument(String),
    /// Under `strict: true`, records were rejected or an input had a warning.
    Strict(String),
    /// An input that this build leaves out (a spreadsheet in the lean build): what it is.
    NotInBuild(String),
}

impl Error {
    fn code(&self) -> &'static str {
        match self {
            // A rulebook that loads only in the full build (a script rule, `matches`
            // in the lean one): the package's JS entry retries it on the full build.
            Error::Merit(merit::Error::Rulebook(e))
                if e.diagnostics.iter().any(|d| d.code == NOT_IN_BUILD) =>
            {
                NOT_IN_BUILD
            }
            Error::NotInBuild(_) => NOT_IN_BUILD,
            Error::Merit(e) => e.code(),
            Error::Argument(_) => "argument",
            Error::Strict(_) => "strict",
        }
    }

    /// A whole input that could not be read, named as the page named it.
    pub fn input(what: &str, error: merit::InputError) -> Error {
        Error::Merit(merit::Error::Input {
            input: what.to_owned(),
            error,
        })
    }
}

/// Each stage's error, as the engine's one error.
macro_rules! from_engine {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(error: $t) -> Error {
                Error::Merit(error.into())
            }
        }
    )*};
}

from_engine!(
    merit::Error,
    merit::RulebookError,
    merit::RequestError,
    merit::RankError,
    merit::BankError
);

impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        let message = match &error {
            Error::Merit(e) => e.to_string(),
            Error::Argument(message) | Error::Strict(message) => message.clone(),
            Error::NotInBuild(what) => format!("{what} are not in this build of merit (the lean package)"),
        };
        let diagnostics = match &error {
            Error::Merit(merit::Error::Rulebook(e)) => convert::diagnostics(&e.diagnostics, &e.source),
            _ => JsValue::from(js_sys::Array::new()),
        };
        let js = js_sys::Error::new(&message);
        js.set_name("MeritError");
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&js, &key.into(), value);
        let _ = set("code", &error.code().into());
        let _ = set("diagnostics", &diagnostics);
        js.into()
    }
}

/// Panics cannot be caught on `wasm32-unknown-unknown` (std is built with
/// `panic=abort`): a panic traps, and the trap reaches JavaScript as a
/// `WebAssembly.RuntimeError`. This hook runs first: it leaves the panic's message
/// where the package's JS wrapper finds it (`globalThis.__meritPanic`), and asks
/// wasm-bindgen to start a fresh instance on the next call
/// (`wasm_bindgen::handler::schedule_reinit`). The wrapper (`js/index.js`) catches
/// the `RuntimeError`, makes one call without arguments so the fresh instance is
/// in place before any string is copied into memory, and throws a `MeritError`
/// with code `panic` and that message. A `Rulebook` made before is loaded again
/// from its text on its next call, so the page goes on working.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("merit: internal error (a bug, please report it): {info}");
        let _ = js_sys::Reflect::set(&js_sys::global(), &"__meritPanic".into(), &message.into());
        wasm_bindgen::handler::schedule_reinit();
    }));
}
