//! Rendering a report for people (a table) and for spreadsheets (CSV).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use merit::Report;
use merit::Rulebook;

/// One row per member and period, a column per rule, then totals.
pub fn table(book: &Rulebook, report: &Report, color: bool) -> String {
    let mut rule_ids: Vec<&str> = Vec::new();
    for rule in &book.rules {
        if !rule_ids.contains(&rule.id.as_str()) {
            rule_ids.push(&rule.id);
        }
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    if !color {
        table.force_no_tty();
    }
    let mut header = vec!["member".to_owned(), "period".to_owned()];
    header.extend(rule_ids.iter().map(|id| id.to_string()));
    header.push(format!("total ({})", book.unit.name));
    table.set_header(header);
    for member in &report.members {
        for period in &member.periods {
            let mut row = vec![member.member.clone(), period.period.clone()];
            for id in &rule_ids {
                let cell = period
                    .rules
                    .iter()
                    .find(|(r, _)| r == id)
                    .map(|(_, p)| p.to_string());
                row.push(cell.unwrap_or_default());
            }
            row.push(period.total.to_string());
            table.add_row(row);
        }
        let mut row = vec![member.member.clone(), "total".to_owned()];
        row.extend(rule_ids.iter().map(|_| String::new()));
        row.push(member.total.to_string());
        table.add_row(row);
    }
    for column in table.column_iter_mut().skip(2) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    let mut out = format!("{table}\n");
    out.push_str(&format!(
        "{} member(s), {} .. {} (as of {}); {} rejected, {} unmatched\n",
        report.members.len(),
        report.range.from.map(|d| d.to_string()).unwrap_or_default(),
        report.range.to.map(|d| d.to_string()).unwrap_or_default(),
        report.as_of.map(|d| d.to_string()).unwrap_or_default(),
        report.rejected.len(),
        report.unmatched
    ));
    out
}

/// `member,period,rule,points` rows, with `total` rows per period and per member.
pub fn csv(report: &Report) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<[String; 4]> = vec![["member", "period", "rule", "points"].map(String::from)];
    for member in &report.members {
        for period in &member.periods {
            for (rule, points) in &period.rules {
                rows.push([
                    member.member.clone(),
                    period.period.clone(),
                    rule.clone(),
                    points.to_string(),
                ]);
            }
            rows.push([
                member.member.clone(),
                period.period.clone(),
                "total".into(),
                period.total.to_string(),
            ]);
        }
        rows.push([
            member.member.clone(),
            "total".into(),
            "total".into(),
            member.total.to_string(),
        ]);
    }
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(&row);
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}
