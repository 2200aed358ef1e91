//! The card's chain of custody as pure functions.
//!
//! A card's state is never stored on its own authority: it is the fold of the
//! card's append-only event log, applied in `occurred_at` order (ties by
//! event id). The same events therefore give the same state and the same
//! flags whatever order or batches they arrived in. The server and the phone
//! run this very code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a card is. Wire codes are English; the UI shows the Indonesian label.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Printed,
    Assigned,
    WithCourier,
    Delivered,
    ReturnedToOffice,
    LeftAtVillageOffice,
    HeldForPickup,
    Collected,
    Void,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Printed,
        Status::Assigned,
        Status::WithCourier,
        Status::Delivered,
        Status::ReturnedToOffice,
        Status::LeftAtVillageOffice,
        Status::HeldForPickup,
        Status::Collected,
        Status::Void,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Printed => "printed",
            Status::Assigned => "assigned",
            Status::WithCourier => "with_courier",
            Status::Delivered => "delivered",
            Status::ReturnedToOffice => "returned_to_office",
            Status::LeftAtVillageOffice => "left_at_village_office",
            Status::HeldForPickup => "held_for_pickup",
            Status::Collected => "collected",
            Status::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Indonesian label, as residents and staff read it.
    pub fn label_id(self) -> &'static str {
        match self {
            Status::Printed => "Sudah dicetak, di kantor Disdukcapil",
            Status::Assigned => "Dijadwalkan untuk diantar",
            Status::WithCourier => "Dibawa kurir",
            Status::Delivered => "Sudah diterima",
            Status::ReturnedToOffice => "Kembali ke kantor",
            Status::LeftAtVillageOffice => "Dititipkan di kantor kelurahan",
            Status::HeldForPickup => "Menunggu diambil di kantor",
            Status::Collected => "Sudah diambil di kantor",
            Status::Void => "Dibatalkan",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Printed => "Printed, at the office",
            Status::Assigned => "Scheduled for delivery",
            Status::WithCourier => "With the courier",
            Status::Delivered => "Delivered",
            Status::ReturnedToOffice => "Returned to the office",
            Status::LeftAtVillageOffice => "Left at the village office",
            Status::HeldForPickup => "Waiting for pickup at the office",
            Status::Collected => "Collected at the office",
            Status::Void => "Void",
        }
    }
}

/// Every kind of event in a card's log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Staff put the card on a courier's route.
    Assigned,
    /// The route was cancelled or the stop removed before pick-up.
    Unassigned,
    PickedUp,
    Delivered,
    AttemptFailed,
    /// Staff received the card back at the office (from the courier named).
    /// Phones of earlier versions sent it themselves; the server now records
    /// that as `handed_back`, and only staff make it.
    ReturnedToOffice,
    LeftAtVillageOffice,
    HeldForPickup,
    Collected,
    Void,
    ResidentConfirmed,
    ResidentDisputed,
    /// The resident asked to collect the card at the village office or for
    /// another delivery time; custody is unchanged.
    ResidentRequested,
    /// The courier says they handed the card back at the office: a claim,
    /// not custody. The card stays in the courier's custody until staff
    /// receive it (`returned_to_office`).
    HandedBack,
}

