//! `POST /api/v1/routes/plan`: the office's pool and couriers read from the
//! database, handed to the pure planner, answered as the wire plan. Saves
//! nothing: staff adjust the plan and save it whole through
//! `POST /api/v1/routes/batch`.

use crate::api::error::ApiError;
use crate::config::office_today;
use crate::db::{cards, offices::Office, routes, DbConnection};
use antar_planner::{self as planner, geo::Point, PlanCard, PlanInput};
use antar_shared::codes::unplanned;
use antar_shared::tally::Group;
use antar_shared::wire::RouteStatus;
use antar_shared::wire::{self, PlanRequest, PlanResponse, PlanRoute, PlanStop, PlanUnassigned};
use std::collections::HashSet;

/// The largest pool one plan takes.
pub const MAX_POOL: usize = 5_000;

fn plan_card(c: &cards::Card) -> PlanCard {
    let point = |lat: Option<f64>, lon: Option<f64>| lat.zip(lon).map(|(lat, lon)| Point { lat, lon });
    PlanCard {
        id: c.id.clone(),
        kecamatan: c.kecamatan.clone(),
        kelurahan: c.kelurahan.clone(),
        rw: c.rw.clone(),
        rt: c.rt.clone(),
        pin: point(c.pin_lat, c.pin_lon),
        batch: point(c.lat, c.lon),
    }
}

fn unassigned(card_id: &str, reason: &str) -> PlanUnassigned {
    PlanUnassigned { card_id: card_id.to_owned(), reason: reason.to_owned() }
}

pub fn plan(conn: &mut DbConnection, office: &Office, req: &PlanRequest) -> Result<PlanResponse, ApiError> {
    let date = chrono::NaiveDate::parse_from_str(&req.date, "%Y-%m-%d")
        .map_err(|_| ApiError::field("date", "must be a date, YYYY-MM-DD"))?;
    if date < office_today(&office.time_zone) {
        return Err(ApiError::unprocessable("date", "a day before today cannot be planned"));
    }
    if req.courier_ids.is_empty() {
        return Err(ApiError::unprocessable("courier_ids", "name at least one courier who works the day"));
    }
    for id in &req.courier_ids {
        if !super::routes::is_courier(conn, office, id)? {
            return Err(ApiError::unprocessable("courier_ids", format!("no such courier in this office: {id}")));
        }
    }
    let max_stops = req.max_stops.map_or(office.max_stops_per_route, |m| i32::try_from(m).unwrap_or(i32::MAX));
    if !(1..=500).contains(&max_stops) {
        return Err(ApiError::field("max_stops", "between 1 and 500"));
    }
    // What the chosen couriers already carry that day counts against the cap.
    let mut saved_routes: Vec<wire::PlanSavedRoute> = Vec::new();
    for r in routes::list(conn, &office.id, Some(&req.date), None)? {
        if r.status() == RouteStatus::Open
            && req.courier_ids.contains(&r.courier_id)
            && !saved_routes.iter().any(|s| s.courier_id == r.courier_id)
        {
            let stops = routes::stops(conn, &r.id)?.len();
            saved_routes.push(wire::PlanSavedRoute { courier_id: r.courier_id, route_id: r.id, stops });
        }
    }
    let mut out_of_pool = Vec::new();
    let mut refused: Vec<cards::Card> = Vec::new();
    let pool: Vec<cards::Card> = match &req.card_ids {
        Some(ids) => {
            if ids.len() > MAX_POOL {
                return Err(ApiError::unprocessable("card_ids", format!("at most {MAX_POOL} cards in one plan")));
            }
            let found = cards::by_ids(conn, &office.id, ids)?;
            let busy: HashSet<String> = routes::active_cards(conn, ids)?.into_iter().collect();
            let known: HashSet<&str> = found.iter().map(|c| c.id.as_str()).collect();
            let mut seen = HashSet::new();
            out_of_pool.extend(
                ids.iter()
                    .filter(|id| !known.contains(id.as_str()) && seen.insert(id.as_str()))
                    .map(|id| unassigned(id, unplanned::NOT_FOUND)),
            );
            let (plannable, not): (Vec<_>, Vec<_>) =
                found.into_iter().partition(|c| !busy.contains(&c.id) && Group::Waiting.contains(c.status()));
            out_of_pool.extend(not.iter().map(|c| {
                unassigned(
                    &c.id,
                    if busy.contains(&c.id) { unplanned::ON_OPEN_ROUTE } else { unplanned::NOT_PLANNABLE },
                )
            }));
            refused = not;
            plannable
        }
        None => {
            let limit = i64::try_from(MAX_POOL + 1).unwrap_or(i64::MAX);
            let filter = cards::Filter {
                kecamatan: req.kecamatan.clone(),
                kelurahan: req.kelurahan.clone(),
                batch: req.batch.clone(),
                ..cards::Filter::default()
            };
            let pool = cards::plannable(conn, &office.id, &filter, limit)?;
            if pool.len() > MAX_POOL {
                return Err(ApiError::unprocessable(
                    "card_ids",
                    format!("more than {MAX_POOL} cards to plan: choose a kecamatan, kelurahan or print batch, or name the cards"),
                ));
            }
            pool
        }
    };
    let mut kelurahan: Vec<String> = pool.iter().map(|c| c.kelurahan.clone()).collect();
    kelurahan.sort();
    kelurahan.dedup();
    let in_pool: HashSet<&str> = pool.iter().map(|c| c.id.as_str()).collect();
    let neighbours: Vec<PlanCard> = cards::pinned_in(conn, &office.id, &kelurahan)?
        .iter()
        .filter(|c| !in_pool.contains(c.id.as_str()))
        .map(plan_card)
        .collect();
    let input = PlanInput {
        office: office.office_lat.zip(office.office_lon).map(|(lat, lon)| Point { lat, lon }),
        couriers: req.courier_ids.clone(),
        cards: pool.iter().map(plan_card).collect(),
        neighbours,
        max_stops: usize::try_from(max_stops).unwrap_or(1),
        taken: saved_routes.iter().map(|s| (s.courier_id.clone(), s.stops)).collect(),
    };
    let plan = planner::plan(&input);
    let shown = pool.iter().chain(&refused).map(|c| wire::PlanCard {
        id: c.id.clone(),
        name: c.name.clone(),
        address: c.address.clone(),
        rt: c.rt.clone(),
        rw: c.rw.clone(),
        kelurahan: c.kelurahan.clone(),
        kecamatan: c.kecamatan.clone(),
    });
    let mut unassigned_cards: Vec<PlanUnassigned> =
        plan.unassigned.iter().map(|(id, why)| unassigned(id, why.as_str())).collect();
    unassigned_cards.extend(out_of_pool);
    Ok(PlanResponse {
        routes: plan
            .routes
            .into_iter()
            .map(|r| {
                let saved = saved_routes.iter().find(|s| s.courier_id == r.courier_id);
                let after = saved.map_or(0, |s| s.stops);
                PlanRoute {
                    route_id: saved.map(|s| s.route_id.clone()),
                    courier_id: r.courier_id,
                    distance_m: r.distance_m.round(),
                    stops: r
                        .stops
                        .into_iter()
                        .map(|s| PlanStop {
                            card_id: s.card_id,
                            seq: after + s.seq,
                            lat: s.point.map(|p| p.lat),
                            lon: s.point.map(|p| p.lon),
                            located: s.located.as_str().to_owned(),
                        })
                        .collect(),
                }
            })
            .collect(),
        unassigned: unassigned_cards,
        saved_routes,
        office: plan.office,
        cards: shown.collect(),
    })
}
