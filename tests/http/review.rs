//! The review queue: each kind of item resolved with a note, who and when
//! kept, counted for the console's navigation.

use antar_tests::{delivered, on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const DAY: &str = "2026-11-23";

/// A delivery without the photo the office requires, and an event for a
/// card the courier does not carry: one flagged, one rejected.
async fn a_flagged_delivery_and_a_rejected_event_are_resolved_with_a_note_and_leave_the_queue(app: TestApp) {
    let s = app.seed(2).await;
    let admin = app.admin().await;
    let mut settings = app.get("/api/v1/settings", &admin).await.body;
    settings["require_photo"] = json!(true);
    assert_eq!(app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await.status, StatusCode::OK);
    app.route(&s, DAY, &s.cards[..1]).await;
    let r = app.sync(&s.courier, vec![delivered(&s.cards[0], 1), delivered(&s.cards[1], 2)]).await;
    assert_eq!((r[0]["code"].as_str(), r[1]["status"].as_str()), (Some("flagged"), Some("rejected")), "{r:?}");

    let counts = app.get("/api/v1/review/counts", &s.staff).await.body;
    assert_eq!(counts, json!({"missing_proof": 1, "flagged": 0, "rejected": 1, "resident": 0, "total": 2}));
    let queue = app.get("/api/v1/review", &s.staff).await.body;
    let flagged = queue["flagged"][0]["id"].as_str().unwrap().to_owned();
    let rejected = queue["rejected"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(queue["flagged"][0]["flag"], "missing_proof");
    // Items name the resident and the card's label number, not an id.
    let named: Vec<(String, Option<i64>)> = queue["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["seq"].as_i64()))
        .collect();
    let first = app.get(&format!("/api/v1/cards/{}", s.cards[0]), &s.staff).await.body;
    let second = app.get(&format!("/api/v1/cards/{}", s.cards[1]), &s.staff).await.body;
    assert!(named.contains(&(first["name"].as_str().unwrap().to_owned(), Some(1))), "{named:?}");
    assert!(named.contains(&(second["name"].as_str().unwrap().to_owned(), None)), "never on a route: {named:?}");
    assert!(!queue.to_string().contains(first["nik"].as_str().unwrap()), "no NIK");

    let long = app
        .post(&format!("/api/v1/review/flagged/{flagged}/resolve"), &s.staff, json!({"note": "x".repeat(1001)}))
        .await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST, "{}", long.text);
    assert_eq!(long.body["errors"][0]["field"], "note");
    let metro = app.other_office_staff().await;
    let theirs = app.post(&format!("/api/v1/review/flagged/{flagged}/resolve"), &metro, json!({})).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "another office cannot resolve it");
    let note = "Foto diminta lewat WhatsApp, sudah diterima.";
    let ok = app.post(&format!("/api/v1/review/flagged/{flagged}/resolve"), &s.staff, json!({"note": note})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let again = app.post(&format!("/api/v1/review/flagged/{flagged}/resolve"), &s.staff, json!({})).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "resolved once");
    let ok = app
        .post(&format!("/api/v1/review/rejected/{rejected}/resolve"), &s.staff, json!({"note": "Salah kartu."}))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);

    let queue = app.get("/api/v1/review", &s.staff).await.body;
    assert_eq!((queue["flagged"].as_array().unwrap().len(), queue["rejected"].as_array().unwrap().len()), (0, 0));
    assert_eq!(app.get("/api/v1/review/counts", &s.staff).await.body["total"], 0);
    let detail = app.get(&format!("/api/v1/cards/{}", s.cards[0]), &s.staff).await.body;
    assert_eq!(detail["status"], "delivered", "resolving changes nothing in the custody log");
    assert_eq!(app.get("/api/v1/review/counts", &s.courier).await.status, StatusCode::FORBIDDEN);
}

on_both_backends!(a_flagged_delivery_and_a_rejected_event_are_resolved_with_a_note_and_leave_the_queue);
