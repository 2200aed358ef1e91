//! `GET /api/v1/me/routes`: the courier's own open routes (and closed ones
//! with cards not handed back), with what the doorstep needs and nothing
//! more (no full NIK); `GET /api/v1/me/proof`:
//! which proof the office requires of a delivery.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Courier;
use crate::config::office_today;
use crate::db::routes;
use actix_web::web::{self, Json};
use antar_shared::custody::ResidentWish;
use antar_shared::doorstep::NikCheck;
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{CourierRoute, DoorstepStop, Items, ProofRules, RouteStatus};
use antar_shared::Status;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct Query {
    /// Only this day's routes (`YYYY-MM-DD`); default: every open route up to tomorrow.
    pub date: Option<chrono::NaiveDate>,
}

#[utoipa::path(get, path = "/api/v1/me/routes", tag = "courier", security(("bearer" = [])), params(Query), responses((status = 200, body = Items<CourierRoute>), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn routes(
    state: web::Data<AppState>,
    courier: Courier,
    q: web::Query<Query>,
) -> Result<Json<Items<CourierRoute>>, ApiError> {
    let only = q.date;
    let st = state.clone();
    let list = st
        .office_db(courier.office_id.clone(), move |conn, office| {
            let until = only.unwrap_or_else(|| office_today(&office.time_zone) + chrono::Duration::days(1));
            let mut out = Vec::new();
            let mut list = routes::closed_with_cards_out(conn, &courier.id)?;
            list.extend(routes::open_for_courier(conn, &courier.id, &until.format("%Y-%m-%d").to_string())?);
            list.sort_by(|a, b| (&a.date, a.created_at).cmp(&(&b.date, b.created_at)));
            for r in list {
                if only.is_some_and(|d| d.format("%Y-%m-%d").to_string() != r.date) {
                    continue;
                }
                // Of a closed day, only the cards the courier still carries.
                let still_carried = |card: &crate::db::cards::Card| {
                    r.status() == RouteStatus::Open
                        || (card.status() == Status::WithCourier
                            && card.courier_id.as_deref() == Some(courier.id.as_str()))
                };
                let rows = routes::stops_with_cards(conn, &r.id)?;
                let ids: Vec<String> = rows.iter().map(|(_, c)| c.id.clone()).collect();
                let mut wishes = crate::db::links::open_requests(conn, &ids)?;
                let stops = rows
                    .into_iter()
                    .filter(|(_, card)| still_carried(card))
                    .map(|(stop, card)| {
                        // Where the home is: its learned pin, else the
                        // print batch's coordinates (directions need one).
                        let (pin_lat, pin_lon) = match (card.pin_lat, card.pin_lon) {
                            (Some(lat), Some(lon)) => (Some(lat), Some(lon)),
                            _ => card.lat.zip(card.lon).map_or((None, None), |(lat, lon)| (Some(lat), Some(lon))),
                        };
                        DoorstepStop {
                            card_id: card.id.clone(),
                            seq: stop.seq,
                            nik_check: NikCheck::new(
                                &state.keys.card_check_key(&card.id),
                                &card.nik,
                                state.keys.seal.public(),
                            ),
                            status: card.status(),
                            handed_back: card.handed_back,
                            failed_attempts: card.failed_attempts,
                            name: card.name,
                            address: card.address,
                            rt: card.rt,
                            rw: card.rw,
                            kelurahan: card.kelurahan,
                            kecamatan: card.kecamatan,
                            phone: card.phone,
                            landmark: card.landmark,
                            pin_lat,
                            pin_lon,
                            replacement: card.replaces_card_id.is_some(),
                            resident_wish: wishes.get(&card.id).and_then(|w| ResidentWish::from_label(w)),
                            resident_request: wishes.remove(&card.id),
                        }
                    })
                    .collect();
                out.push(CourierRoute { status: r.status(), id: r.id, date: r.date, stops });
            }
            Ok(out)
        })
        .await?;
    Ok(Json(Items { items: list }))
}

#[utoipa::path(get, path = "/api/v1/me/proof", tag = "courier", security(("bearer" = [])), responses((status = 200, body = ProofRules), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn proof(state: web::Data<AppState>, courier: Courier) -> Result<Json<ProofRules>, ApiError> {
    let settings = state.office_db(courier.office_id.clone(), |_, office| Ok(office.settings())).await?;
    Ok(Json(ProofRules::from(&settings)))
}
