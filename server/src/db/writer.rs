//! SQLite's writer: one connection per database does all of this process's
//! write transactions on it.
//!
//! In WAL mode a connection empties its whole page cache when it finds that
//! another connection has written since its last transaction. With a busy
//! server's writes spread over the pool, every write began on a cold cache
//! and read its B-tree pages back from the file; the one connection that
//! does all the writes keeps them warm (BENCHMARKS.md, eleventh session:
//! route set-up a fifth faster; the national day, bound by the pages each
//! commit writes, unchanged). Its page cache stays SQLite's default: a
//! larger one made the national day slower, not faster.
//! Its lock also queues this process's writers: SQLite's own wait for the
//! write lock polls with sleeps of up to 100 ms, leaving the database idle
//! while writers nap, where the lock hands it over at once. Another process
//! (`antar backup`, say) still meets the busy timeout.
//!
//! A pool's manager registers the writer of its database when it opens its
//! first connection and keeps it while the pool lives; pools of one file in
//! one process share it. Connections no pool made (tools, tests) write on
//! themselves, one at a time.

use super::prepared::Prepared;
use super::DbConnection;
use diesel::r2d2::R2D2Connection;
use diesel::{QueryResult, QueryableByName, RunQueryDsl, SqliteConnection};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

/// The write connection of one database file, opened at its first write.
pub struct Writer {
    path: PathBuf,
    conn: Mutex<Option<DbConnection>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("path", &self.path).finish_non_exhaustive()
    }
}

/// Each database's writer by the file name SQLite gives it, kept alive by
/// the pools open on that file.
static WRITERS: Mutex<BTreeMap<String, Weak<Writer>>> = Mutex::new(BTreeMap::new());

/// Queues the writes of connections no pool made.
static UNPOOLED: Mutex<()> = Mutex::new(());

#[derive(QueryableByName)]
struct MainFile {
    #[diesel(sql_type = diesel::sql_types::Text)]
    file: String,
}

/// The file `conn` has open as its main database; empty for one in memory.
fn file_of(conn: &mut SqliteConnection) -> QueryResult<String> {
    let rows: Vec<MainFile> = Prepared::new("SELECT file FROM pragma_database_list WHERE name = 'main'").load(conn)?;
    Ok(rows.into_iter().next().map(|r| r.file).unwrap_or_default())
}

impl Writer {
    /// The writer of the database `conn` has open (opened again from
    /// `path` when it writes), made on the first call for that file. The
    /// caller keeps it alive; `None` for a database in memory, which no
    /// other connection can open.
    pub(super) fn register(conn: &mut SqliteConnection, path: PathBuf) -> QueryResult<Option<Arc<Writer>>> {
        let file = file_of(conn)?;
        if file.is_empty() {
            return Ok(None);
        }
        let mut writers = WRITERS.lock().unwrap_or_else(PoisonError::into_inner);
        writers.retain(|_, w| w.strong_count() > 0);
        if let Some(writer) = writers.get(&file).and_then(Weak::upgrade) {
            return Ok(Some(writer));
        }
        let writer = Arc::new(Writer { path, conn: Mutex::new(None) });
        writers.insert(file, Arc::downgrade(&writer));
        Ok(Some(writer))
    }

    /// The connection, once the lock is ours. A write that panicked had
    /// taken it out and dropped it (SQLite rolls back on close): the lock's
    /// poison says no more than that.
    fn slot(&self) -> MutexGuard<'_, Option<DbConnection>> {
        self.conn.lock().unwrap_or_else(|poisoned| {
            self.conn.clear_poison();
            poisoned.into_inner()
        })
    }
}

