//! `POST /api/v1/auth/login` and `/auth/refresh`.

use super::error::ApiError;
use crate::app::{too_many, AppState};
use actix_web::web::{self, Json};
use actix_web::HttpRequest;
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{LoginRequest, RefreshRequest, TokenPair};

/// Failed logins are counted per username and, more loosely, per address;
/// over either allowance the answer is 429 before any password is checked.
/// A correct login is never delayed, and it clears its username's count.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses((status = 200, body = TokenPair), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 429, description = "too many requests (see Retry-After)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let body = body.into_inner();
    let user_key = body.username.trim().to_lowercase();
    let addr = state.client_addr(&req);
    state.limits.login_user.check(&user_key).map_err(too_many)?;
    state.limits.login_addr.check(&addr).map_err(too_many)?;
    let st = state.clone();
    let result =
        state.db(move |conn| crate::auth::refresh::login(conn, &st.keys, &body.username, &body.password)).await;
    match &result {
        Ok(_) => state.limits.login_user.reset(&user_key),
        Err(ApiError::Unauthorized(_)) => {
            let _ = state.limits.login_user.hit(&user_key);
            let _ = state.limits.login_addr.hit(&addr);
        }
        Err(_) => {}
    }
    result.map(Json)
}

#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest, responses((status = 200, description = "a new pair; a spent token sent again within 60 s gets the same successor", body = TokenPair), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> Result<Json<TokenPair>, ApiError> {
    let token = body.into_inner().refresh_token;
    let st = state.clone();
    state.db(move |conn| crate::auth::refresh::refresh(conn, &st.keys, &token)).await.map(Json)
}
