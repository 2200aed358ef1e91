//! Residents hear about their card: the outbox written with the event, the
//! dispatcher sending through a gateway stand-in on a real port (signatures,
//! retries, timeouts, a retired channel), and the settings that steer it.

use antar_tests::gateway::{Gateway, Reply, SECRET};
use antar_tests::process::{self, Antar};
use antar_tests::{event, on_both_backends, Answer, Api, Seed, TestApp};
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const DAY: &str = "2026-11-23";

async fn outbox(app: &Api, s: &Seed, query: &str) -> Vec<Value> {
    let a = app.get(&format!("/api/v1/notifications?per_page=100{query}"), &s.staff).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.body["items"].as_array().unwrap().clone()
}

/// Waits until no message is pending (at most `within`).
async fn settled(app: &Api, s: &Seed, within: Duration) -> Vec<Value> {
    let deadline = std::time::Instant::now() + within;
    loop {
        let all = outbox(app, s, "").await;
        if all.iter().all(|n| n["status"] != "pending") || std::time::Instant::now() > deadline {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn verify(received: &antar_tests::gateway::Received) -> bool {
    let key = base64::engine::general_purpose::STANDARD.decode(SECRET.trim_start_matches("whsec_")).unwrap();
    let (id, ts) = (&received.headers["webhook-id"], &received.headers["webhook-timestamp"]);
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.{}", received.body).as_bytes());
    let want = format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
    received.headers["webhook-signature"] == want
}

/// Imports one more card, without a phone number.
async fn card_without_phone(app: &TestApp, s: &Seed) -> String {
    let csv = "NIK,NAMA,ALAMAT,RT,RW,KELURAHAN,KECAMATAN,NO_HP\n1871015501909999,SITI TANPA HP,JL. ANGGREK 1,001,002,RAJABASA,RAJABASA,\n";
    let r = app.post_csv("/api/v1/cards/import", &s.staff, csv).await;
    assert_eq!(r.body["imported"], 1, "{}", r.text);
    let page = app.get("/api/v1/cards?q=SITI", &s.staff).await.body;
    page["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn a_saved_route_sends_each_resident_with_a_phone_one_signed_message(app: TestApp) {
    let gateway = Gateway::start(vec![]).await;
    let mut s = app.seed(2).await;
    gateway.serve(&app, "webhook", json!({})).await;
    let no_phone = card_without_phone(&app, &s).await;
    s.cards.push(no_phone.clone());
    app.route(&s, DAY, &s.cards).await;

    let got = gateway.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2);
    let all = settled(&app, &s, Duration::from_secs(10)).await;
    for r in &got {
        assert!(verify(r), "the signature checks out with the office's secret: {:?}", r.headers);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["type"], "card.scheduled");
        let message = body["data"]["message"].as_str().unwrap();
        assert!(message.starts_with("Halo WARGA,"), "{message}");
        assert!(message.contains("Senin, 23 November 2026") && message.contains("kurir kurir1 Test"), "{message}");
        assert!(!message.contains("187101"), "no NIK in a message: {message}");
        assert_eq!(body["data"]["phone"], "6281234567890");
        // The link in the message opens the resident's page.
        let link = body["data"]["link"].as_str().unwrap();
        assert!(message.contains(link));
        let path = &link[link.find("/t/").unwrap()..];
        assert_eq!(app.http.get(format!("{}{path}", app.base)).send().await.unwrap().status(), StatusCode::OK);
    }
    let ids: std::collections::HashSet<&str> = got.iter().map(|r| r.headers["webhook-id"].as_str()).collect();
    assert_eq!(ids.len(), 2, "one id per message");
    let skipped: Vec<&Value> = all.iter().filter(|n| n["status"] == "skipped").collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["card_id"], no_phone.as_str());
    assert_eq!(skipped[0]["last_error"], "kartu tidak punya nomor HP / the card has no phone number");
    assert_eq!(all.iter().filter(|n| n["status"] == "sent" && n["attempts"] == 1).count(), 2, "{all:?}");
    let dash = app.get("/api/v1/dashboard", &s.staff).await.body;
    assert_eq!(dash["messages"], json!({"sent": 2, "skipped": 1}), "today's messages on the dashboard");
}

async fn a_failing_gateway_is_retried_with_the_same_id_and_a_resent_sync_queues_nothing_new(app: TestApp) {
    let gateway = Gateway::start(vec![Reply::Status(500), Reply::Huge(503, 10 << 20)]).await;
    let s = app.seed(1).await;
    let admin = gateway.serve(&app, "webhook", json!({})).await;
    // Only the pick-up sends.
    let mut settings = app.get("/api/v1/settings", &admin).await.body;
    settings["notify_moments"] = json!(["out_for_delivery"]);
    assert_eq!(app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await.status, StatusCode::OK);
    app.route(&s, DAY, &s.cards).await;
    let pick_up = event(&s.cards[0], "picked_up", 1, json!({}));
    app.sync(&s.courier, vec![pick_up.clone()]).await;
    let r = app.sync(&s.courier, vec![pick_up]).await;
    assert_eq!(r[0]["status"], "duplicate");

    let got = gateway.wait_for(3, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 3, "500, then a 10 MB 503, then 200");
    assert!(got.iter().all(|r| r.headers["webhook-id"] == got[0].headers["webhook-id"]), "the same id every time");
    let all = settled(&app, &s, Duration::from_secs(10)).await;
    assert_eq!(all.len(), 1, "one message for one pick-up, however often it is synced: {all:?}");
    assert_eq!((all[0]["status"].as_str(), all[0]["attempts"].as_i64()), (Some("sent"), Some(3)));
    assert_eq!(all[0]["moment"], "out_for_delivery");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(gateway.received().len(), 3, "nothing sent after the 200");
}

/// A card's messages carry one live link: the second reuses the first's, so
/// the link the resident already holds keeps working.
async fn a_cards_later_message_reuses_its_live_link(app: TestApp) {
    let gateway = Gateway::start(vec![]).await;
    let s = app.seed(1).await;
    let admin = gateway.serve(&app, "webhook", json!({})).await;
    let mut settings = app.get("/api/v1/settings", &admin).await.body;
    settings["notify_moments"] = json!(["scheduled", "out_for_delivery"]);
    assert_eq!(app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await.status, StatusCode::OK);
    app.route(&s, DAY, &s.cards).await;
    gateway.wait_for(1, Duration::from_secs(10)).await;
    app.sync(&s.courier, vec![event(&s.cards[0], "picked_up", 1, json!({}))]).await;
    let got = gateway.wait_for(2, Duration::from_secs(10)).await;
    let links: Vec<String> = got
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap()["data"]["link"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0], links[1], "one live link per card");
    let path = &links[0][links[0].find("/t/").unwrap()..];
    let page = app.http.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "the first message's link still opens");
}

