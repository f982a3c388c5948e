//! The workload as Arrow record batches typed as the Python contender's pyarrow
//! Table is (`bench/python/bench.py`, `arrow_table`): strings, `date32` dates,
//! `decimal128(4, 1)` hours with nulls, booleans. With it, `engine-arrow` measures
//! the engine's Arrow reading and scoring without Python, so that the Python row's
//! time splits into the engine's and the binding's.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Date32Array, Decimal128Array, RecordBatch, StringArray};
use jiff::civil::Date;

/// Rows per batch, about as pyarrow's CSV reader makes them for this file (1 MB
/// blocks: 46 batches of 15,175–22,534 rows, median 21,834).
const BATCH_ROWS: usize = 21_834;

/// `dir/records.csv` as record batches (outside the timed region).
pub fn batches(dir: &Path) -> Result<Vec<RecordBatch>, String> {
    let path = dir.join("records.csv");
    let mut reader = csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    let names = ["id", "member", "kind", "date", "hours", "verified"];
    let mut at = [0; 6];
    for (slot, name) in at.iter_mut().zip(names) {
        *slot = header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("{}: no `{name}` column", path.display()))?;
    }
    let epoch = Date::new(1970, 1, 1).expect("a date");
    let mut rows: Vec<csv::StringRecord> = Vec::new();
    let mut batches = Vec::new();
    let mut records = reader.records();
    loop {
        let row = records.next().transpose().map_err(|e| e.to_string())?;
        let full = row.is_none() || rows.len() == BATCH_ROWS;
        if full && !rows.is_empty() {
            let text = |k: usize| -> ArrayRef {
                Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|r| r[at[k]].to_owned()),
                ))
            };
            let date = rows
                .iter()
                .map(|r| {
                    let date: Date = r[at[3]].parse().map_err(|e| format!("{e}"))?;
                    Ok((date - epoch).get_days())
                })
                .collect::<Result<Vec<i32>, String>>()?;
            let hours = rows
                .iter()
                .map(|r| match &r[at[4]] {
                    "" => Ok(None),
                    text => text
                        .parse::<rust_decimal::Decimal>()
                        .map(|d| Some(tenths(d)))
                        .map_err(|e| format!("{text}: {e}")),
                })
                .collect::<Result<Decimal128Array, String>>()?
                .with_precision_and_scale(4, 1)
                .map_err(|e| e.to_string())?;
            let verified: BooleanArray = rows
                .iter()
                .map(|r| match &r[at[5]] {
                    "" => None,
                    text => Some(text == "true"),
                })
                .collect();
            let batch = RecordBatch::try_from_iter([
                ("id", text(0)),
                ("member", text(1)),
                ("kind", text(2)),
                ("date", Arc::new(Date32Array::from(date)) as ArrayRef),
                ("hours", Arc::new(hours) as ArrayRef),
                ("verified", Arc::new(verified) as ArrayRef),
            ])
            .map_err(|e| e.to_string())?;
            batches.push(batch);
            rows.clear();
        }
        match row {
            Some(row) => rows.push(row),
            None => return Ok(batches),
        }
    }
}

fn tenths(d: rust_decimal::Decimal) -> i128 {
    crate::loops::tenths(d).into()
}
