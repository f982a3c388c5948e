//! Behaviour of whole expressions: checking, evaluation, null semantics, explanations,
//! group aggregates. Parser-level tests live in `parser.rs`.

use jiff::civil::{Date, date};
use rust_decimal::Decimal;

use super::*;
use crate::calendar::{Calendar, Per, parse_date_span};
use crate::schema::{FieldDef, FieldType};

fn schema() -> Schema {
    let field = |name: &str, ty, optional| FieldDef {
        name: name.into(),
        ty,
        optional,
        default: None,
    };
    Schema {
        fields: vec![
            field("hours", FieldType::Decimal, true),
            field("minutes", FieldType::Int, true),
            field("verified", FieldType::Bool, false),
            field("stars", FieldType::Int, true),
            field("subject", FieldType::String, true),
            field("resolved_on", FieldType::Date, true),
            field("status", FieldType::String, true),
        ],
    }
}

fn num(s: &str) -> Value {
    Value::Num(s.parse().unwrap())
}

/// A record; `fields` in schema order: hours, minutes, verified, stars, subject, resolved_on, status.
fn record(kind: &str, day: Date, fields: [Value; 7]) -> Record {
    Record {
        source: 0,
        position: 1,
        id: "r1".into(),
        has_id: true,
        member: "m1".into(),
        kind: kind.into(),
        date: day,
        fields: fields.into(),
    }
}

fn volunteer(hours: Value) -> Record {
    let n = Value::Null;
    record(
        "volunteer",
        date(2026, 3, 14),
        [
            hours,
            num("90"),
            Value::Bool(true),
            n.clone(),
            n.clone(),
            n.clone(),
            n,
        ],
    )
}

fn china() -> Calendar {
    let span = |s: &str| parse_date_span(s).unwrap();
    Calendar::new(
        &[jiff::civil::Weekday::Saturday, jiff::civil::Weekday::Sunday],
        &[
            span("2026-01-01..2026-01-03"),
            span("2026-02-15..2026-02-23"),
            span("2026-10-01..2026-10-07"),
        ],
        &[span("2026-02-14"), span("2026-02-28")],
    )
}

struct Fixture {
    schema: Schema,
    attrs: Vec<String>,
    rules: Vec<String>,
    calendar: Calendar,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            schema: schema(),
            attrs: vec!["role".into()],
            rules: vec!["volunteer-hours".into(), "party-study".into()],
            calendar: china(),
        }
    }

    fn compile(
        &mut self,
        src: &str,
        context: Context,
        expected: Option<Type>,
    ) -> Result<Expr, Vec<ExprError>> {
        let locals = [("score", Type::Num)];
        let mut scope = Scope {
            schema: &self.schema,
            context,
            member_attrs: &mut self.attrs,
            locals: &locals,
            rule_ids: &self.rules,
        };
        compile(src, &mut scope, expected)
    }

    fn env<'a>(&'a self, record: &'a Record, member: &'a [Value], locals: &'a [Value]) -> Env<'a> {
        Env {
            record: Some(record),
            member_id: "m1",
            member,
            as_of: date(2026, 3, 31),
            period: Some(Per::Month.window(date(2026, 3, 14))),
            calendar: &self.calendar,
            locals,
            group: None,
        }
    }
}

