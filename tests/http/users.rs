//! Admin's user management: disabling ends a user's sessions at once, a
//! new password or role ends them too, logout ends one on the server, and
//! an admin cannot lock themselves out.

use antar_tests::{on_both_backends, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn patch(app: &TestApp, token: &str, id: &str, body: serde_json::Value) -> antar_tests::Answer {
    app.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(token), Some(body)).await
}

async fn disabling_a_user_ends_their_sessions_at_once_and_enabling_lets_them_back(app: TestApp) {
    let admin = app.admin().await;
    let (id, _) = app.user("kurir1", "courier").await;
    let pair = app.login_pair("kurir1", "kurir1-password-1").await.body;
    let (access, refresh) = (pair["access_token"].as_str().unwrap(), pair["refresh_token"].as_str().unwrap());
    assert_eq!(app.get("/api/v1/me/routes", access).await.status, StatusCode::OK);

    let off = patch(&app, &admin, &id, json!({"disabled": true})).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    assert_eq!(off.body["disabled"], true);
    assert_eq!(
        app.get("/api/v1/me/routes", access).await.status,
        StatusCode::UNAUTHORIZED,
        "the access token, at once"
    );
    let again = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": refresh}))).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "the refresh token");
    assert_eq!(app.login_pair("kurir1", "kurir1-password-1").await.status, StatusCode::UNAUTHORIZED, "a new login");
    let listed = app.get("/api/v1/users?role=courier", &admin).await.body;
    assert_eq!(listed["items"][0]["disabled"], true);

    let on = patch(&app, &admin, &id, json!({"disabled": false})).await;
    assert_eq!((on.status, on.body["disabled"].as_bool()), (StatusCode::OK, Some(false)));
    let back = app.login_pair("kurir1", "kurir1-password-1").await;
    assert_eq!(back.status, StatusCode::OK, "enabled again, the user logs in");
    let old = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": refresh}))).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the sessions that ended stay ended");
}

async fn a_new_password_replaces_the_old_one_and_ends_the_sessions(app: TestApp) {
    let admin = app.admin().await;
    let (id, _) = app.user("petugas2", "staff").await;
    let pair = app.login_pair("petugas2", "petugas2-password-1").await.body;
    let short = patch(&app, &admin, &id, json!({"password": "pendek"})).await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.text);
    assert_eq!(short.body["errors"][0]["field"], "password");
    let reset =
        patch(&app, &admin, &id, json!({"password": "kata-sandi-baru-1871", "display_name": "  Petugas Dua "})).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    assert_eq!(reset.body["display_name"], "Petugas Dua");
    assert_eq!(app.login_pair("petugas2", "petugas2-password-1").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.login_pair("petugas2", "kata-sandi-baru-1871").await.status, StatusCode::OK);
    let refresh = json!({"refresh_token": pair["refresh_token"]});
    let old = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(refresh)).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the old session ended");
    let access = pair["access_token"].as_str().unwrap();
    let now = app.get("/api/v1/cards", access).await;
    assert_eq!(now.status, StatusCode::UNAUTHORIZED, "the access token issued before the reset, at once: {}", now.text);
}

async fn a_new_role_ends_the_sessions_and_the_next_login_carries_it(app: TestApp) {
    let admin = app.admin().await;
    let (id, _) = app.user("petugas3", "staff").await;
    let pair = app.login_pair("petugas3", "petugas3-password-1").await.body;
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/cards", access).await.status, StatusCode::OK);
    let moved = patch(&app, &admin, &id, json!({"role": "courier"})).await;
    assert_eq!((moved.status, moved.body["role"].as_str()), (StatusCode::OK, Some("courier")), "{}", moved.text);
    assert_eq!(app.get("/api/v1/me/routes", access).await.status, StatusCode::UNAUTHORIZED, "the old token, at once");
    let refresh = json!({"refresh_token": pair["refresh_token"]});
    let old = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(refresh)).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the old refresh token");
    let again = app.login_pair("petugas3", "petugas3-password-1").await;
    assert_eq!(again.body["user"]["role"], "courier");
    let fresh = again.body["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me/routes", fresh).await.status, StatusCode::OK, "a courier now");
    assert_eq!(app.get("/api/v1/cards", fresh).await.status, StatusCode::FORBIDDEN, "and no longer staff");
    let renamed = patch(&app, &admin, &id, json!({"display_name": "Kurir Tiga"})).await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(app.get("/api/v1/me/routes", fresh).await.status, StatusCode::OK, "a new name ends nothing");

    let me = app.get("/api/v1/users?role=admin", &admin).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let own = patch(&app, &admin, &me, json!({"role": "staff"})).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.text);
    assert_eq!(own.body["errors"][0]["field"], "role");
    assert_eq!(app.get("/api/v1/users", &admin).await.status, StatusCode::OK, "the admin's own session goes on");
}

