//! Calls to the Antar API. A 401 triggers one refresh of the session and a
//! retry; a failed refresh ends the session but keeps unsent work. Every
//! call has a deadline: an answer that stalls counts as no answer.

use crate::storage;
use antar_shared::wire::{LoginRequest, LogoutRequest, ProblemDetails, RefreshRequest, TokenPair};
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: offline, or the server is unreachable.
    Network,
    /// The session is gone; log in again.
    Unauthorized,
    Problem(Box<ProblemDetails>),
    Other(u16),
}

pub type Session = TokenPair;

/// How long a call may take, its answer read whole, before it counts as no
/// answer. A link with bars but no data, or a connection that stalls
/// mid-answer, would otherwise hold a sync (and the courier's queue behind
/// it) until the browser gives up, which can be never.
const DEADLINE_MS: u32 = 30_000;
/// On top, for what the call uploads: a body at 8 KB/s, a poor 2G link.
const UPLOAD_BYTES_PER_MS: u32 = 8;
/// Files the API makes (a day's PDF) can be large and slow to make.
const FILE_DEADLINE_MS: u32 = 120_000;

/// Aborts the request it signs, and the reading of its answer, once its
/// time is up; dropped first, it cancels its timer.
struct Deadline {
    controller: Option<web_sys::AbortController>,
    _timer: Option<gloo_timers::callback::Timeout>,
}

impl Deadline {
    fn after(ms: u32) -> Deadline {
        let Ok(controller) = web_sys::AbortController::new() else {
            return Deadline { controller: None, _timer: None };
        };
        let abort = controller.clone();
        let timer = gloo_timers::callback::Timeout::new(ms, move || abort.abort());
        Deadline { controller: Some(controller), _timer: Some(timer) }
    }

    /// For a call carrying `body`.
    fn for_body(body: &Payload<'_>) -> Deadline {
        let bytes = match body {
            Payload::Empty => 0,
            Payload::Text(_, text) => u32::try_from(text.len()).unwrap_or(u32::MAX),
            Payload::Bytes(_, bytes) => bytes.length(),
        };
        Deadline::after(DEADLINE_MS.saturating_add(bytes / UPLOAD_BYTES_PER_MS))
    }

    fn sign(&self, b: RequestBuilder) -> RequestBuilder {
        b.abort_signal(self.controller.as_ref().map(|c| c.signal()).as_ref())
    }
}

pub fn session() -> Option<Session> {
    storage::load(storage::SESSION)
}

/// A 2xx answer's body; any other status as the error it means. Not
/// generic: every call shares this code, and only the last step (`parse`)
/// is made per answer type.
async fn answer(res: Response) -> Result<String, ApiError> {
    let status = res.status();
    if status == 401 {
        return Err(ApiError::Unauthorized);
    }
    let text = res.text().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        return Ok(text);
    }
    match serde_json::from_str::<ProblemDetails>(&text) {
        Ok(p) => Err(ApiError::Problem(Box::new(p))),
        Err(_) => Err(ApiError::Other(status)),
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::Other(200))
}

pub async fn login(username: &str, password: &str) -> Result<Session, ApiError> {
    let body = LoginRequest { username: username.to_owned(), password: password.to_owned() };
    let deadline = Deadline::after(DEADLINE_MS);
    let res =
        deadline.sign(Request::post("/api/v1/auth/login")).json(&body).map_err(|_| ApiError::Network)?.send().await;
    let pair: Session = parse(&answer(res.map_err(|_| ApiError::Network)?).await?)?;
    storage::save(storage::SESSION, &pair);
    Ok(pair)
}

/// Trades the refresh token for a new pair; a refused refresh ends the
/// session.
pub async fn refresh() -> Result<Session, ApiError> {
    let current = session().ok_or(ApiError::Unauthorized)?;
    let body = RefreshRequest { refresh_token: current.refresh_token };
    let deadline = Deadline::after(DEADLINE_MS);
    let res =
        deadline.sign(Request::post("/api/v1/auth/refresh")).json(&body).map_err(|_| ApiError::Network)?.send().await;
    let pair = answer(res.map_err(|_| ApiError::Network)?).await.and_then(|text| parse::<Session>(&text));
    match pair {
        Ok(pair) => {
            storage::save(storage::SESSION, &pair);
            Ok(pair)
        }
        Err(ApiError::Unauthorized) => {
            storage::remove(storage::SESSION);
            Err(ApiError::Unauthorized)
        }
        Err(e) => Err(e),
    }
}

