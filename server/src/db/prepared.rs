//! Hand-written SQL the connection keeps prepared.
//!
//! diesel's `sql_query` is never kept in the connection's statement cache,
//! so PostgreSQL plans it and SQLite compiles it on every call. The sync's
//! hot statements (the lock, the batch insert, the projections' update) are
//! hand-written for `unnest` and `json_each`, and that planning was a tenth
//! of a national day's database time. A [`Prepared`] statement is fixed
//! text with `?` where each bound value goes (PostgreSQL gets `$1`, `$2`, …
//! in their place), so the connection caches it by its text.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::QueryResult;
use std::marker::PhantomData;

/// Fixed SQL text and the values bound to its `?`s, in order.
pub struct Prepared<'a, DB: Backend> {
    sql: &'static str,
    binds: Vec<Box<dyn QueryFragment<DB> + Send + 'a>>,
}

impl<'a, DB: Backend> Prepared<'a, DB> {
    /// `sql` holds one `?` for each value bound later, and no other `?`.
    pub fn new(sql: &'static str) -> Self {
        Prepared { sql, binds: Vec::new() }
    }

    /// Binds the next `?`.
    pub fn bind<ST, T>(mut self, value: T) -> Self
    where
        DB: HasSqlType<ST>,
        ST: Send + 'a,
        T: ToSql<ST, DB> + Send + 'a,
    {
        self.binds.push(Box::new(Bind::<ST, T>(value, PhantomData)));
        self
    }
}

struct Bind<ST, T>(T, PhantomData<ST>);

impl<DB, ST, T> QueryFragment<DB> for Bind<ST, T>
where
    DB: Backend + HasSqlType<ST>,
    T: ToSql<ST, DB>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        pass.push_bind_param(&self.0)
    }
}

impl<DB: Backend> QueryFragment<DB> for Prepared<'_, DB> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let mut pieces = self.sql.split('?');
        out.push_sql(pieces.next().unwrap_or_default());
        let mut binds = self.binds.iter();
        for piece in pieces {
            let Some(bind) = binds.next() else {
                return Err(mismatch(self));
            };
            bind.walk_ast(out.reborrow())?;
            out.push_sql(piece);
        }
        match binds.next() {
            Some(_) => Err(mismatch(self)),
            None => Ok(()),
        }
    }
}

fn mismatch<DB: Backend>(p: &Prepared<'_, DB>) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(
        format!("{} values bound to a statement with {} places: {}", p.binds.len(), p.sql.matches('?').count(), p.sql)
            .into(),
    )
}

impl<DB: Backend> QueryId for Prepared<'_, DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend> Query for Prepared<'_, DB> {
    type SqlType = Untyped;
}

impl<DB: Backend, Conn> diesel::RunQueryDsl<Conn> for Prepared<'_, DB> {}

#[cfg(test)]
mod tests {
    use super::Prepared;
    use diesel::connection::{Connection, InstrumentationEvent, SimpleConnection};
    use diesel::sql_types::{Integer, Text};
    use diesel::{QueryableByName, RunQueryDsl, SqliteConnection};
    use std::sync::{Arc, Mutex};

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Integer)]
        n: i32,
    }

    fn connection() -> (SqliteConnection, Arc<Mutex<Vec<String>>>) {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        conn.batch_execute("CREATE TABLE t (name TEXT NOT NULL, n INTEGER NOT NULL)").expect("table");
        let cached = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&cached);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().expect("lock").push(sql.to_owned());
            }
        });
        (conn, cached)
    }

    #[test]
    fn a_statement_run_many_times_is_prepared_once_and_binds_each_time() {
        let (mut conn, cached) = connection();
        for (name, n) in [("a", 1), ("b", 2), ("c", 3)] {
            Prepared::new("INSERT INTO t (name, n) VALUES (?, ?)")
                .bind::<Text, _>(name)
                .bind::<Integer, _>(n)
                .execute(&mut conn)
                .expect("insert");
        }
        let rows: Vec<Row> = Prepared::new("SELECT name, n FROM t WHERE n >= ? ORDER BY n")
            .bind::<Integer, _>(2)
            .load(&mut conn)
            .expect("select");
        assert_eq!(rows, [Row { name: "b".into(), n: 2 }, Row { name: "c".into(), n: 3 }]);
        assert_eq!(
            *cached.lock().expect("lock"),
            ["INSERT INTO t (name, n) VALUES (?, ?)", "SELECT name, n FROM t WHERE n >= ? ORDER BY n"]
        );
    }

    #[test]
    fn too_few_or_too_many_values_is_an_error_not_a_statement() {
        let (mut conn, _) = connection();
        let few = Prepared::new("INSERT INTO t (name, n) VALUES (?, ?)").bind::<Text, _>("a").execute(&mut conn);
        let many = Prepared::new("SELECT name, n FROM t WHERE n = ?")
            .bind::<Integer, _>(1)
            .bind::<Integer, _>(2)
            .load::<Row>(&mut conn);
        for err in [few.map(drop), many.map(drop)] {
            let message = err.expect_err("refused").to_string();
            assert!(message.contains("bound to a statement with"), "{message}");
        }
        assert_eq!(diesel::sql_query("SELECT name, n FROM t").load::<Row>(&mut conn).expect("select"), []);
    }
}
