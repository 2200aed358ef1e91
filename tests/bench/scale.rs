//! A province or the country on one installation:
//!
//! - `BENCH_ONLY=national`: a national day — 500,000 events from 1,000
//!   couriers (250 cards each, picked up and delivered) in batches of 50,
//!   16 batches in flight — timed end to end, beside raw inserts of the
//!   same rows into a copy of the event table in the same database;
//! - `BENCH_ONLY=latency`: 200 couriers at once, single-event syncs: back
//!   to back (the server saturated), then each courier once a second
//!   (`BENCH_PACE_MS`); latency percentiles beside `GET /healthz` from 200
//!   clients at once in the same run;
//! - `BENCH_ONLY=metrics`: what `/metrics` costs — sync throughput in
//!   phases of `BENCH_PHASE_SECS` (20) alternately without and with a
//!   scrape every 5 s (A B B A, so a drift cancels);
//! - `BENCH_ONLY=soak`: `BENCH_SOAK_SECS` (3600) at ten times an office's
//!   daily rate (7,000 cards delivered in the hour), the dashboard polled
//!   and `/metrics` scraped every 15 s; resident memory and open file
//!   descriptors sampled each minute.

use super::{csv, delivered_payload, ev, median, raw_insert, start_on, Bench, Client, OfficeId, PASSWORD};
use antar_tests::process::Antar;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The card ids of the server's database, in id order.
fn card_ids(database: &str) -> Vec<String> {
    use antar_server::db::schema::cards::dsl::*;
    use diesel::{QueryDsl, RunQueryDsl};
    let url = if database.starts_with("postgres") { database.to_owned() } else { format!("sqlite://{database}") };
    let (pool, _) = antar_server::db::connect(&url).unwrap();
    cards.select(id).order(id).load::<String>(&mut *pool.get().unwrap()).unwrap()
}

/// `n` couriers, each with `per` of `ids` on a route; their tokens and
/// cards. Made a few at a time (each user is a password hash).
async fn couriers(c: &Client, admin: &str, n: usize, per: usize, ids: &[String]) -> Vec<(String, Vec<String>)> {
    let made = futures_util::stream::iter(ids.chunks(per).take(n).enumerate().map(|(i, mine)| async move {
        let name = format!("kurir{i}");
        let user = c
            .ok(
                reqwest::Method::POST,
                "/api/v1/users",
                Some(admin),
                Some(json!({"username": name, "password": PASSWORD, "role": "courier", "display_name": format!("Kurir {i}")})),
            )
            .await;
        c.ok(
            reqwest::Method::POST,
            "/api/v1/routes",
            Some(admin),
            Some(json!({"courier_id": user["id"], "date": "2026-12-04", "card_ids": mine})),
        )
        .await;
        (c.login_as(&name).await, mine.to_vec())
    }))
    .buffered(4)
    .collect::<Vec<_>>()
    .await;
    assert_eq!(made.len(), n);
    made
}

/// A release server on a fresh `backend` database with `n` couriers of
/// `per` cards each on a route: the server, a client, the admin's token and
/// each courier's token and cards.
async fn office(bin: &str, backend: &str, n: usize, per: usize) -> (Antar, Client, String, Vec<(String, Vec<String>)>) {
    let server = start_on(bin, backend);
    let c = Client {
        // Connections idle past the server's keep-alive (5 s) are not reused:
        // making the day's events pauses this single-threaded client for
        // seconds, too long for it to notice the server closing them, and a
        // request sent on one as it closes fails (`IncompleteMessage`).
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(n.max(8))
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .unwrap(),
        base: server.base.clone(),
    };
    let admin = c.login_as("admin").await;
    let report = c.import(&admin, csv(n * per)).await;
    assert_eq!(report["imported"], n * per, "{}", report["errors"][0]);
    let ids = card_ids(&server.database);
    let work = couriers(&c, &admin, n, per, &ids).await;
    (server, c, admin, work)
}

async fn sync(c: &Client, token: &str, batch: &[Value]) -> usize {
    c.sync_clean(token, "bench", batch).await
}

