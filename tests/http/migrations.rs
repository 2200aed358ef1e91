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
