//! Personal data never reaches the log. This test binary captures the
//! server's whole log at debug level, drives every kind of call with NIKs
//! and resident tokens in bodies, query strings and paths, then searches the
//! log for each of them.

use antar_tests::{delivered, event, TestApp};
use reqwest::Method;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

async fn exercise(app: &TestApp, secrets: &mut Vec<String>) {
    let s = app.seed(4).await;
    for card in &s.cards {
        secrets
            .push(app.get(&format!("/api/v1/cards/{card}"), &s.staff).await.body["nik"].as_str().unwrap().to_owned());
    }
    let nik = secrets[0].clone();
    // NIKs in query strings, paths, failed logins and bad rows.
    app.get(&format!("/api/v1/cards?q={nik}"), &s.staff).await;
    app.get(&format!("/api/v1/cards/{nik}"), &s.staff).await;
    app.login_pair(&nik, "wrong-password").await;
    let bad = format!("NIK,NAMA,ALAMAT,KELURAHAN,KECAMATAN\n{nik},LAIN ORANG,JL. X,K,C\n3271999999990001,A,B,C,D\n");
    secrets.push("3271999999990001".into());
    app.post_csv("/api/v1/cards/import?dry_run=true", &s.staff, bad).await;
    // The courier's day, with a rejected and a flagged event.
    app.route(&s, "2026-11-23", &s.cards[..3]).await;
    app.get("/api/v1/me/routes", &s.courier).await;
    app.post(&format!("/api/v1/cards/{}/events", s.cards[2]), &s.staff, json!({"kind": "collected"})).await;
    app.sync(
        &s.courier,
        vec![
            delivered(&s.cards[0], 1),
            event(&s.cards[1], "attempt_failed", 1, json!({"reason": "other", "note": format!("NIK di KK {nik}")})),
            delivered(&s.cards[2], 2),
            delivered(&s.cards[3], 2),
        ],
    )
    .await;
    app.get("/api/v1/review", &s.staff).await;
    // Resident links: the token in paths, a report naming the NIK.
    for card in &s.cards[..2] {
        let url = app.post(&format!("/api/v1/cards/{card}/link"), &s.staff, json!({})).await.body["url"]
            .as_str()
            .unwrap()
            .to_owned();
        let token = url.rsplit('/').next().unwrap().to_owned();
        app.call(Method::GET, &format!("/api/v1/track/{token}"), None, None).await;
        app.call(Method::GET, &format!("/t/{token}?from=wa&nik={nik}"), None, None).await;
        app.call(Method::POST, &format!("/api/v1/track/{token}/confirm"), None, None).await;
        app.call(
            Method::POST,
            &format!("/api/v1/track/{token}/report"),
            None,
            Some(json!({"message": format!("NIK saya {nik}")})),
        )
        .await;
        secrets.push(token);
    }
}

#[actix_rt::test]
async fn no_nik_or_resident_token_reaches_the_log() {
    let log = Captured::default();
    tracing_subscriber::fmt().with_env_filter("debug").with_ansi(false).with_writer(log.clone()).init();
    let mut secrets = Vec::new();
    let app = TestApp::sqlite().await;
    exercise(&app, &mut secrets).await;
    if let Some(pg) = TestApp::postgres().await {
        exercise(&pg, &mut secrets).await;
    }
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("/api/v1/cards") && text.contains("/t/***"), "the log was captured:\n{text}");
    assert!(secrets.len() >= 9);
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "{secret} appears in the log:\n{text}");
    }
    // A NIK stands alone; request ids and uuids are hex and may hold digit runs.
    let digits16: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() == 16 && w.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    assert!(digits16.is_empty(), "NIK-shaped numbers in the log: {digits16:?}");
}
