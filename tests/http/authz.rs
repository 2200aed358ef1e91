//! Authorisation matrix: every call that takes an id, by every role, on
//! this office's objects and another office's. Staff calls are 403 for
//! couriers; another office's objects are 404 (their existence must not
//! leak); with no token, 401.

use antar_tests::{delivered, on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

async fn metro_staff(app: &TestApp) -> String {
    let pool = app.state.pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        use antar_server::db::{self, offices};
        let mut conn = pool.get().unwrap();
        let mut office = offices::first(&mut conn).unwrap().unwrap();
        office.id = db::new_id();
        office.name = "KOTA METRO".into();
        offices::insert(&mut conn, &office).unwrap();
        antar_server::bootstrap::create_user(&mut conn, &office.id, "metro", "metro-staff-password", "staff", "Metro")
            .unwrap();
    })
    .await
    .unwrap();
    app.login("metro", "metro-staff-password").await
}

async fn every_id_taking_call_is_denied_across_roles_and_offices(app: TestApp) {
    let s = app.seed(2).await;
    let admin = app.admin().await;
    let route = app.route(&s, "2026-11-23", &s.cards[..1]).await;
    let photo = antar_tests::jpeg(7);
    let sha = hex::encode(Sha256::digest(&photo));
    let put = app
        .http
        .put(format!("{}/api/v1/media/{sha}", app.base))
        .bearer_auth(&s.courier)
        .body(photo)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::CREATED);
    app.sync(&s.courier, vec![delivered(&s.cards[1], 1)]).await;
    let rejected = app.get("/api/v1/review", &s.staff).await.body["rejected"][0]["id"].as_str().unwrap().to_owned();
    let metro = metro_staff(&app).await;
    let (card, courier) = (&s.cards[0], &s.courier_id);

    // (method, path, body, allowed for the office's staff without changing anything)
    let calls: Vec<(Method, String, Value, bool)> = vec![
        (Method::GET, format!("/api/v1/cards/{card}"), Value::Null, true),
        (Method::POST, format!("/api/v1/cards/{card}/link"), json!({}), true),
        (Method::POST, format!("/api/v1/cards/{card}/events"), json!({"kind": "held_for_pickup"}), false),
        (Method::GET, format!("/api/v1/routes/{route}"), Value::Null, true),
        (Method::PUT, format!("/api/v1/routes/{route}/stops"), json!({"card_ids": [card]}), true),
        (Method::POST, format!("/api/v1/routes/{route}/cancel"), json!({}), false),
        (Method::GET, format!("/api/v1/couriers/{courier}/days/2026-11-23"), Value::Null, true),
        (Method::POST, format!("/api/v1/couriers/{courier}/days/2026-11-23/close"), json!({}), false),
        (Method::GET, format!("/api/v1/media/{sha}"), Value::Null, true),
        (Method::POST, format!("/api/v1/review/rejected/{rejected}/resolve"), json!({}), false),
    ];
    for (method, path, body, harmless) in &calls {
        let body = (!body.is_null()).then(|| body.clone());
        let call = |token: Option<&'static str>| app.call(method.clone(), path, token, body.clone());
        let leak = |t: &String| -> &'static str { Box::leak(t.clone().into_boxed_str()) };
        assert_eq!(call(None).await.status, StatusCode::UNAUTHORIZED, "{method} {path} without a token");
        assert_eq!(call(Some(leak(&s.courier))).await.status, StatusCode::FORBIDDEN, "{method} {path} as a courier");
        let other = call(Some(leak(&metro))).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "{method} {path} from another office: {}", other.text);
        if *harmless {
            for token in [&s.staff, &admin] {
                assert_eq!(call(Some(leak(token))).await.status, StatusCode::OK, "{method} {path} by the office");
            }
        }
    }
    assert_eq!(app.status_of(&s, card).await, "assigned", "no denied call changed anything");
    assert_eq!(app.get("/api/v1/review", &s.staff).await.body["rejected"].as_array().unwrap().len(), 1);

    // Couriers see cards only through their own routes.
    let (_, other_courier) = app.user("kurir2", "courier").await;
    assert_eq!(app.get("/api/v1/me/routes", &other_courier).await.body["items"], json!([]));
    let r = app.sync(&other_courier, vec![delivered(card, 3)]).await;
    assert_eq!((r[0]["status"].as_str(), r[0]["code"].as_str()), (Some("rejected"), Some("not_assigned")));
    // Staff make no users; nobody but the admin changes settings.
    let user = json!({"username": "x-user", "password": "long-enough-1", "role": "admin", "display_name": "X"});
    assert_eq!(app.post("/api/v1/users", &s.staff, user).await.status, StatusCode::FORBIDDEN);
    let settings = app.get("/api/v1/settings", &s.staff).await.body;
    assert_eq!(
        app.call(Method::PUT, "/api/v1/settings", Some(&s.staff), Some(settings)).await.status,
        StatusCode::FORBIDDEN
    );
}

on_both_backends!(every_id_taking_call_is_denied_across_roles_and_offices);
