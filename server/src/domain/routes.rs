//! Routes: a courier's ordered stops for a day. A card is on one open route
//! at most, and a courier has one open route a day at most (a plan extends
//! it); putting a card on a route is an `assigned` event, taking it off
//! before pick-up an `unassigned` one. Closing a courier's day gives the
//! handover report: handed out = delivered + returned + left at the village
//! office + still out.

use crate::api::error::ApiError;
use crate::db::{self, cards, events, offices::Office, routes, users, DbConnection};
use crate::domain::custody;
use antar_shared::tally::Group;
use antar_shared::wire::{DayReport, Role, Route, RouteStatus, Stop, StopCard};
use antar_shared::{EventKind, Status};

/// Whether `id` is an active courier of the office.
pub fn is_courier(conn: &mut DbConnection, office: &Office, id: &str) -> diesel::QueryResult<bool> {
    Ok(users::in_office(conn, &office.id, id)?.is_some_and(|u| u.role() == Role::Courier && !u.disabled))
}

pub fn check_courier(conn: &mut DbConnection, office: &Office, courier_id: &str) -> Result<(), ApiError> {
    if is_courier(conn, office, courier_id)? {
        Ok(())
    } else {
        Err(ApiError::unprocessable("courier_id", "no such courier in this office"))
    }
}

/// A courier named in the path: another office's, or no one, is not found.
pub fn courier_in_path(conn: &mut DbConnection, office: &Office, courier_id: &str) -> Result<(), ApiError> {
    check_courier(conn, office, courier_id).map_err(|_| ApiError::not_found("courier"))
}

fn check_cards(conn: &mut DbConnection, office: &Office, card_ids: &[String]) -> Result<(), ApiError> {
    let mut unique = card_ids.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() != card_ids.len() {
        return Err(ApiError::unprocessable("card_ids", "a card may appear once"));
    }
    let found = cards::existing(conn, &office.id, card_ids)?;
    match card_ids.iter().find(|id| !found.contains(*id)) {
        Some(id) => Err(ApiError::unprocessable("card_ids", format!("no such card: {id}"))),
        None => Ok(()),
    }
}

/// A card is on one open route at most. The cards' rows are locked first
/// (in id order): two desks routing one card at once — on one server or two
/// sharing PostgreSQL — take turns, and the second sees the first's route
/// and hears 409 instead of deadlocking into a 500.
fn ensure_free(conn: &mut DbConnection, card_ids: &[String]) -> Result<(), ApiError> {
    let mut sorted = card_ids.to_vec();
    sorted.sort();
    db::lock_cards(conn, &sorted)?;
    let busy = routes::active_cards(conn, card_ids)?;
    if busy.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!("already on another active route: {}", busy.join(", "))))
    }
}

/// Puts cards on a route: one `assigned` event each, recorded together.
pub fn assign(
    conn: &mut DbConnection,
    office: &Office,
    route: &routes::RouteRow,
    card_ids: &[String],
    actor: &str,
) -> Result<(), ApiError> {
    let payload = serde_json::json!({ "route_id": route.id, "courier_id": route.courier_id, "date": route.date });
    let items: Vec<_> = card_ids.iter().map(|c| (c.clone(), payload.clone())).collect();
    let refused = custody::record_office_events(conn, office, EventKind::Assigned, Some(actor), &items)?;
    match card_ids.iter().find_map(|c| refused.get(c).map(|why| (c, why))) {
        Some((card_id, why)) => {
            Err(ApiError::Conflict(format!("card {card_id} cannot be assigned: {}", why.message())))
        }
        None => Ok(()),
    }
}

/// Takes a card off a route: back to `printed` if the courier never took it;
/// refused once it is in the courier's bag.
pub fn unassign(
    conn: &mut DbConnection,
    office: &Office,
    route_id: &str,
    card_id: &str,
    actor: &str,
) -> Result<(), ApiError> {
    let card = cards::get(conn, &office.id, card_id)?.ok_or_else(|| ApiError::not_found("card"))?;
    if card.status() == Status::WithCourier {
        return Err(ApiError::Conflict(format!("card {card_id} is already with the courier")));
    }
    if card.status() == Status::Assigned {
        let payload = serde_json::json!({ "route_id": route_id });
        custody::record_office_event(conn, office, card_id, EventKind::Unassigned, Some(actor), payload)?;
    }
    Ok(())
}

