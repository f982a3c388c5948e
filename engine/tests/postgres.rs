//! A fresh PostgreSQL database for a test, on the server `scripts/with-postgres`
//! gives in MERIT_TEST_PG; without it, `None`, and the test says once that its
//! PostgreSQL part was skipped.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static NOTICE: AtomicBool = AtomicBool::new(false);
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The URL of a new, empty database named after `name`.
pub fn fresh_database(name: &str) -> Option<String> {
    let Ok(base) = std::env::var("MERIT_TEST_PG") else {
        if !NOTICE.swap(true, Ordering::Relaxed) {
            eprintln!(
                "skipped the PostgreSQL part: MERIT_TEST_PG is not set (run under scripts/with-postgres)"
            );
        }
        return None;
    };
    let mut client = postgres::Client::connect(&base, postgres::NoTls).expect("MERIT_TEST_PG connects");
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let db = format!("merit_{name}_{}_{n}", std::process::id());
    for sql in [
        format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
        format!("CREATE DATABASE {db}"),
    ] {
        client.batch_execute(&sql).unwrap();
    }
    let (path, query) = base.split_once('?').unwrap_or((&base, ""));
    let root = &path[..path.rfind('/').expect("a URL with a database")];
    Some(format!("{root}/{db}?{query}"))
}
