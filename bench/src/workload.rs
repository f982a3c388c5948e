//! The benchmark workload: generated once, deterministically, into `records.csv` and
//! `records.jsonl` (the same records), which every contender then reads.
//!
//! N records over M members and the 12 months of 2026. 95% are volunteering (93% of
//! it verified, 1 to 9.5 hours in half hours); the other 5% are what the rulebook mix
//! (`bench/mix.yaml`) needs — ratings, meetings, good deeds, mentoring, study — and
//! never match the benchmark rule, whose totals every contender must reproduce.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use jiff::civil::Date;

/// The rulebook every contender implements.
pub const BOOK: &str = include_str!("../volunteer-capped.yaml");

/// One rule of each kind, on the same records (engine only).
pub const BOOK_MIX: &str = include_str!("../mix.yaml");

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

/// The record kinds, `volunteer` first (index [`VOLUNTEER`]).
pub const KINDS: [&str; 6] = [
    "volunteer",
    "rating",
    "good_deed",
    "meeting",
    "study",
    "mentoring",
];
pub const VOLUNTEER: u8 = 0;
/// How many records in 1,000 are of each kind of [`KINDS`].
const PER_MILLE: [u64; 6] = [950, 20, 15, 5, 5, 5];

/// Hours as logged, in tenths (so the fixed-point contender can use them as is).
const HOURS_TENTHS: [i64; 12] = [10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 80, 95];
const STARS: [u8; 8] = [1, 2, 3, 4, 4, 5, 5, 5];
const MINUTES: [u32; 5] = [20, 30, 45, 60, 90];

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

pub fn member_name(member: u32) -> String {
    format!("m{member:05}")
}

