use super::geo::{closed_length, distance_m, Point};
use super::*;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

fn card(id: &str, kel: &str, rw: &str, rt: &str, pin: Option<(f64, f64)>) -> PlanCard {
    PlanCard {
        id: id.into(),
        kecamatan: "RAJABASA".into(),
        kelurahan: kel.into(),
        rw: Some(rw.into()),
        rt: Some(rt.into()),
        pin: pin.map(|(lat, lon)| Point { lat, lon }),
        batch: None,
    }
}

const OFFICE: Point = Point { lat: -5.40, lon: 105.26 };

fn route_of(plan: &Plan) -> HashMap<String, usize> {
    plan.routes
        .iter()
        .enumerate()
        .flat_map(|(r, route)| route.stops.iter().map(move |s| (s.card_id.clone(), r)))
        .collect()
}

#[test]
fn without_pins_a_kelurahan_stays_with_one_courier_and_stops_run_rw_then_rt() {
    let mut cards = Vec::new();
    for (kel, n) in [("LABUHAN RATU", 12), ("RAJABASA RAYA", 10), ("GEDONG MENENG", 8)] {
        for i in 0..n {
            cards.push(card(&format!("{kel}-{i:02}"), kel, &(1 + i % 3).to_string(), &(1 + i % 2).to_string(), None));
        }
    }
    let plan = plan(&PlanInput {
        office: None,
        couriers: vec!["a".into(), "b".into()],
        cards,
        neighbours: vec![],
        max_stops: 20,
        taken: Default::default(),
    });
    assert!(plan.unassigned.is_empty(), "{:?}", plan.unassigned);
    let on = route_of(&plan);
    for kel in ["LABUHAN RATU", "RAJABASA RAYA", "GEDONG MENENG"] {
        let routes: HashSet<usize> = on.iter().filter(|(id, _)| id.starts_with(kel)).map(|(_, r)| *r).collect();
        assert_eq!(routes.len(), 1, "{kel} is split: {routes:?}");
    }
    for route in &plan.routes {
        let keys: Vec<(String, u32, u32)> = route
            .stops
            .iter()
            .map(|s| {
                let parts: Vec<&str> = s.card_id.rsplitn(2, '-').collect();
                let i: u32 = parts[0].parse().unwrap();
                (parts[1].to_owned(), 1 + i % 3, 1 + i % 2)
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
        // Within each kelurahan the stops run RW, then RT.
        for kel in keys.iter().map(|k| &k.0).collect::<HashSet<_>>() {
            let mine: Vec<_> = keys.iter().filter(|k| &k.0 == kel).map(|k| (k.1, k.2)).collect();
            let mut want = mine.clone();
            want.sort();
            assert_eq!(mine, want, "{kel}");
        }
        assert!(route.stops.iter().all(|s| s.located == Located::None) && route.distance_m == 0.0);
    }
}

#[test]
fn pins_are_visited_in_a_short_closed_tour() {
    // Twelve homes on a ring around the office, given in a scrambled order.
    let ring: Vec<(f64, f64)> = (0..12)
        .map(|k| {
            let a = f64::from((k * 5) % 12) * std::f64::consts::TAU / 12.0;
            (OFFICE.lat + 0.01 * a.sin(), OFFICE.lon + 0.01 * a.cos())
        })
        .collect();
    let cards: Vec<PlanCard> =
        ring.iter().enumerate().map(|(i, &p)| card(&format!("c{i:02}"), "K", "1", &i.to_string(), Some(p))).collect();
    let plan = plan(&PlanInput {
        office: Some(OFFICE),
        couriers: vec!["a".into()],
        cards,
        neighbours: vec![],
        max_stops: 50,
        taken: Default::default(),
    });
    let route = &plan.routes[0];
    let points: Vec<Point> = route.stops.iter().map(|s| s.point.unwrap()).collect();
    assert!((route.distance_m - closed_length(OFFICE, &points)).abs() < 1e-6);
    // Going round the ring: office → ring → office, about 2r + 11 chords.
    let chord = distance_m(points[0], points[1]).min(distance_m(points[1], points[2]));
    let ideal = 2.0 * distance_m(OFFICE, points[0]) + 11.0 * chord;
    assert!(route.distance_m <= ideal * 1.02, "{} m against about {ideal} m", route.distance_m);
}

#[test]
fn where_a_card_is_comes_from_its_pin_the_batch_or_its_neighbours() {
    let mut batch = card("b", "K", "1", "1", None);
    batch.batch = Some(Point { lat: -5.0, lon: 105.0 });
    let cards = vec![
        card("p", "K", "1", "1", Some((-5.1, 105.1))),
        batch,
        card("rt", "K", "1", "1", None),
        card("kel", "K", "2", "9", None),
        card("none", "L", "1", "1", None),
        card("delivered-next-door", "M", "3", "3", None),
    ];
    let neighbours = [card("done", "M", "3", "3", Some((-5.2, 105.2)))];
    let how: Vec<Located> = locate(&cards, &neighbours).into_iter().map(|(_, l)| l).collect();
    assert_eq!(how, [Located::Pin, Located::Batch, Located::Rt, Located::Kelurahan, Located::None, Located::Rt]);
}

#[test]
fn an_rt_larger_than_the_cap_and_cards_beyond_every_courier_are_unassigned_with_the_reason() {
    let mut cards: Vec<PlanCard> = (0..6).map(|i| card(&format!("big{i}"), "K", "1", "1", None)).collect();
    cards.extend((0..8).map(|i| card(&format!("x{i}"), "K", "2", &i.to_string(), None)));
    let p = plan(&PlanInput {
        office: None,
        couriers: vec!["a".into()],
        cards: cards.clone(),
        neighbours: vec![],
        max_stops: 5,
        taken: Default::default(),
    });
    let why: HashMap<&str, Unassigned> = p.unassigned.iter().map(|(id, w)| (id.as_str(), *w)).collect();
    assert!((0..6).all(|i| why[format!("big{i}").as_str()] == Unassigned::RtOverCap));
    assert_eq!(why.values().filter(|w| **w == Unassigned::NoCapacity).count(), 3);
    let none = plan(&PlanInput {
        office: None,
        couriers: vec![],
        cards,
        neighbours: vec![],
        max_stops: 5,
        taken: Default::default(),
    });
    assert!(none.routes.is_empty() && none.unassigned.iter().all(|(_, w)| *w == Unassigned::NoCourier));
}

fn arb_input() -> impl Strategy<Value = PlanInput> {
    let one = (0usize..4, 1usize..4, 1usize..6, prop::option::of((-0.05f64..0.05, -0.05f64..0.05)));
    // Some couriers already hold a saved route of the day (up to full).
    let taken = prop::collection::vec(0usize..30, 5);
    (prop::collection::vec(one, 0..60), 0usize..5, 1usize..25, taken).prop_map(|(cards, couriers, cap, taken)| {
        PlanInput {
            office: Some(OFFICE),
            couriers: (0..couriers).map(|c| format!("courier-{c}")).collect(),
            cards: cards
                .into_iter()
                .enumerate()
                .map(|(i, (kel, rw, rt, pin))| {
                    card(
                        &format!("card-{i:03}"),
                        &format!("KEL{kel}"),
                        &rw.to_string(),
                        &rt.to_string(),
                        pin.map(|(a, b)| (OFFICE.lat + a, OFFICE.lon + b)),
                    )
                })
                .collect(),
            neighbours: vec![],
            max_stops: cap,
            taken: (0..couriers)
                .map(|c| (format!("courier-{c}"), taken[c] % (cap + 2)))
                .filter(|(_, n)| *n > 0)
                .collect(),
        }
    })
}

proptest! {
    #[test]
    fn every_card_once_no_route_over_the_cap_no_rt_split_and_the_same_plan_again(input in arb_input()) {
        let p = plan(&input);
        let mut seen: Vec<String> = p.routes.iter().flat_map(|r| r.stops.iter().map(|s| s.card_id.clone()))
            .chain(p.unassigned.iter().map(|(id, _)| id.clone())).collect();
        seen.sort();
        let mut want: Vec<String> = input.cards.iter().map(|c| c.id.clone()).collect();
        want.sort();
        prop_assert_eq!(seen, want);
        for r in &p.routes {
            let saved = input.taken.get(&r.courier_id).copied().unwrap_or(0);
            prop_assert!(r.stops.len() + saved <= input.max_stops, "the saved route's stops count against the cap");
            prop_assert_eq!(r.stops.iter().map(|s| s.seq).collect::<Vec<_>>(), (1..=r.stops.len()).collect::<Vec<_>>());
        }
        let on = route_of(&p);
        let mut rt_route: HashMap<(String, Option<String>, Option<String>), usize> = HashMap::new();
        for c in &input.cards {
            if let Some(&r) = on.get(&c.id) {
                let key = (c.kelurahan.clone(), c.rw.clone(), c.rt.clone());
                prop_assert_eq!(*rt_route.entry(key).or_insert(r), r, "an RT is split");
            }
        }
        prop_assert_eq!(plan(&input), p);
    }
}

#[test]
fn no_card_is_left_out_while_a_courier_has_room() {
    // 450 homes in eight kelurahan of uneven size, 3 couriers of 160: the
    // sweep alone left the last kelurahan's homes out.
    let cards: Vec<PlanCard> = (0..450)
        .map(|i| {
            let kel = [0, 0, 1, 2, 2, 2, 3, 4, 5, 5, 6, 7][i % 12];
            let a = f64::from(kel) * std::f64::consts::TAU / 8.0;
            let pin = (OFFICE.lat + 0.03 * a.sin() + 0.00001 * i as f64, OFFICE.lon + 0.03 * a.cos());
            card(&format!("c{i:03}"), &format!("KEL{kel}"), "1", &i.to_string(), Some(pin))
        })
        .collect();
    let input = PlanInput {
        office: Some(OFFICE),
        couriers: vec!["a".into(), "b".into(), "c".into()],
        cards,
        neighbours: vec![],
        max_stops: 160,
        taken: Default::default(),
    };
    let p = plan(&input);
    assert!(p.unassigned.is_empty(), "{} left out", p.unassigned.len());
    assert!(p.routes.iter().all(|r| r.stops.len() <= 160));
}

#[test]
fn a_couriers_saved_route_counts_against_the_cap_and_a_full_one_takes_nothing() {
    // More cards than the free courier can carry: the one with a saved
    // route takes only what its room allows, the full one nothing.
    let cards: Vec<PlanCard> = (0..44).map(|i| card(&format!("c{i:02}"), "KEL", "1", &i.to_string(), None)).collect();
    let taken = [("a".to_owned(), 35), ("b".to_owned(), 40)].into_iter().collect();
    let input = PlanInput {
        office: Some(OFFICE),
        couriers: vec!["a".into(), "b".into(), "c".into()],
        cards,
        neighbours: vec![],
        max_stops: 40,
        taken,
    };
    let p = plan(&input);
    let load = |c: &str| p.routes.iter().find(|r| r.courier_id == c).map_or(0, |r| r.stops.len());
    assert_eq!((load("a"), load("b"), load("c")), (5, 0, 39), "a has room for 5, b for none, c for 40");
    assert!(p.unassigned.is_empty());
}

/// Loads as the sweep leaves them: one block per card, `per` blocks a
/// courier; cards whose index `approx` picks are located only at their
/// kelurahan's centre.
fn loads_of(points: &[Point], per: usize, approx: impl Fn(usize) -> bool) -> Vec<Vec<Block>> {
    points
        .chunks(per)
        .enumerate()
        .map(|(r, chunk)| {
            chunk
                .iter()
                .enumerate()
                .map(|(k, &p)| {
                    let i = r * per + k;
                    let located = if approx(i) { Located::Kelurahan } else { Located::Pin };
                    Block {
                        key: ("K".into(), format!("KEL{r}"), "1".into(), i.to_string()),
                        stops: vec![PlannedStop { card_id: format!("c{i:03}"), seq: 0, point: Some(p), located }],
                    }
                })
                .collect()
        })
        .collect()
}

/// The plan's length for these loads, as its routes would report it.
fn total(loads: &[Vec<Block>]) -> f64 {
    loads.iter().map(|l| route(String::new(), l.clone(), Some(OFFICE)).distance_m).sum()
}

proptest! {
    #[test]
    fn moves_between_routes_never_lengthen_the_plan_nor_break_the_cap_and_leave_approximate_cards_be(
        raw in prop::collection::vec((-0.06f64..0.06, -0.06f64..0.06), 2..80),
        couriers in 2usize..5,
        spare in 0usize..4,
        approx_every in 2usize..7,
    ) {
        let points: Vec<Point> = raw.iter().map(|(a, b)| Point { lat: OFFICE.lat + a, lon: OFFICE.lon + b }).collect();
        let per = points.len().div_ceil(couriers);
        let cap = per + spare;
        let approx = |i: usize| i.is_multiple_of(approx_every);
        let mut loads = loads_of(&points, per, approx);
        let before = total(&loads);
        let home: HashMap<String, usize> = loads
            .iter()
            .enumerate()
            .flat_map(|(r, l)| l.iter().map(move |b| (b.stops[0].card_id.clone(), r)))
            .collect();
        let caps = vec![cap; loads.len()];
    exchange::improve(&mut loads, OFFICE, &caps);
        prop_assert!(total(&loads) <= before + 1e-6, "{} m after, {} m before", total(&loads), before);
        let mut ids: Vec<String> = loads.iter().flatten().map(|b| b.stops[0].card_id.clone()).collect();
        ids.sort();
        prop_assert_eq!(ids.len(), points.len());
        ids.dedup();
        prop_assert_eq!(ids.len(), points.len(), "every card once");
        for (r, l) in loads.iter().enumerate() {
            prop_assert!(l.len() <= cap);
            for b in l.iter().filter(|b| b.stops[0].located == Located::Kelurahan) {
                prop_assert_eq!(home[&b.stops[0].card_id], r, "a card placed only by its kelurahan stays put");
            }
        }
    }
}

#[test]
fn two_couriers_sent_criss_cross_end_up_with_a_side_each() {
    // The sweep gave each courier one home on each side of the office.
    let west = |d: f64| Point { lat: OFFICE.lat + d, lon: OFFICE.lon - 0.05 };
    let east = |d: f64| Point { lat: OFFICE.lat + d, lon: OFFICE.lon + 0.05 };
    let points = [west(0.0), east(0.0), west(0.002), east(0.002)];
    let mut loads = loads_of(&points, 2, |_| false);
    let before = total(&loads);
    let caps = vec![2; loads.len()];
    exchange::improve(&mut loads, OFFICE, &caps);
    let sides: Vec<Vec<bool>> =
        loads.iter().map(|l| l.iter().map(|b| b.centre().is_some_and(|p| p.lon < OFFICE.lon)).collect()).collect();
    assert!(sides.iter().all(|s| s.iter().all(|&w| w == s[0])), "each courier on one side: {sides:?}");
    assert!(total(&loads) < before * 0.75, "{} m against {before} m", total(&loads));
}

#[test]
fn a_pool_past_the_moves_limit_keeps_the_sweeps_partition() {
    // 1,501 homes criss-crossed between two couriers: moves would untangle
    // them (see above), but the distance matrix alone would be 18 MB.
    let n = exchange::MAX_BLOCKS + 1;
    let points: Vec<Point> = (0..n)
        .map(|i| Point { lat: OFFICE.lat + 0.0001 * i as f64, lon: OFFICE.lon + if i % 2 == 0 { -0.05 } else { 0.05 } })
        .collect();
    let mut loads = loads_of(&points, n.div_ceil(2), |_| false);
    let before: Vec<Vec<String>> =
        loads.iter().map(|l| l.iter().map(|b| b.stops[0].card_id.clone()).collect()).collect();
    let caps = vec![n; loads.len()];
    exchange::improve(&mut loads, OFFICE, &caps);
    let after: Vec<Vec<String>> =
        loads.iter().map(|l| l.iter().map(|b| b.stops[0].card_id.clone()).collect()).collect();
    assert_eq!(after, before);
}
