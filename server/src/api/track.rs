//! The resident's view: `/api/v1/track/{token}` (JSON) and `/t/{token}`, a
//! small HTML page that works without JavaScript. No login, never a NIK.

use super::error::ApiError;
use crate::app::AppState;
use crate::domain::links;
use actix_web::http::header;
use actix_web::web::{self, Json};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use antar_shared::custody::{ResidentAnswer, ResidentWish};
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{ReportRequest, TrackView, WishRequest};
use serde::Deserialize;

fn private(mut res: HttpResponseBuilder) -> HttpResponseBuilder {
    res.insert_header((header::REFERRER_POLICY, "no-referrer"))
        // The page has its style inline and no script at all; never framed.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Robots-Tag", "noindex"));
    res
}

#[utoipa::path(get, path = "/api/v1/track/{token}", tag = "resident", params(("token" = String, Path)), responses((status = 200, body = TrackView), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 410, description = "the link expired", body = ProblemDetails, content_type = "application/problem+json"), (status = 429, description = "too many requests (see Retry-After)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.resident_request(&req)?;
    let token = token.into_inner();
    let view = state.db(move |conn| links::view(conn, &token)).await?;
    Ok(private(HttpResponse::Ok()).json(view))
}

#[utoipa::path(post, path = "/api/v1/track/{token}/confirm", tag = "resident", params(("token" = String, Path)), responses((status = 200, description = "confirmed (a second confirmation answers like the first); on a card still with the courier, kept for staff review", body = TrackView), (status = 409, description = "the card has not been delivered", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 410, description = "the link expired", body = ProblemDetails, content_type = "application/problem+json"), (status = 429, description = "too many requests (see Retry-After)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.resident_request(&req)?;
    let token = token.into_inner();
    let view = state.db(move |conn| links::answer(conn, &token, ResidentAnswer::Confirmed, None)).await?;
    Ok(private(HttpResponse::Ok()).json(view))
}

fn check_message(message: &str) -> Result<String, ApiError> {
    let m = message.trim();
    if m.is_empty() || m.chars().count() > 1000 {
        return Err(ApiError::field("message", "1–1000 characters"));
    }
    Ok(m.to_owned())
}

#[utoipa::path(post, path = "/api/v1/track/{token}/report", tag = "resident", params(("token" = String, Path)), request_body = ReportRequest, responses((status = 200, body = TrackView), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 410, description = "the link expired", body = ProblemDetails, content_type = "application/problem+json"), (status = 429, description = "too many requests (see Retry-After)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn report(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: Json<ReportRequest>,
) -> Result<HttpResponse, ApiError> {
    state.resident_request(&req)?;
    let token = token.into_inner();
    let message = check_message(&body.message)?;
    let view = state.db(move |conn| links::answer(conn, &token, ResidentAnswer::Disputed, Some(message))).await?;
    Ok(private(HttpResponse::Ok()).json(view))
}