/// Writes `count` records over `members` members to `dir/records.csv` and
/// `dir/records.jsonl`. CSV cells a kind does not use are empty (missing); JSONL
/// lines leave those keys out.
pub fn generate(dir: &Path, count: usize, members: u32) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut csv = BufWriter::new(File::create(dir.join("records.csv"))?);
    let mut jsonl = BufWriter::new(File::create(dir.join("records.jsonl"))?);
    writeln!(csv, "id,member,kind,date,hours,verified,minutes,stars,subject")?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = Date::constant(2026, 1, 1);
    for i in 1..=count {
        let mut member = rng.below(u64::from(members)) as u32;
        let kind = {
            let mut draw = rng.below(1000);
            (0..KINDS.len())
                .find(|&k| {
                    let hit = draw < PER_MILLE[k];
                    draw = draw.saturating_sub(PER_MILLE[k]);
                    hit
                })
                .expect("the shares add up to 1,000")
        };
        let date = start
            .checked_add(jiff::Span::new().days(rng.below(365) as i64))
            .expect("2026");
        let (mut hours, mut verified, mut minutes, mut stars, mut subject) = (None, false, None, None, None);
        match KINDS[kind] {
            "volunteer" => {
                verified = rng.below(100) < 93;
                hours = Some(HOURS_TENTHS[rng.below(HOURS_TENTHS.len() as u64) as usize]);
            }
            // Ratings are about the first 1,000 members, so that most get the three a
            // quarter a rating award needs.
            "rating" => {
                subject = Some(rng.below(u64::from(members.min(1000))) as u32);
                stars = Some(STARS[rng.below(STARS.len() as u64) as usize]);
            }
            "meeting" => minutes = Some(MINUTES[rng.below(MINUTES.len() as u64) as usize]),
            // Good deeds and mentoring come from a few members, so that streaks form
            // and some member-months reach two mentorings.
            "good_deed" => member %= members.min(500),
            "mentoring" => member %= members.min(200),
            _ => {}
        }
        let name = member_name(member);
        let kind = KINDS[kind];
        let hours = hours.map(|t| format!("{}.{}", t / 10, t % 10));
        let (minutes, stars, subject) = (
            minutes.map(|m| m.to_string()),
            stars.map(|s| s.to_string()),
            subject.map(member_name),
        );
        let cell = |v: &Option<String>| v.clone().unwrap_or_default();
        writeln!(
            csv,
            "r{i},{name},{kind},{date},{},{verified},{},{},{}",
            cell(&hours),
            cell(&minutes),
            cell(&stars),
            cell(&subject)
        )?;
        write!(
            jsonl,
            r#"{{"id":"r{i}","member":"{name}","kind":"{kind}","date":"{date}""#
        )?;
        if let Some(h) = &hours {
            write!(jsonl, r#","hours":{h},"verified":{verified}"#)?;
        }
        for (key, value) in [("minutes", &minutes), ("stars", &stars)] {
            if let Some(v) = value {
                write!(jsonl, r#","{key}":{v}"#)?;
            }
        }
        if let Some(s) = &subject {
            write!(jsonl, r#","subject":"{s}""#)?;
        }
        writeln!(jsonl, "}}")?;
    }
    csv.flush()?;
    jsonl.flush()
}

/// The records as plain columns, for the hand-written contenders (read from
/// `records.csv`, outside the timed region).
pub struct Columns {
    /// Member number (`m00042` is 42).
    pub member: Vec<u32>,
    /// Index into [`KINDS`].
    pub kind: Vec<u8>,
    pub verified: Vec<bool>,
    /// Hours in tenths; 0 where the record has none (only volunteering has hours).
    pub hours_tenths: Vec<i64>,
    pub date: Vec<Date>,
    /// One more than the largest member number.
    pub members: u32,
}

impl Columns {
    /// The first `limit` records of `dir/records.csv` (all when `None`).
    pub fn read(dir: &Path, limit: Option<usize>) -> Result<Columns, String> {
        let path = dir.join("records.csv");
        let mut reader = csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let header = reader.headers().map_err(|e| e.to_string())?.clone();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or(format!("{}: no `{name}` column", path.display()))
        };
        let (member, kind, date, hours, verified) = (
            column("member")?,
            column("kind")?,
            column("date")?,
            column("hours")?,
            column("verified")?,
        );
        let mut out = Columns {
            member: Vec::new(),
            kind: Vec::new(),
            verified: Vec::new(),
            hours_tenths: Vec::new(),
            date: Vec::new(),
            members: 0,
        };
        let bad = |what: &str, row: &csv::StringRecord| format!("{}: bad {what} in {row:?}", path.display());
        for row in reader.records().take(limit.unwrap_or(usize::MAX)) {
            let row = row.map_err(|e| e.to_string())?;
            let m: u32 = row[member][1..].parse().map_err(|_| bad("member", &row))?;
            out.members = out.members.max(m + 1);
            out.member.push(m);
            let k = KINDS
                .iter()
                .position(|&k| k == &row[kind])
                .ok_or_else(|| bad("kind", &row))?;
            out.kind.push(k as u8);
            out.date.push(row[date].parse().map_err(|_| bad("date", &row))?);
            out.verified.push(&row[verified] == "true");
            out.hours_tenths.push(match row[hours].split_once('.') {
                _ if row[hours].is_empty() => 0,
                Some((whole, tenth)) if tenth.len() == 1 => {
                    let whole: i64 = whole.parse().map_err(|_| bad("hours", &row))?;
                    let tenth: i64 = tenth.parse().map_err(|_| bad("hours", &row))?;
                    whole * 10 + tenth
                }
                Some(_) => return Err(bad("hours", &row)),
                None => row[hours].parse::<i64>().map_err(|_| bad("hours", &row))? * 10,
            });
        }
        Ok(out)
    }

    /// Record indices sorted by (member, date, input order): the order caps need.
    pub fn order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.member.len() as u32).collect();
        order.sort_unstable_by_key(|&i| (self.member[i as usize], self.date[i as usize], i));
        order
    }
}
