//! Score a month of volunteering from Rust values, no files or JSON bytes:
//! the shipped `rules/volunteer-hours.yaml`, records from the embedder's own
//! structs, member profiles inserted, and one member's awards in words.
//!
//! `cargo run -p merit --example score_month`

use merit::{Lang, Members, Records, Rulebook, ScoreOptions, explain_member};
use serde::Serialize;

/// A volunteer shift as an application might keep it.
#[derive(Serialize)]
struct Shift {
    id: &'static str,
    member: &'static str,
    kind: &'static str,
    date: &'static str,
    /// Decimal text, so that no float is involved (`2.5`, not 2.5_f64). The pack
    /// names its fields as the office's sheets do: 时长 (hours), 核实 (verified).
    #[serde(rename = "时长")]
    hours: &'static str,
    #[serde(rename = "核实")]
    verified: bool,
}

const SHIFTS: [Shift; 4] = [
    Shift {
        id: "s1",
        member: "m1",
        kind: "volunteer",
        date: "2026-03-02",
        hours: "3",
        verified: true,
    },
    Shift {
        id: "s2",
        member: "m1",
        kind: "volunteer",
        date: "2026-03-07",
        hours: "2.5",
        verified: true,
    },
    Shift {
        id: "s3",
        member: "m2",
        kind: "volunteer",
        date: "2026-03-09",
        hours: "4",
        verified: false,
    },
    Shift {
        id: "s4",
        member: "m2",
        kind: "volunteer",
        date: "2026-03-32",
        hours: "1",
        verified: true,
    },
];

/// The month's totals, the rejected shift and m1's awards, as the program prints them.
fn run() -> Result<String, Box<dyn std::error::Error>> {
    let book = Rulebook::from_yaml(
        include_str!("../../rules/volunteer-hours.yaml"),
        "rules/volunteer-hours.yaml",
    )?;
    let mut records = Records::new();
    records.extend_serialize(&book, &SHIFTS, "shifts");
    let mut members = Members::default();
    members.insert("m1", serde_json::json!({ "name": "Li Wei" }))?;

    let options = ScoreOptions {
        lang: Some(Lang::En),
        ..ScoreOptions::default()
    };
    let report = book.score(&records, Some(&members), &options);
    let mut out = String::new();
    for member in &report.members {
        out += &format!("{}: {} {}\n", member.member, member.total, book.unit.name);
    }
    for rejected in &report.rejected {
        out += &format!("shift {} rejected: {}\n", rejected.record, rejected.error);
    }
    out += &explain_member(&book, &report, "m1", Lang::En).unwrap_or_default();
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", run()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_example_scores_the_month() {
        let out = super::run().expect("runs");
        assert!(out.starts_with("m1: 87.5 积分\nm2: 0.0 积分\n"), "{out}");
        assert!(
            out.contains("shift 4 rejected: field `date`: 2026-03-32 is not a date"),
            "{out}"
        );
        assert!(
            out.contains("2.5 h of volunteering, campaign × 1.5 → 37.5"),
            "{out}"
        );
    }
}