fn to_wire(route: routes::RouteRow, stops: Vec<routes::StopRow>) -> Route {
    Route {
        status: route.status(),
        id: route.id,
        courier_id: route.courier_id,
        date: route.date,
        stops: stops.into_iter().map(|s| Stop { card_id: s.card_id, seq: s.seq }).collect(),
        cards: Vec::new(),
    }
}

/// The route with what the board shows of each stop's card.
fn with_cards(route: routes::RouteRow, rows: Vec<(routes::StopRow, cards::Card)>) -> Route {
    let cards = rows
        .iter()
        .map(|(_, c)| StopCard {
            card_id: c.id.clone(),
            name: c.name.clone(),
            address: c.address.clone(),
            rt: c.rt.clone(),
            rw: c.rw.clone(),
            kelurahan: c.kelurahan.clone(),
            status: c.status(),
            handed_back: c.handed_back,
        })
        .collect();
    Route { cards, ..to_wire(route, rows.into_iter().map(|(s, _)| s).collect()) }
}

pub fn create(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    courier_id: &str,
    date: &str,
    card_ids: &[String],
) -> Result<Route, ApiError> {
    db::write_tx(conn, |conn| create_in(conn, office, actor, courier_id, date, card_ids, None))
}

/// The courier's open route of the day, if any.
pub fn open_route_of(
    conn: &mut DbConnection,
    office: &Office,
    courier_id: &str,
    date: &str,
) -> Result<Option<routes::RouteRow>, ApiError> {
    Ok(routes::list(conn, &office.id, Some(date), Some(courier_id))?
        .into_iter()
        .find(|r| r.status() == RouteStatus::Open))
}

/// A day's plan saved whole: one transaction, so a refused card leaves no
/// route behind. The 409 says which route and which card.
pub fn create_all(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    date: &str,
    plan: &[antar_shared::wire::NewRouteOfDay],
) -> Result<Vec<Route>, ApiError> {
    db::write_tx(conn, |conn| {
        let mut seen = std::collections::HashSet::new();
        for (i, r) in plan.iter().enumerate() {
            if let Some(twice) = r.card_ids.iter().find(|c| !seen.insert(c.as_str())) {
                return Err(ApiError::Conflict(format!("card {twice} is in the plan twice (route {})", i + 1)));
            }
        }
        // Every route's cards locked at once, in id order: locked route by
        // route, two overlapping plans saved at once in a different order
        // would each hold a card the other waits for.
        let mut all: Vec<String> = plan.iter().flat_map(|r| r.card_ids.iter().cloned()).collect();
        all.sort();
        db::lock_cards(conn, &all)?;
        // A card another desk took meanwhile is the first thing to say.
        ensure_free(conn, &all)?;
        let mut couriers: Vec<String> = plan.iter().map(|r| r.courier_id.clone()).collect();
        couriers.sort();
        couriers.dedup();
        db::lock_couriers(conn, &couriers)?;
        plan.iter()
            .enumerate()
            .map(|(i, r)| {
                create_in(conn, office, actor, &r.courier_id, date, &r.card_ids, r.route_id.as_deref()).map_err(|e| {
                    match e {
                        ApiError::Conflict(why) => ApiError::Conflict(format!("route {}: {why}", i + 1)),
                        ApiError::Unprocessable { code, detail, errors } => ApiError::Unprocessable {
                            code,
                            detail: format!("routes[{i}].{detail}"),
                            errors: errors
                                .into_iter()
                                .map(|f| antar_shared::wire::FieldError {
                                    field: format!("routes[{i}].{}", f.field),
                                    ..f
                                })
                                .collect(),
                        },
                        other => other,
                    }
                })
            })
            .collect()
    })
}

