//! `GET /api/v1/audit` and `GET /api/v1/audit/verify` (admin): the office's
//! audit trail, newest first, and whether its hash chain is intact.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Admin;
use crate::db::{audit, users};
use actix_web::web::{self, Json};
use antar_shared::wire::{AuditCheck, AuditItem, Page, ProblemDetails};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery), responses((status = 200, body = Page<AuditItem>), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn list(
    state: web::Data<AppState>,
    admin: Admin,
    q: web::Query<AuditQuery>,
) -> Result<Json<Page<AuditItem>>, ApiError> {
    let (page, per_page) = super::error::paging(q.page, q.per_page)?;
    state
        .db(move |conn| {
            let (rows, total) = audit::page(conn, &admin.office_id, page, per_page)?;
            let ids: Vec<String> = rows.iter().map(|r| r.actor_id.clone()).collect();
            let names = users::names(conn, &ids)?;
            let mut items = Vec::with_capacity(rows.len());
            for r in rows {
                items.push(AuditItem {
                    seq: r.seq,
                    at: r.at.and_utc(),
                    actor_name: names.get(&r.actor_id).cloned().unwrap_or_default(),
                    target_name: target_name(conn, &admin.office_id, &r.target)?,
                    actor_id: r.actor_id,
                    action: r.action,
                    target: r.target,
                    detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
                    hash: r.hash,
                });
            }
            Ok(Json(Page { items, total, page, per_page }))
        })
        .await
}

/// What an audit target is, as a person reads it: `user:{id}` the user's
/// name, `card:{id}` the card holder's, `route:{id}` its courier and date,
/// `courier:{id}/day:{date}` the same; another office's id reads as none.
fn target_name(conn: &mut crate::db::DbConnection, office_id: &str, target: &str) -> Result<Option<String>, ApiError> {
    let user = |conn: &mut crate::db::DbConnection, id: &str| -> Result<Option<String>, ApiError> {
        Ok(users::in_office(conn, office_id, id)?.map(|u| u.display_name))
    };
    let (kind, rest) = target.split_once(':').unwrap_or((target, ""));
    Ok(match kind {
        "user" => user(conn, rest)?,
        "card" => crate::db::cards::get(conn, office_id, rest)?.map(|c| c.name),
        "route" => match crate::db::routes::get(conn, office_id, rest)? {
            Some(r) => Some(format!("{}, {}", user(conn, &r.courier_id)?.unwrap_or_default(), r.date)),
            None => None,
        },
        "courier" => match rest.split_once("/day:") {
            Some((id, date)) => user(conn, id)?.map(|name| format!("{name}, {date}")),
            None => user(conn, rest)?,
        },
        _ => None,
    })
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])), responses((status = 200, body = AuditCheck), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn verify(state: web::Data<AppState>, admin: Admin) -> Result<Json<AuditCheck>, ApiError> {
    state
        .db(move |conn| {
            Ok(Json(match audit::verify(conn, &admin.office_id)? {
                Ok(records) => AuditCheck { intact: true, records, problem: None },
                Err(b) => AuditCheck { intact: false, records: 0, problem: Some(b.to_string()) },
            }))
        })
        .await
}
