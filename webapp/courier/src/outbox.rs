//! The courier's outbox: actions recorded on the phone, waiting to reach the
//! server. Pure state and rules, tested natively; `storage::idb` keeps it.
//!
//! An entry leaves the outbox only when the server answered for it
//! (`accepted` or `duplicate`); a `rejected` one moves to a list the courier
//! sees until dismissed. Nothing is dropped silently.

use antar_shared::custody::{self, CardState, CustodyEvent, Rules};
use antar_shared::wire::{DoorstepStop, SyncEvent, SyncResult, SyncStatus};
use antar_shared::{EventKind, Status};
use serde::{Deserialize, Serialize};

/// Events per sync request: small enough for a weak link.
pub const BATCH: usize = 50;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub event: SyncEvent,
    pub code: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    pub pending: Vec<SyncEvent>,
    pub rejected: Vec<Rejected>,
    /// Answered events whose effect the routes on the phone do not show yet:
    /// they count for the shown status until the next route download.
    #[serde(default)]
    pub sent: Vec<SyncEvent>,
    /// When the server last answered a sync (ISO 8601).
    pub last_sync: Option<String>,
}

impl Outbox {
    /// The next batch to send, oldest first.
    pub fn batch(&self) -> Vec<SyncEvent> {
        self.pending.iter().take(BATCH).cloned().collect()
    }

    /// Ids of answered events, taken before a route download starts: the
    /// download shows their effect, so afterwards they need not count.
    pub fn sent_ids(&self) -> Vec<String> {
        self.sent.iter().map(|e| e.id.clone()).collect()
    }

    /// Events whose effect the shown status must include.
    pub fn unreflected(&self) -> Vec<SyncEvent> {
        self.sent.iter().chain(self.pending.iter()).cloned().collect()
    }
}

/// What became of one sent event.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Accepted or a duplicate: the server holds it.
    Sent(SyncEvent),
    /// Refused: kept for the courier to read.
    Rejected(Rejected),
}

impl Answer {
    pub fn id(&self) -> &str {
        match self {
            Answer::Sent(e) => &e.id,
            Answer::Rejected(r) => &r.event.id,
        }
    }
}

/// Pairs the server's answers with the events sent; an answer for an id
/// not sent is ignored, and a sent event without an answer gets none.
pub fn answers(sent: &[SyncEvent], results: &[SyncResult]) -> Vec<Answer> {
    results
        .iter()
        .filter_map(|r| {
            let event = sent.iter().find(|e| e.id == r.id)?.clone();
            Some(if r.status == SyncStatus::Rejected {
                Answer::Rejected(Rejected {
                    event,
                    code: r.code.clone(),
                    message: r.message.clone().unwrap_or_default(),
                })
            } else {
                Answer::Sent(event)
            })
        })
        .collect()
}

/// How long to wait before the next sync: every 30 s while the link
/// works; after failures 5 s, 10 s, 20 s … up to 5 minutes, so a dead
/// link is not hammered and a returning one is found soon.
pub fn retry_delay_ms(failures: u32) -> u32 {
    const PERIOD: u32 = 30_000;
    const FIRST: u32 = 5_000;
    const MAX: u32 = 300_000;
    if failures == 0 {
        return PERIOD;
    }
    FIRST.saturating_mul(1 << (failures - 1).min(10)).min(MAX)
}

/// The status a stop shows: the server's, moved on by the actions still
/// waiting in the outbox, under the same rules the server applies.
pub fn local_status(stop: &DoorstepStop, me: &str, pending: &[SyncEvent]) -> Status {
    local_state(stop, me, pending).status
}

/// The card as the phone sees it: status and failed attempts, the server's
/// moved on by the actions still waiting in the outbox.
pub fn local_state(stop: &DoorstepStop, me: &str, pending: &[SyncEvent]) -> CardState {
    let mut state = CardState {
        status: stop.status,
        failed_attempts: u32::try_from(stop.failed_attempts).unwrap_or(0),
        courier: Some(me.to_owned()),
        resident: None,
        handed_back: stop.handed_back,
    };
    let mut mine: Vec<CustodyEvent> = pending
        .iter()
        .filter(|e| e.card_id == stop.card_id)
        .filter_map(|e| {
            Some(CustodyEvent {
                id: e.id.clone(),
                kind: EventKind::parse(&e.kind)?,
                occurred_at: e.occurred_at.to_utc(),
                actor: Some(me.to_owned()),
                courier: None,
            })
        })
        .collect();
    custody::canonical_order(&mut mine);
    for ev in &mine {
        if let Ok(next) = custody::apply(&state, ev, Rules::default()) {
            state = next;
        }
    }
    state
}

/// Why a start-of-day count does not confirm the pick-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountProblem {
    /// Not a whole number.
    Unreadable,
    /// The courier counted a different number of cards than the route holds.
    Mismatch { counted: usize, expected: usize },
}

/// The start-of-day check: the courier counts the cards handed over at the
/// office; the pick-up of the stops still waiting there is recorded only
/// when the count matches them.
pub fn check_count(counted: &str, waiting: usize) -> Result<(), CountProblem> {
    let counted: usize = counted.trim().parse().map_err(|_| CountProblem::Unreadable)?;
    if counted == waiting {
        Ok(())
    } else {
        Err(CountProblem::Mismatch { counted, expected: waiting })
    }
}

