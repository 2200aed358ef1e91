//! Every migration runs up, down and up again, on both backends.

use antar_server::db::{self, DbConnection};
use antar_tests::pg;
use diesel::connection::SimpleConnection;
use diesel_migrations::MigrationHarness;

fn up_down_up(url: &str) {
    let (pool, _) = db::connect(url).unwrap();
    let mut conn = pool.get().unwrap();
    let reverted = match &mut *conn {
        DbConnection::Postgres(c) => c.revert_all_migrations(db::POSTGRES_MIGRATIONS).unwrap().len(),
        DbConnection::Sqlite(c) => c.revert_all_migrations(db::SQLITE_MIGRATIONS).unwrap().len(),
    };
    assert!(reverted >= 1);
    assert!(conn.batch_execute("SELECT 1 FROM cards").is_err(), "down removed the tables");
    assert_eq!(db::migrate(&mut conn).unwrap(), reverted, "up again runs every migration");
    conn.batch_execute("SELECT 1 FROM cards").unwrap();
}

#[test]
fn sqlite_migrations_run_up_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    up_down_up(&format!("sqlite://{}", dir.path().join("m.sqlite3").display()));
}

#[test]
fn postgres_migrations_run_up_down_and_up_again() {
    if let Some(url) = pg::fresh_database() {
        up_down_up(&url);
    }
}

/// A start right after a crash can find the SQLite file locked while
/// another connection recovers it: the connection waits (busy_timeout is set
/// before switching to WAL, which takes a lock) instead of failing with
/// "database is locked".
#[test]
fn sqlite_start_waits_for_a_locked_database() {
    use diesel::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.sqlite3");
    let mut holder = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    holder.batch_execute("CREATE TABLE t (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let release = std::thread::spawn(move || {
        rx.recv().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        holder.batch_execute("COMMIT").unwrap();
    });
    tx.send(()).unwrap();
    let started = std::time::Instant::now();
    let connected = db::connect(&format!("sqlite://{}", path.display()));
    release.join().unwrap();
    assert!(connected.is_ok(), "{:?}", connected.err());
    assert!(started.elapsed() >= std::time::Duration::from_millis(500), "it waited for the lock");
}