/// A new route for the courier's day, or with `extends` the cards added to
/// the end of the courier's open route of the day; a second open route for
/// one courier and day is refused, naming the first.
fn create_in(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    courier_id: &str,
    date: &str,
    card_ids: &[String],
    extends: Option<&str>,
) -> Result<Route, ApiError> {
    check_courier(conn, office, courier_id)?;
    // The cards first (locked by `ensure_free`, or by the extension), then
    // the courier, as every route writer locks them: a race for one card is
    // lost on the card, a race for one courier's day on the courier.
    if extends.is_none() {
        check_cards(conn, office, card_ids)?;
        ensure_free(conn, card_ids)?;
    }
    db::lock_couriers(conn, &[courier_id.to_owned()])?;
    match (extends, open_route_of(conn, office, courier_id, date)?) {
        (Some(id), Some(open)) if open.id == id => {
            let mut all: Vec<String> = routes::stops(conn, &open.id)?.into_iter().map(|s| s.card_id).collect();
            all.extend(card_ids.iter().cloned());
            return replace_stops_in(conn, office, actor, &open.id, &all, None);
        }
        (Some(id), _) => {
            return Err(ApiError::Conflict(format!(
                "rute {id} bukan rute terbuka kurir ini pada {date} / route {id} is not this courier's open route on {date}"
            )))
        }
        (None, Some(open)) => {
            return Err(ApiError::Conflict(format!(
                "kurir ini sudah punya rute terbuka {0} pada {date}; tambahkan ke rute itu / this courier already has open route {0} on {date}: extend it",
                open.id
            )))
        }
        (None, None) => {}
    }
    let route = routes::RouteRow {
        id: db::new_id(),
        office_id: office.id.clone(),
        courier_id: courier_id.to_owned(),
        date: date.to_owned(),
        status: RouteStatus::Open.as_str().into(),
        created_by: actor.to_owned(),
        created_at: db::now(),
        ended_at: None,
    };
    let stops: Vec<routes::StopRow> = card_ids
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
    assign(conn, office, &route, card_ids, actor)?;
    Ok(to_wire(route, stops))
}

pub fn open_route(conn: &mut DbConnection, office: &Office, id: &str) -> Result<routes::RouteRow, ApiError> {
    let route = routes::get(conn, &office.id, id)?.ok_or_else(|| ApiError::not_found("route"))?;
    if route.status() != RouteStatus::Open {
        return Err(ApiError::Conflict(format!("the route is {}", route.status().as_str())));
    }
    Ok(route)
}

pub fn get(conn: &mut DbConnection, office: &Office, id: &str) -> Result<Route, ApiError> {
    let route = routes::get(conn, &office.id, id)?.ok_or_else(|| ApiError::not_found("route"))?;
    let rows = routes::stops_with_cards(conn, &route.id)?;
    Ok(with_cards(route, rows))
}

pub fn list(
    conn: &mut DbConnection,
    office: &Office,
    date: Option<&str>,
    courier_id: Option<&str>,
) -> Result<Vec<Route>, ApiError> {
    let day = routes::list(conn, &office.id, date, courier_id)?;
    let ids: Vec<String> = day.iter().map(|r| r.id.clone()).collect();
    let mut stops: std::collections::HashMap<String, Vec<(routes::StopRow, cards::Card)>> =
        std::collections::HashMap::new();
    for (stop, card) in routes::stops_with_cards_of(conn, &ids)? {
        stops.entry(stop.route_id.clone()).or_default().push((stop, card));
    }
    Ok(day
        .into_iter()
        .map(|r| {
            let rows = stops.remove(&r.id).unwrap_or_default();
            with_cards(r, rows)
        })
        .collect())
}

/// Sets a route's stops to `card_ids`, in that order: new cards are
/// assigned, missing ones taken off, the rest renumbered. A route may not
/// grow past the office's `max_stops_per_route` this way (it may stay over
/// it, or shrink, if a plan with a larger cap made it so).
pub fn replace_stops(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    id: &str,
    card_ids: &[String],
) -> Result<Route, ApiError> {
    let cap = usize::try_from(office.max_stops_per_route).unwrap_or(usize::MAX);
    db::write_tx(conn, |conn| replace_stops_in(conn, office, actor, id, card_ids, Some(cap)))
}

/// Sets a route's stops (see [`replace_stops`]), growing it past `cap` —
/// when one is given — refused with 409.
pub fn replace_stops_in(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    id: &str,
    card_ids: &[String],
    cap: Option<usize>,
) -> Result<Route, ApiError> {
    {
        let route = open_route(conn, office, id)?;
        check_cards(conn, office, card_ids)?;
        let current = routes::stops(conn, &route.id)?;
        if let Some(cap) = cap.filter(|cap| card_ids.len() > current.len() && card_ids.len() > *cap) {
            return Err(ApiError::Conflict(format!(
                "rute penuh: {} kartu, paling banyak {cap} / the route is full: {} stops, at most {cap}",
                card_ids.len(),
                card_ids.len()
            )));
        }
        for stop in current.iter().filter(|s| !card_ids.contains(&s.card_id)) {
            unassign(conn, office, &route.id, &stop.card_id, actor)?;
            routes::delete_stop(conn, &route.id, &stop.card_id)?;
        }
        let added: Vec<String> =
            card_ids.iter().filter(|c| !current.iter().any(|s| &s.card_id == *c)).cloned().collect();
        ensure_free(conn, &added)?;
        for (card_id, seq) in card_ids.iter().zip(1..) {
            if added.contains(card_id) {
                routes::insert_stop(
                    conn,
                    &routes::StopRow { route_id: route.id.clone(), card_id: card_id.clone(), seq, active: true },
                )?;
            } else {
                routes::set_seq(conn, &route.id, card_id, seq)?;
            }
        }
        assign(conn, office, &route, &added, actor)?;
        let stops = routes::stops(conn, &route.id)?;
        Ok(to_wire(route, stops))
    }
}

