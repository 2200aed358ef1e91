//! The review queue (staff): flagged events (refused by the custody rules,
//! deliveries without the proof the office requires), events the server
//! would not apply, and residents' reports and early confirmations. Each is
//! resolved with a note; who and when are kept. `GET /api/v1/review`,
//! `GET /api/v1/review/counts`, `POST /api/v1/review/{kind}/{id}/resolve`
//! for `flagged`, `rejected` and `resident`.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::db::{cards, events, links, review};
use actix_web::web::{self, Json};
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{
    FlaggedEvent, RejectedEvent, ResidentItem, ResidentItemKind, ResolveReview, ReviewCard, ReviewCounts, ReviewQueue,
};

const LIMIT: i64 = 500;

#[utoipa::path(get, path = "/api/v1/review", tag = "review", security(("bearer" = [])), responses((status = 200, body = ReviewQueue), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, staff: Staff) -> Result<Json<ReviewQueue>, ApiError> {
    state
        .db(move |conn| {
            let flagged: Vec<FlaggedEvent> = review::flagged_open(conn, &staff.office_id, LIMIT)?
                .into_iter()
                .filter_map(|row| Some(FlaggedEvent { card_id: row.card_id.clone(), event: row.view()? }))
                .collect();
            let rejected: Vec<RejectedEvent> = events::rejected_open(conn, &staff.office_id, LIMIT)?
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
            let reports = links::open_reports(conn, &staff.office_id, LIMIT)?;
            let ids: Vec<String> = reports.iter().map(|r| r.card_id.clone()).collect();
            let couriers: std::collections::HashMap<String, Option<String>> =
                cards::by_ids(conn, &staff.office_id, &ids)?.into_iter().map(|c| (c.id, c.courier_id)).collect();
            let resident: Vec<ResidentItem> = reports
                .into_iter()
                .map(|r| ResidentItem {
                    courier_id: couriers.get(&r.card_id).cloned().flatten(),
                    id: r.id,
                    card_id: r.card_id,
                    kind: ResidentItemKind::parse(&r.kind).unwrap_or(ResidentItemKind::Report),
                    message: r.message,
                    created_at: r.created_at.and_utc(),
                })
                .collect();
            let mut ids: Vec<String> = flagged
                .iter()
                .map(|f| f.card_id.clone())
                .chain(rejected.iter().filter_map(|r| r.card_id.clone()))
                .chain(resident.iter().map(|r| r.card_id.clone()))
                .collect();
            ids.sort();
            ids.dedup();
            let seqs = crate::db::routes::latest_seqs(conn, &ids)?;
            let cards = cards::by_ids(conn, &staff.office_id, &ids)?
                .into_iter()
                .map(|c| ReviewCard { seq: seqs.get(&c.id).copied(), id: c.id, name: c.name, kelurahan: c.kelurahan })
                .collect();
            Ok(Json(ReviewQueue { flagged, rejected, resident, cards }))
        })
        .await
}

#[utoipa::path(get, path = "/api/v1/review/counts", tag = "review", security(("bearer" = [])), responses((status = 200, body = ReviewCounts), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn counts(state: web::Data<AppState>, staff: Staff) -> Result<Json<ReviewCounts>, ApiError> {
    state
        .db(move |conn| {
            let review::Waiting { flags, rejected, resident } = review::counts(conn, &staff.office_id)?;
            let missing = antar_shared::codes::sync::MISSING_PROOF;
            let missing_proof = flags.iter().filter(|(f, _)| f.as_deref() == Some(missing)).map(|(_, n)| n).sum();
            let flagged = flags.iter().filter(|(f, _)| f.as_deref() != Some(missing)).map(|(_, n)| n).sum();
            let total = missing_proof + flagged + rejected + resident;
            Ok(Json(ReviewCounts { missing_proof, flagged, rejected, resident, total }))
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/review/flagged/{id}/resolve", tag = "review", security(("bearer" = [])), params(("id" = String, Path, description = "the flagged event's id")), request_body(content = Option<ResolveReview>, description = "optional: what was done"), responses((status = 200, description = "resolved"), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's, or already resolved)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn resolve_flagged(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    resolve_kept(state, staff, id.into_inner(), note_of(&body)?, review::FLAGGED, review::flagged_event).await
}

#[utoipa::path(post, path = "/api/v1/review/rejected/{id}/resolve", tag = "review", security(("bearer" = [])), params(("id" = String, Path)), request_body(content = Option<ResolveReview>, description = "optional: what was done"), responses((status = 200, description = "resolved"), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's, or already resolved)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn resolve(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    resolve_kept(state, staff, id.into_inner(), note_of(&body)?, review::REJECTED, events::resolve_rejected).await
}

/// Resolves an item of the record (a flagged or rejected event): `open`
/// says whether the office has it open (and may mark it), then who, when
/// and the note are kept — both or neither.
async fn resolve_kept(
    state: web::Data<AppState>,
    staff: Staff,
    id: String,
    note: Option<String>,
    kind: &'static str,
    open: fn(&mut crate::db::DbConnection, &str, &str) -> diesel::QueryResult<bool>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let what = if kind == review::FLAGGED { "flagged event" } else { "rejected event" };
    let (target, detail) = (format!("{kind}:{id}"), serde_json::json!({ "note": note }));
    let actor = staff.id.clone();
    state
        .audited(
            &staff,
            "review.resolve",
            move |conn, office| {
                if !open(conn, &office.id, &id)? {
                    return Err(ApiError::not_found(what));
                }
                let row = review::ResolutionRow {
                    kind: kind.to_owned(),
                    item_id: id.clone(),
                    office_id: office.id.clone(),
                    resolved_by: actor,
                    resolved_at: crate::db::now(),
                    note,
                };
                if !review::insert(conn, &row)? {
                    return Err(ApiError::not_found(what));
                }
                Ok(())
            },
            move |_| (target, detail),
        )
        .await?;
    Ok(Json(serde_json::json!({ "resolved": true })))
}

/// The optional note of a resolution, trimmed; too long is a 400.
fn note_of(body: &web::Bytes) -> Result<Option<String>, ApiError> {
    let body: ResolveReview = super::error::optional_json(body)?;
    let note = body.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(ApiError::field("note", "at most 1000 characters"));
    }
    Ok(note)
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
    let (id, note) = (id.into_inner(), note_of(&body)?);
    let (target, detail) = (format!("resident:{id}"), serde_json::json!({ "note": note }));
    let actor = staff.id.clone();
    state
        .audited(
            &staff,
            "review.resolve",
            move |conn, office| {
                if !links::resolve_report(conn, &office.id, &id, &actor, note.as_deref())? {
                    return Err(ApiError::not_found("resident item"));
                }
                Ok(())
            },
            move |_| (target, detail),
        )
        .await?;
    Ok(Json(serde_json::json!({ "resolved": true })))
}
