//! The notice board (DESIGN section 8.5): plain HTML and CSS, nothing fetched,
//! names masked everywhere under `mask`, file names included.

use merit::Lang;
use merit::{Format, Records, Rulebook, ScoreOptions};
use merit::{LedgerFigures, PublishOptions, publish};

const BOOK: &str = r#"
id: board
title: 近邻红榜
version: "2026.1"
unit: { name: 积分, decimals: 1 }
fields: { hours: decimal? }
rules:
  - { id: hours, title: 志愿服务, when: kind == "v", points: hours * 10, effective: { from: "2026-01-01" } }
"#;

const RECORDS: &str = "member,kind,date,hours\n张三明,v,2026-03-01,2\n欧阳明华,v,2026-03-02,3\n李四,v,2026-03-03,2\n王,v,2026-03-03,1\n<b>x</b>,v,2026-03-03,1\n";

fn board(options: &PublishOptions) -> Vec<(String, String)> {
    let book = Rulebook::from_yaml(BOOK, "board.yaml").unwrap();
    let mut records = Records::new();
    records
        .read(&book, RECORDS.as_bytes(), Format::Csv, "r.csv")
        .unwrap();
    let report = book.score(&records, None, &ScoreOptions::default());
    publish(&book, &report, options)
        .unwrap()
        .into_iter()
        .map(|f| (f.name, String::from_utf8(f.contents).unwrap()))
        .collect()
}

#[test]
fn masked_boards_hold_no_full_name_in_any_file_or_file_name() {
    let files = board(&PublishOptions {
        mask: true,
        ..PublishOptions::default()
    });
    for (name, text) in &files {
        for full in ["张三明", "欧阳明华", "李四"] {
            assert!(!name.contains(full) && !text.contains(full), "{full} in {name}");
        }
    }
    let index = &files[0].1;
    for masked in ["张*明", "欧**华", "李*"] {
        assert!(index.contains(masked), "{masked} missing:\n{index}");
    }
    assert_eq!(files.len(), 2 + 5);
}

#[test]
fn pages_are_plain_html_with_no_script_and_no_outside_reference() {
    let files = board(&PublishOptions::default());
    for (name, text) in &files {
        let lower = text.to_lowercase();
        assert!(
            !lower.contains("<script") && !lower.contains("javascript:"),
            "{name}"
        );
        assert!(
            !lower.contains("http://") && !lower.contains("https://") && !lower.contains("//cdn"),
            "{name}"
        );
        assert!(!lower.contains("@import") && !lower.contains("url("), "{name}");
        assert!(!text.contains("<b>x</b>"), "{name}: a member id was not escaped");
    }
    let index = &files[0].1;
    assert!(index.starts_with("<!DOCTYPE html>") && index.contains("lang=\"zh-CN\""));
    assert!(index.contains("近邻红榜") && index.contains("2026.1") && index.contains("sha256:"));
    assert!(index.contains("2026-01-01 –"), "effective dates:\n{index}");
    assert!(files[1].1.contains("@page { size: A4"));
    // The ranking: 欧阳明华 first, links to numbered member pages.
    let first = index.find("欧阳明华").unwrap();
    assert!(first < index.find("张三明").unwrap());
    assert!(index.contains("href=\"member-1.html\""), "{index}");
    let member = files.iter().find(|(n, _)| n == "member-1.html").unwrap();
    assert!(member.1.contains("href=\"index.html\""));
}

#[test]
fn english_boards_and_ledger_figures() {
    let mut balances = std::collections::BTreeMap::new();
    balances.insert("李四".to_owned(), "12.5".parse().unwrap());
    let files = board(&PublishOptions {
        lang: Lang::En,
        ledger: Some(LedgerFigures {
            head: Some("7:abc123".into()),
            balances,
        }),
        ..PublishOptions::default()
    });
    let index = &files[0].1;
    assert!(index.contains("lang=\"en\"") && index.contains("Ranking") && index.contains("7:abc123"));
    assert!(index.contains(">12.5<"), "{index}");
    let li = files.iter().find(|(_, t)| t.contains("<h1>李四</h1>")).unwrap();
    assert!(li.1.contains("12.5 积分"), "{}", li.1);
}
