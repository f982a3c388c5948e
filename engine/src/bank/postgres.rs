//! The bank in PostgreSQL (feature `postgres`): one ledger that the offices of a
//! district write at once (DESIGN §8.4), with the invariants of the SQLite store.
//!
//! - **One writer at a time, many readers**: a writing unit of work starts with
//!   `LOCK TABLE txns IN SHARE ROW EXCLUSIVE MODE`, which writers take in turn and
//!   readers never wait for. Everything a writer reads after it is the latest
//!   committed state, so two offices redeeming one balance cannot both spend it, and
//!   the hash chain (each hash covers the one before) has one order. Reading units
//!   run at `REPEATABLE READ`, one snapshot for a whole statement or verification.
//! - **Bounded retries**: a unit that fails with a serialization failure or a
//!   deadlock (SQLSTATE 40001, 40P01) is run again, up to [`RETRIES`] times.
//! - **Exact**: amounts are `NUMERIC`, sent and read as text (never a float).
//! - **Idempotency keys are unique across all writers**: `txns.key` is `UNIQUE`.
//! - **Versioned schema**: `merit_schema.version`; [`MIGRATIONS`] bring an older
//!   database up to date when it is opened (under an advisory lock, so that two
//!   processes opening a new database at once do not both create it).

use std::collections::HashMap;

use jiff::civil::Date;
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, NoTls, Row, Statement, Transaction};
use rust_decimal::Decimal;

use super::chain::{self, Head};
use super::error::BankError;
use super::model::{Account, AwardKey, Held, Lot, LotMove, NewTxn, Posting, Source, Txn};
use super::store::{Access, Journal, Store, account, date, decimal};

/// How often a unit of work is tried when PostgreSQL asks for a retry.
pub const RETRIES: usize = 8;