/// Cancels a route none of whose cards the courier has taken yet.
pub fn cancel(conn: &mut DbConnection, office: &Office, actor: &str, id: &str) -> Result<Route, ApiError> {
    db::write_tx(conn, |conn| {
        let route = open_route(conn, office, id)?;
        let stops = routes::stops(conn, &route.id)?;
        for stop in &stops {
            unassign(conn, office, &route.id, &stop.card_id, actor)?;
        }
        routes::set_status(conn, &route.id, RouteStatus::Cancelled)?;
        get(conn, office, id)
    })
}

/// The handover balance of a courier's day, with the cards behind each
/// number. Each card is counted as its log stood when its route ended (all
/// of it while the route is open), so a closed day's report stays as it was
/// when the card later moves on; events that happened before the close but
/// reached the server after it (an offline phone) still count.
pub fn day_report(
    conn: &mut DbConnection,
    office: &Office,
    courier_id: &str,
    date: &str,
) -> Result<DayReport, ApiError> {
    courier_in_path(conn, office, courier_id)?;
    let day_routes = routes::list(conn, &office.id, Some(date), Some(courier_id))?;
    Ok(day_reports(conn, office, date, day_routes)?.pop().unwrap_or_else(|| DayReport {
        courier_id: courier_id.to_owned(),
        date: date.to_owned(),
        ..DayReport::default()
    }))
}

/// The day reports of every courier with a route among `day_routes` (all of
/// one office and date), in the order each courier's first route was made,
/// from three queries whatever the number of couriers: the dashboard's cost
/// does not grow with a query per courier.
pub fn day_reports(
    conn: &mut DbConnection,
    office: &Office,
    date: &str,
    day_routes: Vec<routes::RouteRow>,
) -> Result<Vec<DayReport>, ApiError> {
    let day_routes: Vec<_> = day_routes.into_iter().filter(|r| r.status() != RouteStatus::Cancelled).collect();
    let route_ids: Vec<String> = day_routes.iter().map(|r| r.id.clone()).collect();
    let mut stops_by_route: std::collections::HashMap<String, Vec<cards::Card>> = std::collections::HashMap::new();
    for (stop, card) in routes::stops_with_cards_of(conn, &route_ids)? {
        stops_by_route.entry(stop.route_id).or_default().push(card);
    }
    let ids: Vec<String> = stops_by_route.values().flatten().map(|card| card.id.clone()).collect();
    let logs = events::for_cards(conn, &ids)?;
    // The query orders by card, so each card's log is one run.
    let by_card: std::collections::HashMap<&str, &[events::EventRow]> =
        logs.chunk_by(|a, b| a.card_id == b.card_id).map(|log| (log[0].card_id.as_str(), log)).collect();
    let mut reports: Vec<DayReport> = Vec::new();
    for courier in day_routes.iter().map(|r| &r.courier_id) {
        if !reports.iter().any(|r| r.courier_id == *courier) {
            reports.push(DayReport { courier_id: courier.clone(), date: date.to_owned(), ..DayReport::default() });
        }
    }
    for report in &mut reports {
        let mine: Vec<&routes::RouteRow> = day_routes.iter().filter(|r| r.courier_id == report.courier_id).collect();
        report.closed = mine.iter().all(|r| r.status() == RouteStatus::Closed);
        for route in mine {
            report.route_ids.push(route.id.clone());
            for card in stops_by_route.remove(&route.id).unwrap_or_default() {
                let log = by_card.get(card.id.as_str()).copied().unwrap_or_default();
                tally(report, office, route, card, log);
            }
        }
        let accounted = report.delivered.len()
            + report.returned.len()
            + report.left_at_village_office.len()
            + report.still_out.len();
        report.balanced = report.handed_out == accounted;
        report.discrepancy = report.closed && !report.still_out.is_empty();
    }
    Ok(reports)
}

