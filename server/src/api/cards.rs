//! `GET /api/v1/cards`, `GET /api/v1/cards/{id}`, `POST /api/v1/cards/{id}/link`.
//! Staff only: couriers see cards through their routes.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::db::media as db_media;
use crate::db::{cards, events};
use crate::domain::links;
use crate::domain::{custody, media};
use actix_web::web::{self, Json};
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{Areas, CardDetail, CardSummary, Kecamatan, Page, ResidentLink};
use antar_shared::EventKind;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct ListQuery {
    /// One state, or a group of them as every screen counts it: `waiting`,
    /// `on_its_way`, `backlog`, `to_collect`, `returned`, `with_resident`.
    #[param(schema_with = status_filter_schema)]
    pub status: Option<String>,
    pub kecamatan: Option<String>,
    pub kelurahan: Option<String>,
    /// The print batch (the CSV's BATCH column).
    pub batch: Option<String>,
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The card list's `status`: a state's word or a group's, every one listed.
fn status_filter_schema() -> utoipa::openapi::schema::Object {
    use antar_shared::tally::Group;
    let words = antar_shared::Status::ALL.iter().map(|s| s.as_str()).chain(Group::ALL.iter().map(|g| g.as_str()));
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(words))
        .build()
}

#[utoipa::path(get, path = "/api/v1/cards", tag = "cards", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Page<CardSummary>), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<ListQuery>,
) -> Result<Json<Page<CardSummary>>, ApiError> {
    let q = q.into_inner();
    let statuses = match &q.status {
        Some(s) => Some(
            antar_shared::tally::StatusFilter::parse(s)
                .map(|f| f.statuses().to_vec())
                .ok_or_else(|| ApiError::field("status", format!("unknown status or group '{s}'")))?,
        ),
        None => None,
    };
    let (page, per_page) = super::error::paging(q.page, q.per_page)?;
    let filter = cards::Filter { statuses, kecamatan: q.kecamatan, kelurahan: q.kelurahan, batch: q.batch, q: q.q };
    let (items, total) = state
        .db(move |conn| {
            let (rows, total) = cards::list(conn, &staff.office_id, &filter, page, per_page)?;
            let ids: Vec<String> = rows.iter().map(|c| c.id.clone()).collect();
            let couriers: Vec<String> = rows.iter().filter_map(|c| c.courier_id.clone()).collect();
            let names = crate::db::users::names(conn, &couriers)?;
            let flagged = crate::db::events::cards_flagged(conn, &ids)?;
            let items = rows
                .iter()
                .map(|c| CardSummary {
                    courier_name: c.courier_id.as_ref().and_then(|id| names.get(id).cloned()),
                    needs_review: flagged.contains(&c.id),
                    ..c.summary()
                })
                .collect::<Vec<_>>();
            Ok((items, total))
        })
        .await?;
    Ok(Json(Page { items, total, page, per_page }))
}

/// The office's kecamatan and kelurahan, and its print batches: the
/// console's filters.
#[utoipa::path(get, path = "/api/v1/cards/areas", tag = "cards", security(("bearer" = [])), responses((status = 200, body = Areas), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn areas(state: web::Data<AppState>, staff: Staff) -> Result<Json<Areas>, ApiError> {
    let (places, batches) = state
        .db(move |conn| Ok((cards::places(conn, &staff.office_id)?, cards::batches(conn, &staff.office_id)?)))
        .await?;
    let mut kecamatan: Vec<Kecamatan> = Vec::new();
    for (kec, kel) in places {
        match kecamatan.last_mut() {
            Some(k) if k.name == kec => k.kelurahan.push(kel),
            _ => kecamatan.push(Kecamatan { name: kec, kelurahan: vec![kel] }),
        }
    }
    Ok(Json(Areas { kecamatan, batches }))
}

#[utoipa::path(get, path = "/api/v1/cards/{id}", tag = "cards", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = CardDetail), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn get(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> Result<Json<CardDetail>, ApiError> {
    let id = id.into_inner();
    state
        .db(move |conn| {
            let card = cards::get(conn, &staff.office_id, &id)?.ok_or_else(|| ApiError::not_found("card"))?;
            let log = events::for_card(conn, &card.id)?;
            let views: Vec<_> = log.iter().filter_map(events::EventRow::view).collect();
            let flagged = views.iter().filter(|v| v.flag.is_some()).cloned().collect();
            let named: Vec<String> = views.iter().flat_map(|v| media::named_by(&v.payload)).collect();
            let present = db_media::present(conn, &staff.office_id, &named)?;
            let missing_media = named.into_iter().filter(|h| !present.contains(h)).collect();
            Ok(Json(CardDetail { card: card.summary(), events: views, flagged, missing_media }))
        })
        .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct StaffEvent {
    #[schema(pattern = "^(collected|held_for_pickup|returned_to_office|void)$")]
    pub kind: String,
    /// Required for `void`.
    #[schema(pattern = "^(reprinted|damaged|deceased|other)$")]
    pub reason: Option<String>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// `POST /api/v1/cards/{id}/events`: collected at the office, held for
/// pickup, received back from the courier carrying it, or void with a reason.
#[utoipa::path(post, path = "/api/v1/cards/{id}/events", tag = "cards", security(("bearer" = [])), params(("id" = String, Path)), request_body = StaffEvent, responses((status = 200, body = CardDetail), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "conflicts with the card's custody or a route", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn record(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    body: Json<StaffEvent>,
) -> Result<Json<CardDetail>, ApiError> {
    let body = body.into_inner();
    let kind = EventKind::parse(&body.kind)
        .filter(|k| custody::STAFF_KINDS.contains(k))
        .ok_or_else(|| ApiError::field("kind", "collected, held_for_pickup, returned_to_office or void"))?;
    let mut payload = serde_json::json!({});
    if body.reason.as_deref().is_some_and(|r| !custody::VOID_REASONS.contains(&r)) {
        return Err(ApiError::field("reason", "reprinted, damaged, deceased or other"));
    }
    if kind == EventKind::Void {
        match body.reason.as_deref() {
            Some(r) if custody::VOID_REASONS.contains(&r) => payload["reason"] = r.into(),
            _ => {
                return Err(ApiError::unprocessable(
                    "reason",
                    "a void needs a reason: reprinted, damaged, deceased or other",
                ))
            }
        }
    }
    if body.note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
        return Err(ApiError::field("note", "at most 1000 characters"));
    }
    if let Some(note) = body.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        payload["note"] = note.into();
    }
    let card_id = id.into_inner();
    let (actor, cid) = (staff.id.clone(), card_id.clone());
    let (target, detail) = (format!("card:{card_id}"), payload.clone());
    state
        .audited(
            &staff,
            kind.staff_action(),
            move |conn, office| custody::record_staff_event(conn, office, &cid, kind, &actor, payload),
            move |_| (target, detail),
        )
        .await?;
    get(state, staff, web::Path::from(card_id)).await
}

#[utoipa::path(post, path = "/api/v1/cards/{id}/link", tag = "cards", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 200, body = ResidentLink), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn link(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> Result<Json<ResidentLink>, ApiError> {
    let id = id.into_inner();
    let base = state.public_url();
    let target = format!("card:{id}");
    state
        .audited(
            &staff,
            "card.link",
            move |conn, office| links::create(conn, &office.id, &id, &base),
            // The link's token is a secret: the record keeps only its lifetime.
            move |l: &ResidentLink| (target, serde_json::json!({"expires_at": l.expires_at})),
        )
        .await
        .map(Json)
}