/// Schema migrations: entry N brings version N to N + 1.
pub const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE txns (
    id BIGINT PRIMARY KEY,
    date DATE NOT NULL,
    kind TEXT NOT NULL,
    key TEXT UNIQUE,
    reverses BIGINT UNIQUE REFERENCES txns(id),
    source TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE postings (
    txn BIGINT NOT NULL REFERENCES txns(id),
    seq INTEGER NOT NULL,
    account TEXT NOT NULL,
    amount NUMERIC NOT NULL,
    PRIMARY KEY (txn, seq)
);
-- One index over every account: a prepared statement's `account = $1` cannot use a
-- partial index (`LIKE 'member:%'`), and a post looks up each member's movements.
CREATE INDEX postings_by_account ON postings(account, txn);
CREATE TABLE lots (
    id BIGINT PRIMARY KEY,
    txn BIGINT NOT NULL REFERENCES txns(id),
    member TEXT NOT NULL,
    earned DATE NOT NULL,
    amount NUMERIC NOT NULL,
    remaining NUMERIC NOT NULL
);
CREATE INDEX lots_by_txn ON lots(txn);
CREATE INDEX lots_open ON lots(member, earned, id) WHERE remaining > 0;
CREATE INDEX lots_open_by_date ON lots(earned) WHERE remaining > 0;
CREATE TABLE lot_moves (
    txn BIGINT NOT NULL REFERENCES txns(id),
    seq INTEGER NOT NULL,
    lot BIGINT NOT NULL REFERENCES lots(id),
    delta NUMERIC NOT NULL,
    PRIMARY KEY (txn, seq)
);
CREATE TABLE balances (account TEXT PRIMARY KEY, balance NUMERIC NOT NULL);
CREATE TABLE awards (
    book TEXT NOT NULL,
    member TEXT NOT NULL,
    rule TEXT NOT NULL,
    date DATE NOT NULL,
    credits NUMERIC NOT NULL,
    records TEXT NOT NULL,
    version TEXT,
    PRIMARY KEY (book, member, rule, date)
);
CREATE INDEX awards_by_date ON awards(book, date);
"#];

/// A bank in a PostgreSQL database. Lot queries select
/// `id, member, earned, amount, remaining` in that order (see `lot`).
pub struct PgStore {
    client: Client,
    /// Statements prepared on this connection, by their text.
    statements: HashMap<&'static str, Statement>,
}

impl PgStore {
    /// Connects (unix socket or TCP, without TLS) and brings the schema up to date.
    pub fn open(url: &str) -> Result<PgStore, BankError> {
        let mut client = Client::connect(url, NoTls)
            .map_err(|e| BankError::storage(format!("cannot connect to {}: {e}", redact(url))))?;
        client
            .batch_execute("SET lock_timeout = '30s'; SET client_min_messages = warning")
            .map_err(pg)?;
        let mut store = PgStore {
            client,
            statements: HashMap::new(),
        };
        store
            .migrate()
            .map_err(|e| BankError::storage(format!("{}: {e}", redact(url))))?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), BankError> {
        let mut tx = self.client.transaction().map_err(pg)?;
        // One opener at a time creates or upgrades the schema.
        tx.execute("SELECT pg_advisory_xact_lock(7305486)", &[])
            .map_err(pg)?;
        let exists: bool = tx
            .query_one("SELECT to_regclass('merit_schema') IS NOT NULL", &[])
            .map_err(pg)?
            .get(0);
        let version = if exists {
            let version: i32 = tx
                .query_one("SELECT version FROM merit_schema", &[])
                .map_err(pg)?
                .get(0);
            version as usize
        } else {
            let tables: i64 = tx
                .query_one(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()",
                    &[],
                )
                .map_err(pg)?
                .get(0);
            if tables > 0 {
                return Err(BankError::storage(
                    "this database has tables and is not a merit bank: give an empty database",
                ));
            }
            tx.batch_execute(
                "CREATE TABLE merit_schema (version INTEGER NOT NULL); INSERT INTO merit_schema VALUES (0)",
            )
            .map_err(pg)?;
            0
        };
        if version > MIGRATIONS.len() {
            return Err(BankError::storage(format!(
                "the bank's schema is version {version}; this merit knows up to {}: upgrade merit",
                MIGRATIONS.len()
            )));
        }
        for (n, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            tx.batch_execute(sql).map_err(pg)?;
            tx.execute("UPDATE merit_schema SET version = $1", &[&(n as i32 + 1)])
                .map_err(pg)?;
        }
        tx.commit().map_err(pg)
    }
}

/// The URL without its password (`user:***@`, `password=***`), for messages.
fn redact(url: &str) -> String {
    let mut out = match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match url[scheme + 3..at].split_once(':') {
            Some((name, _)) => format!("{}{name}:***{}", &url[..scheme + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    };
    if let Some(at) = out.find("password=") {
        let from = at + "password=".len();
        let to = out[from..].find('&').map_or(out.len(), |n| from + n);
        out.replace_range(from..to, "***");
    }
    out
}

#[cfg(test)]
#[test]
fn messages_never_show_a_password() {
    assert_eq!(redact("postgres://bank:s3cr@t@db/x"), "postgres://bank:***@db/x");
    assert_eq!(
        redact("postgresql:///x?user=bank&password=s3cret&host=/run"),
        "postgresql:///x?user=bank&password=***&host=/run"
    );
    assert_eq!(redact("postgres://bank@db/x"), "postgres://bank@db/x");
}

/// The server's own words when it refused something (`postgres::Error` alone
/// prints "db error").
fn pg(error: postgres::Error) -> BankError {
    match error.as_db_error() {
        Some(db) => {
            let detail = db.detail().map(|d| format!(" ({d})")).unwrap_or_default();
            BankError::storage(format!(
                "PostgreSQL: {}{detail} [{}]",
                db.message(),
                db.code().code()
            ))
        }
        None => BankError::storage(format!("PostgreSQL: {error}")),
    }
}

fn retriable(error: &postgres::Error) -> bool {
    matches!(
        error.code(),
        Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
    )
}

impl Store for PgStore {
    fn transact(
        &mut self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Journal) -> Result<(), BankError>,
    ) -> Result<(), BankError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut retry = false;
            let result = self.attempt(access, work, &mut retry);
            if result.is_ok() || !retry || attempt >= RETRIES {
                return result;
            }
            std::thread::sleep(std::time::Duration::from_millis(5 * attempt as u64));
        }
    }
}

