//! The dashboard and the backlog forecast.

use antar_tests::{delivered, event, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::json;

const DAY: &str = "2026-11-23";

async fn the_dashboard_counts_each_couriers_day_and_the_cards_by_kecamatan(app: TestApp) {
    let s = app.seed(5).await;
    let c = &s.cards;
    app.route(&s, DAY, c).await;
    let before = app.get(&format!("/api/v1/dashboard?date={DAY}"), &s.staff).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert_eq!(before.body["couriers"][0]["not_taken"], 5);
    assert_eq!(before.body["couriers"][0]["last_sync_at"], json!(null), "never synced");
    let picked: Vec<_> = c[..4].iter().map(|card| event(card, "picked_up", 1, json!({}))).collect();
    app.sync(&s.courier, picked).await;
    let res = app
        .sync(
            &s.courier,
            vec![
                delivered(&c[0], 2),
                event(&c[1], "attempt_failed", 3, json!({"reason": "not_home"})),
                event(&c[2], "left_at_village_office", 4, json!({})),
                event(&c[3], "handed_back", 5, json!({})),
            ],
        )
        .await;
    assert!(res.iter().all(|r| r["status"] == "accepted" && r.get("code").is_none()), "{res:?}");
    // The courier's word, then the officer's scan: returned.
    let desk = format!("/api/v1/couriers/{}/days/{DAY}/receive", s.courier_id);
    assert_eq!(app.post(&desk, &s.staff, json!({"code": c[3]})).await.status, StatusCode::OK);

    let dash = app.get(&format!("/api/v1/dashboard?date={DAY}"), &s.staff).await.body;
    let row = &dash["couriers"][0];
    assert_eq!(dash["couriers"].as_array().unwrap().len(), 1);
    assert_eq!(row["courier_id"], s.courier_id.as_str());
    assert_eq!(row["display_name"], "kurir1 Test");
    let counts: Vec<u64> =
        ["handed_out", "delivered", "failed_attempts", "returned", "left_at_village_office", "still_out", "not_taken"]
            .iter()
            .map(|k| row[k].as_u64().unwrap())
            .collect();
    assert_eq!(counts, [4, 1, 1, 1, 1, 1, 1]);
    let synced = chrono::DateTime::parse_from_rfc3339(row["last_sync_at"].as_str().unwrap()).unwrap();
    assert!((chrono::Utc::now() - synced.to_utc()).num_seconds().abs() < 60, "the last sync is the one just made");
    assert_eq!(row["quiet"], false, "a past day is nobody's silence");
    assert_eq!(
        dash["kecamatan"],
        json!([{"kecamatan": "RAJABASA", "counts": {
            "assigned": 1, "delivered": 1, "left_at_village_office": 1, "returned_to_office": 1, "with_courier": 1
        }}])
    );
    let other_day = app.get("/api/v1/dashboard?date=2026-11-24", &s.staff).await.body;
    assert_eq!(other_day["couriers"], json!([]), "no route that day");

    let bad = app.get("/api/v1/dashboard?date=23-11-2026", &s.staff).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert_eq!(bad.body["errors"][0]["field"], "date");
    assert_eq!(app.get("/api/v1/dashboard", &s.courier).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/forecast", &s.courier).await.status, StatusCode::FORBIDDEN);
}

/// Four cards printed long ago, one three days ago; three delivered today.
/// Over four weeks that is 3 delivered and 1 printed: the two cards left
/// clear in 2 / (2/28) = 28 days; printing 250 a day, never.
async fn the_forecast_projects_when_the_backlog_clears(app: TestApp) {
    let (_, staff) = app.user("petugas1", "staff").await;
    let (courier_id, courier) = app.user("kurir1", "courier").await;
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    let recent = (today - chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
    let mut csv = String::from("NIK,NAMA,ALAMAT,KELURAHAN,KECAMATAN,TANGGAL_CETAK\n");
    for i in 0..5 {
        let printed = if i < 4 { "2025-01-15" } else { recent.as_str() };
        csv.push_str(&format!("187101010190{:04},WARGA {i},JL. MELATI {i},RAJABASA,RAJABASA,{printed}\n", i + 1));
    }
    let imported = app.post_csv("/api/v1/cards/import", &staff, csv).await;
    assert_eq!(imported.body["imported"], 5, "{}", imported.text);
    let page = app.get("/api/v1/cards?per_page=10", &staff).await.body;
    let mut old: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["printed_on"] == "2025-01-15")
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    old.sort();
    let r = app
        .post(
            "/api/v1/routes",
            &staff,
            json!({"courier_id": courier_id, "date": today.format("%Y-%m-%d").to_string(), "card_ids": old[..3]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let mut events: Vec<_> = old[..3].iter().map(|card| event(card, "picked_up", 1, json!({}))).collect();
    events.extend(old[..3].iter().map(|card| delivered(card, 2)));
    app.sync(&courier, events).await;

    let f = app.get("/api/v1/forecast", &staff).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text);
    let f = f.body;
    assert_eq!((f["waiting"].as_i64(), f["backlog"].as_i64()), (Some(2), Some(2)));
    let series = |k: &str| -> Vec<(String, i64)> {
        f[k].as_array()
            .unwrap()
            .iter()
            .map(|d| (d["date"].as_str().unwrap().to_owned(), d["n"].as_i64().unwrap()))
            .collect()
    };
    let delivered = series("delivered_per_day");
    let printed = series("printed_per_day");
    assert_eq!((delivered.len(), printed.len()), (28, 28));
    assert_eq!(delivered.last().unwrap(), &(today.format("%Y-%m-%d").to_string(), 3));
    assert_eq!(delivered.iter().map(|d| d.1).sum::<i64>(), 3);
    assert_eq!(printed.iter().filter(|d| d.1 > 0).collect::<Vec<_>>(), [&(recent.clone(), 1)], "by print date");
    let expected = (today + chrono::Duration::days(28)).format("%Y-%m-%d").to_string();
    assert_eq!(f["clears_on"]["current_rate"], expected.as_str());
    assert_eq!(f["clears_on"]["at_250"], json!(null), "printing 250 a day outpaces 3 deliveries in 4 weeks");
    // What the office controls: its one courier, then two and five more,
    // each at 40 stops and 50; every card handed out was delivered.
    let grid: Vec<(i64, i64, f64)> = f["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["couriers"].as_i64().unwrap(), s["stops_per_courier"].as_i64().unwrap(), s["per_day"].as_f64().unwrap())
        })
        .collect();
    assert_eq!(grid, [(1, 40, 40.0), (1, 50, 50.0), (3, 40, 120.0), (3, 50, 150.0), (6, 40, 240.0), (6, 50, 300.0)]);
    assert_eq!(f["scenarios"][0]["clears_on"], (today + chrono::Duration::days(1)).format("%Y-%m-%d").to_string());
}

on_both_backends!(
    the_dashboard_counts_each_couriers_day_and_the_cards_by_kecamatan,
    the_forecast_projects_when_the_backlog_clears,
);
