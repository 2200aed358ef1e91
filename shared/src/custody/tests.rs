use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

const COURIER: &str = "courier-1";

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 8, minute, 0).unwrap()
}

fn ev(id: &str, kind: EventKind, minute: u32) -> CustodyEvent {
    let actor = if kind.is_courier_kind() { Some(COURIER.to_owned()) } else { Some("staff-1".to_owned()) };
    let courier = (kind == EventKind::Assigned).then(|| COURIER.to_owned());
    CustodyEvent { id: id.into(), kind, occurred_at: at(minute), actor, courier }
}

fn state(status: Status) -> CardState {
    let courier = matches!(status, Status::Assigned | Status::WithCourier).then(|| COURIER.to_owned());
    CardState { status, failed_attempts: 0, courier, resident: None, handed_back: false }
}

/// The whole transition table: for every state and kind, where the card goes
/// or that the event is refused.
#[test]
fn transition_table_matches_the_design() {
    use EventKind as K;
    use Status as S;
    let expected = |from: S, kind: K| -> Option<S> {
        match (from, kind) {
            (S::Printed | S::ReturnedToOffice, K::Assigned) => Some(S::Assigned),
            (S::Assigned, K::Unassigned) => Some(S::Printed),
            (S::Assigned | S::WithCourier, K::PickedUp | K::AttemptFailed | K::HandedBack) => Some(S::WithCourier),
            (S::Assigned | S::WithCourier, K::Delivered) => Some(S::Delivered),
            (S::Assigned | S::WithCourier, K::ReturnedToOffice) => Some(S::ReturnedToOffice),
            (S::Assigned | S::WithCourier, K::LeftAtVillageOffice) => Some(S::LeftAtVillageOffice),
            (S::Printed | S::ReturnedToOffice, K::HeldForPickup) => Some(S::HeldForPickup),
            (
                S::Printed | S::Assigned | S::ReturnedToOffice | S::LeftAtVillageOffice | S::HeldForPickup,
                K::Collected,
            ) => Some(S::Collected),
            (S::Void | S::Collected, K::Void) => None,
            (_, K::Void) => Some(S::Void),
            (s, K::ResidentConfirmed | K::ResidentDisputed | K::ResidentRequested) => Some(s),
            _ => None,
        }
    };
    for from in Status::ALL {
        for kind in EventKind::ALL {
            let got = apply(&state(from), &ev("e", kind, 0), Rules::default()).map(|s| s.status).ok();
            assert_eq!(got, expected(from, kind), "{from:?} + {kind:?}");
        }
    }
}

#[test]
fn delivery_straight_from_assigned_implies_the_pickup() {
    let s = state(Status::Assigned);
    let delivered = ev("d", EventKind::Delivered, 1);
    assert!(implies_pickup(&s, &delivered));
    assert!(!implies_pickup(&state(Status::WithCourier), &delivered));
    assert!(!implies_pickup(&s, &ev("p", EventKind::PickedUp, 1)));
}

#[test]
fn another_couriers_handover_is_refused() {
    let mut other = ev("d", EventKind::Delivered, 1);
    other.actor = Some("courier-2".into());
    assert_eq!(
        apply(&state(Status::WithCourier), &other, Rules::default()),
        Err(Refusal::NotCarrier { actor: Some("courier-2".into()) })
    );
}

/// Staff receiving a card back name the courier it came from: allowed
/// only when that courier carries it.
#[test]
fn staff_receive_a_return_only_from_the_carrier() {
    let received = |from: &str| CustodyEvent {
        id: "r".into(),
        kind: EventKind::ReturnedToOffice,
        occurred_at: at(30),
        actor: Some("staff-1".into()),
        courier: Some(from.into()),
    };
    let carried = state(Status::WithCourier);
    assert_eq!(apply(&carried, &received(COURIER), Rules::default()).unwrap().status, Status::ReturnedToOffice);
    assert!(matches!(apply(&carried, &received("courier-2"), Rules::default()), Err(Refusal::NotCarrier { .. })));
    let mut staff_unnamed = received(COURIER);
    staff_unnamed.courier = None;
    assert!(apply(&carried, &staff_unnamed, Rules::default()).is_err(), "a return by staff must name the carrier");
}

