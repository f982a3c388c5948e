//! Post a month's awards to the moral bank in memory, redeem an item, and print
//! the member's statement: what an application embedding the bank does with a
//! SQLite file (`Bank::open`, feature `sqlite`) instead of memory.
//!
//! `cargo run -p merit --example bank_in_memory`

use merit::{Bank, Redeem};
use merit::{Records, Rulebook, ScoreOptions};

const BOOK: &str = r#"
id: deeds
unit: { name: credits, decimals: 1 }
fields: { hours: decimal? }
rules:
  - { id: help, tags: [bank], when: kind == "help", points: hours * 10 }
bank:
  earn: { tags: [bank], rate: 1 }
  expire_after: 24 months
  catalog: [{ id: rice, title: Rice 5kg, price: 50, partner: grain-shop }]
"#;

/// m1's balance after the post and the redemption, and the statement's lines.
fn run() -> Result<String, Box<dyn std::error::Error>> {
    let book = Rulebook::from_yaml(BOOK, "deeds.yaml")?;
    let mut records = Records::new();
    records.extend_values(
        &book,
        [
            serde_json::json!({"id": "r1", "member": "m1", "kind": "help", "date": "2026-03-02", "hours": 4}),
            serde_json::json!({"id": "r2", "member": "m1", "kind": "help", "date": "2026-03-16", "hours": 3.5}),
        ],
        "deeds",
    );
    let report = book.score(&records, None, &ScoreOptions::default());

    let mut bank = Bank::in_memory();
    let day = jiff::civil::date(2026, 3, 31);
    let posted = bank.post(&book, &report, day)?;
    bank.redeem("m1", &Redeem::Item("rice".into()), "order-1", day)?;

    let mut out = format!("posted {} earnings\n", posted.posted);
    let statement = bank.statement("m1", None, None)?;
    for m in &statement.movements {
        out += &format!("{} {:<10} {:>6} → {}\n", m.date, m.kind, m.amount, m.balance);
    }
    out += &format!("balance {}\n", bank.balance("m1")?);
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", run()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_example_earns_and_redeems() {
        let out = super::run().expect("runs");
        assert!(out.starts_with("posted 2 earnings\n"), "{out}");
        assert!(out.ends_with("balance 25.0\n"), "{out}");
    }
}
