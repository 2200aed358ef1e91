//! The audit trail: one append-only, hash-chained record per staff or admin
//! action (the chain's rules are `crate::domain::audit`).

use super::schema::{audit_heads, audit_log, offices};
use super::DbConnection;
use crate::domain::audit::{self, Record};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub office_id: String,
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_id: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    pub fn record(&self) -> Record {
        Record {
            id: self.id.clone(),
            seq: self.seq,
            at: self.at,
            actor_id: self.actor_id.clone(),
            action: self.action.clone(),
            target: self.target.clone(),
            detail: self.detail.clone(),
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        }
    }
}

/// What happened: who did what to what, with details (never a NIK, a
/// password or a link's token).
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub office_id: &'a str,
    pub actor_id: &'a str,
    pub action: &'a str,
    pub target: String,
    pub detail: serde_json::Value,
}

/// Appends a record to the office's chain. Run it inside the action's own
/// transaction, so that the record exists exactly when the action happened;
/// the office's row lock (PostgreSQL) or the write lock (SQLite) keeps
/// appends of one office in order.
pub fn append(conn: &mut DbConnection, e: &Entry<'_>) -> QueryResult<()> {
    super::write_tx(conn, |conn| {
        // One appender per office at a time. Not `FOR UPDATE`: the action
        // being recorded has inserted rows pointing at the office (a user, a
        // route), each holding a key-share lock on its row, which `FOR
        // UPDATE` waits for — two actions at once then wait on each other.
        // `FOR NO KEY UPDATE` leaves key-share locks be and still queues
        // appenders.
        if let DbConnection::Postgres(c) = conn {
            offices::table.find(e.office_id).select(offices::id).for_no_key_update().first::<String>(c)?;
        }
        let head: Option<(i64, String)> = audit_heads::table
            .find(e.office_id)
            .select((audit_heads::seq, audit_heads::hash))
            .first(conn)
            .optional()?;
        let (seq, prev) = head.map_or((1, audit::GENESIS.to_owned()), |(s, h)| (s + 1, h));
        let at = super::truncate(super::now());
        let detail = e.detail.to_string();
        let hash = audit::hash(&prev, seq, at, e.actor_id, e.action, &e.target, &detail);
        let row = AuditRow {
            id: super::new_id(),
            office_id: e.office_id.to_owned(),
            seq,
            at,
            actor_id: e.actor_id.to_owned(),
            action: e.action.to_owned(),
            target: e.target.clone(),
            detail,
            prev_hash: prev,
            hash: hash.clone(),
        };
        diesel::insert_into(audit_log::table).values(&row).execute(conn)?;
        if seq == 1 {
            diesel::insert_into(audit_heads::table)
                .values((audit_heads::office_id.eq(e.office_id), audit_heads::seq.eq(seq), audit_heads::hash.eq(&hash)))
                .execute(conn)?;
        } else {
            diesel::update(audit_heads::table.find(e.office_id))
                .set((audit_heads::seq.eq(seq), audit_heads::hash.eq(&hash)))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// A page of the office's trail, newest first, and how many records it has.
pub fn page(conn: &mut DbConnection, office_id: &str, page: i64, per_page: i64) -> QueryResult<(Vec<AuditRow>, i64)> {
    let total = audit_log::table.filter(audit_log::office_id.eq(office_id)).count().get_result(conn)?;
    let rows = audit_log::table
        .filter(audit_log::office_id.eq(office_id))
        .order(audit_log::seq.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Checks an office's whole chain against its head.
pub fn verify(conn: &mut DbConnection, office_id: &str) -> QueryResult<Result<usize, audit::Break>> {
    let rows: Vec<AuditRow> = audit_log::table
        .filter(audit_log::office_id.eq(office_id))
        .order(audit_log::seq.asc())
        .select(AuditRow::as_select())
        .load(conn)?;
    let head: Option<(i64, String)> =
        audit_heads::table.find(office_id).select((audit_heads::seq, audit_heads::hash)).first(conn).optional()?;
    let records: Vec<Record> = rows.iter().map(AuditRow::record).collect();
    Ok(audit::check(&records, head.as_ref().map(|(s, h)| (*s, h.as_str()))))
}

/// Every office's id and name, for checking them all.
pub fn offices(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    offices::table.select((offices::id, offices::name)).order(offices::id.asc()).load(conn)
}
