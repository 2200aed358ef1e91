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
    let other = app
        .post("/api/v1/routes", &s.staff, json!({"courier_id": s.courier_id, "date": "2026-11-24", "card_ids": [b]}))
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "the removed card is free for another route");
    let listed = app.get(&format!("/api/v1/routes?courier_id={}", s.courier_id), &s.staff).await.body;
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
    // An earlier app's "returned to the office" is the courier's word only:
    // the card is still theirs, declared returned, until staff receive it.
    assert_eq!(ids("returned"), Vec::<String>::new());
    assert_eq!(ids("still_out"), [c[1].clone(), c[3].clone()]);
    assert_eq!(ids("declared_returned"), [c[1].clone()]);
    assert_eq!(ids("left_at_village_office"), [c[2].clone()]);
    assert_eq!(ids("not_taken"), [c[4].clone()]);
    assert_eq!(day["balanced"], true);
    assert_eq!(app.status_of(&s, &c[1]).await, "with_courier");
    let received = app.post(&format!("{path}/receive"), &s.staff, json!({"code": format!("/s/{}", c[1])})).await;
    assert_eq!(received.status, StatusCode::OK, "{}", received.text);
    let day = app.get(&path, &s.staff).await.body;
    let ids =
        |k: &str| day[k].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids("returned"), [c[1].clone()], "received at the desk");
    assert_eq!(ids("still_out"), [c[3].clone()]);
    assert_eq!(ids("declared_returned"), Vec::<String>::new());
    assert_eq!(day["balanced"], true);
    assert_eq!(day["closed"], false);

    // The courier hands back nothing: c[3] stays in the bag.
    let closed = app.post(&format!("{path}/close"), &s.staff, json!({"returned_card_ids": []})).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    assert_eq!(closed.body["closed"], true);
    assert_eq!(app.get(&path, &s.staff).await.body["closed"], true, "the day reads as closed afterwards");
    assert_eq!(closed.body["discrepancy"], true, "a card not handed back is a discrepancy");
    let closed_ids = |k: &str| {
        closed.body[k].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(closed_ids("not_taken"), [c[4].clone()], "the closed report still shows the card never taken");
    assert_eq!(closed_ids("other"), Vec::<String>::new());
    assert_eq!((closed.body["handed_out"].as_u64(), closed.body["balanced"].as_bool()), (Some(4), Some(true)));
    assert_eq!(app.status_of(&s, &c[4]).await, "printed", "a card never taken goes back to the shelf");
    let phone = app.get("/api/v1/me/routes", &s.courier).await.body;
    let on_phone: Vec<&str> = phone["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap())
        .map(|s| s["card_id"].as_str().unwrap())
        .collect();
    assert_eq!(on_phone, [c[3].as_str()], "the phone keeps only the card still carried");
    let late = app.sync(&s.courier, vec![delivered(&c[3], 20)]).await;
    assert_eq!(late[0]["status"], "accepted", "a card still out can still be delivered");
    assert_eq!(app.status_of(&s, &c[3]).await, "delivered");
}

/// A closed day's report is the handover record: what happens to its cards
/// after the close does not rewrite it, but what happened before the close
/// and reached the server late (an offline phone) is counted.
async fn a_closed_days_report_counts_the_log_up_to_the_close(app: TestApp) {
    let s = app.seed(3).await;
    let c = &s.cards;
    app.route(&s, DAY, c).await;
    let picked_at = chrono::Utc::now();
    let at = |ms: i64| (picked_at + chrono::Duration::milliseconds(ms)).to_rfc3339();
    let ev = |card: &str, kind: &str, ms: i64, payload: serde_json::Value| json!({"id": uuid::Uuid::new_v4().to_string(), "card_id": card, "kind": kind, "occurred_at": at(ms), "payload": payload});
    let res = app
        .sync(
            &s.courier,
            vec![
                ev(&c[0], "picked_up", 0, json!({})),
                ev(&c[1], "picked_up", 0, json!({})),
                ev(&c[1], "returned_to_office", 5, json!({})),
                ev(&c[2], "picked_up", 0, json!({})),
            ],
        )
        .await;
    assert!(res.iter().all(|r| r["status"] == "accepted" && r.get("code").is_none()), "{res:?}");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let path = format!("/api/v1/couriers/{}/days/{DAY}", s.courier_id);
    // The courier's claim on c[1] is received by the officer's tick.
    let closed = app.post(&format!("{path}/close"), &s.staff, json!({"returned_card_ids": [c[1]]})).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    let ids = |day: &serde_json::Value, k: &str| {
        day[k].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&closed.body, "still_out"), [c[0].clone(), c[2].clone()]);
    assert_eq!(ids(&closed.body, "returned"), [c[1].clone()]);

    // Delivered before the close, synced after it: the day counts it.
    let late = app
        .sync(
            &s.courier,
            vec![ev(&c[0], "delivered", 10, json!({"recipient_name": "Penerima", "recipient_relation": "self"}))],
        )
        .await;
    assert_eq!(late[0]["status"], "accepted", "{late:?}");
    // After the close: c[2] delivered the next morning, c[1] sent out again on a new route.
    app.sync(&s.courier, vec![delivered(&c[2], 5)]).await;
    app.route(&s, "2026-11-24", &[c[1].clone()]).await;
    app.sync(&s.courier, vec![event(&c[1], "picked_up", 6, json!({})), delivered(&c[1], 7)]).await;
    assert_eq!(app.status_of(&s, &c[1]).await, "delivered");

    let day = app.get(&path, &s.staff).await.body;
    assert_eq!(ids(&day, "delivered"), [c[0].clone()], "delivered before the close, counted however late it came");
    assert_eq!(ids(&day, "still_out"), [c[2].clone()], "still out when the day closed");
    assert_eq!(ids(&day, "returned"), [c[1].clone()], "returned that day, whatever happened to it since");
    assert_eq!(day["returned"][0]["status"], "returned_to_office", "each card as it stood at the close");
    assert_eq!((day["handed_out"].as_u64(), day["balanced"].as_bool()), (Some(3), Some(true)));
}

