//! `BENCH_ONLY=notify`: messages to residents.
//!
//! - the dispatcher's throughput: 2,000 `scheduled` messages queued at once
//!   (20 routes of 100 cards saved), sent to a gateway stand-in on a local
//!   port (the webhook channel, signed), timed from the first route saved
//!   to the gateway's 2,000th request;
//! - what the outbox adds to a sync batch: the same sync ingest (8 couriers,
//!   each card picked up and delivered, batches of 50) with the channel
//!   `none` and `webhook`, on fresh servers, in the same run.

use super::{csv, median, Bench, Client};
use antar_tests::gateway::Gateway;
use serde_json::json;
use std::time::{Duration, Instant};

const MESSAGES: usize = 2_000;
const ROUTE: usize = 100;

async fn use_channel(c: &Client, admin: &str, gateway: &Gateway, channel: &str) {
    let mut s = c.ok(reqwest::Method::GET, "/api/v1/settings", Some(admin), None).await;
    s["notify_channel"] = json!(channel);
    s["notify_url"] = json!(gateway.url);
    s["notify_secret"] = json!("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    s["notify_quiet_hours"] = json!("");
    c.ok(reqwest::Method::PUT, "/api/v1/settings", Some(admin), Some(s)).await;
}

/// Messages per second from the outbox to the gateway.
async fn throughput(bin: &str, backend: &str) -> f64 {
    let server = super::start_on(bin, backend);
    let c = Client { http: reqwest::Client::new(), base: server.base.clone() };
    let admin = c.login_as("admin").await;
    let gateway = Gateway::start(vec![]).await;
    use_channel(&c, &admin, &gateway, "webhook").await;
    assert_eq!(c.import(&admin, csv(MESSAGES)).await["imported"], MESSAGES);
    let ids = c.card_ids(&admin, MESSAGES).await;
    let courier = c
        .ok(
            reqwest::Method::POST,
            "/api/v1/users",
            Some(&admin),
            Some(json!({"username": "kurir", "password": super::PASSWORD, "role": "courier", "display_name": "Kurir"})),
        )
        .await;
    let start = Instant::now();
    for (i, chunk) in ids.chunks(ROUTE).enumerate() {
        let date = (chrono::Utc::now().date_naive() + chrono::Duration::days(1 + i as i64)).to_string();
        c.ok(
            reqwest::Method::POST,
            "/api/v1/routes",
            Some(&admin),
            Some(json!({"courier_id": courier["id"], "date": date, "card_ids": chunk})),
        )
        .await;
    }
    let got = gateway.wait_for(MESSAGES, Duration::from_secs(300)).await;
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(got.len(), MESSAGES, "every message reached the gateway once");
    let unique: std::collections::HashSet<&str> = got.iter().map(|r| r.headers["webhook-id"].as_str()).collect();
    assert_eq!(unique.len(), MESSAGES, "no message sent twice");
    let rate = MESSAGES as f64 / secs;
    eprintln!("notify throughput, {backend}: {MESSAGES} messages in {secs:.1} s ({rate:.0}/s)");
    rate
}

/// Sync ingest events/s with the channel off, `manual` (messages queued,
/// none sent) and `webhook` (queued and sent meanwhile), same setup.
async fn sync_cost(bin: &str, backend: &str, cards: usize) -> (f64, f64, f64) {
    let (mut off, mut queued, mut on) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..3 {
        for channel in ["none", "manual", "webhook"] {
            let server = super::start_on(bin, backend);
            let c = Client { http: reqwest::Client::new(), base: server.base.clone() };
            let gateway = Gateway::start(vec![]).await;
            if channel != "none" {
                let admin = c.login_as("admin").await;
                use_channel(&c, &admin, &gateway, channel).await;
            }
            let work = super::prepare(&c, cards).await;
            let batches = super::events(&work);
            let (rate, _) = super::ingest(&c, &work, &batches).await;
            eprintln!(
                "sync with channel {channel}, {backend} run {}: {rate:.0} events/s; gateway got {}",
                run + 1,
                gateway.received().len()
            );
            match channel {
                "none" => off.push(rate),
                "manual" => queued.push(rate),
                _ => on.push(rate),
            }
        }
    }
    (median(off), median(queued), median(on))
}

pub async fn bench(bin: &str, backends: &str, cards: usize) {
    let mut rows = Vec::new();
    for backend in backends.split(',') {
        let rate = throughput(bin, backend).await;
        let (off, queued, on) = sync_cost(bin, backend, cards).await;
        rows.push((backend.to_owned(), rate, off, queued, on));
    }
    println!("| backend | dispatcher, messages/s to a local gateway | sync ingest, channel none | queued only (manual) | queued and sent (webhook) | ratios |");
    println!("|---|---|---|---|---|---|");
    for (backend, rate, off, queued, on) in rows {
        println!(
            "| {backend} | {rate:.0} | {off:.0} events/s | {queued:.0} events/s | {on:.0} events/s | {:.2} / {:.2} |",
            queued / off,
            on / off
        );
    }
}
