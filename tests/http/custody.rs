//! Custody through the API: staff actions, failures, flags, the doorstep check.

use antar_shared::doorstep::NikCheck;
use antar_tests::{delivered, event, on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const DAY: &str = "2026-11-23";

async fn staff_collect_and_void_cards_with_reasons(app: TestApp) {
    let s = app.seed(3).await;
    let ev = |card: &str| format!("/api/v1/cards/{card}/events");
    let a = app.post(&ev(&s.cards[0]), &s.staff, json!({"kind": "collected"})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["status"], "collected");
    let no_reason = app.post(&ev(&s.cards[1]), &s.staff, json!({"kind": "void"})).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.body["errors"][0]["field"], "reason");
    let void =
        app.post(&ev(&s.cards[1]), &s.staff, json!({"kind": "void", "reason": "damaged", "note": "tertekuk"})).await;
    assert_eq!(void.body["status"], "void");
    let last = void.body["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["payload"], json!({"reason": "damaged", "note": "tertekuk"}));
    let refused = app.post(&ev(&s.cards[1]), &s.staff, json!({"kind": "collected"})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "a void card cannot be collected");
    assert_eq!(
        app.get(&format!("/api/v1/cards/{}", s.cards[1]), &s.staff).await.body["events"].as_array().unwrap().len(),
        1
    );
    let courier_kind = app.post(&ev(&s.cards[2]), &s.staff, json!({"kind": "delivered"})).await;
    assert_eq!(courier_kind.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.post(&ev(&s.cards[2]), &s.courier, json!({"kind": "collected"})).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn the_third_failed_attempt_holds_the_card_for_pickup(app: TestApp) {
    let s = app.seed(1).await;
    let card = &s.cards[0];
    for day in ["2026-11-23", "2026-11-24", "2026-11-25"] {
        app.route(&s, day, std::slice::from_ref(card)).await;
        let r = app
            .sync(
                &s.courier,
                vec![
                    event(
                        card,
                        "attempt_failed",
                        1,
                        json!({"reason": "not_home", "lat": -5.37, "lon": 105.24, "accuracy_m": 80.0}),
                    ),
                    event(card, "returned_to_office", 2, json!({})),
                ],
            )
            .await;
        assert!(r.iter().all(|x| x["status"] == "accepted" && x.get("code").is_none()), "{r:?}");
        app.post(&format!("/api/v1/couriers/{}/days/{day}/close", s.courier_id), &s.staff, json!({})).await;
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    let card_now = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body;
    assert_eq!(card_now["status"], "held_for_pickup");
    assert_eq!(card_now["failed_attempts"], 3);
}

async fn a_delivery_after_collection_at_the_office_is_kept_and_flagged(app: TestApp) {
    let s = app.seed(1).await;
    let card = &s.cards[0];
    app.route(&s, DAY, std::slice::from_ref(card)).await;
    app.post(&format!("/api/v1/cards/{card}/events"), &s.staff, json!({"kind": "collected"})).await;
    let r = app.sync(&s.courier, vec![delivered(card, 5)]).await;
    assert_eq!(r[0]["status"], "accepted");
    assert_eq!(r[0]["code"], "flagged");
    let detail = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body;
    assert_eq!(detail["status"], "collected");
    assert_eq!(detail["flagged"][0]["kind"], "delivered");
    assert_eq!(detail["flagged"][0]["flag"], "not_allowed");
}

async fn a_late_pickup_reapplies_history_in_time_order(app: TestApp) {
    let s = app.seed(1).await;
    let card = &s.cards[0];
    app.route(&s, DAY, std::slice::from_ref(card)).await;
    // A minute apart: each batch's clock skew moves its events on the
    // server's timeline, and a few milliseconds could swap them.
    let (fail, pick) =
        (event(card, "attempt_failed", 60_000, json!({"reason": "moved"})), event(card, "picked_up", 2, json!({})));
    app.sync(&s.courier, vec![fail]).await;
    app.sync(&s.courier, vec![pick]).await;
    let detail = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body;
    let kinds: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["assigned", "picked_up", "attempt_failed"], "the implied pick-up gave way to the real one");
    assert_eq!(detail["status"], "with_courier");
    assert_eq!(detail["failed_attempts"], 1);
}

async fn the_phone_checks_a_typed_nik_without_holding_it(app: TestApp) {
    let s = app.seed(1).await;
    app.route(&s, DAY, &s.cards).await;
    let nik =
        app.get(&format!("/api/v1/cards/{}", s.cards[0]), &s.staff).await.body["nik"].as_str().unwrap().to_owned();
    let routes = app.get("/api/v1/me/routes", &s.courier).await;
    assert!(!routes.text.contains(&nik));
    let check: NikCheck = serde_json::from_value(routes.body["items"][0]["stops"][0]["nik_check"].clone()).unwrap();
    assert!(check.matches(&nik));
    let mut wrong = nik.clone();
    wrong.replace_range(15.., if nik.ends_with('9') { "8" } else { "9" });
    assert!(!check.matches(&wrong));
}

async fn a_good_gps_fix_is_remembered_for_the_next_visit(app: TestApp) {
    let s = app.seed(1).await;
    let card = &s.cards[0];
    app.route(&s, DAY, std::slice::from_ref(card)).await;
    let rough =
        event(card, "attempt_failed", 1, json!({"reason": "not_home", "lat": -5.1, "lon": 105.1, "accuracy_m": 120.0}));
    let good = event(
        card,
        "attempt_failed",
        2,
        json!({"reason": "not_home", "lat": -5.37, "lon": 105.24, "accuracy_m": 15.0}),
    );
    let later =
        event(card, "attempt_failed", 3, json!({"reason": "not_home", "lat": -5.99, "lon": 105.99, "accuracy_m": 5.0}));
    app.sync(&s.courier, vec![rough, good, later]).await;
    let stop = app.get("/api/v1/me/routes", &s.courier).await.body["items"][0]["stops"][0].clone();
    assert_eq!(
        (stop["pin_lat"].as_f64(), stop["pin_lon"].as_f64()),
        (Some(-5.37), Some(105.24)),
        "the first fix within 50 m"
    );
}

/// "Petunjuk arah" needs a place: the home's pin, else the print batch's
/// coordinates, else none (the phone then searches the address).
async fn directions_go_to_the_pin_else_the_print_batchs_coordinates(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let (courier_id, courier) = app.user("kurir1", "courier").await;
    let csv = "NIK;NAMA;ALAMAT;KELURAHAN;KECAMATAN;LAT;LON\n\
               1871010101900001;ANI;JL. A;RAJABASA;RAJABASA;-5.36;105.25\n\
               1871010201900002;BUDI;JL. B;RAJABASA;RAJABASA;;\n";
    assert_eq!(app.post_csv("/api/v1/cards/import", &staff, csv.to_owned()).await.body["imported"], 2);
    let mut ids: Vec<(String, String)> = app.get("/api/v1/cards", &staff).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["id"].as_str().unwrap().to_owned()))
        .collect();
    ids.sort();
    let cards: Vec<String> = ids.into_iter().map(|(_, id)| id).collect();
    let r = app.post("/api/v1/routes", &staff, json!({"courier_id": courier_id, "date": DAY, "card_ids": cards})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let place = |stop: &Value| (stop["pin_lat"].as_f64(), stop["pin_lon"].as_f64());
    let stops = app.get("/api/v1/me/routes", &courier).await.body["items"][0]["stops"].clone();
    assert_eq!(place(&stops[0]), (Some(-5.36), Some(105.25)), "the batch's coordinates");
    assert_eq!(place(&stops[1]), (None, None), "nothing to go by");
    let fix = json!({"reason": "not_home", "lat": -5.37, "lon": 105.24, "accuracy_m": 10.0});
    app.sync(&courier, vec![event(&cards[0], "attempt_failed", 1, fix)]).await;
    let stops = app.get("/api/v1/me/routes", &courier).await.body["items"][0]["stops"].clone();
    assert_eq!(place(&stops[0]), (Some(-5.37), Some(105.24)), "the pin learned at the door comes first");
}

async fn a_landmark_from_the_print_batch_or_a_visit_reaches_the_next_visit(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let (courier_id, courier) = app.user("kurir1", "courier").await;
    let csv = "NIK;NAMA;ALAMAT;KELURAHAN;KECAMATAN;PATOKAN\n\
               1871010101900001;ANI;JL. A;RAJABASA;RAJABASA;depan masjid\n\
               1871010201900002;BUDI;JL. B;RAJABASA;RAJABASA;\n";
    let report = app.post_csv("/api/v1/cards/import", &staff, csv.to_owned()).await;
    assert_eq!(report.body["imported"], 2, "{}", report.text);
    let cards: Vec<String> = app.get("/api/v1/cards", &staff).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let r = app.post("/api/v1/routes", &staff, json!({"courier_id": courier_id, "date": DAY, "card_ids": cards})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let landmarks = |body: &serde_json::Value| -> Vec<(String, Option<String>)> {
        let mut v: Vec<_> = body["items"][0]["stops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap().to_owned(), s["landmark"].as_str().map(str::to_owned)))
            .collect();
        v.sort();
        v
    };
    let before = app.get("/api/v1/me/routes", &courier).await.body;
    assert_eq!(landmarks(&before), [("ANI".into(), Some("depan masjid".into())), ("BUDI".into(), None)]);
    let ani = before["items"][0]["stops"].as_array().unwrap().iter().find(|s| s["name"] == "ANI").unwrap()["card_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let budi = cards.iter().find(|c| **c != ani).unwrap().clone();

    let res = app
        .sync(
            &courier,
            vec![
                event(&budi, "attempt_failed", 1, json!({"reason": "not_home", "landmark": "rumah cat hijau"})),
                event(&budi, "attempt_failed", 2, json!({"reason": "not_home", "landmark": "sebelah warung"})),
                event(&ani, "attempt_failed", 1, json!({"reason": "not_home"})),
                event(&ani, "attempt_failed", 2, json!({"reason": "not_home", "landmark": "x".repeat(201)})),
            ],
        )
        .await;
    assert_eq!(
        res.iter().map(|r| r["status"].as_str().unwrap()).collect::<Vec<_>>(),
        ["accepted", "accepted", "accepted", "rejected"]
    );
    assert!(res[3]["message"].as_str().unwrap().starts_with("payload.landmark"), "{}", res[3]);
    let after = app.get("/api/v1/me/routes", &courier).await.body;
    assert_eq!(
        landmarks(&after),
        [("ANI".into(), Some("depan masjid".into())), ("BUDI".into(), Some("sebelah warung".into()))],
        "the newest note wins; a visit without one keeps what was known"
    );
}

async fn a_phone_with_a_slow_clock_is_ordered_on_the_servers_time(app: TestApp) {
    let s = app.seed(1).await;
    let card = &s.cards[0];
    app.route(&s, DAY, std::slice::from_ref(card)).await;
    // The delivery comes a while after the route was made…
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    // …but the phone's clock is two hours behind: by its own time, it
    // delivered before the card was even assigned.
    let slow = chrono::Utc::now() - chrono::Duration::hours(2);
    let mut ev = delivered(card, 0);
    ev["occurred_at"] = json!((slow + chrono::Duration::milliseconds(5)).to_rfc3339());
    let batch = json!({"device_id": "slow-phone", "sent_at": (slow + chrono::Duration::milliseconds(10)).to_rfc3339(), "events": [ev]});
    let r = app.post("/api/v1/sync", &s.courier, batch.clone()).await.body;
    assert_eq!(r["results"][0]["status"], "accepted");
    assert!(r["results"][0].get("code").is_none(), "not flagged: {r}");
    let detail = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body;
    assert_eq!(detail["status"], "delivered");
    let d = detail["events"].as_array().unwrap().iter().find(|e| e["kind"] == "delivered").unwrap().clone();
    let device = chrono::DateTime::parse_from_rfc3339(d["device_time"].as_str().unwrap()).unwrap();
    let server = chrono::DateTime::parse_from_rfc3339(d["occurred_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        device.timestamp_millis() / 1000,
        (slow + chrono::Duration::milliseconds(5)).timestamp_millis() / 1000,
        "the phone's time is kept"
    );
    assert!((server - device).num_minutes() >= 119, "ordered on the server's clock");
    let again = app.post("/api/v1/sync", &s.courier, batch).await.body;
    assert_eq!(again["results"][0]["status"], "duplicate", "the phone's own time identifies the event");
}

/// A phone that downloaded the proof rules before the office tightened them
/// still delivers: the card counts as delivered, the event is flagged for
/// review naming what is missing, and the flag survives later re-folds.
async fn a_delivery_without_required_proof_counts_and_is_flagged_for_review(app: TestApp) {
    let s = app.seed(2).await;
    let admin = app.admin().await;
    let mut settings = app.get("/api/v1/settings", &admin).await.body;
    settings["require_photo"] = json!(true);
    settings["require_id_check"] = json!(true);
    assert_eq!(app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await.status, StatusCode::OK);
    app.route(&s, DAY, &s.cards).await;
    let (bare, proven) = (&s.cards[0], &s.cards[1]);
    // Made first, sent last: a late pick-up before the delivery re-folds the
    // log. A minute apart, so no difference in the two batches' clock skew
    // (the server orders by its own clock) can swap them.
    let late_pickup = event(bare, "picked_up", 1, json!({}));
    let with_proof = event(
        proven,
        "delivered",
        60_000,
        json!({"recipient_name": "Ani", "recipient_relation": "self", "photo_sha256": "a".repeat(64), "id_check": "match"}),
    );
    let r = app.sync(&s.courier, vec![delivered(bare, 60_000), with_proof]).await;
    assert_eq!((r[0]["status"].as_str(), r[0]["code"].as_str()), (Some("accepted"), Some("flagged")));
    assert_eq!(r[0]["message"], "without proof the office requires: photo, id_check");
    assert_eq!((r[1]["status"].as_str(), r[1]["code"].as_str()), (Some("accepted"), None), "{:?}", r[1]);
    assert_eq!(app.sync(&s.courier, vec![late_pickup]).await[0]["code"], serde_json::Value::Null);
    let detail = app.get(&format!("/api/v1/cards/{bare}"), &s.staff).await.body;
    assert_eq!(detail["status"], "delivered", "the delivery counts");
    assert_eq!(detail["flagged"][0]["flag"], "missing_proof");
    let review = app.get("/api/v1/review", &s.staff).await.body;
    let flagged: Vec<&str> =
        review["flagged"].as_array().unwrap().iter().filter_map(|f| f["card_id"].as_str()).collect();
    assert_eq!(flagged, [bare.as_str()], "{review}");
}

/// A second card for a NIK whose first was delivered is a replacement:
/// the courier's stop says so, to ask for the old card back.
async fn a_replacement_card_tells_the_courier_to_ask_for_the_old_one(app: TestApp) {
    let s = app.seed(1).await;
    app.route(&s, DAY, &s.cards).await;
    app.sync(&s.courier, vec![delivered(&s.cards[0], 1)]).await;
    // The same person, printed again on another day.
    let reprint: String = antar_tests::batch_csv(1, ',')
        .lines()
        .zip([",TANGGAL_CETAK\n", ",2026-11-20\n"])
        .map(|(l, x)| format!("{l}{x}"))
        .collect();
    let again = app.post_csv("/api/v1/cards/import", &s.staff, reprint).await;
    assert_eq!(again.body["replacements"], 1, "{}", again.text);
    let all = app.get("/api/v1/cards?status=printed", &s.staff).await.body;
    let new_card = all["items"][0]["id"].as_str().unwrap().to_owned();
    app.route(&s, "2026-11-24", std::slice::from_ref(&new_card)).await;
    let routes = app.get("/api/v1/me/routes?date=2026-11-24", &s.courier).await.body;
    let stop = &routes["items"][0]["stops"][0];
    assert_eq!(stop["card_id"], new_card.as_str());
    assert_eq!(stop["replacement"], true);
    let first = app.get(&format!("/api/v1/me/routes?date={DAY}"), &s.courier).await.body;
    assert_eq!(first["items"][0]["stops"][0]["replacement"], false, "a first card is not a replacement");
}

on_both_backends!(
    a_delivery_without_required_proof_counts_and_is_flagged_for_review,
    a_replacement_card_tells_the_courier_to_ask_for_the_old_one,
    a_phone_with_a_slow_clock_is_ordered_on_the_servers_time,
    staff_collect_and_void_cards_with_reasons,
    the_third_failed_attempt_holds_the_card_for_pickup,
    a_delivery_after_collection_at_the_office_is_kept_and_flagged,
    a_late_pickup_reapplies_history_in_time_order,
    the_phone_checks_a_typed_nik_without_holding_it,
    a_good_gps_fix_is_remembered_for_the_next_visit,
    a_landmark_from_the_print_batch_or_a_visit_reaches_the_next_visit,
    directions_go_to_the_pin_else_the_print_batchs_coordinates,
);
