//! Loading a rulebook: one [`Loader`] (limits, and where `script_file:` entries come
//! from) and one error, [`RulebookError`]. [`Rulebook::from_yaml`] and
//! [`Rulebook::check`] are its two shorthands for the defaults.

use std::fmt;
use std::path::Path;

use crate::book::{Limits, Rulebook, include};
use crate::diagnostic::{Diagnostic, render_all};

/// A rulebook that failed to load: every diagnostic, and the text they point into.
/// `Debug` prints like `Display` (the located text), so that a
/// `fn main() -> Result<(), merit::RulebookError>` shows where the problem is.
#[derive(Clone)]
pub struct RulebookError {
    /// Every problem found, errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The rulebook's text, which the diagnostics point into.
    pub source: String,
}

impl RulebookError {
    /// The diagnostics as the CLI prints them: located, with a caret under each.
    pub fn render(&self, color: bool) -> String {
        render_all(&self.diagnostics, &self.source, color)
    }
}

impl fmt::Debug for RulebookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for RulebookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(false).trim_end())
    }
}

impl std::error::Error for RulebookError {}

/// Where a rulebook's `script_file:` entries are read from.
#[derive(Clone, Copy)]
enum Includes<'a> {
    /// Nowhere: the engine reads no files unless told where (`script:` still works).
    None,
    /// The rulebook's own folder, and never outside it (see [`Loader::folder`]).
    Folder(&'a Path),
    /// A resolver the caller supplies (a virtual file system, a test).
    With(&'a dyn Fn(&str) -> Result<String, String>),
}

/// How a rulebook is loaded: under which [`Limits`], and where its `script_file:`
/// entries come from. Every front end loads through it, so a limit or a resolver
/// means the same everywhere.
///
/// ```
/// use merit::{Limits, Rulebook};
/// let limits = Limits { max_rules: 2, ..Limits::default() };
/// let error = Rulebook::loader()
///     .limits(limits)
///     .load("rules:\n  - { id: a, points: 1 }\n  - { id: b, points: 1 }\n  - { id: c, points: 1 }\n", "book.yaml")
///     .unwrap_err();
/// assert!(error.to_string().contains("3 rules; the limit is 2"));
/// ```
#[derive(Clone)]
pub struct Loader<'a> {
    limits: Limits,
    includes: Includes<'a>,
}

impl<'a> Loader<'a> {
    /// Loads under `limits` (sizes, YAML depth, script budgets) rather than the defaults.
    pub fn limits(mut self, limits: Limits) -> Loader<'a> {
        self.limits = limits;
        self
    }

    /// Reads `script_file:` entries from `folder` (the rulebook's own), and never
    /// from outside it: no absolute path, no `..`, no symbolic link out, only regular
    /// files up to the rulebook size limit — so a rulebook cannot make merit read
    /// any other file. What the CLI and the Python binding's `Rulebook.load` do.
    pub fn folder(mut self, folder: &'a Path) -> Loader<'a> {
        self.includes = Includes::Folder(folder);
        self
    }

    /// Reads `script_file:` entries through `include`, given the path as written.
    pub fn includes(mut self, include: &'a dyn Fn(&str) -> Result<String, String>) -> Loader<'a> {
        self.includes = Includes::With(include);
        self
    }

    /// Loads and checks a rulebook from YAML text; `name` is how diagnostics refer to it.
    pub fn load(&self, source: &str, name: &str) -> Result<Rulebook, RulebookError> {
        self.loaded(source, name).map_err(|diagnostics| RulebookError {
            diagnostics,
            source: source.to_owned(),
        })
    }

    /// Every diagnostic of a rulebook, errors and warnings, without keeping it.
    pub fn check(&self, source: &str, name: &str) -> Vec<Diagnostic> {
        match self.loaded(source, name) {
            Ok(book) => book.warnings,
            Err(diagnostics) => diagnostics,
        }
    }

    fn loaded(&self, source: &str, name: &str) -> Result<Rulebook, Vec<Diagnostic>> {
        let max_bytes = self.limits.max_bytes;
        let in_folder = |folder: &Path, relative: &str| include::read_script(folder, relative, max_bytes);
        match self.includes {
            Includes::None => crate::book::load(source, name, &self.limits, &no_includes),
            Includes::Folder(folder) => crate::book::load(source, name, &self.limits, &|relative| {
                in_folder(folder, relative)
            }),
            Includes::With(include) => crate::book::load(source, name, &self.limits, include),
        }
    }
}

/// The engine reads no files: without a folder or a resolver, `script_file:` cannot be used.
fn no_includes(path: &str) -> Result<String, String> {
    Err(format!(
        "no file loader was given to read `{path}`; use `script:` or load the rulebook from a file"
    ))
}

impl Rulebook {
    /// A [`Loader`] with the default limits and no `script_file:` resolver.
    pub fn loader<'a>() -> Loader<'a> {
        Loader {
            limits: Limits::default(),
            includes: Includes::None,
        }
    }

    /// Loads a rulebook from YAML text under the default limits; `name` is how
    /// diagnostics refer to it. [`Rulebook::loader`] for limits or `script_file:`.
    ///
    /// # Example
    /// ```
    /// let book = merit::Rulebook::from_yaml("rules:\n  - { id: hello, points: 1 }\n", "hello.yaml")?;
    /// assert_eq!(book.rules().len(), 1);
    /// # Ok::<(), merit::RulebookError>(())
    /// ```
    pub fn from_yaml(source: &str, name: &str) -> Result<Rulebook, RulebookError> {
        Rulebook::loader().load(source, name)
    }

    /// Every diagnostic of a rulebook, errors and warnings, without keeping it.
    pub fn check(source: &str, name: &str) -> Vec<Diagnostic> {
        Rulebook::loader().check(source, name)
    }
}
