//! Routes: editing stops, cancelling, and the courier's day balance.

use antar_tests::{delivered, event, on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

const DAY: &str = "2026-11-23";

async fn stops_can_be_added_removed_and_reordered(app: TestApp) {
    let s = app.seed(3).await;
    let (a, b, c) = (&s.cards[0], &s.cards[1], &s.cards[2]);
    let route = app.route(&s, DAY, &[a.clone(), b.clone()]).await;
    let r = app
        .call(Method::PUT, &format!("/api/v1/routes/{route}/stops"), Some(&s.staff), Some(json!({"card_ids": [c, a]})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["stops"], json!([{"card_id": c, "seq": 1}, {"card_id": a, "seq": 2}]));
    assert_eq!(app.status_of(&s, b).await, "printed", "a removed card goes back to the office shelf");
    assert_eq!(app.status_of(&s, c).await, "assigned");
    let other =
        app.post("/api/v1/routes", &s.staff, json!({"courier_id": s.courier_id, "date": DAY, "card_ids": [b]})).await;
    assert_eq!(other.status, StatusCode::CREATED, "the removed card is free for another route");
    let listed = app.get(&format!("/api/v1/routes?date={DAY}&courier_id={}", s.courier_id), &s.staff).await.body;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
}

async fn a_card_in_the_couriers_bag_cannot_be_taken_off_the_route(app: TestApp) {
    let s = app.seed(2).await;
    let route = app.route(&s, DAY, &s.cards).await;
    let res = app.sync(&s.courier, vec![event(&s.cards[0], "picked_up", 1, json!({}))]).await;
    assert_eq!(res[0]["status"], "accepted");
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/routes/{route}/stops"),
            Some(&s.staff),
            Some(json!({"card_ids": [&s.cards[1]]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let c = app.post(&format!("/api/v1/routes/{route}/cancel"), &s.staff, json!({})).await;
    assert_eq!(c.status, StatusCode::CONFLICT, "nor can its route be cancelled");
    assert_eq!(app.status_of(&s, &s.cards[1]).await, "assigned", "a refused change changes nothing");
}

async fn a_cancelled_route_frees_its_cards(app: TestApp) {
    let s = app.seed(2).await;
    let route = app.route(&s, DAY, &s.cards).await;
    let c = app.post(&format!("/api/v1/routes/{route}/cancel"), &s.staff, json!({})).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.body["status"], "cancelled");
    assert_eq!(app.status_of(&s, &s.cards[0]).await, "printed");
    assert_eq!(app.get("/api/v1/me/routes", &s.courier).await.body["items"], json!([]));
    app.route(&s, DAY, &s.cards).await;
    let again = app.post(&format!("/api/v1/routes/{route}/cancel"), &s.staff, json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

async fn closing_the_day_balances_handed_out_against_outcomes(app: TestApp) {
    let s = app.seed(5).await;
    let c = &s.cards;
    app.route(&s, DAY, c).await;
    let results = app
        .sync(
            &s.courier,
            vec![
                delivered(&c[0], 2),
                event(&c[1], "picked_up", 1, json!({})),
                event(&c[1], "attempt_failed", 3, json!({"reason": "not_home"})),
                event(&c[1], "returned_to_office", 9, json!({})),
                event(&c[2], "left_at_village_office", 4, json!({})),
                event(&c[3], "picked_up", 1, json!({})),
            ],
        )
        .await;
    assert!(results.iter().all(|r| r["status"] == "accepted" && r.get("code").is_none()), "{results:?}");
    let path = format!("/api/v1/couriers/{}/days/{DAY}", s.courier_id);
    let day = app.get(&path, &s.staff).await.body;
    let ids =
        |k: &str| day[k].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(day["handed_out"], 4);
    assert_eq!(ids("delivered"), [c[0].clone()]);
    assert_eq!(ids("returned"), [c[1].clone()]);
    assert_eq!(ids("left_at_village_office"), [c[2].clone()]);
    assert_eq!(ids("still_out"), [c[3].clone()]);
    assert_eq!(ids("not_taken"), [c[4].clone()]);
    assert_eq!(day["balanced"], true);
    assert_eq!(day["closed"], false);

    let closed = app.post(&format!("{path}/close"), &s.staff, json!({})).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    assert_eq!(closed.body["closed"], true);
    assert_eq!(app.status_of(&s, &c[4]).await, "printed", "a card never taken goes back to the shelf");
    assert_eq!(
        app.get("/api/v1/me/routes", &s.courier).await.body["items"],
        json!([]),
        "closed routes leave the phone"
    );
    let late = app.sync(&s.courier, vec![delivered(&c[3], 20)]).await;
    assert_eq!(late[0]["status"], "accepted", "a card still out can still be delivered");
    assert_eq!(app.status_of(&s, &c[3]).await, "delivered");
}

on_both_backends!(
    stops_can_be_added_removed_and_reordered,
    a_card_in_the_couriers_bag_cannot_be_taken_off_the_route,
    a_cancelled_route_frees_its_cards,
    closing_the_day_balances_handed_out_against_outcomes,
);
