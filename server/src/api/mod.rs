//! HTTP: each module parses, authorises, calls the domain or the database,
//! and answers. The routes of `/api/v1` are the contract in DESIGN.md.

pub mod auth;
pub mod cards;
pub mod error;
pub mod health;
pub mod import;
pub mod me;
pub mod media;
pub mod openapi;
pub mod review;
pub mod routes;
pub mod settings;
pub mod sync;
pub mod track;
pub mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(openapi::configure);
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .service(
            web::scope("/api/v1")
                .route("/auth/login", web::post().to(auth::login))
                .route("/auth/refresh", web::post().to(auth::refresh))
                .route("/users", web::post().to(users::create))
                .route("/users", web::get().to(users::list))
                .route("/settings", web::get().to(settings::get))
                .route("/settings", web::put().to(settings::put))
                .route("/cards/import", web::post().to(import::import))
                .route("/cards", web::get().to(cards::list))
                .route("/cards/{id}", web::get().to(cards::get))
                .route("/cards/{id}/link", web::post().to(cards::link))
                .route("/cards/{id}/events", web::post().to(cards::record))
                .route("/routes", web::post().to(routes::create))
                .route("/routes", web::get().to(routes::list))
                .route("/routes/{id}", web::get().to(routes::get))
                .route("/routes/{id}/stops", web::put().to(routes::replace_stops))
                .route("/routes/{id}/cancel", web::post().to(routes::cancel))
                .route("/couriers/{id}/days/{date}", web::get().to(routes::day))
                .route("/couriers/{id}/days/{date}/close", web::post().to(routes::close_day))
                .route("/me/routes", web::get().to(me::routes))
                .route("/me/proof", web::get().to(me::proof))
                .service(
                    web::resource("/sync")
                        .app_data(error::json_config().limit(crate::domain::sync::MAX_BODY))
                        .route(web::post().to(sync::sync)),
                )
                .route("/review", web::get().to(review::list))
                .route("/review/rejected/{id}/resolve", web::post().to(review::resolve))
                .route("/review/resident/{id}/resolve", web::post().to(review::resolve_resident))
                .route("/media/{sha256}", web::put().to(media::put))
                .route("/media/{sha256}", web::get().to(media::get))
                .route("/track/{token}", web::get().to(track::get))
                .route("/track/{token}/confirm", web::post().to(track::confirm))
                .route("/track/{token}/report", web::post().to(track::report)),
        )
        .route("/t/{token}", web::get().to(track::page))
        .route("/t/{token}/confirm", web::post().to(track::page_confirm));
}
