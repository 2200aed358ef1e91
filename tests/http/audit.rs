//! The audit trail: every staff and admin action leaves a record, chained
//! by hash per office; an edited or deleted record is found and named.

use antar_tests::{delivered, event, on_both_backends, TestApp};
use diesel::RunQueryDsl;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn sql(app: &TestApp, statement: &str) {
    let mut conn = app.state.pool.get().unwrap();
    diesel::sql_query(statement).execute(&mut *conn).unwrap();
}

async fn every_staff_and_admin_action_is_recorded_in_order_and_the_chain_checks(app: TestApp) {
    let s = app.seed(3).await;
    let admin = app.admin().await;
    let mut settings = app.get("/api/v1/settings", &admin).await.body;
    settings["max_stops_per_route"] = json!(42);
    assert_eq!(app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await.status, StatusCode::OK);
    let route = app.route(&s, "2026-11-23", &s.cards[..2]).await;
    app.sync(&s.courier, vec![event(&s.cards[0], "picked_up", 1, json!({})), delivered(&s.cards[0], 2)]).await;
    let link = app.post(&format!("/api/v1/cards/{}/link", s.cards[0]), &s.staff, json!({})).await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.text);
    let void = app
        .post(&format!("/api/v1/cards/{}/events", s.cards[2]), &s.staff, json!({"kind": "void", "reason": "damaged"}))
        .await;
    assert_eq!(void.status, StatusCode::OK, "{}", void.text);
    let close = format!("/api/v1/couriers/{}/days/2026-11-23/close", s.courier_id);
    assert_eq!(app.post(&close, &s.staff, json!({})).await.status, StatusCode::OK);
    let refused = app.post(&close, &s.staff, json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "a refused action leaves no record");

    let trail = app.get("/api/v1/audit?per_page=100", &admin).await;
    assert_eq!(trail.status, StatusCode::OK, "{}", trail.text);
    let items = trail.body["items"].as_array().unwrap();
    let actions: Vec<&str> = items.iter().rev().map(|i| i["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.create",
            "cards.import",
            "settings.change",
            "route.create",
            "card.link",
            "card.void",
            "day.close"
        ],
        "oldest first here; the API lists newest first"
    );
    let seqs: Vec<i64> = items.iter().map(|i| i["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=8).rev().collect::<Vec<i64>>());
    let by = |action: &str| items.iter().find(|i| i["action"] == action).unwrap().clone();
    assert_eq!(by("route.create")["target"], format!("route:{route}"));
    // What an entry acted on, by the names a person knows.
    assert_eq!(by("route.create")["target_name"], "kurir1 Test, 2026-11-23");
    assert_eq!(by("day.close")["target_name"], "kurir1 Test, 2026-11-23");
    assert_eq!(by("user.create")["target_name"].as_str().map(|n| n.ends_with(" Test")), Some(true));
    assert_eq!(by("card.void")["target_name"].as_str().map(|n| n.starts_with("WARGA UJI")), Some(true));
    assert_eq!(by("settings.change").get("target_name"), None, "settings name themselves");
    assert_eq!(by("card.void")["detail"]["reason"], "damaged");
    assert_eq!(by("settings.change")["detail"]["max_stops_per_route"], 42);
    assert_eq!(by("day.close")["actor_name"], "petugas1 Test");
    assert_eq!(by("cards.import")["detail"]["imported"], 3);
    let whole = trail.text.clone();
    let token = link.body["url"].as_str().unwrap().rsplit('/').next().unwrap();
    assert!(!whole.contains(token), "never the link's token");
    assert!(!whole.contains("password-1"), "never a password");
    let nik =
        app.get(&format!("/api/v1/cards/{}", s.cards[0]), &s.staff).await.body["nik"].as_str().unwrap().to_owned();
    assert!(!whole.contains(&nik), "never a NIK");
    let check = app.get("/api/v1/audit/verify", &admin).await.body;
    assert_eq!(check, json!({"intact": true, "records": 8, "problem": null}));
    assert_eq!(app.get("/api/v1/audit", &s.staff).await.status, StatusCode::FORBIDDEN, "admins read the trail");

    // Someone edits record 5 in the database: the check names it.
    sql(&app, "UPDATE audit_log SET detail = '{\"cards\": 99}' WHERE seq = 5");
    let check = app.get("/api/v1/audit/verify", &admin).await.body;
    assert_eq!(check["intact"], false);
    assert!(check["problem"].as_str().unwrap().starts_with("record 5 "), "{check}");
}

async fn a_deleted_record_or_a_cut_tail_is_found(app: TestApp) {
    let admin = app.admin().await;
    for name in ["kurir1", "kurir2", "kurir3", "kurir4"] {
        app.user(name, "courier").await;
    }
    assert_eq!(app.get("/api/v1/audit/verify", &admin).await.body["records"], 4);
    sql(&app, "DELETE FROM audit_log WHERE seq = 4");
    let check = app.get("/api/v1/audit/verify", &admin).await.body;
    assert_eq!(check["problem"], "the chain ends at record 3 but its head says 4: records were cut from its end");
    sql(&app, "DELETE FROM audit_log WHERE seq = 2");
    let check = app.get("/api/v1/audit/verify", &admin).await.body;
    assert_eq!(check["problem"], "record 2 is missing: it was deleted");
}

/// Several desks acting at once: each action's rows (a user, a route)
/// point at the office, and the audit record locks the office's row. Every
/// action succeeds, and the chain holds them all in one order.
async fn actions_at_once_are_all_recorded_without_a_deadlock(app: TestApp) {
    let admin = app.admin().await;
    let created = futures_util::future::join_all((0..16).map(|i| {
        let body = json!({"username": format!("kurir{i}"), "password": "kurir-password-1", "role": "courier", "display_name": "Kurir"});
        app.post("/api/v1/users", &admin, body)
    }))
    .await;
    for (i, a) in created.iter().enumerate() {
        assert_eq!(a.status, StatusCode::CREATED, "user {i}: {}", a.text);
    }
    let check = app.get("/api/v1/audit/verify", &admin).await.body;
    assert_eq!(check["records"], 16, "{check}");
}

on_both_backends!(
    every_staff_and_admin_action_is_recorded_in_order_and_the_chain_checks,
    a_deleted_record_or_a_cut_tail_is_found,
    actions_at_once_are_all_recorded_without_a_deadlock,
);
