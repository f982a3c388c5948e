//! One table per function of the catalog (DESIGN §8.6): normal values, null, empty
//! strings and lists, boundaries (leap days, year ends, ISO week 53, the 2026
//! holiday calendar) and wrong types, which are located load errors.

use jiff::civil::date;
use rust_decimal::Decimal;

use super::catalog::CATALOG;
use super::functions::Func;
use super::*;
use crate::calendar::parse_date_span;
use crate::schema::{FieldDef, FieldType};

fn schema() -> Schema {
    let field = |name: &str, ty| FieldDef {
        name: name.into(),
        ty,
        optional: true,
        default: None,
    };
    Schema {
        fields: vec![
            field("时长", FieldType::Decimal),
            field("tags", FieldType::ListString(';')),
            field("scores", FieldType::ListDecimal(';')),
            field("birthday", FieldType::Date),
            field("name", FieldType::String),
            field("核实", FieldType::Bool),
        ],
    }
}

/// The calendar of DESIGN §3: 2026's New Year, Spring Festival and National Day, with
/// the Spring Festival's two make-up Saturdays.
fn calendar() -> Calendar {
    let span = |s: &str| parse_date_span(s).unwrap();
    Calendar::new(
        &[jiff::civil::Weekday::Saturday, jiff::civil::Weekday::Sunday],
        &[
            span("2026-01-01"),
            span("2026-02-15..2026-02-23"),
            span("2026-10-01..2026-10-07"),
        ],
        &[span("2026-02-14"), span("2026-02-28")],
    )
}

fn strs(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::str(s)).collect())
}

/// A record of 2026-03-14 (a Saturday): 时长 2.5, tags [elderly, night], scores
/// [4, 5.5], birthday 1966-05-20, name " Zhang Wei ", 核实 true; `bare` leaves every
/// field missing.
fn record(bare: bool) -> Record {
    let fields = if bare {
        vec![Value::Null; 6]
    } else {
        vec![
            Value::Num("2.5".parse().unwrap()),
            strs(&["elderly", "night"]),
            Value::List(vec![Value::Num(4.into()), Value::Num("5.5".parse().unwrap())].into()),
            Value::Date(date(1966, 5, 20)),
            Value::str(" Zhang Wei "),
            Value::Bool(true),
        ]
    };
    Record {
        source: 0,
        position: 1,
        id: "r1".into(),
        has_id: true,
        member: "m1".into(),
        kind: "月行一善".into(),
        date: date(2026, 3, 14),
        fields: fields.into(),
    }
}

/// The value, `error: …` for an evaluation error, or the located load errors.
fn eval(src: &str, bare: bool) -> String {
    let schema = schema();
    let mut attrs = Vec::new();
    let mut scope = Scope {
        schema: &schema,
        context: Context::Record,
        member_attrs: &mut attrs,
        locals: &[],
        rule_ids: &[],
    };
    let expr = match compile(src, &mut scope, None) {
        Ok(expr) => expr,
        Err(errors) => {
            return errors
                .iter()
                .map(|e| format!("{}..{} {}: {}", e.span.start, e.span.end, e.code, e.message))
                .collect::<Vec<_>>()
                .join("; ");
        }
    };
    let calendar = calendar();
    let record = record(bare);
    let env = Env::for_record(&record, &calendar, date(2026, 3, 31));
    match expr.eval(&env) {
        Ok(v) => v.to_string(),
        Err(e) => format!("error: {e}"),
    }
}

