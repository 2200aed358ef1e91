//! The whole chain: print batch → route → courier sync → resident link.

use antar_tests::{batch_csv, on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn a_card_travels_from_import_to_the_residents_confirmation(app: TestApp) {
    let admin = app.admin().await;
    let (_, staff) = app.user("petugas1", "staff").await;
    let (courier_id, courier) = app.user("kurir1", "courier").await;
    let (_, other_courier) = app.user("kurir2", "courier").await;

    let report = app.post_csv("/api/v1/cards/import", &staff, batch_csv(3, ',')).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    assert_eq!(report.body["imported"], 3);
    let cards = app.get("/api/v1/cards?status=printed", &staff).await.body;
    assert_eq!(cards["total"], 3);
    let card_id = cards["items"][0]["id"].as_str().unwrap().to_owned();
    let nik = cards["items"][0]["nik"].as_str().unwrap().to_owned();

    let today = chrono::Utc::now().date_naive().to_string();
    let route = app
        .post("/api/v1/routes", &staff, json!({"courier_id": courier_id, "date": today, "card_ids": [card_id]}))
        .await;
    assert_eq!(route.status, StatusCode::CREATED, "{}", route.text);
    assert_eq!(route.body["stops"][0]["seq"], 1);
    let again = app
        .post("/api/v1/routes", &admin, json!({"courier_id": courier_id, "date": today, "card_ids": [card_id]}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "a card is on one active route at most");

    let mine = app.get("/api/v1/me/routes", &courier).await;
    assert_eq!(mine.status, StatusCode::OK);
    let stop = &mine.body["items"][0]["stops"][0];
    assert_eq!(stop["card_id"], card_id.as_str());
    assert_eq!(stop["status"], "assigned");
    assert!(!mine.text.contains(&nik), "the phone never gets the full NIK");
    assert!(stop.get("nik_masked").is_none(), "no digit of the NIK on the phone");
    let theirs = app.get("/api/v1/me/routes", &other_courier).await;
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 0, "never another courier's routes");

    // Seconds ahead of the batch's sent_at: within the minute's slack a
    // phone's clock is given, and after the route was made.
    let at = |secs: i64| (chrono::Utc::now() + chrono::Duration::seconds(secs)).to_rfc3339();
    let delivered = json!({"id": uuid::Uuid::new_v4().to_string(), "card_id": card_id, "kind": "delivered",
        "occurred_at": at(30),
        "payload": {"recipient_name": "Siti", "recipient_relation": "family", "lat": -5.37, "lon": 105.24, "accuracy_m": 12.0}});
    let picked = json!({"id": uuid::Uuid::new_v4().to_string(), "card_id": card_id, "kind": "picked_up",
        "occurred_at": at(5), "payload": {}});
    let batch =
        json!({"device_id": "phone-1", "sent_at": chrono::Utc::now().to_rfc3339(), "events": [delivered, picked]});
    let sync = app.post("/api/v1/sync", &courier, batch.clone()).await;
    assert_eq!(sync.status, StatusCode::OK, "{}", sync.text);
    let results = sync.body["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["status"] == "accepted" && r.get("code").is_none()), "{results:?}");

    let resend = app.post("/api/v1/sync", &courier, batch).await;
    assert!(resend.body["results"].as_array().unwrap().iter().all(|r| r["status"] == "duplicate"), "{}", resend.text);

    let mut changed = delivered_with(&card_id, "Budi");
    changed["id"] = delivered["id"].clone();
    let conflict = app
        .post(
            "/api/v1/sync",
            &courier,
            json!({"device_id": "phone-1", "sent_at": chrono::Utc::now().to_rfc3339(), "events": [changed]}),
        )
        .await;
    assert_eq!(conflict.body["results"][0]["status"], "rejected");
    assert_eq!(conflict.body["results"][0]["code"], "id_conflict");

    let detail = app.get(&format!("/api/v1/cards/{card_id}"), &staff).await;
    assert_eq!(detail.body["status"], "delivered");
    let kinds: Vec<&str> =
        detail.body["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["assigned", "picked_up", "delivered"]);
    assert_eq!(detail.body["flagged"].as_array().unwrap().len(), 0);

    let link = app.post(&format!("/api/v1/cards/{card_id}/link"), &staff, json!({})).await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.text);
    let url = link.body["url"].as_str().unwrap();
    let token = url.rsplit('/').next().unwrap();
    assert!(token.len() >= 22, "at least 128 bits");
    assert!(link.body["whatsapp_url"].as_str().unwrap().starts_with("https://wa.me/6281234567890?text="));

    let track = app.call(Method::GET, &format!("/api/v1/track/{token}"), None, None).await;
    assert_eq!(track.status, StatusCode::OK);
    assert_eq!(track.body["status"], "delivered");
    assert_eq!(track.body["resident"], serde_json::Value::Null);
    assert_eq!(track.headers["referrer-policy"], "no-referrer");
    assert!(!track.text.contains(&nik));
    let whats: Vec<&str> =
        track.body["timeline"].as_array().unwrap().iter().map(|t| t["what"].as_str().unwrap()).collect();
    assert_eq!(whats, ["printed", "assigned", "picked_up", "delivered"]);

    let page = app.call(Method::GET, &format!("/t/{token}"), None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.text.contains("Sudah diterima"));
    assert!(!page.text.contains(&nik));

    let c1 = app.call(Method::POST, &format!("/api/v1/track/{token}/confirm"), None, None).await;
    assert_eq!(c1.status, StatusCode::OK, "{}", c1.text);
    assert_eq!(c1.body["resident"], "confirmed");
    let c2 = app.call(Method::POST, &format!("/api/v1/track/{token}/confirm"), None, None).await;
    assert_eq!(c2.status, StatusCode::OK);
    assert_eq!(c2.body["timeline"], c1.body["timeline"], "a second confirmation changes nothing");

    let detail = app.get(&format!("/api/v1/cards/{card_id}"), &staff).await;
    assert_eq!(detail.body["status"], "delivered", "the resident's answer is not custody");
    assert_eq!(detail.body["resident"], "confirmed");
}

/// A delivery half a minute from now: after the route was made, within the
/// slack a phone's clock is given against its batch's `sent_at`.
fn delivered_with(card_id: &str, recipient: &str) -> serde_json::Value {
    json!({"id": uuid::Uuid::new_v4().to_string(), "card_id": card_id, "kind": "delivered",
        "occurred_at": (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc3339(),
        "payload": {"recipient_name": recipient, "recipient_relation": "self"}})
}

async fn delivery_without_pickup_implies_it_and_strangers_cards_are_not_assigned(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let (courier_id, courier) = app.user("kurir1", "courier").await;
    app.post_csv("/api/v1/cards/import", &staff, batch_csv(2, ',')).await;
    let cards = app.get("/api/v1/cards", &staff).await.body;
    let (mine, other) = (cards["items"][0]["id"].as_str().unwrap(), cards["items"][1]["id"].as_str().unwrap());
    let r = app
        .post("/api/v1/routes", &staff, json!({"courier_id": courier_id, "date": "2026-11-02", "card_ids": [mine]}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let bad = json!({"id": uuid::Uuid::new_v4().to_string(), "card_id": mine, "kind": "delivered", "occurred_at": chrono::Utc::now().to_rfc3339(), "payload": {"recipient_relation": "self"}});
    let batch = json!({"device_id": "p", "sent_at": chrono::Utc::now().to_rfc3339(), "events": [delivered_with(other, "A"), bad, delivered_with(mine, "Rina")]});
    let res = app.post("/api/v1/sync", &courier, batch).await.body;
    assert_eq!(res["results"][0]["status"], "rejected");
    assert_eq!(res["results"][0]["code"], "not_assigned");
    assert_eq!(res["results"][1]["status"], "rejected");
    assert!(res["results"][1]["message"].as_str().unwrap().contains("recipient_name"));
    assert_eq!(res["results"][2]["status"], "accepted", "one bad event never blocks the others");
    let detail = app.get(&format!("/api/v1/cards/{mine}"), &staff).await.body;
    let kinds: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["assigned", "picked_up", "delivered"], "the implied pick-up is recorded");
    assert_eq!(detail["events"][1]["payload"]["implied_by"], detail["events"][2]["id"]);
}

async fn resident_links_expire_and_are_replaced(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    app.post_csv("/api/v1/cards/import", &staff, batch_csv(1, ',')).await;
    let card = app.get("/api/v1/cards", &staff).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let first = app.post(&format!("/api/v1/cards/{card}/link"), &staff, json!({})).await.body["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = app.post(&format!("/api/v1/cards/{card}/link"), &staff, json!({})).await.body["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = |u: &str| u.rsplit('/').next().unwrap().to_owned();
    let old = app.call(Method::GET, &format!("/api/v1/track/{}", token(&first)), None, None).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND, "a new link replaces the old");
    let a = app.call(Method::GET, &format!("/api/v1/track/{}", token(&second)), None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["status"], "printed");
    app.expire_links().await;
    let gone = app.call(Method::GET, &format!("/api/v1/track/{}", token(&second)), None, None).await;
    assert_eq!(gone.status, StatusCode::GONE);
    let page = app.call(Method::GET, &format!("/t/{}", token(&second)), None, None).await;
    assert_eq!(page.status, StatusCode::GONE);
}

on_both_backends!(
    a_card_travels_from_import_to_the_residents_confirmation,
    delivery_without_pickup_implies_it_and_strangers_cards_are_not_assigned,
    resident_links_expire_and_are_replaced,
);
