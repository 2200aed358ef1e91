//! The route planner: pure functions over values, no HTTP and no database.
//!
//! Indonesian addresses often have no house number, only RT/RW, so the plan
//! works on the address hierarchy first and on geometry where pins exist:
//!
//! 1. Cards are grouped into *blocks*, one per RT (kecamatan, kelurahan, RW,
//!    RT). A block is never split between couriers; one larger than a
//!    courier's cap cannot be planned and says so.
//! 2. A block with a location is a unit of its own; the blocks of a
//!    kelurahan nobody has located stay together as one unit (in RW → RT
//!    runs no larger than a courier's room), unless that alone would leave
//!    cards out.
//! 3. Which units fit in the couriers' room is decided before any route is
//!    drawn (`pack.rs`, bin packing: best fit, then an exact search), so no
//!    card is left out that fits; only what fits in no packing the search
//!    finds is `no_capacity`. The day is kept even: no courier takes more
//!    than a quarter above an even share, unless that alone leaves cards
//!    out.
//! 4. The routes come from a hybrid genetic search over the units (`hgs/`,
//!    after Vidal 2022 and PyVRP), seeded with that packing, two searches
//!    from fixed seeds at once, within a fixed number of iterations (a
//!    deadline only guards a slow machine): within 0.1 % of the proven
//!    optimum on average on CVRPLIB's sets A and B (BENCHMARKS.md).
//! 5. Each route is a closed tour from the office: located blocks in the
//!    search's order (or a fresh nearest-neighbour and 2-opt tour when
//!    shorter), cards inside a block by nearest neighbour; blocks without a
//!    location follow, kelurahan → RW → RT.
//!
//! The same input always gives the same plan: every order breaks ties by id.

pub mod geo;
pub mod hgs;
mod pack;
#[cfg(test)]
mod tests;

use antar_shared::codes::unplanned;
use geo::Point;
use std::collections::BTreeMap;

/// How a card's location was found, best first (DESIGN.md, "Where a card is").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Located {
    /// The home's pin, learned at the door.
    Pin,
    /// LAT/LON from the print batch.
    Batch,
    /// The centre of the known pins of its RT.
    Rt,
    /// The centre of the known pins of its kelurahan.
    Kelurahan,
    None,
}

impl Located {
    pub fn as_str(self) -> &'static str {
        match self {
            Located::Pin => "pin",
            Located::Batch => "batch",
            Located::Rt => "rt",
            Located::Kelurahan => "kelurahan",
            Located::None => "none",
        }
    }
}

/// A card as the planner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanCard {
    pub id: String,
    pub kecamatan: String,
    pub kelurahan: String,
    pub rw: Option<String>,
    pub rt: Option<String>,
    pub pin: Option<Point>,
    pub batch: Option<Point>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    /// Where tours start and end; without it, the centre of the locations.
    pub office: Option<Point>,
    pub couriers: Vec<String>,
    pub cards: Vec<PlanCard>,
    /// Other cards with pins (delivered ones, say): not planned, but their
    /// pins place unpinned neighbours at the centre of their RT or kelurahan.
    pub neighbours: Vec<PlanCard>,
    pub max_stops: usize,
    /// Stops a courier already has on a saved route of the day: they count
    /// against `max_stops`, so the courier takes only what is left.
    pub taken: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedStop {
    pub card_id: String,
    pub seq: usize,
    pub point: Option<Point>,
    pub located: Located,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRoute {
    pub courier_id: String,
    pub stops: Vec<PlannedStop>,
    /// The closed tour's great-circle length over the located stops.
    pub distance_m: f64,
}

/// Why a card is on no route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unassigned {
    /// Its RT alone has more cards than a courier may carry.
    RtOverCap,
    /// Every courier is full.
    NoCapacity,
    /// No courier works the day.
    NoCourier,
}

