use super::search::LocalSearch;
use super::Rng;
use super::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn random_problem(seed: u64, n: usize, fleet: usize, cap: u32) -> Problem {
    let mut rng = Rng::new(seed);
    let mut point = || [rng.below(1_000) as f64, rng.below(1_000) as f64];
    let depot = point();
    let clients: Vec<[f64; 2]> = (0..n).map(|_| point()).collect();
    let demand = (0..n).map(|_| 1 + rng.below(10) as u32).collect();
    Problem { depot, clients, demand, caps: vec![cap; fleet] }
}

fn route_cost(data: &Data, route: &[usize], cap: u32, penalty: f64) -> f64 {
    let mut prev = 0;
    let mut dist = 0.0;
    let mut load = 0;
    for &c in route {
        dist += data.d(prev, c);
        load += data.demand[c];
        prev = c;
    }
    dist += data.d(prev, 0);
    dist + penalty * f64::from(load.saturating_sub(cap))
}

/// Every way to cut `giant` into at most `fleet` non-empty routes.
fn best_cut(data: &Data, giant: &[usize], fleet: usize, penalty: f64) -> f64 {
    let n = giant.len();
    let mut best = f64::INFINITY;
    for mask in 0u32..(1 << (n - 1)) {
        if mask.count_ones() as usize + 1 > fleet {
            continue;
        }
        let mut cost = 0.0;
        let mut start = 0;
        let mut over_limit = false;
        for i in 0..n {
            if i == n - 1 || mask & (1 << i) != 0 {
                let route = &giant[start..=i];
                let load: u32 = route.iter().map(|&c| data.demand[c]).sum();
                if f64::from(load) > 1.5 * f64::from(data.cap_max) && route.len() > 1 {
                    over_limit = true;
                }
                cost += route_cost(data, route, data.cap_max, penalty);
                start = i + 1;
            }
        }
        if !over_limit {
            best = best.min(cost);
        }
    }
    best
}

#[test]
fn the_split_finds_the_cheapest_cut_of_the_giant_tour() {
    for seed in 0..40 {
        let p = random_problem(seed, 9, 3, 20);
        let data = Data::new(&p);
        let mut rng = Rng::new(seed);
        let mut giant: Vec<usize> = (1..=9).collect();
        rng.shuffle(&mut giant);
        let penalty = 5.0 + seed as f64;
        let routes = split::split(&data, &giant, penalty);
        assert_eq!(routes.len(), 3);
        let flat: Vec<usize> = routes.iter().flatten().copied().collect();
        assert_eq!(flat.iter().collect::<BTreeSet<_>>(), giant.iter().collect::<BTreeSet<_>>());
        let cost: f64 = routes.iter().filter(|r| !r.is_empty()).map(|r| route_cost(&data, r, 20, penalty)).sum();
        let brute = best_cut(&data, &giant, 3, penalty);
        assert!((cost - brute).abs() < 1e-6, "seed {seed}: split {cost} brute force {brute}");
    }
}

#[test]
fn every_move_changes_the_cost_by_exactly_what_it_predicted() {
    let mut seen = BTreeSet::new();
    for seed in 0..60 {
        let p = random_problem(seed, 40, 6, 40);
        let data = Data::new(&p);
        let mut rng = Rng::new(seed);
        let mut giant: Vec<usize> = (1..=40).collect();
        rng.shuffle(&mut giant);
        let penalty = [0.5, 10.0, 200.0][seed as usize % 3];
        let mut ind = split::individual(&data, giant, penalty);
        let mut search = LocalSearch::new(&data);
        let before = ind.penalised;
        search.run(&mut ind, penalty, &mut rng);
        assert!(!search.log.is_empty());
        for &(kind, predicted, actual) in &search.log {
            assert!((predicted - actual).abs() < 1e-6, "{kind}: predicted {predicted}, was {actual}");
            assert!(actual < 0.0, "{kind} made the cost worse: {actual}");
            seen.insert(kind);
        }
        let total: f64 = search.log.iter().map(|x| x.2).sum();
        assert!((ind.penalised - (before + total)).abs() < 1e-6);
        let mut all: Vec<usize> = ind.routes.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (1..=40).collect::<Vec<_>>());
    }
    for kind in [
        "relocate",
        "relocate_pair",
        "relocate_pair_reversed",
        "swap",
        "swap_pair_one",
        "swap_pairs",
        "two_opt",
        "two_opt_star",
        "two_opt_star_reversed",
        "swap_star",
    ] {
        assert!(seen.contains(kind), "{kind} never improved anything: {seen:?}");
    }
}

fn budget(seed: u64) -> Budget {
    Budget { iterations: 300, stale: 300, deadline: None, seed }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn a_solution_visits_every_client_once_within_capacity_and_is_the_same_again(
        seed in 0u64..1_000, n in 1usize..40, fleet in 1usize..6,
    ) {
        let p = random_problem(seed, n, fleet, 60);
        let total: u32 = p.demand.iter().sum();
        let solution = solve(&p, None, &budget(seed));
        if let Some(s) = &solution {
            prop_assert_eq!(s.routes.len(), fleet);
            let mut all: Vec<usize> = s.routes.iter().flatten().copied().collect();
            all.sort_unstable();
            prop_assert_eq!(all, (0..n).collect::<Vec<_>>());
            for r in &s.routes {
                prop_assert!(r.iter().map(|&c| p.demand[c]).sum::<u32>() <= 60);
            }
        } else {
            // Only when capacity is short by the plain count.
            prop_assert!(total > 60 * fleet as u32 / 2);
        }
        prop_assert_eq!(solve(&p, None, &budget(seed)), solution);
    }
}

#[test]
fn a_starting_packing_that_fits_is_kept_feasible() {
    // Demands that fill three vehicles exactly: only one packing fits.
    let clients: Vec<[f64; 2]> = (0..9).map(|i| [f64::from(i) * 100.0, 0.0]).collect();
    let demand = vec![7, 2, 1, 5, 3, 2, 6, 3, 1];
    let p = Problem { depot: [400.0, 300.0], clients, demand, caps: vec![10, 10, 10] };
    let start = vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8]];
    let s = solve(&p, Some(&start), &budget(7)).expect("the start fits");
    for r in &s.routes {
        assert!(r.iter().map(|&c| p.demand[c]).sum::<u32>() <= 10);
    }
    assert_eq!(s.routes.iter().map(Vec::len).sum::<usize>(), 9);
}
