//! Residents hear about their card: which events send which message
//! (written to the outbox in the transaction that records the event), when
//! a message may go (quiet hours, the retry schedule), and — in `dispatch`
//! and `channels` — how it leaves.

pub mod channels;
pub mod dispatch;

use crate::auth::sha256_hex;
use crate::db::{self, cards, events, links, notifications, offices::Office, users, DbConnection};
use antar_shared::notify::{self as rules, tanggal};
use antar_shared::{EventKind, Status};
use chrono::{Duration, NaiveDateTime, Timelike};
use diesel::QueryResult;
use std::collections::{BTreeMap, HashMap};

pub use channels::webhook_key;

/// How long a message keeps being retried before it fails for good.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);

/// The moment an applied event sends, if any. `returned_to_office` sends
/// `held_for_pickup` when the return holds the card (its last attempt).
fn moment(kind: EventKind, status_now: Status) -> Option<&'static str> {
    Some(match kind {
        EventKind::Assigned => "scheduled",
        EventKind::PickedUp => "out_for_delivery",
        EventKind::AttemptFailed => "attempt_failed",
        EventKind::LeftAtVillageOffice => "left_at_village_office",
        EventKind::HeldForPickup => "held_for_pickup",
        EventKind::ReturnedToOffice if status_now == Status::HeldForPickup => "held_for_pickup",
        EventKind::Delivered => "delivered",
        _ => return None,
    })
}

/// The earliest time a message may go: now, or the end of the office's
/// quiet hours when now falls inside them. Times UTC.
pub fn not_before(now: NaiveDateTime, offset_hours: i32, quiet: Option<(u32, u32)>) -> NaiveDateTime {
    let local = now + Duration::hours(i64::from(offset_hours));
    let minute = local.hour() * 60 + local.minute();
    match quiet {
        Some((_, end)) if rules::is_quiet(quiet, minute) => {
            let wait = (i64::from(end) - i64::from(minute)).rem_euclid(24 * 60);
            let at = now + Duration::minutes(wait);
            at.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(at)
        }
        _ => now,
    }
}

/// The earliest a message of `office` may go, asked `now`: after its quiet
/// hours if now falls inside them (at queueing, and again at sending).
pub fn due_at(office: &Office, now: NaiveDateTime) -> NaiveDateTime {
    let offset = crate::config::zone_offset_hours(&office.time_zone).unwrap_or(7);
    not_before(now, offset, rules::parse_quiet_hours(&office.notify_quiet_hours).ok().flatten())
}

/// When to try again after `attempts` failed tries: `first` (30 s unless
/// configured), doubling, at most two hours apart; `None` once a day has
/// passed since the message was queued (it fails for good).
pub fn next_retry(
    created_at: NaiveDateTime,
    now: NaiveDateTime,
    attempts: i32,
    first: Duration,
) -> Option<NaiveDateTime> {
    let exp = u32::try_from(attempts.clamp(1, 16) - 1).unwrap_or(0);
    let wait = (first * 2i32.pow(exp)).min(Duration::hours(2));
    let at = now + wait;
    (at - created_at <= GIVE_UP_AFTER).then_some(at)
}

/// The resident links the cards' messages carry, by card: the one each
/// card's last message carried while that link still opens, else a new one
/// (which replaces any older link of the card). Returns the tokens.
fn links_for(
    conn: &mut DbConnection,
    office: &Office,
    card_ids: &[String],
    now: NaiveDateTime,
) -> QueryResult<HashMap<String, String>> {
    let mut tokens = notifications::last_link_tokens(conn, card_ids)?;
    let hashes: Vec<String> = tokens.values().map(|t| sha256_hex(t.as_bytes())).collect();
    let live = links::live_hashes(conn, &hashes, now)?;
    tokens.retain(|_, t| live.contains(&sha256_hex(t.as_bytes())));
    for card_id in card_ids {
        if tokens.contains_key(card_id) {
            continue;
        }
        tokens.insert(card_id.clone(), crate::domain::links::issue(conn, office, card_id, now)?);
    }
    Ok(tokens)
}

