//! The desk: a courier's bundle handed out and returned cards received by
//! scanning the envelopes' labels. Custody moves only by the staff member's
//! act; the courier's "handed back" (and an earlier app's
//! `returned_to_office`) is a claim.

use antar_tests::{batch_csv, delivered, event, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const DAY: &str = "2026-11-23";

async fn scan(app: &TestApp, staff: &str, courier: &str, desk: &str, code: &str) -> antar_tests::Answer {
    app.post(&format!("/api/v1/couriers/{courier}/days/{DAY}/{desk}"), staff, json!({"code": code})).await
}

async fn the_bundle_handed_out_is_exactly_what_was_scanned(app: TestApp) {
    let s = app.seed(4).await;
    let c = &s.cards;
    app.route(&s, DAY, c).await;
    let link = scan(&app, &s.staff, &s.courier_id, "handout", &format!("http://antar.local/s/{}", c[0])).await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.text);
    assert_eq!((link.body["status"].as_str(), link.body["seq"].as_i64()), (Some("with_courier"), Some(1)));
    assert_eq!(link.body["already"], false);
    let number = scan(&app, &s.staff, &s.courier_id, "handout", "2").await;
    assert_eq!(
        (number.status, number.body["card_id"].as_str()),
        (StatusCode::OK, Some(c[1].as_str())),
        "{}",
        number.text
    );
    let again = scan(&app, &s.staff, &s.courier_id, "handout", &c[0].to_uppercase()).await;
    assert_eq!(
        (again.status, again.body["already"].as_bool()),
        (StatusCode::OK, Some(true)),
        "a repeated scan: {}",
        again.text
    );

    let path = format!("/api/v1/couriers/{}/days/{DAY}", s.courier_id);
    let day = app.get(&path, &s.staff).await.body;
    assert_eq!(day["handed_out"], 2, "two envelopes scanned: {day}");
    assert_eq!(day["still_out"].as_array().unwrap().len(), 2);
    assert_eq!(day["not_taken"].as_array().unwrap().len(), 2, "the two not scanned are still at the office");
    let card = app.get(&format!("/api/v1/cards/{}", c[0]), &s.staff).await.body;
    let out = card["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(out["kind"], "picked_up");
    assert_eq!(out["payload"]["handed_to"], s.courier_id.as_str(), "recorded by staff, naming the courier");
    // The phone's own count later is no conflict.
    let later = app.sync(&s.courier, vec![event(&c[0], "picked_up", 5, json!({}))]).await;
    assert!(later[0]["status"] == "accepted" && later[0].get("code").is_none(), "{later:?}");
}

async fn a_couriers_hand_back_is_a_claim_until_staff_scan_the_card_in(app: TestApp) {
    let s = app.seed(3).await;
    let c = &s.cards;
    app.route(&s, DAY, c).await;
    let picked: Vec<_> = c.iter().map(|card| event(card, "picked_up", 1, json!({}))).collect();
    app.sync(&s.courier, picked).await;
    let claim = event(&c[0], "handed_back", 2, json!({}));
    let old_app = event(&c[1], "returned_to_office", 2, json!({}));
    let res = app.sync(&s.courier, vec![claim, old_app.clone()]).await;
    assert!(res.iter().all(|r| r["status"] == "accepted" && r.get("code").is_none()), "{res:?}");
    for card in [&c[0], &c[1]] {
        let detail = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body;
        assert_eq!((detail["status"].as_str(), detail["handed_back"].as_bool()), (Some("with_courier"), Some(true)));
        assert_eq!(detail["events"].as_array().unwrap().last().unwrap()["kind"], "handed_back");
    }
    let resent = app.sync(&s.courier, vec![old_app]).await;
    assert_eq!(resent[0]["status"], "duplicate", "the earlier app's resend is the same event: {resent:?}");
    let phone = app.get("/api/v1/me/routes", &s.courier).await.body;
    let marked: Vec<bool> =
        phone["items"][0]["stops"].as_array().unwrap().iter().map(|s| s["handed_back"].as_bool().unwrap()).collect();
    assert_eq!(marked, [true, true, false], "the phone shows the claim, the card still its courier's");

    let path = format!("/api/v1/couriers/{}/days/{DAY}", s.courier_id);
    let day = app.get(&path, &s.staff).await.body;
    assert_eq!(day["declared_returned"].as_array().unwrap().len(), 2);
    assert_eq!(day["returned"].as_array().unwrap().len(), 0, "nothing is back until staff receive it");

    let got =
        scan(&app, &s.staff, &s.courier_id, "receive", &format!("https://antar.example.go.id/s/{}\n", c[0])).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    assert_eq!((got.body["status"].as_str(), got.body["already"].as_bool()), (Some("returned_to_office"), Some(false)));
    let twice = scan(&app, &s.staff, &s.courier_id, "receive", &c[0]).await;
    assert_eq!((twice.status, twice.body["already"].as_bool()), (StatusCode::OK, Some(true)), "{}", twice.text);
    // The card never claimed is received too: the officer holds it.
    let held = scan(&app, &s.staff, &s.courier_id, "receive", "3").await;
    assert_eq!((held.status, held.body["card_id"].as_str()), (StatusCode::OK, Some(c[2].as_str())), "{}", held.text);
    let day = app.get(&path, &s.staff).await.body;
    let ids =
        |k: &str| day[k].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids("returned"), [c[0].clone(), c[2].clone()]);
    assert_eq!(ids("declared_returned"), [c[1].clone()], "claimed, not yet received");
    let closed = app.post(&format!("{path}/close"), &s.staff, json!({"returned_card_ids": []})).await;
    assert_eq!(
        (closed.body["discrepancy"].as_bool(), closed.body["declared_returned"][0]["id"].as_str()),
        (Some(true), Some(c[1].as_str()))
    );
}

