//! Resident links: an unguessable token (256 random bits) that opens one
//! card's status page. Only its hash is stored; it expires with the office's
//! link lifetime and allows one confirmation.

use crate::api::error::ApiError;
use crate::auth::sha256_hex;
use crate::db::{self, cards, events, links, offices, users, DbConnection};
use crate::domain::custody;
use antar_shared::custody::{ResidentAnswer, ResidentWish};
use antar_shared::wire::{ResidentItemKind, ResidentLink, TimelineEntry, TrackView};
use antar_shared::{EventKind, Status};

pub fn new_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn create(
    conn: &mut DbConnection,
    office_id: &str,
    card_id: &str,
    base_url: &str,
) -> Result<ResidentLink, ApiError> {
    let card = cards::get(conn, office_id, card_id)?.ok_or_else(|| ApiError::not_found("card"))?;
    let office = offices::get(conn, office_id)?;
    let now = db::now();
    let expires_at = now + chrono::Duration::days(i64::from(office.link_lifetime_days));
    let token = db::write_tx(conn, |conn| issue(conn, &office, &card.id, now))?;
    let url = format!("{base_url}/t/{token}");
    let whatsapp_url = card.phone.as_deref().and_then(antar_shared::import::normalise_phone).map(|phone| {
        let text = link_message(card.status(), &first_name(&card.name), &office.name, &card.kelurahan, &url);
        format!("https://wa.me/{phone}?text={}", percent_encode(&text))
    });
    Ok(ResidentLink { url, expires_at: expires_at.and_utc(), whatsapp_url })
}