async fn a_refused_message_fails_at_once_and_staff_can_send_it_again(app: TestApp) {
    // The gateway says why in its body ("xxx…"): never kept nor shown.
    let gateway = Gateway::start(vec![Reply::Huge(400, 64)]).await;
    let s = app.seed(1).await;
    gateway.serve(&app, "form", json!({})).await;
    app.route(&s, DAY, &s.cards).await;
    let all = settled(&app, &s, Duration::from_secs(10)).await;
    assert_eq!(all[0]["status"], "failed");
    assert_eq!(all[0]["attempts"], 1);
    assert_eq!(all[0]["last_error"], "gateway menjawab 400 / the gateway answered 400", "the status and a fixed text");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(gateway.received().len(), 1, "a 400 is not retried");
    let form = &gateway.received()[0];
    assert_eq!(form.headers["authorization"], SECRET, "the gateway's token in its header");
    assert!(form.body.starts_with("target=6281234567890&message=Halo+WARGA"), "{}", form.body);

    let id = all[0]["id"].as_str().unwrap();
    let again = app.post(&format!("/api/v1/notifications/{id}/retry"), &s.staff, json!({})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    let all = settled(&app, &s, Duration::from_secs(10)).await;
    assert_eq!((all[0]["status"].as_str(), all[0]["attempts"].as_i64()), (Some("sent"), Some(2)));
    let twice = app.post(&format!("/api/v1/notifications/{id}/retry"), &s.staff, json!({})).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "only a failed message goes again");
}

