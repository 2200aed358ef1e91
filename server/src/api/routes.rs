//! Routes (staff): `POST /api/v1/routes/plan` (a proposal), `POST /api/v1/routes`, `GET /api/v1/routes[?date=&courier_id=]`,
//! `POST /api/v1/routes/batch` (a saved plan), `GET /api/v1/routes/{id}`,
//! `GET …/sheet.pdf`, `GET …/labels.pdf`, `PUT /api/v1/routes/{id}/stops`,
//! `PATCH /api/v1/routes/{id}` (another courier), `POST …/move` (stops to
//! another route), `POST /api/v1/routes/{id}/cancel`; a courier's day:
//! `GET /api/v1/couriers/{id}/days/{date}` and `POST …/close`.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::domain::routes;
use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{
    CloseDay, DayReport, Items, NewRoute, NewRoutes, PlanRequest, PlanResponse, Route, RouteChange, StopsMove,
    StopsUpdate,
};
use serde::Deserialize;
use serde_json::json;

pub fn check_date(date: &str) -> Result<(), ApiError> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(drop)
        .map_err(|_| ApiError::field("date", "must be a date, YYYY-MM-DD"))
}

#[utoipa::path(post, path = "/api/v1/routes", tag = "routes", security(("bearer" = [])), request_body = NewRoute, responses((status = 201, body = Route), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "conflicts with the card's custody or a route", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn create(state: web::Data<AppState>, staff: Staff, body: Json<NewRoute>) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    check_date(&body.date)?;
    if body.card_ids.is_empty() {
        return Err(ApiError::field("card_ids", "must name at least one card"));
    }
    let (actor, detail) =
        (staff.id.clone(), json!({"courier_id": body.courier_id, "date": body.date, "cards": body.card_ids.len()}));
    let route = state
        .audited(
            &staff,
            "route.create",
            move |conn, office| routes::create(conn, office, &actor, &body.courier_id, &body.date, &body.card_ids),
            move |r: &Route| (format!("route:{}", r.id), detail),
        )
        .await?;
    Ok(HttpResponse::Created().json(route))
}

/// Saves a day's plan: every route is created, or none is (a card that
/// cannot go on a route is named in a 409 and nothing is saved).
#[utoipa::path(post, path = "/api/v1/routes/batch", tag = "routes", security(("bearer" = [])), request_body = NewRoutes, responses((status = 201, body = Items<Route>), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "a card cannot go on a route; nothing saved", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn create_all(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<NewRoutes>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    check_date(&body.date)?;
    if body.routes.is_empty() {
        return Err(ApiError::field("routes", "must hold at least one route"));
    }
    if let Some(i) = body.routes.iter().position(|r| r.card_ids.is_empty()) {
        return Err(ApiError::field(&format!("routes[{i}].card_ids"), "must name at least one card"));
    }
    let actor = staff.id.clone();
    let date = body.date.clone();
    let items = state
        .audited(
            &staff,
            "routes.save_plan",
            move |conn, office| routes::create_all(conn, office, &actor, &body.date, &body.routes),
            move |items: &Vec<Route>| {
                let ids: Vec<&str> = items.iter().map(|r| r.id.as_str()).collect();
                let cards: usize = items.iter().map(|r| r.stops.len()).sum();
                (format!("plan:{date}"), json!({"routes": ids, "cards": cards}))
            },
        )
        .await?;
    Ok(HttpResponse::Created().json(Items { items }))
}

fn pdf(name: String, bytes: Vec<u8>) -> HttpResponse {
    file("application/pdf", name, bytes)
}

fn file(content_type: &str, name: String, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("inline; filename=\"{name}\"")))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes)
}

/// The route sheet (A4): the stops in order with what the door needs and a
/// box to tick.
#[utoipa::path(get, path = "/api/v1/routes/{id}/sheet.pdf", tag = "routes", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, description = "the route sheet", content_type = "application/pdf", body = Vec<u8>), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn sheet(state: web::Data<AppState>, staff: Staff, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (name, bytes) = state
        .office_db(staff.office_id.clone(), move |conn, office| crate::domain::print::route_sheet(conn, office, &id))
        .await?;
    Ok(pdf(name, bytes))
}

