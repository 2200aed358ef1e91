//! Proof photos: uploaded apart from events, by hash, idempotent.

use antar_tests::{event, jpeg, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

async fn put(app: &TestApp, token: &str, sha: &str, body: Vec<u8>) -> StatusCode {
    app.http
        .put(format!("{}/api/v1/media/{sha}", app.base))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn a_photo_may_arrive_after_the_delivery_that_names_it(app: TestApp) {
    let s = app.seed(1).await;
    let card = &s.cards[0];
    app.route(&s, "2026-11-23", std::slice::from_ref(card)).await;
    let photo = jpeg(7);
    let sha = hex::encode(Sha256::digest(&photo));
    let ev = event(
        card,
        "delivered",
        1,
        json!({"recipient_name": "Siti", "recipient_relation": "self", "photo_sha256": sha}),
    );
    assert_eq!(app.sync(&s.courier, vec![ev]).await[0]["status"], "accepted");
    let detail = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body;
    assert_eq!(detail["missing_media"], json!([sha]), "proof incomplete until the photo arrives");

    assert_eq!(put(&app, &s.courier, &sha, photo.clone()).await, StatusCode::CREATED);
    assert_eq!(put(&app, &s.courier, &sha, photo.clone()).await, StatusCode::OK, "a retry is harmless");
    let detail = app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body;
    assert_eq!(detail["missing_media"], json!([]));

    let got = app.http.get(format!("{}/api/v1/media/{sha}", app.base)).bearer_auth(&s.staff).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.headers()["content-type"], "image/jpeg");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert!(got.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(got.bytes().await.unwrap().to_vec(), photo);
}

async fn uploads_that_are_not_what_they_claim_are_refused(app: TestApp) {
    let s = app.seed(1).await;
    let photo = jpeg(1);
    let sha = hex::encode(Sha256::digest(&photo));
    let mut broken = photo.clone();
    broken.truncate(1000);
    assert_eq!(put(&app, &s.courier, &sha, broken).await, StatusCode::UNPROCESSABLE_ENTITY, "hash differs");
    let gif = b"GIF89a-not-a-photo".to_vec();
    assert_eq!(put(&app, &s.courier, &hex::encode(Sha256::digest(&gif)), gif).await, StatusCode::UNPROCESSABLE_ENTITY);
    let polyglot = [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"<html><script>alert(document.cookie)</script>"].concat();
    let polyglot_sha = hex::encode(Sha256::digest(&polyglot));
    assert_eq!(
        put(&app, &s.courier, &polyglot_sha, polyglot).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "JPEG magic, HTML body"
    );
    assert_eq!(put(&app, &s.courier, "not-a-hash", photo.clone()).await, StatusCode::BAD_REQUEST);
    assert_eq!(put(&app, &s.staff, &sha, photo).await, StatusCode::FORBIDDEN);
    let bad_payload = event(
        &s.cards[0],
        "delivered",
        1,
        json!({"recipient_name": "A", "recipient_relation": "self", "photo_sha256": "xyz"}),
    );
    let r = app.sync(&s.courier, vec![bad_payload]).await;
    assert_eq!(r[0]["status"], "rejected");
}

/// Personal data on disk is Antar's alone: the data directory 0700, the
/// SQLite database and its log and every proof image 0600, whatever the
/// process's umask would have given.
async fn the_data_directory_and_its_files_are_private(app: TestApp) {
    use std::os::unix::fs::PermissionsExt;
    let s = app.seed(1).await;
    let photo = jpeg(3);
    let sha = hex::encode(Sha256::digest(&photo));
    assert_eq!(put(&app, &s.courier, &sha, photo).await, StatusCode::CREATED);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let data = app.state.config.data_dir.clone();
    assert_eq!(mode(&data), 0o700, "data dir");
    let media = walk(&data.join("media"));
    assert!(!media.is_empty());
    for path in media {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), want, "{}", path.display());
    }
    if app.state.backend.name() == "sqlite" {
        for file in ["antar.sqlite3", "antar.sqlite3-wal", "antar.sqlite3-shm", "jwt-secret"] {
            assert_eq!(mode(&data.join(file)), 0o600, "{file}");
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

on_both_backends!(
    the_data_directory_and_its_files_are_private,
    a_photo_may_arrive_after_the_delivery_that_names_it,
    uploads_that_are_not_what_they_claim_are_refused
);
