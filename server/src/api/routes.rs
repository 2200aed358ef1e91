//! `POST /api/v1/routes`: a courier's route for a day, with ordered stops.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::db::{self, cards, routes, users};
use crate::domain::custody;
use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use antar_shared::wire::{NewRoute, Role, Route, Stop};
use antar_shared::EventKind;

pub async fn create(state: web::Data<AppState>, staff: Staff, body: Json<NewRoute>) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if chrono::NaiveDate::parse_from_str(&body.date, "%Y-%m-%d").is_err() {
        return Err(ApiError::field("date", "must be a date, YYYY-MM-DD"));
    }
    if body.card_ids.is_empty() {
        return Err(ApiError::field("card_ids", "must name at least one card"));
    }
    let mut unique = body.card_ids.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != body.card_ids.len() {
        return Err(ApiError::field("card_ids", "a card may appear once"));
    }
    let route = state
        .db(move |conn| {
            db::write_tx(conn, |conn| {
                let office = db::offices::get(conn, &staff.office_id)?;
                match users::in_office(conn, &staff.office_id, &body.courier_id)? {
                    Some(u) if u.role() == Role::Courier && !u.disabled => {}
                    _ => return Err(ApiError::field("courier_id", "no such courier in this office")),
                }
                for id in &body.card_ids {
                    if cards::get(conn, &staff.office_id, id)?.is_none() {
                        return Err(ApiError::field("card_ids", format!("no such card: {id}")));
                    }
                }
                let busy = routes::active_cards(conn, &body.card_ids)?;
                if !busy.is_empty() {
                    return Err(ApiError::Conflict(format!("already on another active route: {}", busy.join(", "))));
                }
                let route = routes::RouteRow {
                    id: db::new_id(),
                    office_id: staff.office_id.clone(),
                    courier_id: body.courier_id.clone(),
                    date: body.date.clone(),
                    status: "open".into(),
                    created_by: staff.id.clone(),
                    created_at: db::now(),
                };
                let stops: Vec<routes::StopRow> = body
                    .card_ids
                    .iter()
                    .zip(1..)
                    .map(|(card_id, seq)| routes::StopRow {
                        route_id: route.id.clone(),
                        card_id: card_id.clone(),
                        seq,
                        active: true,
                    })
                    .collect();
                routes::insert(conn, &route, &stops)?;
                for stop in &stops {
                    let payload =
                        serde_json::json!({ "route_id": route.id, "courier_id": route.courier_id, "date": route.date });
                    let outcome = custody::record_office_event(
                        conn,
                        office.rules(),
                        &office.id,
                        &stop.card_id,
                        EventKind::Assigned,
                        Some(&staff.id),
                        payload,
                    )?;
                    if let Some(flag) = outcome.message {
                        return Err(ApiError::Conflict(format!("card {} cannot be assigned: {flag}", stop.card_id)));
                    }
                }
                Ok(Route {
                    id: route.id,
                    courier_id: route.courier_id,
                    date: route.date,
                    status: route.status,
                    stops: stops.into_iter().map(|s| Stop { card_id: s.card_id, seq: s.seq }).collect(),
                })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(route))
}
