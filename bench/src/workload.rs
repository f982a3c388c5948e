//! The benchmark workload, generated deterministically: N records over 10,000
//! members and the 12 months of 2026, 95% volunteering (93% of it verified).

use std::sync::Arc;

use jiff::civil::Date;
use merit::record::Record;
use merit::value::Value;
use rust_decimal::Decimal;

/// The rulebook every contender implements.
pub const BOOK: &str = include_str!("../volunteer-capped.yaml");

/// The same scoring as a decision table (first hit), capped the same way.
pub const BOOK_TABLE: &str = r#"
merit: 1
id: bench-table
period: month
unit: { name: points, decimals: 1 }
fields: { hours: decimal?, verified: bool = false }
rules:
  - id: volunteer-hours
    table:
      inputs: [kind, verified, hours]
      rows:
        - [volunteer, true, ">= 8", 80]
        - [volunteer, true, "-", hours * 10]
    cap: [{ per: month, max: 200 }]
"#;

/// The same scoring as a rhai script, once per member per month.
pub const BOOK_SCRIPT: &str = r#"
merit: 1
id: bench-script
period: month
unit: { name: points, decimals: 1 }
fields: { hours: decimal?, verified: bool = false }
rules:
  - id: volunteer-hours
    per: month
    script: |
      let total = 0.0;
      for r in records {
        if r.kind == "volunteer" && r.verified {
          let h = r.hours;
          if h > 8.0 { h = 8.0; }
          total += h * 10.0;
        }
      }
      if total > 200.0 { total = 200.0; }
      if total > 0.0 { award(total, "capped monthly volunteering"); }
"#;

/// Hours as logged, in tenths (so the fixed-point contender can use them as is).
const HOURS_TENTHS: [i64; 12] = [10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 80, 95];

/// One generated record in plain columns, shared by every contender.
pub struct Row {
    pub member: u32,
    pub volunteer: bool,
    pub verified: bool,
    pub hours_tenths: i64,
    pub date: Date,
}

/// xorshift64*: tiny, deterministic, good enough to spread records.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub fn rows(count: usize, members: u32) -> Vec<Row> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = Date::constant(2026, 1, 1);
    (0..count)
        .map(|_| Row {
            member: rng.below(u64::from(members)) as u32,
            volunteer: rng.below(100) < 95,
            verified: rng.below(100) < 93,
            hours_tenths: HOURS_TENTHS[rng.below(HOURS_TENTHS.len() as u64) as usize],
            date: start
                .checked_add(jiff::Span::new().days(rng.below(365) as i64))
                .expect("2026"),
        })
        .collect()
}

pub fn member_name(member: u32) -> String {
    format!("m{member:05}")
}

/// The rows as engine records (what a reader would have produced).
pub fn records(rows: &[Row]) -> Vec<Record> {
    let names: Vec<Arc<str>> = (0..=rows.iter().map(|r| r.member).max().unwrap_or(0))
        .map(|m| Arc::from(member_name(m)))
        .collect();
    let volunteer: Arc<str> = Arc::from("volunteer");
    let other: Arc<str> = Arc::from("meeting");
    rows.iter()
        .enumerate()
        .map(|(i, row)| Record {
            source: 0,
            position: i as u64 + 1,
            id: Arc::from(format!("r{}", i + 1)),
            has_id: true,
            member: names[row.member as usize].clone(),
            kind: if row.volunteer {
                volunteer.clone()
            } else {
                other.clone()
            },
            date: row.date,
            fields: vec![
                Value::Num(Decimal::new(row.hours_tenths, 1)),
                Value::Bool(row.verified),
            ]
            .into_boxed_slice(),
        })
        .collect()
}

/// The rows as JSONL, as a community office would export them.
pub fn jsonl(rows: &[Row]) -> Vec<u8> {
    let mut out = String::with_capacity(rows.len() * 100);
    for (i, row) in rows.iter().enumerate() {
        let kind = if row.volunteer { "volunteer" } else { "meeting" };
        let hours = Decimal::new(row.hours_tenths, 1);
        out.push_str(&format!(
            "{{\"id\":\"r{}\",\"member\":\"{}\",\"kind\":\"{kind}\",\"date\":\"{}\",\"hours\":{hours},\"verified\":{}}}\n",
            i + 1,
            member_name(row.member),
            row.date,
            row.verified
        ));
    }
    out.into_bytes()
}
