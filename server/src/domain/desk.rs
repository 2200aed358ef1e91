//! The desk: staff hand a courier's bundle out and receive returned cards
//! back by scanning the envelopes' labels (a USB scanner types the label's
//! door link and Enter) or by typing a label's number or a card id. Each
//! scan is one custody move made by the staff member, naming the courier:
//! the courier's own word ("handed back") never moves a card into the
//! office's custody, and the bundle handed out is exactly what was scanned.

use crate::api::error::ApiError;
use crate::db::{self, cards, events, offices::Office, routes, DbConnection};
use crate::domain::custody;
use antar_shared::label::{door_code, DoorCode};
use antar_shared::wire::{DeskScan, RouteStatus};
use antar_shared::{EventKind, Status};

/// What a scan at the desk does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    /// The card goes into the courier's bag (`picked_up`, by staff).
    HandOut,
    /// The card comes back into the office's custody (`returned_to_office`).
    Receive,
}

/// One scan or typed code for a courier's day: the card it names moves, or
/// the answer says why not and nothing changes. Scanning a card that has
/// already moved this way is no error (`already`): scanners repeat.
pub fn scan(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    courier_id: &str,
    date: &str,
    code: &str,
    desk: Desk,
) -> Result<DeskScan, ApiError> {
    super::routes::courier_in_path(conn, office, courier_id)?;
    let code = door_code(code).ok_or_else(|| {
        ApiError::unprocessable("code", "bukan kode label atau nomor urut / not a label's code or stop number")
    })?;
    db::write_tx(conn, |conn| {
        let day: Vec<_> = routes::list(conn, &office.id, Some(date), Some(courier_id))?
            .into_iter()
            .filter(|r| r.status() != RouteStatus::Cancelled)
            .collect();
        let mut stops = Vec::new();
        for r in &day {
            stops.extend(routes::stops(conn, &r.id)?.into_iter().map(|s| (r.clone(), s)));
        }
        let card_id = match &code {
            DoorCode::Card(id) => id.clone(),
            DoorCode::Seq(n) => stops
                .iter()
                .find(|(_, s)| u32::try_from(s.seq).ok() == Some(*n))
                .map(|(_, s)| s.card_id.clone())
                .ok_or_else(|| ApiError::not_found("stop with this number on the courier's route of the day"))?,
        };
        // Another office's card is no card of this office: not found.
        let card = cards::get(conn, &office.id, &card_id)?.ok_or_else(|| ApiError::not_found("card"))?;
        let stop = stops.iter().find(|(_, s)| s.card_id == card.id);
        let mine = card.courier_id.as_deref() == Some(courier_id);
        let route_id = stop.map(|(r, _)| r.id.clone());
        let already = match (desk, card.status()) {
            (Desk::HandOut, Status::WithCourier) if mine => true,
            (Desk::HandOut, Status::Assigned) if mine && stop.is_some_and(|(r, _)| r.status() == RouteStatus::Open) => {
                let payload = serde_json::json!({ events::HANDED_TO: courier_id, "route_id": route_id });
                refused(custody::record_office_event(
                    conn,
                    office,
                    &card.id,
                    EventKind::PickedUp,
                    Some(actor),
                    payload,
                )?)?;
                false
            }
            (Desk::Receive, Status::WithCourier) if mine => {
                let route = route_id.clone().unwrap_or_default();
                let why =
                    custody::receive_returns(conn, office, actor, courier_id, &route, std::slice::from_ref(&card.id))?;
                refused(why.into_values().next())?;
                false
            }
            (Desk::Receive, Status::ReturnedToOffice | Status::HeldForPickup)
                if received_last_from(conn, &card.id, courier_id)? =>
            {
                true
            }
            (_, status) => return Err(ApiError::Conflict(why_not(desk, status, mine, stop.is_some()))),
        };
        let now = cards::get(conn, &office.id, &card.id)?.ok_or_else(|| ApiError::not_found("card"))?;
        Ok(DeskScan {
            card_id: now.id.clone(),
            name: now.name.clone(),
            seq: stop.map(|(_, s)| s.seq),
            status: now.status(),
            already,
        })
    })
}

fn refused(why: Option<antar_shared::custody::Refusal>) -> Result<(), ApiError> {
    match why {
        Some(why) => Err(ApiError::Conflict(why.message())),
        None => Ok(()),
    }
}

/// Whether the card's last return to the office was received from this
/// courier: a second scan of a card just received is a repeat, not a refusal.
fn received_last_from(conn: &mut DbConnection, card_id: &str, courier_id: &str) -> Result<bool, ApiError> {
    let log = events::for_cards(conn, &[card_id.to_owned()])?;
    let last = log.iter().rev().find(|e| e.kind() == Some(EventKind::ReturnedToOffice));
    Ok(last.and_then(events::EventRow::custody).is_some_and(|e| e.courier.as_deref() == Some(courier_id)))
}

/// Why the card cannot move at this desk, in the clerk's words first.
fn why_not(desk: Desk, status: Status, mine: bool, on_route: bool) -> String {
    let what = match (desk, status) {
        (_, Status::Delivered) => "kartu ini sudah diterima warga / this card was already delivered",
        (_, Status::Void) => "kartu ini dibatalkan / this card is void",
        (_, Status::Collected) => "kartu ini sudah diambil di kantor / this card was collected at the office",
        (_, Status::LeftAtVillageOffice) => {
            "kartu ini dititipkan di kantor kelurahan / this card was left at the village office"
        }
        (Desk::Receive, Status::Printed | Status::ReturnedToOffice | Status::HeldForPickup | Status::Assigned) => {
            "kartu ini sudah di kantor / this card is already at the office"
        }
        (Desk::HandOut, Status::Printed | Status::ReturnedToOffice | Status::HeldForPickup) => {
            "kartu ini tidak ada di rute kurir ini / this card is not on this courier's route"
        }
        _ if !mine => "kartu ini milik kurir lain / this card belongs to another courier",
        _ if !on_route => "kartu ini tidak ada di rute kurir ini hari itu / not on this courier's route that day",
        _ => "rute kartu ini sudah ditutup / the card's route is closed",
    };
    what.to_owned()
}
