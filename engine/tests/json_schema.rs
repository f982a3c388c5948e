//! The rulebook's JSON Schema (`merit schema`) is generated from the code that
//! reads each key. These tests keep the committed copy equal to it, and keep it
//! accepting every rulebook merit ships and refusing known-bad ones, so that a
//! change to the generator cannot silently loosen (or wrongly tighten) it.

use std::path::{Path, PathBuf};

use merit::Rulebook;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let path = root().join("schema/rulebook.schema.json");
    let generated = merit::json_schema();
    if std::env::var_os("MERIT_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write the schema");
        return;
    }
    let committed = std::fs::read_to_string(&path).expect("schema/rulebook.schema.json");
    assert!(
        committed == generated,
        "schema/rulebook.schema.json differs from what `merit schema` generates; regenerate it with \
         `MERIT_BLESS=1 cargo test -p merit --test main json_schema` \
         (or `cargo run -p merit-cli -- schema > schema/rulebook.schema.json`) and review the diff"
    );
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&merit::json_schema()).expect("JSON");
    jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema")
}

/// The schema's complaints about one rulebook, each with where in the rulebook.
fn complaints(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    let value: serde_json::Value = match serde_saphyr::from_str(yaml) {
        Ok(value) => value,
        Err(e) => return vec![format!("not YAML the test can read: {e}")],
    };
    validator
        .iter_errors(&value)
        .map(|e| format!("{} at `{}`", e, e.instance_path()))
        .collect()
}

/// Files under `dir` named `name`, at any depth.
fn find(dir: &Path, name: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            find(&path, name, out);
        } else if path.file_name().is_some_and(|n| n == name) {
            out.push(path);
        }
    }
}

#[test]
fn every_shipped_rulebook_validates() {
    let mut books: Vec<PathBuf> = std::fs::read_dir(root().join("rules"))
        .expect("rules/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    find(&root().join("tests/cases"), "book.yaml", &mut books);
    find(&root().join("examples"), "book.yaml", &mut books);
    books.sort();
    let validator = validator();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &books {
        let source = std::fs::read_to_string(path).expect("readable");
        // A case may hold a rulebook merit refuses on purpose: only rulebooks that
        // load must validate.
        if Rulebook::loader()
            .folder(path.parent().unwrap())
            .load(&source, &path.display().to_string())
            .is_err()
        {
            continue;
        }
        checked += 1;
        for complaint in complaints(&validator, &source) {
            failures.push(format!("{}: {complaint}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 30, "only {checked} rulebooks checked");
}

#[test]
fn known_bad_rulebooks_do_not_validate() {
    let rule = "merit: 1\nid: b\nfields: { hours: decimal }\nrules:\n";
    let bad = [
        (
            "an unknown top-level key",
            "merit: 1\nid: b\nrulez: []\n".to_owned(),
        ),
        ("another format version", "merit: 2\nid: b\n".to_owned()),
        (
            "an unknown period",
            "merit: 1\nid: b\nperiod: fortnight\n".to_owned(),
        ),
        (
            "a field of no type",
            "merit: 1\nid: b\nfields: { hours: float }\n".to_owned(),
        ),
        ("a rule without id", format!("{rule}  - points: 1\n")),
        (
            "a misspelt rule key",
            format!("{rule}  - id: a\n    points: 1\n    wen: hours > 1\n"),
        ),
        (
            "two kinds in one rule",
            format!("{rule}  - id: a\n    points: 1\n    streak: {{ when: true }}\n    bonus: []\n"),
        ),
        (
            "a let on a streak",
            format!("{rule}  - id: a\n    streak: {{ when: true }}\n    bonus: []\n    let: {{ x: 1 }}\n"),
        ),
        (
            "a streak without bonus",
            format!("{rule}  - id: a\n    streak: {{ when: true }}\n"),
        ),
        (
            "a rating without subject",
            format!("{rule}  - id: a\n    rating: {{ when: true, value: 1 }}\n    points: score\n"),
        ),
        (
            "a cap without per",
            format!("{rule}  - id: a\n    points: 1\n    cap: {{ max: 3 }}\n"),
        ),
        (
            "an effective date of another form",
            format!("{rule}  - id: a\n    points: 1\n    effective: {{ from: 2026/01/01 }}\n"),
        ),
        (
            "an unknown table hit policy",
            format!("{rule}  - id: a\n    table: {{ inputs: [hours], rows: [[1, 2]] }}\n    hit: all\n"),
        ),
        (
            "both script forms",
            format!("{rule}  - id: a\n    script: award(1)\n    script_file: a.rhai\n"),
        ),
        (
            "an index without dimensions",
            "merit: 1\nid: b\nindexes: [{ id: i }]\n".to_owned(),
        ),
        (
            "a test without expect",
            "merit: 1\nid: b\ntests: [{ records: [] }]\n".to_owned(),
        ),
    ];
    let validator = validator();
    for (what, yaml) in bad {
        assert!(
            !complaints(&validator, &yaml).is_empty(),
            "the schema accepts {what}:\n{yaml}"
        );
    }
    // The fixture itself is fine: what fails above is each one fault.
    let good = format!("{rule}  - id: a\n    points: 1\n");
    assert_eq!(complaints(&validator, &good), Vec::<String>::new());
}
