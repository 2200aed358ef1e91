//! `BENCH_ONLY=dashboard`: what the console's two polling screens cost at an
//! office's scale — 25,000 cards, 50 couriers with a 70-card route today
//! (picked up; most delivered, some failed, the rest still out) and four
//! earlier days of routes delivered — beside the bare `GROUP BY` queries
//! that give the same counts, run on the same database in the same run.
//!
//! Antar's figure is the whole HTTP call (auth, the queries, the folds, the
//! JSON); the baseline is the queries alone on a direct connection, so the
//! ratio says what the rest costs.

use super::{csv_printed, delivered_payload, ev, median, Bench, Client};
use diesel::{Connection, RunQueryDsl};
use serde_json::json;
use std::time::Instant;

const CARDS: usize = 25_000;
const COURIERS: usize = 50;
const STOPS: usize = 70;
/// Earlier days whose routes were all delivered (history for the forecast).
const PAST_DAYS: usize = 4;
const SAMPLES: usize = 31;

pub struct Figures {
    pub backend: String,
    pub events: usize,
    pub dashboard: (f64, f64),
    pub forecast: (f64, f64),
    pub baseline_dashboard: f64,
    pub baseline_forecast: f64,
}

/// Median and 95th percentile, in ms.
fn spread(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let p95 = v[(v.len() * 95 / 100).min(v.len() - 1)];
    (median(v), p95)
}

async fn timed_get(c: &Client, path: &str, token: &str) -> Vec<f64> {
    for _ in 0..3 {
        c.ok(reqwest::Method::GET, path, Some(token), None).await;
    }
    let mut ms = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t = Instant::now();
        c.ok(reqwest::Method::GET, path, Some(token), None).await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms
}

/// The office's day: users, the import, routes for `PAST_DAYS` earlier days
/// and today, and each courier's sync. Returns the staff token, today and
/// the number of events accepted.
async fn prepare(c: &Client) -> (String, String, usize) {
    let admin = c.login_as("admin").await;
    // The office's today (WIB, the default zone), as the dashboard reads it.
    let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
    // Print dates spread over the forecast's four weeks.
    let body = csv_printed(CARDS, |i| (today - chrono::Duration::days((i % 28) as i64)).to_string());
    let report = c.import(&admin, body).await;
    assert_eq!(report["imported"], CARDS, "{report}");
    let ids = c.card_ids(&admin, CARDS).await;
    let mut couriers = Vec::with_capacity(COURIERS);
    for i in 0..COURIERS {
        let u = c.ok(reqwest::Method::POST, "/api/v1/users", Some(&admin), Some(json!({"username": format!("kurir{i}"), "password": super::PASSWORD, "role": "courier", "display_name": format!("Kurir {i}")}))).await;
        couriers.push(u["id"].as_str().unwrap().to_owned());
    }
    let mut chunks = ids.chunks(STOPS);
    // Per courier: each day's cards, the earlier days first.
    let mut work: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); COURIERS];
    for back in (0..=PAST_DAYS).rev() {
        let date = (today - chrono::Duration::days(back as i64)).to_string();
        for (k, courier) in couriers.iter().enumerate() {
            let cards = chunks.next().unwrap().to_vec();
            c.ok(
                reqwest::Method::POST,
                "/api/v1/routes",
                Some(&admin),
                Some(json!({"courier_id": courier, "date": date, "card_ids": cards})),
            )
            .await;
            work[k].push((back, cards));
        }
    }
    eprintln!("dashboard bench: {} routes made; syncing…", COURIERS * (PAST_DAYS + 1));
    let t0 = chrono::Utc::now() + chrono::Duration::seconds(1);
    let mut accepted = 0;
    for (k, days) in work.iter().enumerate() {
        let token = c.login_as(&format!("kurir{k}")).await;
        let mut events = Vec::new();
        let mut at = t0;
        let mut tick = || {
            at += chrono::Duration::milliseconds(10);
            at
        };
        for (back, cards) in days {
            for (i, card) in cards.iter().enumerate() {
                events.push(ev(card, "picked_up", tick(), json!({})));
                // Earlier days: all delivered. Today: 60 % delivered, 10 %
                // failed, the rest still out.
                let slot = if *back > 0 { 0 } else { i * 10 / cards.len() };
                let at = tick();
                match slot {
                    0..=5 => events.push(ev(card, "delivered", at, delivered_payload())),
                    6 => events.push(ev(
                        card,
                        "attempt_failed",
                        at,
                        json!({"reason": "not_home", "lat": -5.37, "lon": 105.24, "accuracy_m": 40.0}),
                    )),
                    _ => {}
                }
            }
        }
        for batch in events.chunks(50) {
            accepted += c.sync_clean(&token, &format!("hp-{k}"), batch).await;
        }
    }
    (admin, today.to_string(), accepted)
}