fn table(cases: &[(&str, &str)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(src, want)| {
            let got = eval(src, false);
            (got != *want).then(|| format!("{src}\n   got  {got}\n   want {want}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every function gives null for a null argument (DESIGN §3's null rule).
fn nulls(cases: &[&str]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|src| {
            let got = eval(src, true);
            (got != "null").then(|| format!("{src}: got {got}, want null"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_catalog_example_evaluates_to_its_documented_result() {
    let mut failures = Vec::new();
    for e in CATALOG.iter().filter(|e| e.context == "record") {
        let got = eval(e.example, false);
        if got != e.result {
            failures.push(format!(
                "{}: `{}` = {got}, catalog says {}",
                e.name, e.example, e.result
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    for name in functions::FUNC_NAMES {
        assert!(catalog::entry(name).is_some(), "`{name}` is not in the catalog");
    }
}

/// `docs/expressions.md` carries the catalog's table between its markers;
/// `MERIT_UPDATE_DOCS=1` rewrites it there.
#[test]
fn docs_carry_the_catalog_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/expressions.md");
    let docs = std::fs::read_to_string(path).unwrap();
    let (start, end) = ("<!-- catalog:start -->\n", "<!-- catalog:end -->");
    let (head, rest) = docs.split_once(start).expect("the start marker");
    let (_, tail) = rest.split_once(end).expect("the end marker");
    let want = format!("{head}{start}{}{end}{tail}", catalog::markdown());
    if std::env::var_os("MERIT_UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    assert!(
        docs == want,
        "docs/expressions.md's function table differs from the catalog: run this test with MERIT_UPDATE_DOCS=1"
    );
}

#[test]
fn unicode_names_remainder_and_literals() {
    table(&[
        ("时长 * 2", "5"),
        ("核实 and kind == \"月行一善\"", "true"),
        ("7.5 % 2", "1.5"),
        ("-7 % 2", "-1"),
        ("7 % -2", "1"),
        ("时长 % 1", "0.5"),
        ("1 % 0", "error: division by zero in `1 % 0`"),
        ("2 + 7 % 4 * 2", "8"),
        ("1e3", "1000"),
        ("1_000 + 1", "1001"),
        ("2.5E-2", "0.025"),
        ("1_000.000_5", "1000.0005"),
    ]);
    nulls(&["时长 % 2", "7 % 时长"]);
}

#[test]
fn string_functions() {
    table(&[
        ("len(\"近邻党建\")", "4"),
        ("len(\"\")", "0"),
        ("len(\"👍🏽\")", "2"),
        ("len(name)", "11"),
        ("lower(\"ÀB\")", "\"àb\""),
        ("upper(\"straße\")", "\"STRASSE\""),
        ("trim(name)", "\"Zhang Wei\""),
        ("trim(\"\")", "\"\""),
        ("starts_with(kind, \"月行\")", "true"),
        ("starts_with(\"\", \"\")", "true"),
        ("ends_with(kind, \"一善\")", "true"),
        ("ends_with(\"a\", \"ab\")", "false"),
        ("contains(name, \"Wei\")", "true"),
        ("contains(\"abc\", \"\")", "true"),
        ("replace(\"a-b-c\", \"-\", \"\")", "\"abc\""),
        ("replace(\"\", \"x\", \"y\")", "\"\""),
        ("matches(\"room 12b\", \"[0-9]+\")", "true"),
        ("matches(\"room 12b\", \"^[0-9]+$\")", "false"),
        ("matches(\"\", \"^$\")", "true"),
        ("matches(kind, \"^月.一善$\")", "true"),
        ("matches(name, trim(\" W \"))", "true"),
        (
            "matches(name, \"(a\")",
            "14..18 bad-argument: not a valid regular expression: unclosed group",
        ),
        (
            "matches(name, \"a{1000}{1000}\")",
            "14..29 bad-argument: the regular expression compiles to more than 1048576 bytes",
        ),
        (
            "len(3)",
            "4..5 type-mismatch: `len` expects a string or a list, found decimal `3`",
        ),
        (
            "lower(时长)",
            "6..12 type-mismatch: `lower` expects a string, found decimal `时长`",
        ),
        (
            "contains(name, 3)",
            "15..16 type-mismatch: `contains` expects a string to look for, found decimal `3`",
        ),
        (
            "replace(\"a\", \"b\")",
            "0..7 arity: `replace` takes 3 arguments, found 2 arguments",
        ),
        ("lenght(name)", "0..6 unknown-function: unknown function `lenght`"),
    ]);
    nulls(&[
        "len(name)",
        "lower(name)",
        "upper(name)",
        "trim(name)",
        "starts_with(name, \"a\")",
        "ends_with(\"a\", name)",
        "contains(name, \"a\")",
        "replace(name, \"a\", \"b\")",
        "replace(\"a\", \"a\", name)",
        "matches(name, \"a\")",
    ]);
}

#[test]
fn date_functions() {
    table(&[
        ("quarter(2026-01-01)", "1"),
        ("quarter(2026-03-31)", "1"),
        ("quarter(2026-04-01)", "2"),
        ("quarter(2026-12-31)", "4"),
        ("day_of_year(2026-01-01)", "1"),
        ("day_of_year(2024-02-29)", "60"),
        ("day_of_year(2024-12-31)", "366"),
        ("day_of_year(2026-12-31)", "365"),
        ("iso_week(2026-01-01)", "1"),
        ("iso_week(2026-12-31)", "53"),
        ("iso_week(2027-01-03)", "53"),
        ("iso_week(2027-01-04)", "1"),
        ("iso_week(2025-12-29)", "1"),
        ("iso_week(date)", "11"),
        ("is_workday(date)", "false"),
        ("is_workday(2026-03-16)", "true"),
        ("is_workday(2026-02-14)", "true"),
        ("is_holiday(2026-02-14)", "false"),
        ("is_workday(2026-02-16)", "false"),
        ("is_holiday(2026-02-16)", "true"),
        ("is_holiday(2026-02-15)", "true"),
        ("is_holiday(2026-10-07)", "true"),
        ("is_holiday(2026-10-08)", "false"),
        ("is_workday(2026-02-28)", "true"),
        ("is_holiday(date)", "false"),
        ("months_between(2026-01-15, 2026-03-14)", "1"),
        ("months_between(2026-01-15, 2026-03-15)", "2"),
        ("months_between(2026-03-15, 2026-01-15)", "-2"),
        ("months_between(2026-03-14, 2026-01-15)", "-1"),
        ("months_between(2025-12-31, 2026-01-01)", "0"),
        ("months_between(date, date)", "0"),
        ("age(birthday, 2026-05-20)", "60"),
        ("age(birthday, 2026-05-19)", "59"),
        ("age(birthday, date)", "59"),
        ("age(2000-02-29, 2001-02-28)", "0"),
        ("age(2000-02-29, 2001-03-01)", "1"),
        ("age(2000-02-29, 2004-02-29)", "4"),
        ("age(birthday, birthday)", "0"),
        ("age(birthday, date) >= 60", "false"),
        ("age(\"1966-05-20\", \"2026-05-20\")", "60"),
        (
            "quarter(\"2026-13-01\")",
            "8..20 date: 2026-13-01 is not a date: there is no month 13 (months are 01 to 12)",
        ),
        (
            "quarter(时长)",
            "8..14 type-mismatch: `quarter` expects a date, found decimal `时长`",
        ),
        (
            "age(birthday)",
            "0..3 arity: `age` takes 2 arguments, found 1 argument",
        ),
        (
            "is_workday(name)",
            "11..15 type-mismatch: `is_workday` expects a date, found string `name`",
        ),
    ]);
    nulls(&[
        "quarter(birthday)",
        "day_of_year(birthday)",
        "iso_week(birthday)",
        "is_workday(birthday)",
        "is_holiday(birthday)",
        "months_between(birthday, date)",
        "months_between(date, birthday)",
        "age(birthday, date)",
        "age(date, birthday)",
    ]);
}

#[test]
fn conversions() {
    table(&[
        ("number(\"12.5\")", "12.5"),
        ("number(\" -3 \")", "-3"),
        ("number(\"+1e3\")", "1000"),
        ("number(\"0.1\") + number(\"0.2\")", "0.3"),
        ("number(\"3.50\") * 2", "7"),
        ("number(时长)", "2.5"),
        (
            "number(\"12.5h\")",
            "error: number: \"12.5h\" is not a decimal number in `number(\"12.5h\")`",
        ),
        (
            "number(\"\")",
            "error: number: \"\" is not a decimal number in `number(\"\")`",
        ),
        ("string(7.5)", "\"7.5\""),
        ("string(7.50)", "\"7.5\""),
        ("string(时长 * 4)", "\"10\""),
        ("string(date)", "\"2026-03-14\""),
        ("string(核实)", "\"true\""),
        ("string(\"a\")", "\"a\""),
        ("string(7.5) == \"7.5\"", "true"),
        (
            "number(date)",
            "7..11 type-mismatch: `number` expects a string or a number, found date `date`",
        ),
    ]);
    nulls(&["number(name)", "string(时长)", "string(birthday)"]);
}

#[test]
fn list_fields() {
    table(&[
        ("\"elderly\" in tags", "true"),
        ("\"child\" in tags", "false"),
        ("contains(tags, \"night\")", "true"),
        ("contains(tags, \"Night\")", "false"),
        ("len(tags)", "2"),
        ("len([])", "0"),
        ("contains([], \"a\")", "false"),
        ("5.5 in scores", "true"),
        ("contains(scores, 4.0)", "true"),
        ("len(scores) * 10", "20"),
        ("tags == [\"elderly\", \"night\"]", "true"),
        (
            "3 in tags",
            "5..9 type-mismatch: `in` cannot look for a decimal in a list of string `tags`",
        ),
        (
            "contains(tags, 3)",
            "15..16 type-mismatch: `contains` expects an item of type string, found decimal `3`",
        ),
        (
            "tags + 1",
            "0..4 type-mismatch: `+` expects a decimal, found list of string `tags`",
        ),
    ]);
    nulls(&[
        "\"a\" in tags",
        "contains(tags, \"a\")",
        "len(tags)",
        "contains(tags, name)",
    ]);
}

/// The JSON Schema's expression descriptions are the catalog's.
#[test]
fn the_json_schema_describes_expressions_from_the_catalog() {
    let schema: serde_json::Value = serde_json::from_str(crate::book::JSON_SCHEMA).unwrap();
    let mut found = 0;
    let mut stack = vec![&schema];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(d)) = map.get("description")
                    && d.starts_with("An expression")
                {
                    assert_eq!(*d, catalog::schema_description());
                    found += 1;
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    assert!(found > 10, "{found} expression descriptions");
}

/// The new functions at the edges of every type never panic: the smallest and largest
/// dates, decimals at their limits, empty and long strings.
#[test]
fn edges_never_panic() {
    let calendar = calendar();
    let env = |record| Env::for_record(record, &calendar, date(2026, 3, 31));
    let record = record(false);
    let dates = [jiff::civil::Date::MIN, jiff::civil::Date::MAX, date(2026, 3, 14)];
    let nums = [
        Decimal::MAX,
        Decimal::MIN,
        Decimal::ZERO,
        Decimal::new(1, 28),
        Decimal::NEGATIVE_ONE,
    ];
    let strs = ["", "👍🏽", &"a".repeat(1_000), "1e99999", "-0", "(", "a{99999}"];
    let mut values: Vec<Value> = dates.iter().map(|d| Value::Date(*d)).collect();
    values.extend(nums.iter().map(|n| Value::Num(*n)));
    values.extend(strs.iter().map(|s| Value::str(s)));
    values.push(strs_list());
    let mut calls = 0;
    for &(func, _) in functions::FUNCS {
        if matches!(func, Func::If | Func::Min | Func::Max) {
            continue;
        }
        for a in &values {
            for b in &values {
                let args = [a.clone(), b.clone(), Value::str("x")];
                let _ = functions::apply(func, &args, None, |x, y| x == y, &env(&record));
                calls += 1;
            }
        }
    }
    assert!(calls > 1000);
    for (a, b) in [
        (Decimal::MAX, Decimal::new(1, 28)),
        (Decimal::MIN, Decimal::NEGATIVE_ONE),
    ] {
        let src = format!("{a} % {b}");
        let _ = eval(&src, false);
    }
}

fn strs_list() -> Value {
    strs(&["a", ""])
}
