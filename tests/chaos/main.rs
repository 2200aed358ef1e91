//! Faults as a permanent test. Couriers sync through the real `antar`
//! binary while it is SIGKILLed and restarted and, on PostgreSQL, while the
//! database is crashed (`pg_ctl -m immediate`); the server sends residents'
//! messages to a gateway stand-in all the while. Afterwards a Jepsen-style
//! check compares what the server holds with what it acknowledged:
//!
//! - every event the server acknowledged is in the log exactly once, and
//!   nothing is there that no courier sent;
//! - every card's status is the fold of its log, and the fold of the events
//!   its courier had acknowledged;
//! - every message queued is sent, each under one id, and there is one per
//!   event that asked for it.
//!
//! `ANTAR_CHAOS_CYCLES` faults per backend (10 by default: the short run of
//! the test command); `cargo xtask chaos [CYCLES]` runs the long one on the
//! release binary. `ANTAR_CHAOS_SEED` replays a run's choices.

mod check;
mod courier;

use antar_tests::gateway::Gateway;
use antar_tests::pg::{self, Cluster};
use antar_tests::process::{self, Antar};
use courier::{Courier, Rng, Tally};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One run at a time: the two backends' runs would share two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const COURIERS: usize = 6;
/// The moments the residents hear about in the run.
const MOMENTS: [&str; 3] = ["attempt_failed", "left_at_village_office", "delivered"];

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// What a run stands on and what the nemesis does to it.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Ground {
    /// One server on SQLite, SIGKILLed.
    Sqlite,
    /// One server on PostgreSQL; the server SIGKILLed, the database
    /// crashed, or both.
    Postgres,
    /// Two servers on one PostgreSQL, half the couriers on each; one of
    /// them SIGKILLed again and again while the other works on.
    TwoServers,
}

/// The two servers' public addresses, so a message's link tells which
/// server sent it.
const PUBLIC: [&str; 2] = ["http://server-a.invalid", "http://server-b.invalid"];

async fn chaos(ground: Ground) {
    let _one = ONE_AT_A_TIME.lock().await;
    let cycles: usize = setting("ANTAR_CHAOS_CYCLES", 10);
    let seed: u64 = setting("ANTAR_CHAOS_SEED", std::process::id() as u64 ^ 0x9e37_79b9_7f4a_7c15);
    eprintln!("chaos, {ground:?}: {cycles} faults, ANTAR_CHAOS_SEED={seed}");
    let cluster = if ground == Ground::Sqlite {
        None
    } else {
        match Cluster::start(true) {
            Ok(c) => Some(c),
            Err(why) if pg::skip_without(&why) => return,
            Err(why) => panic!("{why}"),
        }
    };
    // Claims lapse in 2 s, so a message cut off by a kill goes again soon.
    let env = [
        ("ANTAR_NOTIFY_POLL_MS", "100"),
        ("ANTAR_NOTIFY_LEASE_MS", "2000"),
        ("ANTAR_LOG", "antar_server=error"),
        ("ANTAR_JWT_SECRET", "the-chaos-runs-servers-share-this-secret"),
        ("ANTAR_PUBLIC_URL", PUBLIC[0]),
    ];
    let antar = Antar::on(process::binary(), cluster.as_ref().map(Cluster::database), &env);
    let other = (ground == Ground::TwoServers).then(|| antar.beside_with(&[("ANTAR_PUBLIC_URL", PUBLIC[1])]));
    let gateway = Gateway::start(vec![]).await;
    let couriers = setup(&antar, &gateway, (40 + cycles * 4).min(1600)).await;
    let database = antar.database.clone();
    let bases: Vec<String> = [Some(&antar), other.as_ref()].into_iter().flatten().map(|a| a.base.clone()).collect();

    let started = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let mut rng = Rng::new(seed);
    let workers: Vec<_> = couriers
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let stop = stop.clone();
            let (base, seed) = (bases[i % bases.len()].clone(), rng.next());
            actix_rt::spawn(async move { c.work(&base, stop, Rng::new(seed)).await })
        })
        .collect();
    let nemesis_seed = rng.next();
    let crash_database = ground == Ground::Postgres;
    let (antar, cluster) = tokio::task::spawn_blocking(move || {
        let antar = nemesis(antar, cluster.as_ref().filter(|_| crash_database), cycles, Rng::new(nemesis_seed));
        (antar, cluster)
    })
    .await
    .unwrap();
    stop.store(true, Ordering::SeqCst);
    let mut tally = Tally::default();
    let mut acknowledged = Vec::new();
    for w in workers {
        let (t, events) = w.await.unwrap();
        tally.add(&t);
        acknowledged.extend(events);
    }
    let seconds = started.elapsed().as_secs_f64();

    let held = check::read(&database, Duration::from_secs(120)).await;
    let received = gateway.received();
    check::events(&acknowledged, &held);
    check::folds(&acknowledged, &held);
    let (messages, resent_messages) = check::messages(&acknowledged, &held, &received, &MOMENTS);
    if other.is_some() {
        check::claimed_once(&received, PUBLIC[1]);
    }
    assert!(tally.anomalies.is_empty(), "the couriers saw answers no server may give: {:#?}", tally.anomalies);
    eprintln!(
        "chaos, {ground:?}: {cycles} faults in {seconds:.0} s; {} events acknowledged in {} batches, {} batches \
         retried after no answer, {} acknowledged batches sent again; {messages} messages each sent under one id \
         ({resent_messages} sent again after a kill, same id); checks passed",
        tally.events, tally.batches, tally.in_doubt, tally.resent,
    );
    // The servers and the cluster (and their files) live until here.
    drop((antar, other, cluster));
}

