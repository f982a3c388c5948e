//! issue 13 from the outside: the `merit` binary against hostile rulebooks and
//! records (what the attack ran; the engine's own tests hold the rest).

use std::path::PathBuf;

mod common;

use common::{merit, text};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("merit-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `merit check` refused every `script_file:` rulebook ("no file loader").
#[test]
fn check_reads_script_files_from_the_rulebook_folder() {
    let dir = temp_dir("check");
    std::fs::write(dir.join("s.rhai"), "award(1);\n").unwrap();
    let book = dir.join("book.yaml");
    std::fs::write(&book, "rules:\n  - id: s\n    per: month\n    script_file: s.rhai\n").unwrap();
    let output = merit(&["check", book.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    std::fs::write(dir.join("s.rhai"), "let x = ;\n").unwrap();
    let output = merit(&["check", "--color", "never", book.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("script-syntax"), "{}", text(&output.stderr));
}

/// A 200 MB rulebook was read whole (592 MB) and echoed to stderr; now at most
/// the 4 MiB limit and a byte are read, and one line is said.
#[test]
fn an_oversized_rulebook_is_refused_after_the_limit() {
    let dir = temp_dir("big");
    let book = dir.join("big.yaml");
    let file = std::fs::File::create(&book).unwrap();
    file.set_len(200 << 20).unwrap();
    for command in ["check", "score"] {
        let mut args = vec![command, book.to_str().unwrap()];
        if command == "score" {
            args.push("-");
        }
        let output = merit(&args);
        assert_eq!(output.status.code(), Some(2), "{command}");
        let message = text(&output.stderr);
        assert!(message.contains("is larger than the rulebook limit of 4194304 bytes"), "{message}");
        assert!(message.len() < 500, "{} bytes of stderr", message.len());
    }
}