/// Whether a stop still needs the courier's action today.
pub fn is_open(status: Status) -> bool {
    matches!(status, Status::Assigned | Status::WithCourier)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, card: &str, kind: &str, at: &str) -> SyncEvent {
        SyncEvent {
            id: id.into(),
            card_id: card.into(),
            kind: kind.into(),
            occurred_at: chrono::DateTime::parse_from_rfc3339(at).unwrap(),
            payload: serde_json::json!({}),
        }
    }

    fn stop(card: &str, status: Status) -> DoorstepStop {
        DoorstepStop { card_id: card.into(), status, ..crate::stops::tests::stop("ANI", "JL. A", None) }
    }

    fn result(id: &str, status: SyncStatus) -> SyncResult {
        SyncResult { id: id.into(), status, code: Some("not_assigned".into()), message: Some("why".into()) }
    }

    #[test]
    fn answered_events_count_for_the_shown_status_until_a_route_download() {
        let s = stop("c1", Status::Assigned);
        let answered = Outbox { sent: vec![ev("x", "c1", "delivered", "2026-11-02T10:00:00Z")], ..Outbox::default() };
        assert_eq!(local_status(&s, "me", &answered.unreflected()), Status::Delivered, "still shown delivered");
        assert_eq!(answered.sent_ids(), ["x"]);
        assert_eq!(local_status(&s, "me", &Outbox::default().unreflected()), Status::Assigned);
    }

    #[test]
    fn answers_pair_with_sent_events_and_ignore_strangers() {
        let sent = [
            ev("a", "c1", "picked_up", "2026-11-02T08:00:00Z"),
            ev("b", "c2", "picked_up", "2026-11-02T08:00:00Z"),
            ev("c", "c3", "picked_up", "2026-11-02T08:00:00Z"),
        ];
        let got = answers(
            &sent,
            &[
                result("b", SyncStatus::Rejected),
                result("zz", SyncStatus::Accepted),
                result("a", SyncStatus::Duplicate),
            ],
        );
        assert_eq!(got.len(), 2, "the answer for an id never sent is ignored; an unanswered event gets none");
        assert!(matches!(&got[0], Answer::Rejected(r) if r.event.id == "b" && r.message == "why"));
        assert!(matches!(&got[1], Answer::Sent(e) if e.id == "a"));
        assert!(got.iter().all(|a| a.id() != "c"), "an event without an answer stays pending");
    }

    #[test]
    fn retries_back_off_from_five_seconds_to_five_minutes() {
        assert_eq!(retry_delay_ms(0), 30_000, "a working link syncs every 30 s");
        assert_eq!(retry_delay_ms(1), 5_000);
        assert_eq!(retry_delay_ms(2), 10_000);
        assert_eq!(retry_delay_ms(4), 40_000);
        assert_eq!(retry_delay_ms(7), 300_000);
        assert_eq!(retry_delay_ms(u32::MAX), 300_000, "no overflow after a very long outage");
    }

    #[test]
    fn batches_are_capped_and_oldest_first() {
        let pending = (0..(BATCH + 7)).map(|i| ev(&format!("e{i:03}"), "c1", "picked_up", "2026-11-02T08:00:00Z"));
        let o = Outbox { pending: pending.collect(), ..Outbox::default() };
        let b = o.batch();
        assert_eq!(b.len(), BATCH);
        assert_eq!(b[0].id, "e000");
    }

    #[test]
    fn a_pending_delivery_shows_as_delivered_before_it_is_sent() {
        let s = stop("c1", Status::Assigned);
        let pending = [
            ev("x", "c1", "delivered", "2026-11-02T10:00:00+07:00"),
            ev("y", "c2", "attempt_failed", "2026-11-02T10:00:00Z"),
        ];
        assert_eq!(local_status(&s, "me", &pending), Status::Delivered);
        assert_eq!(local_status(&stop("c2", Status::Assigned), "me", &pending[..1]), Status::Assigned);
        assert!(!is_open(Status::Delivered));
    }

    #[test]
    fn a_failed_attempt_waiting_to_be_sent_counts_on_the_stop() {
        let mut s = stop("c1", Status::WithCourier);
        s.failed_attempts = 1;
        let pending = [ev("f", "c1", "attempt_failed", "2026-11-02T10:00:00Z")];
        let state = local_state(&s, "me", &pending);
        assert_eq!((state.status, state.failed_attempts), (Status::WithCourier, 2));
        assert_eq!(local_state(&s, "me", &[]).failed_attempts, 1, "the server's count alone");
    }

    #[test]
    fn the_bundle_is_picked_up_only_when_the_count_matches() {
        assert_eq!(check_count(" 12 ", 12), Ok(()));
        assert_eq!(check_count("11", 12), Err(CountProblem::Mismatch { counted: 11, expected: 12 }));
        assert_eq!(check_count("dua belas", 12), Err(CountProblem::Unreadable));
        assert_eq!(check_count("-1", 12), Err(CountProblem::Unreadable));
    }

    #[test]
    fn a_pending_pick_up_moves_an_assigned_stop_into_the_bag() {
        let s = stop("c1", Status::Assigned);
        let pending = [ev("p", "c1", "picked_up", "2026-11-02T07:00:00Z")];
        assert_eq!(local_status(&s, "me", &pending), Status::WithCourier);
    }

    #[test]
    fn an_action_the_rules_refuse_does_not_change_the_shown_status() {
        let s = stop("c1", Status::Collected);
        let pending = [ev("x", "c1", "delivered", "2026-11-02T10:00:00Z")];
        assert_eq!(local_status(&s, "me", &pending), Status::Collected);
    }
}
