//! HTTP: each module parses, authorises, calls the domain or the database,
//! and answers. The routes of `/api/v1` are the contract in DESIGN.md.

pub mod audit;
pub mod auth;
pub mod cards;
pub mod dashboard;
pub mod desk;
pub mod error;
pub mod health;
pub mod import;
pub mod me;
pub mod media;
pub mod metrics;
pub mod notifications;
pub mod openapi;
pub mod review;
pub mod routes;
pub mod settings;
pub mod sync;
pub mod track;
pub mod users;

use actix_web::web;

/// One path with its methods; any other method answers 405 with `Allow`.
macro_rules! resource {
    ($path:expr, $($method:ident => $handler:expr),+ $(,)?) => {{
        let allow: &'static [&'static str] = &[$(stringify!($method)),+];
        web::resource($path)
            $(.route(web::$method().to($handler)))+
            .default_service(web::to(move || error::method_not_allowed(allow)))
    }};
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(openapi::configure);
    cfg.service(resource!("/healthz", get => health::healthz))
        .service(resource!("/readyz", get => health::readyz))
        .service(resource!("/metrics", get => metrics::scrape))
        .service(
            web::scope("/api/v1")
                .service(resource!("/auth/login", post => auth::login))
                .service(resource!("/auth/refresh", post => auth::refresh))
                .service(resource!("/auth/logout", post => auth::logout))
                .service(resource!("/users", post => users::create, get => users::list))
                .service(resource!("/users/{id}", patch => users::change))
                .service(resource!("/settings", get => settings::get, put => settings::put))
                .service(resource!("/settings/notify-test", post => settings::notify_test))
                .service(resource!("/cards/import", post => import::import))
                .service(resource!("/cards", get => cards::list))
                .service(resource!("/cards/areas", get => cards::areas))
                .service(resource!("/cards/{id}", get => cards::get))
                .service(resource!("/cards/{id}/link", post => cards::link))
                .service(resource!("/cards/{id}/events", post => cards::record))
                .service(resource!("/routes", post => routes::create, get => routes::list))
                // Before `/routes/{id}`, which would otherwise take the path.
                .service(resource!("/routes/plan", post => routes::plan))
                .service(resource!("/routes/batch", post => routes::create_all))
                .service(resource!("/routes/{id}", get => routes::get, patch => routes::reassign))
                .service(resource!("/routes/{id}/move", post => routes::move_stops))
                .service(resource!("/routes/{id}/sheet.pdf", get => routes::sheet))
                .service(resource!("/routes/{id}/labels.pdf", get => routes::labels))
                .service(resource!("/routes/{id}/stops", put => routes::replace_stops))
                .service(resource!("/routes/{id}/cancel", post => routes::cancel))
                .service(resource!("/couriers/{id}/days/{date}", get => routes::day))
                .service(resource!("/couriers/{id}/days/{date}/close", post => routes::close_day))
                .service(resource!("/couriers/{id}/days/{date}/handout", post => desk::handout))
                .service(resource!("/couriers/{id}/days/{date}/receive", post => desk::receive))
                .service(resource!("/couriers/{id}/days/{date}/report.pdf", get => routes::report_pdf))
                .service(resource!("/couriers/{id}/days/{date}/report.csv", get => routes::report_csv))
                .service(resource!("/audit", get => audit::list))
                .service(resource!("/audit/verify", get => audit::verify))
                .service(resource!("/dashboard", get => dashboard::get))
                .service(resource!("/forecast", get => dashboard::forecast))
                .service(resource!("/me/routes", get => me::routes))
                .service(resource!("/me/proof", get => me::proof))
                .service(
                    resource!("/sync", post => sync::sync)
                        .app_data(error::json_config().limit(crate::domain::sync::MAX_BODY)),
                )
                .service(resource!("/notifications", get => notifications::list))
                .service(resource!("/notifications/{id}/retry", post => notifications::retry))
                .service(resource!("/notifications/{id}/sent", post => notifications::sent))
                .service(resource!("/review", get => review::list))
                .service(resource!("/review/counts", get => review::counts))
                .service(resource!("/review/flagged/{id}/resolve", post => review::resolve_flagged))
                .service(resource!("/review/rejected/{id}/resolve", post => review::resolve))
                .service(resource!("/review/resident/{id}/resolve", post => review::resolve_resident))
                .service(resource!("/media/{sha256}", put => media::put, get => media::get))
                .service(resource!("/track/{token}", get => track::get))
                .service(resource!("/track/{token}/confirm", post => track::confirm))
                .service(resource!("/track/{token}/report", post => track::report))
                .service(resource!("/track/{token}/request", post => track::request)),
        )
        .service(resource!("/t/{token}", get => track::page))
        .service(resource!("/t/{token}/confirm", post => track::page_confirm))
        .service(resource!("/t/{token}/request", post => track::page_request));
}
