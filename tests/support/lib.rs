//! Test support: the real server on a real port, over SQLite (a temp file per
//! test) or PostgreSQL (a database per test on a throwaway cluster), and an
//! HTTP client that logs in like the clients do.

pub mod cvrplib;
pub mod gateway;
pub mod pg;
pub mod process;

use actix_web::web;
use antar_server::{AppState, Config};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const ADMIN_PASSWORD: &str = "admin-test-password";

/// A running server with its own database, in the test's process (its
/// state at hand); its HTTP calls are [`Api`]'s.
pub struct TestApp {
    api: Api,
    pub state: web::Data<AppState>,
    handle: actix_web::dev::ServerHandle,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for TestApp {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}

/// A client of one server, logging in like the apps do.
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command now; nobody waits for it.
        drop(self.handle.stop(false));
    }
}

/// An answer: status and JSON body (`Null` when the body is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
    pub text: String,
    pub headers: reqwest::header::HeaderMap,
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::start(|_| {}).await
    }

    /// `None` (after saying so loudly) when no PostgreSQL can be had and
    /// `ANTAR_REQUIRE_PG` is not set; with it set, that is a failure.
    pub async fn postgres() -> Option<TestApp> {
        let url = pg::fresh_database()?;
        Some(Self::start(move |c| c.database_url = Some(url)).await)
    }

    pub async fn start(tweak: impl FnOnce(&mut Config) + Send + 'static) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_data_dir(dir.path().to_path_buf());
        config.admin_password = Some(ADMIN_PASSWORD.into());
        // Residents' messages: looked for often and retried soon, so tests
        // see them go in well under a second.
        config.notify_poll_ms = 100;
        config.notify_retry_ms = 300;
        // A claim holds 4 s, so a send is cut off after 2 s.
        config.notify_lease_ms = 4000;
        tweak(&mut config);
        let state = actix_web::rt::task::spawn_blocking(move || antar_server::prepare(config)).await.unwrap().unwrap();
        let (server, addrs) = antar_server::server(state.clone()).unwrap();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let api = Api { base: format!("http://{}", addrs[0]), http: reqwest::Client::new() };
        TestApp { api, state, handle, _dir: dir }
    }

    /// A second office with a staff user, made as an operator would.
    pub async fn other_office_staff(&self) -> String {
        let pool = self.state.pool.clone();
        actix_web::rt::task::spawn_blocking(move || {
            use antar_server::db::offices;
            let mut conn = pool.get().unwrap();
            let office = offices::Office::new("1872", "KOTA METRO", "Asia/Jakarta");
            offices::insert(&mut conn, &office).unwrap();
            antar_server::bootstrap::create_user(
                &mut conn,
                &office.id,
                "metro-staff",
                "metro-staff-password",
                "staff",
                "Metro",
            )
            .unwrap();
        })
        .await
        .unwrap();
        self.login("metro-staff", "metro-staff-password").await
    }

    /// Makes every resident link of the database expired.
    pub async fn expire_links(&self) {
        let pool = self.state.pool.clone();
        actix_web::rt::task::spawn_blocking(move || {
            use antar_server::db::schema::resident_links::dsl::*;
            use diesel::{ExpressionMethods, RunQueryDsl};
            let mut conn = pool.get().unwrap();
            let past = antar_server::db::now() - chrono::Duration::days(1);
            diesel::update(resident_links).set(expires_at.eq(past)).execute(&mut *conn).unwrap();
        })
        .await
        .unwrap();
    }
}

impl Api {
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Self::answer(req.send().await.unwrap()).await
    }

    pub async fn answer(res: reqwest::Response) -> Answer {
        let status = res.status();
        let headers = res.headers().clone();
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, content_type, body, text, headers }
    }

    /// The bytes of a file the API makes (a PDF), with its status and type.
    pub async fn get_bytes(&self, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
        let res = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap();
        let status = res.status();
        let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        (status, kind, res.bytes().await.unwrap().to_vec())
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn post_csv(&self, path: &str, token: &str, csv: impl Into<reqwest::Body>) -> Answer {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        Self::answer(res).await
    }

    pub async fn login_pair(&self, username: &str, password: &str) -> Answer {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username": username, "password": password})),
        )
        .await
    }

    /// Logs in and returns the access token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let a = self.login_pair(username, password).await;
        assert_eq!(a.status, StatusCode::OK, "login {username}: {}", a.text);
        a.body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user through the API and returns `(id, access token)`.
    pub async fn user(&self, username: &str, role: &str) -> (String, String) {
        let admin = self.admin().await;
        let password = format!("{username}-password-1");
        let a = self
            .post("/api/v1/users", &admin, serde_json::json!({"username": username, "password": password, "role": role, "display_name": format!("{username} Test")}))
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let id = a.body["id"].as_str().unwrap().to_owned();
        (id, self.login(username, &password).await)
    }
}