/// Asks the server to end the session of `refresh_token` (revoked there, a
/// copy of it is worth nothing); best effort: a logout the network does not
/// carry (an offline phone) has still ended the session on this device.
pub async fn revoke(refresh_token: String) {
    let body = LogoutRequest { refresh_token: Some(refresh_token) };
    let deadline = Deadline::after(DEADLINE_MS);
    if let Ok(req) = deadline.sign(Request::post("/api/v1/auth/logout")).json(&body) {
        // Best effort: whatever the answer, this device is logged out.
        drop(req.send().await);
    }
}

/// What a request carries: nothing, text of a content type, or bytes.
enum Payload<'a> {
    Empty,
    Text(&'static str, String),
    Bytes(&'a str, &'a js_sys::Uint8Array),
}

fn build(
    method: &Method,
    path: &str,
    token: &str,
    body: &Payload<'_>,
    deadline: &Deadline,
) -> Result<Request, ApiError> {
    let b = deadline
        .sign(RequestBuilder::new(path))
        .method(method.clone())
        .header("Authorization", &format!("Bearer {token}"));
    let request = match body {
        Payload::Empty => b.build(),
        Payload::Text(kind, text) => b.header("Content-Type", kind).body(text.clone()),
        Payload::Bytes(kind, bytes) => b.header("Content-Type", kind).body((*bytes).clone()),
    };
    request.map_err(|_| ApiError::Network)
}

/// Sends a request with the session's token; on 401 it refreshes the
/// session once and sends the request again. The answer must be read
/// before `deadline` goes.
async fn send(method: Method, path: &str, body: Payload<'_>, deadline: &Deadline) -> Result<Response, ApiError> {
    let token = session().ok_or(ApiError::Unauthorized)?.access_token;
    let res = build(&method, path, &token, &body, deadline)?.send().await.map_err(|_| ApiError::Network)?;
    if res.status() != 401 {
        return Ok(res);
    }
    let fresh = refresh().await?;
    build(&method, path, &fresh.access_token, &body, deadline)?.send().await.map_err(|_| ApiError::Network)
}

/// An authorised call's answer as text (see `answer`).
async fn call(method: Method, path: &str, body: Payload<'_>) -> Result<String, ApiError> {
    let deadline = Deadline::for_body(&body);
    answer(send(method, path, body, &deadline).await?).await
}

fn json<B: Serialize>(body: &B) -> Result<Payload<'static>, ApiError> {
    let text = serde_json::to_string(body).map_err(|_| ApiError::Network)?;
    Ok(Payload::Text("application/json", text))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    parse(&call(Method::GET, path, Payload::Empty).await?)
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(&call(Method::POST, path, json(body)?).await?)
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(&call(Method::PUT, path, json(body)?).await?)
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    parse(&call(Method::PATCH, path, json(body)?).await?)
}

/// A file the API makes (a PDF, a CSV) as bytes, with its content type.
pub async fn get_bytes(path: &str) -> Result<(Vec<u8>, String), ApiError> {
    let deadline = Deadline::after(FILE_DEADLINE_MS);
    let res = send(Method::GET, path, Payload::Empty, &deadline).await?;
    if !(200..300).contains(&res.status()) {
        let status = res.status();
        return Err(answer(res).await.err().unwrap_or(ApiError::Other(status)));
    }
    let kind = res.headers().get("content-type").unwrap_or_default();
    let bytes = res.binary().await.map_err(|_| ApiError::Network)?;
    Ok((bytes, kind))
}

pub async fn post_csv<T: DeserializeOwned>(path: &str, csv: &str) -> Result<T, ApiError> {
    parse(&call(Method::POST, path, Payload::Text("text/csv", csv.to_owned())).await?)
}

/// Uploads bytes with `PUT` (a proof image, addressed by its hash).
pub async fn put_bytes(path: &str, bytes: &js_sys::Uint8Array, content_type: &str) -> Result<(), ApiError> {
    call(Method::PUT, path, Payload::Bytes(content_type, bytes)).await.map(drop)
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
/// Pure Rust, so the links built with it are tested natively.
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
