//! The routes board's edits beyond a route's own stops: a route given to
//! another courier before anything was picked up, and stops moved from one
//! open route to another in one step. Each is one transaction: a refusal
//! leaves both routes as they were.

use crate::api::error::ApiError;
use crate::db::{self, cards, offices::Office, routes, DbConnection};
use crate::domain::routes::{assign, check_courier, get, open_route, open_route_of, replace_stops_in, unassign};
use antar_shared::wire::Route;
use antar_shared::Status;

/// Gives an open route to another courier of the office. Only while none of
/// its cards is in a courier's bag (409 naming the first that is), and only
/// to a courier with no open route of their own that day (409 naming it).
/// Each card is taken off and assigned again, so its log says who has it.
pub fn reassign(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    id: &str,
    courier_id: &str,
) -> Result<Route, ApiError> {
    db::write_tx(conn, |conn| {
        let route = open_route(conn, office, id)?;
        check_courier(conn, office, courier_id)?;
        if route.courier_id == courier_id {
            return get(conn, office, id);
        }
        db::lock_couriers(conn, &[courier_id.to_owned()])?;
        if let Some(other) = open_route_of(conn, office, courier_id, &route.date)? {
            return Err(ApiError::Conflict(format!(
                "kurir itu sudah punya rute terbuka {0} pada {1} / that courier already has open route {0} on {1}",
                other.id, route.date
            )));
        }
        let stops = routes::stops(conn, &route.id)?;
        let ids: Vec<String> = stops.iter().map(|s| s.card_id.clone()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        db::lock_cards(conn, &sorted)?;
        for card in cards::by_ids(conn, &office.id, &ids)? {
            if card.status() != Status::Assigned {
                return Err(ApiError::Conflict(format!(
                    "kartu {0} sudah diambil kurir ({1}); rute tidak bisa dipindahkan / card {0} was already picked up ({1}): the route cannot be reassigned",
                    card.id,
                    card.status().as_str()
                )));
            }
        }
        for card in &ids {
            unassign(conn, office, &route.id, card, actor)?;
        }
        routes::set_courier(conn, &route.id, courier_id)?;
        let moved = routes::get(conn, &office.id, &route.id)?.ok_or_else(|| ApiError::not_found("route"))?;
        assign(conn, office, &moved, &ids, actor)?;
        get(conn, office, id)
    })
}

/// Moves cards from one open route to the end of another. A card picked up
/// already cannot move (it must come back through a return), and the target
/// may not grow past the office's cap.
pub fn move_stops(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    from: &str,
    to: &str,
    card_ids: &[String],
) -> Result<Vec<Route>, ApiError> {
    if from == to {
        return Err(ApiError::unprocessable("to_route_id", "must be another route"));
    }
    let cap = usize::try_from(office.max_stops_per_route).unwrap_or(usize::MAX);
    db::write_tx(conn, |conn| {
        let source_route = open_route(conn, office, from)?;
        let source: Vec<String> = routes::stops(conn, &source_route.id)?.into_iter().map(|s| s.card_id).collect();
        let target_route = open_route(conn, office, to)?;
        if let Some(stray) = card_ids.iter().find(|c| !source.contains(c)) {
            return Err(ApiError::unprocessable("card_ids", format!("card {stray} is not on route {from}")));
        }
        let mut target: Vec<String> = routes::stops(conn, &target_route.id)?.into_iter().map(|s| s.card_id).collect();
        if target.len() + card_ids.len() > cap {
            return Err(ApiError::Conflict(format!(
                "rute tujuan penuh: {} + {} kartu, paling banyak {cap} / the target route is full: {} + {} stops, at most {cap}",
                target.len(),
                card_ids.len(),
                target.len(),
                card_ids.len()
            )));
        }
        let kept: Vec<String> = source.iter().filter(|c| !card_ids.contains(c)).cloned().collect();
        let left = replace_stops_in(conn, office, actor, from, &kept, None)?;
        target.extend(card_ids.iter().cloned());
        let grown = replace_stops_in(conn, office, actor, to, &target, Some(cap))?;
        Ok(vec![left, grown])
    })
}