/// Generates the two tests of one behaviour: on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[actix_rt::test]
                async fn $name() {
                    super::$name($crate::TestApp::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[actix_rt::test]
                async fn $name() {
                    if let Some(app) = $crate::TestApp::postgres().await {
                        super::$name(app).await
                    }
                }
            )*
        }
    };
}

/// A real JPEG photo (~50 KB of noise) that differs with `seed`.
pub fn jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(200, 150, |x, y| {
        let v = (x.wrapping_mul(31) ^ y.wrapping_mul(17)).wrapping_add(u32::from(seed) * 101);
        image::Rgb([v as u8, (v >> 3) as u8, (v >> 5) as u8 ^ seed])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A small print batch: `n` good rows with distinct NIKs of Bandar Lampung.
pub fn batch_csv(n: usize, sep: char) -> String {
    let mut out = ["NIK", "NAMA", "ALAMAT", "RT", "RW", "KELURAHAN", "KECAMATAN", "NO_HP"].join(&sep.to_string());
    out.push('\n');
    for i in 0..n {
        let day = 1 + (i % 28);
        let nik = format!("187101{day:02}0190{:04}", i + 1);
        let row = [
            nik,
            format!("WARGA UJI {i}"),
            format!("JL. MAWAR NO. {i}"),
            "001".into(),
            "002".into(),
            "RAJABASA".into(),
            "RAJABASA".into(),
            "081234567890".into(),
        ];
        out.push_str(&row.join(&sep.to_string()));
        out.push('\n');
    }
    out
}

/// An office with staff, a courier and some printed cards.
pub struct Seed {
    pub staff: String,
    pub courier_id: String,
    pub courier: String,
    pub cards: Vec<String>,
}

/// A courier event `ms` milliseconds from now: after the route the test
/// made, before what the office does next.
pub fn event(card_id: &str, kind: &str, ms: i64, payload: Value) -> Value {
    serde_json::json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "card_id": card_id,
        "kind": kind,
        "occurred_at": (chrono::Utc::now() + chrono::Duration::milliseconds(ms)).to_rfc3339(),
        "payload": payload,
    })
}

pub fn delivered(card_id: &str, ms: i64) -> Value {
    event(card_id, "delivered", ms, serde_json::json!({"recipient_name": "Penerima", "recipient_relation": "self"}))
}

impl Api {
    pub async fn seed(&self, cards: usize) -> Seed {
        let (_, staff) = self.user("petugas1", "staff").await;
        let (courier_id, courier) = self.user("kurir1", "courier").await;
        let report = self.post_csv("/api/v1/cards/import", &staff, batch_csv(cards, ',')).await;
        assert_eq!(report.body["imported"], cards, "{}", report.text);
        let page = self.get(&format!("/api/v1/cards?per_page={}", cards.clamp(1, 100)), &staff).await.body;
        let mut ids: Vec<String> =
            page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
        ids.sort();
        Seed { staff, courier_id, courier, cards: ids }
    }

    /// Posts a sync batch and returns the per-event results, once the
    /// batch's events are in the past: what the office does next (a desk
    /// receipt, a close) then never lands before an event that was dated a
    /// few milliseconds ahead.
    pub async fn sync(&self, courier: &str, events: Vec<Value>) -> Vec<Value> {
        let latest = events
            .iter()
            .filter_map(|e| e["occurred_at"].as_str())
            .filter_map(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .max();
        let batch = serde_json::json!({"device_id": "test-phone", "sent_at": chrono::Utc::now().to_rfc3339(), "events": events});
        let a = self.post("/api/v1/sync", courier, batch).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        // Only the few milliseconds tests date events ahead by; an event a
        // test dates far ahead on purpose (a phone's clock gone wrong) is
        // not waited for.
        let ahead = latest.and_then(|t| (t.to_utc() - chrono::Utc::now()).to_std().ok());
        if let Some(ahead) = ahead.filter(|a| *a <= std::time::Duration::from_secs(1)) {
            tokio::time::sleep(ahead + std::time::Duration::from_millis(2)).await;
        }
        a.body["results"].as_array().unwrap().clone()
    }

    pub async fn route(&self, seed: &Seed, date: &str, cards: &[String]) -> String {
        let a = self
            .post(
                "/api/v1/routes",
                &seed.staff,
                serde_json::json!({"courier_id": seed.courier_id, "date": date, "card_ids": cards}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        a.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn status_of(&self, seed: &Seed, card: &str) -> String {
        self.get(&format!("/api/v1/cards/{card}"), &seed.staff).await.body["status"].as_str().unwrap().to_owned()
    }
}