#[utoipa::path(post, path = "/api/v1/track/{token}/request", tag = "resident", params(("token" = String, Path)), request_body = WishRequest, responses((status = 200, body = TrackView), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "the card is no longer on its way", body = ProblemDetails, content_type = "application/problem+json"), (status = 410, description = "the link expired", body = ProblemDetails, content_type = "application/problem+json"), (status = 429, description = "too many requests (see Retry-After)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn request(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: Json<WishRequest>,
) -> Result<HttpResponse, ApiError> {
    state.resident_request(&req)?;
    let token = token.into_inner();
    let wish = body.wish;
    let view = state.db(move |conn| links::request(conn, &token, wish)).await?;
    Ok(private(HttpResponse::Ok()).json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct WishForm {
    /// `collect_at_village_office`, `after_16` or `weekend`.
    #[schema(pattern = "^(collect_at_village_office|after_16|weekend)$")]
    pub wish: Option<String>,
}

/// The page's request form, without JavaScript.
#[utoipa::path(post, path = "/t/{token}/request", tag = "resident", params(("token" = String, Path)), request_body(content = WishForm, content_type = "application/x-www-form-urlencoded"), responses((status = 200, description = "the request is recorded (or, without a known choice, the page asking for one)", content_type = "text/html"), (status = 404, description = "unknown link", content_type = "text/html"), (status = 409, description = "the card is no longer on its way", content_type = "text/html"), (status = 410, description = "expired", content_type = "text/html"), (status = 415, description = "not a form (application/x-www-form-urlencoded)", content_type = "text/plain"), (status = 429, description = "too many requests", content_type = "text/html"), (status = 503, description = "the database is away", content_type = "text/html")))]
pub async fn page_request(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<WishForm>,
) -> HttpResponse {
    let t = token.into_inner();
    if let Err(e) = state.resident_request(&req) {
        return render(&t, Err(e), None);
    }
    // No choice made (or an unknown one): the page again, asking for one.
    let Some(wish) = form.wish.as_deref().and_then(ResidentWish::parse) else {
        let tk = t.clone();
        let result = state.db(move |conn| links::view(conn, &tk)).await;
        return render(&t, result, Some("Pilih salah satu permintaan di bawah."));
    };
    let tk = t.clone();
    let result = state.db(move |conn| links::request(conn, &tk, wish)).await;
    render(&t, result, Some("Permintaan Anda sudah kami terima dan diteruskan ke petugas dan kurir."))
}

#[utoipa::path(get, path = "/t/{token}", tag = "resident", params(("token" = String, Path)), responses((status = 200, description = "the status page, no JavaScript needed", content_type = "text/html"), (status = 404, description = "unknown link", content_type = "text/html"), (status = 410, description = "expired", content_type = "text/html"), (status = 429, description = "too many requests", content_type = "text/html"), (status = 503, description = "the database is away", content_type = "text/html")))]
pub async fn page(state: web::Data<AppState>, req: HttpRequest, token: web::Path<String>) -> HttpResponse {
    let t = token.into_inner();
    if let Err(e) = state.resident_request(&req) {
        return render(&t, Err(e), None);
    }
    let tk = t.clone();
    let result = state.db(move |conn| links::view(conn, &tk)).await;
    render(&t, result, None)
}

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct PageForm {
    /// A problem to report; without it the form confirms receipt.
    #[schema(max_length = 1000)]
    pub message: Option<String>,
}

/// The page's form: confirms, or reports a problem when a message is sent.
#[utoipa::path(post, path = "/t/{token}/confirm", tag = "resident", params(("token" = String, Path)), request_body(content = PageForm, content_type = "application/x-www-form-urlencoded"), responses((status = 200, description = "confirmed, or a problem reported when the form has a message", content_type = "text/html"), (status = 400, description = "the message is too long or blank", content_type = "text/html"), (status = 404, description = "unknown link", content_type = "text/html"), (status = 409, description = "the card has not been handed over yet", content_type = "text/html"), (status = 410, description = "expired", content_type = "text/html"), (status = 415, description = "not a form (application/x-www-form-urlencoded)", content_type = "text/plain"), (status = 429, description = "too many requests", content_type = "text/html"), (status = 503, description = "the database is away", content_type = "text/html")))]
pub async fn page_confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<PageForm>,
) -> HttpResponse {
    let t = token.into_inner();
    if let Err(e) = state.resident_request(&req) {
        return render(&t, Err(e), None);
    }
    let tk = t.clone();
    let message = form.into_inner().message.filter(|m| !m.trim().is_empty());
    let answer = if message.is_some() { ResidentAnswer::Disputed } else { ResidentAnswer::Confirmed };
    let message = match message.map(|m| check_message(&m)).transpose() {
        Ok(m) => m,
        Err(e) => return render(&t, Err(e), None),
    };
    let result = state.db(move |conn| links::answer(conn, &tk, answer, message)).await;
    let notice = match (&result, answer) {
        (_, ResidentAnswer::Disputed) => "Laporan Anda sudah kami terima. Petugas akan menghubungi Anda.",
        (Ok(v), ResidentAnswer::Confirmed) if v.resident.is_none() => {
            "Terima kasih. Konfirmasi Anda kami catat; petugas akan mencocokkannya dengan catatan kurir."
        }
        _ => "Terima kasih, penerimaan e-KTP sudah dikonfirmasi.",
    };
    render(&t, result, Some(notice))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn render(token: &str, result: Result<TrackView, ApiError>, notice: Option<&str>) -> HttpResponse {
    let (status, body) = match result {
        Ok(v) => (actix_web::http::StatusCode::OK, view_html(token, &v, notice)),
        Err(ApiError::Gone(_)) => (actix_web::http::StatusCode::GONE, "<h1>Tautan kedaluwarsa</h1><p>Tautan ini sudah tidak berlaku. Hubungi kantor Disdukcapil untuk tautan baru.</p>".to_owned()),
        Err(ApiError::NotFound(_)) => (actix_web::http::StatusCode::NOT_FOUND, "<h1>Tautan tidak ditemukan</h1><p>Periksa kembali tautan dari SMS/WhatsApp Anda.</p>".to_owned()),
        Err(ApiError::TooManyRequests { .. }) => (actix_web::http::StatusCode::TOO_MANY_REQUESTS, "<h1>Terlalu banyak permintaan</h1><p>Tunggu sebentar lalu muat ulang halaman ini.</p>".to_owned()),
        Err(ApiError::Conflict(detail)) => (actix_web::http::StatusCode::CONFLICT, format!("<h1>Belum bisa dikonfirmasi</h1><p>{}</p>", esc(detail.split(" / ").next().unwrap_or(&detail)))),
        Err(ApiError::Validation { detail, .. }) => (actix_web::http::StatusCode::BAD_REQUEST, format!("<h1>Periksa isian</h1><p>{}</p>", esc(&detail))),
        Err(e) => {
            tracing::error!(error = %e, "resident page");
            (actix_web::http::StatusCode::SERVICE_UNAVAILABLE, "<h1>Sedang gangguan</h1><p>Coba lagi beberapa saat lagi.</p>".to_owned())
        }
    };
    let html = format!(
        "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\"><title>Status e-KTP</title><style>\
body{{font-family:system-ui,sans-serif;max-width:32rem;margin:0 auto;padding:1rem;line-height:1.5;color:#111}}\
h1{{font-size:1.4rem}}.status{{font-size:1.2rem;font-weight:bold;padding:.75rem;background:#e8f4ea;border-radius:.5rem}}\
ol{{padding-left:1.2rem}}button{{font-size:1.1rem;padding:.8rem 1.2rem;min-height:48px;border-radius:.5rem;border:0;background:#0b6e2e;color:#fff;width:100%}}\
textarea{{width:100%;min-height:5rem;font-size:1rem}}.notice{{background:#fff7d6;padding:.75rem;border-radius:.5rem}}\
.secondary{{background:#555}}small{{color:#555}}</style></head><body>{body}</body></html>"
    );
    private(HttpResponse::build(status)).content_type("text/html; charset=utf-8").body(html)
}

fn view_html(token: &str, v: &TrackView, notice: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(n) = notice {
        out.push_str(&format!("<p class=\"notice\" role=\"status\">{}</p>", esc(n)));
    }
    out.push_str(&format!(
        "<h1>Status e-KTP untuk {}</h1><p>Disdukcapil {}</p><p class=\"status\" data-status=\"{}\">{}</p>",
        esc(&v.name),
        esc(antar_shared::notify::office_after_disdukcapil(&v.office_name)),
        v.status.as_str(),
        esc(&v.status_label)
    ));
    if let Some(c) = &v.courier_first_name {
        out.push_str(&format!("<p>Kurir: {}</p>", esc(c)));
    }
    out.push_str("<h2>Riwayat</h2><ol>");
    for t in &v.timeline {
        let local =
            t.at + chrono::Duration::hours(i64::from(crate::config::zone_offset_hours(&v.time_zone).unwrap_or(7)));
        out.push_str(&format!(
            "<li><time datetime=\"{}\">{}</time> — {}</li>",
            t.at.to_rfc3339(),
            local.format("%d-%m-%Y %H:%M"),
            esc(&t.label)
        ));
    }
    out.push_str("</ol>");
    let action = format!("/t/{}/confirm", esc(token));
    match v.resident {
        Some(ResidentAnswer::Confirmed) => out.push_str("<p><strong>Anda sudah mengonfirmasi penerimaan. Terima kasih.</strong></p>"),
        Some(ResidentAnswer::Disputed) => out.push_str("<p><strong>Laporan Anda sedang ditangani petugas.</strong></p>"),
        None if v.can_confirm => out.push_str(&format!(
            "<form method=\"post\" action=\"{action}\"><button type=\"submit\">Ya, e-KTP sudah saya terima</button></form>"
        )),
        None => out.push_str("<p>Konfirmasi penerimaan bisa dilakukan setelah e-KTP diserahkan kepada Anda.</p>"),
    }
    if v.can_request {
        let to = format!("/t/{}/request", esc(token));
        out.push_str("<h2>Tidak di rumah?</h2>");
        for wish in ResidentWish::ALL {
            let label = match wish {
                ResidentWish::CollectAtVillageOffice => "Saya ambil di kantor kelurahan",
                ResidentWish::After16 => "Antar setelah pukul 16.00",
                ResidentWish::Weekend => "Antar pada akhir pekan",
            };
            out.push_str(&format!(
                "<form method=\"post\" action=\"{to}\"><input type=\"hidden\" name=\"wish\" value=\"{}\">\
<button class=\"secondary\" type=\"submit\">{label}</button></form>",
                wish.as_str()
            ));
        }
    }
    out.push_str(&format!(
        "<h2>Ada masalah?</h2><form method=\"post\" action=\"{action}\"><label for=\"message\">Ceritakan masalahnya</label>\
<textarea id=\"message\" name=\"message\" maxlength=\"1000\" required></textarea><button class=\"secondary\" type=\"submit\">Laporkan masalah</button></form>\
<p><small>Halaman ini tidak menampilkan NIK Anda.</small></p>"
    ));
    out
}
