//! Liveness and readiness.

use crate::app::AppState;
use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;

#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "alive")))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// 200 only when the database answers.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, description = "the database answers"), (status = 503, description = "the database does not answer")))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.backend.name();
    let answered = state.db(|conn| conn.batch_execute("SELECT 1").map_err(Into::into)).await;
    match answered {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ready", "database": backend})),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({"status": "unavailable", "database": backend}))
        }
    }
}
