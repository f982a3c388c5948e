//! Excel workbooks (`--format xlsx`) for the office's own spreadsheets: the report
//! as sheets `totals`, `periods`, `awards`, `indexes`, `rejected` and `warnings`
//! (always there, as in JSON), and a ranking as one sheet `ranking`.
//!
//! Points are number cells, formatted with the unit's places (`0.0` for one
//! decimal), so that Excel sums them; dates are date cells. Headings are the
//! report's JSON keys, and a rule's column in `periods` is headed by its title.

use merit::Ranking;
use merit::Report;
use merit::Rulebook;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde_json::Value;

/// The report as a workbook's bytes.
pub fn report(book: &Rulebook, report: &Report) -> Result<Vec<u8>, String> {
    report_sheets(book, report).map_err(|e| format!("cannot write the workbook: {e}"))
}

/// A ranking as a workbook's bytes.
pub fn ranking(book: &Rulebook, ranking: &Ranking) -> Result<Vec<u8>, String> {
    ranking_sheet(book, ranking).map_err(|e| format!("cannot write the workbook: {e}"))
}

/// The cell formats of one workbook.
struct Formats {
    head: Format,
    points: Format,
    date: Format,
}

impl Formats {
    fn new(book: &Rulebook) -> Formats {
        let places = book.unit.decimals as usize;
        let points = if places == 0 {
            "0".to_owned()
        } else {
            format!("0.{}", "0".repeat(places))
        };
        Formats {
            head: Format::new().set_bold(),
            points: Format::new().set_num_format(points),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// A sheet with its heading row written, frozen below it.
fn sheet<'a>(
    workbook: &'a mut Workbook,
    name: &str,
    head: &[&str],
    formats: &Formats,
) -> Result<&'a mut Worksheet, XlsxError> {
    let sheet = workbook.add_worksheet().set_name(name)?;
    for (column, title) in head.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *title, &formats.head)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

/// A decimal as a number cell with the unit's places. The cell holds a double, as
/// every Excel number does; the text the report carries is its shortest form.
fn points(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: Decimal,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let number: f64 = value.to_string().parse().unwrap_or_default();
    sheet.write_number_with_format(row, column, number, &formats.points)?;
    Ok(())
}

fn date(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: jiff::civil::Date,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let cell = ExcelDateTime::from_ymd(value.year() as u16, value.month() as u8, value.day() as u8)?;
    sheet.write_datetime_with_format(row, column, &cell, &formats.date)?;
    Ok(())
}

fn report_sheets(book: &Rulebook, report: &Report) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new(book);
    let mut workbook = Workbook::new();

    let totals = sheet(&mut workbook, "totals", &["member", "total"], &formats)?;
    for (row, member) in (1..).zip(&report.members) {
        totals.write_string(row, 0, &member.member)?;
        points(totals, row, 1, member.total, &formats)?;
    }
    totals.set_column_width(0, 16)?;

    let mut rules: Vec<(&str, String)> = Vec::new();
    for rule in book.rules() {
        if !rules.iter().any(|(id, _)| *id == rule.id) {
            rules.push((rule.id, rule.title.unwrap_or(rule.id).to_owned()));
        }
    }
    let mut head = vec!["member", "period"];
    head.extend(rules.iter().map(|(_, title)| title.as_str()));
    head.push("total");
    let periods = sheet(&mut workbook, "periods", &head, &formats)?;
    let mut row = 1;
    for member in &report.members {
        for period in &member.periods {
            periods.write_string(row, 0, &member.member)?;
            periods.write_string(row, 1, &period.period)?;
            for (column, (id, _)) in (2..).zip(&rules) {
                if let Some((_, value)) = period.rules.iter().find(|(r, _)| r == id) {
                    points(periods, row, column, *value, &formats)?;
                }
            }
            points(periods, row, 2 + rules.len() as u16, period.total, &formats)?;
            row += 1;
        }
    }

    let head = [
        "member",
        "period",
        "date",
        "rule",
        "title",
        "points",
        "withheld",
        "cap",
        "provisional",
        "records",
        "explain",
    ];
    let awards = sheet(&mut workbook, "awards", &head, &formats)?;
    let mut row = 1;
    for member in &report.members {
        for period in &member.periods {
            for award in &period.awards {
                awards.write_string(row, 0, &member.member)?;
                awards.write_string(row, 1, &period.period)?;
                date(awards, row, 2, award.date, &formats)?;
                awards.write_string(row, 3, &award.rule)?;
                let title = book.rules().find(|r| r.id == award.rule).and_then(|r| r.title);
                awards.write_string(row, 4, title.unwrap_or(&award.rule))?;
                points(awards, row, 5, award.points, &formats)?;
                if let Some(withheld) = &award.withheld {
                    points(awards, row, 6, withheld.points, &formats)?;
                    awards.write_string(row, 7, &withheld.cap)?;
                }
                awards.write_boolean(row, 8, award.provisional)?;
                awards.write_string(row, 9, award.records.join(", "))?;
                awards.write_string(row, 10, &award.explain)?;
                row += 1;
            }
        }
    }
    awards.set_column_width(2, 11)?;
    awards.set_column_width(10, 60)?;

