//! The planner screen's state as a reducer: the server's proposal, then
//! staff's moves (to another courier, up or down, out to the pool, back in)
//! as pure actions, tested natively. The screen only dispatches them.

use antar_shared::geo::{closed_length, Point};
use antar_shared::wire::{NewRouteOfDay, NewRoutes, PlanCard, PlanResponse};
use std::collections::HashMap;
use std::rc::Rc;

/// The reason a card staff took out of a route is listed with.
pub const DROPPED: &str = "dropped";

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Where {
    pub point: Option<Point>,
    /// `pin`, `batch`, `rt`, `kelurahan` or `none`: a card placed at its
    /// RT's or kelurahan's centre is drawn as approximate.
    pub approximate: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    pub courier_id: String,
    /// The new stops, in order.
    pub card_ids: Vec<String>,
    /// The courier's route saved for the day, which these stops extend.
    pub extends: Option<String>,
    /// How many stops that saved route already holds (they count against
    /// the cap).
    pub saved: usize,
}

impl Draft {
    fn new(courier_id: &str) -> Draft {
        Draft { courier_id: courier_id.to_owned(), ..Draft::default() }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanState {
    pub office: Option<Point>,
    /// One per courier who works the day, in the order they were chosen.
    pub routes: Vec<Draft>,
    /// Cards on no route, with why (the planner's reason, or [`DROPPED`]).
    pub unassigned: Vec<(String, String)>,
    pub cap: usize,
    pub located: HashMap<String, Where>,
    pub cards: HashMap<String, PlanCard>,
    /// The last move refused (a full courier), for the screen to say.
    pub refused: Option<Refusal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    OverCap,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A new proposal from the server, for these couriers (each gets a
    /// route, an empty one if the plan gave them nothing).
    Load { plan: PlanResponse, couriers: Vec<String>, cap: usize },
    /// A card (on a route or unassigned) to the end of a courier's route.
    MoveTo { card_id: String, courier_id: String },
    /// One place earlier (`up`) or later on its route.
    Shift { card_id: String, up: bool },
    /// Off its route, back to the pool.
    Drop { card_id: String },
}

impl PlanState {
    fn locate(&self, card_id: &str) -> Option<(usize, usize)> {
        self.routes.iter().enumerate().find_map(|(r, d)| d.card_ids.iter().position(|c| c == card_id).map(|i| (r, i)))
    }

    /// The closed tour's great-circle length over the route's located stops,
    /// in metres, as the server computes it.
    pub fn distance_m(&self, route: &Draft) -> f64 {
        let points: Vec<Point> = route.card_ids.iter().filter_map(|c| self.located.get(c)?.point).collect();
        self.office.map_or(0.0, |o| closed_length(o, &points))
    }

    pub fn total_stops(&self) -> usize {
        self.routes.iter().map(|r| r.card_ids.len()).sum()
    }

    /// What `POST /api/v1/routes/batch` takes: the routes with stops, in
    /// their order.
    pub fn to_save(&self, date: &str) -> NewRoutes {
        NewRoutes {
            date: date.to_owned(),
            routes: self
                .routes
                .iter()
                .filter(|r| !r.card_ids.is_empty())
                .map(|r| NewRouteOfDay {
                    courier_id: r.courier_id.clone(),
                    card_ids: r.card_ids.clone(),
                    route_id: r.extends.clone(),
                })
                .collect(),
        }
    }

    /// Takes the card from wherever it is; `true` if it was anywhere.
    fn take(&mut self, card_id: &str) -> bool {
        if let Some((r, i)) = self.locate(card_id) {
            self.routes[r].card_ids.remove(i);
            return true;
        }
        let before = self.unassigned.len();
        self.unassigned.retain(|(c, _)| c != card_id);
        self.unassigned.len() != before
    }

    pub fn apply(mut self, action: Action) -> PlanState {
        self.refused = None;
        match action {
            Action::Load { plan, couriers, cap } => {
                let mut located = HashMap::new();
                let mut routes: Vec<Draft> = couriers.iter().map(|c| Draft::new(c)).collect();
                for saved in &plan.saved_routes {
                    if let Some(d) = routes.iter_mut().find(|d| d.courier_id == saved.courier_id) {
                        d.extends = Some(saved.route_id.clone());
                        d.saved = saved.stops;
                    }
                }
                for r in &plan.routes {
                    for s in &r.stops {
                        let point = s.lat.zip(s.lon).map(|(lat, lon)| Point { lat, lon });
                        let approximate = matches!(s.located.as_str(), "rt" | "kelurahan");
                        located.insert(s.card_id.clone(), Where { point, approximate });
                    }
                    let mut stops = r.stops.clone();
                    stops.sort_by_key(|s| s.seq);
                    let ids = stops.into_iter().map(|s| s.card_id).collect();
                    match routes.iter_mut().find(|d| d.courier_id == r.courier_id) {
                        Some(d) => d.card_ids = ids,
                        None => routes.push(Draft { card_ids: ids, ..Draft::new(&r.courier_id) }),
                    }
                }
                PlanState {
                    office: plan.office,
                    routes,
                    unassigned: plan.unassigned.into_iter().map(|u| (u.card_id, u.reason)).collect(),
                    cap,
                    located,
                    cards: plan.cards.into_iter().map(|c| (c.id.clone(), c)).collect(),
                    refused: None,
                }
            }
            Action::MoveTo { card_id, courier_id } => {
                let Some(to) = self.routes.iter().position(|r| r.courier_id == courier_id) else { return self };
                if self.routes[to].card_ids.contains(&card_id) {
                    return self;
                }
                if self.routes[to].card_ids.len() + self.routes[to].saved >= self.cap {
                    self.refused = Some(Refusal::OverCap);
                    return self;
                }
                if self.take(&card_id) {
                    self.routes[to].card_ids.push(card_id);
                }
                self
            }
            Action::Shift { card_id, up } => {
                if let Some((r, i)) = self.locate(&card_id) {
                    let len = self.routes[r].card_ids.len();
                    let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|&j| j < len) };
                    if let Some(j) = j {
                        self.routes[r].card_ids.swap(i, j);
                    }
                }
                self
            }
            Action::Drop { card_id } => {
                if self.locate(&card_id).is_some() && self.take(&card_id) {
                    self.unassigned.push((card_id, DROPPED.to_owned()));
                }
                self
            }
        }
    }
}

/// The screen's handle on the state: yew's reducer over [`PlanState::apply`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Planner(pub PlanState);

impl yew::Reducible for Planner {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Planner(self.0.clone().apply(action)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antar_shared::geo::distance_m;
    use antar_shared::wire::{PlanRoute, PlanSavedRoute, PlanStop, PlanUnassigned};

    const OFFICE: Point = Point { lat: -5.40, lon: 105.26 };

    fn stop(id: &str, seq: usize, lat: f64, located: &str) -> PlanStop {
        // Off the office's meridian by a little more each kilometre south,
        // so no three points line up and every move changes a length.
        let lon = 105.26 + (lat + 5.40).abs() * 0.5;
        PlanStop { card_id: id.into(), seq, lat: Some(lat), lon: Some(lon), located: located.into() }
    }

    /// Three couriers: a has a1 (1 km south), a2 (2 km south); b has b1
    /// (3 km south); c has none; c9 is unassigned.
    fn loaded(cap: usize) -> PlanState {
        let plan = PlanResponse {
            routes: vec![
                PlanRoute {
                    route_id: None,
                    courier_id: "a".into(),
                    stops: vec![stop("a2", 2, -5.418, "pin"), stop("a1", 1, -5.409, "kelurahan")],
                    distance_m: 0.0,
                },
                PlanRoute {
                    route_id: None,
                    courier_id: "b".into(),
                    stops: vec![stop("b1", 1, -5.427, "batch")],
                    distance_m: 0.0,
                },
            ],
            unassigned: vec![PlanUnassigned { card_id: "c9".into(), reason: "no_capacity".into() }],
            // c already has a route saved for the day, with one stop.
            saved_routes: vec![PlanSavedRoute { courier_id: "c".into(), route_id: "saved-c".into(), stops: 1 }],
            office: Some(OFFICE),
            cards: Vec::new(),
        };
        PlanState::default().apply(Action::Load { plan, couriers: vec!["a".into(), "b".into(), "c".into()], cap })
    }

    fn ids(s: &PlanState, r: usize) -> Vec<&str> {
        s.routes[r].card_ids.iter().map(String::as_str).collect()
    }

    #[test]
    fn a_loaded_plan_keeps_the_servers_order_and_gives_every_courier_a_route() {
        let s = loaded(10);
        assert_eq!(ids(&s, 0), ["a1", "a2"]);
        assert_eq!(ids(&s, 1), ["b1"]);
        assert!(s.routes[2].card_ids.is_empty(), "a courier the plan left idle still gets a route to fill");
        assert!(s.located["a1"].approximate && !s.located["a2"].approximate && !s.located["b1"].approximate);
        assert_eq!(s.unassigned, [("c9".to_owned(), "no_capacity".to_owned())]);
    }

    #[test]
    fn moving_a_card_changes_both_routes_stop_counts_and_lengths() {
        let s = loaded(10);
        let (a_before, b_before) = (s.distance_m(&s.routes[0]), s.distance_m(&s.routes[1]));
        let s = s.apply(Action::MoveTo { card_id: "a2".into(), courier_id: "b".into() });
        assert_eq!(ids(&s, 0), ["a1"]);
        assert_eq!(ids(&s, 1), ["b1", "a2"]);
        assert!(s.distance_m(&s.routes[0]) < a_before);
        assert!(s.distance_m(&s.routes[1]) > b_before);
        let one = Point { lat: -5.409, lon: 105.26 + 0.009 * 0.5 };
        assert!((s.distance_m(&s.routes[0]) - 2.0 * distance_m(OFFICE, one)).abs() < 1e-6);
    }

    #[test]
    fn a_move_to_a_full_courier_is_refused_and_changes_nothing() {
        let s = loaded(1);
        let before = s.routes.clone();
        let s = s.apply(Action::MoveTo { card_id: "a1".into(), courier_id: "b".into() });
        assert_eq!(s.routes, before);
        assert_eq!(s.refused, Some(Refusal::OverCap));
        let s = s.apply(Action::Shift { card_id: "a1".into(), up: false });
        assert_eq!(s.refused, None, "the refusal is said once");
    }

    #[test]
    fn shifting_reorders_within_the_route_and_stops_at_its_ends() {
        let s = loaded(10).apply(Action::Shift { card_id: "a2".into(), up: true });
        assert_eq!(ids(&s, 0), ["a2", "a1"]);
        let s = s.apply(Action::Shift { card_id: "a2".into(), up: true });
        assert_eq!(ids(&s, 0), ["a2", "a1"]);
        let s = s.apply(Action::Shift { card_id: "a1".into(), up: false });
        assert_eq!(ids(&s, 0), ["a2", "a1"]);
    }

    #[test]
    fn a_dropped_card_goes_to_the_pool_and_can_be_given_back() {
        let s = loaded(10).apply(Action::Drop { card_id: "b1".into() });
        assert!(s.routes[1].card_ids.is_empty());
        assert!(s.unassigned.contains(&("b1".to_owned(), DROPPED.to_owned())));
        assert_eq!(s.distance_m(&s.routes[1]), 0.0);
        let s = s.apply(Action::MoveTo { card_id: "c9".into(), courier_id: "c".into() });
        assert_eq!(ids(&s, 2), ["c9"]);
        assert!(!s.unassigned.iter().any(|(c, _)| c == "c9"));
        assert_eq!(s.total_stops(), 3, "a1, a2 and c9 on routes; b1 in the pool");
    }

    #[test]
    fn saving_sends_only_routes_with_stops_in_their_order() {
        let s = loaded(10).apply(Action::Shift { card_id: "a2".into(), up: true });
        let save = s.to_save("2026-12-04");
        assert_eq!(save.date, "2026-12-04");
        assert_eq!(
            save.routes,
            [
                NewRouteOfDay { courier_id: "a".into(), card_ids: vec!["a2".into(), "a1".into()], route_id: None },
                NewRouteOfDay { courier_id: "b".into(), card_ids: vec!["b1".into()], route_id: None },
            ]
        );
    }

    /// A courier whose route is saved for the day: the plan's new stops
    /// extend it, and its stops count against the cap.
    #[test]
    fn a_saved_route_is_extended_and_its_stops_count_against_the_cap() {
        let s = loaded(2).apply(Action::MoveTo { card_id: "c9".into(), courier_id: "c".into() });
        assert_eq!(ids(&s, 2), ["c9"], "one saved + one new = the cap of 2");
        let s = s.apply(Action::MoveTo { card_id: "b1".into(), courier_id: "c".into() });
        assert_eq!(s.refused, Some(Refusal::OverCap), "the saved stop counts");
        assert_eq!(ids(&s, 2), ["c9"]);
        let save = s.to_save("2026-12-04");
        let c = save.routes.iter().find(|r| r.courier_id == "c").unwrap();
        assert_eq!((c.route_id.as_deref(), c.card_ids.as_slice()), (Some("saved-c"), &["c9".to_owned()][..]));
    }

    #[test]
    fn every_card_is_in_exactly_one_place_after_any_moves() {
        let mut s = loaded(3);
        let moves = [
            Action::MoveTo { card_id: "a1".into(), courier_id: "c".into() },
            Action::Drop { card_id: "a2".into() },
            Action::MoveTo { card_id: "a2".into(), courier_id: "b".into() },
            Action::MoveTo { card_id: "c9".into(), courier_id: "b".into() },
            Action::MoveTo { card_id: "nope".into(), courier_id: "b".into() },
            Action::Drop { card_id: "c9".into() },
        ];
        for m in moves {
            s = s.apply(m);
            let mut all: Vec<&str> = s.routes.iter().flat_map(|r| r.card_ids.iter().map(String::as_str)).collect();
            all.extend(s.unassigned.iter().map(|(c, _)| c.as_str()));
            all.sort_unstable();
            assert_eq!(all, ["a1", "a2", "b1", "c9"]);
        }
    }
}
