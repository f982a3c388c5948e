//! The PostgreSQL store against a real server: run under `scripts/with-postgres`,
//! which sets MERIT_TEST_PG; without it every test here prints a notice and passes
//! without checking anything.

use jiff::civil::date;
use rust_decimal::Decimal;

use super::chain_tests::fill;
use super::*;

/// A new, empty database for one test, as a URL; `None` (with a notice) when no
/// server was given.
pub(super) fn fresh_database(name: &str) -> Option<String> {
    let Ok(base) = std::env::var("MERIT_TEST_PG") else {
        eprintln!("skipped: MERIT_TEST_PG is not set (run the tests under scripts/with-postgres)");
        return None;
    };
    let mut client = ::postgres::Client::connect(&base, ::postgres::NoTls).expect("MERIT_TEST_PG connects");
    let db = format!("merit_{name}_{}", std::process::id());
    for sql in [
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        format!("CREATE DATABASE {db}"),
    ] {
        client.batch_execute(&sql).unwrap();
    }
    // postgresql:///postgres?host=… → postgresql:///DB?host=…
    let (path, query) = base.split_once('?').unwrap_or((&base, ""));
    let root = &path[..path.rfind('/').expect("a URL with a database")];
    Some(format!("{root}/{db}?{query}"))
}

fn client(url: &str) -> ::postgres::Client {
    ::postgres::Client::connect(url, ::postgres::NoTls).unwrap()
}

#[test]
fn postgres_keeps_the_same_ledger_and_chain_as_memory() {
    let Some(url) = fresh_database("same") else {
        return;
    };
    let mut memory = Bank::in_memory();
    fill(&mut memory);
    let mut pg = Bank::open_location(&url).unwrap();
    fill(&mut pg);
    assert_eq!(pg.head().unwrap(), memory.head().unwrap());
    assert_eq!(pg.balances().unwrap(), memory.balances().unwrap());
    assert_eq!(
        pg.statement("m1", None, None).unwrap(),
        memory.statement("m1", None, None).unwrap()
    );
    let day = date(2026, 2, 3);
    let refused = pg
        .redeem("m2", &Redeem::Amount(Decimal::from(1000)), "big", day)
        .unwrap_err();
    assert_eq!(refused.kind, ErrorKind::InsufficientCredits);
    let reversal = pg.reverse(5, "entered twice", day).unwrap();
    assert_eq!(memory.reverse(5, "entered twice", day).unwrap(), reversal);
    assert!(pg.reverse(5, "again", day).unwrap().replayed);
    let verified = pg.verify().unwrap();
    assert!(verified.ok(), "{:?}", verified.problems);
    assert_eq!(verified, memory.verify().unwrap());
    // A second connection (another office) sees the same ledger and the settings.
    let mut other = Bank::open_location(&url).unwrap();
    assert_eq!(other.head().unwrap(), memory.head().unwrap());
    assert!(other.settings().is_some());
}

#[test]
fn a_row_edited_in_postgres_is_found_and_named() {
    let Some(url) = fresh_database("tamper") else {
        return;
    };
    let mut bank = Bank::open_location(&url).unwrap();
    fill(&mut bank);
    let published = bank.head().unwrap();
    assert!(bank.verify_head(&published).unwrap().ok());
    let edited = client(&url)
        .execute(
            "UPDATE postings SET amount = amount + 1 WHERE txn = 3 AND seq = 0",
            &[],
        )
        .unwrap();
    assert_eq!(edited, 1);
    let problems = bank.verify().unwrap().problems;
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("transaction #3 was changed after it was written")),
        "{problems:?}"
    );
    assert!(!bank.verify_head(&published).unwrap().ok());
}

#[test]
fn a_database_that_is_not_a_bank_is_refused() {
    let Some(url) = fresh_database("foreign") else {
        return;
    };
    client(&url)
        .batch_execute("CREATE TABLE people (name TEXT)")
        .unwrap();
    let error = Bank::open_location(&url).err().unwrap();
    assert!(error.message.contains("is not a merit bank"), "{error}");
}

#[test]
fn offices_writing_at_once_never_overdraw_nor_post_twice_and_the_chain_holds() {
    let Some(url) = fresh_database("race") else {
        return;
    };
    let mut bank = Bank::open_location(&url).unwrap();
    fill(&mut bank); // m1 25.5, m2 16.0 after #4 and #5
    let before: Decimal = ["m1", "m2"].iter().map(|m| bank.balance(m).unwrap()).sum();
    const WRITERS: usize = 8;
    let threads: Vec<_> = (0..WRITERS)
        .map(|w| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut bank = Bank::open_location(&url).unwrap();
                let mut spent = Decimal::ZERO;
                for i in 0..12 {
                    let member = ["m1", "m2"][(w + i) % 2];
                    // Every writer also asks with a key another writer uses: one wins.
                    let key = format!("order-{}-{i}", w / 2);
                    let day = date(2026, 3, 1);
                    match bank.redeem(member, &Redeem::Amount(Decimal::ONE), &key, day) {
                        Ok(receipt) if !receipt.replayed => spent += Decimal::ONE,
                        Ok(_) => {}
                        Err(e)
                            if e.kind == ErrorKind::InsufficientCredits || e.kind == ErrorKind::KeyReused => {
                        }
                        Err(e) => panic!("writer {w}: {e}"),
                    }
                }
                spent
            })
        })
        .collect();
    let spent: Decimal = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let after: Decimal = ["m1", "m2"].iter().map(|m| bank.balance(m).unwrap()).sum();
    assert_eq!(
        before - after,
        spent,
        "what left the balances is what was redeemed"
    );
    assert!(after >= Decimal::ZERO);
    let verified = bank.verify().unwrap();
    assert!(verified.ok(), "{:?}", verified.problems);
    // Pairs of writers shared keys: at most WRITERS / 2 × 12 redemptions happened.
    assert!(spent <= Decimal::from(WRITERS / 2 * 12), "{spent}");
    assert_eq!(
        verified.transactions,
        5 + spent.to_string().parse::<u64>().unwrap()
    );
}

#[test]
fn a_ledger_moves_from_sqlite_to_postgres_and_back_unchanged() {
    let Some(url) = fresh_database("migrate") else {
        return;
    };
    let dir = tempfile::Builder::new()
        .prefix("merit-pg-migrate-")
        .tempdir()
        .unwrap();
    let (from, back) = (dir.path().join("from.db"), dir.path().join("back.db"));
    for path in [&from, &back] {
        std::fs::File::create(path).unwrap(); // empty: a bank is made in it when opened
    }
    let mut file = Bank::open(&from).unwrap();
    fill(&mut file);
    let mut pg = Bank::open_location(&url).unwrap();
    let there = file.migrate_to(&mut pg).unwrap();
    assert_eq!(there.head, file.head().unwrap());
    let mut again = Bank::open(&back).unwrap();
    let back_again = Bank::open_location(&url).unwrap().migrate_to(&mut again).unwrap();
    assert_eq!(back_again.head, there.head);
    assert_eq!(again.balances().unwrap(), file.balances().unwrap());
    assert_eq!(
        again.statement("m2", None, None).unwrap(),
        file.statement("m2", None, None).unwrap()
    );
}