fn errors(errs: &[ExprError]) -> String {
    errs.iter()
        .map(|e| {
            let mut s = format!("{}..{} {}: {}", e.span.start, e.span.end, e.code, e.message);
            if let Some(h) = &e.help {
                s += &format!(" (help: {h})");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Evaluates in record context against a 3.5-hour volunteer record; shows the value,
/// `error: …` or the compile errors.
fn eval_on(record: &Record, src: &str) -> String {
    let mut f = Fixture::new();
    match f.compile(src, Context::Record, None) {
        Err(e) => errors(&e),
        Ok(expr) => {
            let member = [Value::str("secretary")];
            let locals = [num("4.2")];
            match expr.eval(&f.env(record, &member, &locals)) {
                Ok(v) => v.to_string(),
                Err(e) => format!("error: {e}"),
            }
        }
    }
}

fn run(src: &str) -> String {
    eval_on(&volunteer(num("3.5")), src)
}

fn explain_on(record: &Record, src: &str) -> String {
    let mut f = Fixture::new();
    let expr = f
        .compile(src, Context::Record, None)
        .map_err(|e| errors(&e))
        .unwrap();
    let member = [Value::str("secretary")];
    let locals = [num("4.2")];
    let e = expr.explain(&f.env(record, &member, &locals));
    if e.missing.is_empty() {
        e.text
    } else {
        format!("{} (missing: {})", e.text, e.missing.join(", "))
    }
}

#[test]
fn arithmetic_is_exact() {
    assert_eq!(run("min(hours, 8) * 10"), "35");
    assert_eq!(run("0.1 + 0.2"), "0.3");
    assert_eq!(run("1 / 3 * 3"), "0.9999999999999999999999999999");
    assert_eq!(run("10 - 2 - 3"), "5");
    assert_eq!(run("-hours * 2"), "-7");
    assert_eq!(run("2 + 3 * 4"), "14");
    assert_eq!(run("(2 + 3) * 4"), "20");
    assert_eq!(run("(score - 3) * 10"), "12");
}

#[test]
fn overflow_and_division_by_zero_are_errors() {
    assert_eq!(
        run("hours / (minutes - 90)"),
        "error: division by zero in `hours / (minutes - 90)`"
    );
    assert_eq!(
        run("79228162514264337593543950335 * hours"),
        "error: decimal overflow in `79228162514264337593543950335 * hours`"
    );
    assert_eq!(run("if(false, 1 / 0, 2)"), "2");
    assert_eq!(run("1 / 0"), "error: division by zero in `1 / 0`");
}

/// Each run-time failure's stable code, beside the message the report shows
/// (unchanged by the code).
#[test]
fn run_time_failures_carry_a_code() {
    let code_of = |src: &str| {
        let mut f = Fixture::new();
        let expr = f
            .compile(src, Context::Record, None)
            .map_err(|e| errors(&e))
            .unwrap();
        let record = volunteer(num("3.5"));
        let member = [Value::str("secretary")];
        let e = expr.eval(&f.env(&record, &member, &[])).unwrap_err();
        format!("{}: {}", e.code(), e.message)
    };
    assert_eq!(
        code_of("hours / (minutes - 90)"),
        "division-by-zero: division by zero in `hours / (minutes - 90)`"
    );
    assert_eq!(
        code_of("79228162514264337593543950335 * hours"),
        "overflow: decimal overflow in `79228162514264337593543950335 * hours`"
    );
    assert_eq!(
        code_of("round(hours, minutes)"),
        "bad-argument: round's places must be 0 to 28, found 90 in `round(hours, minutes)`"
    );
    assert_eq!(
        code_of("member.role + 1"),
        "type: `+` expects numbers, found \"secretary\" in `member.role + 1`"
    );
    assert_eq!(
        crate::Error::from(EvalError::new(EvalErrorKind::Context, "`x` needs a record")).code(),
        "no-context"
    );
}

#[test]
fn functions() {
    let cases = [
        ("if(hours > 3, 1, 2)", "1"),
        ("min(3, 1, 2)", "1"),
        ("max(3, 1, 2)", "3"),
        ("max(date, 2026-01-01)", "2026-03-14"),
        ("min(date, \"2026-01-01\")", "2026-01-01"),
        ("abs(-2.5)", "2.5"),
        ("round(2.5)", "3"),
        ("round(-2.5)", "-3"),
        ("round(2.345, 2)", "2.35"),
        ("round(hours)", "4"),
        ("floor(-1.5)", "-2"),
        ("ceil(1.2)", "2"),
        ("year(date)", "2026"),
        ("month(date)", "3"),
        ("day(date)", "14"),
        ("weekday(date)", "6"),
        ("weekday(2026-03-16)", "1"),
        ("days_between(date, as_of)", "17"),
        ("days_between(as_of, date)", "-17"),
        ("workdays_between(2026-02-13, 2026-02-27)", "5"),
        ("workdays_between(date, as_of)", "12"),
        ("add_days(date, 20)", "2026-04-03"),
        ("add_days(date, -14)", "2026-02-28"),
        ("add_workdays(2026-02-13, 2)", "2026-02-24"),
        ("add_workdays(2026-02-24, -1)", "2026-02-14"),
        (
            "add_days(date, 1.5)",
            "error: add_days needs a whole number, found 1.5 in `add_days(date, 1.5)`",
        ),
        ("period.start", "2026-03-01"),
        ("period.end", "2026-03-31"),
        ("member.role", "\"secretary\""),
        ("member.level", "null"),
        ("kind", "\"volunteer\""),
        ("member", "\"m1\""),
        ("id", "\"r1\""),
        ("kind in [\"volunteer\", \"study\"]", "true"),
        ("minutes in [30, 60]", "false"),
        ("date in [\"2026-03-14\"]", "true"),
        ("\"a\" < \"b\"", "true"),
        ("2026-03-01 < date", "true"),
        ("date == \"2026-03-14\"", "true"),
        ("3 < hours", "true"),
        ("hours >= 3.50", "true"),
        ("4 <= hours", "false"),
        ("\"volunteer\" == kind", "true"),
        ("kind != \"volunteer\"", "false"),
        ("kind < \"w\"", "true"),
        ("\"w\" < kind", "false"),
        ("id == \"r1\"", "true"),
        ("member.role == \"secretary\" and verified", "true"),
    ];
    let mut failures = Vec::new();
    for (src, want) in cases {
        let got = run(src);
        if got != want {
            failures.push(format!("{src}: got {got}, want {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn null_semantics() {
    let missing = volunteer(Value::Null);
    let table = [
        ("hours == null", "true"),
        ("hours != null", "false"),
        ("null == hours", "true"),
        ("hours + 1", "null"),
        ("hours * 0", "null"),
        ("-hours", "null"),
        ("hours > 1", "null"),
        ("hours == 1", "null"),
        ("1 < hours", "null"),
        ("hours != 1", "null"),
        ("min(hours, 8)", "null"),
        ("abs(hours)", "null"),
        ("hours in [1, 2]", "null"),
        ("not (hours > 1)", "null"),
        ("hours > 1 and false", "false"),
        ("false and hours > 1", "false"),
        ("hours > 1 and true", "null"),
        ("hours > 1 or true", "true"),
        ("true or hours > 1", "true"),
        ("hours > 1 or false", "null"),
        ("if(hours > 1, 1, 2)", "2"),
        ("hours ?? 0", "0"),
        ("(hours ?? 1) * 10", "10"),
        ("resolved_on ?? as_of", "2026-03-31"),
        ("days_between(date, resolved_on)", "null"),
        ("member.level ?? 1", "1"),
        ("member.level + 1", "null"),
        ("round(hours, 1)", "null"),
    ];
    let got: Vec<String> = table
        .iter()
        .map(|(src, _)| format!("{src} => {}", eval_on(&missing, src)))
        .collect();
    let want: Vec<String> = table.iter().map(|(src, v)| format!("{src} => {v}")).collect();
    assert_eq!(got, want);
    // eval_bool treats null as false.
    let mut f = Fixture::new();
    let expr = f.compile("hours > 1", Context::Record, Some(Type::Bool)).unwrap();
    assert!(!expr.eval_bool(&f.env(&missing, &[], &[])).unwrap());
}

#[test]
fn explanations() {
    let rec = volunteer(num("3.5"));
    insta::assert_snapshot!(explain_on(&rec, "min(hours, 8) * 10"), @"min(hours=3.5, 8) * 10 = 35");
    insta::assert_snapshot!(explain_on(&rec, "10"), @"10");
    insta::assert_snapshot!(explain_on(&rec, "5 * 2"), @"5 * 2 = 10");
    insta::assert_snapshot!(explain_on(&rec, "kind == \"volunteer\"\n   and  verified"), @r#"kind="volunteer" == "volunteer" and verified=true = true"#);
    insta::assert_snapshot!(explain_on(&rec, "status == \"a  b\""), @r#"status=null == "a  b" = null (missing: status)"#);
    insta::assert_snapshot!(explain_on(&volunteer(Value::Null), "min(hours, 8) * 10 + hours"), @"min(hours=null, 8) * 10 + hours=null = null (missing: hours)");
    insta::assert_snapshot!(explain_on(&rec, "hours / (minutes - 90)"), @"hours=3.5 / (minutes=90 - 90) = error: division by zero in `hours / (minutes - 90)`");
    insta::assert_snapshot!(explain_on(&rec, "if(member.role == \"secretary\", 8, 5)"), @r#"if(member.role="secretary" == "secretary", 8, 5) = 8"#);
    insta::assert_snapshot!(explain_on(&rec, "(score - 3) * 10"), @"(score=4.2 - 3) * 10 = 12");
    insta::assert_snapshot!(explain_on(&rec, "if(resolved_on == null, stars + 1, 0)"), @"if(resolved_on=null == null, stars=null + 1, 0) = null (missing: stars)");
    insta::assert_snapshot!(explain_on(&rec, "(stars ?? 0) + 1"), @"(stars=null ?? 0) + 1 = 1");
    insta::assert_snapshot!(explain_on(&rec, "workdays_between(date, as_of) > 5"), @"workdays_between(date=2026-03-14, as_of=2026-03-31) > 5 = true");
}

#[test]
fn type_errors() {
    let mut f = Fixture::new();
    let mut check = |src: &str, ctx, expected| match f.compile(src, ctx, expected) {
        Ok(e) => format!("ok: {}", e.ty()),
        Err(e) => errors(&e),
    };
    use Context::{Group, Record as Rec};
    insta::assert_snapshot!(check("hour * 10", Rec, None), @"0..4 unknown-name: unknown name `hour` (help: did you mean `hours`?)");
    insta::assert_snapshot!(check("kind + 1", Rec, None), @"0..4 type-mismatch: `+` expects a decimal, found string `kind`");
    insta::assert_snapshot!(check("hours == \"8\"", Rec, None), @r#"6..8 type-mismatch: `==` needs the same type on both sides, found decimal `hours` and string `"8"`"#);
    insta::assert_snapshot!(check("hours", Rec, Some(Type::Bool)), @"0..5 type-mismatch: expected a bool expression, found decimal");
    insta::assert_snapshot!(check("kind == \"volunteer\"", Rec, Some(Type::Num)), @"0..19 type-mismatch: expected a decimal expression, found bool");
    insta::assert_snapshot!(check("verified and hours", Rec, None), @"13..18 type-mismatch: `and` expects a bool, found decimal `hours`");
    insta::assert_snapshot!(check("abs(1, 2)", Rec, None), @"0..3 arity: `abs` takes 1 argument, found 2 arguments");
    insta::assert_snapshot!(check("min(hours)", Rec, None), @"0..3 arity: `min` takes at least 2 arguments, found 1 argument");
    insta::assert_snapshot!(check("if(hours, 1, 2)", Rec, None), @"3..8 type-mismatch: `if` expects a bool, found decimal `hours`");
    insta::assert_snapshot!(check("if(verified, 1, \"x\")", Rec, None), @r#"16..19 type-mismatch: `if` branches must have one type, found decimal `1` and string `"x"`"#);
    insta::assert_snapshot!(check("kind in [1, 2]", Rec, None), @"8..14 type-mismatch: `in` cannot look for a string in a list of decimal `[1, 2]`");
    insta::assert_snapshot!(check("kind in \"abc\"", Rec, None), @r#"8..13 type-mismatch: `in` expects a list on its right, found string `"abc"`"#);
    insta::assert_snapshot!(check("date > \"2026-02-30\"", Rec, None), @"7..19 date: 2026-02-30 is not a date: February 2026 has 28 days");
    insta::assert_snapshot!(check("date + 1", Rec, None), @"0..4 type-mismatch: `+` expects a decimal, found date `date` (help: to move a date, use add_days(date, n); to count days, days_between(a, b))");
    insta::assert_snapshot!(check("year(hours)", Rec, None), @"5..10 type-mismatch: `year` expects a date, found decimal `hours`");
    insta::assert_snapshot!(check("roundd(hours)", Rec, None), @"0..6 unknown-function: unknown function `roundd` (help: did you mean `round`?)");
    insta::assert_snapshot!(check("round(hours, 0.5)", Rec, None), @"13..16 bad-argument: round's places must be a whole number from 0 to 28, found 0.5");
    insta::assert_snapshot!(check("count(kind == \"violation\") > 0", Rec, None), @"0..5 group-only: `count()` is only available in group expressions: vetoes and the `points:` of count/sum/avg rules");
    insta::assert_snapshot!(check("hours > 3", Group, None), @"0..5 needs-record: `hours` needs a record here: use it inside count(), sum(), avg(), min() or max()");
    insta::assert_snapshot!(check("sum(count())", Group, None), @"4..9 nested-aggregate: `count()` cannot be used inside another aggregate");
    insta::assert_snapshot!(check("points(\"volunteer-hour\")", Group, None), @r#"7..23 unknown-rule: no rule has the id `volunteer-hour` (help: did you mean `volunteer-hours`?)"#);
    insta::assert_snapshot!(check("period.begin", Rec, None), @"0..12 unknown-name: unknown name `period.begin` (help: did you mean `period.end`?)");
    insta::assert_snapshot!(check("hour + kin", Rec, None), @r"
    0..4 unknown-name: unknown name `hour` (help: did you mean `hours`?)
    7..10 unknown-name: unknown name `kin` (help: did you mean `kind`?)
    ");
    insta::assert_snapshot!(check("[1, \"a\"]", Rec, None), @r#"4..7 type-mismatch: list items must have one type: expected decimal, found string"#);
    insta::assert_snapshot!(check("verified < true", Rec, None), @"0..8 type-mismatch: `<` compares numbers, dates or strings, found bool `verified`");
    // Fine:
    insta::assert_snapshot!(check("member.level >= 3 and as_of > period.start", Rec, Some(Type::Bool)), @"ok: bool");
    insta::assert_snapshot!(check("member.bonus ?? 0", Rec, Some(Type::Num)), @"ok: any");
    insta::assert_snapshot!(check("count(kind == \"violation\") > 0 and member.role == \"x\"", Group, Some(Type::Bool)), @"ok: bool");
    insta::assert_snapshot!(check("max(date, kind == \"x\")", Group, None), @"ok: date");
    insta::assert_snapshot!(check("max(3, score)", Group, None), @"ok: decimal");
    insta::assert_snapshot!(check("null", Rec, Some(Type::Num)), @"ok: null");
}

struct FakeGroup<'a> {
    records: Vec<&'a Record>,
}

impl Group for FakeGroup<'_> {
    fn records(&self) -> &[&Record] {
        &self.records
    }
    fn points(&self, rule_id: &str) -> Decimal {
        if rule_id == "party-study" {
            Decimal::from(30)
        } else {
            Decimal::ZERO
        }
    }
}

#[test]
fn group_aggregates() {
    let n = Value::Null;
    let mk = |kind: &str, d: i8, hours: Value, stars: Value| {
        record(
            kind,
            date(2026, 3, d),
            [
                hours,
                n.clone(),
                Value::Bool(true),
                stars,
                n.clone(),
                n.clone(),
                n.clone(),
            ],
        )
    };
    let records = [
        mk("volunteer", 2, num("3"), n.clone()),
        mk("volunteer", 5, Value::Null, n.clone()),
        mk("violation", 9, n.clone(), n.clone()),
        mk("rating", 11, n.clone(), num("4")),
        mk("rating", 12, n.clone(), num("5")),
        mk("violation", 20, num("1.5"), n.clone()),
    ];
    let group = FakeGroup {
        records: records.iter().collect(),
    };
    let mut f = Fixture::new();
    let attrs = [Value::str("secretary")];
    let env = Env {
        record: None,
        member_id: "m1",
        member: &attrs,
        as_of: date(2026, 3, 31),
        period: Some(Per::Month.window(date(2026, 3, 1))),
        calendar: &f.calendar.clone(),
        locals: &[],
        group: Some(&group),
    };
    let mut out = Vec::new();
    for src in [
        "count()",
        "count(kind == \"violation\")",
        "sum(hours)",
        "sum(hours, kind == \"volunteer\")",
        "avg(stars)",
        "avg(stars, kind == \"nothing\")",
        "min(stars)",
        "max(date, kind == \"violation\")",
        "min(date)",
        "max(3, 4)",
        "points(\"party-study\") + points(\"volunteer-hours\")",
        "count(kind == \"violation\") > 0 and member == \"m1\"",
        "count(stars > 4)",
    ] {
        let expr = f
            .compile(src, Context::Group, None)
            .map_err(|e| errors(&e))
            .unwrap();
        out.push(expr.explain(&env).text);
    }
    insta::assert_snapshot!(out.join("\n"), @r#"
    count()=6 = 6
    count(kind == "violation")=2 = 2
    sum(hours)=4.5 = 4.5
    sum(hours, kind == "volunteer")=3 = 3
    avg(stars)=4.5 = 4.5
    avg(stars, kind == "nothing")=null = null
    min(stars)=4 = 4
    max(date, kind == "violation")=2026-03-20 = 2026-03-20
    min(date)=2026-03-02 = 2026-03-02
    max(3, 4) = 4
    points("party-study")=30 + points("volunteer-hours")=0 = 30
    count(kind == "violation")=2 > 0 and member="m1" == "m1" = true
    count(stars > 4)=1 = 1
    "#);
    let expr = f
        .compile(
            "points(\"party-study\") + points(\"volunteer-hours\") + points(\"party-study\")",
            Context::Group,
            None,
        )
        .unwrap();
    assert_eq!(expr.rule_refs(), ["party-study", "volunteer-hours"]);
}

#[test]
fn constants_fold() {
    let mut f = Fixture::new();
    for (src, constant) in [
        ("10", true),
        ("-5 * 2 + round(2.5)", true),
        ("if(true, 1, hours)", true),
        ("add_days(2026-01-01, 3)", true),
        ("workdays_between(2026-01-01, 2026-01-09)", false),
        ("hours", false),
        ("1 / 0", false),
    ] {
        assert_eq!(
            f.compile(src, Context::Record, None).unwrap().is_constant(),
            constant,
            "{src}"
        );
    }
}

#[test]
fn expr_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
    assert_send_sync::<Expr>();
}

/// Random-ish expressions over random-ish records: evaluation and explanation never panic.
#[test]
fn eval_never_panics() {
    let atoms = [
        "hours",
        "minutes",
        "stars",
        "score",
        "0",
        "1",
        "-1",
        "0.5",
        "79228162514264337593543950335",
        "0.0000000000000000000000000001",
        "member.level",
        "null",
    ];
    let dates = [
        "date",
        "as_of",
        "resolved_on",
        "period.start",
        "2026-02-14",
        "9999-12-31",
        "-9999",
    ];
    let ops = ["+", "-", "*", "/"];
    let funcs = ["abs", "round", "floor", "ceil", "min", "max"];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut f = Fixture::new();
    let values = [
        Value::Null,
        num("0"),
        num("-3.25"),
        num("79228162514264337593543950335"),
        num("1e-28"),
    ];
    let mut compiled = 0;
    for _ in 0..3000 {
        let mut src = atoms[next(atoms.len())].to_owned();
        for _ in 0..next(5) {
            src = match next(4) {
                0 => format!("({src}) {} {}", ops[next(4)], atoms[next(atoms.len())]),
                1 => format!(
                    "{}({src}, {})",
                    funcs[next(funcs.len())],
                    atoms[next(atoms.len())]
                ),
                2 => format!(
                    "if({src} > {}, add_days({}, {src}), add_workdays({}, {src}))",
                    atoms[next(atoms.len())],
                    dates[next(dates.len())],
                    dates[next(dates.len())]
                ),
                _ => format!(
                    "round({src}, {}) ?? days_between({}, {})",
                    next(40),
                    dates[next(7)],
                    dates[next(7)]
                ),
            };
        }
        let Ok(expr) = f.compile(&src, Context::Record, None) else {
            continue;
        };
        compiled += 1;
        let hours = values[next(values.len())].clone();
        let mut rec = volunteer(hours);
        rec.fields[1] = values[next(values.len())].clone();
        let locals = [values[next(values.len())].clone()];
        let member = [Value::str("x"), values[next(values.len())].clone()];
        let env = f.env(&rec, &member, &locals);
        let _ = expr.eval(&env);
        let _ = expr.explain(&env);
    }
    assert!(compiled > 1000, "only {compiled} compiled");
}

/// `cargo test --release -p merit --lib -- --ignored --nocapture timing`
#[test]
#[ignore]
fn timing_one_million_records() {
    let mut f = Fixture::new();
    let when = f
        .compile(
            "kind == \"volunteer\" and verified",
            Context::Record,
            Some(Type::Bool),
        )
        .unwrap();
    let points = f
        .compile("min(hours, 8) * 10", Context::Record, Some(Type::Num))
        .unwrap();
    let records: Vec<Record> = (0..1_000_000)
        .map(|i| {
            let mut r = volunteer(Value::Num(Decimal::new(i % 120, 1)));
            if i % 3 == 0 {
                r.kind = "study".into();
            }
            r
        })
        .collect();
    let start = std::time::Instant::now();
    let mut total = Decimal::ZERO;
    for r in &records {
        let env = f.env(r, &[], &[]);
        if when.eval_bool(&env).unwrap()
            && let Value::Num(n) = points.eval(&env).unwrap()
        {
            total += n;
        }
    }
    let took = start.elapsed();
    println!(
        "1M records: when + points in {took:?} ({:?}/record), total {total}",
        took / 1_000_000
    );
}

mod nesting {
    use super::super::parser::{MAX_NESTING, parse};

    fn deep_error(source: &str) -> String {
        let err = parse(source).expect_err("too deep");
        assert_eq!(err.code, "too-deep", "{}", err.message);
        err.message
    }

    #[test]
    fn deep_parentheses_are_an_error_not_a_stack_overflow() {
        let n = 100_000;
        let source = format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(
            deep_error(&source),
            "the expression nests more than 128 levels deep"
        );
        let source = format!("{}1{}", "[".repeat(n), "]".repeat(n));
        deep_error(&source);
        let source = format!("{}1{}", "min(".repeat(n), ")".repeat(n));
        deep_error(&source);
    }

    #[test]
    fn long_prefix_runs_and_operator_chains_are_refused() {
        deep_error(&format!("{}1", "-".repeat(100_000)));
        deep_error(&format!("{}true", "not ".repeat(100_000)));
        deep_error(&format!("1{}", " + 1".repeat(100_000)));
        deep_error(&format!("{}1{}", "-(".repeat(100_000), ")".repeat(100_000)));
    }

    #[test]
    fn nesting_up_to_the_limit_parses() {
        let n = MAX_NESTING - 1;
        parse(&format!("{}1{}", "(".repeat(n), ")".repeat(n))).unwrap();
        parse(&format!("1{}", " + 1".repeat(n - 1))).unwrap();
        parse(&format!("{}1{}", "[".repeat(n - 1), "]".repeat(n - 1))).unwrap();
        parse("'((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((('").unwrap();
    }
}

#[test]
fn compiles_and_evaluates_one_expression() {
    use crate::record::Record;
    let schema = Schema {
        fields: vec![FieldDef {
            name: "hours".into(),
            ty: FieldType::Decimal,
            optional: true,
            default: None,
        }],
    };
    let mut attrs = Vec::new();
    let mut scope = Scope {
        schema: &schema,
        context: Context::Record,
        member_attrs: &mut attrs,
        locals: &[],
        rule_ids: &[],
    };
    let points = compile("min(hours, 8) * 10", &mut scope, Some(Type::Num)).expect("compiles");
    let record = Record {
        source: 0,
        position: 1,
        id: "r1".into(),
        has_id: true,
        member: "m1".into(),
        kind: "volunteer".into(),
        date: date(2026, 3, 14),
        fields: vec![Value::Num("3.5".parse().unwrap())].into(),
    };
    let calendar = Calendar::default();
    let env = Env::for_record(&record, &calendar, record.date);
    assert_eq!(points.eval(&env).expect("evaluates"), Value::Num(35.into()));
    assert_eq!(points.explain(&env).text, "min(hours=3.5, 8) * 10 = 35");
}
