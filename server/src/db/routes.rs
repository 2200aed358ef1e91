//! Delivery routes and their ordered stops.

use super::prepared::Prepared;
use super::schema::{cards, route_stops, routes};
use super::DbConnection;
use antar_shared::wire::RouteStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = routes)]
pub struct RouteRow {
    pub id: String,
    pub office_id: String,
    pub courier_id: String,
    pub date: String,
    pub status: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    /// When it was closed or cancelled.
    pub ended_at: Option<NaiveDateTime>,
}

impl RouteRow {
    /// Where the route stands. A word this version never writes reads as
    /// closed: such a route takes no changes and no new cards.
    pub fn status(&self) -> RouteStatus {
        RouteStatus::parse(&self.status).unwrap_or(RouteStatus::Closed)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = route_stops)]
pub struct StopRow {
    pub route_id: String,
    pub card_id: String,
    pub seq: i32,
    pub active: bool,
}

/// A route and its stops, the stops in multi-row statements (a day's
/// route is a few hundred stops) rather than one statement each.
pub fn insert(conn: &mut DbConnection, route: &RouteRow, stops: &[StopRow]) -> QueryResult<()> {
    diesel::insert_into(routes::table).values(route).execute(conn)?;
    // Four values a stop, well under SQLite's limit on bound values.
    for chunk in stops.chunks(500) {
        match conn {
            DbConnection::Postgres(c) => diesel::insert_into(route_stops::table).values(chunk).execute(c)?,
            DbConnection::Sqlite(c) => diesel::insert_into(route_stops::table).values(chunk).execute(c)?,
        };
    }
    Ok(())
}