/// Envelope labels (A4 sheets of 3 × 8), each with a QR code of the door
/// link `{ANTAR_PUBLIC_URL}/s/{card_id}`.
#[utoipa::path(get, path = "/api/v1/routes/{id}/labels.pdf", tag = "routes", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, description = "the envelope labels", content_type = "application/pdf", body = Vec<u8>), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn labels(state: web::Data<AppState>, staff: Staff, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let public_url = state.public_url();
    let (name, bytes) = state
        .office_db(staff.office_id.clone(), move |conn, office| {
            crate::domain::print::route_labels(conn, office, &id, &public_url)
        })
        .await?;
    Ok(pdf(name, bytes))
}

/// Plans the day's routes for the office's couriers; saves nothing.
#[utoipa::path(post, path = "/api/v1/routes/plan", tag = "routes", security(("bearer" = [])), request_body = PlanRequest, responses((status = 200, body = PlanResponse), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn plan(
    state: web::Data<AppState>,
    staff: Staff,
    body: Json<PlanRequest>,
) -> Result<Json<PlanResponse>, ApiError> {
    let body = body.into_inner();
    state
        .office_db(staff.office_id.clone(), move |conn, office| {
            crate::domain::plan::plan(conn, office, &body).map(Json)
        })
        .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct ListQuery {
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub date: Option<String>,
    pub courier_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/routes", tag = "routes", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Items<Route>), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<ListQuery>,
) -> Result<Json<Items<Route>>, ApiError> {
    let q = q.into_inner();
    if let Some(d) = &q.date {
        check_date(d)?;
    }
    state
        .office_db(staff.office_id.clone(), move |conn, office| {
            routes::list(conn, office, q.date.as_deref(), q.courier_id.as_deref()).map(|items| Json(Items { items }))
        })
        .await
}

#[utoipa::path(get, path = "/api/v1/routes/{id}", tag = "routes", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = Route), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, staff: Staff, id: web::Path<String>) -> Result<Json<Route>, ApiError> {
    let id = id.into_inner();
    state.office_db(staff.office_id.clone(), move |conn, office| routes::get(conn, office, &id).map(Json)).await
}

#[utoipa::path(put, path = "/api/v1/routes/{id}/stops", tag = "routes", security(("bearer" = [])), params(("id" = String, Path)), request_body = StopsUpdate, responses((status = 200, body = Route), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "conflicts with the card's custody or a route", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn replace_stops(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    body: Json<StopsUpdate>,
) -> Result<Json<Route>, ApiError> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let actor = staff.id.clone();
    state
        .audited(
            &staff,
            "route.stops",
            move |conn, office| routes::replace_stops(conn, office, &actor, &id, &body.card_ids),
            |r: &Route| (format!("route:{}", r.id), json!({"cards": r.stops.len()})),
        )
        .await
        .map(Json)
}

