//! The engine's words in both languages: [`Lang`] and the phrases inside award
//! explanations ([`Words`]).
//!
//! A leaf: rule kinds write their explanations with these words while they
//! evaluate, and the sentences of `explain` use them too; keeping them here lets
//! both import them without importing each other.

/// The language of explanations. Rulebook titles are shown as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Chinese (`zh`).
    Zh,
    /// English (`en`).
    En,
}

impl Lang {
    /// A language by name (`zh`, `zh-CN`, `cn`, `en`, `en-US`, `en-GB`); `None` for
    /// any other (see [`crate::parse_lang`] for the coded error front ends give).
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
