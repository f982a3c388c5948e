//! Reports written as a stream: byte-identical to the report built whole.

use std::path::PathBuf;

use crate::conformance::{cases_dir, load_case};

fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn an_evaluation_writes_the_json_of_its_report() {
    for dir in case_dirs() {
        let case = load_case(&dir);
        let evaluation = case
            .book
            .evaluate(&case.records, case.members.as_ref(), &case.args.options);
        let mut written = Vec::new();
        evaluation.write_json(&mut written).expect("writes to memory");
        assert_eq!(
            String::from_utf8(written).expect("UTF-8"),
            evaluation.report().to_json(),
            "{}",
            dir.display()
        );
    }
}
