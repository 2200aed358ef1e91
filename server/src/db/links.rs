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
    /// `report`, or `early_confirmation` (confirmed while the card was still
    /// with the courier).
    pub kind: String,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<String>,
    pub resolution_note: Option<String>,
}

/// Stores a new link and revokes the card's earlier ones.
pub fn replace(conn: &mut DbConnection, row: &LinkRow) -> QueryResult<()> {
    diesel::update(resident_links::table.filter(resident_links::card_id.eq(&row.card_id)))
        .set(resident_links::revoked.eq(true))
        .execute(conn)?;
    diesel::insert_into(resident_links::table).values(row).execute(conn).map(drop)
}

/// Of these token hashes, those of links that still open.
pub fn live_hashes(
    conn: &mut DbConnection,
    hashes: &[String],
    now: chrono::NaiveDateTime,
) -> QueryResult<std::collections::HashSet<String>> {
    if hashes.is_empty() {
        return Ok(Default::default());
    }
    Ok(resident_links::table
        .filter(resident_links::token_hash.eq_any(hashes))
        .filter(resident_links::revoked.eq(false))
        .filter(resident_links::expires_at.gt(now))
        .select(resident_links::token_hash)
        .load::<String>(conn)?
        .into_iter()
        .collect())
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

/// The office's resident items not yet resolved, oldest first.
pub fn open_reports(conn: &mut DbConnection, office_id: &str, limit: i64) -> QueryResult<Vec<ReportRow>> {
    resident_reports::table
        .filter(resident_reports::office_id.eq(office_id).and(resident_reports::resolved_at.is_null()))
        .order((resident_reports::created_at.asc(), resident_reports::id.asc()))
        .limit(limit)
        .select(ReportRow::as_select())
        .load(conn)
}

/// The latest open request per card (its text), of these cards.
pub fn open_requests(
    conn: &mut DbConnection,
    card_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = resident_reports::table
        .filter(resident_reports::card_id.eq_any(card_ids))
        .filter(resident_reports::kind.eq("request"))
        .filter(resident_reports::resolved_at.is_null())
        .order(resident_reports::created_at.asc())
        .select((resident_reports::card_id, resident_reports::message))
        .load(conn)?;
    // Later rows overwrite earlier: the latest wins.
    Ok(rows.into_iter().collect())
}

/// Answers a card's link received since `since` (any kind): the daily cap.
pub fn answers_since(conn: &mut DbConnection, card_id: &str, since: chrono::NaiveDateTime) -> QueryResult<i64> {
    resident_reports::table
        .filter(resident_reports::card_id.eq(card_id))
        .filter(resident_reports::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// Whether the card already has an open item of this kind.
pub fn has_open(conn: &mut DbConnection, card_id: &str, kind: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        resident_reports::table.filter(
            resident_reports::card_id
                .eq(card_id)
                .and(resident_reports::kind.eq(kind))
                .and(resident_reports::resolved_at.is_null()),
        ),
    ))
    .get_result(conn)
}

/// Resolves an open item with who did it and their note; false when there
/// is no such open item in the office.
pub fn resolve_report(
    conn: &mut DbConnection,
    office_id: &str,
    id: &str,
    by: &str,
    note: Option<&str>,
) -> QueryResult<bool> {
    let open = resident_reports::id
        .eq(id)
        .and(resident_reports::office_id.eq(office_id))
        .and(resident_reports::resolved_at.is_null());
    diesel::update(resident_reports::table.filter(open))
        .set((
            resident_reports::resolved_at.eq(super::now()),
            resident_reports::resolved_by.eq(by),
            resident_reports::resolution_note.eq(note),
        ))
        .execute(conn)
        .map(|n| n == 1)
}
