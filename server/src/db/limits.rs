//! Failed-login counts in the database, so that every server sharing it
//! counts against one allowance. Fixed windows, keyed by a hash.

use super::schema::login_limits;
use super::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

/// The window and count of `key`, if it has one.
pub fn get(conn: &mut DbConnection, key: &str) -> QueryResult<Option<(NaiveDateTime, i32)>> {
    login_limits::table.find(key).select((login_limits::window_start, login_limits::hits)).first(conn).optional()
}

/// Counts one hit on `key` in one statement, whichever server makes it: a
/// window that began at or before `stale` starts again at `now` with one.
pub fn hit(conn: &mut DbConnection, key: &str, now: NaiveDateTime, stale: NaiveDateTime) -> QueryResult<()> {
    // Each placeholder once, in order: `$n` for PostgreSQL, `?` for SQLite.
    const SQL: &str = "INSERT INTO login_limits (key, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (key) DO UPDATE SET \
         hits = CASE WHEN login_limits.window_start <= $3 THEN 1 ELSE login_limits.hits + 1 END, \
         window_start = CASE WHEN login_limits.window_start <= $4 THEN excluded.window_start \
         ELSE login_limits.window_start END";
    let query = |sql: String| {
        diesel::sql_query(sql)
            .bind::<Text, _>(key)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(stale)
            .bind::<Timestamp, _>(stale)
    };
    match conn {
        DbConnection::Postgres(c) => query(SQL.to_owned()).execute(c),
        DbConnection::Sqlite(c) => {
            let sql = (1..=4).fold(SQL.to_owned(), |sql, n| sql.replace(&format!("${n}"), "?"));
            query(sql).execute(c)
        }
    }
    .map(drop)
}

pub fn clear(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_limits::table.find(key)).execute(conn).map(drop)
}

/// Forgets windows that began before `before`.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_limits::table.filter(login_limits::window_start.lt(before))).execute(conn)
}
