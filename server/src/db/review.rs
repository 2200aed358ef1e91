//! Staff's resolutions of review items that belong to the record itself
//! (flagged events of the append-only log, rejected events): who, when, the
//! note. Residents' items keep theirs on their own row.

use super::schema::{card_events, rejected_events, resident_reports, review_resolutions};
use super::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The kinds of item a resolution row is for.
pub const FLAGGED: &str = "flagged";
pub const REJECTED: &str = "rejected";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = review_resolutions)]
pub struct ResolutionRow {
    pub kind: String,
    pub item_id: String,
    pub office_id: String,
    pub resolved_by: String,
    pub resolved_at: NaiveDateTime,
    pub note: Option<String>,
}

/// Records a resolution; false when the item was already resolved.
pub fn insert(conn: &mut DbConnection, row: &ResolutionRow) -> QueryResult<bool> {
    let done = review_resolutions::table
        .filter(review_resolutions::kind.eq(&row.kind).and(review_resolutions::item_id.eq(&row.item_id)))
        .count()
        .get_result::<i64>(conn)?;
    if done > 0 {
        return Ok(false);
    }
    diesel::insert_into(review_resolutions::table).values(row).execute(conn).map(|n| n == 1)
}

/// Flagged events of an office that nobody has resolved, newest first.
pub fn flagged_open(conn: &mut DbConnection, office_id: &str, limit: i64) -> QueryResult<Vec<super::events::EventRow>> {
    let resolved = review_resolutions::table
        .filter(review_resolutions::kind.eq(FLAGGED))
        .filter(review_resolutions::item_id.eq(card_events::id));
    card_events::table
        .filter(card_events::office_id.eq(office_id).and(card_events::flag.is_not_null()))
        .filter(diesel::dsl::not(diesel::dsl::exists(resolved)))
        .order(card_events::received_at.desc())
        .limit(limit)
        .select(super::events::EventRow::as_select())
        .load(conn)
}

/// A flagged event of the office, by id.
pub fn flagged_event(conn: &mut DbConnection, office_id: &str, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        card_events::table.filter(
            card_events::id.eq(id).and(card_events::office_id.eq(office_id)).and(card_events::flag.is_not_null()),
        ),
    ))
    .get_result(conn)
}

/// How many items wait in each part of the queue.
pub struct Waiting {
    /// Open flagged events by flag code.
    pub flags: Vec<(Option<String>, i64)>,
    pub rejected: i64,
    pub resident: i64,
}

pub fn counts(conn: &mut DbConnection, office_id: &str) -> QueryResult<Waiting> {
    let resolved = review_resolutions::table
        .filter(review_resolutions::kind.eq(FLAGGED))
        .filter(review_resolutions::item_id.eq(card_events::id));
    let flags = card_events::table
        .filter(card_events::office_id.eq(office_id).and(card_events::flag.is_not_null()))
        .filter(diesel::dsl::not(diesel::dsl::exists(resolved)))
        .group_by(card_events::flag)
        .select((card_events::flag, diesel::dsl::count_star()))
        .load(conn)?;
    let rejected = rejected_events::table
        .filter(rejected_events::office_id.eq(office_id).and(rejected_events::resolved_at.is_null()))
        .count()
        .get_result(conn)?;
    let resident = resident_reports::table
        .filter(resident_reports::office_id.eq(office_id).and(resident_reports::resolved_at.is_null()))
        .count()
        .get_result(conn)?;
    Ok(Waiting { flags, rejected, resident })
}
