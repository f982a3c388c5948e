//! Properties every report must have, whatever the input order.

use std::path::Path;

use merit::{Format, Records, Rulebook, ScoreOptions};

fn repo(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The same lines with whole days in another order (a fixed permutation, so failures
/// reproduce). Records of one day keep their order: DESIGN breaks ties within a day
/// by input order, so moving them may rightly change which record crosses a cap.
fn shuffled(text: &str, seed: u64) -> String {
    let date = |line: &str| {
        line.split("\"date\":\"")
            .nth(1)
            .map(|d| d[..10].to_owned())
            .unwrap_or_default()
    };
    let mut days: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        match days.iter_mut().find(|(d, _)| *d == date(line)) {
            Some((_, lines)) => lines.push(line),
            None => days.push((date(line), vec![line])),
        }
    }
    let mut state = seed;
    for i in (1..days.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        days.swap(i, (state >> 33) as usize % (i + 1));
    }
    days.into_iter()
        .flat_map(|(_, lines)| lines)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn reports_do_not_depend_on_record_order() {
    let book = Rulebook::from_yaml(&repo("rules/volunteer-hours.yaml"), "volunteer-hours.yaml").unwrap();
    let data = repo("examples/data/volunteer.jsonl");
    let score = |text: &str| {
        let mut records = Records::new();
        records
            .read(&book, text.as_bytes(), Format::Jsonl, "data.jsonl")
            .unwrap();
        book.score(&records, None, &ScoreOptions::default())
    };
    let sorted = score(&data);
    for seed in [1, 2, 3] {
        let other = score(&shuffled(&data, seed));
        assert_eq!(sorted.members, other.members, "seed {seed}");
        assert_eq!(sorted.unmatched, other.unmatched);
        assert_eq!(
            sorted.to_json(),
            other.to_json(),
            "byte-identical JSON, seed {seed}"
        );
    }
}

#[test]
fn every_record_is_scored_unmatched_or_rejected_and_sums_add_up() {
    let book = Rulebook::from_yaml(&repo("rules/volunteer-hours.yaml"), "volunteer-hours.yaml").unwrap();
    let mut data = repo("examples/data/volunteer.jsonl");
    data.push_str("{\"member\": \"m1\", \"kind\": \"volunteer\", \"date\": \"2026-02-30\"}\nnot json\n");
    let mut records = Records::new();
    let read = records
        .read(&book, data.as_bytes(), Format::Jsonl, "data.jsonl")
        .unwrap();
    let report = book.score(&records, None, &ScoreOptions::default());
    assert_eq!(
        read,
        records.len() + report.rejected.len(),
        "read = accepted + rejected"
    );
    let mut used = std::collections::BTreeSet::new();
    for member in &report.members {
        let mut member_total = rust_decimal::Decimal::ZERO;
        for period in &member.periods {
            let awards: rust_decimal::Decimal = period.awards.iter().map(|a| a.points).sum();
            let rules: rust_decimal::Decimal = period.rules.iter().map(|(_, p)| *p).sum();
            assert_eq!(period.total, awards, "{} {}", member.member, period.period);
            assert_eq!(period.total, rules, "{} {}", member.member, period.period);
            member_total += period.total;
            for award in &period.awards {
                used.extend(award.records.iter().cloned());
            }
        }
        assert_eq!(member.total, member_total, "{}", member.member);
    }
    assert_eq!(
        used.len() as u64 + report.unmatched,
        records.len() as u64,
        "scored + unmatched = accepted"
    );
}
