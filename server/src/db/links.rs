//! Resident links (stored only as token hashes) and residents' reports.

use super::schema::{resident_links, resident_reports};
use super::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = resident_links)]
pub struct LinkRow {
    pub id: String,
    pub card_id: String,
    pub office_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = resident_reports)]
pub struct ReportRow {
    pub id: String,
    pub card_id: String,
    pub office_id: String,
    pub message: String,
    pub created_at: NaiveDateTime,
}

/// Stores a new link and revokes the card's earlier ones.
pub fn replace(conn: &mut DbConnection, row: &LinkRow) -> QueryResult<()> {
    diesel::update(resident_links::table.filter(resident_links::card_id.eq(&row.card_id)))
        .set(resident_links::revoked.eq(true))
        .execute(conn)?;
    diesel::insert_into(resident_links::table).values(row).execute(conn).map(drop)
}

pub fn by_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<LinkRow>> {
    resident_links::table
        .filter(resident_links::token_hash.eq(hash))
        .select(LinkRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_report(conn: &mut DbConnection, row: &ReportRow) -> QueryResult<()> {
    diesel::insert_into(resident_reports::table).values(row).execute(conn).map(drop)
}