/// Makes a card's resident link, valid for the office's link lifetime from
/// `now`, replacing any older one; returns the token (only its hash is kept).
pub fn issue(
    conn: &mut DbConnection,
    office: &offices::Office,
    card_id: &str,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<String> {
    let token = new_token();
    links::replace(
        conn,
        &links::LinkRow {
            id: db::new_id(),
            card_id: card_id.to_owned(),
            office_id: office.id.clone(),
            token_hash: sha256_hex(token.as_bytes()),
            created_at: now,
            expires_at: now + chrono::Duration::days(i64::from(office.link_lifetime_days)),
            revoked: false,
        },
    )?;
    Ok(token)
}

/// The message sent with a resident link: what is true of the card now.
pub fn link_message(status: Status, first_name: &str, office: &str, kelurahan: &str, url: &str) -> String {
    let office = antar_shared::notify::office_after_disdukcapil(office);
    let where_ = match status {
        Status::Printed => {
            format!("sudah dicetak dan ada di kantor Disdukcapil {office}; jadwal antarnya akan kami kabarkan")
        }
        Status::Assigned => format!("dari Disdukcapil {office} sudah dijadwalkan untuk diantar"),
        Status::WithCourier => format!("dari Disdukcapil {office} sedang dalam pengantaran"),
        Status::Delivered => format!("dari Disdukcapil {office} sudah diserahkan. Mohon konfirmasi penerimaannya"),
        Status::ReturnedToOffice | Status::HeldForPickup => {
            format!("menunggu Anda di kantor Disdukcapil {office}; silakan ambil dengan membawa KK")
        }
        Status::LeftAtVillageOffice => {
            format!("dititipkan di kantor kelurahan {kelurahan}; silakan ambil di sana dengan membawa KK")
        }
        Status::Collected => format!("sudah diambil di kantor Disdukcapil {office}"),
        Status::Void => format!("dibatalkan oleh Disdukcapil {office}; silakan hubungi kantor"),
    };
    format!("Yth. {first_name}, e-KTP Anda {where_}. Lihat statusnya di {url}")
}

pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn first_name(full: &str) -> String {
    full.split_whitespace().next().unwrap_or_default().to_owned()
}

/// The live link for a token: unknown or replaced → 404, expired → 410.
fn resolve(conn: &mut DbConnection, token: &str) -> Result<links::LinkRow, ApiError> {
    let link = links::by_hash(conn, &sha256_hex(token.as_bytes()))?
        .filter(|l| !l.revoked)
        .ok_or_else(|| ApiError::not_found("link"))?;
    if link.expires_at < db::now() {
        return Err(ApiError::Gone("tautan sudah kedaluwarsa / this link has expired".into()));
    }
    Ok(link)
}

pub fn view(conn: &mut DbConnection, token: &str) -> Result<TrackView, ApiError> {
    let link = resolve(conn, token)?;
    let card = cards::get(conn, &link.office_id, &link.card_id)?.ok_or_else(|| ApiError::not_found("link"))?;
    let office = offices::get(conn, &link.office_id)?;
    let log = events::for_card(conn, &card.id)?;
    let mut timeline = vec![TimelineEntry {
        at: card.created_at.and_utc(),
        what: antar_shared::Status::Printed.as_str().into(),
        label: antar_shared::Status::Printed.label_id().into(),
    }];
    let mut courier_first_name = None;
    for ev in log.iter().filter(|e| e.applied() && e.implied_by.is_none()) {
        let Some(kind) = ev.kind() else { continue };
        if matches!(kind, EventKind::Unassigned) {
            continue;
        }
        if kind.is_courier_kind() {
            if let Some(actor) = &ev.actor_id {
                courier_first_name = users::by_id(conn, actor)?.map(|u| first_name(&u.display_name));
            }
        }
        // A request reads as what was asked for.
        let wish = (kind == EventKind::ResidentRequested)
            .then(|| serde_json::from_str::<serde_json::Value>(&ev.payload).ok())
            .flatten()
            .and_then(|p| p.get("wish").and_then(|w| w.as_str()).and_then(ResidentWish::parse));
        timeline.push(TimelineEntry {
            at: ev.occurred_at.and_utc(),
            what: kind.as_str().into(),
            label: wish.map_or(kind.label_id(), ResidentWish::label_id).into(),
        });
    }
    let status = card.status();
    Ok(TrackView {
        status,
        status_label: status.label_id().into(),
        resident: card.resident(),
        name: first_name(&card.name),
        office_name: office.name,
        time_zone: office.time_zone,
        courier_first_name,
        timeline,
        can_confirm: card.resident().is_none() && matches!(status, Status::Delivered | Status::WithCourier),
        can_request: can_request(status),
    })
}

/// A resident's answer for staff to review.
fn resident_item(
    conn: &mut DbConnection,
    link: &links::LinkRow,
    kind: ResidentItemKind,
    message: String,
) -> diesel::QueryResult<()> {
    links::insert_report(
        conn,
        &links::ReportRow {
            id: db::new_id(),
            card_id: link.card_id.clone(),
            office_id: link.office_id.clone(),
            message,
            created_at: db::now(),
            kind: kind.as_str().to_owned(),
            resolved_at: None,
            resolved_by: None,
            resolution_note: None,
        },
    )
}

/// Whether the card is still on its way, so a request can change the trip.
fn can_request(status: Status) -> bool {
    matches!(status, Status::Printed | Status::Assigned | Status::WithCourier | Status::ReturnedToOffice)
}

/// Requests a link may make in a day.
pub const REQUESTS_PER_DAY: i64 = 5;

/// The resident asks to collect the card at the village office or for
/// another delivery time: a review item for staff, an event on the card's
/// timeline, and a note on the courier's stop at the next route download.
/// Refused (409) once the card is no longer on its way; more than
/// `REQUESTS_PER_DAY` answers through the link in a day are refused (429).
pub fn request(conn: &mut DbConnection, token: &str, wish: ResidentWish) -> Result<TrackView, ApiError> {
    let link = resolve(conn, token)?;
    db::write_tx(conn, |conn| {
        let card = cards::get(conn, &link.office_id, &link.card_id)?.ok_or_else(|| ApiError::not_found("link"))?;
        if !can_request(card.status()) {
            return Err(ApiError::Conflict(format!(
                "E-KTP ini sudah tidak dalam pengantaran ({}). / This card is no longer on its way.",
                card.status().label_id().to_lowercase()
            )));
        }
        let now = db::now();
        if links::answers_since(conn, &card.id, now - chrono::Duration::days(1))? >= REQUESTS_PER_DAY {
            return Err(crate::app::too_many(3600));
        }
        let office = offices::get(conn, &link.office_id)?;
        resident_item(conn, &link, ResidentItemKind::Request, wish.label_id().to_owned())?;
        let payload = serde_json::json!({ "via": "resident_link", "wish": wish.as_str() });
        custody::record_office_event(conn, &office, &card.id, EventKind::ResidentRequested, None, payload)?;
        Ok::<_, ApiError>(())
    })?;
    view(conn, token)
}

/// Records the resident's answer. A confirmation counts only on a delivered
/// card (a second one answers like the first); on a card still with the
/// courier — who may have handed it over offline — it is kept for staff to
/// review and changes nothing; otherwise it is refused. A report is always a
/// review item, and on a delivered card also disputes the delivery.
pub fn answer(
    conn: &mut DbConnection,
    token: &str,
    answer: ResidentAnswer,
    message: Option<String>,
) -> Result<TrackView, ApiError> {
    let link = resolve(conn, token)?;
    db::write_tx(conn, |conn| {
        let card = cards::get(conn, &link.office_id, &link.card_id)?.ok_or_else(|| ApiError::not_found("link"))?;
        let office = offices::get(conn, &link.office_id)?;
        let item = |conn: &mut DbConnection, kind, message| resident_item(conn, &link, kind, message);
        let record = |conn: &mut DbConnection, kind: EventKind| {
            let payload = serde_json::json!({ "via": "resident_link" });
            custody::record_office_event(conn, &office, &card.id, kind, None, payload)
        };
        match (answer, card.status()) {
            (ResidentAnswer::Confirmed, _) if card.resident() == Some(ResidentAnswer::Confirmed) => {}
            (ResidentAnswer::Confirmed, Status::Delivered) => {
                record(conn, EventKind::ResidentConfirmed)?;
            }
            (ResidentAnswer::Confirmed, Status::WithCourier) => {
                if !links::has_open(conn, &card.id, ResidentItemKind::EarlyConfirmation.as_str())? {
                    item(conn, ResidentItemKind::EarlyConfirmation, String::new())?;
                }
            }
            (ResidentAnswer::Confirmed, status) => {
                return Err(ApiError::Conflict(format!(
                    "E-KTP ini belum diserahkan ({}), jadi penerimaan belum bisa dikonfirmasi. \
                     / This card has not been delivered yet, so receipt cannot be confirmed.",
                    status.label_id().to_lowercase()
                )))
            }
            (ResidentAnswer::Disputed, status) => {
                item(conn, ResidentItemKind::Report, message.unwrap_or_default())?;
                if status == Status::Delivered {
                    record(conn, EventKind::ResidentDisputed)?;
                }
            }
        }
        Ok::<_, ApiError>(())
    })?;
    view(conn, token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_message_says_what_is_true_of_the_card() {
        let msg = |st| link_message(st, "Siti", "KOTA BANDAR LAMPUNG", "RAJABASA", "https://x/t/abc");
        assert!(msg(Status::WithCourier).contains("sedang dalam pengantaran"));
        for st in Status::ALL.into_iter().filter(|s| *s != Status::WithCourier) {
            assert!(!msg(st).contains("pengantaran"), "{st:?} is not on its way: {}", msg(st));
            assert!(msg(st).ends_with("https://x/t/abc"));
        }
        assert!(msg(Status::Delivered).contains("sudah diserahkan"));
        assert!(msg(Status::LeftAtVillageOffice).contains("kelurahan RAJABASA"));
        assert!(msg(Status::Printed).contains("ada di kantor"));
    }
}
