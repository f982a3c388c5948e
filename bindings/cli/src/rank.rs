//! `merit rank BOOK RECORDS…`: members ranked by total, a rule or an index, as a
//! table, JSON, CSV or an Excel workbook. The ranking is the engine's
//! ([`merit::rank`]); this file reads the files and prints.

use std::io::Write;

use clap::{Args, ValueEnum};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use merit::Lang;
use merit::{RankBy, RankOptions, Ranking, rank};
use merit::{Report, Rulebook};

use crate::Outcome;
use crate::cli::{LabelInputArgs, OutputArgs};
use crate::input::{Inputs, load_book};

#[derive(Args, Debug)]
pub struct RankArgs {
    /// The rulebook (YAML).
    pub book: std::path::PathBuf,
    #[command(flatten)]
    pub input: LabelInputArgs,
    /// What to rank by: `total`, `rule:ID` or `index:ID` (score, grade shown).
    #[arg(long, value_name = "WHAT", default_value = "total")]
    pub by: String,
    /// Keep members ranked N or better; a tie at the cut is kept whole.
    #[arg(long, value_name = "N")]
    pub top: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RankFormat::Table)]
    pub format: RankFormat,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RankFormat {
    Table,
    Json,
    Csv,
    /// An Excel workbook (needs `--output FILE`).
    Xlsx,
}

pub fn run(args: &RankArgs, color: bool) -> Outcome {
    let by = match RankBy::parse(&args.by) {
        Ok(by) => by,
        Err(error) => return Outcome::Usage(error.to_string()),
    };
    let (book, report) = match score(&args.book, &args.input, color, false) {
        Ok(scored) => scored,
        Err(outcome) => return outcome,
    };
    let options = RankOptions {
        by,
        period: args.input.period.clone(),
        top: args.top,
    };
    let ranking = match rank(&book, &report, &options) {
        Ok(ranking) => ranking,
        Err(error) => return Outcome::Usage(error.to_string()),
    };
    let lang = args
        .input
        .base
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_else(|| Lang::for_book(&book));
    let written = match args.format {
        RankFormat::Xlsx => crate::xlsx::ranking(&book, &ranking)
            .and_then(|bytes| crate::output::write_file(&args.output, &bytes)),
        format => crate::output::open(&args.output).and_then(|mut out| {
            let written = match format {
                RankFormat::Json => serde_json::to_string_pretty(&ranking)
                    .map_err(std::io::Error::other)
                    .and_then(|text| writeln!(out, "{text}")),
                RankFormat::Csv => csv(&mut out, &ranking, args.output.excel),
                _ => out.write_all(table(&book, &ranking, lang, color).as_bytes()),
            };
            written
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write the ranking: {e}"))
        }),
    };
    if let Err(message) = written {
        return Outcome::Usage(message);
    }
    rejected(&report)
}

/// Loads the rulebook and scores the records (shared with `merit publish`).
/// `why_not` adds each member's unscored records with their reasons (the notice
/// board shows them; a ranking does not need them).
pub fn score(
    book: &std::path::Path,
    input: &LabelInputArgs,
    color: bool,
    why_not: bool,
) -> Result<(Rulebook, Report), Outcome> {
    let book = match load_book(book, color) {
        Ok(Some(book)) => book,
        Ok(None) => return Err(Outcome::DataErrors),
        Err(message) => return Err(Outcome::Usage(message)),
    };
    let mut inputs = Inputs::read(&input.input_args()).map_err(Outcome::Usage)?;
    inputs.options.why_not = why_not;
    let records = inputs.records(&book).map_err(|message| {
        eprintln!("error: {message}");
        Outcome::DataErrors
    })?;
    crate::score::print_warnings(&records.warnings);
    let report = book.score(&records, inputs.members.as_ref(), &inputs.options);
    Ok((book, report))
}

/// Exit 1 when records were rejected, as `merit score` does.
pub fn rejected(report: &Report) -> Outcome {
    if report.rejected.is_empty() {
        return Outcome::Ok;
    }
    eprintln!(
        "{} record(s) rejected; `merit score --format json` lists them with the reason",
        report.rejected.len()
    );
    Outcome::DataErrors
}

fn table(book: &Rulebook, ranking: &Ranking, lang: Lang, color: bool) -> String {
    let index = ranking.by.starts_with("index:");
    let zh = lang == Lang::Zh;
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    if !color {
        table.force_no_tty();
    }
    let mut header = vec![
        if zh { "名次" } else { "rank" }.to_owned(),
        if zh { "成员" } else { "member" }.to_owned(),
        match (index, zh) {
            (true, true) => "得分".to_owned(),
            (true, false) => "score".to_owned(),
            (false, _) => book.unit.name.clone(),
        },
    ];
    if index {
        header.push(if zh { "等级" } else { "grade" }.to_owned());
        header.push(if zh { "否决" } else { "veto" }.to_owned());
    }
    table.set_header(header);
    for row in &ranking.rows {
        let mut points = row.points.to_string();
        if row.provisional {
            points.push_str(if zh { "（暂定）" } else { " (provisional)" });
        }
        let mut cells = vec![row.rank.to_string(), row.member.clone(), points];
        if index {
            cells.push(row.grade.clone().unwrap_or_default());
            cells.push(row.veto.as_ref().map(|v| v.reason.clone()).unwrap_or_default());
        }
        table.add_row(cells);
    }
    for column in [0, 2] {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let what = match (&ranking.title, ranking.by.as_str(), zh) {
        (Some(title), _, _) => title.clone(),
        (None, "total", true) => "合计".to_owned(),
        (None, by, _) => by.to_owned(),
    };
    let period = ranking
        .period
        .clone()
        .unwrap_or_else(|| if zh { "全部期间" } else { "whole range" }.to_owned());
    format!("{what} · {period}\n{table}\n")
}

/// `rank,member,points,grade,veto,provisional` rows.
fn csv(out: &mut dyn Write, ranking: &Ranking, excel: bool) -> std::io::Result<()> {
    let mut writer = crate::output::csv_writer(out, excel)?;
    writer.write_record(["rank", "member", "points", "grade", "veto", "provisional"])?;
    for row in &ranking.rows {
        writer.write_record([
            row.rank.to_string().as_str(),
            &row.member,
            &row.points.to_string(),
            row.grade.as_deref().unwrap_or(""),
            row.veto.as_ref().map_or("", |v| v.reason.as_str()),
            if row.provisional { "true" } else { "false" },
        ])?;
    }
    writer.flush()
}
