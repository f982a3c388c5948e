//! What a rule author sees for typical mistakes: the rendered diagnostics,
//! snapshotted so that any change of wording or placement is reviewed.

use merit::Rulebook;

const HEAD: &str = "merit: 1\nid: mistakes\nfields: { hours: decimal?, verified: bool = false }\n";

/// Every diagnostic of `body` (appended to a valid head), rendered without colour.
fn check(body: &str) -> String {
    let source = format!("{HEAD}{body}");
    let diagnostics = Rulebook::check(&source, "book.yaml");
    assert!(!diagnostics.is_empty(), "expected a diagnostic for:\n{body}");
    merit::diagnostic::render_all(&diagnostics, &source, false)
}

#[test]
fn misspelt_key_in_a_rule() {
    insta::assert_snapshot!(check(
        "rules:\n  - id: volunteer-hours\n    whn: kind == \"volunteer\"\n    points: 10\n"
    ));
}

#[test]
fn misspelt_field_in_an_expression() {
    insta::assert_snapshot!(check(
        "rules:\n  - id: v\n    when: kind == \"volunteer\"\n    points: min(hour, 8) * 10\n"
    ));
}

#[test]
fn arithmetic_on_a_string() {
    insta::assert_snapshot!(check("rules:\n  - id: v\n    points: kind * 10\n"));
}

#[test]
fn condition_that_is_not_a_condition() {
    insta::assert_snapshot!(check("rules:\n  - id: v\n    when: hours + 1\n    points: 10\n"));
}

#[test]
fn bad_indentation() {
    insta::assert_snapshot!(check("rules:\n  - id: v\n    when: verified\n   points: 10\n"));
}

#[test]
fn wrong_number_of_arguments() {
    insta::assert_snapshot!(check("rules:\n  - id: v\n    points: round(hours, 1, 2)\n"));
}

#[test]
fn unclosed_parenthesis() {
    insta::assert_snapshot!(check("rules:\n  - id: v\n    points: min(hours, 8 * 10\n"));
}

#[test]
fn misspelt_cap_period() {
    insta::assert_snapshot!(check(
        "rules:\n  - id: v\n    points: 10\n    cap: [{ per: mnth, max: 200 }]\n"
    ));
}

#[test]
fn unknown_field_type() {
    let source = "merit: 1\nid: x\nfields:\n  hours: decimel?\nrules: []\n";
    insta::assert_snapshot!(merit::diagnostic::render_all(
        &Rulebook::check(source, "book.yaml"),
        source,
        false
    ));
}

#[test]
fn rule_defined_twice() {
    insta::assert_snapshot!(check(
        "rules:\n  - id: v\n    points: 10\n  - id: v\n    points: 5\n"
    ));
}

#[test]
fn misspelt_timezone_and_impossible_holiday() {
    let source =
        "merit: 1\nid: x\ntimezone: Asia/Shanghia\ncalendar: { holidays: [\"2026-02-30\"] }\nrules: []\n";
    insta::assert_snapshot!(merit::diagnostic::render_all(
        &Rulebook::check(source, "book.yaml"),
        source,
        false
    ));
}

#[test]
fn three_mistakes_reported_at_once() {
    let diagnostics = Rulebook::check(
        &format!(
            "{HEAD}rules:\n  - id: a\n    when: verifed\n    points: 10\n  - id: b\n    points: kind * 2\n    cpa: 1\n"
        ),
        "book.yaml",
    );
    assert!(
        diagnostics[2].message.ends_with("did you mean `cap`?"),
        "{:?}",
        diagnostics[2]
    );
    let lines: Vec<usize> = diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![6, 9, 10], "{diagnostics:#?}");
}
