//! Appending to a card's log and re-projecting its state.
//!
//! An append re-folds the card's whole log in canonical order, so a late
//! event re-applies history and the stored status, flags and implied
//! pick-ups are always what the log says; events that all come after the
//! stored log fold on from the stored state instead, which is the same.

use crate::db::{self, cards, events, offices::Office, DbConnection};
use antar_shared::custody::{self, EventKind, Rules};
use diesel::QueryResult;
use std::collections::HashMap;

/// What a batch of field events noted about the homes it visited.
#[derive(Debug, Default)]
pub struct Notes<'a> {
    /// The first good GPS fix per card, kept where the card has no pin yet.
    pub pins: HashMap<&'a str, (f64, f64)>,
    /// The latest landmark a courier noted per card.
    pub landmarks: HashMap<&'a str, &'a str>,
}

/// Folds many cards' logs at once (the caller holds their locks) and stores
/// what follows: one query loads every log; flags and implied pick-ups are
/// written only where they change; the projections in one statement.
/// Returns every event that did not apply, with the reason.
pub fn refold_many(
    conn: &mut DbConnection,
    rules: Rules,
    card_ids: &[String],
    notes: &Notes<'_>,
) -> QueryResult<Vec<(String, custody::Refusal)>> {
    if card_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = events::for_cards(conn, card_ids)?;
    let mut flags = Vec::new();
    let mut states = Vec::new();
    let (mut stale, mut implied, mut flag_changes) = (Vec::new(), Vec::new(), Vec::new());
    for log in rows.chunk_by(|a, b| a.card_id == b.card_id) {
        let replay = custody::replay(&log.iter().filter_map(events::EventRow::custody).collect::<Vec<_>>(), rules);
        for row in log.iter().filter(|r| r.implied_by.is_none()) {
            // A custody refusal is recomputed with each fold; missing proof stays.
            let flag = replay
                .flags
                .iter()
                .find(|(id, _)| *id == row.id)
                .map(|(_, r)| r.code())
                .or_else(|| row.flag.as_deref().filter(|_| row.lacks_proof()));
            if row.flag.as_deref() != flag {
                flag_changes.push((row.id.as_str(), flag));
            }
        }
        // Implied pick-ups are the server's inference, not field data: when a
        // late real pick-up makes one unnecessary, it goes.
        stale.extend(
            log.iter()
                .filter(|r| r.implied_by.as_ref().is_some_and(|src| !replay.implied_pickups.contains(src)))
                .map(|r| r.id.clone()),
        );
        for id in &replay.implied_pickups {
            let implied_id = implied_pickup_id(id);
            if log.iter().any(|r| r.id == implied_id) {
                continue;
            }
            if let Some(source) = log.iter().find(|r| &r.id == id) {
                implied.push(implied_pickup(implied_id, source));
            }
        }
        states.push((log[0].card_id.as_str(), replay.state));
        flags.extend(replay.flags);
    }
    for (id, flag) in flag_changes {
        events::set_flag(conn, id, flag)?;
    }
    events::delete_implied(conn, &stale)?;
    events::insert_many(conn, &implied)?;
    project(conn, &states, notes)?;
    Ok(flags)
}

/// Stores each card's new state, with what the batch noted about its home.
pub fn project(
    conn: &mut DbConnection,
    states: &[(impl AsRef<str>, custody::CardState)],
    notes: &Notes<'_>,
) -> QueryResult<()> {
    let projections: Vec<_> = states
        .iter()
        .map(|(id, state)| {
            let id = id.as_ref();
            cards::Projection {
                id,
                state,
                pin: notes.pins.get(id).copied(),
                landmark: notes.landmarks.get(id).copied(),
            }
        })
        .collect();
    cards::set_projections(conn, &projections)
}

/// What folding new events onto their cards' stored states gave.
#[derive(Debug, Default)]
pub struct Extended {
    /// Pick-ups the new events imply, to store with them.
    pub implied: Vec<events::EventRow>,
    /// The new events that did not apply, with the reason.
    pub flags: Vec<(String, custody::Refusal)>,
    /// Each card's state after them.
    pub states: Vec<(String, custody::CardState)>,
}

/// The fold for new events that all come after their card's stored log
/// (a courier's day as it happens): the stored state folded on with them is
/// the whole log's fold, and nothing stored changes, so no log is read.
/// `cards`: each card, its stored state, and where its new events are in
/// `rows`, which are flagged in place before they are stored.
pub fn extend_many(
    rules: Rules,
    rows: &mut [events::EventRow],
    cards: Vec<(String, custody::CardState, Vec<usize>)>,
) -> Extended {
    let mut out = Extended::default();
    for (card, state, at) in cards {
        let new: Vec<_> = at.iter().filter_map(|&i| rows[i].custody()).collect();
        let replay = custody::replay_from(state, &new, rules);
        for &i in &at {
            if let Some((_, refusal)) = replay.flags.iter().find(|(id, _)| *id == rows[i].id) {
                // A custody refusal outranks missing proof, as in the full fold.
                rows[i].flag = Some(refusal.code().to_owned());
            }
            if replay.implied_pickups.contains(&rows[i].id) {
                out.implied.push(implied_pickup(implied_pickup_id(&rows[i].id), &rows[i]));
            }
        }
        out.flags.extend(replay.flags);
        out.states.push((card, replay.state));
    }
    out
}

fn implied_pickup_id(source_id: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("implied-pickup:{source_id}").as_bytes()).to_string()
}

