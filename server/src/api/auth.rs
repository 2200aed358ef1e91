//! `POST /api/v1/auth/login`, `/auth/refresh` and `/auth/logout`.

use super::error::ApiError;
use crate::app::{too_many, AppState};
use crate::auth::device;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::web::{self, Json};
use actix_web::{HttpRequest, HttpResponse};
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{LoginRequest, LogoutRequest, RefreshRequest, TokenPair};

/// Failed logins are counted per username and, more loosely, per address;
/// over either allowance the answer is 429 before any password is checked.
/// A browser holding a device cookie for the username (left by an earlier
/// successful login) is exempt: its own failures count against the cookie
/// alone, so nobody can lock a user out by guessing from elsewhere. A
/// correct login is never delayed, clears its username's count and leaves a
/// fresh device cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses((status = 200, description = "the tokens; sets the HttpOnly device cookie `antar_device`", body = TokenPair), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 429, description = "too many requests (see Retry-After)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let user_key = body.username.trim().to_lowercase();
    let addr = state.client_addr(&req);
    let cookie = req.cookie(device::COOKIE);
    let device_key = cookie.as_ref().and_then(|c| {
        device::verify(&state.keys.device, &user_key, c.value()).map(|nonce| format!("{user_key}|{nonce}"))
    });
    let st = state.clone();
    let (username, password) = (body.username.clone(), body.password);
    let result = state
        .db(move |conn| {
            let limits = &st.limits;
            let mut trusted = None;
            if let Some(key) = device_key {
                trusted = limits.login_device.check(conn, &key)?.is_ok().then_some(key);
            }
            if trusted.is_none() {
                limits.login_user.check(conn, &user_key)?.map_err(too_many)?;
                limits.login_addr.check(conn, &addr)?.map_err(too_many)?;
            }
            let result = crate::auth::refresh::login(conn, &st.keys, &username, &password);
            match (&result, &trusted) {
                (Ok(_), _) => limits.login_user.reset(conn, &user_key)?,
                (Err(ApiError::Unauthorized(_)), Some(device_key)) => limits.login_device.hit(conn, device_key)?,
                (Err(ApiError::Unauthorized(_)), None) => {
                    crate::limits::hit_all(conn, &[(&limits.login_user, &user_key), (&limits.login_addr, &addr)])?;
                }
                _ => {}
            }
            Ok((result, user_key))
        })
        .await?;
    let (result, user_key) = result;
    let pair = result?;
    let secure = req.connection_info().scheme() == "https";
    let cookie = Cookie::build(device::COOKIE, device::issue(&state.keys.device, &user_key))
        .path(device::PATH)
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::days(device::MAX_AGE_DAYS))
        .finish();
    Ok(HttpResponse::Ok().cookie(cookie).json(pair))
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest, responses((status = 200, description = "a new pair; a spent token sent again within 60 s gets the same successor", body = TokenPair), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> Result<Json<TokenPair>, ApiError> {
    let token = body.into_inner().refresh_token;
    let st = state.clone();
    state.db(move |conn| crate::auth::refresh::refresh(conn, &st.keys, &token)).await.map(Json)
}

/// Ends the session the refresh token belongs to (its whole family, so a
/// copy of any earlier token of it is refused too). Always 204: a token that
/// is unknown, forged or already revoked has no session left to end, and
/// saying which would tell a guesser something.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body(content = Option<LogoutRequest>, description = "the refresh token of the session to end"), responses((status = 204, description = "the session, if any, has ended"), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn logout(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let body: LogoutRequest = super::error::optional_json(&body)?;
    if let Some(token) = body.refresh_token {
        let st = state.clone();
        state.db(move |conn| crate::auth::refresh::logout(conn, &st.keys, &token)).await?;
    }
    Ok(HttpResponse::NoContent().finish())
}