/// The national day, once per backend given.
pub async fn national(bin: &str, backend: &str) {
    // `BENCH_COURIERS` makes a smaller day to compare changes quickly.
    let couriers: usize = std::env::var("BENCH_COURIERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
    const CARDS: usize = 250;
    let started = Instant::now();
    let (mut server, c, _, work) = office(bin, backend, couriers, CARDS).await;
    eprintln!("{backend}: {} cards on {couriers} routes in {:.0} s", couriers * CARDS, started.elapsed().as_secs_f64());
    let batches = super::events(&work);
    // Round by round: every courier's first batch, then every second one.
    let rounds = batches.iter().map(Vec::len).max().unwrap_or(0);
    let order: Vec<(&str, &[Value])> = (0..rounds)
        .flat_map(|r| work.iter().zip(&batches).filter_map(move |((t, _), b)| b.get(r).map(|b| (t.as_str(), &b[..]))))
        .collect();
    let events: usize = order.iter().map(|(_, b)| b.len()).sum();
    let start = Instant::now();
    let accepted: usize = futures_util::stream::iter(order.iter().map(|(token, batch)| sync(&c, token, batch)))
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .sum();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(accepted, events, "every event accepted clean");
    if backend == "postgres" && std::env::var_os("ANTAR_PG_STATS").is_some() {
        statement_times(&server.database);
    }
    let rss = server.peak_rss_mb();
    // The same rows, raw, by 8 writers, into a copy of the event table.
    let office = office_of(&server.database, backend);
    server.kill();
    let writers: Vec<Vec<Vec<Value>>> =
        (0..8).map(|w| batches.iter().skip(w).step_by(8).flat_map(|b| b.iter().cloned()).collect()).collect();
    let raw_rate = raw_copy(&server.database, backend, &writers, &office);
    let raw_secs = events as f64 / raw_rate;
    println!(
        "national day, {backend}: {events} events from {couriers} couriers in {secs:.1} s ({:.0} events/s); \
         raw inserts of the same rows {raw_secs:.1} s ({raw_rate:.0} rows/s); ratio {:.2}; peak RSS {rss:.0} MB",
        events as f64 / secs,
        raw_secs / secs
    );
}

/// The statements that took most of PostgreSQL's time (with
/// `ANTAR_PG_STATS=1`, which loads pg_stat_statements).
fn statement_times(database: &str) {
    use diesel::{Connection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Double)]
        ms: f64,
        #[diesel(sql_type = diesel::sql_types::Double)]
        plan_ms: f64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        calls: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        query: String,
    }
    let mut conn = diesel::PgConnection::establish(database).unwrap();
    diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(&mut conn).unwrap();
    let rows = diesel::sql_query(
        "SELECT total_exec_time + total_plan_time AS ms, total_plan_time AS plan_ms, calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query \
         FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 15",
    )
    .load::<Row>(&mut conn)
    .unwrap();
    for r in rows {
        eprintln!("  {:>9.0} ms ({:>6.0} planning) {:>8} calls  {}", r.ms, r.plan_ms, r.calls, r.query);
    }
    #[derive(diesel::QueryableByName)]
    struct Updates {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        all: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        hot: i64,
    }
    let u = diesel::sql_query(
        "SELECT n_tup_upd AS all, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = 'cards'",
    )
    .get_result::<Updates>(&mut conn)
    .unwrap();
    eprintln!("  cards: {} updates, {} of them HOT (no index touched)", u.all, u.hot);
}

fn office_of(database: &str, backend: &str) -> String {
    use diesel::{Connection, RunQueryDsl};
    let q = "SELECT id AS office FROM offices LIMIT 1";
    if backend == "postgres" {
        let mut conn = diesel::PgConnection::establish(database).unwrap();
        diesel::sql_query(q).load::<OfficeId>(&mut conn).unwrap().remove(0).office
    } else {
        let mut conn = diesel::SqliteConnection::establish(database).unwrap();
        diesel::sql_query(q).load::<OfficeId>(&mut conn).unwrap().remove(0).office
    }
}

/// Raw inserts of `writers`' rows into a fresh copy of the event table.
fn raw_copy(database: &str, backend: &str, writers: &[Vec<Vec<Value>>], office: &str) -> f64 {
    use diesel::{Connection, RunQueryDsl};
    if backend == "postgres" {
        let mut conn = diesel::PgConnection::establish(database).unwrap();
        diesel::sql_query("CREATE TABLE bench_raw (LIKE card_events INCLUDING ALL)").execute(&mut conn).unwrap();
        raw_insert(|| diesel::PgConnection::establish(database).unwrap(), writers, office)
    } else {
        let mut conn = diesel::SqliteConnection::establish(database).unwrap();
        diesel::sql_query("CREATE TABLE bench_raw AS SELECT id, card_id, office_id, kind, occurred_at, received_at, actor_id, device_id, payload, content_hash, implied_by, flag FROM card_events WHERE 0").execute(&mut conn).unwrap();
        diesel::sql_query("CREATE UNIQUE INDEX bench_raw_id ON bench_raw(id)").execute(&mut conn).unwrap();
        raw_insert(
            || {
                let mut c = diesel::SqliteConnection::establish(database).unwrap();
                diesel::sql_query("PRAGMA busy_timeout = 10000").execute(&mut c).unwrap();
                diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut c).unwrap();
                diesel::sql_query("PRAGMA synchronous = NORMAL").execute(&mut c).unwrap();
                c
            },
            writers,
            office,
        )
    }
}