impl EventKind {
    pub const ALL: [EventKind; 14] = [
        EventKind::Assigned,
        EventKind::Unassigned,
        EventKind::PickedUp,
        EventKind::Delivered,
        EventKind::AttemptFailed,
        EventKind::ReturnedToOffice,
        EventKind::LeftAtVillageOffice,
        EventKind::HeldForPickup,
        EventKind::Collected,
        EventKind::Void,
        EventKind::ResidentConfirmed,
        EventKind::ResidentDisputed,
        EventKind::ResidentRequested,
        EventKind::HandedBack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Assigned => "assigned",
            EventKind::Unassigned => "unassigned",
            EventKind::PickedUp => "picked_up",
            EventKind::Delivered => "delivered",
            EventKind::AttemptFailed => "attempt_failed",
            EventKind::ReturnedToOffice => "returned_to_office",
            EventKind::LeftAtVillageOffice => "left_at_village_office",
            EventKind::HeldForPickup => "held_for_pickup",
            EventKind::Collected => "collected",
            EventKind::Void => "void",
            EventKind::ResidentConfirmed => "resident_confirmed",
            EventKind::ResidentDisputed => "resident_disputed",
            EventKind::ResidentRequested => "resident_requested",
            EventKind::HandedBack => "handed_back",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Kinds a courier may send through sync (a `returned_to_office` from a
    /// phone is recorded as `handed_back`: see [`EventKind::as_sent_by_courier`]),
    /// and which only the card's carrier may do.
    pub fn is_courier_kind(self) -> bool {
        matches!(
            self,
            EventKind::PickedUp
                | EventKind::Delivered
                | EventKind::AttemptFailed
                | EventKind::ReturnedToOffice
                | EventKind::LeftAtVillageOffice
                | EventKind::HandedBack
        )
    }

    /// What a courier's event is recorded as: a courier's word never moves a
    /// card into the office's custody, so "returned to the office" from a
    /// phone (an earlier app version) is the claim `handed_back`.
    pub fn as_sent_by_courier(self) -> EventKind {
        match self {
            EventKind::ReturnedToOffice => EventKind::HandedBack,
            other => other,
        }
    }

    /// Indonesian label for timelines.
    pub fn label_id(self) -> &'static str {
        match self {
            EventKind::Assigned => "Dijadwalkan untuk diantar",
            EventKind::Unassigned => "Jadwal antar dibatalkan",
            EventKind::PickedUp => "Dibawa kurir",
            EventKind::Delivered => "Diserahkan kepada penerima",
            EventKind::AttemptFailed => "Pengantaran belum berhasil",
            EventKind::ReturnedToOffice => "Kembali ke kantor",
            EventKind::LeftAtVillageOffice => "Dititipkan di kantor kelurahan",
            EventKind::HeldForPickup => "Menunggu diambil di kantor",
            EventKind::Collected => "Diambil di kantor",
            EventKind::Void => "Dibatalkan",
            EventKind::ResidentConfirmed => "Penerimaan dikonfirmasi warga",
            EventKind::ResidentDisputed => "Warga melaporkan masalah",
            EventKind::ResidentRequested => "Warga meminta waktu atau tempat lain",
            EventKind::HandedBack => "Kurir menyatakan sudah dikembalikan ke kantor",
        }
    }

    /// The audit trail's name for staff recording this kind at the desk.
    pub fn staff_action(self) -> &'static str {
        match self {
            EventKind::Collected => "card.collected",
            EventKind::HeldForPickup => "card.held_for_pickup",
            EventKind::ReturnedToOffice => "card.returned_to_office",
            EventKind::Void => "card.void",
            _ => "card.event",
        }
    }

    /// English label for timelines.
    pub fn label_en(self) -> &'static str {
        match self {
            EventKind::Assigned => "Scheduled for delivery",
            EventKind::Unassigned => "Taken off the route",
            EventKind::PickedUp => "Taken by the courier",
            EventKind::Delivered => "Handed to the recipient",
            EventKind::AttemptFailed => "Delivery attempt failed",
            EventKind::ReturnedToOffice => "Returned to the office",
            EventKind::LeftAtVillageOffice => "Left at the village office",
            EventKind::HeldForPickup => "Waiting for pickup at the office",
            EventKind::Collected => "Collected at the office",
            EventKind::Void => "Void",
            EventKind::ResidentConfirmed => "Receipt confirmed by the resident",
            EventKind::ResidentDisputed => "The resident reported a problem",
            EventKind::ResidentRequested => "The resident asked for another time or place",
            EventKind::HandedBack => "The courier says it was handed back at the office",
        }
    }
}

/// What a resident may ask for through the link, before the card reaches
/// them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidentWish {
    /// Collect it at the village office (kelurahan) instead.
    CollectAtVillageOffice,
    /// Deliver it after 16:00.
    #[serde(rename = "after_16")]
    After16,
    /// Deliver it on a weekend day.
    Weekend,
}

impl ResidentWish {
    pub const ALL: [ResidentWish; 3] =
        [ResidentWish::CollectAtVillageOffice, ResidentWish::After16, ResidentWish::Weekend];

