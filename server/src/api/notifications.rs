//! The outbox (staff): `GET /api/v1/notifications?status=&card_id=`,
//! `POST /api/v1/notifications/{id}/retry` (a failed message again) and
//! `POST /api/v1/notifications/{id}/sent` (a `manual` message tapped and
//! sent from the desk's WhatsApp).

use super::error::{paging, ApiError};
use crate::app::AppState;
use crate::auth::Staff;
use crate::db::{notifications, offices::Office};
use actix_web::web::{self, Json};
use antar_shared::wire::{Notification, Page, ProblemDetails};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct NotificationQuery {
    /// `pending`, `sent`, `failed` or `skipped`.
    #[param(pattern = "^(pending|sent|failed|skipped)$")]
    pub status: Option<String>,
    pub card_id: Option<String>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

const STATUSES: [&str; 4] = ["pending", "sent", "failed", "skipped"];

fn wire(office: &Office, public_url: &str, r: notifications::NotificationRow) -> Notification {
    let text =
        r.message.clone().or_else(|| (r.status != "skipped").then(|| crate::notify::message(office, &r, public_url)));
    let whatsapp_url = match (&r.channel[..], &r.status[..], &r.phone, &text) {
        ("manual", "pending", Some(phone), Some(text)) => {
            Some(format!("https://wa.me/{phone}?text={}", crate::domain::links::percent_encode(text)))
        }
        _ => None,
    };
    Notification {
        next_attempt_at: (r.status == "pending").then(|| r.next_attempt_at.and_utc()),
        id: r.id,
        card_id: r.card_id,
        moment: r.moment,
        channel: r.channel,
        status: r.status,
        attempts: r.attempts,
        last_error: r.last_error,
        message: text,
        whatsapp_url,
        created_at: r.created_at.and_utc(),
        sent_at: r.sent_at.map(|t| t.and_utc()),
    }
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])), params(NotificationQuery), responses((status = 200, body = Page<Notification>), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<NotificationQuery>,
) -> Result<Json<Page<Notification>>, ApiError> {
    let q = q.into_inner();
    let (page, per_page) = paging(q.page, q.per_page)?;
    if let Some(s) = q.status.as_deref().filter(|s| !STATUSES.contains(s)) {
        return Err(ApiError::field("status", format!("unknown status '{s}': pending, sent, failed or skipped")));
    }
    let public_url = state.public_url();
    state
        .office_db(staff.office_id.clone(), move |conn, office| {
            let (rows, total) = notifications::list(
                conn,
                &office.id,
                q.status.as_deref(),
                q.card_id.as_deref(),
                per_page,
                (page - 1) * per_page,
            )?;
            let items = rows.into_iter().map(|r| wire(office, &public_url, r)).collect();
            Ok(Json(Page { items, total, page, per_page }))
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/retry", tag = "notifications", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = Notification), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "only a failed message can be sent again", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn retry(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
) -> Result<Json<Notification>, ApiError> {
    change(state, staff, path.into_inner(), "notification.retry", "failed", |conn, row, _| {
        notifications::retry(conn, &row.id)
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/sent", tag = "notifications", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = Notification), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "only a pending manual message can be marked sent", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn sent(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
) -> Result<Json<Notification>, ApiError> {
    change(state, staff, path.into_inner(), "notification.sent", "pending", |conn, row, text| {
        if row.channel != "manual" {
            return Err(diesel::result::Error::RollbackTransaction);
        }
        notifications::mark_sent(conn, &row.id, text)
    })
    .await
}

/// A staff change of one message in status `from`, audited.
async fn change(
    state: web::Data<AppState>,
    staff: Staff,
    id: String,
    action: &'static str,
    from: &'static str,
    f: impl FnOnce(&mut crate::db::DbConnection, &notifications::NotificationRow, &str) -> diesel::QueryResult<()>
        + Send
        + 'static,
) -> Result<Json<Notification>, ApiError> {
    let public_url = state.public_url();
    state
        .audited(
            &staff,
            action,
            move |conn, office| {
                let row =
                    notifications::get(conn, &office.id, &id)?.ok_or_else(|| ApiError::not_found("notification"))?;
                if row.status != from {
                    return Err(ApiError::Conflict(format!("this message is {}, not {from}", row.status)));
                }
                let text = crate::notify::message(office, &row, &public_url);
                f(conn, &row, &text).map_err(|e| match e {
                    diesel::result::Error::RollbackTransaction => {
                        ApiError::Conflict(format!("this message goes through {}, not by hand", row.channel))
                    }
                    e => e.into(),
                })?;
                let row =
                    notifications::get(conn, &office.id, &id)?.ok_or_else(|| ApiError::not_found("notification"))?;
                Ok(wire(office, &public_url, row))
            },
            |n: &Notification| {
                (format!("notification:{}", n.id), serde_json::json!({"card_id": n.card_id, "moment": n.moment}))
            },
        )
        .await
        .map(Json)
}
