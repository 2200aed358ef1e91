//! `GET /metrics`: Prometheus's scrape, in the OpenMetrics text format.

use super::error::ApiError;
use crate::app::AppState;
use crate::metrics::StateLabels;
use actix_web::{web, HttpRequest, HttpResponse};

/// With `ANTAR_METRICS_TOKEN` set, only a scraper sending it is answered.
pub async fn scrape(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if let Some(token) = state.config.metrics_token.as_deref().filter(|t| !t.is_empty()) {
        let sent = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !constant_time_eq(sent.as_bytes(), token.as_bytes()) {
            return Err(ApiError::Unauthorized("the metrics token (ANTAR_METRICS_TOKEN) is required".into()));
        }
    }
    let m = &state.metrics;
    let pool = state.pool.state();
    m.pool_connections.get_or_create(&StateLabels { state: "idle" }).set(i64::from(pool.idle_connections));
    m.pool_connections
        .get_or_create(&StateLabels { state: "in_use" })
        .set(i64::from(pool.connections.saturating_sub(pool.idle_connections)));
    let (pending, oldest) = state.db(|conn| Ok(crate::db::notifications::outbox_depth(conn)?)).await?;
    m.outbox_pending.set(pending);
    let age = oldest.map_or(0.0, |t| (crate::db::now() - t).num_milliseconds().max(0) as f64 / 1000.0);
    m.outbox_oldest_seconds.set(age);
    let text = m.encode().map_err(|e| ApiError::Internal(format!("encoding metrics: {e}")))?;
    Ok(HttpResponse::Ok().content_type("application/openmetrics-text; version=1.0.0; charset=utf-8").body(text))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
