//! A courier's phone as the chaos run drives it: events recorded in custody
//! order, sent in batches of random size; a batch with no answer stays in
//! the outbox and goes again with whatever was recorded since (the same ids
//! in a different batch), as the app's outbox does; now and then a batch
//! already acknowledged goes again, as from a phone that lost the answer.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift64*), so a seed replays a run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `low..high`.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low).max(1)
    }
}

/// An event the server acknowledged.
#[derive(Debug, Clone)]
pub struct Acked {
    pub id: String,
    pub card_id: String,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    pub courier_id: String,
}

/// What the couriers did, and anything they were told that no correct
/// server says.
#[derive(Debug, Default)]
pub struct Tally {
    /// Batches acknowledged.
    pub batches: usize,
    /// Events acknowledged.
    pub events: usize,
    /// Sends that got no answer (the batch stayed in the outbox).
    pub in_doubt: usize,
    /// Acknowledged batches sent again.
    pub resent: usize,
    pub anomalies: Vec<String>,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.batches += other.batches;
        self.events += other.events;
        self.in_doubt += other.in_doubt;
        self.resent += other.resent;
        self.anomalies.extend(other.anomalies.iter().cloned());
    }
}

pub struct Courier {
    name: String,
    id: String,
    token: String,
    cards: Vec<String>,
}

/// How one send ended.
enum Sent {
    Results(Vec<Value>),
    /// No answer, or one that says to try later: the batch stays.
    NoAnswer,
    Unauthorized,
    Refused(String),
}

/// Each card's events, in custody order: picked up, then delivered, or a
/// failed attempt first, or a return, or left at the village office.
fn plan(cards: &[String], rng: &mut Rng) -> VecDeque<(String, &'static str)> {
    let mut plan = VecDeque::new();
    for card in cards {
        let rest: &[&'static str] = match rng.range(0, 10) {
            0..=5 => &["delivered"],
            6 | 7 => &["attempt_failed", "delivered"],
            // An earlier app's "returned to the office": recorded as the claim.
            8 => &["attempt_failed", "returned_to_office"],
            _ => &["left_at_village_office"],
        };
        plan.push_back((card.clone(), "picked_up"));
        plan.extend(rest.iter().map(|k| (card.clone(), *k)));
    }
    plan
}

fn payload(kind: &str) -> Value {
    let at = json!({"lat": -5.37, "lon": 105.24, "accuracy_m": 12.0});
    match kind {
        "delivered" => {
            json!({"recipient_name": "Penerima", "recipient_relation": "self", "lat": -5.37, "lon": 105.24, "accuracy_m": 12.0})
        }
        "attempt_failed" => json!({"reason": "not_home", "lat": -5.37, "lon": 105.24, "accuracy_m": 80.0}),
        "left_at_village_office" => at,
        _ => json!({}),
    }
}

impl Courier {
    pub fn new(name: String, id: String, token: String, cards: Vec<String>) -> Courier {
        Courier { name, id, token, cards }
    }