/// The pick-up a handover implies, recorded just before it so histories read in order.
fn implied_pickup(id: String, source: &events::EventRow) -> events::EventRow {
    let payload = serde_json::json!({ "implied_by": source.id }).to_string();
    events::EventRow {
        id,
        card_id: source.card_id.clone(),
        office_id: source.office_id.clone(),
        kind: EventKind::PickedUp.as_str().to_owned(),
        occurred_at: source.occurred_at - chrono::Duration::microseconds(1),
        received_at: source.received_at,
        actor_id: source.actor_id.clone(),
        device_id: source.device_id.clone(),
        content_hash: crate::auth::sha256_hex(payload.as_bytes()),
        payload,
        implied_by: Some(source.id.clone()),
        flag: None,
        device_time: None,
        batch_id: source.batch_id.clone(),
    }
}

/// Records an event made at the office (assignment, collection, a
/// resident's answer): server-made id, the time now. Returns why the card's
/// custody did not allow it, if it did not.
pub fn record_office_event(
    conn: &mut DbConnection,
    office: &Office,
    card_id: &str,
    kind: EventKind,
    actor: Option<&str>,
    payload: serde_json::Value,
) -> QueryResult<Option<custody::Refusal>> {
    let mut refused = record_office_events(conn, office, kind, actor, &[(card_id.to_owned(), payload)])?;
    Ok(refused.remove(card_id))
}

/// Records one office event on each of many cards at once (a route's
/// assignments): the cards locked in id order, one insert, one re-fold.
/// Returns the cards whose custody did not allow the event, with the reason.
pub fn record_office_events(
    conn: &mut DbConnection,
    office: &Office,
    kind: EventKind,
    actor: Option<&str>,
    items: &[(String, serde_json::Value)],
) -> QueryResult<HashMap<String, custody::Refusal>> {
    let now = db::now();
    let rows: Vec<events::EventRow> = items
        .iter()
        .map(|(card_id, payload)| {
            let payload = payload.to_string();
            events::EventRow {
                id: db::new_id(),
                card_id: card_id.clone(),
                office_id: office.id.clone(),
                kind: kind.as_str().to_owned(),
                occurred_at: now,
                received_at: now,
                actor_id: actor.map(str::to_owned),
                device_id: None,
                content_hash: crate::auth::sha256_hex(payload.as_bytes()),
                payload,
                implied_by: None,
                flag: None,
                device_time: None,
                batch_id: None,
            }
        })
        .collect();
    let mut cards: Vec<String> = items.iter().map(|(c, _)| c.clone()).collect();
    cards.sort();
    cards.dedup();
    db::lock_cards(conn, &cards)?;
    events::insert_many(conn, &rows)?;
    let flags: HashMap<String, custody::Refusal> =
        refold_many(conn, office.rules(), &cards, &Notes::default())?.into_iter().collect();
    crate::notify::after_events(conn, office, &rows, &flags)?;
    if kind == EventKind::ReturnedToOffice {
        // Back in the office's hands, the card leaves the courier's open
        // route (its day report still lists it): it is free to plan again.
        let back: Vec<String> = rows.iter().filter(|r| !flags.contains_key(&r.id)).map(|r| r.card_id.clone()).collect();
        crate::db::routes::leave_open_routes(conn, &back)?;
    }
    Ok(rows.into_iter().filter_map(|r| flags.get(&r.id).map(|why| (r.card_id, why.clone()))).collect())
}

/// Kinds staff record at the office, and the reasons a card is voided.
/// `returned_to_office` is staff receiving a card back from the courier who
/// carries it (after the day was closed, say).
pub const STAFF_KINDS: [EventKind; 4] =
    [EventKind::Collected, EventKind::Void, EventKind::HeldForPickup, EventKind::ReturnedToOffice];
pub const VOID_REASONS: [&str; 4] = ["reprinted", "damaged", "deceased", "other"];

/// Staff receive cards back from the courier carrying them: one
/// `returned_to_office` each, naming that courier. Returns the cards the
/// custody refused (not carried by `carrier`).
pub fn receive_returns(
    conn: &mut DbConnection,
    office: &crate::db::offices::Office,
    actor: &str,
    carrier: &str,
    route_id: &str,
    card_ids: &[String],
) -> QueryResult<HashMap<String, custody::Refusal>> {
    if card_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let payload = serde_json::json!({ events::RECEIVED_FROM: carrier, "route_id": route_id });
    let items: Vec<_> = card_ids.iter().map(|c| (c.clone(), payload.clone())).collect();
    record_office_events(conn, office, EventKind::ReturnedToOffice, Some(actor), &items)
}

/// Records a staff action on a card. Unlike field data, a staff action the
/// card's custody does not allow is refused (409) and not stored: the person
/// is there to read why.
pub fn record_staff_event(
    conn: &mut DbConnection,
    office: &crate::db::offices::Office,
    card_id: &str,
    kind: EventKind,
    actor: &str,
    payload: serde_json::Value,
) -> Result<(), crate::api::error::ApiError> {
    use crate::api::error::ApiError;
    db::write_tx(conn, |conn| {
        let card = cards::get(conn, &office.id, card_id)?.ok_or_else(|| ApiError::not_found("card"))?;
        let mut payload = payload;
        if kind == EventKind::ReturnedToOffice {
            match (card.status(), &card.courier_id) {
                (antar_shared::Status::WithCourier, Some(carrier)) => {
                    payload[events::RECEIVED_FROM] = carrier.as_str().into()
                }
                (status, _) => {
                    return Err(ApiError::Conflict(format!(
                        "only a card a courier carries can be received back; this one is {}",
                        status.as_str()
                    )))
                }
            }
        }
        match record_office_event(conn, office, card_id, kind, Some(actor), payload)? {
            Some(why) => Err(ApiError::Conflict(why.message())),
            None => Ok(()),
        }
    })
}
