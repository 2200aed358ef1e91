//! `GET /api/v1/dashboard?date=` and `GET /api/v1/forecast` (staff): the day
//! as it happens and the backlog.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::config::office_today;
use crate::domain::dashboard;
use actix_web::web::{self, Json};
use antar_shared::wire::{Dashboard, Forecast, ProblemDetails};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DashboardQuery {
    /// YYYY-MM-DD; default: today in the office's zone.
    #[param(format = Date)]
    pub date: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/dashboard", tag = "office", security(("bearer" = [])), params(DashboardQuery), responses((status = 200, body = Dashboard), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn get(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<DashboardQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let date = match q.into_inner().date {
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| ApiError::field("date", "must be a date, YYYY-MM-DD"))?,
        ),
        None => None,
    };
    state
        .office_db(staff.office_id.clone(), move |conn, office| {
            let date = date.unwrap_or_else(|| office_today(&office.time_zone));
            dashboard::dashboard(conn, office, date, crate::db::now()).map(Json)
        })
        .await
}

#[utoipa::path(get, path = "/api/v1/forecast", tag = "office", security(("bearer" = [])), responses((status = 200, body = Forecast), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn forecast(state: web::Data<AppState>, staff: Staff) -> Result<Json<Forecast>, ApiError> {
    state
        .office_db(staff.office_id.clone(), move |conn, office| {
            dashboard::forecast(conn, office, crate::db::now()).map(Json)
        })
        .await
}
