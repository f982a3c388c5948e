//! The bank in one SQLite file (feature `sqlite`; bundled SQLite).
//!
//! - WAL journal, `synchronous = FULL`: a committed transaction survives a crash of
//!   the process or of the machine.
//! - Each unit of work is one SQL transaction; a writing one starts with
//!   `BEGIN IMMEDIATE`, which takes the database's write lock before reading a
//!   balance, so two processes redeeming at once are serialised and cannot both spend
//!   the same credits. A waiting process retries for up to [`BUSY_TIMEOUT`].
//! - Decimals are TEXT (exact); sums are made in Rust, never by SQL (whose `SUM`
//!   would use floats).
//! - The schema is versioned with `PRAGMA user_version`; [`MIGRATIONS`] bring an
//!   older file up to date when it is opened. A ledger written before the hash chain
//!   (§8.4) gets its chain computed then, once (meta `chain`).

use std::path::Path;
use std::time::Duration;

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use rust_decimal::Decimal;

use super::error::BankError;
use super::model::{Account, AwardKey, Held, Lot, LotMove, NewTxn, Posting, Source, Txn};
use super::store::{Access, Journal, Store, account, date, decimal};

/// How long a process waits for another one's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Schema migrations: entry N brings `user_version` N to N + 1.
pub const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE txns (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT UNIQUE,
    reverses INTEGER UNIQUE REFERENCES txns(id),
    source TEXT NOT NULL
);
CREATE TABLE postings (
    txn INTEGER NOT NULL REFERENCES txns(id),
    account TEXT NOT NULL,
    amount TEXT NOT NULL
);
CREATE INDEX postings_by_txn ON postings(txn);
CREATE INDEX postings_by_member ON postings(account, txn) WHERE account LIKE 'member:%';
CREATE TABLE lots (
    id INTEGER PRIMARY KEY,
    txn INTEGER NOT NULL REFERENCES txns(id),
    member TEXT NOT NULL,
    earned TEXT NOT NULL,
    amount TEXT NOT NULL,
    remaining TEXT NOT NULL,
    open INTEGER NOT NULL
);
CREATE INDEX lots_by_txn ON lots(txn);
CREATE INDEX lots_open ON lots(member, earned, id) WHERE open;
CREATE INDEX lots_open_by_date ON lots(earned) WHERE open;
CREATE TABLE lot_moves (
    txn INTEGER NOT NULL REFERENCES txns(id),
    lot INTEGER NOT NULL REFERENCES lots(id),
    delta TEXT NOT NULL
);
CREATE INDEX lot_moves_by_txn ON lot_moves(txn);
CREATE TABLE balances (account TEXT PRIMARY KEY, balance TEXT NOT NULL) WITHOUT ROWID;
"#,
    r#"
CREATE TABLE awards (
    book TEXT NOT NULL,
    member TEXT NOT NULL,
    rule TEXT NOT NULL,
    date TEXT NOT NULL,
    credits TEXT NOT NULL,
    records TEXT NOT NULL,
    version TEXT,
    PRIMARY KEY (book, member, rule, date)
) WITHOUT ROWID;
CREATE INDEX awards_by_date ON awards(book, date);
CREATE INDEX postings_by_owed ON postings(account, txn) WHERE account LIKE 'owed:%';
"#,
    r#"
ALTER TABLE txns ADD COLUMN hash TEXT;
"#,
];

/// The meta key saying the chain has been computed for every row (set when a file
/// is created or upgraded; rows written since carry their hash from the start).
const CHAIN_META: &str = "chain";

/// A bank file.
pub struct SqliteStore {
    conn: Connection,
    /// Opened read-only (the file or its folder cannot be written): reads only.
    read_only: bool,
    /// Whether the file passed `quick_check` and the ledger's cheap invariants
    /// (checked before the first write of this connection).
    sound: bool,
}

