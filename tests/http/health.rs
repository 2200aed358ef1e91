use antar_tests::{on_both_backends, TestApp};
use reqwest::{Method, StatusCode};

async fn readyz_answers_when_the_database_does(app: TestApp) {
    let a = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    let a = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["database"], app.state.backend.name());
    assert!(a.headers.contains_key("x-request-id"));
}

async fn unknown_api_paths_answer_problem_json(app: TestApp) {
    let a = app.call(Method::GET, "/api/v1/nothing-here", None, None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.content_type, "application/problem+json");
    assert_eq!(a.body["status"], 404);
}

/// While PostgreSQL refuses connections (a restart), calls answer 503 with
/// `Retry-After` — the phone's cue to retry — and `/readyz` is not ready;
/// when it is back, the same sync goes through.
#[actix_rt::test]
async fn a_database_outage_answers_503_with_retry_after() {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let Some(app) = TestApp::postgres().await else { return };
    let s = app.seed(1).await;
    app.route(&s, "2026-11-23", &s.cards).await;
    let url = app.state.config.database_url();
    let (cluster, name) = url.rsplit_once('/').unwrap();
    let mut admin = PgConnection::establish(&format!("{cluster}/postgres")).unwrap();
    let mut set_open = |open: bool| {
        diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {open}")).execute(&mut admin).unwrap();
        if !open {
            diesel::sql_query(format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .execute(&mut admin)
            .unwrap();
        }
    };
    set_open(false);
    let batch = serde_json::json!({"device_id": "p", "sent_at": chrono::Utc::now().to_rfc3339(),
        "events": [antar_tests::delivered(&s.cards[0], 1)]});
    let down = app.post("/api/v1/sync", &s.courier, batch.clone()).await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE, "{}", down.text);
    assert_eq!(down.headers["retry-after"], "5");
    assert_eq!(down.content_type, "application/problem+json");
    assert_eq!(app.call(Method::GET, "/readyz", None, None).await.status, StatusCode::SERVICE_UNAVAILABLE);
    set_open(true);
    let up = app.post("/api/v1/sync", &s.courier, batch).await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);
    assert_eq!(up.body["results"][0]["status"], "accepted");
}

/// Every answer says its type is not to be sniffed; the apps' pages and the
/// resident's page carry a Content-Security-Policy and may not be framed.
async fn answers_carry_the_security_headers(app: TestApp) {
    for path in ["/healthz", "/api/v1/nothing-here", "/api/v1/openapi.json"] {
        let a = app.call(Method::GET, path, None, None).await;
        assert_eq!(a.headers["x-content-type-options"], "nosniff", "{path}");
    }
    let s = app.seed(1).await;
    let link = app.post(&format!("/api/v1/cards/{}/link", s.cards[0]), &s.staff, serde_json::json!({})).await;
    let token = link.body["url"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let page = app.call(Method::GET, &format!("/t/{token}"), None, None).await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"), "{csp}");
    let app_page = app.call(Method::GET, "/", None, None).await;
    if app_page.status == StatusCode::OK {
        let csp = app_page.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'sha256-"), "{csp}");
    }
}

/// A path answers only the methods it documents: any other is 405 with
/// `Allow`, never the app's page or a 200.
async fn other_methods_answer_405_with_allow(app: TestApp) {
    for (method, path, allow) in [
        (Method::DELETE, "/healthz", "GET"),
        (Method::TRACE, "/readyz", "GET"),
        (Method::DELETE, "/t/some-token", "GET"),
        (Method::GET, "/t/some-token/confirm", "POST"),
        (Method::PUT, "/api/v1/cards", "GET"),
        (Method::DELETE, "/api/v1/users", "POST, GET"),
        (Method::PATCH, "/api/v1/media/abc", "PUT, GET"),
        (Method::POST, "/", "GET, HEAD"),
    ] {
        let a = app.call(method.clone(), path, None, None).await;
        assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: {}", a.text);
        assert_eq!(a.headers["allow"], allow, "{method} {path}");
        assert_eq!(a.content_type, "application/problem+json");
    }
}

on_both_backends!(
    other_methods_answer_405_with_allow,
    readyz_answers_when_the_database_does,
    unknown_api_paths_answer_problem_json,
    answers_carry_the_security_headers
);
