//! Admin's user management: disabling ends a user's sessions at once, a
//! new password ends them too, and an admin cannot lock themselves out.

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
    let unknown = patch(&app, &admin, &courier, json!({"role": "admin"})).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "an unknown field is refused, not ignored: {}", unknown.text);
    let metro = app.other_office_staff().await;
    let theirs = app.get("/api/v1/users", &metro).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(patch(&app, &admin, &theirs, json!({"disabled": true})).await.status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    disabling_a_user_ends_their_sessions_at_once_and_enabling_lets_them_back,
    a_new_password_replaces_the_old_one_and_ends_the_sessions,
    only_an_admin_changes_users_of_their_own_office_and_never_disables_themselves,
);