    let mut dimensions: Vec<String> = Vec::new();
    for index in book.indexes() {
        for dimension in index.dimensions() {
            if !dimensions.iter().any(|d| d == dimension) {
                dimensions.push(dimension.to_owned());
            }
        }
    }
    let mut head = vec![
        "member",
        "index",
        "period",
        "score",
        "grade",
        "veto",
        "provisional",
    ];
    head.extend(dimensions.iter().map(String::as_str));
    let indexes = sheet(&mut workbook, "indexes", &head, &formats)?;
    let mut row = 1;
    for member in &report.members {
        for index in &member.indexes {
            indexes.write_string(row, 0, &member.member)?;
            indexes.write_string(row, 1, &index.index)?;
            indexes.write_string(row, 2, &index.period)?;
            points(indexes, row, 3, index.score, &formats)?;
            indexes.write_string(row, 4, index.grade.as_deref().unwrap_or(""))?;
            if let Some(veto) = &index.veto {
                indexes.write_string(row, 5, &veto.reason)?;
            }
            indexes.write_boolean(row, 6, index.provisional)?;
            for (id, value) in &index.dimensions {
                if let Some(column) = dimensions.iter().position(|d| d == id) {
                    points(indexes, row, 7 + column as u16, *value, &formats)?;
                }
            }
            row += 1;
        }
    }

    let rejected: Vec<Value> = report
        .rejected
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .collect();
    objects(
        &mut workbook,
        "rejected",
        &["record", "id", "source", "error"],
        &rejected,
        &formats,
    )?;
    // Warnings (DESIGN section 8.1) when the report carries them.
    let whole = serde_json::to_value(report).unwrap_or_default();
    if let Some(Value::Array(warnings)) = whole.get("warnings") {
        objects(
            &mut workbook,
            "warnings",
            &["input", "message"],
            warnings,
            &formats,
        )?;
    }
    workbook.save_to_buffer()
}

/// A sheet of JSON objects: the `keys` first, then any other key met, in order.
fn objects(
    workbook: &mut Workbook,
    name: &str,
    keys: &[&str],
    items: &[Value],
    formats: &Formats,
) -> Result<(), XlsxError> {
    let mut head: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    for item in items {
        for key in item.as_object().into_iter().flat_map(|o| o.keys()) {
            if !head.contains(key) {
                head.push(key.clone());
            }
        }
    }
    let names: Vec<&str> = head.iter().map(String::as_str).collect();
    let sheet = sheet(workbook, name, &names, formats)?;
    for (row, item) in (1..).zip(items) {
        for (column, key) in (0..).zip(&head) {
            match item.get(key) {
                None | Some(Value::Null) => {}
                Some(Value::Number(n)) => match n.as_u64() {
                    Some(n) => {
                        sheet.write_number(row, column, n as f64)?;
                    }
                    None => {
                        sheet.write_string(row, column, n.to_string())?;
                    }
                },
                Some(Value::String(s)) => {
                    sheet.write_string(row, column, s)?;
                }
                Some(other) => {
                    sheet.write_string(row, column, other.to_string())?;
                }
            }
        }
    }
    Ok(())
}

fn ranking_sheet(book: &Rulebook, ranking: &Ranking) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new(book);
    let mut workbook = Workbook::new();
    let head = ["rank", "member", "points", "grade", "veto", "provisional"];
    let sheet = sheet(&mut workbook, "ranking", &head, &formats)?;
    for (row, place) in (1..).zip(&ranking.rows) {
        sheet.write_number(row, 0, f64::from(place.rank))?;
        sheet.write_string(row, 1, &place.member)?;
        points(sheet, row, 2, place.points, &formats)?;
        if let Some(grade) = &place.grade {
            sheet.write_string(row, 3, grade)?;
        }
        if let Some(veto) = &place.veto {
            sheet.write_string(row, 4, &veto.reason)?;
        }
        sheet.write_boolean(row, 5, place.provisional)?;
    }
    workbook.save_to_buffer()
}
