//! A member's report told as sentences, in Chinese or English: what `--explain`
//! prints and what a member reads in the preview page.

use std::fmt::Write;

use crate::book::Rulebook;
use crate::report::{AwardReport, Report};

/// The language of explanations. Rulebook titles are shown as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn parse(name: &str) -> Option<Lang> {
        match name {
            "zh" | "zh-CN" | "cn" => Some(Lang::Zh),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }

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
    let unit = &book.unit.name;
    let mut out = String::new();
    let _ = match lang {
        Lang::Zh => writeln!(out, "成员 {member}：合计 {} {unit}", row.total),
        Lang::En => writeln!(out, "Member {member}: {} {unit} in total", row.total),
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
    if row.periods.is_empty() {
        let _ = match lang {
            Lang::Zh => writeln!(out, "\n本期没有得分记录。"),
            Lang::En => writeln!(out, "\nNo awards in this range."),
        };
    }
    Some(out)
}

/// One award as a sentence: date, rule, points, formula, cap, records.
pub fn sentence(book: &Rulebook, award: &AwardReport, lang: Lang) -> String {
    let unit = &book.unit.name;
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
    let mut text = match lang {
        Lang::Zh => format!(
            "{} {rule}：{} {unit}（{}）",
            award.date, award.points, award.explain
        ),
        Lang::En => format!(
            "{} {rule}: {} {unit} — {}",
            award.date, award.points, award.explain
        ),
    };
    if let Some(withheld) = &award.withheld {
        let cap = cap_phrase(&withheld.cap, lang);
        let _ = match lang {
            Lang::Zh => write!(text, "；{cap}，未计 {} {unit}", withheld.points),
            Lang::En => write!(text, "; {cap} held back {} {unit}", withheld.points),
        };
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

/// `month 200` → "the month cap of 200" / "已达月上限 200"; `day min -10` → a floor.
fn cap_phrase(label: &str, lang: Lang) -> String {
    let (per, bound) = label.split_once(' ').unwrap_or((label, ""));
    let (floor, bound) = match bound.strip_prefix("min ") {
        Some(min) => (true, min),
        None => (false, bound),
    };
    match lang {
        Lang::En => format!("the {per} {} of {bound}", if floor { "floor" } else { "cap" }),
        Lang::Zh => {
            let per = match per {
                "day" => "日",
                "week" => "周",
                "month" => "月",
                "quarter" => "季度",
                "year" => "年度",
                "lifetime" => "累计",
                other => other,
            };
            format!("已达{per}{} {bound}", if floor { "下限" } else { "上限" })
        }
    }
}