/// One card of a route into its courier's day: its log folded up to the
/// route's end, counted by where it ended up.
fn tally(
    report: &mut DayReport,
    office: &Office,
    route: &routes::RouteRow,
    card: cards::Card,
    log: &[events::EventRow],
) {
    let (started, until) = (route.created_at, route.ended_at.unwrap_or(chrono::NaiveDateTime::MAX));
    let log: Vec<&events::EventRow> = log.iter().filter(|e| e.occurred_at <= until).collect();
    let picked = log.iter().any(|e| e.kind() == Some(EventKind::PickedUp) && e.applied() && e.occurred_at >= started);
    report.failed_attempts += log
        .iter()
        .filter(|e| e.kind() == Some(EventKind::AttemptFailed) && e.applied() && e.occurred_at >= started)
        .count();
    let folded =
        antar_shared::custody::replay(&log.iter().filter_map(|e| e.custody()).collect::<Vec<_>>(), office.rules());
    let mut summary = card.summary();
    summary.status = folded.state.status;
    summary.handed_back = folded.state.handed_back;
    summary.failed_attempts = i32::try_from(folded.state.failed_attempts).unwrap_or(i32::MAX);
    match folded.state.status {
        Status::Delivered => report.delivered.push(summary),
        status if picked && Group::Returned.contains(status) => report.returned.push(summary),
        Status::LeftAtVillageOffice => report.left_at_village_office.push(summary),
        Status::WithCourier => {
            if folded.state.handed_back {
                report.declared_returned.push(summary.clone());
            }
            report.still_out.push(summary);
        }
        // Back on the shelf (`printed`) means the close took it off the
        // route: it was never taken either.
        Status::Assigned | Status::Printed if !picked => {
            report.not_taken.push(summary);
            return;
        }
        _ => {
            report.other.push(summary);
            return;
        }
    }
    if picked {
        report.handed_out += 1;
    }
}

/// Closes the courier's open routes of the day. Cards never taken go back to
/// `printed`; cards still out are received back at the office — those in
/// `returned` (all of them when `None`) — each a `returned_to_office` by the
/// receiving staff member. A card not handed back stays with the courier,
/// on the phone, and is the report's discrepancy. Closing a closed day is a
/// conflict: its report is the handover record and does not change.
pub fn close_day(
    conn: &mut DbConnection,
    office: &Office,
    actor: &str,
    courier_id: &str,
    date: &str,
    returned: Option<&[String]>,
) -> Result<DayReport, ApiError> {
    db::write_tx(conn, |conn| {
        courier_in_path(conn, office, courier_id)?;
        let open: Vec<_> = routes::list(conn, &office.id, Some(date), Some(courier_id))?
            .into_iter()
            .filter(|r| r.status() == RouteStatus::Open)
            .collect();
        if open.is_empty() {
            let report = day_report(conn, office, courier_id, date)?;
            return Err(if report.closed {
                ApiError::Conflict(format!(
                    "hari {date} kurir ini sudah ditutup / this courier's day is already closed"
                ))
            } else {
                ApiError::not_found("open route of this courier on this day")
            });
        }
        let mut out = Vec::new();
        for route in &open {
            for stop in routes::stops(conn, &route.id)? {
                let Some(card) = cards::get(conn, &office.id, &stop.card_id)? else { continue };
                match card.status() {
                    Status::Assigned => unassign(conn, office, &route.id, &stop.card_id, actor)?,
                    Status::WithCourier if card.courier_id.as_deref() == Some(courier_id) => {
                        out.push((route.id.clone(), card.id));
                    }
                    _ => {}
                }
            }
        }
        if let Some(ids) = returned {
            if let Some(stray) = ids.iter().find(|id| !out.iter().any(|(_, c)| c == *id)) {
                return Err(ApiError::unprocessable(
                    "returned_card_ids",
                    format!("card {stray} is not out with this courier on this day"),
                ));
            }
        }
        for route in &open {
            let back: Vec<String> = out
                .iter()
                .filter(|(r, c)| r == &route.id && returned.is_none_or(|ids| ids.contains(c)))
                .map(|(_, c)| c.clone())
                .collect();
            let refused = custody::receive_returns(conn, office, actor, courier_id, &route.id, &back)?;
            if let Some((card, why)) = refused.into_iter().next() {
                return Err(ApiError::Conflict(format!("card {card} cannot be received back: {}", why.message())));
            }
            routes::set_status(conn, &route.id, RouteStatus::Closed)?;
        }
        day_report(conn, office, courier_id, date)
    })
}
