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

    /// The words heading a report's table and CSV columns: member, period, rule,
    /// points, total.
    pub fn headings(self) -> [&'static str; 6] {
        match self {
            Lang::Zh => ["成员", "周期", "规则", "积分", "等级", "合计"],
            Lang::En => ["member", "period", "rule", "points", "grade", "total"],
        }
    }

    /// The line under a report's table.
    pub fn summary(
        self,
        members: usize,
        from: &str,
        to: &str,
        as_of: &str,
        rejected: usize,
        unmatched: u64,
    ) -> String {
        match self {
            Lang::Zh => format!(
                "{members} 名成员，{from} 至 {to}（截至 {as_of}）；{rejected} 条记录被拒，{unmatched} 条记录无规则匹配"
            ),
            Lang::En => format!(
                "{members} member(s), {from} .. {to} (as of {as_of}); {rejected} rejected, {unmatched} unmatched"
            ),
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

/// The engine's phrases inside award explanations, in both languages. Formulas and
/// rule titles stay as written; only the words around them change.
#[derive(Clone, Copy, Debug)]
pub struct Words(pub Lang);

impl Words {
    /// The unit as a sentence in this language names it: a unit written in Chinese
    /// (`积分`) reads `points` in English.
    pub fn unit(self, name: &str) -> String {
        let chinese = name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        match self.0 {
            Lang::En if chinese || name.is_empty() => "points".to_owned(),
            _ => name.to_owned(),
        }
    }

    /// ` → 40 分`: the points a templated sentence ends with.
    pub fn points(self, points: rust_decimal::Decimal, unit: &str) -> String {
        format!(" → {} {unit}", crate::value::DecimalText(points.normalize()))
    }

    /// Why not: the first condition of `when` that was not true, with its values.
    pub fn condition_failed(self, condition: &str, shown: &str) -> String {
        let shown = if shown == condition {
            String::new()
        } else {
            shown.to_owned()
        };
        match (self.0, shown.is_empty()) {
            (Lang::Zh, true) => format!("不满足条件 `{condition}`"),
            (Lang::Zh, false) => format!("不满足条件 `{condition}`：{shown}"),
            (Lang::En, true) => format!("`{condition}` does not hold"),
            (Lang::En, false) => format!("`{condition}` does not hold: {shown}"),
        }
    }

    /// Between items of a list in a sentence: `，` / `, `.
    pub fn list_separator(self) -> &'static str {
        match self.0 {
            Lang::Zh => "，",
            Lang::En => ", ",
        }
    }

    /// Why not: a table with no row for these inputs.
    pub fn no_row(self, inputs: &str) -> String {
        match self.0 {
            Lang::Zh => format!("表中没有匹配的行：{inputs}"),
            Lang::En => format!("no row of the table matches {inputs}"),
        }
    }

    /// Why not: the formula gave 0.
    pub fn zero_points(self, short: &str) -> String {
        match self.0 {
            Lang::Zh => format!("计算得 0 分：{short}"),
            Lang::En => format!("the formula gives 0: {short}"),
        }
    }

    /// Why not: a cap held back every point (`已达月上限 200`).
    pub fn capped(self, cap: &str) -> String {
        let cap = cap_phrase(cap, self.0);
        match self.0 {
            Lang::Zh => format!("{cap}，不再计分"),
            Lang::En => format!("{cap} was reached; nothing more counts"),
        }
    }

    /// `；已达月上限 200，未计 15 分` / `; the month cap of 200 held back 15 points`.
    pub fn withheld(self, cap: &str, points: rust_decimal::Decimal, unit: &str) -> String {
        let cap = cap_phrase(cap, self.0);
        let points = crate::value::DecimalText(points);
        match self.0 {
            Lang::Zh => format!("；{cap}，未计 {points} {unit}"),
            Lang::En => format!("; {cap} held back {points} {unit}"),
        }
    }

    /// `→ 0 (`hours` missing)`.
    pub fn missing(self, fields: &[String], result_is_null: bool) -> String {
        let names: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
        let zero = if result_is_null { " → 0" } else { "" };
        match (self.0, names.is_empty()) {
            (_, true) => zero.to_owned(),
            (Lang::En, false) => format!("{zero} ({} missing)", names.join(", ")),
            (Lang::Zh, false) => format!("{zero}（缺少 {}）", names.join("、")),
        }
    }

    /// `row 2 [-, >= 60] → 5`.
    pub fn table_row(self, row: usize, cells: &str, outcome: &str) -> String {
        match self.0 {
            Lang::En => format!("row {row} [{cells}] → {outcome}"),
            Lang::Zh => format!("第 {row} 行 [{cells}] → {outcome}"),
        }
    }

    /// `sum = 4` / `max = 3` after several rows matched.
    pub fn table_total(self, sum: bool, value: &str) -> String {
        match (self.0, sum) {
            (Lang::En, true) => format!("sum = {value}"),
            (Lang::En, false) => format!("max = {value}"),
            (Lang::Zh, true) => format!("合计 = {value}"),
            (Lang::Zh, false) => format!("取最大 = {value}"),
        }
    }

    /// `count(…)=4 in 2026`.
    pub fn measure(self, measured: &str, value: &str, window: &str) -> String {
        match self.0 {
            Lang::En => format!("{measured}={value} in {window}"),
            Lang::Zh => format!("{window} {measured}={value}"),
        }
    }

    /// `tier at 3 → 10 (next tier at 10 → 40)`.
    pub fn tier(self, at: &str, points: &str, next: Option<(String, String)>) -> String {
        let mut text = match self.0 {
            Lang::En => format!("tier at {at} → {points}"),
            Lang::Zh => format!("达到 {at} 档 → {points}"),
        };
        if let Some((at, points)) = next {
            text.push_str(&match self.0 {
                Lang::En => format!(" (next tier at {at} → {points})"),
                Lang::Zh => format!("（下一档 {at} → {points}）"),
            });
        }
        text
    }

    /// `3 consecutive months with at least 1 `kind == "good_deed"`: 2026-01, … → 10`.
    pub fn streak(
        self,
        length: u32,
        every: &str,
        min: u32,
        when: &str,
        windows: &str,
        points: &str,
    ) -> String {
        match self.0 {
            Lang::En => {
                format!("{length} consecutive {every}s with at least {min} `{when}`: {windows} → {points}")
            }
            Lang::Zh => {
                let unit = match every {
                    "day" => "天",
                    "week" => "周",
                    "month" => "个月",
                    "quarter" => "个季度",
                    _ => "年",
                };
                format!("连续 {length} {unit}每期至少 {min} 条 `{when}`：{windows} → {points}")
            }
        }
    }

    /// The Bayesian average, spelled out so that a member can redo it.
    #[allow(clippy::too_many_arguments)]
    pub fn rating(
        self,
        n: &str,
        window: &str,
        mean: &str,
        prior_mean: &str,
        prior_weight: &str,
        sum: &str,
        score: &str,
        points: &str,
    ) -> String {
        match self.0 {
            Lang::En => format!(
                "{n} rating(s) in {window}, mean {mean}; Bayesian average with prior {prior_mean} × {prior_weight}: \
                 ({prior_mean} × {prior_weight} + {sum}) / ({prior_weight} + {n}) = {score}; {points}"
            ),
            Lang::Zh => format!(
                "{window} 共 {n} 条评价，平均 {mean}；贝叶斯平均（先验 {prior_mean} × {prior_weight}）：\
                 ({prior_mean} × {prior_weight} + {sum}) / ({prior_weight} + {n}) = {score}；{points}"
            ),
        }
    }

    /// The Bayesian average in short: `4 rating(s) in 2026-Q1, mean 4.75, Bayesian average 4.3333 → 13.333`.
    pub fn rating_short(self, n: &str, window: &str, mean: &str, score: &str, points: &str) -> String {
        match self.0 {
            Lang::En => {
                format!("{n} rating(s) in {window}, mean {mean}, Bayesian average {score} → {points}")
            }
            Lang::Zh => format!("{window} 共 {n} 条评价，平均 {mean}，贝叶斯平均 {score} → {points}"),
        }
    }

    /// `count 3 in 2026: ` / `2026 共 3 条：`, before a tier or a formula.
    pub fn measure_short(self, measure: &str, value: &str, window: &str) -> String {
        match (self.0, measure) {
            (Lang::En, _) => format!("{measure} {value} in {window}: "),
            (Lang::Zh, "count") => format!("{window} 共 {value} 条："),
            (Lang::Zh, "sum") => format!("{window} 合计 {value}："),
            (Lang::Zh, _) => format!("{window} 平均 {value}："),
        }
    }

    /// `连续 6 个月（2026-05 … 2026-10）→ 15`.
    pub fn streak_short(self, length: u32, every: &str, windows: &str, points: &str) -> String {
        match self.0 {
            Lang::En => format!("{length} {every}s in a row ({windows}) → {points}"),
            Lang::Zh => {
                let unit = match every {
                    "day" => "天",
                    "week" => "周",
                    "month" => "个月",
                    "quarter" => "个季度",
                    _ => "年",
                };
                format!("连续 {length} {unit}（{windows}）→ {points}")
            }
        }
    }

    /// Fewer ratings than `min_count`.
    pub fn too_few_ratings(self, n: usize, window: &str, min: u32) -> String {
        match self.0 {
            Lang::En => format!("{n} rating(s) in {window}, fewer than the {min} needed: no points"),
            Lang::Zh => format!("{window} 仅 {n} 条评价，少于所需的 {min} 条：不计分"),
        }
    }

    /// A script stopped by its limits.
    pub fn script_stopped(self, member: &str, error: &str) -> String {
        match self.0 {
            Lang::En => format!("script stopped for member `{member}`: {error}"),
            Lang::Zh => format!("脚本对成员 `{member}` 中止：{error}"),
        }
    }
}
