//! CVRPLIB instances (`tests/data/cvrplib/`, from CVRPLIB by way of the
//! VROOM project's benchmark scripts) and their proven optimal costs, read
//! for the planner's benchmark and tests.
//!
//! An instance becomes a day of the office's work: the depot is the
//! office, each customer an RT at its point holding as many cards as its
//! demand, each vehicle a courier with the vehicle capacity as its cap.
//! Coordinates map to degrees near the equator, where the planner's
//! great-circle metres are the instance's units to within 0.0002 %.

use antar_planner::{geo::Point, PlanCard, PlanInput};
use std::path::{Path, PathBuf};

/// Degrees per instance unit (about 11 m).
pub const DEG_PER_UNIT: f64 = 1e-4;

pub struct Instance {
    pub name: String,
    pub capacity: usize,
    /// Couriers the day has.
    pub vehicles: usize,
    /// Node 0 is the depot.
    pub xy: Vec<(f64, f64)>,
    pub demand: Vec<usize>,
    pub optimum: u64,
}

pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cvrplib")
}

/// Every instance whose name starts with `prefix`, by name.
pub fn load_all(prefix: &str) -> Vec<Instance> {
    let optima = std::fs::read_to_string(dir().join("optima.csv")).expect("optima.csv");
    let mut out: Vec<Instance> = optima
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(prefix))
        .map(|l| {
            let mut f = l.split(',');
            let name = f.next().expect("name").to_owned();
            let optimum = f.next().and_then(|c| c.parse().ok()).expect("cost");
            load(&name, optimum)
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub fn load(name: &str, optimum: u64) -> Instance {
    let text = std::fs::read_to_string(dir().join(format!("{name}.vrp"))).expect("instance file");
    let mut capacity = 0;
    let mut xy = Vec::new();
    let mut demand = Vec::new();
    let mut section = "";
    for line in text.lines() {
        let line = line.trim();
        if let Some((key, value)) = line.split_once(':') {
            if key.trim() == "CAPACITY" {
                capacity = value.trim().parse().expect("capacity");
            }
            continue;
        }
        match line {
            "NODE_COORD_SECTION" | "DEMAND_SECTION" | "DEPOT_SECTION" | "EOF" => {
                section = line;
                continue;
            }
            _ => {}
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        match section {
            "NODE_COORD_SECTION" if f.len() == 3 => xy.push((f[1].parse().expect("x"), f[2].parse().expect("y"))),
            "DEMAND_SECTION" if f.len() == 2 => demand.push(f[1].parse().expect("demand")),
            _ => {}
        }
    }
    // Sets A and B give the fleet in the name ("-k5"), and their optima use
    // all of it; set X's "-k" is only the least number of routes (its fleet
    // is unlimited, and some optima use one more), so there the day has a
    // tenth more couriers, at least one.
    let named: usize = name.rsplit_once("-k").and_then(|(_, k)| k.parse().ok()).expect("vehicles in the name");
    let vehicles = if name.starts_with("X-") { named + named.div_ceil(10) } else { named };
    Instance { name: name.to_owned(), capacity, vehicles, xy, demand, optimum }
}

impl Instance {
    pub fn point(&self, node: usize) -> Point {
        let (x, y) = self.xy[node];
        Point { lat: y * DEG_PER_UNIT, lon: x * DEG_PER_UNIT }
    }

    /// The customer a card id names: `n{node}-{k}`.
    pub fn node_of(card_id: &str) -> usize {
        card_id[1..card_id.find('-').expect("card id")].parse().expect("node")
    }

    /// The day as the planner takes it: one kelurahan per customer, one
    /// RT per customer, every card pinned.
    pub fn plan_input(&self) -> PlanInput {
        let cards = (1..self.xy.len())
            .flat_map(|node| {
                let p = self.point(node);
                (0..self.demand[node]).map(move |k| PlanCard {
                    id: format!("n{node}-{k}"),
                    kecamatan: "K".into(),
                    kelurahan: format!("KEL{node}"),
                    rw: Some("1".into()),
                    rt: Some("1".into()),
                    pin: Some(p),
                    batch: None,
                })
            })
            .collect();
        PlanInput {
            office: Some(self.point(0)),
            couriers: (0..self.vehicles).map(|k| format!("v{k:02}")).collect(),
            cards,
            neighbours: vec![],
            max_stops: self.capacity,
            taken: Default::default(),
        }
    }

    /// The rounded Euclidean length of routes given as customer orders
    /// (consecutive cards at one customer are one visit).
    pub fn cost(&self, routes: &[Vec<usize>]) -> u64 {
        let d = |a: usize, b: usize| {
            let (p, q) = (self.xy[a], self.xy[b]);
            ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt().round() as u64
        };
        routes
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| {
                let mut visits: Vec<usize> = r.clone();
                visits.dedup();
                let mut total = d(0, visits[0]) + d(visits[visits.len() - 1], 0);
                for w in visits.windows(2) {
                    total += d(w[0], w[1]);
                }
                total
            })
            .sum()
    }
}
