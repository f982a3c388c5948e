//! What a rule author sees for typical mistakes: the rendered diagnostics,
//! snapshotted so that any change of wording or placement is reviewed.

use merit::Rulebook;

const HEAD: &str = "merit: 1\nid: mistakes\nfields: { hours: decimal?, verified: bool = false }\n";

/// Every diagnostic of `body` (appended to a valid head), rendered without colour.
fn check(body: &str) -> String {
    let source = format!("{HEAD}{body}");
    let diagnostics = Rulebook::check(&source, "book.yaml");
    assert!(!diagnostics.is_empty(), "expected a diagnostic for:\n{body}");
    merit::render_all(&diagnostics, &source, false)
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
    insta::assert_snapshot!(merit::render_all(
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
    insta::assert_snapshot!(merit::render_all(
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

// Tables, indexes, scripts: what rule authors get wrong most often.

const KINDS_HEAD: &str =
    "merit: 1\nid: mistakes\nfields: { minutes: int?, place: string?, status: string? }\n";

fn check_kinds(body: &str) -> String {
    let source = format!("{KINDS_HEAD}{body}");
    let diagnostics = Rulebook::check(&source, "book.yaml");
    assert!(!diagnostics.is_empty(), "expected a diagnostic for:\n{body}");
    merit::render_all(&diagnostics, &source, false)
}

#[test]
fn table_row_with_a_missing_cell() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - id: t\n    table:\n      inputs: [place, minutes]\n      rows:\n        - [park, 5]\n"
    ));
}

#[test]
fn table_cell_that_does_not_parse() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - id: t\n    table:\n      inputs: [minutes]\n      rows:\n        - [\"[30..\", 2]\n        - [\">=\", 1]\n"
    ));
}

#[test]
fn table_cell_of_the_wrong_type() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - id: t\n    table:\n      inputs: [minutes, place]\n      rows:\n        - [park, \">= 60\", 2]\n"
    ));
}

#[test]
fn table_row_hidden_by_an_earlier_row() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - id: t\n    table:\n      inputs: [minutes]\n      rows:\n        - [\">= 30\", 5]\n        - [\"[30..60)\", 2]\n"
    ));
}

#[test]
fn table_with_an_unknown_hit_policy() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - id: t\n    table:\n      hit: all\n      inputs: [minutes]\n      rows:\n        - [\"-\", 1]\n"
    ));
}

#[test]
fn index_dimension_naming_unknown_rules_and_tags() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - { id: study, tags: [service], points: 1 }\nindexes:\n  - id: mission\n    dimensions:\n      - { id: a, weight: 1, rules: [stduy], full: 10 }\n      - { id: b, weight: 1, tags: [servise], full: 10 }\n"
    ));
}

#[test]
fn veto_with_a_grade_that_is_not_a_band() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - { id: study, points: 1 }\nindexes:\n  - id: mission\n    dimensions: [{ id: a, weight: 1, rules: [study], full: 10 }]\n    grades: [{ min: 60, label: pass }, { label: fail }]\n    veto: [{ when: count(kind == \"violation\") > 0, grade: failed }]\n"
    ));
}

#[test]
fn veto_reading_a_field_outside_an_aggregate() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - { id: study, points: 1 }\nindexes:\n  - id: mission\n    dimensions: [{ id: a, weight: 1, rules: [study], full: 10 }]\n    veto: [{ when: status == \"expelled\", grade: fail }]\n"
    ));
}

#[test]
fn script_that_does_not_compile() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - id: mentoring\n    per: month\n    script: |\n      let n = records.len();\n      if n >= 2 { award(10, \"two\") \n"
    ));
}

#[test]
fn rules_reading_each_others_points_in_a_cycle() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - { id: a, count: kind == \"x\", points: points(\"b\") + 1 }\n  - { id: b, count: kind == \"y\", points: points(\"a\") + 1 }\n"
    ));
}

#[test]
fn measure_with_both_tiers_and_points() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - id: wishes\n    count: kind == \"micro_wish\"\n    tiers: [{ at: 3, points: 10 }]\n    points: count * 2\n"
    ));
}

/// The issue-15 rulebook: a rule whose expression does not parse is the one root
/// error — no "no rule has the tag" from the bank, no per-test or index echoes.
#[test]
fn a_rule_that_does_not_parse_is_the_one_root_error() {
    let source = "merit: 1\nid: cascade\nfields: { 核实: bool = false, 时长: decimal? }\nrules:\n  - id: good-deed\n    tags: [bank]\n    when: kind == “月行一善” and 核实\n    points: 5\nindexes:\n  - id: conduct\n    per: month\n    dimensions:\n      - { id: deeds, weight: 1, rules: [good-deed], full: 10 }\nbank:\n  earn: { tags: [bank], rate: 1 }\ntests:\n  - name: one deed\n    records:\n      - { member: m1, kind: 月行一善, date: \"2026-03-02\", 核实: true }\n    expect: { m1: { \"2026-03\": { good-deed: 5 } } }\n  - name: two deeds\n    records:\n      - { member: m1, kind: 月行一善, date: \"2026-03-02\", 核实: true }\n    expect: { m1: { \"2026-03\": { good-deed: 5 } } }\n";
    let diagnostics = Rulebook::check(source, "book.yaml");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    insta::assert_snapshot!(merit::render_all(&diagnostics, source, false));
}

/// Chinese field names now read as names; Chinese punctuation gets its ASCII twin.
#[test]
fn chinese_parenthesis_and_comma_in_an_expression() {
    let source = "merit: 1\nid: hints\nfields: { 时长: decimal? }\nrules:\n  - id: v\n    points: min（时长, 8) * 10\n  - id: w\n    points: min(时长， 8) * 10\n";
    let diagnostics = Rulebook::check(source, "book.yaml");
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    insta::assert_snapshot!(merit::render_all(&diagnostics, source, false));
}

/// Issue 13: cells written as GoRules ZEN writes them passed `merit check` and
/// never matched; each gets a located warning naming the cell meant.
#[test]
fn table_cells_in_zen_syntax() {
    insta::assert_snapshot!(check_kinds(
        "rules:\n  - id: t\n    table:\n      inputs: [place]\n      rows:\n        - ['\"US\"', 5]\n        - [\"'CA'\", 4]\n        - ['startsWith($, \"U\")', 3]\n        - ['in [\"US\", \"MX\"]', 2]\n        - ['\"\"', 1]\n        - [UK, 1]\n"
    ));
}
