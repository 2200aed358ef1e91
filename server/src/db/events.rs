//! The append-only custody log and the review queue of rejected events.

use super::prepared::Prepared;
use super::schema::{card_events, rejected_events, sync_batches};
use super::DbConnection;
use antar_shared::custody::{CustodyEvent, EventKind};
use antar_shared::wire::EventView;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Payload key of a return recorded at the office: the courier who handed the card back.
pub const RECEIVED_FROM: &str = "received_from";
/// Payload key of a hand-out recorded at the desk: the courier given the card.
pub const HANDED_TO: &str = "handed_to";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = card_events)]
pub struct EventRow {
    pub id: String,
    pub card_id: String,
    pub office_id: String,
    pub kind: String,
    pub occurred_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub device_id: Option<String>,
    pub payload: String,
    pub content_hash: String,
    pub implied_by: Option<String>,
    pub flag: Option<String>,
    pub device_time: Option<NaiveDateTime>,
    pub batch_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sync_batches)]
pub struct BatchRow {
    pub id: String,
    pub office_id: String,
    pub courier_id: String,
    pub device_id: String,
    pub sent_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    pub skew_ms: i64,
    pub events: i32,
}

pub fn insert_batch(conn: &mut DbConnection, row: &BatchRow) -> QueryResult<()> {
    diesel::insert_into(sync_batches::table).values(row).execute(conn).map(drop)
}

impl EventRow {
    pub fn kind(&self) -> Option<EventKind> {
        EventKind::parse(&self.kind)
    }

    /// A delivery stored without proof the office requires. Unlike a custody
    /// refusal, which each re-fold recomputes, this flag is a fact of the
    /// event and stays.
    /// Whether the flag is about the event's proof (missing, or a NIK that
    /// is not the card's): a fact of the event that no re-fold changes,
    /// unlike a custody refusal.
    pub fn lacks_proof(&self) -> bool {
        use antar_shared::codes::sync::{MISSING_PROOF, NIK_MISMATCH};
        matches!(self.flag.as_deref(), Some(MISSING_PROOF | NIK_MISMATCH))
    }

    /// Whether the event applied to the card's custody: not refused by the
    /// rules (a delivery flagged only for missing proof still counts).
    pub fn applied(&self) -> bool {
        self.flag.is_none() || self.lacks_proof()
    }

    /// The event as the custody rules see it; `None` for records the fold
    /// skips (implied pick-ups are derived from the handover that implied them).
    pub fn custody(&self) -> Option<CustodyEvent> {
        if self.implied_by.is_some() {
            return None;
        }
        let kind = self.kind()?;
        // The courier an assignment names, or the one staff received a
        // returned card from or handed it to at the desk (a courier's own
        // payload never carries either).
        let key = match kind {
            EventKind::Assigned => Some("courier_id"),
            EventKind::ReturnedToOffice if self.device_id.is_none() => Some(RECEIVED_FROM),
            EventKind::PickedUp if self.device_id.is_none() => Some(HANDED_TO),
            _ => None,
        };
        let courier = key.and_then(|key| {
            serde_json::from_str::<serde_json::Value>(&self.payload)
                .ok()
                .and_then(|v| v.get(key).and_then(|c| c.as_str()).map(str::to_owned))
        });
        Some(CustodyEvent {
            id: self.id.clone(),
            kind,
            occurred_at: self.occurred_at.and_utc(),
            actor: self.actor_id.clone(),
            courier,
        })
    }

