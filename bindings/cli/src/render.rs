//! Rendering a report for people (a table) and for spreadsheets (CSV), reading its
//! members as they come: only the rows are kept, never the explanations.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use merit::Rulebook;
use merit::report::MemberReport;
use merit::stream::ReportStream;

/// One row per member and period, a column per rule, then totals.
pub fn table<S: ReportStream + ?Sized>(
    book: &Rulebook,
    report: &mut S,
    color: bool,
) -> Result<String, S::Error> {
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
    let mut members = 0;
    report.each_member(&mut |member| {
        members += 1;
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
        true
    })?;
    for column in table.column_iter_mut().skip(2) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    let head = report.head();
    let mut out = format!("{table}\n");
    out.push_str(&format!(
        "{members} member(s), {} .. {} (as of {}); {} rejected, {} unmatched\n",
        head.range.from.map(|d| d.to_string()).unwrap_or_default(),
        head.range.to.map(|d| d.to_string()).unwrap_or_default(),
        head.as_of.map(|d| d.to_string()).unwrap_or_default(),
        report.rejected().len(),
        report.unmatched()
    ));
    out.push_str(&rejected_rows(report.rejected()));
    Ok(out)
}

/// The rejected rows a table shows under it, with their reasons.
const REJECTED_SHOWN: usize = 10;

/// The first rejected records, one line each with the reason, so that fixing the
/// data needs no second run with `--format json`.
fn rejected_rows(rejected: &[merit::record::Rejected]) -> String {
    let mut out = String::new();
    for r in rejected.iter().take(REJECTED_SHOWN) {
        let source = r.source.as_deref().map(|s| format!("{s} ")).unwrap_or_default();
        let id =
            r.id.as_deref()
                .map(|id| format!(" (id {id})"))
                .unwrap_or_default();
        out.push_str(&format!(
            "  rejected {source}record {}{id}: {}\n",
            r.record, r.error
        ));
    }
    if rejected.len() > REJECTED_SHOWN {
        out.push_str(&format!(
            "  … and {} more (all are listed with --format json)\n",
            rejected.len() - REJECTED_SHOWN
        ));
    }
    out
}

/// `member,period,rule,points` rows, with `total` rows per period and per member,
/// written as the members come.
pub fn csv<S: ReportStream + ?Sized>(out: impl Write, report: &mut S) -> Result<(), S::Error> {
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(["member", "period", "rule", "points"])
        .map_err(std::io::Error::from)?;
    let mut written = Ok(());
    report.each_member(&mut |member| {
        written = write_member(&mut writer, &member);
        written.is_ok()
    })?;
    written.map_err(std::io::Error::from)?;
    writer.flush()?;
    Ok(())
}

fn write_member(writer: &mut csv::Writer<impl Write>, member: &MemberReport) -> csv::Result<()> {
    let id = member.member.as_str();
    for period in &member.periods {
        let label = period.period.as_str();
        for (rule, points) in &period.rules {
            writer.write_record([id, label, rule, &points.to_string()])?;
        }
        writer.write_record([id, label, "total", &period.total.to_string()])?;
    }
    writer.write_record([id, "total", "total", &member.total.to_string()])
}
