//! `POST /api/v1/auth/login` and `/auth/refresh`.

use super::error::ApiError;
use crate::app::AppState;
use actix_web::web::{self, Json};
use antar_shared::wire::{LoginRequest, RefreshRequest, TokenPair};

pub async fn login(state: web::Data<AppState>, body: Json<LoginRequest>) -> Result<Json<TokenPair>, ApiError> {
    let body = body.into_inner();
    let st = state.clone();
    state.db(move |conn| crate::auth::refresh::login(conn, &st.keys, &body.username, &body.password)).await.map(Json)
}

pub async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> Result<Json<TokenPair>, ApiError> {
    let token = body.into_inner().refresh_token;
    let st = state.clone();
    state.db(move |conn| crate::auth::refresh::refresh(conn, &st.keys, &token)).await.map(Json)
}
