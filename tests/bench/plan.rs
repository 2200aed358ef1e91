//! `cargo xtask bench-plan`: the planner on the papers' table. Every
//! CVRPLIB instance shipped in `tests/data/cvrplib/` (sets A and B, and X
//! up to 200 customers) is planned as an office's day (see
//! `antar_tests::cvrplib`), its routes are scored in the instance's own
//! rounded Euclidean metric against the proven optimum, and the same
//! instance goes, in the same run, to PyVRP and OR-Tools for one second
//! each (`cvrp_refs.py`, run by the interpreter in `PLAN_BENCH_PYTHON`).
//! Then the scale case: 5,000 cards for 30 couriers.

use antar_planner::{self as planner, geo::Point, PlanCard, PlanInput};
use antar_tests::cvrplib::{self, Instance};
use std::time::Instant;

struct Row {
    gap: f64,
    secs: f64,
    pyvrp: Option<f64>,
    ortools: Option<f64>,
    left: usize,
}

fn gap(cost: f64, optimum: u64) -> f64 {
    100.0 * (cost - optimum as f64) / optimum as f64
}

fn refs(python: &str, inst: &Instance, seconds: &str) -> (Option<f64>, Option<f64>) {
    let dir = std::path::Path::new("target/plan-bench");
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("{}.json", inst.name));
    let json = serde_json::json!({
        "xy": inst.xy, "demand": inst.demand, "capacity": inst.capacity, "vehicles": inst.vehicles,
    });
    std::fs::write(&path, json.to_string()).unwrap();
    let out = std::process::Command::new(python)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/cvrp_refs.py"))
        .arg(&path)
        .arg(seconds)
        .output()
        .unwrap();
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut f = text.split_whitespace().map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite()));
    (f.next().flatten(), f.next().flatten())
}

fn table(python: &str, prefix: &str, seconds: &str) -> Vec<Row> {
    println!("\n| instance | optimum | Antar | gap | time | PyVRP {seconds} s | gap | OR-Tools {seconds} s | gap |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut rows = Vec::new();
    for inst in cvrplib::load_all(prefix) {
        let input = inst.plan_input();
        let started = Instant::now();
        let plan = planner::plan(&input);
        let secs = started.elapsed().as_secs_f64();
        let routes: Vec<Vec<usize>> =
            plan.routes.iter().map(|r| r.stops.iter().map(|s| Instance::node_of(&s.card_id)).collect()).collect();
        let cost = inst.cost(&routes) as f64;
        let (pyvrp, ortools) = refs(python, &inst, seconds);
        let show = |c: Option<f64>| match c {
            Some(c) => format!("{c:.0} | {:.2} %", gap(c, inst.optimum)),
            None => "– | –".to_owned(),
        };
        let left = plan.unassigned.len();
        println!(
            "| {} | {} | {cost:.0}{} | {:.2} % | {:.2} s | {} | {} |",
            inst.name,
            inst.optimum,
            if left > 0 { format!(" ({left} cards left out)") } else { String::new() },
            gap(cost, inst.optimum),
            secs,
            show(pyvrp),
            show(ortools),
        );
        rows.push(Row {
            gap: gap(cost, inst.optimum),
            secs,
            pyvrp: pyvrp.map(|c| gap(c, inst.optimum)),
            ortools: ortools.map(|c| gap(c, inst.optimum)),
            left,
        });
    }
    rows
}

fn mean(xs: impl Iterator<Item = f64>) -> String {
    let v: Vec<f64> = xs.collect();
    if v.is_empty() {
        return "–".into();
    }
    format!("{:.2} %", v.iter().sum::<f64>() / v.len() as f64)
}

/// 5,000 cards in 1,000 RTs around one office, 30 couriers of 170.
fn scale() {
    let office = Point { lat: -5.40, lon: 105.26 };
    let mut seed = 7u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    // An RT is a few neighbouring homes; RTs anywhere in a 22 km square.
    let centres: Vec<Point> = (0..1_000)
        .map(|_| Point { lat: office.lat + (next() - 0.5) * 0.2, lon: office.lon + (next() - 0.5) * 0.2 })
        .collect();
    let cards: Vec<PlanCard> = (0..5_000)
        .map(|i| {
            let rt = i / 5;
            let c = centres[rt];
            PlanCard {
                id: format!("c{i:04}"),
                kecamatan: "K".into(),
                kelurahan: format!("KEL{}", rt % 40),
                rw: Some((rt % 7).to_string()),
                rt: Some(rt.to_string()),
                pin: Some(Point { lat: c.lat + (next() - 0.5) * 0.002, lon: c.lon + (next() - 0.5) * 0.002 }),
                batch: None,
            }
        })
        .collect();
    let input = PlanInput {
        office: Some(office),
        couriers: (0..30).map(|k| format!("k{k:02}")).collect(),
        cards,
        neighbours: vec![],
        max_stops: 170,
        taken: Default::default(),
    };
    let started = Instant::now();
    let plan = planner::plan(&input);
    let km: f64 = plan.routes.iter().map(|r| r.distance_m).sum::<f64>() / 1000.0;
    println!(
        "\nScale: 5,000 cards (1,000 RTs, every card pinned), 30 couriers of 170: planned in {:.2} s, {} routes, {km:.0} km, {} left out",
        started.elapsed().as_secs_f64(),
        plan.routes.len(),
        plan.unassigned.len()
    );
}

fn main() {
    let python = std::env::var("PLAN_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let seconds = std::env::var("PLAN_BENCH_SECONDS").unwrap_or_else(|_| "1".into());
    let only = std::env::args().nth(1);
    if only.as_deref() == Some("scale") {
        scale();
        return;
    }
    let mut summary = Vec::new();
    for (set, prefix) in [("A", "A-"), ("B", "B-"), ("X ≤ 200 customers", "X-")] {
        if only.as_deref().is_some_and(|o| !prefix.starts_with(o)) {
            continue;
        }
        let rows = table(&python, prefix, &seconds);
        summary.push(format!(
            "| {set} ({}) | {} | {:.2} s | {} | {} | {} | {} |",
            rows.len(),
            mean(rows.iter().map(|r| r.gap)),
            rows.iter().map(|r| r.secs).fold(0.0, f64::max),
            mean(rows.iter().filter_map(|r| r.pyvrp)),
            mean(rows.iter().filter_map(|r| r.ortools)),
            rows.iter().filter(|r| r.left > 0).count(),
            rows.iter().map(|r| r.left).sum::<usize>(),
        ));
    }
    println!("\n| set | Antar mean gap | slowest plan | PyVRP {seconds} s mean gap | OR-Tools {seconds} s mean gap | instances with cards left out | cards left out |");
    println!("|---|---|---|---|---|---|---|");
    for line in summary {
        println!("{line}");
    }
    if only.is_none() {
        scale();
    }
}
