//! DESIGN section 8.2: `let` terms, `explain:` templates, the short trace and the
//! full `trace` of every award.

use merit::{Format, Records, Rulebook, ScoreOptions};

const BOOK: &str = r#"merit: 1
id: sentences
title: 测试
unit: { name: 分, decimals: 1 }
fields: { hours: decimal?, verified: bool = false, resolved_on: date? }
rules:
  - id: volunteer-hours
    title: 志愿服务
    let: { double: month(date) == 3 or (month(date) == 10 and day(date) <= 7) }
    when: kind == "volunteer" and verified
    points: min(hours, 8) * 10 * if(double, 1.5, 1)
    explain: { zh: "志愿服务 {hours} 小时{if(double, '（学雷锋月 1.5 倍）', '')}", en: "{hours} h of volunteering{if(double, ' (× 1.5 in March)', '')}" }
    cap: [{ per: month, max: 200 }]
  - id: whistle
    when: kind == "whistle"
    points: if(resolved_on == null, if(workdays_between(date, as_of) > 5, -3, 0), if(workdays_between(date, resolved_on) <= 5, 5, -2))
"#;

const RECORDS: &str = r#"{"member":"m1","kind":"volunteer","date":"2026-03-14","hours":3.5,"verified":true}
{"member":"m1","kind":"volunteer","date":"2026-03-15","hours":8,"verified":true}
{"member":"m1","kind":"volunteer","date":"2026-03-16","hours":8,"verified":true}
{"member":"m1","kind":"volunteer","date":"2026-04-16","hours":4,"verified":true}
{"member":"m1","kind":"whistle","date":"2026-01-05","resolved_on":"2026-01-09"}
"#;

/// Every award's (explain, trace), in report order.
fn sentences(lang: &str) -> Vec<(String, String)> {
    let book = Rulebook::from_yaml(BOOK, "book.yaml").expect("valid book");
    let mut records = Records::new();
    records
        .read(&book, RECORDS.as_bytes(), Format::Jsonl, "r.jsonl")
        .expect("records");
    let options = ScoreOptions {
        lang: merit::Lang::parse(lang),
        ..ScoreOptions::default()
    };
    let report = book.score(&records, None, &options);
    report.members[0]
        .periods
        .iter()
        .flat_map(|p| &p.awards)
        .map(|a| (a.explain.clone(), a.trace.clone()))
        .collect()
}

#[test]
fn a_template_is_a_sentence_with_the_points_and_the_cap_in_words() {
    let zh = sentences("zh");
    let explains: Vec<&str> = zh.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(
        explains,
        [
            "5",
            "志愿服务 3.5 小时（学雷锋月 1.5 倍） → 52.5 分",
            "志愿服务 8 小时（学雷锋月 1.5 倍） → 120 分",
            "志愿服务 8 小时（学雷锋月 1.5 倍） → 27.5 分；已达月上限 200，未计 92.5 分",
            "志愿服务 4 小时 → 40 分",
        ]
    );
    let en = sentences("en");
    assert_eq!(en[4].0, "4 h of volunteering → 40 points");
    assert_eq!(
        en[3].0,
        "8 h of volunteering (× 1.5 in March) → 27.5 points; the month cap of 200 held back 92.5 points"
    );
}

#[test]
fn the_trace_keeps_the_whole_formula_and_shows_lets_by_name() {
    let zh = sentences("zh");
    assert_eq!(zh[4].1, "min(hours=4, 8) * 10 * if(double=false, 1.5, 1) = 40");
    assert!(
        zh[0]
            .1
            .starts_with("if(resolved_on=2026-01-09 == null, if(workdays_between(date=2026-01-05")
    );
}

#[test]
fn without_a_template_only_the_branch_taken_and_no_dates() {
    let book = BOOK.replace("    explain: {", "    #");
    let book = Rulebook::from_yaml(&book, "book.yaml").expect("valid book");
    let mut records = Records::new();
    records
        .read(&book, RECORDS.as_bytes(), Format::Jsonl, "r.jsonl")
        .expect("records");
    let report = book.score(&records, None, &ScoreOptions::default());
    let explains: Vec<&str> = report.members[0]
        .periods
        .iter()
        .flat_map(|p| &p.awards)
        .map(|a| a.explain.as_str())
        .collect();
    assert_eq!(explains[4], "min(hours=4, 8) * 10 * 1 = 40");
    for explain in explains {
        assert!(!explain.contains("if("), "{explain}");
        assert!(!explain.contains("=2026"), "{explain}");
    }
}

