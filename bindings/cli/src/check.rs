//! `merit check BOOK`: every problem of a rulebook, located, with a caret.

use std::path::Path;

use merit::Rulebook;

use crate::Outcome;
use crate::input::{folder_of, read_text};

pub fn run(path: &Path, color: bool) -> Outcome {
    let source = match read_text(path) {
        Ok(source) => source,
        Err(message) => return Outcome::Usage(message),
    };
    let name = path.display().to_string();
    // Loaded as `score` loads it, so that `script_file:` is read (and checked).
    let diagnostics = Rulebook::loader().folder(folder_of(path)).check(&source, &name);
    eprint!("{}", merit::render_all(&diagnostics, &source, color));
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        eprintln!("{name}: {errors} error(s), {warnings} warning(s)");
        Outcome::DataErrors
    } else {
        println!("{name}: ok ({warnings} warning(s))");
        Outcome::Ok
    }
}
