//! The OpenAPI document: generated from the code, it names only calls that
//! exist, and each states its problem+json errors.

use antar_tests::TestApp;
use reqwest::{Method, StatusCode};

#[actix_rt::test]
async fn every_documented_call_exists_and_states_its_errors() {
    let app = TestApp::sqlite().await;
    let doc = app.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc.body["paths"].as_object().unwrap();
    for contract in [
        "/healthz",
        "/readyz",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/users",
        "/api/v1/settings",
        "/api/v1/cards/import",
        "/api/v1/cards",
        "/api/v1/cards/{id}",
        "/api/v1/cards/{id}/link",
        "/api/v1/routes",
        "/api/v1/me/routes",
        "/api/v1/me/proof",
        "/api/v1/sync",
        "/api/v1/media/{sha256}",
        "/api/v1/track/{token}",
        "/api/v1/track/{token}/confirm",
        "/api/v1/track/{token}/report",
        "/t/{token}",
    ] {
        assert!(paths.contains_key(contract), "{contract} is documented");
    }
    for (path, ops) in paths {
        let concrete = path
            .replace("{id}", "x")
            .replace("{date}", "2026-11-23")
            .replace("{sha256}", &"a".repeat(64))
            .replace("{token}", "x");
        for (method, op) in ops.as_object().unwrap() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let a = app.call(m, &concrete, None, None).await;
            assert_ne!(a.body["detail"], "API call not found", "{method} {path} is documented but not routed");
            if path.starts_with("/api/") {
                let responses = op["responses"].as_object().unwrap();
                let problem = responses
                    .iter()
                    .any(|(code, r)| code.starts_with('4') && r["content"].get("application/problem+json").is_some());
                assert!(problem, "{method} {path} states its errors");
            }
        }
    }
    // A route's status is one of its three words, and clients are told which.
    let route_status = &doc.body["components"]["schemas"]["RouteStatus"];
    assert_eq!(route_status["enum"], serde_json::json!(["open", "closed", "cancelled"]), "{route_status}");
    let docs = app.call(Method::GET, "/api/v1/docs/", None, None).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.content_type.starts_with("text/html"));
}