/// The counts the two screens show, as bare SQL: per courier and status on
/// today's routes, per kecamatan and status, and delivered/printed per day.
const BASELINE_DASHBOARD: [&str; 3] = [
    "SELECT r.courier_id AS a, c.status AS b, COUNT(*) AS n FROM routes r JOIN route_stops s ON s.route_id = r.id JOIN cards c ON c.id = s.card_id WHERE r.office_id = '{office}' AND r.date = '{today}' GROUP BY r.courier_id, c.status",
    "SELECT kecamatan AS a, status AS b, COUNT(*) AS n FROM cards WHERE office_id = '{office}' GROUP BY kecamatan, status",
    "SELECT courier_id AS a, '' AS b, COUNT(*) AS n FROM sync_batches WHERE office_id = '{office}' GROUP BY courier_id",
];
const BASELINE_FORECAST: [&str; 3] = [
    "SELECT substr(CAST(occurred_at AS TEXT), 1, 10) AS a, '' AS b, COUNT(DISTINCT card_id) AS n FROM card_events WHERE office_id = '{office}' AND kind = 'delivered' AND occurred_at >= '{since}' GROUP BY 1",
    "SELECT printed_on AS a, '' AS b, COUNT(*) AS n FROM cards WHERE office_id = '{office}' AND printed_on >= '{since}' GROUP BY printed_on",
    "SELECT status AS a, '' AS b, COUNT(*) AS n FROM cards WHERE office_id = '{office}' GROUP BY status",
];

#[derive(diesel::QueryableByName)]
#[allow(dead_code)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    a: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    b: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Median ms of running `queries` in turn; `load` runs one and counts its rows.
fn baseline(mut load: impl FnMut(&str) -> usize, queries: &[&str], office: &str, today: &str, since: &str) -> f64 {
    let sqls: Vec<String> = queries
        .iter()
        .map(|q| q.replace("{office}", office).replace("{today}", today).replace("{since}", since))
        .collect();
    let mut run = || {
        let t = Instant::now();
        let rows: usize = sqls.iter().map(|sql| load(sql)).sum();
        assert!(rows > 0);
        t.elapsed().as_secs_f64() * 1000.0
    };
    for _ in 0..3 {
        run();
    }
    median((0..SAMPLES).map(|_| run()).collect())
}

#[derive(diesel::QueryableByName)]
struct OfficeId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    office: String,
}

pub async fn bench(bin: &str, backend: &str) -> Figures {
    let mut server = super::start_on(bin, backend);
    let url = server.database.clone();
    let c = Client { http: reqwest::Client::new(), base: server.base.clone() };
    let (admin, today, events) = prepare(&c).await;
    let dash = c.ok(reqwest::Method::GET, "/api/v1/dashboard", Some(&admin), None).await;
    let rows = dash["couriers"].as_array().unwrap();
    assert_eq!(rows.len(), COURIERS, "every courier with a route today is on the dashboard");
    assert!(rows.iter().all(|r| r["handed_out"] == STOPS), "{}", rows[0]);
    let fc = c.ok(reqwest::Method::GET, "/api/v1/forecast", Some(&admin), None).await;
    if backend == "postgres" {
        // Statistics as autovacuum would leave them after the morning's
        // sync; otherwise its ANALYZE lands inside the timed calls.
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        diesel::sql_query("ANALYZE").execute(&mut conn).unwrap();
    }
    eprintln!(
        "dashboard bench, {backend}: {events} events; forecast backlog {} waiting {}",
        fc["backlog"], fc["waiting"]
    );
    let dashboard = spread(timed_get(&c, "/api/v1/dashboard", &admin).await);
    let forecast = spread(timed_get(&c, "/api/v1/forecast", &admin).await);
    server.kill();
    let since =
        (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap() - chrono::Duration::days(28)).to_string();
    let office_sql = "SELECT id AS office FROM offices LIMIT 1";
    let (baseline_dashboard, baseline_forecast) = if backend == "postgres" {
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        let office = diesel::sql_query(office_sql).load::<OfficeId>(&mut conn).unwrap().remove(0).office;
        let mut load = |sql: &str| diesel::sql_query(sql).load::<Count>(&mut conn).unwrap().len();
        let d = baseline(&mut load, &BASELINE_DASHBOARD, &office, &today, &since);
        (d, baseline(&mut load, &BASELINE_FORECAST, &office, &today, &since))
    } else {
        let mut conn = diesel::SqliteConnection::establish(&url).unwrap();
        let office = diesel::sql_query(office_sql).load::<OfficeId>(&mut conn).unwrap().remove(0).office;
        let mut load = |sql: &str| diesel::sql_query(sql).load::<Count>(&mut conn).unwrap().len();
        let d = baseline(&mut load, &BASELINE_DASHBOARD, &office, &today, &since);
        (d, baseline(&mut load, &BASELINE_FORECAST, &office, &today, &since))
    };
    Figures { backend: backend.into(), events, dashboard, forecast, baseline_dashboard, baseline_forecast }
}

pub fn print(figures: &[Figures]) {
    println!("| call ({CARDS} cards, {COURIERS} couriers × {STOPS} stops today, {PAST_DAYS} days before) | median ms | p95 ms | bare GROUP BYs, median ms | ratio |");
    println!("|---|---|---|---|---|");
    for f in figures {
        println!(
            "| GET /api/v1/dashboard, {} ({} events) | {:.1} | {:.1} | {:.1} | {:.1} |",
            f.backend,
            f.events,
            f.dashboard.0,
            f.dashboard.1,
            f.baseline_dashboard,
            f.dashboard.0 / f.baseline_dashboard
        );
        println!(
            "| GET /api/v1/forecast, {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            f.backend,
            f.forecast.0,
            f.forecast.1,
            f.baseline_forecast,
            f.forecast.0 / f.baseline_forecast
        );
    }
}