/// The courier's "handed back" is a claim: the card stays in the courier's
/// custody, marked, until staff receive it; any later move clears the mark.
#[test]
fn a_couriers_hand_back_is_a_claim_that_staff_turn_into_a_return() {
    let log = vec![ev("a", EventKind::Assigned, 0), ev("p", EventKind::PickedUp, 1), ev("h", EventKind::HandedBack, 2)];
    let claimed = replay(&log, Rules::default()).state;
    assert_eq!(
        (claimed.status, claimed.courier.as_deref(), claimed.handed_back),
        (Status::WithCourier, Some(COURIER), true)
    );
    let mut confirmed = log.clone();
    confirmed.push(ev("rc", EventKind::ResidentConfirmed, 3));
    assert!(replay(&confirmed, Rules::default()).state.handed_back, "a resident's answer is no move");
    let mut received = log.clone();
    received.push(CustodyEvent {
        id: "r".into(),
        kind: EventKind::ReturnedToOffice,
        occurred_at: at(4),
        actor: Some("staff-1".into()),
        courier: Some(COURIER.into()),
    });
    let back = replay(&received, Rules::default()).state;
    assert_eq!((back.status, back.handed_back), (Status::ReturnedToOffice, false));
    let mut delivered_after_all = log;
    delivered_after_all.push(ev("d", EventKind::Delivered, 5));
    let d = replay(&delivered_after_all, Rules::default()).state;
    assert_eq!((d.status, d.handed_back), (Status::Delivered, false), "the courier still had it");
    assert_eq!(EventKind::ReturnedToOffice.as_sent_by_courier(), EventKind::HandedBack);
    assert_eq!(EventKind::Delivered.as_sent_by_courier(), EventKind::Delivered);
}

/// Staff hand a card out at the desk naming the courier it is assigned to.
#[test]
fn staff_hand_out_a_card_only_to_its_assigned_courier() {
    let handed = |to: Option<&str>| CustodyEvent {
        id: "p".into(),
        kind: EventKind::PickedUp,
        occurred_at: at(1),
        actor: Some("staff-1".into()),
        courier: to.map(str::to_owned),
    };
    let assigned = state(Status::Assigned);
    let out = apply(&assigned, &handed(Some(COURIER)), Rules::default()).unwrap();
    assert_eq!((out.status, out.courier.as_deref()), (Status::WithCourier, Some(COURIER)));
    assert!(matches!(apply(&assigned, &handed(Some("courier-2")), Rules::default()), Err(Refusal::NotCarrier { .. })));
    assert!(apply(&assigned, &handed(None), Rules::default()).is_err(), "staff must name the courier");
}

#[test]
fn third_failed_attempt_then_return_holds_the_card_for_pickup() {
    let mut log = vec![ev("a", EventKind::Assigned, 0)];
    for (i, id) in ["f1", "f2"].iter().enumerate() {
        log.push(ev(id, EventKind::AttemptFailed, 1 + i as u32));
    }
    log.push(ev("r1", EventKind::ReturnedToOffice, 5));
    let r = replay(&log, Rules::default());
    assert_eq!(r.state.status, Status::ReturnedToOffice);
    assert_eq!(r.state.failed_attempts, 2);

    log.push(ev("a2", EventKind::Assigned, 10));
    log.push(ev("f3", EventKind::AttemptFailed, 11));
    log.push(ev("r2", EventKind::ReturnedToOffice, 12));
    let r = replay(&log, Rules::default());
    assert_eq!(r.state.status, Status::HeldForPickup);
    assert!(r.flags.is_empty());
    let lenient = replay(&log, Rules { max_failed_attempts: 5 });
    assert_eq!(lenient.state.status, Status::ReturnedToOffice);
}

#[test]
fn delivery_after_collection_at_the_office_is_flagged_not_applied() {
    let log = vec![ev("a", EventKind::Assigned, 0), ev("c", EventKind::Collected, 5), ev("d", EventKind::Delivered, 9)];
    let r = replay(&log, Rules::default());
    assert_eq!(r.state.status, Status::Collected);
    assert_eq!(r.flags.len(), 1);
    assert_eq!(r.flags[0].0, "d");
}

