//! The OpenAPI 3 document, generated from the handlers' annotations, at
//! `/api/v1/openapi.json`, and a browsable page at `/api/v1/docs/`.

use super::*;
use antar_shared::wire::*;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Antar",
        description = "Tracks printed e-KTP cards from the civil-registry office to the resident's door. \
            Errors are application/problem+json with a stable `code`.",
    ),
    paths(
        health::healthz, health::readyz,
        auth::login, auth::refresh, auth::logout,
        users::create, users::list, users::change,
        settings::get, settings::put, settings::notify_test,
        import::import, cards::list, cards::areas, cards::get, cards::record, cards::link,
        routes::plan, routes::create, routes::create_all, routes::sheet, routes::labels, routes::list, routes::get, routes::replace_stops, routes::reassign, routes::move_stops, routes::cancel, routes::day, routes::close_day, routes::report_pdf, routes::report_csv,
        desk::handout, desk::receive,
        me::routes, me::proof, sync::sync, media::put, media::get,
        review::list, review::counts, review::resolve_flagged, review::resolve, review::resolve_resident,
        dashboard::get, dashboard::forecast,
        audit::list, audit::verify,
        notifications::list, notifications::retry, notifications::sent,
        track::get, track::confirm, track::report, track::request, track::page, track::page_confirm, track::page_request,
    ),
    components(schemas(ProblemDetails, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Login, session refresh and logout"),
        (name = "cards", description = "Print batches and cards (office staff)"),
        (name = "routes", description = "Delivery routes and the courier's day (office staff)"),
        (name = "courier", description = "The courier's phone: routes, sync, proof media"),
        (name = "resident", description = "The resident's link: no login"),
        (name = "review", description = "Field data kept for staff review"),
        (name = "office", description = "The office's day and backlog (office staff)"),
        (name = "audit", description = "The office's hash-chained audit trail (admins)"),
        (name = "notifications", description = "Messages to residents: the outbox (staff)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
            );
        }
    }
}

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(
        utoipa_swagger_ui::SwaggerUi::new("/api/v1/docs/{_:.*}").url("/api/v1/openapi.json", ApiDoc::openapi()),
    );
}
