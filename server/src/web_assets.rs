//! The built web app, embedded in the binary: one file is the whole product.
//! Unknown paths outside the API get `index.html`, so the app's own routes
//! survive a reload.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../webapp/dist"]
#[allow_missing = true]
struct Assets;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.default_service(web::to(serve));
}

async fn serve(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return actix_web::ResponseError::error_response(&crate::api::error::ApiError::not_found("API call"));
    }
    let (name, file) = match Assets::get(if path.is_empty() { "index.html" } else { path }) {
        Some(f) => (path, f),
        None if !path.contains('.') || path.ends_with(".html") => match Assets::get("index.html") {
            Some(f) => ("index.html", f),
            None => return not_built(),
        },
        None => return HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("not found"),
    };
    let name = if name.is_empty() { "index.html" } else { name };
    let mime = file.metadata.mimetype().to_owned();
    // Shell files change with each release; fingerprinted files never do.
    let cache = if name.ends_with(".html") || name == "sw.js" || name.ends_with(".webmanifest") {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(file.data.into_owned())
}

fn not_built() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/plain; charset=utf-8")
        .body("The web app is not built into this binary: run `cargo xtask run` (or `cargo xtask build-web`).")
}
