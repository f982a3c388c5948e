//! A member's report told as sentences, in Chinese or English: what `--explain`
//! prints and what a member reads in the preview page.

use std::fmt::Write;

use crate::book::Rulebook;
use crate::report::{AwardReport, Report};

pub use crate::words::{Lang, Words};

impl Lang {
    /// Chinese for rulebooks whose title is written in Chinese, English otherwise.
    pub fn for_book(book: &Rulebook) -> Lang {
        let chinese = book
            .title
            .as_deref()
            .is_some_and(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        if chinese { Lang::Zh } else { Lang::En }
    }
}

/// Every award of `member` in the report, one sentence each, grouped by period.
/// `None` when the report has no such member.
pub fn explain_member(book: &Rulebook, report: &Report, member: &str, lang: Lang) -> Option<String> {
    let row = report.member(member)?;
    let unit = &Words(lang).unit(&book.unit.name);
    let mut out = String::new();
    // An index rulebook's points are the index's inputs, not a score: adding them
    // across quarters would tell a member nothing, so its header names no total.
    let _ = match (lang, book.indexes.is_empty()) {
        (Lang::Zh, true) => writeln!(out, "成员 {member}：合计 {} {unit}", row.total),
        (Lang::En, true) => writeln!(out, "Member {member}: {} {unit} in total", row.total),
        (Lang::Zh, false) => writeln!(out, "成员 {member}（各项积分计入下方的指数）"),
        (Lang::En, false) => writeln!(out, "Member {member} (points count towards the indexes below)"),
    };
    for period in &row.periods {
        let _ = match lang {
            Lang::Zh => writeln!(out, "\n{}：{} {unit}", period.period, period.total),
            Lang::En => writeln!(out, "\n{}: {} {unit}", period.period, period.total),
        };
        for award in &period.awards {
            let _ = writeln!(out, "  {}", sentence(book, award, lang));
        }
    }
    for index in &row.indexes {
        let _ = writeln!(out, "\n{}", index_lines(book, index, Some(row), lang));
    }
    write_unscored(&mut out, book, row.unscored.as_deref().unwrap_or_default(), lang);
    write_descriptions(&mut out, book, row, lang);
    if row.periods.is_empty() {
        let _ = match lang {
            Lang::Zh => writeln!(out, "\n本期没有得分记录。"),
            Lang::En => writeln!(out, "\nNo awards in this range."),
        };
    }
    Some(out)
}

/// The records that earned nothing, each with what the rules say.
fn write_unscored(out: &mut String, book: &Rulebook, unscored: &[crate::report::Unscored], lang: Lang) {
    if unscored.is_empty() {
        return;
    }
    let _ = match lang {
        Lang::Zh => writeln!(out, "\n未计分的记录："),
        Lang::En => writeln!(out, "\nRecords that earned nothing:"),
    };
    for record in unscored {
        let reasons: Vec<String> = record
            .reasons
            .iter()
            .map(|r| match lang {
                Lang::Zh => format!("{}：{}", rule_title(book, &r.rule), r.why),
                Lang::En => format!("{}: {}", rule_title(book, &r.rule), r.why),
            })
            .collect();
        let reasons = match (lang, reasons.is_empty()) {
            (Lang::Zh, true) => "没有规则适用于这条记录".to_owned(),
            (Lang::En, true) => "no rule applies to this record".to_owned(),
            (Lang::Zh, false) => reasons.join("；"),
            (Lang::En, false) => reasons.join("; "),
        };
        let _ = match lang {
            Lang::Zh => writeln!(out, "  {} 记录 {}：{reasons}", record.date, record.record),
            Lang::En => writeln!(out, "  {} record {}: {reasons}", record.date, record.record),
        };
    }
}

/// What each rule the member met is for (`description:`), once each.
fn write_descriptions(out: &mut String, book: &Rulebook, row: &crate::report::MemberReport, lang: Lang) {
    let mut met: Vec<&str> = row
        .periods
        .iter()
        .flat_map(|p| p.awards.iter().map(|a| a.rule.as_str()))
        .chain(
            row.unscored
                .iter()
                .flatten()
                .flat_map(|u| u.reasons.iter().map(|r| r.rule.as_str())),
        )
        .collect();
    met.sort_unstable();
    met.dedup();
    let lines: Vec<String> = book
        .rules
        .iter()
        .filter(|r| met.contains(&r.id.as_str()))
        .filter_map(|r| {
            Some(format!(
                "  {}：{}",
                rule_title(book, &r.id),
                r.description.as_deref()?
            ))
        })
        .collect();
    if lines.is_empty() {
        return;
    }
    let _ = match lang {
        Lang::Zh => writeln!(out, "\n规则说明："),
        Lang::En => writeln!(out, "\nThe rules:"),
    };
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}

/// A rule's title, or its id when it has none.
fn rule_title<'b>(book: &'b Rulebook, id: &'b str) -> &'b str {
    book.rules
        .iter()
        .find(|r| r.id == id)
        .and_then(|r| r.title.as_deref())
        .unwrap_or(id)
}

/// An index of one window: score, grade and its band, then each dimension's
/// points, full mark, weight and contribution, and the veto that fired.
pub fn index_sentence(book: &Rulebook, index: &crate::report::IndexReport, lang: Lang) -> String {
    index_lines(book, index, None, lang)
}

/// [`index_sentence`], with each dimension's points summed from `row`'s awards
/// dated in the index's window when the member's report is at hand.
fn index_lines(
    book: &Rulebook,
    index: &crate::report::IndexReport,
    row: Option<&crate::report::MemberReport>,
    lang: Lang,
) -> String {
    let def = book.indexes.iter().find(|i| i.id == index.index);
    let name = def
        .and_then(|i| i.title.clone())
        .unwrap_or_else(|| index.index.clone());
    let grade = index.grade.as_deref().unwrap_or("-");
    let band = def
        .and_then(|d| {
            d.grades
                .iter()
                .find(|g| Some(g.label.as_str()) == index.grade.as_deref())
        })
        .and_then(|g| g.min)
        .map(|min| match lang {
            Lang::Zh => format!("（≥ {}）", min.normalize()),
            Lang::En => format!(" (≥ {})", min.normalize()),
        })
        .unwrap_or_default();
    let mut text = match lang {
        Lang::Zh => format!("{} {name}：{} 分，等级 {grade}{band}", index.period, index.score),
        Lang::En => format!("{} {name}: {}, grade {grade}{band}", index.period, index.score),
    };
    if let Some(veto) = &index.veto {
        let records = index.veto_records.join(", ");
        let on = match (lang, records.is_empty()) {
            (_, true) => String::new(),
            (Lang::Zh, false) => format!("（记录 {records}）"),
            (Lang::En, false) => format!(" on record {records}"),
        };
        let _ = match lang {
            Lang::Zh => write!(text, "；{}{on}：等级定为 {}", veto.reason, veto.grade),
            Lang::En => write!(
                text,
                "; vetoed ({}){on}: the grade is forced to {}",
                veto.reason, veto.grade
            ),
        };
    }
    if index.provisional {
        text.push_str(match lang {
            Lang::Zh => "（暂定，周期未结束）",
            Lang::En => " (provisional: the window is still open)",
        });
    }
    let total_weight: rust_decimal::Decimal = def
        .map(|d| d.dimensions.iter().map(|x| x.weight).sum())
        .unwrap_or_default();
    for (id, value) in &index.dimensions {
        let dim = def.and_then(|d| d.dimensions.iter().find(|x| x.id == *id));
        let Some(dim) = dim else {
            let _ = write!(text, "\n    {id} {value}");
            continue;
        };
        let title = dim.title.as_deref().unwrap_or(id);
        let contribution = if total_weight.is_zero() {
            rust_decimal::Decimal::ZERO
        } else {
            let mut c = *value * dim.weight / total_weight;
            c.rescale(book.unit.decimals);
            c
        };
        let points = row.and_then(|row| dimension_points(book, def?, dim, &index.period, row));
        let points = match (points, dim.base.is_zero(), lang) {
            (None, _, _) => String::new(),
            (Some(p), true, Lang::Zh) => format!("{} 分，", p.normalize()),
            (Some(p), true, Lang::En) => format!("{} points, ", p.normalize()),
            (Some(p), false, Lang::Zh) => format!("基础 {} {:+} 分，", dim.base.normalize(), p.normalize()),
            (Some(p), false, Lang::En) => {
                format!("base {} {:+} points, ", dim.base.normalize(), p.normalize())
            }
        };
        let full = dim.full.normalize();
        let weight = dim.weight.normalize();
        let _ = match lang {
            Lang::Zh => write!(
                text,
                "\n    {title}：{points}满分 {full} → {value}，权重 {weight}，贡献 {contribution}"
            ),
            Lang::En => write!(
                text,
                "\n    {title}: {points}full mark {full} → {value}, weight {weight}, contributes {contribution}"
            ),
        };
    }
    text
}

/// The points of `row`'s awards that count towards `dim` and are dated in the
/// index window labelled `window`.
fn dimension_points(
    book: &Rulebook,
    index: &crate::index::Index,
    dim: &crate::index::Dimension,
    window: &str,
    row: &crate::report::MemberReport,
) -> Option<rust_decimal::Decimal> {
    let mut sum = rust_decimal::Decimal::ZERO;
    for award in row.periods.iter().flat_map(|p| &p.awards) {
        let rule = book.rules.iter().find(|r| r.id == award.rule)?;
        if dim.counts(rule) && index.per.label(index.per.window(award.date)) == window {
            sum += award.points;
        }
    }
    Some(sum)
}

/// One award as a sentence: date, rule, points, formula, cap, records.
pub fn sentence(book: &Rulebook, award: &AwardReport, lang: Lang) -> String {
    let unit = &Words(lang).unit(&book.unit.name);
    let rule = match book
        .rules
        .iter()
        .find(|r| r.id == award.rule)
        .and_then(|r| r.title.as_deref())
    {
        Some(title) => format!("{title} ({})", award.rule),
        None => award.rule.clone(),
    };
    let records = award.records.join(", ");
    let templated = book
        .rules
        .iter()
        .any(|r| r.id == award.rule && r.sentence.is_some());
    let mut text = match lang {
        // The sentence already ends with the points and what a cap held back.
        _ if templated => format!("{} {}", award.date, award.explain),
        Lang::Zh => format!(
            "{} {rule}：{} {unit}（{}）",
            award.date, award.points, award.explain
        ),
        Lang::En => format!(
            "{} {rule}: {} {unit} — {}",
            award.date, award.points, award.explain
        ),
    };
    if let Some(withheld) = award.withheld.as_ref().filter(|_| !templated) {
        text.push_str(&Words(lang).withheld(&withheld.cap, withheld.points, unit));
    }
    if award.provisional {
        text.push_str(match lang {
            Lang::Zh => "（暂定，周期未结束）",
            Lang::En => " (provisional: the window is still open)",
        });
    }
    if !records.is_empty() {
        let _ = match lang {
            Lang::Zh => write!(text, " [记录 {records}]"),
            Lang::En => write!(text, " [record {records}]"),
        };
    }
    text
}
