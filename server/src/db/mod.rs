//! The database: one connection type over SQLite and PostgreSQL, a pool, the
//! embedded migrations and the transaction helper. Queries live in the
//! per-resource modules beside this one.

pub mod audit;
pub mod cards;
pub mod events;
pub mod limits;
pub mod links;
pub mod media;
pub mod notifications;
pub mod offices;
pub mod prepared;
pub mod review;
pub mod routes;
pub mod schema;
pub mod tokens;
pub mod users;
mod writer;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Which database a `DATABASE_URL` names, decided by its scheme alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Postgres(String),
    Sqlite(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite:// or postgres://, got scheme '{0}'")]
    UnknownScheme(String),
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("cannot run migrations: {0}")]
    Migrate(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::PoolError),
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        let scheme = url.split_once(':').map_or(url, |(s, _)| s);
        match scheme {
            "postgres" | "postgresql" => Ok(Backend::Postgres(url.to_owned())),
            "sqlite" => {
                let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
                Ok(Backend::Sqlite(PathBuf::from(path)))
            }
            other => Err(DbError::UnknownScheme(other.to_owned())),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Postgres(_) => "postgres",
            Backend::Sqlite(_) => "sqlite",
        }
    }
}

/// Opens connections of the backend the URL's scheme names, and gives each
/// SQLite connection the pragmas it needs.
#[derive(Debug)]
pub struct Manager {
    backend: Backend,
    /// SQLite's writer of this database, registered with the first
    /// connection and kept while the pool lives.
    writer: std::sync::OnceLock<std::sync::Arc<writer::Writer>>,
}

/// Opens a SQLite connection with the pragmas every connection needs.
fn open_sqlite(path: &Path) -> Result<diesel::SqliteConnection, r2d2::Error> {
    let mut conn =
        diesel::SqliteConnection::establish(&path.to_string_lossy()).map_err(r2d2::Error::ConnectionError)?;
    // The busy timeout comes first: switching to WAL takes a lock, and a
    // start right after a crash may find another connection recovering the
    // log. WAL lets readers work beside the one writer; the busy timeout
    // makes another process's writer wait instead of failing. The log is
    // checkpointed by a thread of its own (see `Checkpointer`); the high
    // automatic threshold only bounds the log should that thread fall behind.
    conn.batch_execute(
        "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
         PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA wal_autocheckpoint = 10000;",
    )
    .map_err(r2d2::Error::QueryError)?;
    Ok(conn)
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.backend {
            Backend::Postgres(url) => {
                diesel::PgConnection::establish(url).map(DbConnection::Postgres).map_err(r2d2::Error::ConnectionError)
            }
            Backend::Sqlite(path) => {
                let mut conn = open_sqlite(path)?;
                if self.writer.get().is_none() {
                    let registered =
                        writer::Writer::register(&mut conn, path.clone()).map_err(r2d2::Error::QueryError)?;
                    if let Some(w) = registered {
                        // Another connection may have set it meanwhile: the same writer.
                        let _ = self.writer.set(w);
                    }
                }
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    /// A connection whose transaction could not be closed (the database
    /// went away mid-transaction) is dropped, never lent out again.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        match conn {
            DbConnection::Postgres(c) => c.is_broken(),
            DbConnection::Sqlite(c) => c.is_broken(),
        }
    }
}

/// Opens the pool and runs pending migrations. Fails fast with the cause
/// when the database cannot be reached.
pub fn connect(url: &str) -> Result<(Pool, Backend), DbError> {
    let backend = Backend::from_url(url)?;
    if let Backend::Sqlite(path) = &backend {
        ensure_parent(path)?;
        // SQLite gives its -wal and -shm files the database file's mode.
        let private = |p: &Path| crate::private_files::touch(p);
        private(path).map_err(|e| DbError::Connect(format!("{}: {e}", path.display())))?;
        for suffix in ["-wal", "-shm"] {
            let mut log = path.clone().into_os_string();
            log.push(suffix);
            crate::private_files::restrict(Path::new(&log))
                .map_err(|e| DbError::Connect(format!("{}: {e}", path.display())))?;
        }
    }
    let size = match backend {
        Backend::Postgres(_) => 12,
        Backend::Sqlite(_) => 8,
    };
    let manager = Manager { backend: backend.clone(), writer: std::sync::OnceLock::new() };
    // Try once by hand so the caller sees the real cause, not a pool timeout.
    manager.connect().map_err(|e| DbError::Connect(e.to_string()))?;
    let pool = r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
        .map_err(|e| DbError::Connect(e.to_string()))?;
    let mut conn = pool.get()?;
    migrate(&mut conn)?;
    Ok((pool, backend))
}

fn ensure_parent(path: &Path) -> Result<(), DbError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|e| DbError::Connect(format!("{}: {e}", dir.display())))
        }
        _ => Ok(()),
    }
}

