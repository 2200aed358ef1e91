//! `POST /api/v1/sync`: a courier's batch of events, each answered on its own.
//!
//! Exactly once: an event id already stored with the same content is a
//! `duplicate`; with other content, `rejected`/`id_conflict`. Nothing a
//! courier sends is dropped: rejected events go to the review queue, and
//! events that contradict custody are accepted and flagged.

use crate::db::{self, cards, events, offices::Office, routes, DbConnection};
use crate::domain::custody;
use antar_shared::codes::sync as code;
use antar_shared::payload::{SealedNik, NIK_SEALED, NIK_VERIFIED};
use antar_shared::wire::{ProofRules, SyncEvent, SyncResult, SyncStatus};
use antar_shared::EventKind;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use std::collections::{BTreeMap, HashMap};

/// Largest accepted batch; the phone sends smaller ones.
pub const MAX_EVENTS: usize = 500;
/// Largest accepted request body: 500 events with generous payloads.
pub const MAX_BODY: usize = 1024 * 1024;

pub struct Batch<'a> {
    pub id: String,
    pub office: &'a Office,
    pub courier_id: &'a str,
    pub device_id: &'a str,
    /// When the phone sent the batch, by its own clock.
    pub sent_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    /// Opens NIKs sealed at the door.
    pub seal: &'a crate::auth::nik_seal::SealKey,
}

impl Batch<'_> {
    /// Server clock minus phone clock.
    pub fn skew(&self) -> chrono::Duration {
        self.received_at - self.sent_at
    }

    /// Records the batch itself: when the phone sent it by its own clock,
    /// when it arrived, and the difference.
    fn record(&self, conn: &mut DbConnection, count: usize) -> QueryResult<()> {
        events::insert_batch(
            conn,
            &events::BatchRow {
                id: self.id.clone(),
                office_id: self.office.id.clone(),
                courier_id: self.courier_id.to_owned(),
                device_id: self.device_id.to_owned(),
                sent_at: self.sent_at,
                received_at: self.received_at,
                skew_ms: self.skew().num_milliseconds(),
                events: i32::try_from(count).unwrap_or(i32::MAX),
            },
        )
    }
}