async fn a_gone_gateway_turns_the_channel_off(app: TestApp) {
    let gateway = Gateway::start(vec![Reply::Status(410)]).await;
    let s = app.seed(2).await;
    let admin = gateway.serve(&app, "webhook", json!({})).await;
    app.route(&s, DAY, &s.cards[..1]).await;
    let all = settled(&app, &s, Duration::from_secs(10)).await;
    assert_eq!(all[0]["status"], "failed");
    assert!(all[0]["last_error"].as_str().unwrap().contains("turned off"), "{}", all[0]);
    let settings = app.get("/api/v1/settings", &admin).await.body;
    assert_eq!(settings["notify_channel"], "none");
    let note = settings["notify_channel_note"].as_str().expect("the admin is told why");
    assert!(note.contains("410") && note.contains("WIB"), "{note}");
    app.route(&s, "2026-11-24", &s.cards[1..]).await;
    assert_eq!(outbox(&app, &s, "").await.len(), 1, "nothing is queued on a channel that is off");
    // Set again by the admin: the note goes.
    gateway.serve(&app, "webhook", json!({})).await;
    assert_eq!(app.get("/api/v1/settings", &admin).await.body["notify_channel_note"], Value::Null);
}

async fn notify_test(app: &Api, token: &str, phone: &str) -> Answer {
    app.call(Method::POST, "/api/v1/settings/notify-test", Some(token), Some(json!({"phone": phone}))).await
}

async fn a_test_message_goes_through_the_saved_channel_and_says_how_the_gateway_took_it(app: TestApp) {
    let gateway = Gateway::start(vec![Reply::Status(200), Reply::Status(503)]).await;
    let (_, staff) = app.user("petugas1", "staff").await;
    let admin = app.admin().await;
    let none = notify_test(&app, &admin, "0812 3456 7890").await;
    assert_eq!(none.status, StatusCode::CONFLICT, "no channel yet: {}", none.text);

    gateway.serve(&app, "webhook", json!({})).await;
    let ok = notify_test(&app, &admin, "0812 3456 7890").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!((ok.body["sent"].as_bool(), ok.body["status"].as_u64()), (Some(true), Some(200)), "{}", ok.text);
    let got = gateway.received();
    assert_eq!(got.len(), 1);
    assert!(verify(&got[0]), "signed like every message");
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!((body["type"].as_str(), body["data"]["phone"].as_str()), (Some("card.test"), Some("6281234567890")));
    assert!(body["data"]["message"].as_str().unwrap().starts_with("Pesan uji dari Antar"), "{body}");

    let down = notify_test(&app, &admin, "081234567890").await;
    assert_eq!((down.body["sent"].as_bool(), down.body["status"].as_u64()), (Some(false), Some(503)), "{}", down.text);
    assert!(down.body["detail"].as_str().unwrap().contains("503"), "{}", down.text);
    let outbox = app.get("/api/v1/notifications", &staff).await.body;
    assert_eq!(outbox["total"], 0, "a test is not a resident's message");

    let bad = notify_test(&app, &admin, "12345").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["errors"][0]["field"], "phone", "{}", bad.text);
    assert_eq!(notify_test(&app, &staff, "081234567890").await.status, StatusCode::FORBIDDEN, "admins only");
    let trail = app.get("/api/v1/audit?per_page=100", &admin).await.body;
    let tests = trail["items"].as_array().unwrap().iter().filter(|a| a["action"] == "settings.notify_test").count();
    assert_eq!(tests, 2, "each test that reached a gateway is audited");
}

async fn the_whatsapp_cloud_channel_sends_the_moments_template_with_the_text_as_its_parameter(app: TestApp) {
    let gateway = Gateway::start(vec![]).await;
    let s = app.seed(1).await;
    gateway.serve(&app, "whatsapp_cloud", json!({})).await;
    app.route(&s, DAY, &s.cards).await;
    let got = gateway.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].headers["authorization"], format!("Bearer {SECRET}"), "the access token as a bearer");
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!((body["messaging_product"].as_str(), body["to"].as_str()), (Some("whatsapp"), Some("6281234567890")));
    assert_eq!(body["type"], "template");
    assert_eq!(body["template"]["name"], "antar_scheduled");
    assert_eq!(body["template"]["language"]["code"], "id");
    let text = body["template"]["components"][0]["parameters"][0]["text"].as_str().unwrap();
    let all = settled(&app, &s, Duration::from_secs(10)).await;
    assert_eq!(all[0]["status"], "sent");
    assert_eq!(all[0]["message"].as_str(), Some(text), "the text the outbox shows is the one sent");
    assert_eq!(body["biz_opaque_callback_data"], all[0]["id"], "the message's id travels with it");
}

