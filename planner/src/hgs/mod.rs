//! A hybrid genetic search for the capacitated vehicle routing problem,
//! after Vidal (2022), "Hybrid genetic search for the CVRP: open-source
//! implementation and SWAP* neighborhood", and PyVRP, its maintained
//! successor:
//!
//! - an individual is a giant tour of every client; the split
//!   (`split.rs`) cuts it optimally into at most one route per vehicle;
//! - every new individual is improved by a local search over granular
//!   neighbourhoods (each client tries moves only with its nearest
//!   clients), with relocate, swap, 2-opt and 2-opt* moves and SWAP*
//!   between routes whose sectors around the depot overlap (`search.rs`);
//! - capacity may be exceeded at a price that adapts so about a fifth of
//!   the new individuals are feasible: the search crosses infeasible ground
//!   to reach better feasible solutions;
//! - parents are chosen by a fitness that rewards both cost and diversity
//!   (broken-pairs distance), and the population is trimmed to its fittest
//!   (`population.rs`); children come from the ordered crossover.
//!
//! Pure and deterministic: the same problem, seed and work budget give the
//! same solution. A deadline is a safety net, not the budget.

mod population;
mod search;
mod split;
#[cfg(test)]
mod tests;

use population::Population;
use search::LocalSearch;
use std::time::Instant;

/// A problem: clients with a demand, a depot, vehicles with a capacity each.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Planar coordinates in metres.
    pub depot: [f64; 2],
    pub clients: Vec<[f64; 2]>,
    pub demand: Vec<u32>,
    /// One entry per vehicle.
    pub caps: Vec<u32>,
}

/// How much search to spend.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Crossover iterations at most.
    pub iterations: usize,
    /// Stop after this many iterations without a better feasible solution.
    pub stale: usize,
    /// Stop at this moment whatever is left of the budget.
    pub deadline: Option<Instant>,
    pub seed: u64,
}

/// Routes per vehicle (`routes[k]` is vehicle `k`'s clients in order, by
/// index into `Problem::clients`) and their total length.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub routes: Vec<Vec<usize>>,
    pub distance: f64,
}

/// Small, fast, deterministic pseudo-random numbers (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// The search's settings: HGS-CVRP's defaults.
pub(crate) struct Params {
    /// Neighbours each client tries moves with.
    pub granular: usize,
    /// Population: `mu` survivors, up to `lambda` more before a trim.
    pub mu: usize,
    pub lambda: usize,
    pub elite: usize,
    /// Closest individuals whose distance measures diversity.
    pub close: usize,
    /// Share of new individuals that should be feasible.
    pub target_feasible: f64,
}

const PARAMS: Params = Params { granular: 20, mu: 25, lambda: 40, elite: 4, close: 5, target_feasible: 0.2 };

/// The problem as the search reads it: node 0 is the depot, clients are
/// 1..=n.
pub(crate) struct Data {
    pub n: usize,
    pub xy: Vec<[f64; 2]>,
    pub demand: Vec<u32>,
    pub caps: Vec<u32>,
    pub cap_max: u32,
    matrix: Option<Vec<f64>>,
    /// Each client's nearest clients, nearest first.
    pub neighbours: Vec<Vec<usize>>,
}

/// Nodes up to which distances are kept in a matrix (8 MB); beyond, they
/// are computed when needed.
const MATRIX_NODES: usize = 1_000;

impl Data {
    fn new(p: &Problem) -> Data {
        let n = p.clients.len();
        let xy: Vec<[f64; 2]> = std::iter::once(p.depot).chain(p.clients.iter().copied()).collect();
        let demand: Vec<u32> = std::iter::once(0).chain(p.demand.iter().copied()).collect();
        let cap_max = p.caps.iter().copied().max().unwrap_or(0);
        let mut data = Data { n, xy, demand, caps: p.caps.clone(), cap_max, matrix: None, neighbours: Vec::new() };
        if n < MATRIX_NODES {
            let m = n + 1;
            let mut matrix = vec![0.0; m * m];
            for i in 0..m {
                for j in 0..m {
                    matrix[i * m + j] = data.euclid(i, j);
                }
            }
            data.matrix = Some(matrix);
        }
        let k = PARAMS.granular.min(n.saturating_sub(1));
        data.neighbours = std::iter::once(Vec::new())
            .chain((1..=n).map(|i| {
                let mut others: Vec<(f64, usize)> = (1..=n).filter(|&j| j != i).map(|j| (data.d(i, j), j)).collect();
                if others.len() > k {
                    others.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    others.truncate(k);
                }
                others.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                others.into_iter().map(|(_, j)| j).collect()
            }))
            .collect();
        data
    }