pub fn get(conn: &mut DbConnection, office_id: &str, id: &str) -> QueryResult<Option<RouteRow>> {
    routes::table
        .filter(routes::id.eq(id).and(routes::office_id.eq(office_id)))
        .select(RouteRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(
    conn: &mut DbConnection,
    office_id: &str,
    date: Option<&str>,
    courier_id: Option<&str>,
) -> QueryResult<Vec<RouteRow>> {
    let mut q = routes::table.filter(routes::office_id.eq(office_id)).into_boxed();
    if let Some(d) = date {
        q = q.filter(routes::date.eq(d.to_owned()));
    }
    if let Some(c) = courier_id {
        q = q.filter(routes::courier_id.eq(c.to_owned()));
    }
    q.order((routes::date.desc(), routes::created_at.asc())).select(RouteRow::as_select()).load(conn)
}

/// A route leaving `open` frees its cards for other routes.
/// Takes cards off the open routes they are on, keeping their stops (the
/// day's report lists them): a card received back at the office.
pub fn leave_open_routes(conn: &mut DbConnection, card_ids: &[String]) -> QueryResult<()> {
    if card_ids.is_empty() {
        return Ok(());
    }
    diesel::update(route_stops::table.filter(route_stops::card_id.eq_any(card_ids).and(route_stops::active)))
        .set(route_stops::active.eq(false))
        .execute(conn)
        .map(drop)
}

/// Each card's stop number on the latest route it was put on.
pub fn latest_seqs(conn: &mut DbConnection, card_ids: &[String]) -> QueryResult<HashMap<String, i32>> {
    if card_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i32)> = route_stops::table
        .inner_join(routes::table)
        .filter(route_stops::card_id.eq_any(card_ids))
        .order(routes::created_at.asc())
        .select((route_stops::card_id, route_stops::seq))
        .load(conn)?;
    // The latest route's number wins: later rows overwrite earlier ones.
    Ok(rows.into_iter().collect())
}

/// Gives the route to another courier (its cards are reassigned apart).
pub fn set_courier(conn: &mut DbConnection, id: &str, courier_id: &str) -> QueryResult<()> {
    diesel::update(routes::table.find(id)).set(routes::courier_id.eq(courier_id)).execute(conn).map(drop)
}

pub fn set_status(conn: &mut DbConnection, id: &str, status: RouteStatus) -> QueryResult<()> {
    let open = status == RouteStatus::Open;
    let ended_at = (!open).then(super::now);
    diesel::update(routes::table.find(id))
        .set((routes::status.eq(status.as_str()), routes::ended_at.eq(ended_at)))
        .execute(conn)?;
    diesel::update(route_stops::table.filter(route_stops::route_id.eq(id)))
        .set(route_stops::active.eq(open))
        .execute(conn)
        .map(drop)
}

pub fn insert_stop(conn: &mut DbConnection, stop: &StopRow) -> QueryResult<()> {
    diesel::insert_into(route_stops::table).values(stop).execute(conn).map(drop)
}

pub fn delete_stop(conn: &mut DbConnection, route_id: &str, card_id: &str) -> QueryResult<()> {
    diesel::delete(route_stops::table.find((route_id, card_id))).execute(conn).map(drop)
}

pub fn set_seq(conn: &mut DbConnection, route_id: &str, card_id: &str, seq: i32) -> QueryResult<()> {
    diesel::update(route_stops::table.find((route_id, card_id))).set(route_stops::seq.eq(seq)).execute(conn).map(drop)
}

/// Which of these cards are already on an open route. `active` stays a
/// bare column, not `active = <bound true>`: only then can PostgreSQL's
/// cached plan and SQLite use the partial index of open stops instead of
/// reading every stop ever made.
pub fn active_cards(conn: &mut DbConnection, card_ids: &[String]) -> QueryResult<Vec<String>> {
    route_stops::table
        .filter(route_stops::card_id.eq_any(card_ids).and(route_stops::active))
        .select(route_stops::card_id)
        .load(conn)
}

pub fn stops(conn: &mut DbConnection, route_id: &str) -> QueryResult<Vec<StopRow>> {
    route_stops::table
        .filter(route_stops::route_id.eq(route_id))
        .order(route_stops::seq.asc())
        .select(StopRow::as_select())
        .load(conn)
}

/// A courier's routes that are not closed, up to `to` (a date in the
/// office's zone): earlier open routes still hold cards in the bag.
pub fn open_for_courier(conn: &mut DbConnection, courier_id: &str, to: &str) -> QueryResult<Vec<RouteRow>> {
    routes::table
        .filter(routes::courier_id.eq(courier_id))
        .filter(routes::status.eq(RouteStatus::Open.as_str()))
        .filter(routes::date.le(to))
        .order((routes::date.asc(), routes::created_at.asc()))
        .select(RouteRow::as_select())
        .load(conn)
}

/// A courier's closed routes that still hold a card in that courier's bag
/// (not handed back at the close): the phone keeps them until each card is
/// delivered or returned.
pub fn closed_with_cards_out(conn: &mut DbConnection, courier_id: &str) -> QueryResult<Vec<RouteRow>> {
    let ids: Vec<String> = route_stops::table
        .inner_join(routes::table)
        .inner_join(cards::table)
        .filter(routes::courier_id.eq(courier_id).and(routes::status.eq(RouteStatus::Closed.as_str())))
        .filter(cards::status.eq(antar_shared::Status::WithCourier.as_str()).and(cards::courier_id.eq(courier_id)))
        .select(routes::id)
        .distinct()
        .load(conn)?;
    routes::table
        .filter(routes::id.eq_any(ids))
        .order((routes::date.asc(), routes::created_at.asc()))
        .select(RouteRow::as_select())
        .load(conn)
}

/// Stops of a route with their cards, in route order.
pub fn stops_with_cards(conn: &mut DbConnection, route_id: &str) -> QueryResult<Vec<(StopRow, super::cards::Card)>> {
    route_stops::table
        .inner_join(cards::table)
        .filter(route_stops::route_id.eq(route_id))
        .order(route_stops::seq.asc())
        .select((StopRow::as_select(), super::cards::Card::as_select()))
        .load(conn)
}

/// The stops of several routes with their cards, each route's in order.
pub fn stops_with_cards_of(
    conn: &mut DbConnection,
    route_ids: &[String],
) -> QueryResult<Vec<(StopRow, super::cards::Card)>> {
    if route_ids.is_empty() {
        return Ok(Vec::new());
    }
    route_stops::table
        .inner_join(cards::table)
        .filter(route_stops::route_id.eq_any(route_ids))
        .order((route_stops::route_id.asc(), route_stops::seq.asc()))
        .select((StopRow::as_select(), super::cards::Card::as_select()))
        .load(conn)
}

/// A card a courier's batch may touch, as it stands under the batch's lock.
#[derive(Debug, Clone, QueryableByName)]
pub struct Held {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    resident: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    failed_attempts: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    courier_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    handed_back: bool,
    /// When its log's last event happened (none: an empty log).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    pub last_at: Option<NaiveDateTime>,
}

impl Held {
    /// The stored projection: the fold of the card's whole log.
    pub fn state(&self) -> antar_shared::custody::CardState {
        super::cards::state_of(
            &self.status,
            self.resident.as_deref(),
            self.failed_attempts,
            self.courier_id.as_deref(),
            self.handed_back,
        )
    }
}

macro_rules! held {
    ($from:literal) => {
        concat!(
            "SELECT c.id, c.status, c.resident, c.failed_attempts, c.courier_id, c.handed_back, \
             (SELECT max(e.occurred_at) FROM card_events e WHERE e.card_id = c.id) AS last_at ",
            $from
        )
    };
}

const LOCK_HELD_PG: &str = held!(
    "FROM cards c WHERE c.id = ANY(?) AND c.office_id = ? AND EXISTS \
     (SELECT 1 FROM route_stops s JOIN routes r ON r.id = s.route_id \
      WHERE s.card_id = c.id AND r.courier_id = ? AND r.office_id = c.office_id) \
     ORDER BY c.id FOR UPDATE OF c"
);

/// The id list bound as one JSON text, opened by SQLite's json_each. The
/// CROSS JOINs fix the order: the list outermost, each card found by its
/// key (left to itself SQLite walked the office's every card), then the
/// card's own stops and their routes (else it went through every route the
/// courier ever had, for each card).
const LOCK_HELD_SQLITE: &str = held!(
    "FROM json_each(?) j CROSS JOIN cards c ON c.id = j.value WHERE c.office_id = ? AND EXISTS \
     (SELECT 1 FROM route_stops s CROSS JOIN routes r ON r.id = s.route_id \
      WHERE s.card_id = c.id AND r.courier_id = ? AND r.office_id = c.office_id)"
);

/// Of these cards, the ones that were ever on a route of this courier, with
/// their stored state and last event's time, locked for the rest of the
/// transaction on PostgreSQL (in id order, so two batches never wait on each
/// other in a circle). SQLite's immediate transactions already serialise
/// writers.
pub fn lock_cards_of_courier(
    conn: &mut DbConnection,
    office_id: &str,
    courier_id: &str,
    card_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, Held>> {
    use diesel::sql_types::{Array, Text};
    let found: Vec<Held> = match conn {
        DbConnection::Postgres(c) => Prepared::new(LOCK_HELD_PG)
            .bind::<Array<Text>, _>(card_ids)
            .bind::<Text, _>(office_id)
            .bind::<Text, _>(courier_id)
            .load(c)?,
        DbConnection::Sqlite(c) => Prepared::new(LOCK_HELD_SQLITE)
            .bind::<Text, _>(serde_json::to_string(card_ids).unwrap_or_default())
            .bind::<Text, _>(office_id)
            .bind::<Text, _>(courier_id)
            .load(c)?,
    };
    Ok(found.into_iter().map(|h| (h.id.clone(), h)).collect())
}

#[cfg(test)]
mod tests {
    use diesel::{QueryableByName, RunQueryDsl};

    #[derive(QueryableByName)]
    struct Step {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }

    /// SQLite's plan for the sync's lock, on the migrated schema.
    fn sqlite_plan() -> Vec<String> {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("plan.sqlite3").display());
        let (pool, _) = crate::db::connect(&url).expect("database");
        let mut conn = pool.get().expect("connection");
        let crate::db::DbConnection::Sqlite(c) = &mut *conn else { unreachable!("a SQLite URL") };
        diesel::sql_query(format!("EXPLAIN QUERY PLAN {}", super::LOCK_HELD_SQLITE))
            .load::<Step>(c)
            .expect("plan")
            .into_iter()
            .map(|s| s.detail)
            .collect()
    }

    #[test]
    fn the_sync_lock_finds_each_card_by_key_and_its_routes_by_its_own_stops() {
        let plan = sqlite_plan();
        let at = |needle: &str| plan.iter().position(|s| s.contains(needle));
        assert!(at("SEARCH c USING INDEX sqlite_autoindex_cards_1 (id=?)").is_some(), "{plan:#?}");
        let stops = at("SEARCH s USING INDEX route_stops_card (card_id=?)")
            .or(at("SEARCH s USING COVERING INDEX route_stops_card"));
        let routes = at("SEARCH r USING INDEX sqlite_autoindex_routes_1 (id=?)");
        assert!(matches!((stops, routes), (Some(s), Some(r)) if s < r), "stops by card, then their routes: {plan:#?}");
        assert!(!plan.iter().any(|s| s.contains("routes_courier") || s.starts_with("SCAN c")), "{plan:#?}");
    }
}