async fn a_hanging_gateway_times_out_while_other_messages_go(app: TestApp) {
    let gateway = Gateway::start(vec![Reply::Hang]).await;
    let s = app.seed(2).await;
    gateway.serve(&app, "webhook", json!({})).await;
    app.route(&s, DAY, &s.cards).await;
    let got = gateway.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2, "the second message is not held up by the first");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent = outbox(&app, &s, "&status=sent").await;
    assert_eq!(sent.len(), 1);
    // After the send's time limit (2 s with the tests' 4 s claim) the hung
    // one is retried, and goes.
    let got = gateway.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 3);
    let all = settled(&app, &s, Duration::from_secs(10)).await;
    let retried = all.iter().find(|n| n["attempts"] == 2).expect("the timed-out message was tried again");
    assert_eq!(retried["status"], "sent");
}

/// The real binary is SIGKILLed after the gateway took a message and before
/// the server heard back and recorded it. Restarted on the same database,
/// the server sends that message again once its claim lapses — with the
/// same `webhook-id`, so a gateway that keeps the ids it saw delivers it
/// once — and records it sent.
async fn a_server_killed_between_the_gateways_answer_and_the_record_sends_again_with_the_same_id(backend: &str) {
    // A 2 s claim, so the test waits seconds, not the minute of production.
    let env = [("ANTAR_NOTIFY_POLL_MS", "100"), ("ANTAR_NOTIFY_LEASE_MS", "2000")];
    let Some(mut antar) = Antar::start(process::binary(), backend, &env) else { return };
    let gateway = Gateway::start(vec![Reply::Late(200, Duration::from_secs(3))]).await;
    gateway.serve(&antar, "webhook", json!({})).await;
    let s = antar.seed(1).await;
    antar.route(&s, DAY, &s.cards).await;
    let first = gateway.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(first.len(), 1, "the message reached the gateway");

    antar.kill();
    antar.restart();
    let got = gateway.wait_for(2, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 2, "sent again after the restart");
    assert_eq!(got[1].headers["webhook-id"], got[0].headers["webhook-id"], "the same id, never a new one");
    assert!(got.iter().all(verify), "both signed");
    let bodies: Vec<Value> = got.iter().map(|r| serde_json::from_str(&r.body).unwrap()).collect();
    assert_eq!(bodies[0]["data"], bodies[1]["data"], "the same message");
    let all = settled(&antar, &s, Duration::from_secs(10)).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!((all[0]["status"].as_str(), all[0]["attempts"].as_i64()), (Some("sent"), Some(1)), "{all:?}");
    // Past another claim's length: nothing more goes.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(gateway.received().len(), 2, "nothing sent after the recorded 200");
}

mod a_server_killed_between_the_gateways_answer_and_the_record_sends_again_with_the_same_id {
    #[actix_rt::test]
    async fn sqlite() {
        super::a_server_killed_between_the_gateways_answer_and_the_record_sends_again_with_the_same_id("sqlite").await
    }

    #[actix_rt::test]
    async fn postgres() {
        super::a_server_killed_between_the_gateways_answer_and_the_record_sends_again_with_the_same_id("postgres").await
    }
}

