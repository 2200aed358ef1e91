//! A stand-in for an SMS/WhatsApp gateway: a real HTTP server on a spare
//! port that records what it receives and answers from a script (then 200).

use crate::Api;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The gateway's secret as the office's settings hold it (a Standard
/// Webhooks key; the token for the other channels).
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// How the gateway answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16),
    /// Never answers (until long past any sender's timeout).
    Hang,
    /// A status with a body of this many bytes.
    Huge(u16, usize),
    /// A status, after a wait: the gateway has taken the message, and the
    /// sender may be gone before the answer comes.
    Late(u16, Duration),
}

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: String,
}

#[derive(Default)]
struct Shared {
    script: VecDeque<Reply>,
    received: Vec<Received>,
}

pub struct Gateway {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, shared: web::Data<Arc<Mutex<Shared>>>) -> HttpResponse {
    let headers =
        req.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned())).collect();
    let reply = {
        let mut s = shared.lock().unwrap();
        s.received.push(Received { headers, body: String::from_utf8_lossy(&body).into_owned() });
        s.script.pop_front().unwrap_or(Reply::Status(200))
    };
    match reply {
        Reply::Status(code) => HttpResponse::build(actix_web::http::StatusCode::from_u16(code).unwrap())
            .body(format!("{{\"status\": {code}}}")),
        Reply::Hang => {
            actix_web::rt::time::sleep(Duration::from_secs(120)).await;
            HttpResponse::Ok().finish()
        }
        Reply::Late(code, wait) => {
            actix_web::rt::time::sleep(wait).await;
            HttpResponse::build(actix_web::http::StatusCode::from_u16(code).unwrap()).finish()
        }
        Reply::Huge(code, n) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(code).unwrap()).body(vec![b'x'; n])
        }
    }
}

impl Gateway {
    pub async fn start(script: Vec<Reply>) -> Gateway {
        let shared = Arc::new(Mutex::new(Shared { script: script.into(), received: Vec::new() }));
        let data = web::Data::new(shared.clone());
        let server = HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(receive)))
            .workers(1)
            .bind("127.0.0.1:0")
            .unwrap();
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Gateway { url: format!("http://{addr}/send"), shared, handle }
    }

    /// Points the office's messages at this gateway through `channel`, with
    /// no quiet hours (tests run at any hour) and the `more` settings
    /// besides; returns the admin's token.
    pub async fn serve(&self, app: &Api, channel: &str, more: Value) -> String {
        let admin = app.admin().await;
        let mut s = app.get("/api/v1/settings", &admin).await.body;
        s["notify_channel"] = json!(channel);
        s["notify_url"] = json!(self.url);
        s["notify_secret"] = json!(SECRET);
        s["notify_quiet_hours"] = json!("");
        for (k, v) in more.as_object().into_iter().flatten() {
            s[k] = v.clone();
        }
        let put = app.call(Method::PUT, "/api/v1/settings", Some(&admin), Some(s)).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text);
        admin
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap().received.clone()
    }

    /// Waits until `n` requests arrived (at most `within`) and returns all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = std::time::Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n || std::time::Instant::now() > deadline {
                return got;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