impl Unassigned {
    pub fn as_str(self) -> &'static str {
        match self {
            Unassigned::RtOverCap => unplanned::RT_OVER_CAP,
            Unassigned::NoCapacity => unplanned::NO_CAPACITY,
            Unassigned::NoCourier => unplanned::NO_COURIER,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub routes: Vec<PlannedRoute>,
    pub unassigned: Vec<(String, Unassigned)>,
    /// Where the tours start and end (the office, else the centre of the
    /// located cards).
    pub office: Option<Point>,
}

/// The RT a card belongs to: its place in the address hierarchy.
type RtKey = (String, String, String, String);

fn rt_key(c: &PlanCard) -> RtKey {
    let norm = |s: &str| s.trim().to_uppercase();
    (
        norm(&c.kecamatan),
        norm(&c.kelurahan),
        c.rw.as_deref().map(norm).unwrap_or_default(),
        c.rt.as_deref().map(norm).unwrap_or_default(),
    )
}

/// Orders RW and RT numbers as numbers ("2" before "10"), others after.
fn numeric(s: &str) -> (u32, String) {
    (s.parse().unwrap_or(u32::MAX), s.to_owned())
}

/// Each card's best-known location: its pin, the batch's LAT/LON, the
/// centre of its RT's pins, the centre of its kelurahan's pins (its own and
/// `neighbours'`), or none.
pub fn locate(cards: &[PlanCard], neighbours: &[PlanCard]) -> Vec<(Option<Point>, Located)> {
    let mut by_rt: BTreeMap<RtKey, Vec<Point>> = BTreeMap::new();
    let mut by_kel: BTreeMap<(String, String), Vec<Point>> = BTreeMap::new();
    for c in cards.iter().chain(neighbours) {
        if let Some(p) = c.pin {
            let key = rt_key(c);
            by_kel.entry((key.0.clone(), key.1.clone())).or_default().push(p);
            by_rt.entry(key).or_default().push(p);
        }
    }
    cards
        .iter()
        .map(|c| {
            let key = rt_key(c);
            if let Some(p) = c.pin {
                (Some(p), Located::Pin)
            } else if let Some(p) = c.batch {
                (Some(p), Located::Batch)
            } else if let Some(p) = by_rt.get(&key).and_then(|ps| geo::centre(ps)) {
                (Some(p), Located::Rt)
            } else if let Some(p) = by_kel.get(&(key.0, key.1)).and_then(|ps| geo::centre(ps)) {
                (Some(p), Located::Kelurahan)
            } else {
                (None, Located::None)
            }
        })
        .collect()
}

/// One RT's cards, with their locations.
#[derive(Clone)]
struct Block {
    key: RtKey,
    stops: Vec<PlannedStop>,
}

impl Block {
    fn centre(&self) -> Option<Point> {
        let points: Vec<Point> = self.stops.iter().filter_map(|s| s.point).collect();
        geo::centre(&points)
    }
}

/// Plans routes for `input`. Every card ends up on exactly one route or in
/// `unassigned`; no route exceeds `max_stops`; an RT is never split.
pub fn plan(input: &PlanInput) -> Plan {
    let located = locate(&input.cards, &input.neighbours);
    let mut blocks: BTreeMap<RtKey, Vec<PlannedStop>> = BTreeMap::new();
    for (card, (point, how)) in input.cards.iter().zip(located) {
        blocks.entry(rt_key(card)).or_default().push(PlannedStop {
            card_id: card.id.clone(),
            seq: 0,
            point,
            located: how,
        });
    }
    let mut blocks: Vec<Block> = blocks
        .into_iter()
        .map(|(key, mut stops)| {
            stops.sort_by(|a, b| a.card_id.cmp(&b.card_id));
            Block { key, stops }
        })
        .collect();
    let all_points: Vec<Point> = blocks.iter().flat_map(|b| b.stops.iter().filter_map(|s| s.point)).collect();
    let office = input.office.or_else(|| geo::centre(&all_points));

    let mut unassigned = Vec::new();
    let mut couriers: Vec<String> = input.couriers.clone();
    couriers.sort();
    couriers.dedup();
    let taken = |c: &String| input.taken.get(c).copied().unwrap_or(0);
    // Each courier's room: the cap less what their saved route already holds.
    let caps: Vec<usize> = couriers.iter().map(|c| input.max_stops.saturating_sub(taken(c))).collect();
    let cap = caps.iter().copied().max().unwrap_or(0);
    if couriers.is_empty() || cap == 0 {
        let why = if couriers.is_empty() { Unassigned::NoCourier } else { Unassigned::NoCapacity };
        unassigned.extend(blocks.iter().flat_map(|b| b.stops.iter().map(|s| (s.card_id.clone(), why))));
        unassigned.sort_by(|a, b| a.0.cmp(&b.0));
        return Plan { routes: Vec::new(), unassigned, office };
    }
    blocks.retain(|b| {
        let fits = b.stops.len() <= cap;
        if !fits {
            let why = if b.stops.len() > input.max_stops { Unassigned::RtOverCap } else { Unassigned::NoCapacity };
            unassigned.extend(b.stops.iter().map(|s| (s.card_id.clone(), why)));
        }
        fits
    });
    order_blocks(&mut blocks, office);

    // What goes together: a located RT alone, the unlocated RTs of a
    // kelurahan together (in RW → RT runs no larger than a courier's room).
    // An even day: the couriers named for it all work, none past a quarter
    // above an even share of the day's cards (saved stops included).
    let day = size(&blocks) + couriers.iter().map(taken).sum::<usize>();
    let even = (day * 5).div_ceil(4 * couriers.len());
    let balanced: Vec<usize> =
        couriers.iter().zip(&caps).map(|(c, &room)| room.min(even.saturating_sub(taken(c)))).collect();
    // Which units fit in the couriers' room, decided before any route:
    // within the even day, or the whole room when that alone leaves cards
    // out.
    let fit = |sizes: &[usize]| {
        let packing = pack::pack(sizes, &balanced);
        if packing.left.is_empty() {
            (packing, balanced.clone())
        } else {
            (pack::pack(sizes, &caps), caps.clone())
        }
    };
    let mut units = units(blocks, cap);
    let mut sizes: Vec<usize> = units.iter().map(|u| size(u)).collect();
    let (mut packing, mut rooms) = fit(&sizes);
    if !packing.left.is_empty() && units.iter().any(|u| u.len() > 1) {
        // Keeping a kelurahan together costs cards: RT by RT instead.
        units = units.into_iter().flatten().map(|b| vec![b]).collect();
        sizes = units.iter().map(|u| size(u)).collect();
        (packing, rooms) = fit(&sizes);
    }
    for &i in &packing.left {
        unassigned
            .extend(units[i].iter().flat_map(|b| b.stops.iter().map(|s| (s.card_id.clone(), Unassigned::NoCapacity))));
    }
    let kept: Vec<usize> = (0..units.len()).filter(|i| !packing.left.contains(i)).collect();
    let place: BTreeMap<usize, usize> = kept.iter().enumerate().map(|(k, &u)| (u, k)).collect();
    // The search: every unit a client at its centre (the unlocated at the
    // depot, where they cost nothing), every courier a vehicle.
    let plane = office.map(Plane::new);
    let at = |p: Option<Point>| match (plane, p) {
        (Some(plane), Some(p)) => plane.xy(p),
        _ => [0.0, 0.0],
    };
    let problem = hgs::Problem {
        depot: at(office),
        clients: kept.iter().map(|&u| at(unit_centre(&units[u]))).collect(),
        demand: kept.iter().map(|&u| u32::try_from(sizes[u]).unwrap_or(u32::MAX)).collect(),
        caps: rooms.iter().map(|&c| u32::try_from(c).unwrap_or(u32::MAX)).collect(),
    };
    let start: Vec<Vec<usize>> =
        packing.bins.iter().map(|bin| bin.iter().filter_map(|u| place.get(u).copied()).collect()).collect();
    let solved = search(&problem, &start, kept.len());
    let mut units: Vec<Option<Vec<Block>>> = units.into_iter().map(Some).collect();
    let loads: Vec<Vec<Block>> =
        solved.iter().map(|route| route.iter().filter_map(|&k| units[kept[k]].take()).flatten().collect()).collect();
    let routes = couriers
        .into_iter()
        .zip(loads)
        .filter(|(_, load)| !load.is_empty())
        .map(|(courier_id, load)| route(courier_id, load, office))
        .collect();
    unassigned.sort_by(|a, b| a.0.cmp(&b.0));
    Plan { routes, unassigned, office }
}

/// Two searches from different seeds, one per core of a small server, and
/// the shorter result (the first on a tie): the same plan whatever the
/// machine, twice the search in the same second.
fn search(problem: &hgs::Problem, start: &[Vec<usize>], clients: usize) -> Vec<Vec<usize>> {
    let runs: Vec<Option<hgs::Solution>> = std::thread::scope(|scope| {
        let handles: Vec<_> = SEEDS
            .iter()
            .map(|&seed| scope.spawn(move || hgs::solve(problem, Some(start), &budget(clients, seed))))
            .collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    runs.into_iter()
        .flatten()
        .reduce(|best, s| if s.distance < best.distance - 1e-6 { s } else { best })
        .map_or_else(|| start.to_vec(), |s| s.routes)
}

const SEEDS: [u64; 2] = [0x5EED, 0xC0FFEE];

/// How much search a plan of `clients` units gets: enough to settle on the
/// published benchmark instances, bounded so a large pool still answers
/// within the office's patience (the deadline only guards a slow machine).
fn budget(clients: usize, seed: u64) -> hgs::Budget {
    // An iteration costs about in proportion to the clients: 1,500 of them
    // for the benchmark's smaller instances, fewer as they grow, so a plan
    // ends well within a second here and the deadline rarely decides.
    let iterations = if clients <= 300 { (50_000 / clients.max(1)).clamp(200, 1_500) } else { 10 };
    hgs::Budget {
        iterations,
        stale: 800,
        deadline: Some(std::time::Instant::now() + std::time::Duration::from_secs(3)),
        seed,
    }
}

fn size(bs: &[Block]) -> usize {
    bs.iter().map(|b| b.stops.len()).sum()
}

/// Located blocks one by one; the unlocated of a kelurahan together, cut
/// into RW → RT runs of at most `cap` cards.
fn units(blocks: Vec<Block>, cap: usize) -> Vec<Vec<Block>> {
    let mut units: Vec<Vec<Block>> = Vec::new();
    let mut open: Option<Vec<Block>> = None;
    for b in blocks {
        if b.centre().is_some() {
            units.push(vec![b]);
            continue;
        }
        match open.as_mut() {
            Some(run) if run[0].key.0 == b.key.0 && run[0].key.1 == b.key.1 && size(run) + b.stops.len() <= cap => {
                run.push(b)
            }
            _ => {
                units.extend(open.take());
                open = Some(vec![b]);
            }
        }
    }
    units.extend(open);
    units
}

fn unit_centre(unit: &[Block]) -> Option<Point> {
    match unit {
        [one] => one.centre(),
        _ => None,
    }
}

/// Great-circle positions flattened around `origin`, in metres: the
/// search's plane (a city is small enough that the error is negligible).
#[derive(Clone, Copy)]
struct Plane {
    origin: Point,
    cos: f64,
}

impl Plane {
    const R: f64 = 6_371_008.8;
    fn new(origin: Point) -> Self {
        Plane { origin, cos: origin.lat.to_radians().cos() }
    }
    fn xy(self, p: Point) -> [f64; 2] {
        [(p.lon - self.origin.lon).to_radians() * self.cos * Self::R, (p.lat - self.origin.lat).to_radians() * Self::R]
    }
}

/// Kelurahan with a location by angle around the office, then the rest by
/// name; RW → RT inside each.
fn order_blocks(blocks: &mut [Block], office: Option<Point>) {
    let mut kel_points: BTreeMap<(String, String), Vec<Point>> = BTreeMap::new();
    for b in blocks.iter() {
        if let Some(p) = b.centre() {
            kel_points.entry((b.key.0.clone(), b.key.1.clone())).or_default().push(p);
        }
    }
    let angle = |b: &Block| -> Option<f64> {
        let centre = geo::centre(kel_points.get(&(b.key.0.clone(), b.key.1.clone()))?)?;
        Some(geo::bearing(office?, centre))
    };
    blocks.sort_by(|a, b| {
        let (aa, ab) = (angle(a), angle(b));
        let located = |x: Option<f64>| x.is_none();
        located(aa)
            .cmp(&located(ab))
            .then(aa.unwrap_or(0.0).total_cmp(&ab.unwrap_or(0.0)))
            .then_with(|| (&a.key.0, &a.key.1).cmp(&(&b.key.0, &b.key.1)))
            .then_with(|| numeric(&a.key.2).cmp(&numeric(&b.key.2)))
            .then_with(|| numeric(&a.key.3).cmp(&numeric(&b.key.3)))
    });
}

/// One courier's closed tour: located blocks by nearest neighbour and
/// 2-opt, the unlocated after them in hierarchy order.
fn route(courier_id: String, load: Vec<Block>, office: Option<Point>) -> PlannedRoute {
    let (mut located, unlocated): (Vec<Block>, Vec<Block>) = load.into_iter().partition(|b| b.centre().is_some());
    if let Some(start) = office {
        let centres: Vec<Point> = located.iter().filter_map(Block::centre).collect();
        // The blocks may come in a tour already (the moves between routes
        // leave one): a fresh tour replaces it only when shorter.
        let fresh = geo::tour(start, &centres);
        let length = |o: &[usize]| geo::closed_length(start, &o.iter().map(|&i| centres[i]).collect::<Vec<_>>());
        let given: Vec<usize> = (0..centres.len()).collect();
        let order = if length(&fresh) < length(&given) { fresh } else { given };
        let mut slots: Vec<Option<Block>> = located.into_iter().map(Some).collect();
        located = order.into_iter().filter_map(|i| slots[i].take()).collect();
    }
    let mut stops = Vec::new();
    let mut here = office;
    for mut block in located.into_iter().chain(unlocated) {
        let (with, without): (Vec<PlannedStop>, Vec<PlannedStop>) =
            block.stops.drain(..).partition(|s| s.point.is_some());
        let mut with = with;
        if let Some(start) = here.or_else(|| with.first().and_then(|s| s.point)) {
            let points: Vec<Point> = with.iter().filter_map(|s| s.point).collect();
            let order = geo::path(start, &points);
            let mut slots: Vec<Option<PlannedStop>> = with.into_iter().map(Some).collect();
            with = order.into_iter().filter_map(|i| slots[i].take()).collect();
        }
        if let Some(last) = with.last().and_then(|s| s.point) {
            here = Some(last);
        }
        stops.extend(with);
        stops.extend(without);
    }
    for (seq, stop) in stops.iter_mut().enumerate() {
        stop.seq = seq + 1;
    }
    let points: Vec<Point> = stops.iter().filter_map(|s| s.point).collect();
    let distance_m = office.map_or(0.0, |o| geo::closed_length(o, &points));
    PlannedRoute { courier_id, stops, distance_m }
}
