//! `cargo xtask bench`: Antar's throughput beside raw database baselines
//! measured in the same run on the same database, median of 3.
//!
//! - sync ingest over HTTP (batches of 50 events, 8 couriers at once) vs
//!   100-row `INSERT … ON CONFLICT DO NOTHING` of the same rows;
//! - the same on SQLite;
//! - CSV import of 100,000 rows vs PostgreSQL `COPY` of the same file;
//! - the server's peak RSS (VmHWM) while ingesting;
//! - `BENCH_ONLY=dashboard`: the console's dashboard and forecast at
//!   25,000 cards beside the bare `GROUP BY`s (`dashboard.rs`);
//! - `BENCH_ONLY=notify`: the message dispatcher's throughput and what the
//!   outbox adds to a sync batch (`notify.rs`);
//! - `BENCH_ONLY=national | latency | metrics | soak`: a national day, the
//!   latency of 200 couriers at once, what `/metrics` costs, an hour's soak
//!   (`scale.rs`).
//!
//! The server is the release `antar` binary in its own process.

mod dashboard;
mod notify;
mod scale;

use antar_tests::process::Antar;
use diesel::{Connection, RunQueryDsl};
use serde_json::{json, Value};
use std::process::Command;
use std::time::Instant;

const COURIERS: usize = 8;
const BATCH: usize = 50;
const PASSWORD: &str = "bench-password-1";
/// Kelurahan and their kecamatan, so that per-kecamatan counts have groups.
const KELURAHAN: [(&str, &str); 6] = [
    ("RAJABASA", "RAJABASA"),
    ("GEDONG MENENG", "RAJABASA"),
    ("KEDATON", "KEDATON"),
    ("SIDODADI", "KEDATON"),
    ("WAY HALIM PERMAI", "WAY HALIM"),
    ("JAGABAYA II", "WAY HALIM"),
];

/// The release binary on a fresh database of `backend`; the database's URL
/// (for SQLite, the file's path) is `database`.
fn start_on(bin: &str, backend: &str) -> Antar {
    Antar::start(bin.into(), backend, &[("ANTAR_ADMIN_PASSWORD", PASSWORD)]).expect("PostgreSQL for the benchmark")
}

/// The benchmarks' client is the test support's; what they ask of it
/// (every call must succeed) is below.
type Client = antar_tests::Api;

trait Bench {
    /// A call that must succeed; its JSON answer.
    async fn ok(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<Value>) -> Value;
    /// Sends one sync batch; how many of its events were accepted clean
    /// (not flagged).
    async fn sync_clean(&self, token: &str, device: &str, batch: &[Value]) -> usize;
    /// `sync_clean` for runs longer than an access token lives: on 401,
    /// logs `user` in again, keeps the new token and resends once.
    async fn sync_renewing(&self, user: &str, token: &mut String, device: &str, batch: &[Value]) -> usize;
    /// Imports a print batch; the import report.
    async fn import(&self, token: &str, csv: String) -> Value;
    /// The ids of the office's first `n` cards, as the card list pages them.
    async fn card_ids(&self, token: &str, n: usize) -> Vec<String>;
    /// A token for `user`, whose password is the benchmarks' one.
    async fn login_as(&self, user: &str) -> String;
}

fn sync_body(device: &str, batch: &[Value]) -> Value {
    json!({"device_id": device, "sent_at": chrono::Utc::now().to_rfc3339(), "events": batch})
}

/// How many of a sync's events were accepted and not flagged.
fn accepted_clean(answer: &Value) -> usize {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "accepted" && x.get("code").is_none())
        .count()
}

impl Bench for Client {
    async fn ok(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<Value>) -> Value {
        let a = self.call(method, path, token, body).await;
        assert!(a.status.is_success(), "{path}: {} {}", a.status, a.text);
        a.body
    }

    async fn sync_clean(&self, token: &str, device: &str, batch: &[Value]) -> usize {
        let r = self.ok(reqwest::Method::POST, "/api/v1/sync", Some(token), Some(sync_body(device, batch))).await;
        accepted_clean(&r)
    }

    async fn sync_renewing(&self, user: &str, token: &mut String, device: &str, batch: &[Value]) -> usize {
        let body = sync_body(device, batch);
        let mut a = self.call(reqwest::Method::POST, "/api/v1/sync", Some(token), Some(body.clone())).await;
        if a.status == reqwest::StatusCode::UNAUTHORIZED {
            *token = self.login_as(user).await;
            a = self.call(reqwest::Method::POST, "/api/v1/sync", Some(token), Some(body)).await;
        }
        assert!(a.status.is_success(), "sync: {} {}", a.status, a.text);
        accepted_clean(&a.body)
    }

