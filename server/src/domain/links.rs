//! Resident links: an unguessable token (256 random bits) that opens one
//! card's status page. Only its hash is stored; it expires with the office's
//! link lifetime and allows one confirmation.

use crate::api::error::ApiError;
use crate::auth::sha256_hex;
use crate::db::{self, cards, events, links, offices, users, DbConnection};
use crate::domain::custody;
use antar_shared::custody::ResidentAnswer;
use antar_shared::wire::{ResidentLink, TimelineEntry, TrackView};
use antar_shared::EventKind;

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
    let token = new_token();
    let now = db::now();
    let expires_at = now + chrono::Duration::days(i64::from(office.link_lifetime_days));
    db::write_tx(conn, |conn| {
        links::replace(
            conn,
            &links::LinkRow {
                id: db::new_id(),
                card_id: card.id.clone(),
                office_id: office_id.to_owned(),
                token_hash: sha256_hex(token.as_bytes()),
                created_at: now,
                expires_at,
                revoked: false,
            },
        )
    })?;
    let url = format!("{base_url}/t/{token}");
    let whatsapp_url = card.phone.as_deref().and_then(antar_shared::import::normalise_phone).map(|phone| {
        let text = format!(
            "Yth. {}, e-KTP Anda dari Disdukcapil {} sedang dalam pengantaran. Lihat statusnya di {url}",
            first_name(&card.name),
            office.name
        );
        format!("https://wa.me/{phone}?text={}", percent_encode(&text))
    });
    Ok(ResidentLink { url, expires_at: expires_at.and_utc(), whatsapp_url })
}

fn percent_encode(s: &str) -> String {
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
        timeline.push(TimelineEntry {
            at: ev.occurred_at.and_utc(),
            what: kind.as_str().into(),
            label: kind.label_id().into(),
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
        can_confirm: card.resident().is_none(),
    })
}

/// Records the resident's answer once; a second confirmation changes nothing
/// and answers like the first.
pub fn answer(
    conn: &mut DbConnection,
    token: &str,
    answer: ResidentAnswer,
    message: Option<String>,
) -> Result<TrackView, ApiError> {
    let link = resolve(conn, token)?;
    db::write_tx(conn, |conn| {
        let card = cards::get(conn, &link.office_id, &link.card_id)?.ok_or_else(|| ApiError::not_found("link"))?;
        if let Some(text) = &message {
            links::insert_report(
                conn,
                &links::ReportRow {
                    id: db::new_id(),
                    card_id: card.id.clone(),
                    office_id: link.office_id.clone(),
                    message: text.clone(),
                    created_at: db::now(),
                },
            )?;
        }
        let already_confirmed = card.resident() == Some(ResidentAnswer::Confirmed);
        if !(already_confirmed && answer == ResidentAnswer::Confirmed) {
            let office = offices::get(conn, &link.office_id)?;
            let kind = match answer {
                ResidentAnswer::Confirmed => EventKind::ResidentConfirmed,
                ResidentAnswer::Disputed => EventKind::ResidentDisputed,
            };
            custody::record_office_event(
                conn,
                office.rules(),
                &office.id,
                &card.id,
                kind,
                None,
                serde_json::json!({ "via": "resident_link" }),
            )?;
        }
        Ok::<_, ApiError>(())
    })?;
    view(conn, token)
}
