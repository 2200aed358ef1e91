//! Calls to the Antar API. A 401 triggers one refresh of the session and a
//! retry; a failed refresh ends the session but keeps unsent work.

use crate::storage;
use antar_shared::wire::{LoginRequest, ProblemDetails, RefreshRequest, TokenPair};
use gloo_net::http::{Request, RequestBuilder, Response};
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

pub fn session() -> Option<Session> {
    storage::load(storage::SESSION)
}

async fn decode<T: DeserializeOwned>(res: Response) -> Result<T, ApiError> {
    let status = res.status();
    if (200..300).contains(&status) {
        return res.json::<T>().await.map_err(|_| ApiError::Other(status));
    }
    if status == 401 {
        return Err(ApiError::Unauthorized);
    }
    match res.json::<ProblemDetails>().await {
        Ok(p) => Err(ApiError::Problem(Box::new(p))),
        Err(_) => Err(ApiError::Other(status)),
    }
}

pub async fn login(username: &str, password: &str) -> Result<Session, ApiError> {
    let body = LoginRequest { username: username.to_owned(), password: password.to_owned() };
    let res = Request::post("/api/v1/auth/login").json(&body).map_err(|_| ApiError::Network)?.send().await;
    let pair: Session = decode(res.map_err(|_| ApiError::Network)?).await?;
    storage::save(storage::SESSION, &pair);
    Ok(pair)
}

/// Trades the refresh token for a new pair; a refused refresh ends the
/// session.
pub async fn refresh() -> Result<Session, ApiError> {
    let current = session().ok_or(ApiError::Unauthorized)?;
    let body = RefreshRequest { refresh_token: current.refresh_token };
    let res = Request::post("/api/v1/auth/refresh").json(&body).map_err(|_| ApiError::Network)?.send().await;
    match decode::<Session>(res.map_err(|_| ApiError::Network)?).await {
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

/// Sends a request built by `build` with the session's token; on 401 it
/// refreshes the session once and sends the request again.
async fn send_authorised<F>(build: F) -> Result<Response, ApiError>
where
    F: Fn(&str) -> Result<Request, ApiError>,
{
    let token = session().ok_or(ApiError::Unauthorized)?.access_token;
    let res = build(&token)?.send().await.map_err(|_| ApiError::Network)?;
    if res.status() != 401 {
        return Ok(res);
    }
    let fresh = refresh().await?;
    build(&fresh.access_token)?.send().await.map_err(|_| ApiError::Network)
}

/// An authorised request's JSON answer.
async fn authorised<T, F>(build: F) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    F: Fn(&str) -> Result<Request, ApiError>,
{
    decode(send_authorised(build).await?).await
}

fn bearer(b: RequestBuilder, token: &str) -> RequestBuilder {
    b.header("Authorization", &format!("Bearer {token}"))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    authorised(|t| bearer(Request::get(path), t).build().map_err(|_| ApiError::Network)).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    authorised(|t| bearer(Request::post(path), t).json(body).map_err(|_| ApiError::Network)).await
}

/// A file the API makes (a PDF, a CSV) as bytes, with its content type.
pub async fn get_bytes(path: &str) -> Result<(Vec<u8>, String), ApiError> {
    let res = send_authorised(|t| bearer(Request::get(path), t).build().map_err(|_| ApiError::Network)).await?;
    if !(200..300).contains(&res.status()) {
        return decode::<()>(res).await.map(|()| (Vec::new(), String::new()));
    }
    let kind = res.headers().get("content-type").unwrap_or_default();
    let bytes = res.binary().await.map_err(|_| ApiError::Network)?;
    Ok((bytes, kind))
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    authorised(|t| bearer(Request::put(path), t).json(body).map_err(|_| ApiError::Network)).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    authorised(|t| bearer(Request::patch(path), t).json(body).map_err(|_| ApiError::Network)).await
}

pub async fn post_csv<T: DeserializeOwned>(path: &str, csv: &str) -> Result<T, ApiError> {
    authorised(|t| {
        bearer(Request::post(path), t)
            .header("Content-Type", "text/csv")
            .body(csv.to_owned())
            .map_err(|_| ApiError::Network)
    })
    .await
}

/// Uploads bytes with `PUT` (a proof image, addressed by its hash).
pub async fn put_bytes(path: &str, bytes: &js_sys::Uint8Array, content_type: &str) -> Result<(), ApiError> {
    authorised::<serde_json::Value, _>(|t| {
        bearer(Request::put(path), t)
            .header("Content-Type", content_type)
            .body(bytes.clone())
            .map_err(|_| ApiError::Network)
    })
    .await
    .map(|_| ())
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