    async fn import(&self, token: &str, csv: String) -> Value {
        self.post_csv("/api/v1/cards/import", token, csv).await.body
    }

    async fn card_ids(&self, token: &str, n: usize) -> Vec<String> {
        let mut ids = Vec::with_capacity(n);
        for page in 1..=n.div_ceil(100) {
            let p = self
                .ok(reqwest::Method::GET, &format!("/api/v1/cards?per_page=100&page={page}"), Some(token), None)
                .await;
            ids.extend(p["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_owned()));
        }
        ids
    }

    async fn login_as(&self, user: &str) -> String {
        self.login(user, PASSWORD).await
    }
}

/// A print batch of `n` distinct, valid rows.
fn csv(n: usize) -> String {
    csv_printed(n, |_| "2026-11-01".into())
}

/// A print batch of `n` distinct, valid rows, row `i` printed on `printed(i)`.
fn csv_printed(n: usize, printed: impl Fn(usize) -> String) -> String {
    let mut out = String::from("NIK,NAMA,ALAMAT,RT,RW,KELURAHAN,KECAMATAN,NO_HP,TANGGAL_CETAK,NO_BATCH\n");
    for i in 0..n {
        let (day, serial) = (1 + i % 28, i / 28);
        let (month, rest) = (1 + serial % 12, serial / 12);
        let year = 50 + rest % 50;
        let seq = rest / 50;
        out.push_str(&format!(
            "1871{:02}{day:02}{month:02}{year:02}{:04},WARGA BENCH {i},JL. MELATI NO. {i},001,002,{},{},081234567890,{},B{}\n",
            1 + seq % 20,
            seq / 20 + 1,
            KELURAHAN[i % KELURAHAN.len()].0,
            KELURAHAN[i % KELURAHAN.len()].1,
            printed(i),
            i / 1000
        ));
    }
    out
}

/// Prepares `cards` cards on 8 couriers' routes; returns each courier's token
/// and card ids.
async fn prepare(c: &Client, cards: usize) -> Vec<(String, Vec<String>)> {
    let admin = c.login_as("admin").await;
    for i in 0..COURIERS {
        c.ok(reqwest::Method::POST, "/api/v1/users", Some(&admin), Some(json!({"username": format!("kurir{i}"), "password": PASSWORD, "role": "courier", "display_name": format!("Kurir {i}")}))).await;
    }
    let report = c.import(&admin, csv(cards)).await;
    assert_eq!(report["imported"], cards, "{report}");
    let ids = c.card_ids(&admin, cards).await;
    let couriers = c.ok(reqwest::Method::GET, "/api/v1/users?role=courier", Some(&admin), None).await;
    let mut out = Vec::new();
    for (i, chunk) in ids.chunks(cards / COURIERS).enumerate().take(COURIERS) {
        let courier =
            couriers["items"].as_array().unwrap().iter().find(|u| u["username"] == format!("kurir{i}")).unwrap();
        c.ok(
            reqwest::Method::POST,
            "/api/v1/routes",
            Some(&admin),
            Some(json!({"courier_id": courier["id"], "date": "2026-11-23", "card_ids": chunk})),
        )
        .await;
        out.push((c.login_as(&format!("kurir{i}")).await, chunk.to_vec()));
    }
    out
}

/// A courier's event as the phone sends it, with an id made as the phone
/// makes it (time first).
fn ev(card: &str, kind: &str, at: chrono::DateTime<chrono::Utc>, payload: Value) -> Value {
    json!({"id": uuid::Uuid::now_v7().to_string(), "card_id": card, "kind": kind, "occurred_at": at.to_rfc3339(), "payload": payload})
}

/// A delivery to the resident themself, with a good GPS fix.
fn delivered_payload() -> Value {
    json!({"recipient_name": "Penerima", "recipient_relation": "self", "lat": -5.37, "lon": 105.24, "accuracy_m": 12.0})
}

/// Each card: picked up, then delivered. Returns each courier's batches.
fn events(work: &[(String, Vec<String>)]) -> Vec<Vec<Vec<Value>>> {
    let t0 = chrono::Utc::now() + chrono::Duration::seconds(1);
    work.iter()
        .map(|(_, cards)| {
            let evs: Vec<Value> = cards
                .iter()
                .enumerate()
                .flat_map(|(i, card)| {
                    let at = |s: i64| t0 + chrono::Duration::milliseconds(i as i64 * 10 + s);
                    [ev(card, "picked_up", at(0), json!({})), ev(card, "delivered", at(5), delivered_payload())]
                })
                .collect();
            evs.chunks(BATCH).map(<[Value]>::to_vec).collect()
        })
        .collect()
}

/// Sends every courier's batches, the couriers at once; events per second.
async fn ingest(c: &Client, work: &[(String, Vec<String>)], batches: &[Vec<Vec<Value>>]) -> (f64, usize) {
    eprintln!("ingesting…");
    let start = Instant::now();
    let tasks = work.iter().zip(batches).map(|((token, _), mine)| async move {
        let mut n = 0;
        for batch in mine {
            n += c.sync_clean(token, "bench", batch).await;
        }
        n
    });
    let accepted: usize = futures_util::future::join_all(tasks).await.into_iter().sum();
    let secs = start.elapsed().as_secs_f64();
    (accepted as f64 / secs, accepted)
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The same rows, 100 per `INSERT … ON CONFLICT DO NOTHING`, 8 writers at once.
fn raw_insert<C: Connection + Send + 'static>(
    connect: impl Fn() -> C + Sync,
    batches: &[Vec<Vec<Value>>],
    office: &str,
) -> f64 {
    let rows: Vec<Vec<String>> = batches
        .iter()
        .map(|courier| {
            courier
                .iter()
                .flatten()
                .map(|e| {
                    let now = chrono::Utc::now().naive_utc().to_string();
                    format!(
                        "({}, {}, {}, {}, {}, {}, NULL, 'bench', {}, {}, NULL, NULL)",
                        sql_text(e["id"].as_str().unwrap()),
                        sql_text(e["card_id"].as_str().unwrap()),
                        sql_text(office),
                        sql_text(e["kind"].as_str().unwrap()),
                        sql_text(&now),
                        sql_text(&now),
                        sql_text(&e["payload"].to_string()),
                        sql_text(e["id"].as_str().unwrap()),
                    )
                })
                .collect()
        })
        .collect();
    let total: usize = rows.iter().map(Vec::len).sum();
    let start = Instant::now();
    std::thread::scope(|s| {
        for mine in &rows {
            let connect = &connect;
            s.spawn(move || {
                let mut conn = connect();
                for chunk in mine.chunks(100) {
                    let sql = format!(
                        "INSERT INTO bench_raw (id, card_id, office_id, kind, occurred_at, received_at, actor_id, device_id, payload, content_hash, implied_by, flag) VALUES {} ON CONFLICT DO NOTHING",
                        chunk.join(", ")
                    );
                    conn.batch_execute(&sql).unwrap();
                }
            });
        }
    });
    total as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

struct Ingest {
    rate: f64,
    raw: f64,
    rss: f64,
    accepted: usize,
}

async fn bench_ingest(bin: &str, backend: &str, cards: usize) -> Ingest {
    let (mut rates, mut raws, mut rss, mut accepted) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for run in 0..3 {
        let mut server = start_on(bin, backend);
        let url = server.database.clone();
        let c = Client { http: reqwest::Client::new(), base: server.base.clone() };
        let work = prepare(&c, cards).await;
        let set_up_rss = server.peak_rss_mb();
        let batches = events(&work);
        let (rate, n) = ingest(&c, &work, &batches).await;
        rss.push(server.peak_rss_mb());
        accepted = n;
        let office: String;
        let raw = if backend == "postgres" {
            let mut conn = diesel::PgConnection::establish(&url).unwrap();
            diesel::sql_query("CREATE TABLE bench_raw (LIKE card_events INCLUDING ALL)").execute(&mut conn).unwrap();
            office = diesel::sql_query("SELECT id AS office FROM offices LIMIT 1")
                .load::<OfficeId>(&mut conn)
                .unwrap()
                .remove(0)
                .office;
            server.kill();
            raw_insert(|| diesel::PgConnection::establish(&url).unwrap(), &batches, &office)
        } else {
            server.kill();
            let path = url.clone();
            let mut conn = diesel::SqliteConnection::establish(&path).unwrap();
            diesel::sql_query("CREATE TABLE bench_raw AS SELECT id, card_id, office_id, kind, occurred_at, received_at, actor_id, device_id, payload, content_hash, implied_by, flag FROM card_events WHERE 0").execute(&mut conn).unwrap();
            diesel::sql_query("CREATE UNIQUE INDEX bench_raw_id ON bench_raw(id)").execute(&mut conn).unwrap();
            office = diesel::sql_query("SELECT id AS office FROM offices LIMIT 1")
                .load::<OfficeId>(&mut conn)
                .unwrap()
                .remove(0)
                .office;
            raw_insert(
                || {
                    let mut c = diesel::SqliteConnection::establish(&path).unwrap();
                    diesel::sql_query("PRAGMA busy_timeout = 10000").execute(&mut c).unwrap();
                    diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut c).unwrap();
                    diesel::sql_query("PRAGMA synchronous = NORMAL").execute(&mut c).unwrap();
                    c
                },
                &batches,
                &office,
            )
        };
        eprintln!(
            "{backend} run {}: {rate:.0} events/s via sync, raw {raw:.0} rows/s; peak RSS {set_up_rss:.0} MB after set-up, {:.0} MB after ingest",
            run + 1,
            rss.last().copied().unwrap_or_default()
        );
        rates.push(rate);
        raws.push(raw);
    }
    Ingest { rate: median(rates), raw: median(raws), rss: rss.into_iter().fold(0.0, f64::max), accepted }
}

#[derive(diesel::QueryableByName)]
struct OfficeId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    office: String,
}

async fn bench_import(bin: &str, rows: usize) -> (f64, f64, f64) {
    let body = csv(rows);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &body).unwrap();
    let (mut rates, mut copies, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..3 {
        let server = start_on(bin, "postgres");
        let url = server.database.clone();
        let c = Client { http: reqwest::Client::new(), base: server.base.clone() };
        let admin = c.login_as("admin").await;
        let start = Instant::now();
        let report = c.import(&admin, body.clone()).await;
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(report["imported"], rows, "{}", report["errors"][0]);
        rss.push(server.peak_rss_mb());
        drop(server);
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        diesel::sql_query("CREATE TABLE bench_copy (nik TEXT, nama TEXT, alamat TEXT, rt TEXT, rw TEXT, kelurahan TEXT, kecamatan TEXT, no_hp TEXT, tanggal_cetak DATE, no_batch TEXT)").execute(&mut conn).unwrap();
        let copy = format!("\\copy bench_copy FROM '{}' CSV HEADER", file.path().display());
        let start = Instant::now();
        let out = Command::new("psql").args([url.as_str(), "-q", "-c", &copy]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let copy_secs = start.elapsed().as_secs_f64();
        eprintln!(
            "import run {}: {:.0} rows/s, COPY {:.0} rows/s",
            run + 1,
            rows as f64 / secs,
            rows as f64 / copy_secs
        );
        rates.push(rows as f64 / secs);
        copies.push(rows as f64 / copy_secs);
    }
    (median(rates), median(copies), rss.into_iter().fold(0.0, f64::max))
}

/// How long the route sheet and the labels of a 70-stop route take to
/// make (the PDF renderers alone, median of 15; the first run, which
/// parses the fonts, reported apart).
fn bench_print() {
    use antar_server::print::{labels, sheet, Addressee};
    let to = |i: i32| Addressee {
        name: format!("WARGA DENGAN NAMA PANJANG {i}"),
        address: format!("JL. PANGERAN ANTASARI NO. {i} GANG KENANGA DEKAT MASJID"),
        rt: Some("001".into()),
        rw: Some("002".into()),
        kelurahan: "KEDATON".into(),
        kecamatan: "KEDATON".into(),
    };
    let stops: Vec<sheet::SheetStop> = (1..=70)
        .map(|i| sheet::SheetStop {
            seq: i,
            to: to(i),
            landmark: Some("pagar biru".into()),
            phone: Some("081234567890".into()),
            nik_last4: "0001".into(),
        })
        .collect();
    let doc = sheet::RouteSheet {
        office: "KOTA BANDAR LAMPUNG".into(),
        courier: "Budi".into(),
        date: "2026-12-04".into(),
        printed_at: "3 Desember 2026 09.00 WIB".into(),
        stops,
    };
    let set = labels::Labels {
        courier: "Budi".into(),
        date: "2026-12-04".into(),
        labels: (1..=70)
            .map(|i| labels::Label {
                seq: i,
                to: to(i),
                url: labels::door_url("https://antar.example.go.id", &format!("0190a1b2-c3d4-7e5f-8a9b-{i:012}")),
            })
            .collect(),
    };
    let time = |f: &dyn Fn() -> usize| {
        let t = std::time::Instant::now();
        let bytes = f();
        (t.elapsed().as_secs_f64() * 1000.0, bytes)
    };
    let (cold, _) = time(&|| labels::render(&set).unwrap().len());
    let runs: Vec<(f64, usize)> = (0..15).map(|_| time(&|| labels::render(&set).unwrap().len())).collect();
    let label_ms = median(runs.iter().map(|r| r.0).collect());
    let sheets: Vec<(f64, usize)> = (0..15).map(|_| time(&|| sheet::render(&doc).unwrap().len())).collect();
    println!("| document (70 stops) | median ms | size KB |\n|---|---|---|");
    println!("| envelope labels, 3 sheets of 3 × 8 | {label_ms:.1} | {:.0} |", runs[0].1 as f64 / 1024.0);
    println!(
        "| route sheet, 4 pages | {:.1} | {:.0} |",
        median(sheets.iter().map(|r| r.0).collect()),
        sheets[0].1 as f64 / 1024.0
    );
    println!("\nFirst labels after start (parses the embedded fonts): {cold:.1} ms");
}

fn main() {
    let bin = std::env::var("ANTAR_BIN").unwrap_or_else(|_| "target/release/antar".into());
    let cards: usize = std::env::var("BENCH_CARDS").ok().and_then(|v| v.parse().ok()).unwrap_or(4000);
    let rows: usize = std::env::var("BENCH_IMPORT_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    if only == "print" {
        bench_print();
        return;
    }
    if only == "notify" {
        let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "postgres,sqlite".into());
        // The gateway stand-in is an actix server: run in an actix system.
        actix_rt::System::new().block_on(notify::bench(&bin, &backends, cards));
        return;
    }
    if let Some(run) = ["national", "latency", "metrics", "soak"].into_iter().find(|m| *m == only) {
        let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "postgres,sqlite".into());
        for backend in backends.split(',') {
            match run {
                "national" => rt.block_on(scale::national(&bin, backend)),
                "latency" => rt.block_on(scale::latency(&bin, backend)),
                "metrics" => rt.block_on(scale::metrics_cost(&bin, backend)),
                _ => rt.block_on(scale::soak(&bin, backend)),
            }
        }
        return;
    }
    if only == "dashboard" {
        let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "postgres,sqlite".into());
        let figures: Vec<_> = backends.split(',').map(|b| rt.block_on(dashboard::bench(&bin, b))).collect();
        dashboard::print(&figures);
        return;
    }
    if only == "sync" {
        let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "postgres,sqlite".into());
        for backend in backends.split(',') {
            let r = rt.block_on(bench_ingest(&bin, backend, cards));
            println!(
                "sync ingest, {backend}, {} events: {:.0} events/s beside raw {:.0} rows/s ({:.2}); peak RSS {:.0} MB",
                r.accepted,
                r.rate,
                r.raw,
                r.rate / r.raw,
                r.rss
            );
        }
        return;
    }
    let (import, copy, import_rss) = rt.block_on(bench_import(&bin, rows));
    if only == "import" {
        println!("CSV import, {rows} rows, PostgreSQL: {import:.0} rows/s beside COPY {copy:.0} rows/s ({:.2}); peak RSS {import_rss:.0} MB", import / copy);
        return;
    }
    let pg = rt.block_on(bench_ingest(&bin, "postgres", cards));
    let lite = rt.block_on(bench_ingest(&bin, "sqlite", cards));
    let day = |rate: f64| 500_000.0 / rate;
    println!("| measure | Antar | baseline | ratio | goal |");
    println!("|---|---|---|---|---|");
    println!("| sync ingest, PostgreSQL ({} events, 8 couriers, batches of 50) | {:.0} events/s | {:.0} rows/s raw INSERT | {:.2} | ≥ 0.5 |", pg.accepted, pg.rate, pg.raw, pg.rate / pg.raw);
    println!(
        "| sync ingest, SQLite ({} events) | {:.0} events/s | {:.0} rows/s raw INSERT | {:.2} | ≥ 0.5 |",
        lite.accepted,
        lite.rate,
        lite.raw,
        lite.rate / lite.raw
    );
    println!(
        "| CSV import, {rows} rows, PostgreSQL | {import:.0} rows/s | {copy:.0} rows/s COPY | {:.2} | ≥ 0.4 |",
        import / copy
    );
    println!(
        "| peak server RSS: ingest PostgreSQL / SQLite / 100k import | {:.0} / {:.0} / {:.0} MB | | | ≤ 150 MB |",
        pg.rss, lite.rss, import_rss
    );
    println!(
        "\nA national day (500,000 events): {:.0} s on PostgreSQL, {:.0} s on SQLite at these rates.",
        day(pg.rate),
        day(lite.rate)
    );
}
