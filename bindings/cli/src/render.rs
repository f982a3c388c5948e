//! Rendering a report for people (a table) and for spreadsheets (CSV), reading its
//! members as they come: only the rows are kept, never the explanations.

use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use merit::DecimalText;
use merit::Lang;
use merit::MemberReport;
use merit::ReportStream;
use merit::Rulebook;
use merit::{csv_cell, terminal_line};
use rust_decimal::Decimal;

/// One row per member and period, a column per rule headed by its title, then
/// totals; headings and the summary line in `lang`.
pub fn table<S: ReportStream + ?Sized>(
    book: &Rulebook,
    report: &mut S,
    color: bool,
    lang: Lang,
) -> Result<String, S::Error> {
    let [member_word, period_word, _, _, _, total_word] = lang.headings();
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    for rule in book.rules() {
        if !rule_ids.contains(&rule.id) {
            rule_ids.push(rule.id);
            titles.push(rule.title.unwrap_or(rule.id).to_owned());
        }
    }
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    if !color {
        table.force_no_tty();
    }
    // Ids and names come from records and rulebooks: shown escaped.
    let shown = |text: &str| terminal_line(text).into_owned();
    let mut header = vec![member_word.to_owned(), period_word.to_owned()];
    header.extend(titles.iter().map(|title| shown(title)));
    header.push(format!("{total_word} ({})", shown(&book.unit.name)));
    header.extend(book.indexes().map(|i| shown(i.title.unwrap_or(i.id))));
    table.set_header(header);
    let mut members = 0;
    let mut failed = Vec::new();
    report.each_member(&mut |member| {
        members += 1;
        failed.extend(failed_awards(&member));
        let mut rows = Vec::new();
        for period in &member.periods {
            let mut row = vec![shown(&member.member), shown(&period.period)];
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
        let mut row = vec![shown(&member.member), total_word.to_owned()];
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
    out.push_str(&lang.summary(
        members,
        &head.range.from.map(|d| d.to_string()).unwrap_or_default(),
        &head.range.to.map(|d| d.to_string()).unwrap_or_default(),
        &head.as_of.map(|d| d.to_string()).unwrap_or_default(),
        report.rejected().len(),
        report.unmatched(),
    ));
    out.push('\n');
    out.push_str(&rejected_rows(report.rejected()));
    out.push_str(&failed_rows(&failed));
    Ok(out)
}

/// A member's failed awards, one line each: `period rule: why` (the why names the
/// member).
fn failed_awards(member: &MemberReport) -> Vec<String> {
    let mut lines = Vec::new();
    for period in &member.periods {
        for award in &period.awards {
            if let Some(why) = &award.failed {
                lines.push(terminal_line(&format!("{} `{}`: {why}", period.period, award.rule)).into_owned());
            }
        }
    }
    lines
}

/// The first failed awards under the table, as rejected records are: a failed
/// award counts 0, which alone would look like a score.
fn failed_rows(failed: &[String]) -> String {
    let mut out = String::new();
    for line in failed.iter().take(REJECTED_SHOWN) {
        out.push_str(&format!("  failed award {line}\n"));
    }
    if failed.len() > REJECTED_SHOWN {
        out.push_str(&format!(
            "  … and {} more failed awards (all are marked `failed` with --format json)\n",
            failed.len() - REJECTED_SHOWN
        ));
    }
    out
}

/// The rejected rows a table shows under it, with their reasons.
const REJECTED_SHOWN: usize = 10;

/// The first rejected records, one line each with the reason, so that fixing the
/// data needs no second run with `--format json`.
fn rejected_rows(rejected: &[merit::Rejected]) -> String {
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

/// Each index of the member as a cell `score grade` (and the veto's reason) in the
/// index's column: on the row of the same period label, or on a row of its own
/// when the index's window is not a row of the report (a quarter among months).
fn index_cells(book: &Rulebook, member: &MemberReport, rules: usize, rows: &mut Vec<Vec<String>>) {
    let first = 2 + rules + 1;
    for index in &member.indexes {
        let Some(column) = book.indexes().position(|i| i.id == index.index) else {
            continue;
        };
        let mut cell = format!("{} {}", index.score, index.grade.as_deref().unwrap_or(""));
        if let Some(veto) = &index.veto {
            cell.push_str(&format!(" ({})", veto.reason));
        }
        let period = terminal_line(&index.period).into_owned();
        let row = match rows.iter().position(|r| r[1] == period) {
            Some(row) => row,
            None => {
                let mut row = vec![terminal_line(&member.member).into_owned(), period];
                row.resize(first, String::new());
                rows.push(row);
                rows.len() - 1
            }
        };
        rows[row].resize(first + book.indexes().len(), String::new());
        rows[row][first + column] = terminal_line(cell.trim_end()).into_owned();
    }
}

/// `member,period,rule,points,grade` rows (headed in `lang`; rule ids as in JSON),
/// with `total` rows per period and per member, written as the members come; an
/// index is a row of its window with its id as `rule`, its score as `points` and
/// its grade. A rule whose award failed says `failed: why` in the last column of
/// its row (the points stay a number). With `excel`, a UTF-8 BOM and CRLF line ends.
pub fn csv<S: ReportStream + ?Sized>(
    out: impl Write,
    report: &mut S,
    lang: Lang,
    excel: bool,
) -> Result<(), S::Error> {
    let mut writer = crate::output::csv_writer(out, excel)?;
    writer
        .write_record(&lang.headings()[..5])
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

/// `points` as the report writes it, in `buffer`.
fn figure(buffer: &mut String, points: Decimal) -> &str {
    buffer.clear();
    DecimalText(points).push_to(buffer);
    buffer
}

/// Text cells go through [`csv_cell`] (no formula runs in a spreadsheet, no escape
/// reaches a terminal); points stay numbers, minus sign included.
fn write_member(writer: &mut csv::Writer<impl Write>, member: &MemberReport) -> csv::Result<()> {
    let id = csv_cell(&member.member);
    let id = id.as_ref();
    // One buffer for every figure of the member: two a row (rust_decimal's own
    // `to_string` was 5% of scoring the bench's million records into totals).
    let mut buffer = String::new();
    for period in &member.periods {
        let label = csv_cell(&period.period);
        let label = label.as_ref();
        for (rule, points) in &period.rules {
            let failed = crate::failed::reasons(period, rule);
            let failed = if failed.is_empty() {
                failed
            } else {
                csv_cell(&format!("failed: {failed}")).into_owned()
            };
            writer.write_record([id, label, &csv_cell(rule), figure(&mut buffer, *points), &failed])?;
        }
        writer.write_record([id, label, "total", figure(&mut buffer, period.total), ""])?;
    }
    for index in &member.indexes {
        let grade = csv_cell(index.grade.as_deref().unwrap_or(""));
        writer.write_record([
            id,
            &csv_cell(&index.period),
            &csv_cell(&index.index),
            &index.score.to_string(),
            &grade,
        ])?;
    }
    writer.write_record([id, "total", "total", figure(&mut buffer, member.total), ""])
}
