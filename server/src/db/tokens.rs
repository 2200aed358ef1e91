//! Refresh-token rows: rotation and families.

use super::schema::refresh_tokens;
use super::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshRow {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub spent_at: Option<NaiveDateTime>,
    pub successor_id: Option<String>,
    pub revoked: bool,
}

pub fn insert(conn: &mut DbConnection, row: &RefreshRow) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table).values(row).execute(conn).map(drop)
}

pub fn by_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<RefreshRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshRow::as_select())
        .first(conn)
        .optional()
}

pub fn spend(conn: &mut DbConnection, id: &str, at: NaiveDateTime, successor: &str) -> QueryResult<()> {
    diesel::update(refresh_tokens::table.find(id))
        .set((refresh_tokens::spent_at.eq(at), refresh_tokens::successor_id.eq(successor)))
        .execute(conn)
        .map(drop)
}

pub fn revoke_family(conn: &mut DbConnection, family_id: &str) -> QueryResult<()> {
    diesel::update(refresh_tokens::table.filter(refresh_tokens::family_id.eq(family_id)))
        .set(refresh_tokens::revoked.eq(true))
        .execute(conn)
        .map(drop)
}

/// Ends every session of a user: none of their refresh tokens works again.
pub fn revoke_user(conn: &mut DbConnection, user_id: &str) -> QueryResult<()> {
    diesel::update(refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)))
        .set(refresh_tokens::revoked.eq(true))
        .execute(conn)
        .map(drop)
}
