//! The set check after a chaos run, read straight from the database.

use crate::courier::Acked;
use antar_server::db::{self, events::EventRow, schema};
use antar_shared::custody::{self, CustodyEvent, EventKind, Rules};
use antar_tests::gateway::Received;
use diesel::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

/// What the server holds once it has settled.
pub struct Held {
    pub events: Vec<EventRow>,
    /// Each card's (status, failed attempts).
    pub cards: HashMap<String, (String, i32)>,
    pub messages: Vec<Message>,
    pub rejected: i64,
    pub max_failed_attempts: i32,
}

/// A message in the outbox, as the check needs it.
#[derive(Debug, diesel::Queryable)]
pub struct Message {
    pub id: String,
    #[allow(dead_code)] // shown when an assertion fails
    pub card_id: String,
    pub moment: String,
    /// The event that caused it.
    pub cause: String,
    pub status: String,
}

/// Waits until no message is pending (at most `within`), then reads the log,
/// the cards and the outbox.
pub async fn read(database: &str, within: Duration) -> Held {
    let url = if database.starts_with("postgres") { database.to_owned() } else { format!("sqlite://{database}") };
    tokio::task::spawn_blocking(move || {
        let (pool, _) = db::connect(&url).unwrap();
        let mut conn = pool.get().unwrap();
        let deadline = Instant::now() + within;
        loop {
            use schema::notifications::dsl::*;
            let pending: i64 = notifications.filter(status.eq("pending")).count().get_result(&mut *conn).unwrap();
            if pending == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "{pending} messages still pending after the run");
            std::thread::sleep(Duration::from_millis(200));
        }
        let events = schema::card_events::table.select(EventRow::as_select()).load(&mut *conn).unwrap();
        let cards = schema::cards::table
            .select((schema::cards::id, schema::cards::status, schema::cards::failed_attempts))
            .load::<(String, String, i32)>(&mut *conn)
            .unwrap()
            .into_iter()
            .map(|(id, status, failed)| (id, (status, failed)))
            .collect();
        let messages = {
            use schema::notifications::dsl::*;
            notifications.select((id, card_id, moment, cause, status)).load::<Message>(&mut *conn).unwrap()
        };
        let rejected = schema::rejected_events::table.count().get_result(&mut *conn).unwrap();
        let max_failed_attempts =
            schema::offices::table.select(schema::offices::max_failed_attempts).first(&mut *conn).unwrap();
        Held { events, cards, messages, rejected, max_failed_attempts }
    })
    .await
    .unwrap()
}

/// Every acknowledged event is in the log exactly once; every courier event
/// in the log was sent by a courier (and, once the couriers drained their
/// outboxes, acknowledged); none was rejected.
pub fn events(acked: &[Acked], held: &Held) {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for e in held.events.iter().filter(|e| e.device_id.is_some() && e.implied_by.is_none()) {
        *count.entry(e.id.as_str()).or_default() += 1;
    }
    let sent: HashSet<&str> = acked.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(sent.len(), acked.len(), "an event acknowledged twice by the couriers' own count");
    let lost: Vec<&&str> = sent.iter().filter(|id| !count.contains_key(**id)).collect();
    assert!(lost.is_empty(), "{} acknowledged events lost, e.g. {:?}", lost.len(), lost.first());
    let twice: Vec<(&&str, &usize)> = count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "events stored more than once: {twice:?}");
    let phantom: Vec<&&str> = count.keys().filter(|id| !sent.contains(**id)).collect();
    assert!(phantom.is_empty(), "events in the log no courier had acknowledged: {phantom:?}");
    assert_eq!(held.rejected, 0, "events rejected");
}