/// The close receives the cards the courier hands back: each is recorded
/// as returned by the receiving staff member, the report balances with
/// nothing still out, and a second close is refused.
async fn closing_the_day_receives_the_cards_handed_back(app: TestApp) {
    let s = app.seed(4).await;
    let c = &s.cards;
    app.route(&s, DAY, c).await;
    let picked: Vec<_> = c.iter().map(|card| event(card, "picked_up", 1, json!({}))).collect();
    app.sync(&s.courier, picked).await;
    app.sync(&s.courier, vec![delivered(&c[0], 2)]).await;
    let path = format!("/api/v1/couriers/{}/days/{DAY}", s.courier_id);
    let stray = app.post(&format!("{path}/close"), &s.staff, json!({"returned_card_ids": [c[0]]})).await;
    assert_eq!(
        stray.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a delivered card cannot be handed back: {}",
        stray.text
    );
    assert_eq!(stray.body["errors"][0]["field"], "returned_card_ids");
    assert_eq!(app.get(&path, &s.staff).await.body["closed"], false, "a refused close changes nothing");

    let closed = app.post(&format!("{path}/close"), &s.staff, json!({"returned_card_ids": [c[1], c[2]]})).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    let ids = |day: &serde_json::Value, k: &str| {
        day[k].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&closed.body, "returned"), [c[1].clone(), c[2].clone()]);
    assert_eq!(ids(&closed.body, "still_out"), [c[3].clone()]);
    assert_eq!((closed.body["balanced"].as_bool(), closed.body["discrepancy"].as_bool()), (Some(true), Some(true)));
    let staff_id = app.get("/api/v1/users?role=staff", &s.staff).await.body["items"][0]["id"].clone();
    let card = app.get(&format!("/api/v1/cards/{}", c[1]), &s.staff).await.body;
    let back = card["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((back["kind"].as_str(), &back["actor"]), (Some("returned_to_office"), &staff_id), "received by staff");
    assert_eq!(back["payload"]["received_from"], s.courier_id.as_str());
    assert_eq!(card["status"], "returned_to_office");

    let again = app.post(&format!("{path}/close"), &s.staff, json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    // The card kept back is handed in later at the desk; the report stays as closed.
    let desk =
        app.post(&format!("/api/v1/cards/{}/events", c[3]), &s.staff, json!({"kind": "returned_to_office"})).await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.text);
    assert_eq!(desk.body["status"], "returned_to_office");
    let refused =
        app.post(&format!("/api/v1/cards/{}/events", c[3]), &s.staff, json!({"kind": "returned_to_office"})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "only a card a courier carries can be received back");
    assert_eq!(app.get("/api/v1/me/routes", &s.courier).await.body["items"], json!([]), "nothing left on the phone");
    assert_eq!(ids(&app.get(&path, &s.staff).await.body, "still_out"), [c[3].clone()], "the closed report stands");

    // Omitting the list receives every card still out.
    let s2 = (app.user("kurir9", "courier").await, "2026-11-24");
    let r =
        app.post("/api/v1/routes", &s.staff, json!({"courier_id": s2.0 .0, "date": s2.1, "card_ids": [c[1]]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    app.sync(&s2.0 .1, vec![event(&c[1], "picked_up", 3, json!({}))]).await;
    let all = app.post(&format!("/api/v1/couriers/{}/days/{}/close", s2.0 .0, s2.1), &s.staff, json!({})).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(ids(&all.body, "returned"), [c[1].clone()]);
    assert_eq!((all.body["still_out"].as_array().unwrap().len(), all.body["discrepancy"].as_bool()), (0, Some(false)));
}

on_both_backends!(
    closing_the_day_receives_the_cards_handed_back,
    stops_can_be_added_removed_and_reordered,
    a_card_in_the_couriers_bag_cannot_be_taken_off_the_route,
    a_cancelled_route_frees_its_cards,
    closing_the_day_balances_handed_out_against_outcomes,
    a_closed_days_report_counts_the_log_up_to_the_close,
);
