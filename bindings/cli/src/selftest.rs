//! `merit test BOOK…`: run each rulebook's own examples and say which hold.

use std::path::PathBuf;

use crate::Outcome;
use crate::input::load_book;

pub fn run(books: &[PathBuf], color: bool) -> Outcome {
    let (mut passed, mut failed) = (0, 0);
    for path in books {
        let book = match load_book(path, color) {
            Ok(Some(book)) => book,
            Ok(None) => {
                failed += 1;
                continue;
            }
            Err(message) => return Outcome::Usage(message),
        };
        if book.test_count() == 0 {
            println!("{}: no tests", path.display());
        }
        for result in book.run_tests() {
            if result.passed {
                passed += 1;
                println!("ok    {} :: {}", path.display(), result.name);
            } else {
                failed += 1;
                println!("FAIL  {} :: {}", path.display(), result.name);
                for failure in &result.failures {
                    println!("        {failure}");
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        Outcome::Ok
    } else {
        Outcome::DataErrors
    }
}
