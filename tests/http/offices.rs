//! One installation, many offices: no call crosses from one to another.

use antar_tests::{batch_csv, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn staff_never_see_another_offices_cards_or_couriers(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let (courier_id, _) = app.user("kurir1", "courier").await;
    app.post_csv("/api/v1/cards/import", &staff, batch_csv(3, ',')).await;
    let card = app.get("/api/v1/cards", &staff).await.body["items"][0]["id"].as_str().unwrap().to_owned();

    let metro = app.other_office_staff().await;
    assert_eq!(app.get("/api/v1/cards", &metro).await.body["total"], 0);
    assert_eq!(app.get(&format!("/api/v1/cards/{card}"), &metro).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post(&format!("/api/v1/cards/{card}/link"), &metro, json!({})).await.status, StatusCode::NOT_FOUND);
    let users = app.get("/api/v1/users", &metro).await.body;
    assert_eq!(users["items"].as_array().unwrap().len(), 1, "only its own staff: {users}");
    let route = app
        .post("/api/v1/routes", &metro, json!({"courier_id": courier_id, "date": "2026-11-23", "card_ids": [card]}))
        .await;
    assert_eq!(route.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(route.body["errors"][0]["field"], "courier_id");
    assert_eq!(app.get("/api/v1/settings", &metro).await.body["office_name"], "KOTA METRO");
    // The same NIKs are free in the other office: offices are separate registers.
    let a = app.post_csv("/api/v1/cards/import", &metro, batch_csv(3, ',')).await;
    assert_eq!(a.body["imported"], 3);
}

on_both_backends!(staff_never_see_another_offices_cards_or_couriers);
