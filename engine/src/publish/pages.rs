//! The board's pages: the index (rulebook, ranking, index grades, ledger head) and
//! one page per member (awards as sentences, indexes, unscored records, balance).

use std::fmt::Write;

use super::PublishOptions;
use super::html::{Ink, escape, page};
use super::words::Words;
use crate::book::Rulebook;
use crate::calendar::Per;
use crate::explain::{index_sentence, sentence};
use crate::rank::{Ranking, label_per};
use crate::report::{MemberReport, Report};

/// What every page of one board shares.
pub(crate) struct Board<'a> {
    pub book: &'a Rulebook,
    pub report: &'a Report,
    pub options: &'a PublishOptions,
    pub words: Words,
    pub ink: Ink,
    /// Digits of the member page numbers (`member-007.html` among 120).
    pub width: usize,
}

impl Board<'_> {
    /// `member-NNN.html`: numbered by the member's place in the report, so that no
    /// file name carries a name.
    pub fn member_file(&self, position: usize) -> String {
        format!("member-{:0width$}.html", position + 1, width = self.width)
    }

    fn member_link(&self, member: &str) -> String {
        let name = self.ink.text(member);
        match self
            .report
            .members
            .binary_search_by(|m| m.member.as_str().cmp(member))
        {
            Ok(position) => format!("<a href=\"{}\">{name}</a>", self.member_file(position)),
            Err(_) => name,
        }
    }

    fn title(&self) -> String {
        self.ink.text(self.book.title.as_deref().unwrap_or(&self.book.id))
    }

    /// Version, digest, range, as-of and period, as a line of terms.
    fn meta(&self) -> String {
        let w = &self.words;
        let r = self.report;
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
        let period = match &self.options.period {
            Some(label) => self.ink.text(label),
            None => w.whole_range.to_owned(),
        };
        format!(
            "<dl class=\"meta\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} – {}</dd><dt>{}</dt><dd>{}</dd>\
             <dt>{}</dt><dd>{period}</dd><dt>{}</dt><dd class=\"digest\">{}</dd></dl>\n",
            w.version,
            self.ink.text(&r.rulebook.version),
            w.range,
            date(r.range.from),
            date(r.range.to),
            w.as_of,
            date(r.as_of),
            w.period,
            w.digest,
            self.ink.text(&r.rulebook.digest),
        )
    }

    fn header(&self, heading: &str, subtitle: &str) -> String {
        format!(
            "<header>\n<h1>{heading}</h1>\n<p>{subtitle}</p>\n{}</header>\n",
            self.meta()
        )
    }

    fn footer(&self) -> String {
        format!("<footer>{}</footer>\n", self.words.footer)
    }

    fn provisional(&self, provisional: bool) -> String {
        if provisional {
            format!(" <span class=\"tag\">{}</span>", self.words.provisional)
        } else {
            String::new()
        }
    }

    pub fn index_page(&self, ranking: &Ranking, indexes: &[Ranking]) -> String {
        let w = &self.words;
        let unit = self.ink.text(&self.book.unit.name);
        let mut body = self.header(&self.title(), &format!("{} · {}", w.notice, w.ranking));
        let balances = self.options.ledger.as_ref().map(|l| &l.balances);
        if let Some(ledger) = &self.options.ledger {
            let head = match &ledger.head {
                Some(head) => format!("<span class=\"head\">{}</span>", escape(head)),
                None => w.no_head.to_owned(),
            };
            let _ = writeln!(
                body,
                "<p class=\"meta\"><strong>{}</strong> {head}</p>",
                w.ledger_head
            );
        }
        let _ = writeln!(body, "<h2>{}</h2>", w.ranking);
        if ranking.rows.is_empty() {
            let _ = writeln!(body, "<p>{}</p>", w.nobody);
        } else {
            let _ = write!(
                body,
                "<table class=\"ranking\">\n<thead><tr><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{} ({unit})</th>",
                w.rank, w.member, w.points
            );
            if balances.is_some() {
                let _ = write!(body, "<th class=\"num\">{}</th>", w.balance);
            }
            body.push_str("</tr></thead>\n<tbody>\n");
            for row in &ranking.rows {
                let class = if row.rank == 1 { " class=\"top1\"" } else { "" };
                let _ = write!(
                    body,
                    "<tr{class}><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}{}</td>",
                    row.rank,
                    self.member_link(&row.member),
                    row.points,
                    self.provisional(row.provisional)
                );
                if let Some(balances) = balances {
                    let balance = balances
                        .get(&row.member)
                        .map_or("—".to_owned(), |b| b.to_string());
                    let _ = write!(body, "<td class=\"num\">{balance}</td>");
                }
                body.push_str("</tr>\n");
            }
            body.push_str("</tbody>\n</table>\n");
        }
        if !indexes.is_empty() {
            let _ = writeln!(body, "<h2>{}</h2>", w.indexes);
        }
        for index in indexes {
            self.index_table(&mut body, index);
        }
        self.rules_table(&mut body);
        body.push_str(&self.footer());
        page(w.lang, &format!("{} · {}", self.title(), w.notice), &body)
    }

    fn index_table(&self, body: &mut String, index: &Ranking) {
        let w = &self.words;
        let name = index
            .title
            .as_deref()
            .unwrap_or(index.by.trim_start_matches("index:"));
        let period = index.period.as_deref().unwrap_or("—");
        let _ = writeln!(
            body,
            "<h3>{} · {}</h3>",
            self.ink.text(name),
            self.ink.text(period)
        );
        if index.rows.is_empty() {
            let _ = writeln!(body, "<p>{}</p>", w.nobody);
            return;
        }
        let _ = writeln!(
            body,
            "<table class=\"index\">\n<thead><tr><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            w.rank, w.member, w.score, w.grade, w.veto
        );
        for row in &index.rows {
            let veto = row.veto.as_ref().map_or(String::new(), |v| {
                format!("<span class=\"veto\">{}</span>", self.ink.text(&v.reason))
            });
            let _ = writeln!(
                body,
                "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}{}</td><td>{}</td><td>{veto}</td></tr>",
                row.rank,
                self.member_link(&row.member),
                row.points,
                self.provisional(row.provisional),
                self.ink.text(row.grade.as_deref().unwrap_or("—")),
            );
        }
        body.push_str("</tbody>\n</table>\n");
    }

    /// Every rule with its title and the dates it is in force.
    fn rules_table(&self, body: &mut String) {
        let w = &self.words;
        let _ = writeln!(
            body,
            "<h2>{}</h2>\n<table class=\"rules\">\n<thead><tr><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            w.rules, w.rule, w.effective
        );
        for rule in &self.book.rules {
            let name = match &rule.title {
                Some(title) => format!(
                    "{} <small>({})</small>",
                    self.ink.text(title),
                    self.ink.text(&rule.id)
                ),
                None => self.ink.text(&rule.id),
            };
            let effective = match (rule.effective.from, rule.effective.to) {
                (None, None) => w.always.to_owned(),
                (from, to) => format!(
                    "{} – {}",
                    from.map(|d| d.to_string()).unwrap_or_default(),
                    to.map(|d| d.to_string()).unwrap_or_default()
                ),
            };
            let _ = writeln!(body, "<tr><td>{name}</td><td>{effective}</td></tr>");
        }
        body.push_str("</tbody>\n</table>\n");
    }

    /// The window of `--period`, to keep a member page to the awards in it.
    fn window(&self) -> Option<(&str, Per)> {
        let label = self.options.period.as_deref()?;
        Some((label, label_per(label)?))
    }

    pub fn member_page(&self, member: &MemberReport) -> String {
        let w = &self.words;
        let lang = self.options.lang;
        let unit = &self.book.unit.name;
        let name = self.ink.text(&member.member);
        let mut body = format!("<nav><a href=\"index.html\">← {}</a></nav>\n", w.back);
        body.push_str(&self.header(&name, &format!("{} · {}", self.title(), w.notice)));
        let window = self.window();
        let in_window =
            |date: jiff::civil::Date| window.is_none_or(|(label, per)| per.label(per.window(date)) == label);
        let total: rust_decimal::Decimal = match window {
            None => member.total,
            Some(_) => member
                .periods
                .iter()
                .flat_map(|p| &p.awards)
                .filter(|a| in_window(a.date))
                .map(|a| a.points)
                .sum(),
        };
        let _ = write!(
            body,
            "<p><strong>{}</strong> {} {}",
            w.total,
            total,
            self.ink.text(unit)
        );
        if let Some(ledger) = &self.options.ledger {
            let balance = ledger
                .balances
                .get(&member.member)
                .map_or("—".to_owned(), |b| format!("{b} {}", self.ink.text(unit)));
            let _ = write!(body, " · <strong>{}</strong> {balance}", w.balance);
        }
        body.push_str("</p>\n");
        let _ = writeln!(body, "<h2>{}</h2>", w.awards);
        let mut any = false;
        for period in &member.periods {
            let awards: Vec<_> = period.awards.iter().filter(|a| in_window(a.date)).collect();
            if awards.is_empty() {
                continue;
            }
            any = true;
            let _ = writeln!(
                body,
                "<h3>{}: {} {}</h3>\n<ol class=\"awards\">",
                self.ink.text(&period.period),
                period.total,
                self.ink.text(unit)
            );
            for award in awards {
                let _ = writeln!(
                    body,
                    "<li>{}</li>",
                    self.ink.text(&sentence(self.book, award, lang))
                );
            }
            body.push_str("</ol>\n");
        }
        if !any {
            let _ = writeln!(body, "<p>{}</p>", w.no_awards);
        }
        let indexes: Vec<_> = member
            .indexes
            .iter()
            .filter(|i| self.options.period.as_ref().is_none_or(|p| *p == i.period))
            .collect();
        if !indexes.is_empty() {
            // An index sentence has a line per dimension: kept as lines (CSS pre-line).
            let _ = writeln!(body, "<h2>{}</h2>\n<ul class=\"indexes\">", w.indexes);
            for index in indexes {
                let class = if index.veto.is_some() {
                    " class=\"veto\""
                } else {
                    ""
                };
                let _ = writeln!(
                    body,
                    "<li{class}>{}</li>",
                    self.ink.text(&index_sentence(self.book, index, lang))
                );
            }
            body.push_str("</ul>\n");
        }
        self.unscored(&mut body, member, &in_window);
        body.push_str(&self.footer());
        page(w.lang, &format!("{name} · {}", self.title()), &body)
    }

    /// Why records earned nothing, when the report says (`unscored`, asked for with
    /// why-not). Read through serde so that a report without it shows nothing.
    fn unscored(
        &self,
        body: &mut String,
        member: &MemberReport,
        in_window: &dyn Fn(jiff::civil::Date) -> bool,
    ) {
        let value = serde_json::to_value(member).unwrap_or_default();
        let Some(items) = value.get("unscored").and_then(|u| u.as_array()) else {
            return;
        };
        let mut lines = Vec::new();
        for item in items {
            let date = item.get("date").and_then(|d| d.as_str()).unwrap_or("");
            if let Ok(d) = date.parse::<jiff::civil::Date>()
                && !in_window(d)
            {
                continue;
            }
            let record = match item.get("record") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let reasons: Vec<String> = item
                .get("reasons")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
                .map(|r| {
                    let rule = r.get("rule").and_then(|x| x.as_str()).unwrap_or("");
                    let title = self
                        .book
                        .rules
                        .iter()
                        .find(|x| x.id == rule)
                        .and_then(|x| x.title.as_deref())
                        .unwrap_or(rule);
                    let why = r.get("why").and_then(|x| x.as_str()).unwrap_or("");
                    format!("{title}: {why}")
                })
                .collect();
            lines.push(format!("{date} {record} — {}", reasons.join("; ")));
        }
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(body, "<h2>{}</h2>\n<ul class=\"unscored\">", self.words.unscored);
        for line in lines {
            let _ = writeln!(body, "<li>{}</li>", self.ink.text(&line));
        }
        body.push_str("</ul>\n");
    }
}
