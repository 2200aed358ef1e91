//! `GET /api/v1/settings` (staff read) and `PUT` (admin).

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::config::zone_offset_hours;
use crate::db::offices;
use actix_web::web::{self, Json};
use antar_shared::wire::{NotifyTest, NotifyTestResult, ProblemDetails, Settings};

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

#[utoipa::path(post, path = "/api/v1/settings/notify-test", tag = "settings", security(("bearer" = [])), request_body = NotifyTest, responses((status = 200, description = "how the gateway took the test message (sent or not)", body = NotifyTestResult), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "the office sends no messages (channel none)", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "not a mobile number", body = ProblemDetails, content_type = "application/problem+json")))]
/// Sends one test message through the office's saved channel now, outside
/// the outbox, and says how the gateway took it: what an admin checks after
/// setting a gateway up. Audited.
pub async fn notify_test(
    state: web::Data<AppState>,
    admin: Admin,
    body: Json<NotifyTest>,
) -> Result<Json<NotifyTestResult>, ApiError> {
    use crate::notify::dispatch;
    let phone = antar_shared::import::normalise_phone(&body.phone)
        .ok_or_else(|| ApiError::unprocessable("phone", "not a mobile number: 08… or 628…"))?;
    let office_id = admin.office_id.clone();
    let office = state.db(move |conn| Ok(offices::get(conn, &office_id)?)).await?;
    if office.notify_channel == "none" {
        return Err(ApiError::Conflict("the office sends no messages: choose a channel and save it first".into()));
    }
    let message = format!(
        "Pesan uji dari Antar, Disdukcapil {}: pesan ke warga lewat saluran ini berfungsi.",
        antar_shared::notify::office_after_disdukcapil(&office.name)
    );
    let id = crate::db::new_id();
    let (sent, status, detail, whatsapp_url) = match crate::notify::channels::for_office(&office) {
        None => {
            let link = format!("https://wa.me/{phone}?text={}", crate::domain::links::percent_encode(&message));
            (
                false,
                None,
                "manual: buka tautan untuk mengirim dari WhatsApp meja ini / open the link to send it from this desk's WhatsApp"
                    .to_owned(),
                Some(link),
            )
        }
        Some(channel) => {
            let client =
                dispatch::client(dispatch::SEND_LIMIT).map_err(|e| ApiError::Internal(format!("http client: {e}")))?;
            let out = crate::notify::channels::Outgoing {
                id: &id,
                card_id: "",
                moment: "test",
                phone: &phone,
                message: &message,
                link: None,
                timestamp: chrono::Utc::now().timestamp(),
            };
            match dispatch::send(channel.request(&client, &out)).await {
                dispatch::Answer::Sent(code) => {
                    (true, u16::try_from(code).ok(), format!("gateway menjawab {code} / the gateway answered {code}"), None)
                }
                dispatch::Answer::Transient(code, said) | dispatch::Answer::Permanent(code, said) => {
                    (false, code.and_then(|c| u16::try_from(c).ok()), said, None)
                }
                dispatch::Answer::Gone(_) => (
                    false,
                    Some(410),
                    "gateway menjawab 410: tidak menerima pesan lagi dari akun ini / the gateway answered 410 Gone: it takes no more messages from this account".to_owned(),
                    None,
                ),
            }
        }
    };
    let result =
        NotifyTestResult { channel: office.notify_channel.clone(), sent, status, detail, message, whatsapp_url };
    let audited = result.clone();
    state
        .audited(
            &admin,
            "settings.notify_test",
            move |_, _| Ok(audited),
            |r: &NotifyTestResult| {
                ("settings".into(), serde_json::json!({"channel": r.channel, "sent": r.sent, "status": r.status}))
            },
        )
        .await?;
    Ok(Json(result))
}
