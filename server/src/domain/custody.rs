//! Appending to a card's log and re-projecting its state.
//!
//! Every append re-folds the card's whole log in canonical order, so a late
//! event re-applies history and the stored status, flags and implied
//! pick-ups are always what the log says.

use crate::db::{self, cards, events, DbConnection};
use antar_shared::custody::{self, EventKind, Rules};
use diesel::QueryResult;

/// What happened to an appended event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The flag code when the event did not apply to custody.
    pub flag: Option<String>,
    pub message: Option<String>,
}

/// Appends `row` to its card's log (the caller holds a write transaction),
/// then re-projects the card. The card must exist.
pub fn append(conn: &mut DbConnection, rules: Rules, row: &events::EventRow) -> QueryResult<Outcome> {
    db::lock_cards(conn, std::slice::from_ref(&row.card_id))?;
    events::insert(conn, row)?;
    reproject(conn, rules, &row.card_id, &row.id)
}

/// Folds the card's log and stores the flags, implied pick-ups and
/// projection; returns the outcome for `focus`.
pub fn reproject(conn: &mut DbConnection, rules: Rules, card_id: &str, focus: &str) -> QueryResult<Outcome> {
    let flags = refold(conn, rules, card_id)?;
    let focus_flag = flags.iter().find(|(id, _)| id == focus);
    Ok(Outcome { flag: focus_flag.map(|(_, r)| r.code().to_owned()), message: focus_flag.map(|(_, r)| r.message()) })
}

/// Folds the card's log and stores what follows from it; returns every
/// event that did not apply, with the reason.
pub fn refold(conn: &mut DbConnection, rules: Rules, card_id: &str) -> QueryResult<Vec<(String, custody::Refusal)>> {
    let rows = events::for_card(conn, card_id)?;
    let log: Vec<_> = rows.iter().filter_map(events::EventRow::custody).collect();
    let replay = custody::replay(&log, rules);
    for row in rows.iter().filter(|r| r.implied_by.is_none()) {
        let flag = replay.flags.iter().find(|(id, _)| *id == row.id).map(|(_, r)| r.code());
        if row.flag.as_deref() != flag {
            events::set_flag(conn, &row.id, flag)?;
        }
    }
    // Implied pick-ups are the server's inference, not field data: when a
    // late real pick-up makes one unnecessary, it goes.
    for stale in rows.iter().filter(|r| r.implied_by.as_ref().is_some_and(|src| !replay.implied_pickups.contains(src)))
    {
        events::delete(conn, &stale.id)?;
    }
    for id in &replay.implied_pickups {
        let implied_id =
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("implied-pickup:{id}").as_bytes()).to_string();
        if rows.iter().any(|r| r.id == implied_id) {
            continue;
        }
        if let Some(source) = rows.iter().find(|r| &r.id == id) {
            let payload = serde_json::json!({ "implied_by": id }).to_string();
            events::insert(
                conn,
                &events::EventRow {
                    id: implied_id,
                    card_id: source.card_id.clone(),
                    office_id: source.office_id.clone(),
                    kind: EventKind::PickedUp.as_str().to_owned(),
                    // Just before the handover that implied it, so histories read in order.
                    occurred_at: source.occurred_at - chrono::Duration::microseconds(1),
                    received_at: source.received_at,
                    actor_id: source.actor_id.clone(),
                    device_id: source.device_id.clone(),
                    content_hash: crate::auth::sha256_hex(payload.as_bytes()),
                    payload,
                    implied_by: Some(id.clone()),
                    flag: None,
                    device_time: None,
                    batch_id: source.batch_id.clone(),
                },
            )?;
        }
    }
    cards::set_projection(conn, card_id, &replay.state)?;
    Ok(replay.flags)
}

/// Records an event made at the office (assignment, collection, a
/// resident's answer): server-made id, the time now.
pub fn record_office_event(
    conn: &mut DbConnection,
    rules: Rules,
    office_id: &str,
    card_id: &str,
    kind: EventKind,
    actor: Option<&str>,
    payload: serde_json::Value,
) -> QueryResult<Outcome> {
    let now = db::now();
    let payload = payload.to_string();
    let row = events::EventRow {
        id: db::new_id(),
        card_id: card_id.to_owned(),
        office_id: office_id.to_owned(),
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
    };
    append(conn, rules, &row)
}

/// Kinds staff record at the office, and the reasons a card is voided.
pub const STAFF_KINDS: [EventKind; 3] = [EventKind::Collected, EventKind::Void, EventKind::HeldForPickup];
pub const VOID_REASONS: [&str; 4] = ["reprinted", "damaged", "deceased", "other"];

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
        cards::get(conn, &office.id, card_id)?.ok_or_else(|| ApiError::not_found("card"))?;
        let outcome = record_office_event(conn, office.rules(), &office.id, card_id, kind, Some(actor), payload)?;
        match outcome.message {
            Some(why) => Err(ApiError::Conflict(why)),
            None => Ok(()),
        }
    })
}