async fn notification_settings_refuse_bad_values_and_never_show_the_secret(app: TestApp) {
    let admin = app.admin().await;
    let base = app.get("/api/v1/settings", &admin).await.body;
    assert_eq!(base["notify_channel"], "none");
    assert_eq!(base["notify_quiet_hours"], "21:00-07:00");
    assert_eq!(base["notify_moments"].as_array().unwrap().len(), 6);
    let put = |patch: Value| {
        let mut s = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            s[k] = v.clone();
        }
        app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(s))
    };
    for (patch, field, says) in [
        (json!({"notify_templates": {"scheduled": "Halo {nama}, {tautan}"}}), "notify_templates", "{nama}"),
        (json!({"notify_channel": "webhook", "notify_url": "ftp://gateway.example"}), "notify_url", "http"),
        (json!({"notify_channel": "pigeon"}), "notify_channel", "manual"),
        (json!({"notify_quiet_hours": "21-07"}), "notify_quiet_hours", "HH:MM"),
        (json!({"notify_moments": ["arrived"]}), "notify_moments", "arrived"),
        (
            json!({"notify_channel": "webhook", "notify_url": "https://gw.example/x", "notify_secret": "whsec_!!"}),
            "notify_secret",
            "whsec_",
        ),
    ] {
        let a = put(patch.clone()).await;
        assert!(
            a.status == StatusCode::UNPROCESSABLE_ENTITY || a.status == StatusCode::BAD_REQUEST,
            "{patch}: {}",
            a.text
        );
        assert!(a.text.contains(field) && a.text.contains(says), "{patch}: {}", a.text);
    }
    let ok = put(json!({"notify_channel": "webhook", "notify_url": "https://gw.example/x", "notify_secret": SECRET,
        "notify_templates": {"delivered": "Terima kasih {nama_depan}: {tautan}"}}))
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert!(!ok.text.contains("MfKQ9r8"), "the secret never comes back: {}", ok.text);
    let read = app.get("/api/v1/settings", &admin).await;
    assert_eq!(read.body["notify_secret_set"], true);
    assert!(read.body.get("notify_secret").is_none() && !read.text.contains("MfKQ9r8"));
    assert_eq!(read.body["notify_templates"]["delivered"], "Terima kasih {nama_depan}: {tautan}");
    // Absent keeps the secret; empty clears it.
    let mut keep = read.body.clone();
    keep.as_object_mut().unwrap().remove("notify_secret_set");
    assert_eq!(
        app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(keep.clone())).await.body["notify_secret_set"],
        true
    );
    keep["notify_secret"] = json!("");
    assert_eq!(
        app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(keep)).await.body["notify_secret_set"],
        false
    );
}

async fn manual_messages_wait_for_staff_to_send_them_from_whatsapp(app: TestApp) {
    let s = app.seed(1).await;
    let admin = app.admin().await;
    let mut settings = app.get("/api/v1/settings", &admin).await.body;
    settings["notify_channel"] = json!("manual");
    settings["notify_quiet_hours"] = json!("");
    assert_eq!(app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(settings)).await.status, StatusCode::OK);
    app.route(&s, DAY, &s.cards).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let pending = outbox(&app, &s, "&status=pending").await;
    assert_eq!(pending.len(), 1, "the dispatcher leaves manual messages alone");
    let wa = pending[0]["whatsapp_url"].as_str().unwrap();
    assert!(wa.starts_with("https://wa.me/6281234567890?text=Halo%20WARGA"), "{wa}");
    let id = pending[0]["id"].as_str().unwrap();
    let done = app.post(&format!("/api/v1/notifications/{id}/sent"), &s.staff, json!({})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["status"], "sent");
    assert_eq!(
        app.post(&format!("/api/v1/notifications/{id}/sent"), &s.staff, json!({})).await.status,
        StatusCode::CONFLICT
    );
    let bad = app.get("/api/v1/notifications?status=lost", &s.staff).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text.contains("status"), "{}", bad.text);
}

on_both_backends!(
    a_cards_later_message_reuses_its_live_link,
    a_saved_route_sends_each_resident_with_a_phone_one_signed_message,
    a_failing_gateway_is_retried_with_the_same_id_and_a_resent_sync_queues_nothing_new,
    a_refused_message_fails_at_once_and_staff_can_send_it_again,
    a_gone_gateway_turns_the_channel_off,
    a_test_message_goes_through_the_saved_channel_and_says_how_the_gateway_took_it,
    a_hanging_gateway_times_out_while_other_messages_go,
    the_whatsapp_cloud_channel_sends_the_moments_template_with_the_text_as_its_parameter,
    notification_settings_refuse_bad_values_and_never_show_the_secret,
    manual_messages_wait_for_staff_to_send_them_from_whatsapp,
);