    pub fn as_str(self) -> &'static str {
        match self {
            ResidentWish::CollectAtVillageOffice => "collect_at_village_office",
            ResidentWish::After16 => "after_16",
            ResidentWish::Weekend => "weekend",
        }
    }

    pub fn parse(s: &str) -> Option<ResidentWish> {
        ResidentWish::ALL.into_iter().find(|w| w.as_str() == s)
    }

    /// What the courier and staff read.
    pub fn label_id(self) -> &'static str {
        match self {
            ResidentWish::CollectAtVillageOffice => "Warga minta kartu diambil di kantor kelurahan",
            ResidentWish::After16 => "Warga minta diantar setelah pukul 16.00",
            ResidentWish::Weekend => "Warga minta diantar pada akhir pekan",
        }
    }

    /// The same in English, for a courier whose app speaks it.
    pub fn label_en(self) -> &'static str {
        match self {
            ResidentWish::CollectAtVillageOffice => "The resident asks to collect the card at the village office",
            ResidentWish::After16 => "The resident asks for delivery after 16:00",
            ResidentWish::Weekend => "The resident asks for delivery at the weekend",
        }
    }

    /// The wish a stored Indonesian label stands for.
    pub fn from_label(label: &str) -> Option<ResidentWish> {
        ResidentWish::ALL.into_iter().find(|w| w.label_id() == label)
    }
}

/// The resident's own answer; not custody.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidentAnswer {
    Confirmed,
    Disputed,
}

impl ResidentAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            ResidentAnswer::Confirmed => "confirmed",
            ResidentAnswer::Disputed => "disputed",
        }
    }

    pub fn parse(s: &str) -> Option<ResidentAnswer> {
        match s {
            "confirmed" => Some(ResidentAnswer::Confirmed),
            "disputed" => Some(ResidentAnswer::Disputed),
            _ => None,
        }
    }
}

/// One event as the rules see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustodyEvent {
    pub id: String,
    pub kind: EventKind,
    pub occurred_at: DateTime<Utc>,
    /// The user who recorded it (courier, staff), if any.
    pub actor: Option<String>,
    /// For `assigned`: the courier the card is assigned to; for a
    /// `returned_to_office` staff record: the courier it was received from.
    pub courier: Option<String>,
}

/// Office rules the fold needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Failed attempts after which a returned card is held for pickup.
    pub max_failed_attempts: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { max_failed_attempts: 3 }
    }
}

/// The state a card's log folds to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardState {
    pub status: Status,
    pub failed_attempts: u32,
    /// The courier the card is currently assigned to or carried by.
    pub courier: Option<String>,
    pub resident: Option<ResidentAnswer>,
    /// The courier says they handed it back (`handed_back`), and staff have
    /// not received it yet: still in the courier's custody.
    #[serde(default)]
    pub handed_back: bool,
}

impl Default for CardState {
    fn default() -> Self {
        CardState { status: Status::Printed, failed_attempts: 0, courier: None, resident: None, handed_back: false }
    }
}

/// Why an event does not move the card: it is kept and flagged for review.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    /// The kind cannot happen in the card's state at that moment.
    NotAllowed { from: Status, kind: EventKind },
    /// A courier event from someone the card is not assigned to.
    NotCarrier { actor: Option<String> },
}

impl Refusal {
    /// The flag code stored with the event.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotAllowed { .. } => crate::codes::sync::NOT_ALLOWED,
            Refusal::NotCarrier { .. } => crate::codes::sync::NOT_CARRIER,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::NotAllowed { from, kind } => {
                format!("{} is not possible when the card is {}", kind.as_str(), from.as_str())
            }
            Refusal::NotCarrier { .. } => "the card was not assigned to this courier at that time".into(),
        }
    }
}