fn check(body: &str) -> String {
    let source = format!("merit: 1\nid: t\nfields: {{ hours: decimal? }}\nrules:\n{body}");
    let diagnostics = Rulebook::check(&source, "book.yaml");
    assert!(!diagnostics.is_empty(), "expected a diagnostic for:\n{body}");
    merit::render_all(&diagnostics, &source, false)
}

#[test]
fn a_template_hole_is_checked_at_load_under_its_characters() {
    insta::assert_snapshot!(check(
        "  - id: v\n    points: hours * 10\n    explain: \"{hours} 小时，{hurs} 次\"\n"
    ));
}

#[test]
fn an_unclosed_hole_and_a_let_on_a_group_rule_are_errors() {
    insta::assert_snapshot!(check(
        "  - id: v\n    points: hours * 10\n    explain: \"{hours 小时\"\n  - id: s\n    let: { x: 1 }\n    count: hours > 1\n    tiers: [{ at: 1, points: 1 }]\n"
    ));
}

#[test]
fn why_not_lists_each_record_that_earned_nothing_with_the_failed_condition_or_the_cap() {
    let book = Rulebook::from_yaml(BOOK, "book.yaml").expect("valid book");
    let extra = concat!(
        r#"{"member":"m1","kind":"volunteer","date":"2026-03-20","hours":2,"verified":true}"#,
        "\n",
        r#"{"member":"m1","kind":"volunteer","date":"2026-04-17","hours":4}"#,
        "\n",
        r#"{"member":"m1","kind":"meeting","date":"2026-04-18"}"#,
        "\n",
    );
    let mut records = Records::new();
    records
        .read(
            &book,
            format!("{RECORDS}{extra}").as_bytes(),
            Format::Jsonl,
            "r.jsonl",
        )
        .expect("records");
    let plain = book.score(&records, None, &ScoreOptions::default());
    assert_eq!(plain.members[0].unscored, None, "only when asked");
    let options = ScoreOptions {
        why_not: true,
        ..ScoreOptions::default()
    };
    let report = book.score(&records, None, &options);
    let unscored: Vec<(String, Vec<(String, String)>)> = report.members[0]
        .unscored
        .iter()
        .flatten()
        .map(|u| {
            let reasons = u
                .reasons
                .iter()
                .map(|r| (r.rule.clone(), r.why.clone()))
                .collect();
            (u.record.clone(), reasons)
        })
        .collect();
    let reason = |why: &str| vec![("volunteer-hours".to_owned(), why.to_owned())];
    assert_eq!(
        unscored,
        [
            ("6".to_owned(), reason("已达月上限 200，不再计分")),
            ("7".to_owned(), reason("不满足条件 `verified`：verified = false")),
            // A meeting passes no rule's kind test: no rule has anything to say.
            ("8".to_owned(), vec![]),
        ]
    );
}

#[test]
fn braces_in_a_template_and_in_its_strings() {
    let source = "merit: 1\nid: t\nfields: { hours: decimal? }\nrules:\n  - id: v\n    points: hours\n    explain: \"{{{hours}}} {'}'} {'it\\\\'s'}\"\n";
    let book = Rulebook::from_yaml(source, "book.yaml").expect("valid book");
    let mut records = Records::new();
    records
        .read(
            &book,
            br#"{"member":"m1","kind":"x","date":"2026-03-02","hours":2}"#,
            Format::Jsonl,
            "r.jsonl",
        )
        .expect("records");
    let report = book.score(&records, None, &ScoreOptions::default());
    assert_eq!(
        report.members[0].periods[0].awards[0].explain,
        "{2} } it's → 2 points"
    );
}

