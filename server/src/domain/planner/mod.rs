//! The route planner: pure functions over values, no HTTP and no database.
//!
//! Indonesian addresses often have no house number, only RT/RW, so the plan
//! works on the address hierarchy first and on geometry where pins exist:
//!
//! 1. Cards are grouped into *blocks*, one per RT (kecamatan, kelurahan, RW,
//!    RT). A block is never split between couriers; one larger than a
//!    courier's cap cannot be planned and says so.
//! 2. Blocks are ordered kelurahan by kelurahan — kelurahan with a location
//!    swept by their angle around the office, then those without one by
//!    name — and RW → RT within a kelurahan.
//! 3. Couriers are filled in that order, each up to an even share of the
//!    cards; a kelurahan that fits whole in what the courier may still take
//!    stays whole, so it stays with one courier where capacity allows.
//! 4. Between routes, blocks with true geometry (pins, the batch's LAT/LON)
//!    move to whichever courier's tour they lengthen least, alone or traded
//!    for another (relocate, exchange), under the cap (`exchange.rs`), for
//!    pools of up to 1,500 RT blocks, within a fixed amount of work.
//! 5. Each route is a closed tour from the office: located blocks by nearest
//!    neighbour then 2-opt and Or-opt on great-circle distance, cards inside
//!    a block the same way; blocks without a location follow, RW → RT.
//!
//! The same input always gives the same plan: every order breaks ties by id.

mod exchange;
pub mod geo;
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

    // Kelurahan runs in that order, each a list of blocks.
    let mut kelurahan: Vec<Vec<Block>> = Vec::new();
    for b in blocks {
        match kelurahan.last_mut() {
            Some(run) if run[0].key.0 == b.key.0 && run[0].key.1 == b.key.1 => run.push(b),
            _ => kelurahan.push(vec![b]),
        }
    }
    // An even share of the day's whole load, saved stops included.
    let total: usize =
        kelurahan.iter().flatten().map(|b| b.stops.len()).sum::<usize>() + couriers.iter().map(taken).sum::<usize>();
    let share = total.div_ceil(couriers.len()).min(input.max_stops);
    let mut loads: Vec<Vec<Block>> = (0..couriers.len()).map(|_| Vec::new()).collect();
    let size = |bs: &[Block]| bs.iter().map(|b| b.stops.len()).sum::<usize>();
    let mut at = 0;
    for run in kelurahan {
        let whole = size(&run);
        // A kelurahan that still fits whole under the cap stays with the
        // courier; one that does not fit goes whole to the next courier
        // when that one can take it, and is split by RT otherwise.
        while at < loads.len() && size(&loads[at]) + taken(&couriers[at]) >= share {
            at += 1;
        }
        if at < loads.len() && size(&loads[at]) + whole > caps[at] && at + 1 < loads.len() && whole <= caps[at + 1] {
            at += 1;
        }
        for block in run {
            while at < loads.len() && size(&loads[at]) + block.stops.len() > caps[at] {
                at += 1;
            }
            // Past the last courier: the one with most room left that
            // still fits the block, so no card is left out while any
            // courier could take it.
            let room = |i: usize| caps[i] - size(&loads[i]);
            let fallback = || {
                (0..loads.len())
                    .filter(|&i| room(i) >= block.stops.len())
                    .max_by_key(|&i| (room(i), std::cmp::Reverse(i)))
            };
            let slot = if at < loads.len() { Some(at) } else { fallback() };
            match slot {
                Some(i) => loads[i].push(block),
                None => unassigned.extend(block.stops.iter().map(|s| (s.card_id.clone(), Unassigned::NoCapacity))),
            }
        }
    }
    if let Some(start) = office {
        exchange::improve(&mut loads, start, &caps);
    }
    let routes = couriers
        .into_iter()
        .zip(loads)
        .filter(|(_, load)| !load.is_empty())
        .map(|(courier_id, load)| route(courier_id, load, office))
        .collect();
    unassigned.sort_by(|a, b| a.0.cmp(&b.0));
    Plan { routes, unassigned, office }
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
