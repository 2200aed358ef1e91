//! The review queue (staff): field data the server kept but did not apply,
//! and residents' reports and early confirmations. `GET /api/v1/review`,
//! `POST /api/v1/review/rejected/{id}/resolve`,
//! `POST /api/v1/review/resident/{id}/resolve`.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::db::{events, links};
use actix_web::web::{self, Json};
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{FlaggedEvent, RejectedEvent, ResidentItem, ResidentItemKind, ResolveReview, ReviewQueue};

const LIMIT: i64 = 500;

#[utoipa::path(get, path = "/api/v1/review", tag = "review", security(("bearer" = [])), responses((status = 200, body = ReviewQueue), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, staff: Staff) -> Result<Json<ReviewQueue>, ApiError> {
    state
        .db(move |conn| {
            let flagged = events::flagged(conn, &staff.office_id, LIMIT)?
                .into_iter()
                .filter_map(|row| Some(FlaggedEvent { card_id: row.card_id.clone(), event: row.view()? }))
                .collect();
            let rejected = events::rejected_open(conn, &staff.office_id, LIMIT)?
                .into_iter()
                .map(|r| RejectedEvent {
                    id: r.id,
                    event_id: r.event_id,
                    card_id: r.card_id,
                    actor: r.actor_id,
                    device_id: r.device_id,
                    code: r.code,
                    message: r.message,
                    body: serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null),
                    received_at: r.received_at.and_utc(),
                })
                .collect();
            let resident = links::open_reports(conn, &staff.office_id, LIMIT)?
                .into_iter()
                .map(|r| ResidentItem {
                    id: r.id,
                    card_id: r.card_id,
                    kind: ResidentItemKind::parse(&r.kind).unwrap_or(ResidentItemKind::Report),
                    message: r.message,
                    created_at: r.created_at.and_utc(),
                })
                .collect();
            Ok(Json(ReviewQueue { flagged, rejected, resident }))
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/review/rejected/{id}/resolve", tag = "review", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, description = "resolved"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn resolve(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = id.into_inner();
    let done = state.db(move |conn| Ok(events::resolve_rejected(conn, &staff.office_id, &id)?)).await?;
    if !done {
        return Err(ApiError::not_found("rejected event"));
    }
    Ok(Json(serde_json::json!({ "resolved": true })))
}

/// Longest note kept with a resolution.
const MAX_NOTE: usize = 1000;

#[utoipa::path(post, path = "/api/v1/review/resident/{id}/resolve", tag = "review", security(("bearer" = [])), params(("id" = String, Path)), request_body(content = Option<ResolveReview>, description = "optional: what was done"), responses((status = 200, description = "resolved"), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's, or already resolved)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn resolve_resident(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = id.into_inner();
    let body: ResolveReview = super::error::optional_json(&body)?;
    let note = body.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(ApiError::field("note", "at most 1000 characters"));
    }
    let done = state
        .db(move |conn| Ok(links::resolve_report(conn, &staff.office_id, &id, &staff.id, note.as_deref())?))
        .await?;
    if !done {
        return Err(ApiError::not_found("resident item"));
    }
    Ok(Json(serde_json::json!({ "resolved": true })))
}