/// Runs the backend's pending migrations; returns how many ran.
pub fn migrate(conn: &mut DbConnection) -> Result<usize, DbError> {
    let ran = match conn {
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    ran.map_err(|e| DbError::Migrate(e.to_string()))
}

/// Copies SQLite's write-ahead log back into the database every half
/// second, from a thread of its own. Left to SQLite, the copy (and its
/// fsync) runs inside the COMMIT of whichever request crossed the
/// threshold, while the next writers wait. Stops when dropped.
pub struct Checkpointer {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Checkpointer {
    /// Starts checkpointing when the pool is SQLite's; `None` otherwise.
    pub fn start(pool: &Pool, backend: &Backend) -> Option<Checkpointer> {
        use std::sync::atomic::{AtomicBool, Ordering};
        if !matches!(backend, Backend::Sqlite(_)) {
            return None;
        }
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (pool, flag) = (pool.clone(), stop.clone());
        let spawned = std::thread::Builder::new().name("sqlite-checkpoint".into()).spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(500));
                if let Ok(mut conn) = pool.get() {
                    if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                        tracing::warn!(error = %e, "WAL checkpoint failed");
                    }
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no checkpoint thread; SQLite checkpoints on commit");
        }
        Some(Checkpointer { stop })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs `f` in a transaction that takes the write lock at its start.
///
/// On SQLite a deferred transaction that reads and then writes fails with
/// "database is locked" when another writer got in between, whatever the
/// busy timeout; `BEGIN IMMEDIATE` waits for the lock up front instead.
/// SQLite's writes run on the database's one writer connection (see
/// `writer`): `f` is handed that connection, not the caller's.
///
/// Called inside a transaction already open, `f` joins it: its work commits
/// or rolls back with the outer unit (an action and its audit record).
pub fn write_tx<T, E>(conn: &mut DbConnection, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let open = match conn {
        DbConnection::Postgres(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?,
        DbConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?,
    };
    if open.is_some() {
        return f(conn);
    }
    match conn {
        DbConnection::Postgres(_) => in_transaction(conn, f),
        DbConnection::Sqlite(_) => writer::transaction(conn, f),
    }
}

/// Begins a transaction on `conn` (on SQLite an immediate one), runs `f`,
/// and commits, or rolls back when `f` fails.
fn in_transaction<T, E>(conn: &mut DbConnection, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
    }
    match f(conn) {
        Ok(value) => {
            match conn {
                DbConnection::Postgres(c) => AnsiTransactionManager::commit_transaction(c)?,
                DbConnection::Sqlite(c) => AnsiTransactionManager::commit_transaction(c)?,
            }
            Ok(value)
        }
        Err(e) => {
            let rolled_back = match conn {
                DbConnection::Postgres(c) => AnsiTransactionManager::rollback_transaction(c),
                DbConnection::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
            };
            if let Err(rb) = rolled_back {
                tracing::error!(error = %rb, "rollback failed");
            }
            Err(e)
        }
    }
}

/// Refreshes PostgreSQL's statistics of a table that is growing fast (an
/// import): planned from "empty table" statistics, the NIK look-up scanned
/// the whole table for every batch, which made large imports quadratic.
pub fn refresh_stats(conn: &mut DbConnection, table: &str) -> QueryResult<()> {
    if let DbConnection::Postgres(c) = conn {
        c.batch_execute(&format!("ANALYZE {table}"))?;
    }
    Ok(())
}

/// Locks cards' rows for the rest of the transaction, in the order given
/// (callers sort it), so two syncs of the same card fold its log one after
/// the other. SQLite's immediate transactions already serialise writers.
/// `FOR NO KEY UPDATE` queues lockers as `FOR UPDATE` would, without waiting
/// for the key-share locks rows pointing at a card (events, stops) hold.
pub fn lock_cards(conn: &mut DbConnection, card_ids: &[String]) -> QueryResult<()> {
    lock_rows(conn, "SELECT id FROM cards WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE", card_ids)
}

/// Runs a PostgreSQL row-locking statement over `ids` (none: nothing).
fn lock_rows(conn: &mut DbConnection, statement: &str, ids: &[String]) -> QueryResult<()> {
    if let DbConnection::Postgres(c) = conn {
        if !ids.is_empty() {
            diesel::sql_query(statement)
                .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(ids)
                .execute(c)?;
        }
    }
    Ok(())
}

/// Locks couriers' user rows (callers sort them, and lock them after any
/// cards) while a route of theirs is made or given to them: two desks
/// making a route for one courier's day at once take turns, and the second
/// sees the first's route. SQLite's immediate transactions already
/// serialise writers.
pub fn lock_couriers(conn: &mut DbConnection, courier_ids: &[String]) -> QueryResult<()> {
    lock_rows(conn, "SELECT id FROM users WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE", courier_ids)
}

/// The current time as stored: UTC, microsecond precision (what both
/// backends keep), so a value read back equals the value written.
pub fn now() -> chrono::NaiveDateTime {
    truncate(chrono::Utc::now().naive_utc())
}

pub fn truncate(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Timelike};
    let micros = t.nanosecond() / 1000 * 1000;
    t.with_nanosecond(micros).unwrap_or_else(|| t.trunc_subsecs(6))
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
