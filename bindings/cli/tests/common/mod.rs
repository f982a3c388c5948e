//! What the CLI's test files share: where the repository is, running `merit`, and
//! reading its output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the tests run the shipped rulebooks and examples).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `merit ARGS…` from the repository root.
pub fn merit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_merit"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("merit runs")
}

/// Output bytes as text, lossily (a test prints what it got).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
