//! `GET /api/v1/settings` (staff read) and `PUT` (admin).

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::config::zone_offset_hours;
use crate::db::offices;
use actix_web::web::{self, Json};
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::Settings;

#[utoipa::path(get, path = "/api/v1/settings", tag = "settings", security(("bearer" = [])), responses((status = 200, body = Settings), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, staff: Staff) -> Result<Json<Settings>, ApiError> {
    let office = state.db(move |conn| Ok(offices::get(conn, &staff.office_id)?)).await?;
    Ok(Json(office.settings()))
}

fn check(s: &Settings) -> Result<(), ApiError> {
    if s.regency_code.len() != 4 || !s.regency_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::field("regency_code", "4 digits, e.g. 1871"));
    }
    if s.office_name.trim().is_empty() {
        return Err(ApiError::field("office_name", "must not be blank"));
    }
    if zone_offset_hours(&s.time_zone).is_none() {
        return Err(ApiError::field("time_zone", "Asia/Jakarta, Asia/Makassar or Asia/Jayapura"));
    }
    if !(1..=20).contains(&s.max_failed_attempts) {
        return Err(ApiError::field("max_failed_attempts", "between 1 and 20"));
    }
    if !(1..=365).contains(&s.link_lifetime_days) {
        return Err(ApiError::field("link_lifetime_days", "between 1 and 365"));
    }
    if s.office_lat.is_some_and(|x| !(-90.0..=90.0).contains(&x)) {
        return Err(ApiError::field("office_lat", "between -90 and 90"));
    }
    if s.office_lon.is_some_and(|x| !(-180.0..=180.0).contains(&x)) {
        return Err(ApiError::field("office_lon", "between -180 and 180"));
    }
    if s.office_lat.is_some() != s.office_lon.is_some() {
        return Err(ApiError::unprocessable("office_lon", "give both office_lat and office_lon, or neither"));
    }
    if !(1..=500).contains(&s.max_stops_per_route) {
        return Err(ApiError::field("max_stops_per_route", "between 1 and 500"));
    }
    check_notify(s)
}

fn check_notify(s: &Settings) -> Result<(), ApiError> {
    use antar_shared::notify;
    if !notify::CHANNELS.contains(&s.notify_channel.as_str()) {
        return Err(ApiError::field("notify_channel", "none, webhook, form, whatsapp_cloud or manual"));
    }
    if let Some(url) = &s.notify_url {
        let ok = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).is_some_and(|rest| {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !host.contains(char::is_whitespace)
        });
        if !ok {
            return Err(ApiError::unprocessable("notify_url", "must be an http:// or https:// address"));
        }
    }
    if matches!(s.notify_channel.as_str(), "webhook" | "form" | "whatsapp_cloud") && s.notify_url.is_none() {
        return Err(ApiError::unprocessable("notify_url", "this channel needs the gateway's address"));
    }
    if let Some(secret) = s.notify_secret.as_deref().filter(|x| !x.trim().is_empty()) {
        if s.notify_channel == "webhook" && crate::notify::webhook_key(secret).is_none() {
            return Err(ApiError::unprocessable("notify_secret", "a Standard Webhooks secret: whsec_ and base64"));
        }
    }
    notify::parse_quiet_hours(&s.notify_quiet_hours)
        .map_err(|why| ApiError::unprocessable("notify_quiet_hours", why))?;
    if let Some(m) = s.notify_moments.iter().find(|m| !notify::MOMENTS.contains(&m.as_str())) {
        return Err(ApiError::unprocessable("notify_moments", format!("{m} is not a moment")));
    }
    for (moment, template) in &s.notify_templates {
        if !notify::MOMENTS.contains(&moment.as_str()) {
            return Err(ApiError::unprocessable("notify_templates", format!("{moment} is not a moment")));
        }
        if let Some(name) = notify::unknown_placeholder(template) {
            return Err(ApiError::unprocessable(
                "notify_templates",
                format!("{moment}: {{{name}}} is not a placeholder"),
            ));
        }
        if template.trim().is_empty() || template.chars().count() > 1000 {
            return Err(ApiError::unprocessable("notify_templates", format!("{moment}: 1 to 1,000 characters")));
        }
    }
    Ok(())
}

#[utoipa::path(put, path = "/api/v1/settings", tag = "settings", security(("bearer" = [])), request_body = Settings, responses((status = 200, body = Settings), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn put(state: web::Data<AppState>, admin: Admin, body: Json<Settings>) -> Result<Json<Settings>, ApiError> {
    let body = body.into_inner();
    check(&body)?;
    let office = state
        .audited(
            &admin,
            "settings.change",
            move |conn, office| {
                offices::update_settings(conn, &office.id, &body)?;
                Ok(offices::get(conn, &office.id)?)
            },
            |o: &offices::Office| ("settings".into(), serde_json::to_value(o.settings()).unwrap_or_default()),
        )
        .await?;
    Ok(Json(office.settings()))
}
