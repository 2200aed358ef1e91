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

async fn login_with_cookie(app: &TestApp, cookie: Option<&str>, username: &str, password: &str) -> reqwest::Response {
    let mut req = app
        .http
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"username": username, "password": password}));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.unwrap()
}

/// OWASP's device cookies: guessing a courier's password from elsewhere
/// (or a whole office's failures behind one address) never locks out the
/// courier's own phone; only failures from that phone count against it.
async fn a_known_device_is_never_locked_out_by_others_guessing(app: TestApp) {
    app.user("kurir1", "courier").await;
    let first = login_with_cookie(&app, None, "kurir1", "kurir1-password-1").await;
    assert_eq!(first.status(), StatusCode::OK);
    let set = first.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attr in ["antar_device=", "HttpOnly", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(set.contains(attr), "{attr} in {set}");
    }
    let phone = set.split(';').next().unwrap().to_owned();

    // A stranger guesses: the username is locked for unknown devices…
    for _ in 0..10 {
        assert_eq!(app.login_pair("kurir1", "guess").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.login_pair("kurir1", "kurir1-password-1").await.status, StatusCode::TOO_MANY_REQUESTS);
    // …and the whole address is exhausted by failures for other names.
    for i in 0..100 {
        app.login_pair(&format!("nobody{i}"), "guess").await;
    }
    assert_eq!(app.login_pair("admin", ADMIN_PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    // The courier's phone still gets in, at once.
    let mine = login_with_cookie(&app, Some(&phone), "kurir1", "kurir1-password-1").await;
    assert_eq!(mine.status(), StatusCode::OK);
    // A cookie vouches only for the user it was made for.
    let other = login_with_cookie(&app, Some(&phone), "admin", ADMIN_PASSWORD).await;
    assert_eq!(other.status(), StatusCode::TOO_MANY_REQUESTS);
    // Guessing from the phone itself uses up the phone's own allowance.
    for _ in 0..10 {
        assert_eq!(login_with_cookie(&app, Some(&phone), "kurir1", "guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    let spent = login_with_cookie(&app, Some(&phone), "kurir1", "kurir1-password-1").await;
    assert_eq!(spent.status(), StatusCode::TOO_MANY_REQUESTS, "the cookie no longer vouches");
}

on_both_backends!(
    failed_logins_are_limited_per_username,
    resident_links_are_limited_per_address,
    a_known_device_is_never_locked_out_by_others_guessing
);
