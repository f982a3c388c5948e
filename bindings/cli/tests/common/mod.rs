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

/// A folder of one test's own, removed when the test ends, passed or failed: a run
/// leaves no banks and records behind in the system's temporary folder.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// A new empty folder whose name starts `merit-{name}-`.
    pub fn new(name: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("merit-{name}-"))
            .tempdir()
            .expect("a temporary folder");
        Scratch(dir)
    }

    /// Writes `contents` to the file `name` in the folder; its path.
    #[allow(dead_code)] // not every test file writes its own files
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        std::fs::write(&path, contents).expect("a file in the scratch folder");
        path
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}