/// The faults: every cycle, after a random while, SIGKILL the server and
/// start it again; given the database to crash, every third cycle crashes
/// it instead, and every third both at once.
fn nemesis(antar: Antar, cluster: Option<&Cluster>, cycles: usize, mut rng: Rng) -> Antar {
    let mut antar = antar;
    for i in 0..cycles {
        std::thread::sleep(Duration::from_millis(rng.range(300, 1500)));
        match (cluster, i % 3) {
            (Some(pg), 1) => {
                pg.crash();
                std::thread::sleep(Duration::from_millis(rng.range(0, 800)));
                pg.restart();
            }
            (Some(pg), 2) => {
                pg.crash();
                antar.kill();
                pg.restart();
                antar.restart();
            }
            _ => {
                antar.kill();
                std::thread::sleep(Duration::from_millis(rng.range(0, 300)));
                antar.restart();
            }
        }
    }
    antar
}

/// An office sending its residents messages through `gateway` at the run's
/// moments, `cards` cards per courier each on their courier's route.
async fn setup(antar: &Antar, gateway: &Gateway, cards: usize) -> Vec<Courier> {
    let admin = gateway.serve(antar, "webhook", json!({"notify_moments": MOMENTS})).await;

    let total = cards * COURIERS;
    let import = antar.post_csv("/api/v1/cards/import", &admin, antar_tests::batch_csv(total, ',')).await;
    assert_eq!(import.body["imported"], total, "{}", import.text);
    let mut ids = Vec::with_capacity(total);
    for page in 1..=total.div_ceil(100) {
        let p = antar.get(&format!("/api/v1/cards?per_page=100&page={page}"), &admin).await.body;
        ids.extend(p["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
    }
    assert_eq!(ids.len(), total);
    let mut couriers = Vec::new();
    for (i, mine) in ids.chunks(cards).enumerate() {
        let (id, token) = antar.user(&format!("kurir{i}"), "courier").await;
        let route = antar
            .post("/api/v1/routes", &admin, json!({"courier_id": id, "date": "2026-12-01", "card_ids": mine}))
            .await;
        assert_eq!(route.status, StatusCode::CREATED, "{}", route.text);
        couriers.push(Courier::new(format!("kurir{i}"), id, token, mine.to_vec()));
    }
    couriers
}

mod every_acknowledged_event_and_message_survives_kills_and_database_crashes {
    use super::{chaos, Ground};

    #[actix_rt::test]
    async fn sqlite() {
        chaos(Ground::Sqlite).await
    }

    #[actix_rt::test]
    async fn postgres() {
        chaos(Ground::Postgres).await
    }

    #[actix_rt::test]
    async fn two_servers_on_postgres_one_killed() {
        chaos(Ground::TwoServers).await
    }
}
