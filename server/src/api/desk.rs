//! The desk (staff): `POST /api/v1/couriers/{id}/days/{date}/handout` gives
//! the card a scanned label names to the courier; `…/receive` takes a card
//! the courier hands back into the office's custody.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::domain::desk::{self, Desk};
use actix_web::web::{self, Json};
use antar_shared::wire::{DeskScan, DeskScanRequest, ProblemDetails};
use serde_json::json;

/// Hands the card a label names to the courier (at pick-up time): the
/// courier's bundle is exactly what was scanned.
#[utoipa::path(
    post,
    path = "/api/v1/couriers/{id}/days/{date}/handout",
    tag = "routes",
    security(("bearer" = [])),
    params(("id" = String, Path), ("date" = String, Path, format = Date, description = "YYYY-MM-DD")),
    request_body = DeskScanRequest,
    responses(
        (status = 200, body = DeskScan),
        (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "no such card or stop in this office", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "the card cannot go to this courier (the reason)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "not a label's code or number", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn handout(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    body: Json<DeskScanRequest>,
) -> Result<Json<DeskScan>, ApiError> {
    scan(state, staff, path, body, Desk::HandOut, "desk.handout").await
}

/// Receives a card the courier hands back: custody returns to the office by
/// this staff member's act.
#[utoipa::path(
    post,
    path = "/api/v1/couriers/{id}/days/{date}/receive",
    tag = "routes",
    security(("bearer" = [])),
    params(("id" = String, Path), ("date" = String, Path, format = Date, description = "YYYY-MM-DD")),
    request_body = DeskScanRequest,
    responses(
        (status = 200, body = DeskScan),
        (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "no such card or stop in this office", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "the card is not this courier's to hand back (the reason)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "not a label's code or number", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn receive(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    body: Json<DeskScanRequest>,
) -> Result<Json<DeskScan>, ApiError> {
    scan(state, staff, path, body, Desk::Receive, "desk.receive").await
}

async fn scan(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    body: Json<DeskScanRequest>,
    act: Desk,
    action: &'static str,
) -> Result<Json<DeskScan>, ApiError> {
    let (courier, date) = path.into_inner();
    super::routes::check_date(&date)?;
    let code = body.into_inner().code;
    if code.chars().count() > 300 {
        return Err(ApiError::field("code", "at most 300 characters"));
    }
    let actor = staff.id.clone();
    state
        .audited(
            &staff,
            action,
            move |conn, office| desk::scan(conn, office, &actor, &courier, &date, &code, act),
            |s: &DeskScan| (format!("card:{}", s.card_id), json!({"already": s.already})),
        )
        .await
        .map(Json)
}
