//! Rate limits answer 429 with Retry-After; correct logins are never held up
//! by their own earlier typos.

use antar_tests::{on_both_backends, TestApp, ADMIN_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn failed_logins_are_limited_per_username(app: TestApp) {
    app.user("kurir1", "courier").await;
    for _ in 0..9 {
        assert_eq!(app.login_pair("admin", "wrong-password").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        app.login_pair("admin", ADMIN_PASSWORD).await.status,
        StatusCode::OK,
        "a correct login clears the count"
    );
    for _ in 0..10 {
        assert_eq!(app.login_pair("admin", "wrong-password").await.status, StatusCode::UNAUTHORIZED);
    }
    let locked = app.login_pair("admin", ADMIN_PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.content_type, "application/problem+json");
    let wait: u64 = locked.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    assert_eq!(
        app.login_pair("kurir1", "kurir1-password-1").await.status,
        StatusCode::OK,
        "other users at the same address log in"
    );
}

async fn resident_links_are_limited_per_address(app: TestApp) {
    let s = app.seed(1).await;
    let url = app.post(&format!("/api/v1/cards/{}/link", s.cards[0]), &s.staff, json!({})).await.body["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = url.rsplit('/').next().unwrap().to_owned();
    for _ in 0..60 {
        assert_eq!(app.call(Method::GET, &format!("/api/v1/track/{token}"), None, None).await.status, StatusCode::OK);
    }
    let a = app.call(Method::GET, &format!("/api/v1/track/{token}"), None, None).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(a.headers.contains_key("retry-after"));
    let page = app.call(Method::GET, &format!("/t/{token}"), None, None).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.content_type.starts_with("text/html"));
    assert_eq!(app.get("/api/v1/cards", &s.staff).await.status, StatusCode::OK, "staff calls are not counted");
}

on_both_backends!(failed_logins_are_limited_per_username, resident_links_are_limited_per_address);