/// Applies one event to a state: the new state, or why it cannot apply.
pub fn apply(state: &CardState, ev: &CustodyEvent, rules: Rules) -> Result<CardState, Refusal> {
    use EventKind as K;
    use Status as S;
    let from = state.status;
    let refuse = || Refusal::NotAllowed { from, kind: ev.kind };
    let mut next = state.clone();
    if ev.kind.is_courier_kind() {
        if !matches!(from, S::Assigned | S::WithCourier) {
            return Err(refuse());
        }
        // Staff receiving a card back at the office, or handing it out at the
        // desk, name the courier it comes from or goes to; anyone else
        // handing it on must be the carrier.
        let staff_with_carrier = matches!(ev.kind, EventKind::ReturnedToOffice | EventKind::PickedUp)
            && ev.courier.is_some()
            && ev.courier == state.courier;
        if !staff_with_carrier && (ev.actor.is_none() || ev.actor != state.courier) {
            return Err(Refusal::NotCarrier { actor: ev.actor.clone() });
        }
    }
    match ev.kind {
        K::Assigned => match from {
            S::Printed | S::ReturnedToOffice => {
                next.status = S::Assigned;
                next.courier = ev.courier.clone();
            }
            _ => return Err(refuse()),
        },
        K::Unassigned => match from {
            S::Assigned => {
                next.status = S::Printed;
                next.courier = None;
            }
            _ => return Err(refuse()),
        },
        // A handover implies the pick-up, so `assigned` is accepted too.
        K::PickedUp => next.status = S::WithCourier,
        K::Delivered => next.status = S::Delivered,
        K::AttemptFailed => {
            next.status = S::WithCourier;
            next.failed_attempts += 1;
        }
        K::ReturnedToOffice => {
            next.courier = None;
            next.status =
                if next.failed_attempts >= rules.max_failed_attempts { S::HeldForPickup } else { S::ReturnedToOffice };
        }
        K::LeftAtVillageOffice => {
            next.courier = None;
            next.status = S::LeftAtVillageOffice;
        }
        K::HeldForPickup => match from {
            S::Printed | S::ReturnedToOffice => next.status = S::HeldForPickup,
            _ => return Err(refuse()),
        },
        K::Collected => match from {
            S::Printed | S::Assigned | S::ReturnedToOffice | S::LeftAtVillageOffice | S::HeldForPickup => {
                next.status = S::Collected;
                next.courier = None;
            }
            _ => return Err(refuse()),
        },
        K::Void => match from {
            S::Void | S::Collected => return Err(refuse()),
            _ => {
                next.status = S::Void;
                next.courier = None;
            }
        },
        // The claim changes nothing of custody but the mark.
        K::HandedBack => next.status = S::WithCourier,
        K::ResidentConfirmed => next.resident = Some(ResidentAnswer::Confirmed),
        K::ResidentDisputed => next.resident = Some(ResidentAnswer::Disputed),
        K::ResidentRequested => {}
    }
    // A claim stands until the card moves on; a resident's answer is no move.
    if !matches!(ev.kind, K::ResidentConfirmed | K::ResidentDisputed | K::ResidentRequested) {
        next.handed_back = ev.kind == K::HandedBack;
    }
    Ok(next)
}

/// Whether applying `ev` to `state` means the courier picked the card up
/// without saying so (a handover straight from `assigned`).
pub fn implies_pickup(state: &CardState, ev: &CustodyEvent) -> bool {
    state.status == Status::Assigned && ev.kind.is_courier_kind() && ev.kind != EventKind::PickedUp
}

/// The result of folding a card's whole log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub state: CardState,
    /// Events that did not apply, by id, with the reason.
    pub flags: Vec<(String, Refusal)>,
    /// Handover events that moved the card straight from `assigned`, so
    /// imply a pick-up the courier did not record.
    pub implied_pickups: Vec<String>,
}

/// Sorts events into their canonical order: `occurred_at`, then id.
pub fn canonical_order(events: &mut [CustodyEvent]) {
    events.sort_by(|a, b| a.occurred_at.cmp(&b.occurred_at).then_with(|| a.id.cmp(&b.id)));
}

/// Folds a log in canonical order, whatever order `events` is in.
pub fn replay(events: &[CustodyEvent], rules: Rules) -> Replay {
    replay_from(CardState::default(), events, rules)
}

/// Folds `events` on from `state`, the fold of an earlier part of the log:
/// when every event comes after that part, this is the whole log's fold.
pub fn replay_from(state: CardState, events: &[CustodyEvent], rules: Rules) -> Replay {
    let mut sorted = events.to_vec();
    canonical_order(&mut sorted);
    let mut state = state;
    let mut flags = Vec::new();
    let mut implied_pickups = Vec::new();
    for ev in &sorted {
        match apply(&state, ev, rules) {
            Ok(next) => {
                if implies_pickup(&state, ev) {
                    implied_pickups.push(ev.id.clone());
                }
                state = next;
            }
            Err(refusal) => flags.push((ev.id.clone(), refusal)),
        }
    }
    Replay { state, flags, implied_pickups }
}

#[cfg(test)]
mod tests;