/// Every card's status is the fold of its log, and the fold of the events
/// acknowledged to its courier after the office's assignment.
pub fn folds(acked: &[Acked], held: &Held) {
    let rules = Rules { max_failed_attempts: held.max_failed_attempts as u32 };
    let mut logs: BTreeMap<&str, Vec<CustodyEvent>> = BTreeMap::new();
    let mut office: BTreeMap<&str, Vec<CustodyEvent>> = BTreeMap::new();
    for e in &held.events {
        if let Some(c) = e.custody() {
            if e.device_id.is_none() {
                office.entry(&e.card_id).or_default().push(c.clone());
            }
            logs.entry(&e.card_id).or_default().push(c);
        }
    }
    let mut model = office.clone();
    for a in acked {
        model.entry(&a.card_id).or_default().push(CustodyEvent {
            id: a.id.clone(),
            // As the server records it: a phone's return is the courier's claim.
            kind: EventKind::parse(&a.kind).unwrap().as_sent_by_courier(),
            occurred_at: a.occurred_at,
            actor: Some(a.courier_id.clone()),
            courier: None,
        });
    }
    for (card, (status, failed)) in &held.cards {
        let log = custody::replay(logs.get(card.as_str()).map_or(&[][..], Vec::as_slice), rules);
        let want = custody::replay(model.get(card.as_str()).map_or(&[][..], Vec::as_slice), rules);
        assert!(log.flags.is_empty() && want.flags.is_empty(), "card {card}: events out of custody order");
        assert_eq!(
            (status.as_str(), *failed as u32),
            (log.state.status.as_str(), log.state.failed_attempts),
            "card {card}: the status is not the fold of its log"
        );
        assert_eq!(log.state, want.state, "card {card}: the log's fold is not the acknowledged events' fold");
    }
}

/// Every message queued was sent, each under its one id; one message per
/// acknowledged event of a moment the office sends. Returns how many
/// messages there were and how many the gateway received more than once.
pub fn messages(acked: &[Acked], held: &Held, received: &[Received], moments: &[&str]) -> (usize, usize) {
    let unsent: Vec<_> = held.messages.iter().filter(|m| m.status != "sent").collect();
    assert!(unsent.is_empty(), "messages not sent: {unsent:?}");
    let mut got: HashMap<&str, usize> = HashMap::new();
    for r in received {
        *got.entry(r.headers["webhook-id"].as_str()).or_default() += 1;
    }
    let ids: HashSet<&str> = held.messages.iter().map(|m| m.id.as_str()).collect();
    let never: Vec<&&str> = ids.iter().filter(|id| !got.contains_key(**id)).collect();
    assert!(never.is_empty(), "messages recorded sent that the gateway never received: {never:?}");
    let strangers: Vec<&&str> = got.keys().filter(|id| !ids.contains(**id)).collect();
    assert!(strangers.is_empty(), "the gateway received messages the outbox does not hold: {strangers:?}");
    let caused: HashSet<(&str, &str)> = held.messages.iter().map(|m| (m.cause.as_str(), m.moment.as_str())).collect();
    assert_eq!(caused.len(), held.messages.len(), "two messages for one event and moment");
    let asked: HashSet<(&str, &str)> =
        acked.iter().filter(|a| moments.contains(&a.kind.as_str())).map(|a| (a.id.as_str(), a.kind.as_str())).collect();
    assert_eq!(caused, asked, "one message for each acknowledged event of a moment the office sends");
    (ids.len(), got.values().filter(|n| **n > 1).count())
}

/// With two servers, one never killed: no message that server sent went out
/// again. (The gateway answers at once, so what it sent it recorded; a
/// message sent twice must have been cut off by a kill of the other.) A
/// message's link names the server that sent it.
pub fn claimed_once(received: &[Received], survivor: &str) {
    let mut by_id: HashMap<&str, Vec<&Received>> = HashMap::new();
    for r in received {
        by_id.entry(r.headers["webhook-id"].as_str()).or_default().push(r);
    }
    let mut from_survivor = 0;
    for (id, sends) in &by_id {
        from_survivor += sends.iter().filter(|r| r.body.contains(survivor)).count();
        let again = sends[..sends.len() - 1].iter().any(|r| r.body.contains(survivor));
        assert!(!again, "message {id} went out again after the server never killed had sent it: claimed twice");
    }
    assert!(from_survivor > 0, "the server never killed sent no message: the outbox was not shared");
}