fn percentiles(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 * p) as usize).min(ms.len() - 1)];
    format!("p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms", at(0.5), at(0.95), at(0.99), at(1.0))
}

/// 200 couriers at once, single-event syncs.
pub async fn latency(bin: &str, backend: &str) {
    const COURIERS: usize = 200;
    const CARDS: usize = 20;
    // One connection per courier, as 200 phones would hold.
    let (_server, c, _, work) = office(bin, backend, COURIERS, CARDS).await;
    let health = futures_util::future::join_all((0..COURIERS).map(|_| async {
        let mut ms = Vec::new();
        for _ in 0..CARDS * 2 {
            let t = Instant::now();
            let res = c.http.get(format!("{}/healthz", c.base)).send().await.unwrap();
            assert!(res.status().is_success());
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        ms
    }))
    .await;
    let c = &c;
    // Back to back (each courier sends the next as soon as the last is
    // answered: the server saturated), then paced (each courier once every
    // `pace` on average, its start spread: an offered load).
    let half = CARDS / 2;
    let run = |from: usize, pace: Option<Duration>| {
        futures_util::future::join_all(work.iter().enumerate().map(move |(i, (token, cards))| async move {
            let mut ms = Vec::new();
            if let Some(p) = pace {
                tokio::time::sleep(p.mul_f64(i as f64 / COURIERS as f64)).await;
            }
            for card in &cards[from..from + half] {
                for (kind, payload) in [("picked_up", json!({})), ("delivered", delivered_payload())] {
                    let batch = [ev(card, kind, chrono::Utc::now(), payload)];
                    let t = Instant::now();
                    assert_eq!(sync(c, token, &batch).await, 1);
                    let took = t.elapsed();
                    ms.push(took.as_secs_f64() * 1000.0);
                    if let Some(p) = pace {
                        tokio::time::sleep(p.saturating_sub(took)).await;
                    }
                }
            }
            ms
        }))
    };
    let saturated = run(0, None).await.concat();
    let pace = Duration::from_millis(std::env::var("BENCH_PACE_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000));
    let paced = run(half, Some(pace)).await.concat();
    println!(
        "200 couriers, single-event syncs, {backend}, back to back ({} syncs): {}",
        saturated.len(),
        percentiles(saturated)
    );
    println!(
        "200 couriers, single-event syncs, {backend}, each once every {} ms ({} syncs): {}",
        pace.as_millis(),
        paced.len(),
        percentiles(paced)
    );
    println!("  the same 200 clients' GET /healthz, same run: {}", percentiles(health.concat()));
}

/// Sends `attempt_failed` for the couriers' cards, round after round, for
/// `secs`; events acknowledged per second.
async fn sustained(c: &Client, work: &[(String, Vec<String>)], secs: f64) -> f64 {
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let sent: usize = futures_util::future::join_all(work.iter().map(|(token, cards)| async move {
        let mut n = 0;
        'rounds: loop {
            for chunk in cards.chunks(50) {
                if Instant::now() >= until {
                    break 'rounds;
                }
                let now = chrono::Utc::now();
                let batch: Vec<Value> = chunk
                    .iter()
                    .map(|card| {
                        ev(
                            card,
                            "attempt_failed",
                            now,
                            json!({"reason": "not_home", "lat": -5.37, "lon": 105.24, "accuracy_m": 30.0}),
                        )
                    })
                    .collect();
                n += sync(c, token, &batch).await;
            }
        }
        n
    }))
    .await
    .into_iter()
    .sum();
    sent as f64 / start.elapsed().as_secs_f64()
}

/// Sync throughput without and with `/metrics` scraped every 5 s.
pub async fn metrics_cost(bin: &str, backend: &str) {
    const COURIERS: usize = 8;
    const CARDS: usize = 4_000;
    let phase: f64 = std::env::var("BENCH_PHASE_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(10.0);
    let (_server, c, _, work) = office(bin, backend, COURIERS, CARDS).await;
    // Every card in the bag first.
    let cl = &c;
    futures_util::future::join_all(work.iter().map(|(token, cards)| async move {
        for chunk in cards.chunks(50) {
            let now = chrono::Utc::now();
            let batch: Vec<Value> = chunk.iter().map(|card| ev(card, "picked_up", now, json!({}))).collect();
            sync(cl, token, &batch).await;
        }
    }))
    .await;
    // Each card's log grows phase by phase, and the sync slows with it,
    // steeply at first: four warm-up phases, then blocks of A B B A, each
    // block's ratio its own (a linear drift cancels within a block).
    let block = [Some(false), Some(true), Some(true), Some(false)];
    let phases = std::iter::repeat_n(None, 4).chain(block.iter().copied().cycle().take(4 * 3));
    let mut rates: Vec<(bool, f64)> = Vec::new();
    for phase_kind in phases {
        let scrape = phase_kind.unwrap_or(false);
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let scraper = scrape.then(|| {
            let (http, url, stop) = (c.http.clone(), format!("{}/metrics", c.base), stop.clone());
            tokio::spawn(async move {
                let mut scrapes = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let body = http.get(&url).send().await.unwrap().text().await.unwrap();
                    assert!(body.contains("antar_sync_events_total"));
                    scrapes += 1;
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                scrapes
            })
        });
        let rate = sustained(&c, &work, phase).await;
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let scrapes = match scraper {
            Some(s) => s.await.unwrap(),
            None => 0,
        };
        let note = if phase_kind.is_none() { " (warm-up)" } else { "" };
        eprintln!("{backend}: {rate:.0} events/s, {scrapes} scrapes{note}");
        if let Some(scraped) = phase_kind {
            rates.push((scraped, rate));
        }
    }
    let ratios: Vec<f64> = rates
        .chunks(4)
        .map(|b| {
            let sum = |s: bool| b.iter().filter(|r| r.0 == s).map(|r| r.1).sum::<f64>();
            sum(true) / sum(false)
        })
        .collect();
    println!(
        "/metrics cost, {backend}: scraped every 5 s / not scraped, per A B B A block: {} (median {:.3})",
        ratios.iter().map(|r| format!("{r:.3}")).collect::<Vec<_>>().join(", "),
        median(ratios.clone())
    );
}

/// An hour at ten times an office's daily rate.
pub async fn soak(bin: &str, backend: &str) {
    const COURIERS: usize = 10;
    const CARDS: usize = 700;
    let secs: u64 = std::env::var("BENCH_SOAK_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(3600);
    let (server, c, admin, work) = office(bin, backend, COURIERS, CARDS).await;
    let batches = super::events(&work);
    // 14,000 events in `secs`: one batch of 4 every `gap`.
    let plan: Vec<(usize, Vec<Value>)> = batches
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.iter().flat_map(move |b| b.chunks(4).map(move |c| (i, c.to_vec())).collect::<Vec<_>>()))
        .collect();
    // Access tokens last 15 minutes: a courier logs in again when told.
    let mut tokens: Vec<String> = work.iter().map(|(t, _)| t.clone()).collect();
    let (mut admin, mut admin_since) = (admin, Instant::now());
    let gap = Duration::from_secs_f64(secs as f64 / plan.len() as f64);
    let start = Instant::now();
    let warm_up = Duration::from_secs(secs / 10);
    let (mut samples, mut after_warm_up) = (Vec::new(), None);
    let mut next_sample = start;
    let mut next_poll = start;
    let today = chrono::Utc::now().date_naive().to_string();
    for (i, (courier, batch)) in plan.iter().enumerate() {
        // Each batch as of now, its events a millisecond apart in order.
        let now = chrono::Utc::now();
        let batch: Vec<Value> = batch
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let mut e = e.clone();
                e["occurred_at"] = json!((now + chrono::Duration::milliseconds(k as i64)).to_rfc3339());
                e
            })
            .collect();
        c.sync_renewing(&format!("kurir{courier}"), &mut tokens[*courier], "soak", &batch).await;
        if Instant::now() >= next_poll {
            if admin_since.elapsed() > Duration::from_secs(600) {
                (admin, admin_since) = (c.login_as("admin").await, Instant::now());
            }
            c.ok(reqwest::Method::GET, &format!("/api/v1/dashboard?date={today}"), Some(&admin), None).await;
            c.http.get(format!("{}/metrics", c.base)).send().await.unwrap().text().await.unwrap();
            next_poll += Duration::from_secs(15);
        }
        if Instant::now() >= next_sample {
            let (rss, fds) = (server.rss_mb(), server.open_fds());
            samples.push((start.elapsed().as_secs(), rss, fds));
            if after_warm_up.is_none() && start.elapsed() >= warm_up {
                after_warm_up = Some((rss, fds));
            }
            next_sample += Duration::from_secs(60);
        }
        let due = start + gap * (i as u32 + 1);
        tokio::time::sleep_until(due.into()).await;
    }
    let (end_rss, end_fds) = (server.rss_mb(), server.open_fds());
    let (warm_rss, warm_fds) = after_warm_up.unwrap_or((end_rss, end_fds));
    for (t, rss, fds) in &samples {
        eprintln!("  {t:>5} s: RSS {rss:.1} MB, {fds} open fds");
    }
    println!(
        "soak, {backend}, {} s, {} events: RSS {warm_rss:.1} MB after warm-up, {end_rss:.1} MB at the end ({:+.1} %), \
         peak {:.1} MB; open fds {warm_fds} after warm-up, {end_fds} at the end",
        start.elapsed().as_secs(),
        plan.iter().map(|(_, b)| b.len()).sum::<usize>(),
        (end_rss / warm_rss - 1.0) * 100.0,
        server.peak_rss_mb()
    );
}
