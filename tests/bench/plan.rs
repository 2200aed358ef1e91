//! `cargo xtask bench-plan`: the planner's tour lengths and time beside
//! OR-Tools (guided local search) on the same generated instances.
//!
//! Homes are clustered around eight neighbourhood centres (one kelurahan
//! each), as in a city; every home has a pin and an RT of its own.
//! Writes each instance to `target/plan-bench/`, plans it with Antar, then
//! asks `ortools_vrp.py` (run by the interpreter in `ORTOOLS_PYTHON`) to
//! solve the same capacitated problem on the same integer distance matrix,
//! and (with the `vrp` feature, which `cargo xtask bench-plan` turns on)
//! vrp-core, the Rust VRP solver, and VROOM (`vroom_vrp.py`, PyPI
//! `pyvroom`) on it too.

use antar_server::domain::planner::{self, geo::distance_m, geo::Point, PlanCard, PlanInput};
use std::time::Instant;

const OFFICE: Point = Point { lat: -5.40, lon: 105.26 };

/// A small deterministic generator: the same instance every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn instance(cards: usize, couriers: usize, cap: usize, seed: u64) -> PlanInput {
    let mut rng = Lcg(seed);
    let centres: Vec<Point> = (0..8)
        .map(|_| Point { lat: OFFICE.lat + (rng.next() - 0.5) * 0.12, lon: OFFICE.lon + (rng.next() - 0.5) * 0.12 })
        .collect();
    let cards = (0..cards)
        .map(|i| {
            let k = (rng.next() * centres.len() as f64) as usize % centres.len();
            let c = centres[k];
            let pin = Point { lat: c.lat + (rng.next() - 0.5) * 0.015, lon: c.lon + (rng.next() - 0.5) * 0.015 };
            PlanCard {
                id: format!("c{i:04}"),
                kecamatan: "K".into(),
                // A kelurahan is a neighbourhood: its homes are near each other.
                kelurahan: format!("KEL{k}"),
                rw: Some("1".into()),
                rt: Some(i.to_string()),
                pin: Some(pin),
                batch: None,
            }
        })
        .collect();
    PlanInput {
        office: Some(OFFICE),
        couriers: (0..couriers).map(|c| format!("k{c:02}")).collect(),
        cards,
        neighbours: vec![],
        max_stops: cap,
        taken: Default::default(),
    }
}

/// vrp-core (reinterpretcat/vrp) on the same capacitated problem and the
/// same integer matrix, for `seconds`: its total length in metres.
#[cfg(feature = "vrp")]
fn vrp_core(matrix: &[Vec<i64>], vehicles: usize, cap: usize, seconds: usize) -> f64 {
    use std::sync::Arc;
    use vrp_core::prelude::*;
    let n = matrix.len();
    let flat: Vec<Float> = matrix.iter().flat_map(|row| row.iter().map(|&d| d as Float)).collect();
    let transport: Arc<dyn TransportCost> = Arc::new(SimpleTransportCost::new(flat.clone(), flat).unwrap());
    let goal = GoalContextBuilder::with_features(&[
        MinimizeUnassignedBuilder::new("min-unassigned").build().unwrap(),
        TransportFeatureBuilder::new("min-distance")
            .set_transport_cost(transport.clone())
            .set_time_constrained(false)
            .build_minimize_distance()
            .unwrap(),
        CapacityFeatureBuilder::<SingleDimLoad>::new("capacity").build().unwrap(),
    ])
    .unwrap()
    .build()
    .unwrap();
    let jobs = (1..n).map(|i| {
        SingleBuilder::default()
            .id(&format!("job{i}"))
            .demand(Demand::delivery(1))
            .location(i)
            .unwrap()
            .build_as_job()
            .unwrap()
    });
    let fleet = (0..vehicles).map(|v| {
        VehicleBuilder::default()
            .id(&format!("v{v}"))
            .add_detail(VehicleDetailBuilder::default().set_start_location(0).set_end_location(0).build().unwrap())
            .capacity(SingleDimLoad::new(cap as i32))
            .build()
            .unwrap()
    });
    let problem = Arc::new(
        ProblemBuilder::default()
            .add_jobs(jobs)
            .add_vehicles(fleet)
            .with_goal(goal)
            .with_transport_cost(transport)
            .build()
            .unwrap(),
    );
    let config = VrpConfigBuilder::new(problem.clone())
        .prebuild()
        .unwrap()
        .with_max_time(Some(seconds))
        .with_max_generations(Some(100_000))
        .build()
        .unwrap();
    let solution = Solver::new(problem, config).solve().unwrap();
    assert!(solution.unassigned.is_empty());
    solution
        .get_locations()
        .map(|tour| {
            let stops: Vec<usize> = tour.collect();
            stops.windows(2).map(|w| matrix[w[0]][w[1]]).sum::<i64>()
        })
        .sum::<i64>() as f64
}

