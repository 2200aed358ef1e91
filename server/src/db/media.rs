//! Which proof files an office has received.

use super::schema::media;
use super::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = media)]
pub struct MediaRow {
    pub office_id: String,
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: String,
    pub created_at: NaiveDateTime,
}

pub fn get(conn: &mut DbConnection, office_id: &str, sha256: &str) -> QueryResult<Option<MediaRow>> {
    media::table.find((office_id, sha256)).select(MediaRow::as_select()).first(conn).optional()
}

/// Of these hashes, the ones the office has.
pub fn present(conn: &mut DbConnection, office_id: &str, hashes: &[String]) -> QueryResult<Vec<String>> {
    media::table
        .filter(media::office_id.eq(office_id).and(media::sha256.eq_any(hashes)))
        .select(media::sha256)
        .load(conn)
}

pub fn insert(conn: &mut DbConnection, row: &MediaRow) -> QueryResult<()> {
    diesel::insert_into(media::table).values(row).execute(conn).map(drop)
}
