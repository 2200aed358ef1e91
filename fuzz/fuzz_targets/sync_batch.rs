//! Any bytes as a sync batch: decoding and every event's checks never
//! panic, and a batch that decodes survives being sent again as the
//! server would read it back.
#![no_main]

use antar_shared::custody::EventKind;
use antar_shared::payload;
use antar_shared::wire::SyncRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(batch) = serde_json::from_slice::<SyncRequest>(data) else { return };
    for ev in &batch.events {
        if let Some(kind) = EventKind::parse(&ev.kind).filter(|k| k.is_courier_kind()) {
            if let Err(e) = payload::check(kind, &ev.payload) {
                assert!(e.field.starts_with("payload"), "the error names the payload's field: {}", e.field);
            }
        }
    }
    let again = serde_json::to_vec(&batch).expect("a decoded batch encodes");
    let back: SyncRequest = serde_json::from_slice(&again).expect("and decodes again");
    assert_eq!(back.events.len(), batch.events.len());
    for (a, b) in back.events.iter().zip(&batch.events) {
        assert_eq!((&a.id, &a.card_id, &a.kind, a.occurred_at), (&b.id, &b.card_id, &b.kind, b.occurred_at));
        assert_eq!(a.payload, b.payload);
    }
});