/// Issue 19 left `let` to per-record rules. A `sum` rule's lets are computed per
/// window in the group context, read by `points:` and shown by name in the trace.
#[test]
fn a_group_rule_names_its_terms_with_let() {
    let book = r#"merit: 1
id: group-lets
unit: { name: points, decimals: 1 }
fields: { hours: decimal? }
rules:
  - id: service
    when: kind == "volunteer"
    sum: hours
    per: month
    let: { base: sum * 2, busy: n >= 2, bonus: "if(busy, count(hours >= 3) * 5, 0)" }
    points: base + bonus
"#;
    let book = Rulebook::from_yaml(book, "book.yaml").expect("valid book");
    let mut records = Records::new();
    let data = r#"{"member":"m1","kind":"volunteer","date":"2026-03-02","hours":3}
{"member":"m1","kind":"volunteer","date":"2026-03-09","hours":1.5}
{"member":"m1","kind":"volunteer","date":"2026-04-09","hours":4}
"#;
    records
        .read(&book, data.as_bytes(), Format::Jsonl, "r.jsonl")
        .expect("records");
    let options = ScoreOptions {
        lang: merit::Lang::parse("en"),
        ..ScoreOptions::default()
    };
    let report = book.score(&records, None, &options);
    let awards: Vec<_> = report.members[0].periods.iter().flat_map(|p| &p.awards).collect();
    // March: sum 4.5 → base 9, two records so busy, one of 3 h or more → bonus 5.
    assert_eq!(awards[0].points.to_string(), "14.0");
    assert!(
        awards[0].trace.contains("base=9 + bonus=5 = 14"),
        "{}",
        awards[0].trace
    );
    // April: one record, not busy.
    assert_eq!(awards[1].points.to_string(), "8.0");
    assert!(
        awards[1].trace.contains("base=8 + bonus=0 = 8"),
        "{}",
        awards[1].trace
    );

    // A let on a rule without `points:` to read it, and one named like the measure.
    let source = "merit: 1\nid: t\nfields: { hours: decimal? }\nrules:\n  - id: s\n    sum: hours\n    let: { x: sum }\n    tiers: [{ at: 1, points: 1 }]\n  - id: c\n    count: hours > 1\n    let: { n: 1 }\n    points: n\n";
    let codes: Vec<&str> = Rulebook::check(source, "book.yaml")
        .iter()
        .map(|d| d.code)
        .collect::<Vec<_>>();
    assert_eq!(codes, ["let-without-points", "bad-let"]);

    // A let name is a name an expression can read: a Chinese word loads and is
    // read back; a superscript, a word of the language and a dash do not.
    let chinese = "merit: 1\nid: t\nfields: { hours: decimal? }\nrules:\n  - id: v\n    let:\n      时长: min(hours ?? 0, 8)\n    points: 时长 * 10\n";
    let diagnostics = Rulebook::check(chinese, "book.yaml");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    for name in ["x²", "null", "and", "a-b"] {
        let source = format!(
            "merit: 1\nid: t\nfields: {{ hours: decimal? }}\nrules:\n  - id: v\n    let: {{ \"{name}\": hours }}\n    points: 1\n"
        );
        let codes: Vec<&str> = Rulebook::check(&source, "book.yaml")
            .iter()
            .map(|d| d.code)
            .collect();
        assert_eq!(codes, ["bad-let"], "let name `{name}`");
    }
    // A let that does not compile is the one root error: the expressions reading
    // its name do not also say the name is unknown.
    let broken = chinese.replace("min(hours ?? 0, 8)", "min(hours ?? 0,");
    let codes: Vec<&str> = Rulebook::check(&broken, "book.yaml")
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["syntax"]);
    // The same rule for fields.
    for name in ["x²", "null", "in"] {
        let source = format!("merit: 1\nid: t\nfields: {{ \"{name}\": decimal? }}\nrules: []\n");
        let codes: Vec<&str> = Rulebook::check(&source, "book.yaml")
            .iter()
            .map(|d| d.code)
            .collect();
        assert!(codes.contains(&"bad-field-name"), "field `{name}`: {codes:?}");
    }
}

/// A rating rule's lets read its `score`, `n` and `mean`, per subject and window.
#[test]
fn a_rating_rule_names_its_terms_with_let() {
    let book = r#"merit: 1
id: rating-lets
unit: { name: points, decimals: 1 }
fields: { stars: int?, subject: string? }
rules:
  - id: rated
    rating: { when: kind == "rating", value: stars, subject: subject, scale: [1, 5], min_count: 1 }
    per: quarter
    let: { above: score - 3, many: n >= 3 }
    points: above * if(many, 10, 5)
"#;
    let book = Rulebook::from_yaml(book, "book.yaml").expect("valid book");
    let mut records = Records::new();
    let data = r#"{"member":"r1","kind":"rating","date":"2026-01-02","stars":5,"subject":"m1"}
{"member":"r2","kind":"rating","date":"2026-01-03","stars":4,"subject":"m1"}
{"member":"r3","kind":"rating","date":"2026-01-04","stars":3,"subject":"m1"}
"#;
    records
        .read(&book, data.as_bytes(), Format::Jsonl, "r.jsonl")
        .expect("records");
    let report = book.score(&records, None, &ScoreOptions::default());
    let m1 = report.members.iter().find(|m| m.member == "m1").expect("m1");
    let award = &m1.periods[0].awards[0];
    // Mean 4, no prior: score 4, above 1; three ratings: × 10.
    assert_eq!(award.points.to_string(), "10.0");
    assert!(
        award.trace.contains("above=1 * if(many=true, 10, 5)"),
        "{}",
        award.trace
    );
}