/// Gives the route to another courier: only before any of its cards is
/// picked up, and only to a courier with no open route that day.
#[utoipa::path(
    patch,
    path = "/api/v1/routes/{id}",
    tag = "routes",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = RouteChange,
    responses(
        (status = 200, body = Route),
        (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "a card was picked up, or the courier has an open route that day (named)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "no such courier in this office", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn reassign(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    body: Json<RouteChange>,
) -> Result<Json<Route>, ApiError> {
    let (id, courier, actor) = (id.into_inner(), body.into_inner().courier_id, staff.id.clone());
    state
        .audited(
            &staff,
            "route.reassign",
            move |conn, office| crate::domain::board::reassign(conn, office, &actor, &id, &courier),
            |r: &Route| (format!("route:{}", r.id), json!({"courier_id": r.courier_id})),
        )
        .await
        .map(Json)
}

/// Moves stops to the end of another open route in one step: the card goes
/// from one courier's route to the other's, or nowhere when refused.
#[utoipa::path(
    post,
    path = "/api/v1/routes/{id}/move",
    tag = "routes",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = StopsMove,
    responses(
        (status = 200, description = "both routes as they now are: the one moved from, then the one moved to", body = Items<Route>),
        (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "a card was picked up, or the target route is full", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "a card is not on the route", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn move_stops(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    body: Json<StopsMove>,
) -> Result<Json<Items<Route>>, ApiError> {
    let (id, body, actor) = (id.into_inner(), body.into_inner(), staff.id.clone());
    if body.card_ids.is_empty() {
        return Err(ApiError::field("card_ids", "must name at least one card"));
    }
    state
        .audited(
            &staff,
            "route.move",
            move |conn, office| {
                crate::domain::board::move_stops(conn, office, &actor, &id, &body.to_route_id, &body.card_ids)
            },
            |r: &Vec<Route>| {
                let ids: Vec<&str> = r.iter().map(|r| r.id.as_str()).collect();
                (format!("route:{}", ids.first().copied().unwrap_or_default()), json!({"routes": ids}))
            },
        )
        .await
        .map(|items| Json(Items { items }))
}

#[utoipa::path(post, path = "/api/v1/routes/{id}/cancel", tag = "routes", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = Route), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "conflicts with the card's custody or a route", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn cancel(state: web::Data<AppState>, staff: Staff, id: web::Path<String>) -> Result<Json<Route>, ApiError> {
    let (id, actor) = (id.into_inner(), staff.id.clone());
    state
        .audited(
            &staff,
            "route.cancel",
            move |conn, office| routes::cancel(conn, office, &actor, &id),
            |r: &Route| (format!("route:{}", r.id), json!({"courier_id": r.courier_id, "date": r.date})),
        )
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/api/v1/couriers/{id}/days/{date}", tag = "routes", security(("bearer" = [])), params(("id" = String, Path), ("date" = String, Path, format = Date, description = "YYYY-MM-DD")), responses((status = 200, body = DayReport), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn day(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
) -> Result<Json<DayReport>, ApiError> {
    let (courier, date) = path.into_inner();
    check_date(&date)?;
    state
        .office_db(staff.office_id.clone(), move |conn, office| {
            routes::day_report(conn, office, &courier, &date).map(Json)
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/couriers/{id}/days/{date}/close", tag = "routes", security(("bearer" = [])), params(("id" = String, Path), ("date" = String, Path, format = Date, description = "YYYY-MM-DD")), request_body(content = Option<CloseDay>, description = "optional: the cards handed back (default: every card still out)"), responses((status = 200, body = DayReport), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "conflicts with the card's custody or a route", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn close_day(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<Json<DayReport>, ApiError> {
    let (courier, date) = path.into_inner();
    check_date(&date)?;
    let body: CloseDay = super::error::optional_json(&body)?;
    let actor = staff.id.clone();
    state
        .audited(
            &staff,
            "day.close",
            move |conn, office| {
                routes::close_day(conn, office, &actor, &courier, &date, body.returned_card_ids.as_deref())
            },
            |r: &DayReport| {
                let detail = json!({
                    "handed_out": r.handed_out, "delivered": r.delivered.len(), "returned": r.returned.len(),
                    "left_at_village_office": r.left_at_village_office.len(), "still_out": r.still_out.len(),
                });
                (format!("courier:{}/day:{}", r.courier_id, r.date), detail)
            },
        )
        .await
        .map(Json)
}

/// The handover report (berita acara serah terima) of a courier's day, A4,
/// to sign and file; marked provisional until the day is closed.
#[utoipa::path(get, path = "/api/v1/couriers/{id}/days/{date}/report.pdf", tag = "routes", security(("bearer" = [])), params(("id" = String, Path), ("date" = String, Path, format = Date, description = "YYYY-MM-DD")), responses((status = 200, description = "the handover report", content_type = "application/pdf", body = Vec<u8>), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn report_pdf(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (name, bytes) = handover(state, staff, path, crate::domain::print::handover_pdf).await?;
    Ok(pdf(name, bytes))
}

/// The same report as CSV: one row per card with its outcome.
#[utoipa::path(get, path = "/api/v1/couriers/{id}/days/{date}/report.csv", tag = "routes", security(("bearer" = [])), params(("id" = String, Path), ("date" = String, Path, format = Date, description = "YYYY-MM-DD")), responses((status = 200, description = "one row per card: TANGGAL, KURIR, HASIL, KETERANGAN, NAMA, NIK_4, ALAMAT, RT, RW, KELURAHAN, KECAMATAN, NO_BATCH", content_type = "text/csv", body = String), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn report_csv(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (name, bytes) = handover(state, staff, path, crate::domain::print::handover_csv).await?;
    Ok(file("text/csv; charset=utf-8", name, bytes))
}

type Made = Result<(String, Vec<u8>), ApiError>;

/// The handover report of the courier and date in the path, made by `make`.
async fn handover(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    make: fn(&mut crate::db::DbConnection, &crate::db::offices::Office, &str, &str) -> Made,
) -> Made {
    let (courier, date) = path.into_inner();
    check_date(&date)?;
    state.office_db(staff.office_id.clone(), move |conn, office| make(conn, office, &courier, &date)).await
}
