//! The access log: one line per request with a request id. It never records
//! query strings, and it masks resident tokens in paths, since both can carry
//! personal data.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

/// Path as it may be logged: resident tokens replaced by `***`, and any run
/// of ten or more digits (a NIK, a family-card or phone number someone put in
/// a URL) by `#`.
pub fn loggable_path(path: &str) -> String {
    for prefix in ["/api/v1/track/", "/t/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}***{}", mask_digit_runs(tail));
        }
    }
    mask_digit_runs(path)
}

fn mask_digit_runs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 10 {
            out.push('#');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// When the request arrived, before any extractor waited for anything (a
/// database connection, say): handlers read it from the request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct ArrivedAt(pub chrono::NaiveDateTime);

pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    let path = loggable_path(req.path());
    let method = req.method().clone();
    let span = tracing::info_span!("request", id = %request_id);
    let started = std::time::Instant::now();
    actix_web::HttpMessage::extensions_mut(&req).insert(ArrivedAt(crate::db::now()));
    let result = next.call(req).instrument(span.clone()).await;
    let _enter = span.enter();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            if let Some(state) = res.request().app_data::<actix_web::web::Data<crate::app::AppState>>() {
                state.metrics.request(method.as_str(), res.request().match_pattern(), status, ms / 1000.0);
            }
            tracing::info!(%method, %path, status, ms = format_args!("{ms:.1}"), "http");
            if let Ok(v) = HeaderValue::from_str(&request_id) {
                res.headers_mut().insert(HeaderName::from_static("x-request-id"), v);
            }
            Ok(res)
        }
        Err(e) => {
            tracing::warn!(%method, %path, ms = format_args!("{ms:.1}"), "http error: {e}");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn resident_tokens_are_masked_in_logged_paths() {
        assert_eq!(loggable_path("/t/abcdef"), "/t/***");
        assert_eq!(loggable_path("/api/v1/track/abcdef/confirm"), "/api/v1/track/***/confirm");
        assert_eq!(loggable_path("/api/v1/cards"), "/api/v1/cards");
    }

    #[test]
    fn nik_shaped_numbers_are_masked_in_logged_paths() {
        assert_eq!(loggable_path("/api/v1/cards/1871010101900001"), "/api/v1/cards/#");
        assert_eq!(loggable_path("/api/v1/cards/01a204f0-f441-71f3"), "/api/v1/cards/01a204f0-f441-71f3");
        assert_eq!(loggable_path("/x/081234567890/y"), "/x/#/y");
    }
}