/// Runs `f` in a transaction (immediate: the write lock taken first) on
/// the writer of `conn`'s database, or on `conn` itself when no pool
/// registered one (or the writer cannot be opened).
pub(super) fn transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let file = match conn {
        DbConnection::Sqlite(c) => file_of(c)?,
        DbConnection::Postgres(_) => String::new(),
    };
    let writer = WRITERS.lock().unwrap_or_else(PoisonError::into_inner).get(&file).and_then(Weak::upgrade);
    let Some(writer) = writer else {
        let _queued = UNPOOLED.lock().unwrap_or_else(PoisonError::into_inner);
        return super::in_transaction(conn, f);
    };
    let mut slot = writer.slot();
    // Taken out while it writes: a write that panics drops it, and one
    // that leaves it broken does not put it back.
    let mut ours = match slot.take() {
        Some(ours) => ours,
        None => match super::open_sqlite(&writer.path) {
            Ok(opened) => DbConnection::Sqlite(opened),
            Err(e) => {
                tracing::warn!(error = %e, "cannot open SQLite's writer; writing on the request's connection");
                return super::in_transaction(conn, f);
            }
        },
    };
    let out = super::in_transaction(&mut ours, f);
    if let DbConnection::Sqlite(c) = &mut ours {
        if !c.is_broken() {
            *slot = Some(ours);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{connect, write_tx, Pool};
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::BigInt;
    use diesel::{QueryResult, QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn pool(dir: &tempfile::TempDir, name: &str) -> Pool {
        connect(&format!("sqlite://{}", dir.path().join(name).display())).expect("pool").0
    }

    fn count(conn: &mut super::DbConnection, table: &str) -> QueryResult<i64> {
        let rows: Vec<Count> = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).load(conn)?;
        Ok(rows.first().map_or(0, |c| c.n))
    }

    /// A temporary table lives in the connection that made it: the second
    /// write sees the first's only if both ran on one connection.
    #[test]
    fn writes_from_any_of_the_pools_connections_run_on_one_connection() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = pool(&dir, "a.db");
        let (mut a, mut b) = (pool.get().expect("a"), pool.get().expect("b"));
        write_tx(&mut a, |w| w.batch_execute("CREATE TEMP TABLE seen (x); INSERT INTO seen VALUES (1)"))
            .expect("first write");
        let seen = write_tx(&mut b, |w| count(w, "temp.seen")).expect("second write sees the table");
        assert_eq!(seen, 1);
        assert!(count(&mut a, "temp.seen").is_err(), "the caller's own connection never had the table");
    }

    /// With one lock for the whole process, a write to one database made
    /// while writing another would wait for itself.
    #[test]
    fn each_database_has_its_own_writer() {
        let dir = tempfile::tempdir().expect("dir");
        let (one, two) = (pool(&dir, "one.db"), pool(&dir, "two.db"));
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (mut a, mut b) = (one.get().expect("one"), two.get().expect("two"));
            let nested = write_tx(&mut a, |_| write_tx(&mut b, |w| count(w, "offices")));
            let _ = done.send(nested.is_ok());
        });
        let ok = finished.recv_timeout(std::time::Duration::from_secs(20)).expect("the inner write never waited");
        assert!(ok);
    }

    #[test]
    fn a_write_that_panicked_is_rolled_back_and_the_next_write_goes_through() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = pool(&dir, "p.db");
        let mut conn = pool.get().expect("conn");
        write_tx(&mut conn, |w| w.batch_execute("CREATE TABLE t (x)")).expect("table");
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = write_tx(&mut conn, |w| -> QueryResult<()> {
                w.batch_execute("INSERT INTO t VALUES (1)")?;
                panic!("a bug mid-write");
            });
        }));
        assert!(panicked.is_err());
        let mut other = pool.get().expect("other");
        write_tx(&mut other, |w| w.batch_execute("INSERT INTO t VALUES (2)")).expect("the next write");
        assert_eq!(count(&mut other, "t").expect("count"), 1, "only the second write is stored");
    }

    #[test]
    fn a_pools_writer_closes_with_the_pool() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("gone.db");
        let pool = pool(&dir, "gone.db");
        write_tx(&mut pool.get().expect("conn"), |w| count(w, "offices")).expect("write");
        let file = std::fs::canonicalize(&path).expect("file").display().to_string();
        let live = || super::WRITERS.lock().expect("writers").get(&file).and_then(std::sync::Weak::upgrade).is_some();
        assert!(live(), "the pool keeps its writer");
        drop(pool);
        assert!(!live(), "nothing keeps a closed pool's writer");
    }
}
