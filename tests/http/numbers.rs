//! One number per fact: a scripted day of deliveries, failures, a drop at
//! the village office, a hold, returns received and one only declared, and
//! every screen's API asked for the same facts must give the same numbers.

use antar_shared::tally::Group;
use antar_tests::{delivered, event, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const DAY: &str = "2031-02-03";

async fn every_screen_counts_a_scripted_day_the_same_way(app: TestApp) {
    let s = app.seed(10).await;
    let c = &s.cards;
    app.route(&s, DAY, &c[..8]).await;
    let mut events: Vec<Value> = c[..7].iter().map(|card| event(card, "picked_up", 1, json!({}))).collect();
    events.extend([delivered(&c[0], 2), delivered(&c[1], 2)]);
    let failed = |card: &str, ms| event(card, "attempt_failed", ms, json!({"reason": "not_home"}));
    events.extend([failed(&c[2], 3), failed(&c[2], 4), failed(&c[2], 5), event(&c[2], "handed_back", 6, json!({}))]);
    events.extend([failed(&c[3], 3), event(&c[3], "handed_back", 6, json!({}))]);
    events.push(event(&c[4], "left_at_village_office", 3, json!({})));
    events.push(failed(&c[5], 3));
    events.push(event(&c[6], "handed_back", 6, json!({})));
    let res = app.sync(&s.courier, events).await;
    assert!(res.iter().all(|r| r["status"] == "accepted" && r.get("code").is_none()), "{res:?}");
    for card in [&c[2], &c[3]] {
        let desk = format!("/api/v1/couriers/{}/days/{DAY}/receive", s.courier_id);
        assert_eq!(app.post(&desk, &s.staff, json!({"code": card})).await.status, StatusCode::OK);
    }
    let void = json!({"kind": "void", "reason": "damaged"});
    assert_eq!(app.post(&format!("/api/v1/cards/{}/events", c[9]), &s.staff, void).await.status, StatusCode::OK);

    let day = app.get(&format!("/api/v1/couriers/{}/days/{DAY}", s.courier_id), &s.staff).await.body;
    let dash = app.get(&format!("/api/v1/dashboard?date={DAY}"), &s.staff).await.body;
    let forecast = app.get("/api/v1/forecast", &s.staff).await.body;
    let listed = |status: &'static str| {
        let (app, token) = (&app, s.staff.clone());
        async move {
            let a = app.get(&format!("/api/v1/cards?status={status}&per_page=100"), &token).await;
            assert_eq!(a.status, StatusCode::OK, "{status}: {}", a.text);
            a.body["total"].as_u64().unwrap()
        }
    };
    let in_kecamatan = |group: Group| -> u64 {
        dash["kecamatan"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|k| group.statuses().iter().map(move |st| k["counts"][st.as_str()].as_u64().unwrap_or(0)))
            .sum()
    };
    let n = |v: &Value| v.as_array().map_or_else(|| v.as_u64().unwrap(), |a| a.len() as u64);

    // The courier's day: the dashboard's row is the day report.
    let row = &dash["couriers"][0];
    for (field, want) in [
        ("handed_out", 7),
        ("delivered", 2),
        ("failed_attempts", 5),
        ("returned", 2),
        ("left_at_village_office", 1),
        ("still_out", 2),
        ("not_taken", 1),
    ] {
        assert_eq!(n(&day[field]), want, "day report {field}");
        assert_eq!(row[field].as_u64(), Some(want), "dashboard {field}");
    }
    assert_eq!(n(&day["declared_returned"]), 1, "declared, not received");

    // The office's cards: each group the same on the card list, the
    // dashboard's cards by kecamatan, the backlog and the plan's pool.
    let waiting = listed("waiting").await;
    assert_eq!(waiting, 2, "the card received back and the one never routed");
    assert_eq!(in_kecamatan(Group::Waiting), waiting);
    assert_eq!(forecast["waiting"].as_u64(), Some(waiting));
    let plan =
        app.post("/api/v1/routes/plan", &s.staff, json!({"date": "2031-02-04", "courier_ids": [s.courier_id]})).await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.text);
    let pool = plan.body["routes"].as_array().unwrap().iter().map(|r| n(&r["stops"])).sum::<u64>()
        + n(&plan.body["unassigned"]);
    assert_eq!(pool, waiting, "the plan's pool is what waits");
    let backlog = listed("backlog").await;
    assert_eq!(backlog, waiting + 3, "and what is on its way: two carried, one not taken");
    assert_eq!(in_kecamatan(Group::Backlog), backlog);
    assert_eq!(forecast["backlog"].as_u64(), Some(backlog));
    assert_eq!(listed("on_its_way").await, in_kecamatan(Group::OnItsWay));
    for (status, field) in [("returned", "returned"), ("left_at_village_office", "left_at_village_office")] {
        assert_eq!(listed(status).await, n(&day[field]), "{status} on the list and in the day");
    }
    assert_eq!(listed("returned").await, in_kecamatan(Group::Returned));
    assert_eq!(listed("delivered").await, n(&day["delivered"]));
    assert_eq!(listed("with_courier").await, n(&day["still_out"]));
    assert_eq!(listed("to_collect").await, in_kecamatan(Group::ToCollect));
    assert_eq!(listed("to_collect").await, 2, "held after the last attempt, and left at the village office");
    assert_eq!(listed("with_resident").await, in_kecamatan(Group::WithResident));
    let bad = app.get("/api/v1/cards?status=everything", &s.staff).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert_eq!(bad.body["errors"][0]["field"], "status");
}

on_both_backends!(every_screen_counts_a_scripted_day_the_same_way);
