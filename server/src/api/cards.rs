//! `GET /api/v1/cards`, `GET /api/v1/cards/{id}`, `POST /api/v1/cards/{id}/link`.
//! Staff only: couriers see cards through their routes.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::db::{cards, events};
use crate::domain::links;
use actix_web::web::{self, Json};
use antar_shared::wire::{CardDetail, CardSummary, Page, ResidentLink};
use antar_shared::Status;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub kecamatan: Option<String>,
    pub kelurahan: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<ListQuery>,
) -> Result<Json<Page<CardSummary>>, ApiError> {
    let q = q.into_inner();
    if let Some(s) = &q.status {
        if Status::parse(s).is_none() {
            return Err(ApiError::field("status", format!("unknown status '{s}'")));
        }
    }
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    if page < 1 {
        return Err(ApiError::field("page", "starts at 1"));
    }
    if !(1..=100).contains(&per_page) {
        return Err(ApiError::field("per_page", "between 1 and 100"));
    }
    let filter = cards::Filter { status: q.status, kecamatan: q.kecamatan, kelurahan: q.kelurahan, q: q.q };
    let (rows, total) = state.db(move |conn| Ok(cards::list(conn, &staff.office_id, &filter, page, per_page)?)).await?;
    Ok(Json(Page { items: rows.iter().map(cards::Card::summary).collect(), total, page, per_page }))
}

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
            Ok(Json(CardDetail { card: card.summary(), events: views, flagged }))
        })
        .await
}

pub async fn link(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> Result<Json<ResidentLink>, ApiError> {
    let id = id.into_inner();
    let base = state.public_url();
    state.db(move |conn| links::create(conn, &staff.office_id, &id, &base)).await.map(Json)
}