#[cfg(not(feature = "vrp"))]
fn vrp_core(_: &[Vec<i64>], _: usize, _: usize, _: usize) -> f64 {
    f64::NAN
}

fn main() {
    let python = std::env::var("ORTOOLS_PYTHON").unwrap_or_else(|_| "python3".into());
    let seconds = std::env::var("ORTOOLS_SECONDS").unwrap_or_else(|_| "20".into());
    // vrp-core at our time budget (1 s) and at OR-Tools' (its full limit).
    let vrp_budgets: Vec<usize> = vec![1, seconds.parse().unwrap_or(20)];
    let dir = std::path::Path::new("target/plan-bench");
    std::fs::create_dir_all(dir).unwrap();
    println!(
        "| instance | Antar | time | OR-Tools ({seconds} s GLS) | ratio | vrp-core {} s | vrp-core {} s | VROOM ({seconds} s) |",
        vrp_budgets[0], vrp_budgets[1]
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, cards, couriers, cap, seed) in [
        ("150 stops, 1 courier", 150, 1, 150, 1),
        ("450 cards, 3 couriers, cap 160", 450, 3, 160, 2),
        ("700 cards, 10 couriers, cap 80", 700, 10, 80, 3),
    ] {
        let input = instance(cards, couriers, cap, seed);
        let started = Instant::now();
        let plan = planner::plan(&input);
        let took = started.elapsed();
        assert!(plan.unassigned.is_empty(), "{name}: {} unassigned", plan.unassigned.len());
        let ours: f64 = plan.routes.iter().map(|r| r.distance_m).sum();
        // Node 0 is the office; metres, rounded, as OR-Tools takes integers.
        let nodes: Vec<Point> = std::iter::once(OFFICE).chain(input.cards.iter().filter_map(|c| c.pin)).collect();
        let matrix: Vec<Vec<i64>> =
            nodes.iter().map(|a| nodes.iter().map(|b| distance_m(*a, *b).round() as i64).collect()).collect();
        let path = dir.join(format!("instance-{seed}.json"));
        let json = serde_json::json!({"vehicles": couriers, "capacity": cap, "matrix": matrix});
        std::fs::write(&path, json.to_string()).unwrap();
        let out = std::process::Command::new(&python)
            .args([concat!(env!("CARGO_MANIFEST_DIR"), "/bench/ortools_vrp.py")])
            .arg(&path)
            .arg(&seconds)
            .output()
            .unwrap();
        let theirs: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(f64::NAN);
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
        let vrp: Vec<f64> = vrp_budgets.iter().map(|&s| vrp_core(&matrix, couriers, cap, s)).collect();
        let vroom = std::process::Command::new(&python)
            .args([concat!(env!("CARGO_MANIFEST_DIR"), "/bench/vroom_vrp.py")])
            .arg(&path)
            .arg(&seconds)
            .output()
            .unwrap();
        let vroom =
            String::from_utf8_lossy(&vroom.stdout).split_whitespace().next().and_then(|v| v.parse::<f64>().ok());
        println!(
            "| {name} | {:.1} km | {:.0} ms | {:.1} km | {:.3} | {:.1} km ({:.3}) | {:.1} km ({:.3}) | {} |",
            ours / 1000.0,
            took.as_secs_f64() * 1000.0,
            theirs / 1000.0,
            ours / theirs,
            vrp[0] / 1000.0,
            vrp[0] / theirs,
            vrp[1] / 1000.0,
            vrp[1] / theirs,
            vroom.map_or("–".to_owned(), |v| format!("{:.1} km ({:.3})", v / 1000.0, v / theirs)),
        );
    }
}
