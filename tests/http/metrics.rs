//! `GET /metrics`: what an operator's Prometheus scrapes.

use antar_tests::gateway::{Gateway, Reply};
use antar_tests::{event, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// The scrape's text, after checking it is OpenMetrics.
async fn scrape(app: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let mut req = app.http.get(format!("{}/metrics", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    if status == StatusCode::OK {
        let kind = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    }
    (status, res.text().await.unwrap())
}

/// The value of one series (its name and labels exactly as written).
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn requests_are_counted_by_route_pattern_and_sync_events_by_outcome(app: TestApp) {
    let s = app.seed(3).await;
    app.route(&s, "2026-12-01", &s.cards).await;
    let batch = vec![event(&s.cards[0], "picked_up", 1, json!({})), antar_tests::delivered(&s.cards[0], 2)];
    app.sync(&s.courier, batch.clone()).await;
    app.sync(&s.courier, batch).await;
    let card = app.get(&format!("/api/v1/cards/{}", s.cards[1]), &s.staff).await;
    assert_eq!(card.status, StatusCode::OK);

    let (status, text) = scrape(&app, None).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(value(&text, r#"antar_sync_events_total{outcome="accepted"}"#), 2.0);
    assert_eq!(value(&text, r#"antar_sync_events_total{outcome="duplicate"}"#), 2.0);
    assert_eq!(value(&text, "antar_sync_batches_total"), 2.0);
    assert_eq!(value(&text, r#"antar_import_rows_total{outcome="imported"}"#), 3.0);
    let by_pattern = r#"antar_http_requests_total{method="GET",route="/api/v1/cards/{id}",status="200"}"#;
    assert_eq!(value(&text, by_pattern), 1.0);
    assert_eq!(value(&text, r#"antar_http_requests_total{method="POST",route="/api/v1/sync",status="200"}"#), 2.0);
    let latency = r#"antar_http_request_duration_seconds_count{method="POST",route="/api/v1/sync"}"#;
    assert_eq!(value(&text, latency), 2.0);
    assert!(!text.contains(&s.cards[1]), "never a raw path: ids stay out of the labels");
    assert!(value(&text, "antar_db_pool_wait_seconds_count") > 0.0);
    assert_eq!(value(&text, "antar_outbox_pending"), 0.0);
    assert!(text.trim_end().ends_with("# EOF"));
}

async fn the_outbox_gauges_show_a_message_the_gateway_keeps_refusing(app: TestApp) {
    let gateway = Gateway::start(vec![Reply::Status(503); 50]).await;
    gateway.serve(&app, "webhook", json!({})).await;
    let s = app.seed(1).await;
    app.route(&s, "2026-12-01", &s.cards).await;
    gateway.wait_for(2, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (_, text) = scrape(&app, None).await;
    assert_eq!(value(&text, "antar_outbox_pending"), 1.0, "the route's message waits");
    assert!(value(&text, "antar_outbox_oldest_pending_seconds") > 0.0);
    assert!(value(&text, r#"antar_messages_total{outcome="retry"}"#) >= 2.0);
}

on_both_backends!(
    requests_are_counted_by_route_pattern_and_sync_events_by_outcome,
    the_outbox_gauges_show_a_message_the_gateway_keeps_refusing,
);

#[actix_rt::test]
async fn with_a_metrics_token_only_the_scraper_holding_it_is_answered() {
    let app = TestApp::start(|c| c.metrics_token = Some("scrape-token-for-prometheus".into())).await;
    let (status, text) = scrape(&app, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");
    assert!(text.contains("ANTAR_METRICS_TOKEN"), "{text}");
    assert_eq!(scrape(&app, Some("a-wrong-token")).await.0, StatusCode::UNAUTHORIZED);
    let (status, text) = scrape(&app, Some("scrape-token-for-prometheus")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("antar_http_requests_total"), "{text}");
}
