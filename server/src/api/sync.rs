//! `POST /api/v1/sync`: the courier's outbox, answered after it is committed.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Courier;
use crate::db;
use crate::domain::sync::{self, Batch, MAX_EVENTS};
use actix_web::web::{self, Json};
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{SyncRequest, SyncResponse};

#[utoipa::path(post, path = "/api/v1/sync", tag = "courier", security(("bearer" = [])), request_body = SyncRequest, responses((status = 200, description = "a result per event, sent after they are committed", body = SyncResponse), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 413, description = "body too large", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn sync(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    courier: Courier,
    body: Json<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    // When the batch arrived, not when a database connection was free: time
    // spent queueing (a database restart, say) is not the phone's clock skew.
    let received_at =
        actix_web::HttpMessage::extensions(&req).get::<crate::access_log::ArrivedAt>().map_or_else(db::now, |a| a.0);
    let body = body.into_inner();
    if body.events.len() > MAX_EVENTS {
        return Err(ApiError::PayloadTooLarge(format!(
            "at most {MAX_EVENTS} events a batch; send the rest in another"
        )));
    }
    if body.device_id.trim().is_empty() {
        return Err(ApiError::field("device_id", "must not be blank"));
    }
    let keys = state.clone();
    let results = state
        .office_db(courier.office_id.clone(), move |conn, office| {
            let batch = Batch {
                seal: &keys.keys.seal,
                id: db::new_id(),
                office,
                courier_id: &courier.id,
                device_id: &body.device_id,
                sent_at: db::truncate(body.sent_at.naive_utc()),
                received_at,
            };
            let skew_ms = batch.skew().num_milliseconds();
            tracing::info!(courier = %courier.id, events = body.events.len(), clock_skew_ms = skew_ms, "sync");
            Ok(sync::handle_batch(conn, &batch, &body.events)?)
        })
        .await?;
    count_outcomes(&state.metrics, &results);
    Ok(Json(SyncResponse { results, server_time: chrono::Utc::now() }))
}

fn count_outcomes(metrics: &crate::metrics::Metrics, results: &[antar_shared::wire::SyncResult]) {
    use antar_shared::wire::SyncStatus;
    let mut n = [0u64; 4];
    for r in results {
        n[match (&r.status, &r.code) {
            (SyncStatus::Accepted, None) => 0,
            (SyncStatus::Accepted, Some(_)) => 1,
            (SyncStatus::Duplicate, _) => 2,
            (SyncStatus::Rejected, _) => 3,
        }] += 1;
    }
    for (outcome, n) in ["accepted", "flagged", "duplicate", "rejected"].into_iter().zip(n) {
        crate::metrics::Metrics::count(&metrics.sync_events, outcome, n);
    }
    metrics.sync_batches.inc();
}