    fn euclid(&self, i: usize, j: usize) -> f64 {
        let (a, b) = (self.xy[i], self.xy[j]);
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
    }

    #[inline]
    pub fn d(&self, i: usize, j: usize) -> f64 {
        match &self.matrix {
            Some(m) => m[i * (self.n + 1) + j],
            None => self.euclid(i, j),
        }
    }

    /// The angle of a node around the depot, as HGS-CVRP's circle sectors
    /// count it: 0..65536.
    pub fn polar(&self, i: usize) -> i32 {
        let (dx, dy) = (self.xy[i][0] - self.xy[0][0], self.xy[i][1] - self.xy[0][1]);
        let a = dy.atan2(dx);
        ((32_768.0 * a / std::f64::consts::PI) as i32).rem_euclid(65_536)
    }
}

/// One solution as the population keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Individual {
    /// Every client once: the giant tour the split cuts.
    pub giant: Vec<usize>,
    /// One route per vehicle (clients 1..=n).
    pub routes: Vec<Vec<usize>>,
    pub distance: f64,
    /// Load above capacity, summed over the routes.
    pub excess: f64,
    pub penalised: f64,
    /// Successor and predecessor of every client (0: the depot).
    pub succ: Vec<usize>,
    pub pred: Vec<usize>,
}

impl Individual {
    /// An individual of `routes` (one per vehicle), evaluated at `penalty`;
    /// its giant tour is `giant`, or the routes in order when empty.
    pub fn new(giant: Vec<usize>, routes: Vec<Vec<usize>>, data: &Data, penalty: f64) -> Individual {
        let mut ind = Individual {
            giant,
            routes,
            distance: 0.0,
            excess: 0.0,
            penalised: 0.0,
            succ: Vec::new(),
            pred: Vec::new(),
        };
        ind.evaluate(data, penalty);
        ind
    }

    pub fn feasible(&self) -> bool {
        self.excess <= 0.0
    }

    /// Cost, lengths, links from `routes`; the giant tour is the routes'
    /// concatenation when `giant` is empty.
    pub fn evaluate(&mut self, data: &Data, penalty: f64) {
        self.distance = 0.0;
        self.excess = 0.0;
        self.succ = vec![0; data.n + 1];
        self.pred = vec![0; data.n + 1];
        for (k, route) in self.routes.iter().enumerate() {
            let mut load = 0u64;
            let mut prev = 0;
            for &c in route {
                self.distance += data.d(prev, c);
                load += u64::from(data.demand[c]);
                self.pred[c] = prev;
                if prev != 0 {
                    self.succ[prev] = c;
                }
                prev = c;
            }
            self.distance += data.d(prev, 0);
            let cap = u64::from(data.caps.get(k).copied().unwrap_or(0));
            self.excess += load.saturating_sub(cap) as f64;
        }
        if self.giant.is_empty() {
            self.giant = self.routes.iter().flatten().copied().collect();
        }
        self.penalised = self.distance + penalty * self.excess;
    }

    /// The share of clients whose neighbours differ (HGS-CVRP's
    /// broken-pairs distance).
    pub fn broken_pairs(&self, other: &Individual) -> f64 {
        let n = self.succ.len().saturating_sub(1);
        if n == 0 {
            return 0.0;
        }
        let mut diff = 0usize;
        for j in 1..=n {
            if self.succ[j] != other.succ[j] && self.succ[j] != other.pred[j] {
                diff += 1;
            }
            if self.pred[j] == 0 && other.pred[j] != 0 && other.succ[j] != 0 {
                diff += 1;
            }
        }
        diff as f64 / n as f64
    }
}

/// The ordered crossover: a slice of `a`, the rest in `b`'s order.
fn crossover(a: &[usize], b: &[usize], rng: &mut Rng) -> Vec<usize> {
    let n = a.len();
    if n < 2 {
        return a.to_vec();
    }
    let start = rng.below(n);
    let mut end = rng.below(n);
    while end == start {
        end = rng.below(n);
    }
    let mut seen = vec![false; n + 1];
    let mut child = vec![0; n];
    let mut j = start;
    while j % n != (end + 1) % n {
        child[j % n] = a[j % n];
        seen[a[j % n]] = true;
        j += 1;
    }
    for i in 1..=n {
        let c = b[(end + i) % n];
        if !seen[c] {
            child[j % n] = c;
            j += 1;
        }
    }
    child
}