    /// Works until `stop`, then until every recorded event is acknowledged
    /// (at most two minutes more); what it did and what was acknowledged.
    pub async fn work(mut self, base: &str, stop: Arc<AtomicBool>, mut rng: Rng) -> (Tally, Vec<Acked>) {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
        let mut plan = plan(&self.cards, &mut rng);
        let mut tally = Tally::default();
        let mut outbox: Vec<Value> = Vec::new();
        let mut acked_batches: Vec<Vec<Value>> = Vec::new();
        let mut acked = Vec::new();
        let mut last = Utc::now();
        let mut drain_until = None;
        loop {
            let pause = Duration::from_millis(rng.range(80, 250));
            if stop.load(Ordering::SeqCst) {
                if outbox.is_empty() {
                    break;
                }
                let until = *drain_until.get_or_insert_with(|| Instant::now() + Duration::from_secs(120));
                if Instant::now() > until {
                    tally.anomalies.push(format!("{}: {} events never acknowledged", self.name, outbox.len()));
                    break;
                }
            } else if outbox.is_empty() && !acked_batches.is_empty() && rng.range(0, 10) == 0 {
                let again = acked_batches[rng.range(0, acked_batches.len() as u64) as usize].clone();
                if let Sent::Results(results) = self.send(&http, base, &again).await {
                    tally.resent += 1;
                    for r in results.iter().filter(|r| r["status"] != "duplicate") {
                        tally
                            .anomalies
                            .push(format!("{}: an acknowledged event sent again was not a duplicate: {r}", self.name));
                    }
                }
                tokio::time::sleep(pause).await;
                continue;
            } else {
                for _ in 0..rng.range(1, 9) {
                    let Some((card, kind)) = plan.pop_front() else { break };
                    // Strictly later than the event before, whatever the clock.
                    last = Utc::now().max(last + chrono::Duration::milliseconds(1));
                    outbox.push(json!({"id": uuid::Uuid::new_v4().to_string(), "card_id": card, "kind": kind,
                                       "occurred_at": last.to_rfc3339(), "payload": payload(kind)}));
                }
            }
            if outbox.is_empty() {
                tokio::time::sleep(pause).await;
                continue;
            }
            match self.send(&http, base, &outbox).await {
                Sent::Results(results) => {
                    let ids: Vec<&Value> = results.iter().map(|r| &r["id"]).collect();
                    let sent: Vec<&Value> = outbox.iter().map(|e| &e["id"]).collect();
                    if ids != sent {
                        tally.anomalies.push(format!("{}: the results do not answer the batch", self.name));
                    }
                    for r in results.iter().filter(|r| r["status"] != "accepted" && r["status"] != "duplicate") {
                        tally.anomalies.push(format!("{}: {r}", self.name));
                    }
                    tally.batches += 1;
                    tally.events += outbox.len();
                    acked.extend(outbox.iter().map(|e| Acked {
                        id: e["id"].as_str().unwrap().to_owned(),
                        card_id: e["card_id"].as_str().unwrap().to_owned(),
                        kind: e["kind"].as_str().unwrap().to_owned(),
                        occurred_at: e["occurred_at"].as_str().unwrap().parse().unwrap(),
                        courier_id: self.id.clone(),
                    }));
                    acked_batches.push(std::mem::take(&mut outbox));
                }
                Sent::NoAnswer => tally.in_doubt += 1,
                Sent::Unauthorized => self.login(&http, base).await,
                Sent::Refused(why) => {
                    tally.anomalies.push(format!("{}: a batch refused: {why}", self.name));
                    break;
                }
            }
            tokio::time::sleep(pause).await;
        }
        (tally, acked)
    }

    async fn send(&self, http: &reqwest::Client, base: &str, events: &[Value]) -> Sent {
        let body =
            json!({"device_id": format!("chaos-{}", self.name), "sent_at": Utc::now().to_rfc3339(), "events": events});
        let res = match http.post(format!("{base}/api/v1/sync")).bearer_auth(&self.token).json(&body).send().await {
            Ok(res) => res,
            Err(_) => return Sent::NoAnswer,
        };
        let status = res.status();
        let Ok(text) = res.text().await else { return Sent::NoAnswer };
        match status {
            StatusCode::OK => match serde_json::from_str::<Value>(&text) {
                Ok(v) if v["results"].is_array() => Sent::Results(v["results"].as_array().unwrap().clone()),
                _ => Sent::Refused(format!("200 without results: {text}")),
            },
            StatusCode::UNAUTHORIZED => Sent::Unauthorized,
            // The database is away for a moment; the outbox keeps the batch.
            s if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => Sent::NoAnswer,
            s => Sent::Refused(format!("{s}: {text}")),
        }
    }

    async fn login(&mut self, http: &reqwest::Client, base: &str) {
        let body = json!({"username": self.name, "password": format!("{}-password-1", self.name)});
        if let Ok(res) = http.post(format!("{base}/api/v1/auth/login")).json(&body).send().await {
            if let Ok(v) = res.json::<Value>().await {
                if let Some(t) = v["access_token"].as_str() {
                    self.token = t.to_owned();
                }
            }
        }
    }
}
