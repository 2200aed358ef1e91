//! Sync limits and the review queue: nothing a courier sends is lost.

use antar_tests::{delivered, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn oversized_batches_are_refused_whole(app: TestApp) {
    let s = app.seed(1).await;
    app.route(&s, "2026-11-23", &s.cards).await;
    let many: Vec<_> = (0..501).map(|i| delivered(&s.cards[0], i)).collect();
    let a = app
        .post(
            "/api/v1/sync",
            &s.courier,
            json!({"device_id": "p", "sent_at": chrono::Utc::now().to_rfc3339(), "events": many}),
        )
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.content_type, "application/problem+json");
    let mut fat = delivered(&s.cards[0], 1);
    fat["payload"]["note"] = json!("x".repeat(1_100_000));
    let a = app
        .post(
            "/api/v1/sync",
            &s.courier,
            json!({"device_id": "p", "sent_at": chrono::Utc::now().to_rfc3339(), "events": [fat]}),
        )
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.status_of(&s, &s.cards[0]).await, "assigned", "nothing of a refused batch was applied");
}

async fn rejected_and_flagged_events_wait_in_the_review_queue(app: TestApp) {
    let s = app.seed(2).await;
    app.route(&s, "2026-11-23", &s.cards[..1]).await;
    app.post(&format!("/api/v1/cards/{}/events", s.cards[0]), &s.staff, json!({"kind": "collected"})).await;
    let stranger = delivered(&s.cards[1], 1);
    let late = delivered(&s.cards[0], 2);
    let r = app.sync(&s.courier, vec![stranger.clone(), late.clone()]).await;
    assert_eq!((r[0]["status"].as_str(), r[1]["code"].as_str()), (Some("rejected"), Some("flagged")));

    let q = app.get("/api/v1/review", &s.staff).await.body;
    assert_eq!(q["rejected"].as_array().unwrap().len(), 1);
    let rejected = &q["rejected"][0];
    assert_eq!(rejected["event_id"], stranger["id"]);
    assert_eq!(rejected["code"], "not_assigned");
    assert_eq!(rejected["body"]["payload"], stranger["payload"], "kept whole, as the phone sent it");
    assert_eq!(q["flagged"][0]["id"], late["id"]);
    assert_eq!(q["flagged"][0]["card_id"], s.cards[0].as_str());

    assert_eq!(app.get("/api/v1/review", &s.courier).await.status, StatusCode::FORBIDDEN);
    let path = format!("/api/v1/review/rejected/{}/resolve", rejected["id"].as_str().unwrap());
    assert_eq!(app.post(&path, &s.staff, json!({})).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/v1/review", &s.staff).await.body["rejected"], json!([]));
    assert_eq!(app.post(&path, &s.staff, json!({})).await.status, StatusCode::NOT_FOUND);
}

async fn the_same_event_twice_in_one_batch_is_applied_once(app: TestApp) {
    let s = app.seed(1).await;
    app.route(&s, "2026-11-23", &s.cards).await;
    let ev = delivered(&s.cards[0], 1);
    let mut changed = ev.clone();
    changed["payload"]["recipient_name"] = json!("Orang Lain");
    let r = app.sync(&s.courier, vec![ev.clone(), ev.clone(), changed]).await;
    let statuses: Vec<(&str, Option<&str>)> =
        r.iter().map(|x| (x["status"].as_str().unwrap(), x["code"].as_str())).collect();
    assert_eq!(statuses, [("accepted", None), ("duplicate", None), ("rejected", Some("id_conflict"))]);
    let detail = app.get(&format!("/api/v1/cards/{}", s.cards[0]), &s.staff).await.body;
    assert_eq!(detail["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "delivered").count(), 1);
}

/// What a phone may store is bounded: unknown payload keys are refused by
/// name, and an event said to happen after its batch was sent is refused;
/// both are kept for review. A phone whose clock is years off, but
/// consistently so, still syncs.
async fn unbounded_or_impossible_events_are_refused_naming_the_field(app: TestApp) {
    let s = app.seed(2).await;
    app.route(&s, "2026-11-23", &s.cards).await;
    let mut blob = delivered(&s.cards[0], 1);
    blob["payload"]["blob"] = json!("x".repeat(900_000));
    let mut future = delivered(&s.cards[0], 2);
    future["occurred_at"] = json!("9999-12-31T23:59:59Z");
    let r = app.sync(&s.courier, vec![blob, future]).await;
    assert_eq!((r[0]["status"].as_str(), r[0]["code"].as_str()), (Some("rejected"), Some("invalid_payload")));
    assert!(r[0]["message"].as_str().unwrap().starts_with("payload.blob:"), "{r:?}");
    assert_eq!((r[1]["status"].as_str(), r[1]["code"].as_str()), (Some("rejected"), Some("occurred_after_sent")));
    assert!(r[1]["message"].as_str().unwrap().starts_with("occurred_at:"), "{r:?}");
    assert_eq!(app.status_of(&s, &s.cards[0]).await, "assigned");
    assert_eq!(app.get("/api/v1/review", &s.staff).await.body["rejected"].as_array().unwrap().len(), 2);

    // Three years slow, consistently: the skew moves it onto the server's clock.
    let years = chrono::Duration::days(3 * 365);
    let phone_now = chrono::Utc::now() - years;
    let mut ev = delivered(&s.cards[1], 0);
    ev["occurred_at"] = json!((phone_now - chrono::Duration::seconds(5)).to_rfc3339());
    let batch = json!({"device_id": "old-phone", "sent_at": phone_now.to_rfc3339(), "events": [ev]});
    let a = app.post("/api/v1/sync", &s.courier, batch).await;
    assert_eq!(a.body["results"][0]["status"], "accepted", "{}", a.text);
    let detail = app.get(&format!("/api/v1/cards/{}", s.cards[1]), &s.staff).await.body;
    let at = detail["events"].as_array().unwrap().last().unwrap()["occurred_at"].as_str().unwrap().to_owned();
    let at = chrono::DateTime::parse_from_rfc3339(&at).unwrap();
    assert!(
        (chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_seconds().abs() < 60,
        "on the server's clock: {at}"
    );
}

/// A batch that waits for a database connection (an outage, a busy pool)
/// is timed when it arrived: the wait is not the phone's clock skew, and
/// does not move its events later on the card's timeline.
async fn time_spent_queueing_is_not_clock_skew(app: TestApp) {
    let s = app.seed(1).await;
    app.route(&s, "2026-11-23", &s.cards).await;
    let pool = app.state.pool.clone();
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let all: Vec<_> = (0..pool.max_size()).map(|_| pool.get().unwrap()).collect();
        held_tx.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1_500));
        drop(all);
    });
    held_rx.recv().unwrap();
    let ev = delivered(&s.cards[0], -500);
    let r = app.sync(&s.courier, vec![ev]).await;
    holder.join().unwrap();
    assert_eq!(r[0]["status"], "accepted", "{r:?}");
    let detail = app.get(&format!("/api/v1/cards/{}", s.cards[0]), &s.staff).await.body;
    let d = detail["events"].as_array().unwrap().iter().find(|e| e["kind"] == "delivered").unwrap().clone();
    let at = |k: &str| chrono::DateTime::parse_from_rfc3339(d[k].as_str().unwrap()).unwrap();
    let moved = (at("occurred_at") - at("device_time")).num_milliseconds();
    assert!(moved.abs() < 700, "the event moved {moved} ms on the server's timeline after a 1.5 s wait");
}

on_both_backends!(
    time_spent_queueing_is_not_clock_skew,
    unbounded_or_impossible_events_are_refused_naming_the_field,
    the_same_event_twice_in_one_batch_is_applied_once,
    oversized_batches_are_refused_whole,
    rejected_and_flagged_events_wait_in_the_review_queue
);