/// Queues the messages that newly recorded events send, in the caller's
/// transaction (the cards are locked and re-folded): `rows` the events just
/// stored, `refused` those the card's custody did not apply. One message per
/// (card, moment, event); with the office's channel `none` or the moment
/// off, nothing is queued.
pub fn after_events<R>(
    conn: &mut DbConnection,
    office: &Office,
    rows: &[events::EventRow],
    refused: &HashMap<String, R>,
) -> QueryResult<()> {
    let enabled = office.moments();
    if office.notify_channel == "none" || enabled.is_empty() {
        return Ok(());
    }
    let applied: Vec<&events::EventRow> = rows.iter().filter(|r| !refused.contains_key(&r.id)).collect();
    if !applied.iter().any(|r| r.kind().is_some_and(|k| moment(k, Status::HeldForPickup).is_some())) {
        return Ok(());
    }
    let mut ids: Vec<String> = applied.iter().map(|r| r.card_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let cards: HashMap<String, cards::Card> =
        cards::by_ids(conn, &office.id, &ids)?.into_iter().map(|c| (c.id.clone(), c)).collect();
    let mut people: Vec<String> = cards.values().filter_map(|c| c.courier_id.clone()).collect();
    people.extend(applied.iter().filter_map(|r| courier_of(r)));
    let names = users::names(conn, &people)?;
    let now = db::now();
    let offset = crate::config::zone_offset_hours(&office.time_zone).unwrap_or(7);
    let due = due_at(office, now);
    let mut queued = Vec::new();
    for row in applied {
        let (Some(kind), Some(card)) = (row.kind(), cards.get(&row.card_id)) else { continue };
        let Some(moment) = moment(kind, card.status()) else { continue };
        if enabled.iter().any(|m| m == moment) {
            let phone = card.phone.as_deref().and_then(antar_shared::import::normalise_phone);
            queued.push((row, card, moment, phone));
        }
    }
    // One link per card, however many of its messages this batch queues.
    let mut linked: Vec<String> =
        queued.iter().filter(|(.., phone)| phone.is_some()).map(|(_, card, ..)| card.id.clone()).collect();
    linked.sort();
    linked.dedup();
    let tokens = links_for(conn, office, &linked, now)?;
    let mut rows = Vec::with_capacity(queued.len());
    for (row, card, moment, phone) in queued {
        let courier = courier_of(row).or_else(|| card.courier_id.clone());
        let mut vars: BTreeMap<String, String> = BTreeMap::new();
        vars.insert("nama_depan".into(), crate::domain::links::first_name(&card.name));
        vars.insert("kantor".into(), antar_shared::notify::office_after_disdukcapil(&office.name).to_owned());
        vars.insert("kelurahan".into(), card.kelurahan.clone());
        vars.insert("kurir".into(), courier.and_then(|c| names.get(&c).cloned()).unwrap_or_default());
        let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
        let date = payload
            .get("date")
            .and_then(|d| d.as_str())
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_else(|| (row.occurred_at + Duration::hours(i64::from(offset))).date());
        vars.insert("tanggal".into(), tanggal(date));
        if moment == "attempt_failed" {
            let last = card.failed_attempts >= office.max_failed_attempts;
            vars.insert("selanjutnya".into(), antar_shared::notify::after_failure(last, &office.name));
        }
        let (status, error, link_token) = match &phone {
            Some(_) => ("pending", None, tokens.get(&card.id).cloned()),
            None if card.phone.as_deref().is_some_and(|p| !p.trim().is_empty()) => (
                "skipped",
                Some(
                    "nomor HP bukan nomor seluler Indonesia / the phone number is not an Indonesian mobile number"
                        .to_owned(),
                ),
                None,
            ),
            None => ("skipped", Some("kartu tidak punya nomor HP / the card has no phone number".to_owned()), None),
        };
        rows.push(notifications::NotificationRow {
            id: db::new_id(),
            office_id: office.id.clone(),
            card_id: card.id.clone(),
            moment: moment.to_owned(),
            cause: row.id.clone(),
            channel: office.notify_channel.clone(),
            status: status.to_owned(),
            phone,
            link_token,
            vars: serde_json::to_string(&vars).unwrap_or_else(|_| "{}".into()),
            message: None,
            attempts: 0,
            last_error: error,
            next_attempt_at: due,
            claimed_until: None,
            created_at: now,
            sent_at: None,
        });
    }
    notifications::insert_new(conn, rows)?;
    Ok(())
}

/// The courier an event names (an assignment's) or made (a field event).
fn courier_of(row: &events::EventRow) -> Option<String> {
    let payload: serde_json::Value = serde_json::from_str(&row.payload).ok()?;
    match payload.get("courier_id").and_then(|c| c.as_str()) {
        Some(c) => Some(c.to_owned()),
        None if row.device_id.is_some() => row.actor_id.clone(),
        None => None,
    }
}

/// The message's text: the office's template for the moment with the
/// values fixed when it was queued and the link's address.
pub fn message(office: &Office, row: &notifications::NotificationRow, public_url: &str) -> String {
    let mut vars: BTreeMap<String, String> = serde_json::from_str(&row.vars).unwrap_or_default();
    if let Some(token) = &row.link_token {
        vars.insert("tautan".into(), format!("{public_url}/t/{token}"));
    }
    rules::render(&office.template(&row.moment), &vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn a_message_queued_in_quiet_hours_waits_for_their_end_in_office_time() {
        let quiet = Some((21 * 60, 7 * 60));
        // 22:30 WIB is 15:30 UTC: it waits until 07:00 WIB, 00:00 UTC.
        assert_eq!(not_before(t("2026-12-03 15:30:20"), 7, quiet), t("2026-12-04 00:00:00"));
        // 05:10 WIB is 22:10 UTC the day before.
        assert_eq!(not_before(t("2026-12-02 22:10:00"), 7, quiet), t("2026-12-03 00:00:00"));
        // Daytime goes now; 22:30 WITA is 14:30 UTC, also quiet.
        assert_eq!(not_before(t("2026-12-03 03:00:00"), 7, quiet), t("2026-12-03 03:00:00"));
        assert_eq!(not_before(t("2026-12-03 14:30:00"), 8, quiet), t("2026-12-03 23:00:00"));
        assert_eq!(not_before(t("2026-12-03 15:30:00"), 7, None), t("2026-12-03 15:30:00"));
    }

    #[test]
    fn retries_double_from_thirty_seconds_to_two_hours_and_stop_after_a_day() {
        let start = t("2026-12-03 08:00:00");
        let waits: Vec<i64> = (1..=10)
            .map(|n| (next_retry(start, start, n, Duration::seconds(30)).unwrap() - start).num_seconds())
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3840, 7200, 7200]);
        assert!(next_retry(start, start + Duration::hours(23), 12, Duration::seconds(30)).is_none());
        assert!(next_retry(start, start + Duration::hours(21), 12, Duration::seconds(30)).is_some());
    }

    #[test]
    fn a_return_sends_a_message_only_when_it_holds_the_card() {
        assert_eq!(moment(EventKind::ReturnedToOffice, Status::HeldForPickup), Some("held_for_pickup"));
        assert_eq!(moment(EventKind::ReturnedToOffice, Status::ReturnedToOffice), None);
        assert_eq!(moment(EventKind::Assigned, Status::Assigned), Some("scheduled"));
    }
}