impl SqliteStore {
    /// Opens an existing bank file and brings its schema up to date; a missing file
    /// is an error (a typo must not become an empty bank). A file that cannot be
    /// written is opened read-only: balances, statements and `verify` work.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, BankError> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(BankError::new(
                super::ErrorKind::NoBank,
                format!(
                    "there is no bank at {}: check the path, or create one with `merit bank init --db {}`",
                    path.display(),
                    path.display()
                ),
            ));
        }
        let writable = std::fs::OpenOptions::new().append(true).open(path).is_ok()
            && !std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly());
        if !writable {
            return SqliteStore::open_read_only(path);
        }
        SqliteStore::connect(path)
    }

    /// Creates a bank file (or opens the one there).
    pub fn create(path: impl AsRef<Path>) -> Result<SqliteStore, BankError> {
        SqliteStore::connect(path.as_ref())
    }

    fn open_read_only(path: &Path) -> Result<SqliteStore, BankError> {
        use rusqlite::OpenFlags;
        let flags =
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let cannot =
            |e: rusqlite::Error| BankError::storage(format!("cannot open {} read-only: {e}", path.display()));
        let mut conn = Connection::open_with_flags(path, flags).map_err(cannot)?;
        // A read-only file in WAL mode whose folder is not writable either cannot have
        // its shared-memory file: read it as immutable (nobody can be writing to it).
        if conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
            .is_err()
        {
            let uri = format!("file:{}?immutable=1", path.display());
            conn = Connection::open_with_flags(uri, flags).map_err(cannot)?;
        }
        let version: usize = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| BankError::storage(format!("{}: {e}", path.display())))?;
        if version != MIGRATIONS.len() {
            return Err(BankError::storage(format!(
                "{} is read-only and its schema (version {version}) needs upgrading to {}: open it once writable",
                path.display(),
                MIGRATIONS.len()
            )));
        }
        Ok(SqliteStore {
            conn,
            read_only: true,
            sound: false,
        })
    }

    fn connect(path: &Path) -> Result<SqliteStore, BankError> {
        let conn = Connection::open(path)
            .map_err(|e| BankError::storage(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(BankError::storage(format!(
                "cannot use WAL journal mode (got {mode})"
            )));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(|e| BankError::storage(format!("{}: {e}", path.display())))?;
        let mut store = SqliteStore {
            conn,
            read_only: false,
            sound: false,
        };
        store
            .migrate()
            .map_err(|e| BankError::storage(format!("{}: {e}", path.display())))?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), BankError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > MIGRATIONS.len() {
            return Err(BankError::storage(format!(
                "the bank's schema is version {version}; this merit knows up to {}: upgrade merit",
                MIGRATIONS.len()
            )));
        }
        if version == 0 {
            let tables: i64 = tx.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )?;
            if tables > 0 {
                return Err(BankError::storage("this database is not a merit bank"));
            }
        }
        for (n, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", n + 1)?;
        }
        // Migration 1 made the award index; it is filled from the journal once every
        // column the journal's rows are read with exists.
        if version <= 1 {
            backfill_awards(&tx)?;
        }
        let mut journal = SqliteJournal { conn: &tx };
        if journal.meta(CHAIN_META)?.is_none() {
            journal.compute_chain()?;
            journal.set_meta(CHAIN_META, "sha256")?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Refuses to write into a damaged file: SQLite's `quick_check`, then the
    /// ledger's cheap invariants (balances sum to zero, no member negative, no debt
    /// positive). The full replay is `verify`'s.
    fn check_sound(&mut self) -> Result<(), BankError> {
        if self.sound {
            return Ok(());
        }
        let refuse = |why: String| {
            BankError::new(
                super::ErrorKind::Damaged,
                format!(
                    "the bank file is damaged ({why}); nothing was written: run `merit bank verify` and restore a backup"
                ),
            )
        };
        let check: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| refuse(e.to_string()))?;
        if check != "ok" {
            return Err(refuse(format!("quick_check: {check}")));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let problems = {
            let mut journal = SqliteJournal { conn: &tx };
            let balances = Journal::balances(&mut journal).map_err(|e| refuse(e.message))?;
            let mut total = Decimal::ZERO;
            let mut problems = Vec::new();
            for (account, balance) in &balances {
                total = total.checked_add(*balance).unwrap_or(Decimal::MAX);
                let wrong = match account {
                    Account::Member(_) => *balance < Decimal::ZERO,
                    Account::Owed(_) => *balance > Decimal::ZERO,
                    _ => false,
                };
                if wrong {
                    problems.push(format!("{account} holds {balance}"));
                }
            }
            if !total.is_zero() {
                problems.push(format!("the balances sum to {total}, not 0"));
            }
            problems
        };
        tx.rollback()?;
        if !problems.is_empty() {
            return Err(refuse(problems.join("; ")));
        }
        self.sound = true;
        Ok(())
    }
}

/// Fills `awards` from the journal of a file written before it existed.
fn backfill_awards(conn: &Connection) -> Result<(), BankError> {
    let mut journal = SqliteJournal { conn };
    let mut earned: std::collections::HashMap<u64, AwardKey> = std::collections::HashMap::new();
    let mut txns = Vec::new();
    journal.each_txn(&mut |txn| {
        txns.push(txn);
        Ok(())
    })?;
    for mut txn in txns {
        if let Source::Reverse {
            txn: original, award, ..
        } = &mut txn.source
        {
            *award = earned.get(original).cloned();
        }
        if let Some((key, _)) = txn.award() {
            earned.insert(txn.id, key);
        }
        journal.index_award(&txn)?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn transact(
        &mut self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Journal) -> Result<(), BankError>,
    ) -> Result<(), BankError> {
        let behavior = match access {
            Access::Read => TransactionBehavior::Deferred,
            Access::Write => TransactionBehavior::Immediate,
        };
        if access == Access::Write {
            if self.read_only {
                return Err(BankError::new(
                    super::ErrorKind::ReadOnly,
                    "the bank file is read-only: balances, statements and verify work; writing needs a writable file",
                ));
            }
            self.check_sound()?;
        }
        let tx = self.conn.transaction_with_behavior(behavior)?;
        let mut journal = SqliteJournal { conn: &tx };
        work(&mut journal)?; // dropping `tx` rolls back
        match access {
            Access::Write => tx.commit()?,
            Access::Read => tx.rollback()?,
        }
        Ok(())
    }
}

struct SqliteJournal<'c> {
    conn: &'c Connection,
}

