//! Rankings (DESIGN section 8.5): standard competition ranking, ties by member id,
//! `top` keeping a tie at the cut, rule and period filters, index rankings with a veto.

use merit::{Format, Records, Report, Rulebook, ScoreOptions};
use merit::{RankBy, RankOptions, rank};

const BOOK: &str = r#"
id: ranks
unit: { name: points, decimals: 1 }
period: month
fields: { hours: decimal? }
rules:
  - { id: hours, title: Volunteering, when: kind == "v", points: hours * 10 }
  - { id: study, when: kind == "study", points: 10 }
  - { id: late, when: kind == "late", points: -5 }
indexes:
  - id: mission
    title: Mission
    per: quarter
    dimensions:
      - { id: study, weight: 50, rules: [study], full: 20 }
      - { id: conduct, weight: 50, base: 100, rules: [late], full: 100 }
    grades: [{ min: 90, label: A }, { min: 60, label: B }, { label: C }]
    veto:
      - { when: count(kind == "violation") > 0, grade: C, reason: veto }
"#;

const RECORDS: &str = "member,kind,date,hours
e,v,2026-03-01,1
d,v,2026-03-01,3
b,v,2026-03-02,5
c,v,2026-02-02,2
c,v,2026-03-02,3
a,v,2026-03-03,3
f,study,2026-03-03,
f,study,2026-03-04,
g,study,2026-03-04,
g,study,2026-03-05,
g,violation,2026-03-06,
h,study,2026-03-05,
h,late,2026-03-06,
";

fn report() -> (Rulebook, Report) {
    let book = Rulebook::from_yaml(BOOK, "ranks.yaml").unwrap();
    let mut records = Records::new();
    records
        .read(&book, RECORDS.as_bytes(), Format::Csv, "r.csv")
        .unwrap();
    let report = book.score(&records, None, &ScoreOptions::default());
    (book, report)
}

fn places(by: &str, period: Option<&str>, top: Option<u32>) -> Vec<(u32, String, String)> {
    let (book, report) = report();
    let options = RankOptions {
        by: RankBy::parse(by).unwrap(),
        period: period.map(str::to_owned),
        top,
    };
    rank(&book, &report, &options)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| (r.rank, r.member, r.points.to_string()))
        .collect()
}

fn p(rank: u32, member: &str, points: &str) -> (u32, String, String) {
    (rank, member.to_owned(), points.to_owned())
}

#[test]
fn ties_share_a_rank_the_next_skips_and_ties_list_by_member_id() {
    assert_eq!(
        places("total", None, None),
        [
            p(1, "b", "50.0"),
            p(1, "c", "50.0"),
            p(3, "a", "30.0"),
            p(3, "d", "30.0"),
            p(5, "f", "20.0"),
            p(5, "g", "20.0"),
            p(7, "e", "10.0"),
            p(8, "h", "5.0"),
        ]
    );
}

#[test]
fn top_keeps_a_tie_at_the_cut_whole() {
    let names = |top| -> Vec<String> {
        places("total", None, Some(top))
            .into_iter()
            .map(|r| r.1)
            .collect()
    };
    assert_eq!(names(1), ["b", "c"]);
    assert_eq!(names(2), ["b", "c"]);
    assert_eq!(names(3), ["b", "c", "a", "d"]);
    assert_eq!(names(4), ["b", "c", "a", "d"]);
}

#[test]
fn a_period_counts_only_the_awards_dated_in_it() {
    // c's February award does not count in March; in the quarter it does.
    let march = places("rule:hours", Some("2026-03"), None);
    assert_eq!(&march[..2], [p(1, "b", "50.0"), p(2, "a", "30.0")]);
    assert!(march.contains(&p(2, "c", "30.0")), "{march:?}");
    assert_eq!(
        places("rule:hours", Some("2026-Q1"), Some(1)),
        [p(1, "b", "50.0"), p(1, "c", "50.0")]
    );
    assert_eq!(places("rule:hours", Some("2026-02"), None), [p(1, "c", "20.0")]);
    assert_eq!(places("total", Some("2026-W10"), None)[0], p(1, "b", "50.0"));
    // Members with no award dated in the period are not ranked in it.
    assert_eq!(places("total", Some("2026-02"), None), [p(1, "c", "20.0")]);
}

#[test]
fn a_rule_ranks_only_members_it_awarded() {
    assert_eq!(
        places("rule:study", None, None),
        [p(1, "f", "20.0"), p(1, "g", "20.0"), p(3, "h", "10.0")]
    );
}

/// Rank, member, score, grade, veto reason.
type Place<'a> = (u32, &'a str, String, Option<&'a str>, Option<&'a str>);

#[test]
fn an_index_ranks_by_score_and_shows_grade_and_veto() {
    let (book, report) = report();
    let options = RankOptions {
        by: RankBy::Index("mission".into()),
        period: None,
        top: None,
    };
    let ranking = rank(&book, &report, &options).unwrap();
    assert_eq!(ranking.period.as_deref(), Some("2026-Q1"));
    assert_eq!(ranking.title.as_deref(), Some("Mission"));
    let rows: Vec<Place> = ranking
        .rows
        .iter()
        .map(|r| {
            (
                r.rank,
                r.member.as_str(),
                r.points.to_string(),
                r.grade.as_deref(),
                r.veto.as_ref().map(|v| v.reason.as_str()),
            )
        })
        .collect();
    // g scores as f does, but its veto forces grade C; it is ranked by score still.
    assert_eq!(rows[0], (1, "f", "100.0".into(), Some("A"), None));
    assert_eq!(rows[1], (1, "g", "100.0".into(), Some("C"), Some("veto")));
    let h = rows.iter().find(|r| r.1 == "h").unwrap();
    assert_eq!((h.2.as_str(), h.3), ("72.5", Some("B")));
}

#[test]
fn unknown_names_and_labels_are_clear_errors() {
    let (book, report) = report();
    let err = |by: &str, period: Option<&str>| {
        let options = RankOptions {
            by: RankBy::parse(by).unwrap(),
            period: period.map(str::to_owned),
            top: None,
        };
        rank(&book, &report, &options).unwrap_err().to_string()
    };
    assert!(
        err("rule:hour", None).contains("did you mean `hours`?"),
        "{}",
        err("rule:hour", None)
    );
    assert!(err("index:misson", None).contains("did you mean `mission`?"));
    assert!(err("total", Some("2026-3")).contains("not a period label"));
    assert!(err("index:mission", Some("2026-03")).contains("per quarter"));
    assert!(
        RankBy::parse("points")
            .unwrap_err()
            .to_string()
            .contains("`total`, `rule:ID` or `index:ID`")
    );
}

#[test]
fn the_ranking_reads_back_from_its_json() {
    let (book, report) = report();
    let ranking = rank(&book, &report, &RankOptions::default()).unwrap();
    let json = serde_json::to_string(&ranking).unwrap();
    assert!(
        json.contains(
            r#"{"rank":1,"member":"b","points":"50.0","grade":null,"veto":null,"provisional":false}"#
        ),
        "{json}"
    );
    let back: merit::Ranking = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ranking);
}