/// Keys sorted at every level, so key order never changes the hash.
fn canonical(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            let mut sorted: Vec<_> = map.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            serde_json::Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// What makes two sends "the same event": card, kind, the instant it
/// happened, and the payload as a JSON value.
pub fn content_hash(ev: &SyncEvent, occurred_at: NaiveDateTime) -> String {
    let body = serde_json::json!({
        "card_id": ev.card_id,
        "kind": ev.kind,
        "occurred_at": occurred_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "payload": canonical(&ev.payload),
    });
    crate::auth::sha256_hex(canonical(&body).to_string().as_bytes())
}

fn result(id: &str, status: SyncStatus, code: Option<&str>, message: Option<String>) -> SyncResult {
    SyncResult { id: id.to_owned(), status, code: code.map(str::to_owned), message }
}

/// An event as checked before the transaction: everything that needs no
/// database (hash, kind, payload) is done outside the write lock.
struct Checked {
    hash: String,
    /// The row to store, or why the event cannot be stored.
    row: Result<events::EventRow, (&'static str, String)>,
    payload: serde_json::Value,
    /// For a delivery without proof the office requires: what is missing.
    unproven: Option<String>,
    /// The NIK typed at the door, opened from its seal (`Some(None)`: a
    /// seal that does not open). Compared with the card's, never stored.
    typed_nik: Option<Option<String>>,
}

/// `proof`: the office's rules. A delivery without the proof they require
/// (a phone with older rules, another client) still counts, flagged for
/// staff to review.
fn check(batch: &Batch<'_>, proof: &ProofRules, ev: &SyncEvent) -> Checked {
    let device_time = db::truncate(ev.occurred_at.naive_utc());
    let hash = content_hash(ev, device_time);
    let mut payload = canonical(&ev.payload);
    // The sealed NIK is opened here and kept out of the stored payload.
    let typed_nik = payload
        .as_object_mut()
        .and_then(|p| p.remove(NIK_SEALED))
        .map(|sealed| serde_json::from_value::<SealedNik>(sealed).ok().and_then(|s| batch.seal.open(&ev.card_id, &s)));
    // A phone's "returned to the office" is stored as the courier's claim
    // (`handed_back`); the hash above is of what the phone sent, so a resend
    // is still a duplicate.
    let kind = EventKind::parse(&ev.kind).filter(|k| k.is_courier_kind()).map(EventKind::as_sent_by_courier);
    let row = match kind {
        None => Err((code::UNKNOWN_KIND, format!("kind '{}' is not a courier event", ev.kind))),
        Some(_) if device_time > batch.sent_at + chrono::Duration::minutes(1) => Err((
            code::OCCURRED_AFTER_SENT,
            "occurred_at: later than the batch's sent_at by the phone's own clock".to_owned(),
        )),
        Some(kind) => match antar_shared::payload::check(kind, &ev.payload) {
            Err(e) => Err((code::INVALID_PAYLOAD, format!("{}: {}", e.field, e.message))),
            Ok(()) => Ok(events::EventRow {
                id: ev.id.clone(),
                card_id: ev.card_id.clone(),
                office_id: batch.office.id.clone(),
                kind: kind.as_str().to_owned(),
                // Cheap phones keep poor time: the log is ordered on the server's clock.
                occurred_at: db::truncate(device_time + batch.skew()),
                received_at: batch.received_at,
                actor_id: Some(batch.courier_id.to_owned()),
                device_id: Some(batch.device_id.to_owned()),
                payload: payload.to_string(),
                content_hash: hash.clone(),
                implied_by: None,
                flag: None,
                device_time: Some(device_time),
                batch_id: Some(batch.id.clone()),
            }),
        },
    };
    let missing = if kind == Some(EventKind::Delivered) { proof.missing_in(&payload) } else { Vec::new() };
    let unproven = (!missing.is_empty()).then(|| format!("without proof the office requires: {}", missing.join(", ")));
    let row =
        row.map(|row| events::EventRow { flag: unproven.as_ref().map(|_| code::MISSING_PROOF.to_owned()), ..row });
    Checked { hash, row, payload, unproven, typed_nik }
}

/// Marks a delivery whose sealed NIK is not the card's (or does not open):
/// it still counts, flagged for review; the stored payload says whether
/// the NIK matched, never what it was.
fn verify_nik(row: &mut events::EventRow, typed: Option<&str>, card_nik: Option<&str>) -> Option<String> {
    let matched = typed.is_some() && typed == card_nik;
    if let Ok(serde_json::Value::Object(mut p)) = serde_json::from_str::<serde_json::Value>(&row.payload) {
        p.insert(NIK_VERIFIED.to_owned(), matched.into());
        row.payload = serde_json::Value::Object(p).to_string();
    }
    if matched {
        return None;
    }
    row.flag = Some(code::NIK_MISMATCH.to_owned());
    Some(match typed {
        Some(_) => "the NIK typed at the door is not the card's".to_owned(),
        None => "the sealed NIK could not be opened".to_owned(),
    })
}

/// Handles a whole batch in one transaction: bulk look-ups, one insert, and
/// one re-fold per card rather than per event. Each event still gets its own
/// answer: a bad one is rejected (and kept) while the rest go through.
pub fn handle_batch(conn: &mut DbConnection, batch: &Batch<'_>, sent: &[SyncEvent]) -> QueryResult<Vec<SyncResult>> {
    let proof = ProofRules::from(&batch.office.settings());
    let checked: Vec<Checked> = sent.iter().map(|ev| check(batch, &proof, ev)).collect();
    let mut card_ids: Vec<String> = sent.iter().map(|e| e.card_id.clone()).collect();
    card_ids.sort();
    card_ids.dedup();
    let ids: Vec<String> = sent.iter().map(|e| e.id.clone()).collect();
    db::write_tx(conn, |conn| {
        batch.record(conn, sent.len())?;
        let mut results: Vec<Option<SyncResult>> = vec![None; sent.len()];
        let mut rejected = Vec::new();
        let mut reject = |ev: &SyncEvent, code: &str, message: String| {
            rejected.push(rejected_row(batch, ev, code, &message));
            Some(result(&ev.id, SyncStatus::Rejected, Some(code), Some(message)))
        };
        // Cards first: once they are locked, an event id another request is
        // storing right now is seen as stored, not inserted twice.
        let held = routes::lock_cards_of_courier(conn, &batch.office.id, batch.courier_id, &card_ids)?;
        let stored: HashMap<String, events::Stored> =
            events::stored(conn, &ids)?.into_iter().map(|r| (r.id.clone(), r)).collect();
        // The NIKs of the cards a sealed NIK was typed for, in one look-up.
        let sealed_for: Vec<String> =
            sent.iter().zip(&checked).filter(|(_, c)| c.typed_nik.is_some()).map(|(e, _)| e.card_id.clone()).collect();
        let niks = cards::niks(conn, &batch.office.id, &sealed_for)?;
        // The accepted events: where each stands in the batch, its row, its
        // payload (for the GPS pin) and what proof it lacks.
        let (mut at, mut rows, mut payloads, mut unproven) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut seen: HashMap<&str, String> = HashMap::new();
        for (i, (ev, checked)) in sent.iter().zip(checked).enumerate() {
            let earlier = stored
                .get(&ev.id)
                .map(|row| {
                    (row.content_hash.as_str(), row.actor_id.as_deref() == Some(batch.courier_id), row.flag.is_some())
                })
                .or_else(|| seen.get(ev.id.as_str()).map(|h| (h.as_str(), true, false)));
            if let Some((earlier_hash, same_actor, flagged)) = earlier {
                if earlier_hash == checked.hash && same_actor {
                    results[i] = Some(result(&ev.id, SyncStatus::Duplicate, flagged.then_some(code::FLAGGED), None));
                } else {
                    results[i] =
                        reject(ev, code::ID_CONFLICT, "this event id was already used for different content".into());
                }
                continue;
            }
            let row = match checked.row {
                Err((code, message)) => {
                    results[i] = reject(ev, code, message);
                    continue;
                }
                Ok(row) => row,
            };
            if !held.contains_key(&ev.card_id) {
                results[i] = reject(ev, code::NOT_ASSIGNED, "this card was never on your route".into());
                continue;
            }
            seen.insert(ev.id.as_str(), checked.hash);
            let mut row = row;
            let unproven_or_mismatch = match &checked.typed_nik {
                Some(typed) => verify_nik(&mut row, typed.as_deref(), niks.get(&ev.card_id).map(String::as_str))
                    .or(checked.unproven),
                None => checked.unproven,
            };
            at.push(i);
            rows.push(row);
            payloads.push(checked.payload);
            unproven.push(unproven_or_mismatch);
        }
        events::insert_rejected_many(conn, &rejected)?;
        // A card whose new events all come after its stored log folds on
        // from its stored state; any other is re-folded whole once stored.
        let mut new_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            new_of.entry(row.card_id.as_str()).or_default().push(i);
        }
        let (mut extend, mut refold) = (Vec::new(), Vec::new());
        for (card, at) in new_of {
            match held.get(card) {
                Some(h) if at.iter().all(|&i| h.last_at.is_none_or(|last| rows[i].occurred_at > last)) => {
                    extend.push((card.to_owned(), h.state(), at));
                }
                _ => refold.push(card.to_owned()),
            }
        }
        let extended = custody::extend_many(batch.office.rules(), &mut rows, extend);
        events::insert_many(conn, &[&rows[..], &extended.implied[..]].concat())?;
        // In time order (a stable sort keeps batch order on ties): the first
        // good GPS fix and the last landmark note of each card.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| rows[i].occurred_at);
        let mut notes = custody::Notes::default();
        for i in order {
            let (card, payload) = (rows[i].card_id.as_str(), &payloads[i]);
            if let Some(fix) = good_fix(payload) {
                notes.pins.entry(card).or_insert(fix);
            }
            if let Some(note) =
                payload.get("landmark").and_then(|v| v.as_str()).map(str::trim).filter(|t| !t.is_empty())
            {
                notes.landmarks.insert(card, note);
            }
        }
        custody::project(conn, &extended.states, &notes)?;
        let refolded = custody::refold_many(conn, batch.office.rules(), &refold, &notes)?;
        let flags: HashMap<String, _> = extended.flags.into_iter().chain(refolded).collect();
        crate::notify::after_events(conn, batch.office, &rows, &flags)?;
        for ((i, row), lacking) in at.into_iter().zip(&rows).zip(unproven) {
            let why = flags.get(&row.id).map(antar_shared::custody::Refusal::message).or(lacking);
            results[i] = Some(match why {
                Some(message) => result(&row.id, SyncStatus::Accepted, Some(code::FLAGGED), Some(message)),
                None => result(&row.id, SyncStatus::Accepted, None, None),
            });
        }
        Ok(results
            .into_iter()
            .zip(sent)
            .map(|(r, ev)| r.unwrap_or_else(|| result(&ev.id, SyncStatus::Rejected, None, None)))
            .collect())
    })
}

/// A GPS fix good to 50 m: good enough to find the home again.
fn good_fix(payload: &serde_json::Value) -> Option<(f64, f64)> {
    let num = |f: &str| payload.get(f).and_then(serde_json::Value::as_f64);
    match (num("lat"), num("lon"), num("accuracy_m")) {
        (Some(lat), Some(lon), Some(acc)) if acc <= 50.0 => Some((lat, lon)),
        _ => None,
    }
}

fn rejected_row(batch: &Batch<'_>, ev: &SyncEvent, code: &str, message: &str) -> events::RejectedRow {
    events::RejectedRow {
        id: db::new_id(),
        office_id: batch.office.id.clone(),
        event_id: ev.id.clone(),
        card_id: Some(ev.card_id.clone()),
        actor_id: batch.courier_id.to_owned(),
        device_id: Some(batch.device_id.to_owned()),
        code: code.to_owned(),
        message: message.to_owned(),
        // Kept whole for review, but for a sealed NIK, which is never stored.
        body: {
            let mut kept = serde_json::to_value(ev).unwrap_or_default();
            if let Some(p) = kept.get_mut("payload").and_then(serde_json::Value::as_object_mut) {
                p.remove(NIK_SEALED);
            }
            kept.to_string()
        },
        received_at: batch.received_at,
        resolved_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(payload: serde_json::Value, at: &str) -> SyncEvent {
        SyncEvent {
            id: "e1".into(),
            card_id: "c1".into(),
            kind: "delivered".into(),
            occurred_at: chrono::DateTime::parse_from_rfc3339(at).unwrap(),
            payload,
        }
    }

    /// Found by fuzzing: serde_json's default float parsing can miss the
    /// nearest double by an ulp, so a payload read back and sent again was
    /// not the payload the phone sent.
    #[test]
    fn a_number_with_more_digits_than_a_double_holds_is_read_as_its_nearest_double() {
        let digits = "12.5111111111111111111111111111111111111";
        let text = format!(
            r#"{{"id":"e1","card_id":"c1","kind":"delivered","occurred_at":"2026-12-01T07:35:00+07:00","payload":{{"accuracy_m":{digits}}}}}"#
        );
        let ev: SyncEvent = serde_json::from_str(&text).unwrap();
        let nearest: f64 = digits.parse().unwrap();
        assert_eq!(ev.payload["accuracy_m"].as_f64(), Some(nearest));
        let again: SyncEvent = serde_json::from_str(&serde_json::to_string(&ev).unwrap()).unwrap();
        assert_eq!(again.payload, ev.payload);
    }

    #[test]
    fn same_instant_in_another_zone_and_key_order_hash_the_same() {
        let a =
            ev(serde_json::json!({"recipient_name": "A", "recipient_relation": "self"}), "2026-11-02T08:00:00+07:00");
        let b = ev(serde_json::json!({"recipient_relation": "self", "recipient_name": "A"}), "2026-11-02T01:00:00Z");
        let ta = db::truncate(a.occurred_at.naive_utc());
        let tb = db::truncate(b.occurred_at.naive_utc());
        assert_eq!(content_hash(&a, ta), content_hash(&b, tb));
        let c = ev(serde_json::json!({"recipient_relation": "self", "recipient_name": "B"}), "2026-11-02T01:00:00Z");
        assert_ne!(content_hash(&a, ta), content_hash(&c, tb));
    }
}
