use antar_tests::{on_both_backends, TestApp, ADMIN_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn wrong_password_is_401_problem_json(app: TestApp) {
    let a = app.login_pair("admin", "not-the-password").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.content_type, "application/problem+json");
    assert_eq!(a.body["code"], "unauthorized");
    let a = app.login_pair("nobody", "whatever-password").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

async fn login_returns_tokens_and_the_user(app: TestApp) {
    let a = app.login_pair("admin", ADMIN_PASSWORD).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["user"]["username"], "admin");
    assert_eq!(a.body["user"]["role"], "admin");
    assert_eq!(a.body["expires_in"], 900);
    assert!(a.body["refresh_token"].as_str().unwrap().len() > 40);
}

async fn malformed_json_names_the_field(app: TestApp) {
    let a = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin"}))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.content_type, "application/problem+json");
    assert_eq!(a.body["errors"][0]["field"], "password");
}

async fn forged_expired_and_unsigned_tokens_are_401(app: TestApp) {
    use base64::Engine;
    let b64 = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let token = app.admin().await;
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64| json!({"sub": "x", "office": "y", "role": "admin", "iat": now, "exp": exp, "iss": "antar", "aud": "antar-api"});
    let unsigned = format!("{}.{}.", b64(json!({"alg": "none", "typ": "JWT"})), b64(claims(now + 600)));
    let parts: Vec<&str> = token.split('.').collect();
    let tampered = format!("{}.{}.{}", parts[0], b64(claims(now + 600)), parts[2]);
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims(now + 600),
        &jsonwebtoken::EncodingKey::from_secret(b"guessed-secret"),
    )
    .unwrap();
    // Signed with the server's own key: valid until it expires.
    let secret = std::fs::read_to_string(app.state.config.data_dir.join("jwt-secret")).unwrap();
    let key =
        jsonwebtoken::EncodingKey::from_secret(&antar_server::auth::hmac256(secret.trim().as_bytes(), &[b"antar/jwt"]));
    let me = app.get("/api/v1/users", &token).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let issued: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let own = |exp: i64| {
        let mut c = claims(exp);
        c["sub"] = json!(me);
        c["office"] = issued["office"].clone();
        jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &c, &key).unwrap()
    };
    let valid = own(now + 600);
    assert_eq!(app.get("/api/v1/users", &valid).await.status, StatusCode::OK, "a fresh token of our own making works");
    let expired = own(now - 3600);
    for bad in [unsigned, tampered, forged, expired, "garbage".to_owned()] {
        let a = app.get("/api/v1/users", &bad).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{bad}");
    }
    let a = app.call(Method::GET, "/api/v1/users", None, None).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

async fn refresh_rotates_and_a_lost_answer_gets_the_same_successor(app: TestApp) {
    let first = app.login_pair("admin", ADMIN_PASSWORD).await.body;
    let r1 = first["refresh_token"].as_str().unwrap();
    let a = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": r1}))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let r2 = a.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    // The phone never got that answer and sends the spent token again.
    let again = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": r1}))).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["refresh_token"], r2.as_str());
    let a = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": r2}))).await;
    assert_eq!(a.status, StatusCode::OK);
}

async fn reuse_of_a_spent_token_after_the_grace_revokes_the_family(app: TestApp) {
    use diesel::prelude::*;
    let first = app.login_pair("admin", ADMIN_PASSWORD).await.body;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();
    let r2 = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": r1}))).await.body
        ["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Age the spend past the grace period.
    let pool = app.state.pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        use antar_server::db::schema::refresh_tokens::dsl::*;
        let mut conn = pool.get().unwrap();
        let old = antar_server::db::now() - chrono::Duration::seconds(120);
        diesel::update(refresh_tokens.filter(spent_at.is_not_null()))
            .set(spent_at.eq(old))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
    let a = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": r1}))).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let a = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": r2}))).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "the successor dies with its family");
}

