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
    header.extend(
        book.indexes
            .iter()
            .map(|i| i.title.clone().unwrap_or_else(|| i.id.clone())),
    );
    table.set_header(header);
    let mut members = 0;
    report.each_member(&mut |member| {
        members += 1;
        let mut rows = Vec::new();
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
            rows.push(row);
        }
        index_cells(book, &member, rule_ids.len(), &mut rows);
        for row in rows {
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
    Ok(out)
}

/// Each index of the member as a cell `score grade` (and the veto's reason) in the
/// index's column: on the row of the same period label, or on a row of its own
/// when the index's window is not a row of the report (a quarter among months).
fn index_cells(book: &Rulebook, member: &MemberReport, rules: usize, rows: &mut Vec<Vec<String>>) {
    let first = 2 + rules + 1;
    for index in &member.indexes {
        let Some(column) = book.indexes.iter().position(|i| i.id == index.index) else {
            continue;
        };
        let mut cell = format!("{} {}", index.score, index.grade.as_deref().unwrap_or(""));
        if let Some(veto) = &index.veto {
            cell.push_str(&format!(" ({})", veto.reason));
        }
        let row = match rows.iter().position(|r| r[1] == index.period) {
            Some(row) => row,
            None => {
                let mut row = vec![member.member.clone(), index.period.clone()];
                row.resize(first, String::new());
                rows.push(row);
                rows.len() - 1
            }
        };
        rows[row].resize(first + book.indexes.len(), String::new());
        rows[row][first + column] = cell.trim_end().to_owned();
    }
}

/// `member,period,rule,points,grade` rows, with `total` rows per period and per
/// member, written as the members come; an index is a row of its window with its
/// id as `rule`, its score as `points` and its grade. With `excel`, a UTF-8 BOM
/// and CRLF line ends.
pub fn csv<S: ReportStream + ?Sized>(out: impl Write, report: &mut S, excel: bool) -> Result<(), S::Error> {
    let mut writer = crate::output::csv_writer(out, excel)?;
    writer
        .write_record(["member", "period", "rule", "points", "grade"])
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
            writer.write_record([id, label, rule, &points.to_string(), ""])?;
        }
        writer.write_record([id, label, "total", &period.total.to_string(), ""])?;
    }
    for index in &member.indexes {
        let grade = index.grade.as_deref().unwrap_or("");
        writer.write_record([id, &index.period, &index.index, &index.score.to_string(), grade])?;
    }
    writer.write_record([id, "total", "total", &member.total.to_string(), ""])
}