/// The clients by angle around the depot: a sweep, the classic start.
fn sweep(data: &Data) -> Vec<usize> {
    let mut order: Vec<usize> = (1..=data.n).collect();
    order.sort_by_key(|&c| (data.polar(c), c));
    order
}

/// Improves a new individual by local search and adds it; an infeasible
/// one is, every other time, repaired at ten times the price and added
/// again when that makes it feasible. True when it gave the best feasible
/// solution so far.
fn educate(
    search: &mut LocalSearch<'_>,
    pop: &mut Population,
    rng: &mut Rng,
    mut ind: Individual,
    penalty: f64,
) -> bool {
    search.run(&mut ind, penalty, rng);
    let mut better = pop.add(ind.clone(), true);
    if !ind.feasible() && rng.below(2) == 0 {
        search.run(&mut ind, penalty * 10.0, rng);
        if ind.feasible() {
            better |= pop.add(ind, false);
        }
    }
    better
}

/// Solves `problem` within `budget`, starting from `start` too when given
/// (routes per vehicle, by client index): the best solution that respects
/// every capacity, or `None` when the search found none.
pub fn solve(problem: &Problem, start: Option<&[Vec<usize>]>, budget: &Budget) -> Option<Solution> {
    let n = problem.clients.len();
    let fleet = problem.caps.len();
    if fleet == 0 {
        return (n == 0).then(|| Solution { routes: Vec::new(), distance: 0.0 });
    }
    if n == 0 {
        return Some(Solution { routes: vec![Vec::new(); fleet], distance: 0.0 });
    }
    let data = Data::new(problem);
    let mut rng = Rng::new(budget.seed);
    let max_dist = (0..=n).map(|i| data.d(0, i)).fold(0.0, f64::max);
    let max_demand = data.demand.iter().copied().max().unwrap_or(1).max(1);
    let mut penalty = (max_dist / f64::from(max_demand)).clamp(0.1, 1_000.0);
    let mut search = LocalSearch::new(&data);
    let mut pop = Population::new(PARAMS.mu, PARAMS.lambda, PARAMS.elite, PARAMS.close);
    let over = |budget: &Budget| budget.deadline.is_some_and(|d| Instant::now() >= d);

    // A way to place every client within capacity, when the caller has
    // one, is kept whatever the search finds: the plan never gets worse
    // than a packing that fits.
    if let Some(routes) = start {
        let mut routes: Vec<Vec<usize>> = routes.iter().map(|r| r.iter().map(|&c| c + 1).collect()).collect();
        routes.resize(fleet, Vec::new());
        let mut ind = Individual::new(Vec::new(), routes, &data, penalty);
        // A high price keeps it within capacity while it improves.
        search.run(&mut ind, 1e9, &mut rng);
        ind.evaluate(&data, penalty);
        pop.add(ind, false);
    }
    educate(&mut search, &mut pop, &mut rng, split::individual(&data, sweep(&data), penalty), penalty);
    // Fewer random starts for a large pool: each costs a whole local search.
    let initial = (4 * PARAMS.mu).min((10_000 / n).max(2));
    for _ in 0..initial {
        if over(budget) {
            break;
        }
        let mut giant: Vec<usize> = (1..=n).collect();
        rng.shuffle(&mut giant);
        educate(&mut search, &mut pop, &mut rng, split::individual(&data, giant, penalty), penalty);
    }
    let mut stale = 0;
    for iteration in 1..=budget.iterations {
        if stale >= budget.stale || over(budget) || pop.len() < 2 {
            break;
        }
        let (a, b) = (pop.tournament(&mut rng), pop.tournament(&mut rng));
        let child = crossover(&pop.get(a).giant, &pop.get(b).giant, &mut rng);
        let better = educate(&mut search, &mut pop, &mut rng, split::individual(&data, child, penalty), penalty);
        stale = if better { 0 } else { stale + 1 };
        if iteration % 100 == 0 {
            penalty = pop.manage_penalty(penalty, PARAMS.target_feasible);
        }
    }
    pop.best().map(|best| Solution {
        routes: best.routes.iter().map(|r| r.iter().map(|&c| c - 1).collect()).collect(),
        distance: best.distance,
    })
}
