//! Any log of custody events: the fold never panics, does not depend on
//! the order the events arrive in, agrees with applying them one by one in
//! canonical order, and accounts for every event.
#![no_main]

use antar_shared::custody::{apply, replay, CustodyEvent, EventKind, Rules, Status};
use libfuzzer_sys::fuzz_target;

const PEOPLE: [&str; 3] = ["kurir-a", "kurir-b", "petugas"];

/// Four bytes an event: its kind, when (seconds, so ties happen), who
/// recorded it, and the courier it names.
fn log(data: &[u8]) -> Vec<CustodyEvent> {
    let t0 = chrono::DateTime::from_timestamp(1_764_547_200, 0).unwrap_or_default();
    data.chunks_exact(4)
        .enumerate()
        .map(|(i, b)| CustodyEvent {
            id: format!("ev-{i:04}"),
            kind: EventKind::ALL[usize::from(b[0]) % EventKind::ALL.len()],
            occurred_at: t0 + chrono::Duration::seconds(i64::from(b[1] % 32)),
            actor: (b[2] % 4 != 3).then(|| PEOPLE[usize::from(b[2] % 3)].to_owned()),
            courier: (b[3] % 4 != 3).then(|| PEOPLE[usize::from(b[3] % 2)].to_owned()),
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&max, rest)) = data.split_first() else { return };
    let rules = Rules { max_failed_attempts: u32::from(max % 5) + 1 };
    let events = log(rest);
    let folded = replay(&events, rules);
    let mut reversed = events.clone();
    reversed.reverse();
    assert_eq!(replay(&reversed, rules), folded, "the arrival order does not matter");

    let mut sorted = events.clone();
    sorted.sort_by(|a, b| a.occurred_at.cmp(&b.occurred_at).then_with(|| a.id.cmp(&b.id)));
    let mut state = Default::default();
    let mut refused = 0;
    for ev in &sorted {
        match apply(&state, ev, rules) {
            Ok(next) => state = next,
            Err(_) => refused += 1,
        }
    }
    assert_eq!(state, folded.state, "one by one, the same state");
    assert_eq!(refused, folded.flags.len(), "every event applied or flagged");
    let failures = events.iter().filter(|e| e.kind == EventKind::AttemptFailed).count();
    assert!(folded.state.failed_attempts as usize <= failures);
    if folded.state.status == Status::HeldForPickup && events.iter().all(|e| e.kind != EventKind::HeldForPickup) {
        assert!(folded.state.failed_attempts >= rules.max_failed_attempts, "held only after enough failures");
    }
});