async fn a_scan_the_desk_cannot_act_on_is_refused_with_the_reason_and_changes_nothing(app: TestApp) {
    let s = app.seed(4).await;
    let c = &s.cards;
    app.route(&s, DAY, &c[..3]).await;
    app.sync(&s.courier, vec![event(&c[0], "picked_up", 1, json!({})), delivered(&c[1], 2)]).await;
    let (other_id, other) = app.user("kurir2", "courier").await;
    let courier = s.courier_id.clone();

    let garbage = scan(&app, &s.staff, &courier, "receive", "<script>").await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", garbage.text);
    assert_eq!(garbage.body["errors"][0]["field"], "code");
    let delivered = scan(&app, &s.staff, &courier, "receive", &format!("/s/{}", c[1])).await;
    assert_eq!(delivered.status, StatusCode::CONFLICT, "{}", delivered.text);
    assert!(delivered.body["detail"].as_str().unwrap().contains("delivered"), "{}", delivered.text);
    let at_office = scan(&app, &s.staff, &courier, "receive", &c[3]).await;
    assert_eq!(at_office.status, StatusCode::CONFLICT, "{}", at_office.text);
    let not_his = scan(&app, &s.staff, &other_id, "receive", &c[0]).await;
    assert_eq!(not_his.status, StatusCode::CONFLICT, "another courier's card: {}", not_his.text);
    let no_stop = scan(&app, &s.staff, &courier, "handout", "9").await;
    assert_eq!(no_stop.status, StatusCode::NOT_FOUND, "{}", no_stop.text);
    let off_route = scan(&app, &s.staff, &courier, "handout", &c[3]).await;
    assert_eq!(off_route.status, StatusCode::CONFLICT, "{}", off_route.text);
    let to_other = scan(&app, &s.staff, &other_id, "handout", &c[2]).await;
    assert_eq!(to_other.status, StatusCode::CONFLICT, "a card on another courier's route: {}", to_other.text);
    let by_courier = scan(&app, &other, &courier, "receive", &c[0]).await;
    assert_eq!(by_courier.status, StatusCode::FORBIDDEN, "a courier cannot receive at the desk");

    let metro = app.other_office_staff().await;
    let imported = app.post_csv("/api/v1/cards/import", &metro, batch_csv(1, ',').replace("1871", "1872")).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
    let theirs = app.get("/api/v1/cards", &metro).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let foreign = scan(&app, &s.staff, &courier, "receive", &format!("/s/{theirs}")).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "another office's card: {}", foreign.text);
    let from_metro = scan(&app, &metro, &courier, "receive", &c[0]).await;
    assert_eq!(from_metro.status, StatusCode::NOT_FOUND, "another office's courier: {}", from_metro.text);

    let statuses = [app.status_of(&s, &c[0]).await, app.status_of(&s, &c[1]).await, app.status_of(&s, &c[2]).await];
    assert_eq!(statuses, ["with_courier", "delivered", "assigned"], "nothing changed");
}

on_both_backends!(
    the_bundle_handed_out_is_exactly_what_was_scanned,
    a_couriers_hand_back_is_a_claim_until_staff_scan_the_card_in,
    a_scan_the_desk_cannot_act_on_is_refused_with_the_reason_and_changes_nothing,
);
