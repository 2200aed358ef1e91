//! Proof photos: uploaded apart from events, by hash, idempotent.

use antar_tests::{event, on_both_backends, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

fn jpeg(seed: u8) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    bytes.extend((0..50_000u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

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

on_both_backends!(
    a_photo_may_arrive_after_the_delivery_that_names_it,
    uploads_that_are_not_what_they_claim_are_refused
);