async fn logout_ends_the_session_on_the_server_and_answers_204_whatever_it_is_given(app: TestApp) {
    app.user("kurir4", "courier").await;
    let pair = app.login_pair("kurir4", "kurir4-password-1").await.body;
    let other = app.login_pair("kurir4", "kurir4-password-1").await.body;
    let refresh = pair["refresh_token"].as_str().unwrap();
    // The session rotated once: the logout of its newest token ends the
    // whole family, the spent first token with it.
    let rotated = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": refresh}))).await;
    assert_eq!(rotated.status, StatusCode::OK);
    let newest = rotated.body["refresh_token"].as_str().unwrap();
    let out = app.call(Method::POST, "/api/v1/auth/logout", None, Some(json!({"refresh_token": newest}))).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    for token in [newest, refresh] {
        let after = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refresh_token": token}))).await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED, "a token of the ended session: {}", after.text);
    }
    let elsewhere = json!({"refresh_token": other["refresh_token"]});
    let kept = app.call(Method::POST, "/api/v1/auth/refresh", None, Some(elsewhere)).await;
    assert_eq!(kept.status, StatusCode::OK, "the same user's session on another device goes on");

    let forged = format!("{}x", newest);
    for body in [
        Some(json!({"refresh_token": newest})),
        Some(json!({"refresh_token": forged})),
        Some(json!({"refresh_token": "garbage"})),
        Some(json!({})),
        None,
    ] {
        let again = app.call(Method::POST, "/api/v1/auth/logout", None, body.clone()).await;
        assert_eq!(again.status, StatusCode::NO_CONTENT, "{body:?}: {}", again.text);
    }
    let bad = app.call(Method::POST, "/api/v1/auth/logout", None, Some(json!({"refresh_token": 5}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "a body of the wrong shape is named: {}", bad.text);
}

async fn only_an_admin_changes_users_of_their_own_office_and_never_disables_themselves(app: TestApp) {
    let admin = app.admin().await;
    let me = app.get("/api/v1/users?role=admin", &admin).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let own = patch(&app, &admin, &me, json!({"disabled": true})).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.text);
    assert_eq!(own.body["errors"][0]["field"], "disabled");
    let (courier, _) = app.user("kurir1", "courier").await;
    let (_, staff) = app.user("petugas1", "staff").await;
    assert_eq!(patch(&app, &staff, &courier, json!({"disabled": true})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(patch(&app, &admin, "no-such-user", json!({"disabled": true})).await.status, StatusCode::NOT_FOUND);
    let listed = patch(&app, &admin, &courier, json!([true, null, null])).await;
    assert_eq!(
        listed.status,
        StatusCode::BAD_REQUEST,
        "a change is an object, not its fields in a row: {}",
        listed.text
    );
    let unknown = patch(&app, &admin, &courier, json!({"rank": "admin"})).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "an unknown field is refused, not ignored: {}", unknown.text);
    let metro = app.other_office_staff().await;
    let theirs = app.get("/api/v1/users", &metro).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(patch(&app, &admin, &theirs, json!({"disabled": true})).await.status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    disabling_a_user_ends_their_sessions_at_once_and_enabling_lets_them_back,
    a_new_password_replaces_the_old_one_and_ends_the_sessions,
    a_new_role_ends_the_sessions_and_the_next_login_carries_it,
    logout_ends_the_session_on_the_server_and_answers_204_whatever_it_is_given,
    only_an_admin_changes_users_of_their_own_office_and_never_disables_themselves,
);
