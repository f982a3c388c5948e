//! What a statement says about each transaction, in Chinese or English: the
//! rulebook's language unless `--lang` asks for another.

use rust_decimal::Decimal;

use super::model::{Adjustment, Source};
use crate::words::Lang;

/// One line for people: `good-deed: 5.0 points [a]: …` / `good-deed：5.0 分 [a]：…`.
pub fn describe(source: &Source, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match source {
        Source::Earn {
            rule,
            records,
            explain,
            points,
            rate,
            earned,
            adjust,
            title,
            ..
        } => {
            // Residents read titles; in English the id follows, for auditors.
            let rule = match (title, zh) {
                (Some(title), true) => title.clone(),
                (Some(title), false) => format!("{title} · {rule}"),
                (None, _) => rule.clone(),
            };
            let rule = rule.as_str();
            let rate = if *rate == Decimal::ONE {
                String::new()
            } else {
                format!(" × {rate}")
            };
            let on = earned
                .map(|d| {
                    if zh {
                        format!("（{d} 所得）")
                    } else {
                        format!(" (earned {d})")
                    }
                })
                .unwrap_or_default();
            // A first earning's date shows in the statement's `earned` column.
            match (zh, adjust) {
                (true, None) => format!("{rule}：{points} 分{rate} [{}]：{explain}", records.join(", ")),
                (false, None) => format!(
                    "{rule}: {points} points{rate} [{}]: {explain}",
                    records.join(", ")
                ),
                (_, Some(adjust)) => adjustment(rule, adjust, &on, zh),
            }
        }
        Source::Redeem {
            item: Some(item),
            title,
            partner,
            ..
        } => {
            let title = title.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
            match (zh, partner) {
                (true, Some(p)) => format!("在 {p} 兑换 {item}{title}"),
                (true, None) => format!("兑换 {item}{title}"),
                (false, Some(p)) => format!("redeemed {item}{title} at {p}"),
                (false, None) => format!("redeemed {item}{title}"),
            }
        }
        Source::Redeem { partner, .. } => match (zh, partner) {
            (true, Some(p)) => format!("在 {p} 兑换积分"),
            (true, None) => "兑换积分".to_owned(),
            (false, Some(p)) => format!("redeemed an amount at {p}"),
            (false, None) => "redeemed an amount".to_owned(),
        },
        Source::Transfer { from, to, note } => {
            let note = note
                .as_deref()
                .map(|n| if zh { format!("：{n}") } else { format!(": {n}") });
            let note = note.unwrap_or_default();
            if zh {
                format!("{from} 转赠 {to}{note}")
            } else {
                format!("transfer from {from} to {to}{note}")
            }
        }
        Source::Reverse { txn, reason, .. } => {
            if zh {
                format!("冲正 #{txn}：{reason}")
            } else {
                format!("reversal of #{txn}: {reason}")
            }
        }
        Source::Expire { as_of, .. } => {
            if zh {
                format!("截至 {as_of} 过期的积分")
            } else {
                format!("credits expired as of {as_of}")
            }
        }
    }
}

fn adjustment(rule: &str, adjust: &Adjustment, on: &str, zh: bool) -> String {
    let why: Vec<&str> = adjust
        .why
        .iter()
        .map(|w| match (zh, w.as_str()) {
            (true, "late-record") => "补录记录",
            (true, "corrected-record") => "记录更正",
            (true, "removed-record") => "记录删除",
            (true, "changed-rule") => "规则变更",
            (false, "late-record") => "late record",
            (false, "corrected-record") => "corrected record",
            (false, "removed-record") => "removed record",
            (false, "changed-rule") => "changed rule",
            (_, other) => other,
        })
        .collect();
    let list = |ids: &[String]| ids.join(", ");
    let mut changed = Vec::new();
    if !adjust.added.is_empty() {
        changed.push(if zh {
            format!("新增 {}", list(&adjust.added))
        } else {
            format!("added {}", list(&adjust.added))
        });
    }
    if !adjust.removed.is_empty() {
        changed.push(if zh {
            format!("去掉 {}", list(&adjust.removed))
        } else {
            format!("removed {}", list(&adjust.removed))
        });
    }
    let changed = if changed.is_empty() {
        String::new()
    } else {
        format!(" [{}]", changed.join("; "))
    };
    if zh {
        format!(
            "调整 {rule}{on}：{} → {}（{}）{changed}",
            adjust.was,
            adjust.now,
            why.join("、")
        )
    } else {
        format!(
            "adjustment of {rule}{on}: {} → {} ({}){changed}",
            adjust.was,
            adjust.now,
            why.join(", ")
        )
    }
}