impl PgStore {
    fn attempt(
        &mut self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Journal) -> Result<(), BankError>,
        retry: &mut bool,
    ) -> Result<(), BankError> {
        let PgStore { client, statements } = self;
        let mut check = |e: postgres::Error| {
            *retry |= retriable(&e);
            pg(e)
        };
        let mut builder = client.build_transaction();
        builder = match access {
            Access::Read => builder
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true),
            Access::Write => builder.isolation_level(IsolationLevel::ReadCommitted),
        };
        let mut tx = builder.start().map_err(&mut check)?;
        if access == Access::Write {
            tx.batch_execute("LOCK TABLE txns IN SHARE ROW EXCLUSIVE MODE")
                .map_err(&mut check)?;
        }
        let mut journal = PgJournal {
            tx,
            statements,
            tail: None,
            retry: false,
        };
        let result = work(&mut journal);
        let PgJournal { tx, retry: asked, .. } = journal;
        if let Err(error) = result {
            drop(tx); // rolls back
            *retry |= asked;
            return Err(error);
        }
        match access {
            Access::Write => tx.commit().map_err(check),
            Access::Read => tx.rollback().map_err(check),
        }
    }
}

/// One transaction stored in one statement (one round trip to the server): the
/// transaction, its postings, the balances they change (a balance that reaches 0
/// keeps its row; reading skips it), the lots it creates, its lot moves and the lots
/// they change. Answers how many lots it changed, to find a missing one.
const APPEND: &str = "
WITH t AS (
    INSERT INTO txns (id, date, kind, key, reverses, source, hash)
    VALUES ($1, $2::text::date, $3, $4, $5, $6, $7)
), p AS (
    INSERT INTO postings (txn, seq, account, amount)
    SELECT $1, s.seq - 1, s.account, s.amount::numeric
    FROM unnest($8::text[], $9::text[]) WITH ORDINALITY AS s(account, amount, seq)
), b AS (
    INSERT INTO balances (account, balance)
    SELECT s.account, sum(s.amount::numeric)
    FROM unnest($8::text[], $9::text[]) AS s(account, amount) GROUP BY s.account
    ON CONFLICT (account) DO UPDATE SET balance = balances.balance + excluded.balance
), l AS (
    INSERT INTO lots (id, txn, member, earned, amount, remaining)
    SELECT s.id, $1, s.member, s.earned::date, s.amount::numeric, s.amount::numeric
    FROM unnest($10::bigint[], $11::text[], $12::text[], $13::text[]) AS s(id, member, earned, amount)
), m AS (
    INSERT INTO lot_moves (txn, seq, lot, delta)
    SELECT $1, s.seq - 1, s.lot, s.delta::numeric
    FROM unnest($14::bigint[], $15::text[]) WITH ORDINALITY AS s(lot, delta, seq)
), u AS (
    UPDATE lots SET remaining = lots.remaining + d.delta
    FROM (SELECT s.lot, sum(s.delta::numeric) AS delta
          FROM unnest($14::bigint[], $15::text[]) AS s(lot, delta) GROUP BY s.lot) AS d
    WHERE lots.id = d.lot
    RETURNING lots.id
)
SELECT count(*) FROM u";

/// The end of the journal while a writer appends: the last id and hash, the next
/// lot id.
struct Tail {
    id: u64,
    hash: String,
    next_lot: u64,
}

struct PgJournal<'c> {
    tx: Transaction<'c>,
    statements: &'c mut HashMap<&'static str, Statement>,
    tail: Option<Tail>,
    /// A statement failed in a way PostgreSQL says to retry.
    retry: bool,
}

type Params<'p> = [&'p (dyn ToSql + Sync)];

fn id(value: i64) -> u64 {
    value.max(0) as u64
}

fn lot(row: &Row) -> Result<Lot, BankError> {
    Ok(Lot {
        id: id(row.get(0)),
        member: row.get(1),
        earned: date(row.get(2))?,
        amount: decimal(row.get(3))?,
        remaining: decimal(row.get(4))?,
    })
}

/// Reads `credits, records, version` starting at column `from` as what the ledger
/// holds for an award.
fn held(from: usize) -> impl Fn(&Row) -> Result<Held, BankError> {
    move |r| {
        Ok(Held {
            credits: decimal(r.get(from))?,
            records: serde_json::from_str(r.get(from + 1))?,
            version: r.get(from + 2),
        })
    }
}

