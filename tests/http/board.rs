//! The routes board: a saved route reopened, given to another courier,
//! its stops moved to another route; one open route per courier and day,
//! which a plan extends rather than duplicates.

use antar_tests::{event, on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A day ahead of the office's today, so it can be planned.
const DAY: &str = "2031-01-15";

fn card_ids(route: &Value) -> Vec<String> {
    route["stops"].as_array().unwrap().iter().map(|s| s["card_id"].as_str().unwrap().to_owned()).collect()
}

async fn set_cap(app: &TestApp, cap: u32) {
    let admin = app.admin().await;
    let mut settings = app.get("/api/v1/settings", &admin).await.body;
    settings["max_stops_per_route"] = json!(cap);
    assert_eq!(app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await.status, StatusCode::OK);
}

async fn a_courier_has_one_open_route_a_day_and_a_plan_extends_it(app: TestApp) {
    let s = app.seed(6).await;
    let c = &s.cards;
    let route = app.route(&s, DAY, &c[..2]).await;
    let second = app
        .post("/api/v1/routes", &s.staff, json!({"courier_id": s.courier_id, "date": DAY, "card_ids": [c[2]]}))
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.text);
    assert!(second.body["detail"].as_str().unwrap().contains(&route), "the 409 names the route: {}", second.text);

    // The batch's cards share one RT, which is never split: with the saved
    // two counted, a cap of 5 leaves no room for the four, a cap of 6 does.
    let plan_with = |cap: u32| {
        let body = json!({"date": DAY, "courier_ids": [s.courier_id], "card_ids": &c[2..], "max_stops": cap});
        let (app, token) = (&app, s.staff.clone());
        async move { app.post("/api/v1/routes/plan", &token, body).await }
    };
    let tight = plan_with(5).await;
    assert_eq!(tight.status, StatusCode::OK, "{}", tight.text);
    assert_eq!(tight.body["routes"], json!([]), "{}", tight.text);
    let left: Vec<&str> =
        tight.body["unassigned"].as_array().unwrap().iter().map(|u| u["reason"].as_str().unwrap()).collect();
    assert_eq!(left, ["no_capacity"; 4], "the saved stops count against the cap");
    let plan = plan_with(6).await;
    assert_eq!(plan.body["saved_routes"], json!([{"courier_id": s.courier_id, "route_id": route, "stops": 2}]));
    let planned = &plan.body["routes"][0];
    assert_eq!(planned["route_id"], route.as_str(), "the plan extends the saved route: {}", plan.text);
    let seqs: Vec<u64> = planned["stops"].as_array().unwrap().iter().map(|s| s["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [3, 4, 5, 6], "numbered on after the saved stops");

    let new_cards: Vec<Value> = planned["stops"].as_array().unwrap().iter().map(|s| s["card_id"].clone()).collect();
    let fresh = json!({"date": DAY, "routes": [{"courier_id": s.courier_id, "card_ids": new_cards}]});
    let refused = app.post("/api/v1/routes/batch", &s.staff, fresh).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "a second route for the day: {}", refused.text);
    let extend =
        json!({"date": DAY, "routes": [{"courier_id": s.courier_id, "card_ids": new_cards, "route_id": route}]});
    let saved = app.post("/api/v1/routes/batch", &s.staff, extend).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let day = app.get(&format!("/api/v1/routes?date={DAY}"), &s.staff).await.body;
    assert_eq!(day["items"].as_array().unwrap().len(), 1, "still one route");
    assert_eq!(card_ids(&day["items"][0]), c.clone(), "the saved two, then the planned four");
}

async fn a_route_goes_to_another_courier_only_before_anything_is_picked_up(app: TestApp) {
    let s = app.seed(4).await;
    let c = &s.cards;
    let route = app.route(&s, DAY, &c[..2]).await;
    let (other_id, other) = app.user("kurir2", "courier").await;
    let (third_id, _) = app.user("kurir3", "courier").await;
    let patch = |id: &str, body: Value| {
        let path = format!("/api/v1/routes/{id}");
        let (app, token) = (&app, s.staff.clone());
        async move { app.call(Method::PATCH, &path, Some(&token), Some(body)).await }
    };

    let moved = patch(&route, json!({"courier_id": other_id})).await;
    assert_eq!(
        (moved.status, moved.body["courier_id"].as_str()),
        (StatusCode::OK, Some(other_id.as_str())),
        "{}",
        moved.text
    );
    assert_eq!(card_ids(&moved.body), &c[..2], "the same stops in the same order");
    let theirs = app.get(&format!("/api/v1/me/routes?date={DAY}"), &other).await.body;
    assert_eq!(card_ids(&theirs["items"][0]), &c[..2], "the new courier's phone has it");
    assert_eq!(app.get(&format!("/api/v1/me/routes?date={DAY}"), &s.courier).await.body["items"], json!([]));
    // The first courier's own card of a delivery now is not theirs.
    let res = app.sync(&s.courier, vec![event(&c[0], "picked_up", 1, json!({}))]).await;
    assert_eq!(res[0]["code"], "not_assigned", "{res:?}");

    let nobody = patch(&route, json!({"courier_id": "no-such-courier"})).await;
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", nobody.text);
    let busy =
        app.post("/api/v1/routes", &s.staff, json!({"courier_id": third_id, "date": DAY, "card_ids": [c[3]]})).await;
    let busy_id = busy.body["id"].as_str().unwrap().to_owned();
    let taken = patch(&route, json!({"courier_id": third_id})).await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.text);
    assert!(taken.body["detail"].as_str().unwrap().contains(&busy_id), "names that courier's route: {}", taken.text);

    app.sync(&other, vec![event(&c[1], "picked_up", 1, json!({}))]).await;
    let after = patch(&route, json!({"courier_id": s.courier_id})).await;
    assert_eq!(after.status, StatusCode::CONFLICT, "{}", after.text);
    assert!(after.body["detail"].as_str().unwrap().contains(c[1].as_str()), "names the card picked up: {}", after.text);
    let stays = app.get(&format!("/api/v1/routes/{route}"), &s.staff).await.body;
    assert_eq!(stays["courier_id"], other_id.as_str(), "a refused change changes nothing");
    let metro = app.other_office_staff().await;
    let foreign = app
        .call(Method::PATCH, &format!("/api/v1/routes/{route}"), Some(&metro), Some(json!({"courier_id": other_id})))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

async fn stops_move_to_another_route_in_one_step_within_the_cap(app: TestApp) {
    let s = app.seed(6).await;
    let c = &s.cards;
    set_cap(&app, 3).await;
    let (other_id, _) = app.user("kurir2", "courier").await;
    let a = app.route(&s, DAY, &c[..3]).await;
    let b = app
        .post("/api/v1/routes", &s.staff, json!({"courier_id": other_id, "date": DAY, "card_ids": [c[3], c[4]]}))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mv = |from: &str, cards: Value, to: &str| {
        let (path, body) = (format!("/api/v1/routes/{from}/move"), json!({"card_ids": cards, "to_route_id": to}));
        let (app, token) = (&app, s.staff.clone());
        async move { app.post(&path, &token, body).await }
    };
    let moved = mv(&a, json!([c[0]]), &b).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(card_ids(&moved.body["items"][0]), [c[1].clone(), c[2].clone()]);
    assert_eq!(moved.body["items"][0]["stops"][0]["seq"], 1, "renumbered");
    assert_eq!(card_ids(&moved.body["items"][1]), [c[3].clone(), c[4].clone(), c[0].clone()]);
    let card = app.get("/api/v1/cards?per_page=10", &s.staff).await.body;
    let on = card["items"].as_array().unwrap().iter().find(|x| x["id"] == c[0].as_str()).unwrap().clone();
    assert_eq!((on["status"].as_str(), on["courier_name"].as_str()), (Some("assigned"), Some("kurir2 Test")));

    let full = mv(&a, json!([c[1]]), &b).await;
    assert_eq!(full.status, StatusCode::CONFLICT, "the target is at the cap: {}", full.text);
    let grow = app
        .call(
            Method::PUT,
            &format!("/api/v1/routes/{b}/stops"),
            Some(&s.staff),
            Some(json!({"card_ids": [c[3], c[4], c[0], c[5]]})),
        )
        .await;
    assert_eq!(grow.status, StatusCode::CONFLICT, "a route grows past the cap: {}", grow.text);
    let stray = mv(&a, json!([c[5]]), &b).await;
    assert_eq!(stray.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", stray.text);
    app.sync(&s.courier, vec![event(&c[1], "picked_up", 1, json!({}))]).await;
    let back = mv(&b, json!([c[0]]), &a).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    let picked = mv(&a, json!([c[1]]), &b).await;
    assert_eq!(picked.status, StatusCode::CONFLICT, "a card in the bag comes back through a return: {}", picked.text);
    let removed = app
        .call(Method::PUT, &format!("/api/v1/routes/{a}/stops"), Some(&s.staff), Some(json!({"card_ids": [c[2]]})))
        .await;
    assert_eq!(removed.status, StatusCode::CONFLICT, "{}", removed.text);
    let now_a = app.get(&format!("/api/v1/routes/{a}"), &s.staff).await.body;
    assert_eq!(card_ids(&now_a), [c[1].clone(), c[2].clone(), c[0].clone()], "refusals changed nothing");
}

on_both_backends!(
    a_courier_has_one_open_route_a_day_and_a_plan_extends_it,
    a_route_goes_to_another_courier_only_before_anything_is_picked_up,
    stops_move_to_another_route_in_one_step_within_the_cap,
);