    pub fn view(&self) -> Option<EventView> {
        Some(EventView {
            id: self.id.clone(),
            kind: self.kind()?,
            occurred_at: self.occurred_at.and_utc(),
            received_at: self.received_at.and_utc(),
            actor: self.actor_id.clone(),
            payload: serde_json::from_str(&self.payload).unwrap_or(serde_json::Value::Null),
            flag: self.flag.clone(),
            device_time: self.device_time.map(|t| t.and_utc()),
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rejected_events)]
pub struct RejectedRow {
    pub id: String,
    pub office_id: String,
    pub event_id: String,
    pub card_id: Option<String>,
    pub actor_id: String,
    pub device_id: Option<String>,
    pub code: String,
    pub message: String,
    pub body: String,
    pub received_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

pub fn for_card(conn: &mut DbConnection, card_id: &str) -> QueryResult<Vec<EventRow>> {
    card_events::table
        .filter(card_events::card_id.eq(card_id))
        .order((card_events::occurred_at.asc(), card_events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)
}

/// An insert of events, its columns in the order both backends bind them.
macro_rules! insert_events {
    ($values:literal) => {
        concat!(
            "INSERT INTO card_events (id, card_id, office_id, kind, occurred_at, received_at, actor_id, \
             device_id, payload, content_hash, implied_by, flag, device_time, batch_id) ",
            $values
        )
    };
}

/// Inserts many events. On PostgreSQL one statement of column arrays
/// (`unnest`), whose text never changes, so it is prepared once per
/// connection; SQLite runs in-process, where a prepared one-row statement
/// per event is as fast as a multi-row one.
pub fn insert_many(conn: &mut DbConnection, rows: &[EventRow]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Nullable, Text, Timestamp};
    if rows.is_empty() {
        return Ok(());
    }
    match conn {
        DbConnection::Postgres(c) => {
            let col = |f: fn(&EventRow) -> &String| rows.iter().map(f).collect::<Vec<_>>();
            let opt = |f: fn(&EventRow) -> &Option<String>| rows.iter().map(f).collect::<Vec<_>>();
            Prepared::new(insert_events!("SELECT * FROM unnest(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
                .bind::<Array<Text>, _>(col(|r| &r.id))
                .bind::<Array<Text>, _>(col(|r| &r.card_id))
                .bind::<Array<Text>, _>(col(|r| &r.office_id))
                .bind::<Array<Text>, _>(col(|r| &r.kind))
                .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.occurred_at).collect::<Vec<_>>())
                .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.received_at).collect::<Vec<_>>())
                .bind::<Array<Nullable<Text>>, _>(opt(|r| &r.actor_id))
                .bind::<Array<Nullable<Text>>, _>(opt(|r| &r.device_id))
                .bind::<Array<Text>, _>(col(|r| &r.payload))
                .bind::<Array<Text>, _>(col(|r| &r.content_hash))
                .bind::<Array<Nullable<Text>>, _>(opt(|r| &r.implied_by))
                .bind::<Array<Nullable<Text>>, _>(opt(|r| &r.flag))
                .bind::<Array<Nullable<Timestamp>>, _>(rows.iter().map(|r| r.device_time).collect::<Vec<_>>())
                .bind::<Array<Nullable<Text>>, _>(opt(|r| &r.batch_id))
                .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            for r in rows {
                Prepared::new(insert_events!("VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
                    .bind::<Text, _>(&r.id)
                    .bind::<Text, _>(&r.card_id)
                    .bind::<Text, _>(&r.office_id)
                    .bind::<Text, _>(&r.kind)
                    .bind::<Timestamp, _>(r.occurred_at)
                    .bind::<Timestamp, _>(r.received_at)
                    .bind::<Nullable<Text>, _>(&r.actor_id)
                    .bind::<Nullable<Text>, _>(&r.device_id)
                    .bind::<Text, _>(&r.payload)
                    .bind::<Text, _>(&r.content_hash)
                    .bind::<Nullable<Text>, _>(&r.implied_by)
                    .bind::<Nullable<Text>, _>(&r.flag)
                    .bind::<Nullable<Timestamp>, _>(r.device_time)
                    .bind::<Nullable<Text>, _>(&r.batch_id)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// The logs of many cards in one query, each in canonical order.
pub fn for_cards(conn: &mut DbConnection, card_ids: &[String]) -> QueryResult<Vec<EventRow>> {
    // In slices well under SQLite's limit on bound parameters; a card's log
    // never spans two slices, so it stays one run.
    let mut out = Vec::new();
    for ids in card_ids.chunks(10_000) {
        out.extend(
            card_events::table
                .filter(card_events::card_id.eq_any(ids))
                .order((card_events::card_id.asc(), card_events::occurred_at.asc(), card_events::id.asc()))
                .select(EventRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// Removes derived records (implied pick-ups); observed events are never deleted.
pub fn delete_implied(conn: &mut DbConnection, ids: &[String]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::delete(card_events::table.filter(card_events::id.eq_any(ids)).filter(card_events::implied_by.is_not_null()))
        .execute(conn)
        .map(drop)
}

pub fn set_flag(conn: &mut DbConnection, id: &str, flag: Option<&str>) -> QueryResult<()> {
    diesel::update(card_events::table.find(id)).set(card_events::flag.eq(flag)).execute(conn).map(drop)
}

pub fn insert_rejected(conn: &mut DbConnection, row: &RejectedRow) -> QueryResult<()> {
    diesel::insert_into(rejected_events::table).values(row).execute(conn).map(drop)
}

/// Of these cards, the ones with an event flagged for review.
pub fn cards_flagged(conn: &mut DbConnection, card_ids: &[String]) -> QueryResult<Vec<String>> {
    card_events::table
        .filter(card_events::card_id.eq_any(card_ids).and(card_events::flag.is_not_null()))
        .select(card_events::card_id)
        .distinct()
        .load(conn)
}

/// Unresolved rejected events of an office, newest first.
pub fn rejected_open(conn: &mut DbConnection, office_id: &str, limit: i64) -> QueryResult<Vec<RejectedRow>> {
    rejected_events::table
        .filter(rejected_events::office_id.eq(office_id).and(rejected_events::resolved_at.is_null()))
        .order(rejected_events::received_at.desc())
        .limit(limit)
        .select(RejectedRow::as_select())
        .load(conn)
}

/// Marks a rejected event as dealt with; false when the office has no such
/// unresolved row.
pub fn resolve_rejected(conn: &mut DbConnection, office_id: &str, id: &str) -> QueryResult<bool> {
    let open = rejected_events::id
        .eq(id)
        .and(rejected_events::office_id.eq(office_id))
        .and(rejected_events::resolved_at.is_null());
    diesel::update(rejected_events::table.filter(open))
        .set(rejected_events::resolved_at.eq(super::now()))
        .execute(conn)
        .map(|n| n == 1)
}

/// What a sync's duplicate check needs of an event already stored.
#[derive(Debug, Clone, QueryableByName)]
#[diesel(table_name = card_events)]
pub struct Stored {
    pub id: String,
    pub content_hash: String,
    pub actor_id: Option<String>,
    pub flag: Option<String>,
}

/// The events of these ids already stored.
pub fn stored(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<Stored>> {
    use diesel::sql_types::{Array, Text};
    match conn {
        DbConnection::Postgres(c) => {
            Prepared::new("SELECT id, content_hash, actor_id, flag FROM card_events WHERE id = ANY(?)")
                .bind::<Array<Text>, _>(ids)
                .load(c)
        }
        // As in the sync's lock: the id list is the outer loop.
        DbConnection::Sqlite(c) => Prepared::new(
            "SELECT e.id, e.content_hash, e.actor_id, e.flag \
             FROM json_each(?) j CROSS JOIN card_events e ON e.id = j.value",
        )
        .bind::<Text, _>(serde_json::to_string(ids).unwrap_or_default())
        .load(c),
    }
}

pub fn insert_rejected_many(conn: &mut DbConnection, rows: &[RejectedRow]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) if !rows.is_empty() => {
            diesel::insert_into(rejected_events::table).values(rows).execute(c)?;
        }
        _ => {
            for row in rows {
                insert_rejected(conn, row)?;
            }
        }
    }
    Ok(())
}

/// Each courier's latest sync: when the server last heard from the phone.
pub fn last_syncs(
    conn: &mut DbConnection,
    office_id: &str,
) -> QueryResult<std::collections::HashMap<String, NaiveDateTime>> {
    let rows: Vec<(String, Option<NaiveDateTime>)> = sync_batches::table
        .filter(sync_batches::office_id.eq(office_id))
        .group_by(sync_batches::courier_id)
        .select((sync_batches::courier_id, diesel::dsl::max(sync_batches::received_at)))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(courier, at)| Some((courier, at?))).collect())
}

/// The office's deliveries that happened since `since` (the fold's view:
/// each applied `delivered` event).
pub fn delivered_since(conn: &mut DbConnection, office_id: &str, since: NaiveDateTime) -> QueryResult<Vec<EventRow>> {
    card_events::table
        .filter(card_events::office_id.eq(office_id))
        .filter(card_events::kind.eq(EventKind::Delivered.as_str()))
        .filter(card_events::occurred_at.ge(since))
        .select(EventRow::as_select())
        .load(conn)
}

/// How many of the office's cards were handed out to a courier (a pick-up,
/// said or implied by a handover) since `since`: each card once.
pub fn picked_up_cards_since(conn: &mut DbConnection, office_id: &str, since: NaiveDateTime) -> QueryResult<i64> {
    card_events::table
        .filter(card_events::office_id.eq(office_id))
        .filter(card_events::kind.eq(EventKind::PickedUp.as_str()))
        .filter(card_events::occurred_at.ge(since))
        .select(diesel::dsl::count(card_events::card_id).aggregate_distinct())
        .get_result(conn)
}