type LotRow = (u64, String, String, String, String);

fn lot((id, member, earned, amount, remaining): LotRow) -> Result<Lot, BankError> {
    Ok(Lot {
        id,
        member,
        earned: date(&earned)?,
        amount: decimal(&amount)?,
        remaining: decimal(&remaining)?,
    })
}

const LOT_COLUMNS: &str = "id, member, earned, amount, remaining";

fn lot_row(row: &rusqlite::Row) -> rusqlite::Result<LotRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
}

impl SqliteJournal<'_> {
    /// Hashes every transaction in id order and stores the hashes (the upgrade of a
    /// ledger written before the chain).
    fn compute_chain(&mut self) -> Result<(), BankError> {
        let mut previous = super::chain::GENESIS.to_owned();
        let mut hashes = Vec::new();
        self.each_txn(&mut |txn| {
            let hash = super::chain::link(&previous, &txn);
            previous.clone_from(&hash);
            hashes.push((txn.id, hash));
            Ok(())
        })?;
        let mut stmt = self
            .conn
            .prepare_cached("UPDATE txns SET hash = ?2 WHERE id = ?1")?;
        for (id, hash) in hashes {
            stmt.execute(params![id, hash])?;
        }
        Ok(())
    }

    /// Transactions with ids in `lo..hi`, complete with postings, lots and moves.
    fn load_range(&self, lo: u64, hi: u64) -> Result<Vec<Txn>, BankError> {
        let mut txns = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, date, key, source, coalesce(hash, '') FROM txns WHERE id >= ?1 AND id < ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![lo, hi], |r| {
            Ok((
                r.get::<_, u64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (id, day, key, source, hash) = row?;
            txns.push(Txn {
                id,
                date: date(&day)?,
                key,
                source: serde_json::from_str::<Source>(&source)?,
                postings: Vec::new(),
                lots: Vec::new(),
                moves: Vec::new(),
                hash,
            });
        }
        let index = |txns: &[Txn], id: u64| txns.binary_search_by_key(&id, |t| t.id).ok();
        let mut stmt = self.conn.prepare_cached(
            "SELECT txn, account, amount FROM postings WHERE txn >= ?1 AND txn < ?2 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![lo, hi], |r| {
            Ok((
                r.get::<_, u64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (txn, acc, amount) = row?;
            if let Some(i) = index(&txns, txn) {
                txns[i].postings.push(Posting {
                    account: account(&acc)?,
                    amount: decimal(&amount)?,
                });
            }
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {LOT_COLUMNS}, txn FROM lots WHERE txn >= ?1 AND txn < ?2 ORDER BY id"
        ))?;
        let rows = stmt.query_map(params![lo, hi], |r| Ok((lot_row(r)?, r.get::<_, u64>(5)?)))?;
        for row in rows {
            let (row, txn) = row?;
            if let Some(i) = index(&txns, txn) {
                txns[i].lots.push(lot(row)?);
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT txn, lot, delta FROM lot_moves WHERE txn >= ?1 AND txn < ?2 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![lo, hi], |r| {
            Ok((r.get::<_, u64>(0)?, r.get::<_, u64>(1)?, r.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (txn, lot, delta) = row?;
            if let Some(i) = index(&txns, txn) {
                txns[i].moves.push(LotMove {
                    lot,
                    delta: decimal(&delta)?,
                });
            }
        }
        // A lot's `amount` is what it was created with; `remaining` now is not part of
        // the transaction: show it as created.
        for txn in &mut txns {
            for lot in &mut txn.lots {
                lot.remaining = lot.amount;
            }
        }
        Ok(txns)
    }

    fn lots_where(&self, condition: &str, param: &str) -> Result<Vec<Lot>, BankError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {LOT_COLUMNS} FROM lots WHERE open AND {condition}"
        ))?;
        let rows: Vec<LotRow> = stmt.query_map([param], lot_row)?.collect::<Result<_, _>>()?;
        rows.into_iter().map(lot).collect()
    }

    fn add_to_balance(&self, account: &Account, amount: Decimal) -> Result<(), BankError> {
        let name = account.to_string();
        let before = self.balance(account)?;
        let after = super::ledger::checked_sum(before, amount, account)?;
        if after.is_zero() {
            self.conn
                .prepare_cached("DELETE FROM balances WHERE account = ?1")?
                .execute([&name])?;
        } else {
            self.conn
                .prepare_cached(
                    "INSERT INTO balances (account, balance) VALUES (?1, ?2)
                     ON CONFLICT (account) DO UPDATE SET balance = excluded.balance",
                )?
                .execute(params![name, after.to_string()])?;
        }
        Ok(())
    }

    /// Adds what `txn` gives an award to `awards`.
    fn index_award(&self, txn: &Txn) -> Result<(), BankError> {
        let Some((key, credits)) = txn.award() else {
            return Ok(());
        };
        let held = Journal::award(&mut SqliteJournal { conn: self.conn }, &key)?.unwrap_or_default();
        let credits = super::ledger::checked_sum(held.credits, credits, &Account::Issuance)?;
        let (records, version) = match &txn.source {
            Source::Earn { records, version, .. } => (records.clone(), version.clone()),
            _ => (held.records, held.version),
        };
        self.conn
            .prepare_cached(
                "INSERT INTO awards (book, member, rule, date, credits, records, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (book, member, rule, date) DO UPDATE SET credits = excluded.credits, records = excluded.records, version = excluded.version",
            )?
            .execute(params![
                key.book,
                key.member,
                key.rule,
                key.date.to_string(),
                credits.to_string(),
                serde_json::to_string(&records)?,
                version
            ])?;
        Ok(())
    }

    fn balance(&self, account: &Account) -> Result<Decimal, BankError> {
        let text: Option<String> = self
            .conn
            .prepare_cached("SELECT balance FROM balances WHERE account = ?1")?
            .query_row([account.to_string()], |r| r.get(0))
            .optional()?;
        text.map_or(Ok(Decimal::ZERO), |t| decimal(&t))
    }
}

impl Journal for SqliteJournal<'_> {
    fn find_key(&mut self, key: &str) -> Result<Option<Txn>, BankError> {
        let id: Option<u64> = self
            .conn
            .prepare_cached("SELECT id FROM txns WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => self.txn(id),
            None => Ok(None),
        }
    }

    fn txn(&mut self, id: u64) -> Result<Option<Txn>, BankError> {
        Ok(self.load_range(id, id + 1)?.pop())
    }

    fn reversal_of(&mut self, id: u64) -> Result<Option<u64>, BankError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM txns WHERE reverses = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    fn balance(&mut self, account: &Account) -> Result<Decimal, BankError> {
        SqliteJournal::balance(self, account)
    }

    fn balances(&mut self) -> Result<Vec<(Account, Decimal)>, BankError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT account, balance FROM balances")?;
        let rows: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut balances = rows
            .into_iter()
            .map(|(a, b)| Ok((account(&a)?, decimal(&b)?)))
            .collect::<Result<Vec<_>, BankError>>()?;
        balances.sort();
        balances.retain(|(_, b)| !b.is_zero());
        Ok(balances)
    }

    fn open_lots(&mut self, member: &str) -> Result<Vec<Lot>, BankError> {
        self.lots_where("member = ?1 ORDER BY earned, id", member)
    }

    fn open_lots_earned_by(&mut self, day: Date) -> Result<Vec<Lot>, BankError> {
        self.lots_where("earned <= ?1 ORDER BY member, earned, id", &day.to_string())
    }

    fn lot(&mut self, id: u64) -> Result<Option<Lot>, BankError> {
        let row = self
            .conn
            .prepare_cached(&format!("SELECT {LOT_COLUMNS} FROM lots WHERE id = ?1"))?
            .query_row([id], lot_row)
            .optional()?;
        row.map(lot).transpose()
    }

    fn member_txns(&mut self, member: &str) -> Result<Vec<Txn>, BankError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT txn FROM postings WHERE account = ?1 AND account LIKE 'member:%'
             UNION SELECT txn FROM postings WHERE account = ?2 AND account LIKE 'owed:%' ORDER BY txn",
        )?;
        let ids: Vec<u64> = stmt
            .query_map(
                [
                    Account::member(member).to_string(),
                    Account::Owed(member.to_owned()).to_string(),
                ],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        let mut txns = Vec::with_capacity(ids.len());
        for id in ids {
            txns.extend(self.txn(id)?);
        }
        Ok(txns)
    }

    fn each_txn(&mut self, visit: &mut dyn FnMut(Txn) -> Result<(), BankError>) -> Result<(), BankError> {
        const PAGE: u64 = 20_000;
        let last: u64 = self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM txns", [], |r| r.get(0))?;
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
        let reverses = match &new.source {
            Source::Reverse { txn, .. } => Some(*txn),
            _ => None,
        };
        self.conn
            .prepare_cached(
                "INSERT INTO txns (date, kind, key, reverses, source) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                new.date.to_string(),
                new.source.kind(),
                new.key,
                reverses,
                serde_json::to_string(&new.source)?
            ])?;
        let id = self.conn.last_insert_rowid() as u64;
        for posting in &new.postings {
            self.conn
                .prepare_cached("INSERT INTO postings (txn, account, amount) VALUES (?1, ?2, ?3)")?
                .execute(params![
                    id,
                    posting.account.to_string(),
                    posting.amount.to_string()
                ])?;
            self.add_to_balance(&posting.account, posting.amount)?;
        }
        let mut lots = Vec::with_capacity(new.lots.len());
        for lot in new.lots {
            self.conn
                .prepare_cached(
                    "INSERT INTO lots (txn, member, earned, amount, remaining, open) VALUES (?1, ?2, ?3, ?4, ?4, 1)",
                )?
                .execute(params![id, lot.member, lot.earned.to_string(), lot.amount.to_string()])?;
            lots.push(Lot {
                id: self.conn.last_insert_rowid() as u64,
                member: lot.member,
                earned: lot.earned,
                amount: lot.amount,
                remaining: lot.amount,
            });
        }
        for moved in &new.moves {
            let before = Journal::lot(self, moved.lot)?
                .ok_or_else(|| BankError::storage(format!("lot {} is missing", moved.lot)))?;
            let after = before.remaining + moved.delta;
            self.conn
                .prepare_cached("UPDATE lots SET remaining = ?2, open = ?3 WHERE id = ?1")?
                .execute(params![moved.lot, after.to_string(), after > Decimal::ZERO])?;
            self.conn
                .prepare_cached("INSERT INTO lot_moves (txn, lot, delta) VALUES (?1, ?2, ?3)")?
                .execute(params![id, moved.lot, moved.delta.to_string()])?;
        }
        let mut txn = Txn {
            id,
            date: new.date,
            key: new.key,
            source: new.source,
            postings: new.postings,
            lots,
            moves: new.moves,
            hash: String::new(),
        };
        let previous: Option<String> = self
            .conn
            .prepare_cached("SELECT hash FROM txns WHERE id < ?1 ORDER BY id DESC LIMIT 1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        txn.hash = super::chain::link(previous.as_deref().unwrap_or(super::chain::GENESIS), &txn);
        self.conn
            .prepare_cached("UPDATE txns SET hash = ?2 WHERE id = ?1")?
            .execute(params![id, txn.hash])?;
        self.index_award(&txn)?;
        Ok(txn)
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, BankError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), BankError> {
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?;
        Ok(())
    }

    fn award(&mut self, key: &AwardKey) -> Result<Option<Held>, BankError> {
        let row: Option<(String, String, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT credits, records, version FROM awards WHERE book = ?1 AND member = ?2 AND rule = ?3 AND date = ?4",
            )?
            .query_row(
                params![key.book, key.member, key.rule, key.date.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(credits, records, version)| {
            Ok(Held {
                credits: decimal(&credits)?,
                records: serde_json::from_str(&records)?,
                version,
            })
        })
        .transpose()
    }

    fn awards_between(
        &mut self,
        book: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<(AwardKey, Held)>, BankError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT member, rule, date, credits, records, version FROM awards
             WHERE book = ?1 AND date >= ?2 AND date <= ?3 ORDER BY member, rule, date",
        )?;
        type Row = (String, String, String, String, String, Option<String>);
        let rows: Vec<Row> = stmt
            .query_map(params![book, from.to_string(), to.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (member, rule, day, credits, records, version) in rows {
            let held = Held {
                credits: decimal(&credits)?,
                records: serde_json::from_str(&records)?,
                version,
            };
            if !held.credits.is_zero() {
                let key = AwardKey {
                    book: book.to_owned(),
                    member,
                    rule,
                    date: date(&day)?,
                };
                out.push((key, held));
            }
        }
        Ok(out)
    }

    fn latest_movement(&mut self, member: &str) -> Result<Option<Date>, BankError> {
        let day: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT max(t.date) FROM txns t WHERE t.id IN (
                    SELECT txn FROM postings WHERE account = ?1 AND account LIKE 'member:%'
                    UNION SELECT txn FROM postings WHERE account = ?2 AND account LIKE 'owed:%')",
            )?
            .query_row(
                [
                    Account::member(member).to_string(),
                    Account::Owed(member.to_owned()).to_string(),
                ],
                |r| r.get(0),
            )?;
        day.map(|d| date(&d)).transpose()
    }

    fn members(&mut self) -> Result<Vec<String>, BankError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT account FROM postings WHERE account LIKE 'member:%' ORDER BY account",
        )?;
        let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|a| a.strip_prefix("member:").map(str::to_owned))
            .collect())
    }

    fn all_meta(&mut self) -> Result<Vec<(String, String)>, BankError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, value FROM meta ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn head(&mut self) -> Result<super::chain::Head, BankError> {
        let last: Option<(u64, Option<String>)> = self
            .conn
            .prepare_cached("SELECT id, hash FROM txns ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(match last {
            Some((count, hash)) => super::chain::Head {
                count,
                hash: hash.unwrap_or_default(),
            },
            None => super::chain::Head::empty(),
        })
    }
}