async fn roles_are_enforced(app: TestApp) {
    let (_, courier) = app.user("kurir1", "courier").await;
    let (_, staff) = app.user("petugas1", "staff").await;
    for path in ["/api/v1/cards", "/api/v1/users", "/api/v1/settings"] {
        assert_eq!(app.get(path, &courier).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let a = app
        .post(
            "/api/v1/users",
            &staff,
            json!({"username": "x-user", "password": "long-enough-1", "role": "admin", "display_name": "X"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/me/routes", &staff).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/me/proof", &staff).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/settings", &staff).await.status, StatusCode::OK);
}

async fn admin_changes_settings_and_bad_values_name_the_field(app: TestApp) {
    let admin = app.admin().await;
    let mut s = app.get("/api/v1/settings", &admin).await.body;
    assert_eq!(s["regency_code"], "1871");
    assert_eq!(s["max_failed_attempts"], 3);
    s["max_failed_attempts"] = json!(4);
    s["require_photo"] = json!(true);
    let a = app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(s.clone())).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(app.get("/api/v1/settings", &admin).await.body["max_failed_attempts"], 4);
    let (_, courier) = app.user("kurir1", "courier").await;
    assert_eq!(
        app.get("/api/v1/me/proof", &courier).await.body,
        json!({"require_photo": true, "require_signature": false, "require_id_check": false, "require_gps": false}),
        "the courier's phone learns which proof the office now requires"
    );
    s["time_zone"] = json!("Europe/Paris");
    let a = app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(s)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.body["errors"][0]["field"], "time_zone");
}

async fn usernames_are_one_person_whatever_the_case(app: TestApp) {
    let admin = app.admin().await;
    let user = |name: &str| json!({"username": name, "password": "siti-password-1", "role": "courier", "display_name": "Siti"});
    let a = app.post("/api/v1/users", &admin, user("Siti.Aminah")).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.body["username"], "siti.aminah");
    let twin = app.post("/api/v1/users", &admin, user("SITI.AMINAH")).await;
    assert_eq!(twin.status, StatusCode::CONFLICT, "{}", twin.text);
    let admin_twin = app.post("/api/v1/users", &admin, user("ADMIN")).await;
    assert_eq!(admin_twin.status, StatusCode::CONFLICT, "ADMIN is admin");
    for typed in ["siti.aminah", "SiTi.AmInAh", " SITI.AMINAH "] {
        assert_eq!(app.login_pair(typed, "siti-password-1").await.status, StatusCode::OK, "{typed:?}");
    }
}

/// Sets a user column directly in the database, as an admin screen would.
async fn set_user(app: &TestApp, id: &str, sql_set: &'static str) {
    use diesel::connection::SimpleConnection;
    let (pool, id) = (app.state.pool.clone(), id.to_owned());
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        conn.batch_execute(&format!("UPDATE users SET {sql_set} WHERE id = '{id}'")).unwrap();
    })
    .await
    .unwrap();
}

/// An access token lives 15 minutes, but a disabled account or a changed
/// role takes effect on the very next call.
async fn disabling_a_user_or_changing_a_role_acts_at_once(app: TestApp) {
    let (courier_id, courier) = app.user("kurir1", "courier").await;
    assert_eq!(app.get("/api/v1/me/routes", &courier).await.status, StatusCode::OK);
    set_user(&app, &courier_id, "role = 'staff'").await;
    assert_eq!(app.get("/api/v1/me/routes", &courier).await.status, StatusCode::FORBIDDEN, "no longer a courier");
    assert_eq!(app.get("/api/v1/cards", &courier).await.status, StatusCode::OK, "now staff");
    set_user(&app, &courier_id, "disabled = TRUE").await;
    let refused = app.get("/api/v1/cards", &courier).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
    assert_eq!(app.login_pair("kurir1", "kurir1-password-1").await.status, StatusCode::UNAUTHORIZED);
}

on_both_backends!(
    disabling_a_user_or_changing_a_role_acts_at_once,
    usernames_are_one_person_whatever_the_case,
    wrong_password_is_401_problem_json,
    login_returns_tokens_and_the_user,
    malformed_json_names_the_field,
    forged_expired_and_unsigned_tokens_are_401,
    refresh_rotates_and_a_lost_answer_gets_the_same_successor,
    reuse_of_a_spent_token_after_the_grace_revokes_the_family,
    roles_are_enforced,
    admin_changes_settings_and_bad_values_name_the_field,
);
