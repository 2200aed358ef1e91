//! The built web apps, embedded in the binary: one file is the whole
//! product. The courier's phone app is at `/`, the office console at
//! `/console/`; an unknown path without a file extension gets its app's
//! `index.html`, so the apps' own routes survive a reload.

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
    if !matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD) {
        return crate::api::error::method_not_allowed(&["get", "head"]).await;
    }
    let shell = app_shell(path);
    let (name, file) = match Assets::get(if path.is_empty() { shell } else { path }) {
        Some(f) if !path.is_empty() && !path.ends_with('/') => (path, f),
        Some(f) => (shell, f),
        None if !path.contains('.') || path.ends_with(".html") => match Assets::get(shell) {
            Some(f) => (shell, f),
            None => return not_built(),
        },
        None => return HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("not found"),
    };
    let mime = file.metadata.mimetype().to_owned();
    // A copy compressed at build time, when the browser takes it.
    let accepted = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let variant = ["br", "gzip"].into_iter().filter(|enc| accepts(accepted, enc)).find_map(|enc| {
        let ext = if enc == "gzip" { "gz" } else { enc };
        Assets::get(&format!("{name}.{ext}")).map(|f| (enc, f))
    });
    // Shell files change with each release; fingerprinted files never do.
    let cache = if name.ends_with(".html") || name == "sw.js" || name.ends_with(".webmanifest") {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    let mut res = HttpResponse::Ok();
    if name.ends_with(".html") {
        res.insert_header((header::CONTENT_SECURITY_POLICY, app_policy(name)));
    }
    res.insert_header((header::CONTENT_TYPE, mime))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::VARY, "Accept-Encoding"));
    match variant {
        // Already compressed: the compression middleware leaves it alone.
        Some((encoding, compressed)) => {
            res.insert_header((header::CONTENT_ENCODING, encoding)).body(compressed.data.into_owned())
        }
        None => res.body(file.data.into_owned()),
    }
}

/// The page that starts the app a path belongs to.
fn app_shell(path: &str) -> &'static str {
    if path == "console" || path.starts_with("console/") {
        "console/index.html"
    } else {
        "index.html"
    }
}

/// A page's Content-Security-Policy: the app's own files only,
/// WebAssembly, and the one inline boot script, allowed by its hash (the
/// build writes the file names into it, so the hash is taken from the
/// embedded page). Computed once per page.
fn app_policy(page: &str) -> String {
    static POLICIES: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());
    let mut known = POLICIES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, policy)) = known.iter().find(|(p, _)| p == page) {
        return policy.clone();
    }
    let policy = {
        let page = Assets::get(page).map(|f| String::from_utf8_lossy(&f.data).into_owned()).unwrap_or_default();
        let hashes: String = inline_scripts(&page)
            .map(|script| {
                use base64::Engine;
                use sha2::Digest;
                let digest = sha2::Sha256::digest(script.as_bytes());
                format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
            })
            .collect();
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
    };
    known.push((page.to_owned(), policy.clone()));
    policy
}

/// The bodies of a page's inline `<script>` elements.
fn inline_scripts(page: &str) -> impl Iterator<Item = &str> {
    page.split("<script").skip(1).filter_map(|rest| {
        let (open, body) = rest.split_once('>')?;
        if open.contains("src=") {
            return None;
        }
        body.split_once("</script>").map(|(script, _)| script)
    })
}

/// Whether an `Accept-Encoding` value takes `encoding` (and not with q=0).
fn accepts(header: &str, encoding: &str) -> bool {
    header.split(',').any(|part| {
        let mut it = part.split(';').map(str::trim);
        let named = it.next().is_some_and(|name| name.eq_ignore_ascii_case(encoding));
        let weight = it.find_map(|p| p.strip_prefix("q=")).map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
        named && weight > 0.0
    })
}

fn not_built() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/plain; charset=utf-8")
        .body("The web app is not built into this binary: run `cargo xtask run` (or `cargo xtask build-web`).")
}

#[cfg(test)]
mod tests {
    use super::{accepts, app_shell, inline_scripts};

    #[test]
    fn console_paths_start_the_console_and_every_other_path_the_phone_app() {
        assert_eq!(app_shell("console"), "console/index.html");
        assert_eq!(app_shell("console/"), "console/index.html");
        assert_eq!(app_shell("console/plan"), "console/index.html");
        assert_eq!(app_shell(""), "index.html");
        assert_eq!(app_shell("s/0190abcd"), "index.html");
        assert_eq!(app_shell("consoles"), "index.html");
    }

    #[test]
    fn inline_scripts_are_found_and_external_ones_skipped() {
        let page = "<script src=\"/d.js\"></script>\n<script type=\"module\">import a from \"/a.js\"; a();</script>";
        assert_eq!(inline_scripts(page).collect::<Vec<_>>(), ["import a from \"/a.js\"; a();"]);
    }

    #[test]
    fn an_encoding_is_taken_when_listed_without_a_zero_weight() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("br;q=0.5, gzip", "br"));
        assert!(accepts("GZIP", "gzip"));
        assert!(!accepts("gzip, deflate", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(!accepts("br; q=0.0", "br"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("brotli", "br"));
    }
}