impl PgJournal<'_> {
    /// Adds what `txn` gives an award to `awards`, as the SQLite store does.
    fn index_award(&mut self, txn: &Txn) -> Result<(), BankError> {
        let Some((key, credits)) = txn.award() else {
            return Ok(());
        };
        let held = Journal::award(self, &key)?.unwrap_or_default();
        let credits = super::ledger::checked_sum(held.credits, credits, &Account::Issuance)?;
        let (records, version) = match &txn.source {
            Source::Earn { records, version, .. } => (records.clone(), version.clone()),
            _ => (held.records, held.version),
        };
        self.execute(
            "INSERT INTO awards (book, member, rule, date, credits, records, version)
             VALUES ($1, $2, $3, $4::text::date, $5::text::numeric, $6, $7)
             ON CONFLICT (book, member, rule, date) DO UPDATE
             SET credits = excluded.credits, records = excluded.records, version = excluded.version",
            &[
                &key.book,
                &key.member,
                &key.rule,
                &key.date.to_string(),
                &credits.to_string(),
                &serde_json::to_string(&records)?,
                &version,
            ],
        )?;
        Ok(())
    }

    fn statement(&mut self, sql: &'static str) -> Result<Statement, BankError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(sql).map_err(|e| self.fail(e))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn fail(&mut self, error: postgres::Error) -> BankError {
        self.retry |= retriable(&error);
        pg(error)
    }

    fn query(&mut self, sql: &'static str, params: &Params) -> Result<Vec<Row>, BankError> {
        let statement = self.statement(sql)?;
        self.tx.query(&statement, params).map_err(|e| self.fail(e))
    }

    fn execute(&mut self, sql: &'static str, params: &Params) -> Result<u64, BankError> {
        let statement = self.statement(sql)?;
        self.tx.execute(&statement, params).map_err(|e| self.fail(e))
    }

    /// Transactions with ids in `lo..hi`, complete with postings, lots and moves.
    fn load_range(&mut self, lo: u64, hi: u64) -> Result<Vec<Txn>, BankError> {
        let (lo, hi) = (lo as i64, hi as i64);
        let mut txns = Vec::new();
        for row in self.query(
            "SELECT id, date::text, key, source, hash FROM txns WHERE id >= $1 AND id < $2 ORDER BY id",
            &[&lo, &hi],
        )? {
            let source: String = row.get(3);
            txns.push(Txn {
                id: id(row.get(0)),
                date: date(row.get(1))?,
                key: row.get(2),
                source: serde_json::from_str::<Source>(&source)?,
                postings: Vec::new(),
                lots: Vec::new(),
                moves: Vec::new(),
                hash: row.get(4),
            });
        }
        let index = |txns: &[Txn], id: u64| txns.binary_search_by_key(&id, |t| t.id).ok();
        for row in self.query(
            "SELECT txn, account, amount::text FROM postings WHERE txn >= $1 AND txn < $2 ORDER BY txn, seq",
            &[&lo, &hi],
        )? {
            if let Some(i) = index(&txns, id(row.get(0))) {
                txns[i].postings.push(Posting {
                    account: account(row.get(1))?,
                    amount: decimal(row.get(2))?,
                });
            }
        }
        for row in self.query(
            "SELECT id, member, earned::text, amount::text, amount::text, txn FROM lots WHERE txn >= $1 AND txn < $2 ORDER BY id",
            &[&lo, &hi],
        )? {
            if let Some(i) = index(&txns, id(row.get(5))) {
                // As created: what remains now is not part of the transaction.
                txns[i].lots.push(lot(&row)?);
            }
        }
        for row in self.query(
            "SELECT txn, lot, delta::text FROM lot_moves WHERE txn >= $1 AND txn < $2 ORDER BY txn, seq",
            &[&lo, &hi],
        )? {
            if let Some(i) = index(&txns, id(row.get(0))) {
                txns[i].moves.push(LotMove {
                    lot: id(row.get(1)),
                    delta: decimal(row.get(2))?,
                });
            }
        }
        Ok(txns)
    }

    fn lots(&mut self, sql: &'static str, param: &(dyn ToSql + Sync)) -> Result<Vec<Lot>, BankError> {
        self.query(sql, &[param])?.iter().map(lot).collect()
    }

    fn tail(&mut self) -> Result<Tail, BankError> {
        if let Some(tail) = self.tail.take() {
            return Ok(tail);
        }
        let head = Journal::head(self)?;
        let next_lot: i64 = self
            .query("SELECT coalesce(max(id), 0) + 1 FROM lots", &[])?
            .first()
            .map_or(1, |r| r.get(0));
        Ok(Tail {
            id: head.count,
            hash: head.hash,
            next_lot: id(next_lot),
        })
    }
}