#[test]
fn resident_confirmation_keeps_custody_status() {
    let log = vec![
        ev("a", EventKind::Assigned, 0),
        ev("d", EventKind::Delivered, 1),
        ev("rc", EventKind::ResidentConfirmed, 2),
    ];
    let r = replay(&log, Rules::default());
    assert_eq!(r.state.status, Status::Delivered);
    assert_eq!(r.state.resident, Some(ResidentAnswer::Confirmed));
}

#[test]
fn ties_in_time_are_broken_by_event_id() {
    let log = vec![ev("b", EventKind::Collected, 1), ev("a", EventKind::Assigned, 1)];
    let r = replay(&log, Rules::default());
    assert_eq!(r.state.status, Status::Collected, "assigned (id a) applies before collected (id b)");
}

#[test]
fn codes_round_trip() {
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
    }
    for k in EventKind::ALL {
        assert_eq!(EventKind::parse(k.as_str()), Some(k));
        assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
    }
}

fn arb_log() -> impl Strategy<Value = Vec<CustodyEvent>> {
    let kind = prop::sample::select(EventKind::ALL.to_vec());
    prop::collection::vec((kind, 0u32..20, prop::bool::ANY), 1..14).prop_map(|items| {
        items
            .into_iter()
            .enumerate()
            .map(|(i, (kind, minute, other_courier))| {
                let mut e = ev(&format!("e{i:02}"), kind, minute);
                if other_courier && kind.is_courier_kind() {
                    e.actor = Some("courier-2".into());
                }
                e
            })
            .collect()
    })
}

proptest! {
    /// Any arrival order gives the same state and the same flags.
    #[test]
    fn arrival_order_does_not_change_the_outcome(log in arb_log(), seed in any::<u64>()) {
        let expected = replay(&log, Rules::default());
        let mut shuffled = log.clone();
        let n = shuffled.len();
        let mut x = seed | 1;
        for i in (1..n).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(replay(&shuffled, Rules::default()), expected);
    }

    /// Applying a log in batches (each batch a re-application of everything
    /// received so far, as the server does) ends where one batch would.
    #[test]
    fn batch_split_does_not_change_the_outcome(log in arb_log(), split in 0usize..14) {
        let expected = replay(&log, Rules::default());
        let cut = split.min(log.len());
        let first = replay(&log[..cut], Rules::default());
        prop_assert!(first.flags.len() <= log[..cut].len());
        let all = replay(&[&log[cut..], &log[..cut]].concat(), Rules::default());
        prop_assert_eq!(all, expected);
    }

    /// Folding on from the stored state of a log's first part, with events
    /// that all come after it, gives the whole log's state, and the later
    /// events' flags and implied pick-ups (the earlier ones' do not change).
    #[test]
    fn folding_on_from_a_prefix_state_equals_the_whole_fold(log in arb_log(), split in 0usize..14) {
        let mut log = log;
        canonical_order(&mut log);
        let cut = split.min(log.len());
        let whole = replay(&log, Rules::default());
        let first = replay(&log[..cut], Rules::default());
        let rest = replay_from(first.state.clone(), &log[cut..], Rules::default());
        prop_assert_eq!(&rest.state, &whole.state);
        prop_assert_eq!([first.flags, rest.flags].concat(), whole.flags);
        prop_assert_eq!([first.implied_pickups, rest.implied_pickups].concat(), whole.implied_pickups);
    }
}

/// The JSON call, the no-JavaScript form and the stored event all name a
/// wish the same way.
#[test]
fn a_wish_has_one_name_on_the_wire_in_forms_and_in_events() {
    for w in ResidentWish::ALL {
        assert_eq!(serde_json::to_value(w).unwrap(), w.as_str());
        assert_eq!(ResidentWish::parse(w.as_str()), Some(w));
        assert_eq!(ResidentWish::from_label(w.label_id()), Some(w));
    }
}
