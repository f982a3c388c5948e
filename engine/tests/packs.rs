//! The shipped packs read as sentences (DESIGN section 8.2, issue 19's measures):
//! every award of their example data, in Chinese and in English, is at most 80 or
//! 120 characters, and no templated award shows a formula; a sample of each pack's
//! sentences and why-nots is snapshotted for review.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use merit::Lang;
use merit::{Format, Members, Records, Report, Rulebook, ScoreOptions};

/// (pack, data file, as_of, with member profiles)
const PACKS: &[(&str, &str, Option<&str>, bool)] = &[
    ("volunteer-hours", "volunteer.jsonl", None, false),
    ("whistle-and-report", "whistle.jsonl", Some("2026-12-31"), false),
    ("initial-mission-index", "mission.jsonl", None, true),
    ("good-deeds", "good-deeds.jsonl", None, false),
    ("community-ratings", "ratings.jsonl", None, false),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn score(pack: &str, data: &str, as_of: Option<&str>, profiles: bool, lang: Lang) -> (Rulebook, Report) {
    let path = root().join(format!("rules/{pack}.yaml"));
    let source = std::fs::read_to_string(&path).expect("pack");
    let book = Rulebook::from_yaml(&source, &path.display().to_string()).expect("valid pack");
    let mut records = Records::new();
    let bytes = std::fs::read(root().join("examples/data").join(data)).expect("data");
    records.read(&book, &bytes, Format::Jsonl, data).expect("records");
    let members = profiles.then(|| {
        let bytes = std::fs::read(root().join("examples/data/members.jsonl")).expect("members");
        Members::read(&bytes, Format::Jsonl).expect("profiles")
    });
    let options = ScoreOptions {
        as_of: as_of.map(|d| d.parse().expect("date")),
        lang: Some(lang),
        why_not: true,
        ..ScoreOptions::default()
    };
    let report = book.score(&records, members.as_ref(), &options);
    (book, report)
}

/// `=` followed by a date: a value annotated in place, as in `date=2026-03-14`.
fn has_dated_value(text: &str) -> bool {
    text.match_indices('=').any(|(i, _)| {
        let rest = &text[i + 1..];
        rest.len() >= 10 && rest.as_bytes()[4] == b'-' && rest[..4].bytes().all(|b| b.is_ascii_digit())
    })
}

#[test]
fn every_award_of_the_shipped_packs_reads_as_a_short_sentence() {
    for &(pack, data, as_of, profiles) in PACKS {
        for (lang, limit) in [(Lang::Zh, 80), (Lang::En, 120)] {
            let (book, report) = score(pack, data, as_of, profiles, lang);
            let mut awards = 0;
            for award in report
                .members
                .iter()
                .flat_map(|m| &m.periods)
                .flat_map(|p| &p.awards)
            {
                awards += 1;
                let text = &award.explain;
                let chars = text.chars().count();
                assert!(chars <= limit, "{pack} {lang:?}: {chars} characters: {text}");
                let templated = book.rules().any(|r| r.id == award.rule && r.has_explain);
                if templated {
                    for formula in ["if(", "min(", "max("] {
                        assert!(!text.contains(formula), "{pack} {lang:?}: {text}");
                    }
                    assert!(!has_dated_value(text), "{pack} {lang:?}: {text}");
                }
                assert!(!award.trace.is_empty(), "{pack}: an award without a trace");
            }
            assert!(awards > 100, "{pack}: {awards} awards");
        }
    }
}

/// Up to two sentences per rule (the first in report order), and two why-nots.
fn sample(report: &Report) -> String {
    let mut by_rule: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for award in report
        .members
        .iter()
        .flat_map(|m| &m.periods)
        .flat_map(|p| &p.awards)
    {
        let seen = by_rule.entry(&award.rule).or_default();
        if seen.len() < 2 && !seen.contains(&award.explain.as_str()) {
            seen.push(&award.explain);
        }
    }
    let mut out = String::new();
    for (rule, sentences) in by_rule {
        for sentence in sentences {
            out.push_str(&format!("{rule}: {sentence}\n"));
        }
    }
    let mut why: Vec<String> = Vec::new();
    for unscored in report.members.iter().flat_map(|m| m.unscored.iter().flatten()) {
        for reason in &unscored.reasons {
            let line = format!("why not {} ({}): {}", unscored.record, reason.rule, reason.why);
            if why.len() < 3 && !why.iter().any(|w| w.ends_with(&reason.why)) {
                why.push(line);
            }
        }
    }
    for line in why {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn the_shipped_packs_explain_in_both_languages() {
    for &(pack, data, as_of, profiles) in PACKS {
        for (lang, name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            let (_, report) = score(pack, data, as_of, profiles, lang);
            insta::assert_snapshot!(format!("{pack}-{name}"), sample(&report));
        }
    }
}

#[test]
fn an_index_explanation_names_the_record_a_veto_fired_on() {
    let (book, report) = score("initial-mission-index", "mission.jsonl", None, true, Lang::Zh);
    let text = merit::explain_member(&book, &report, "m0063", Lang::Zh).expect("member");
    assert!(
        text.contains("严重违纪，一票否决（记录 p007429）：等级定为 不合格"),
        "{text}"
    );
    assert!(text.contains("满分 50 → 100.0，权重 25，贡献 25.0"), "{text}");
}