impl Journal for PgJournal<'_> {
    fn find_key(&mut self, key: &str) -> Result<Option<Txn>, BankError> {
        let found = self.query("SELECT id FROM txns WHERE key = $1", &[&key])?;
        match found.first() {
            Some(row) => self.txn(id(row.get(0))),
            None => Ok(None),
        }
    }

    fn txn(&mut self, id: u64) -> Result<Option<Txn>, BankError> {
        Ok(self.load_range(id, id + 1)?.pop())
    }

    fn reversal_of(&mut self, txn: u64) -> Result<Option<u64>, BankError> {
        Ok(self
            .query("SELECT id FROM txns WHERE reverses = $1", &[&(txn as i64)])?
            .first()
            .map(|r| id(r.get(0))))
    }

    fn balance(&mut self, of: &Account) -> Result<Decimal, BankError> {
        let rows = self.query(
            "SELECT balance::text FROM balances WHERE account = $1",
            &[&of.to_string()],
        )?;
        rows.first().map_or(Ok(Decimal::ZERO), |r| decimal(r.get(0)))
    }

    fn balances(&mut self) -> Result<Vec<(Account, Decimal)>, BankError> {
        let mut balances = self
            .query("SELECT account, balance::text FROM balances", &[])?
            .iter()
            .map(|r| Ok((account(r.get(0))?, decimal(r.get(1))?)))
            .collect::<Result<Vec<_>, BankError>>()?;
        balances.sort();
        balances.retain(|(_, b)| !b.is_zero());
        Ok(balances)
    }

    fn open_lots(&mut self, member: &str) -> Result<Vec<Lot>, BankError> {
        self.lots(
            "SELECT id, member, earned::text, amount::text, remaining::text FROM lots
             WHERE remaining > 0 AND member = $1 ORDER BY earned, id",
            &member,
        )
    }

    fn open_lots_earned_by(&mut self, day: Date) -> Result<Vec<Lot>, BankError> {
        self.lots(
            "SELECT id, member, earned::text, amount::text, remaining::text FROM lots
             WHERE remaining > 0 AND earned <= $1::text::date ORDER BY member, earned, id",
            &day.to_string(),
        )
    }

    fn lot(&mut self, lot_id: u64) -> Result<Option<Lot>, BankError> {
        let rows = self.query(
            "SELECT id, member, earned::text, amount::text, remaining::text FROM lots WHERE id = $1",
            &[&(lot_id as i64)],
        )?;
        rows.first().map(lot).transpose()
    }

    fn member_txns(&mut self, member: &str) -> Result<Vec<Txn>, BankError> {
        let ids: Vec<u64> = self
            .query(
                "SELECT DISTINCT txn FROM postings WHERE account = $1 OR account = $2 ORDER BY txn",
                &[
                    &Account::member(member).to_string(),
                    &Account::Owed(member.to_owned()).to_string(),
                ],
            )?
            .iter()
            .map(|r| id(r.get(0)))
            .collect();
        let mut txns = Vec::with_capacity(ids.len());
        for id in ids {
            txns.extend(self.txn(id)?);
        }
        Ok(txns)
    }

    fn each_txn(&mut self, visit: &mut dyn FnMut(Txn) -> Result<(), BankError>) -> Result<(), BankError> {
        const PAGE: u64 = 20_000;
        let last = Journal::head(self)?.count;
        let mut lo = 1;
        while lo <= last {
            for txn in self.load_range(lo, lo + PAGE)? {
                visit(txn)?;
            }
            lo += PAGE;
        }
        Ok(())
    }

    fn append(&mut self, new: NewTxn) -> Result<Txn, BankError> {
        let mut tail = self.tail()?;
        let mut txn = new.numbered(tail.id + 1, tail.next_lot);
        txn.hash = chain::link(&tail.hash, &txn);
        let reverses = match &txn.source {
            Source::Reverse { txn, .. } => Some(*txn as i64),
            _ => None,
        };
        let accounts: Vec<String> = txn.postings.iter().map(|p| p.account.to_string()).collect();
        let amounts: Vec<String> = txn.postings.iter().map(|p| p.amount.to_string()).collect();
        let lot_ids: Vec<i64> = txn.lots.iter().map(|l| l.id as i64).collect();
        let lot_members: Vec<&str> = txn.lots.iter().map(|l| l.member.as_str()).collect();
        let lot_earned: Vec<String> = txn.lots.iter().map(|l| l.earned.to_string()).collect();
        let lot_amounts: Vec<String> = txn.lots.iter().map(|l| l.amount.to_string()).collect();
        let moved: Vec<i64> = txn.moves.iter().map(|m| m.lot as i64).collect();
        let deltas: Vec<String> = txn.moves.iter().map(|m| m.delta.to_string()).collect();
        let rows = self.query(
            APPEND,
            &[
                &(txn.id as i64),
                &txn.date.to_string(),
                &txn.source.kind(),
                &txn.key,
                &reverses,
                &serde_json::to_string(&txn.source)?,
                &txn.hash,
                &accounts,
                &amounts,
                &lot_ids,
                &lot_members,
                &lot_earned,
                &lot_amounts,
                &moved,
                &deltas,
            ],
        )?;
        let updated: i64 = rows.first().map_or(0, |r| r.get(0));
        let mut distinct = moved.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if updated != distinct.len() as i64 {
            return Err(BankError::storage(format!(
                "transaction #{} moves credits of a lot that is missing",
                txn.id
            )));
        }
        if let Some(last) = txn.lots.last() {
            tail.next_lot = last.id + 1;
        }
        tail.id = txn.id;
        tail.hash.clone_from(&txn.hash);
        self.tail = Some(tail);
        self.index_award(&txn)?;
        Ok(txn)
    }

    fn award(&mut self, key: &AwardKey) -> Result<Option<Held>, BankError> {
        let rows = self.query(
            "SELECT credits::text, records, version FROM awards
             WHERE book = $1 AND member = $2 AND rule = $3 AND date = $4::text::date",
            &[&key.book, &key.member, &key.rule, &key.date.to_string()],
        )?;
        rows.first().map(held(0)).transpose()
    }

    fn awards_between(
        &mut self,
        book: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<(AwardKey, Held)>, BankError> {
        let rows = self.query(
            "SELECT credits::text, records, version, member, rule, date::text FROM awards
             WHERE book = $1 AND date >= $2::text::date AND date <= $3::text::date AND credits <> 0
             ORDER BY member, rule, date",
            &[&book, &from.to_string(), &to.to_string()],
        )?;
        rows.iter()
            .map(|r| {
                let key = AwardKey {
                    book: book.to_owned(),
                    member: r.get(3),
                    rule: r.get(4),
                    date: date(r.get(5))?,
                };
                Ok((key, held(0)(r)?))
            })
            .collect()
    }

    fn latest_movement(&mut self, member: &str) -> Result<Option<Date>, BankError> {
        let rows = self.query(
            "SELECT max(t.date)::text FROM txns t
             WHERE t.id IN (SELECT txn FROM postings WHERE account = $1 OR account = $2)",
            &[
                &Account::member(member).to_string(),
                &Account::Owed(member.to_owned()).to_string(),
            ],
        )?;
        let day: Option<String> = rows.first().and_then(|r| r.get(0));
        day.map(|d| date(&d)).transpose()
    }

    fn members(&mut self) -> Result<Vec<String>, BankError> {
        Ok(self
            .query(
                "SELECT DISTINCT account FROM postings WHERE account LIKE 'member:%' ORDER BY account",
                &[],
            )?
            .iter()
            .filter_map(|r| r.get::<_, String>(0).strip_prefix("member:").map(str::to_owned))
            .collect())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, BankError> {
        Ok(self
            .query("SELECT value FROM meta WHERE key = $1", &[&key])?
            .first()
            .map(|r| r.get(0)))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), BankError> {
        self.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn all_meta(&mut self) -> Result<Vec<(String, String)>, BankError> {
        Ok(self
            .query("SELECT key, value FROM meta ORDER BY key", &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn head(&mut self) -> Result<Head, BankError> {
        if let Some(tail) = &self.tail {
            return Ok(Head {
                count: tail.id,
                hash: tail.hash.clone(),
            });
        }
        let rows = self.query("SELECT id, hash FROM txns ORDER BY id DESC LIMIT 1", &[])?;
        Ok(rows.first().map_or_else(Head::empty, |r| Head {
            count: id(r.get(0)),
            hash: r.get(1),
        }))
    }
}
