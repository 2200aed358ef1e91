//! The split: the best way to cut a giant tour into at most one route per
//! vehicle, keeping its order (Prins 2004; Vidal 2016 for the limited
//! fleet). A route may carry up to half again the largest capacity, at the
//! search's price per unit over; routes are then given to the vehicles,
//! the heaviest to the largest.

use super::{Data, Individual};

/// `giant` cut into routes, evaluated at `penalty`.
pub(super) fn individual(data: &Data, giant: Vec<usize>, penalty: f64) -> Individual {
    let routes = split(data, &giant, penalty);
    let mut ind =
        Individual { giant, routes, distance: 0.0, excess: 0.0, penalised: 0.0, succ: Vec::new(), pred: Vec::new() };
    ind.evaluate(data, penalty);
    ind
}

/// Routes for each vehicle (some empty).
pub(super) fn split(data: &Data, giant: &[usize], penalty: f64) -> Vec<Vec<usize>> {
    let n = giant.len();
    let fleet = data.caps.len();
    let cap = f64::from(data.cap_max);
    let limit = 1.5 * cap;
    // Prefix sums along the tour: distance between consecutive clients and
    // load.
    let mut along = vec![0.0; n + 1];
    let mut load = vec![0.0; n + 1];
    for i in 1..=n {
        load[i] = load[i - 1] + f64::from(data.demand[giant[i - 1]]);
        if i > 1 {
            along[i] = along[i - 1] + data.d(giant[i - 2], giant[i - 1]);
        }
    }
    // The cost of one route serving giant[i..j] (positions i+1..=j).
    let cost = |i: usize, j: usize| -> f64 {
        let first = giant[i];
        let last = giant[j - 1];
        let dist = data.d(0, first) + (along[j] - along[i + 1]) + data.d(last, 0);
        let over = (load[j] - load[i] - cap).max(0.0);
        dist + penalty * over
    };
    // best[k][j]: giant[..j] in k routes.
    let inf = f64::INFINITY;
    let mut best = vec![vec![inf; n + 1]; fleet + 1];
    let mut from = vec![vec![0usize; n + 1]; fleet + 1];
    best[0][0] = 0.0;
    for k in 0..fleet {
        for i in k..n {
            if best[k][i] == inf {
                continue;
            }
            for j in i + 1..=n {
                // A route over the soft limit is allowed only when it is a
                // single client (who must go somewhere).
                if load[j] - load[i] > limit && j > i + 1 {
                    break;
                }
                let c = best[k][i] + cost(i, j);
                if c < best[k + 1][j] {
                    best[k + 1][j] = c;
                    from[k + 1][j] = i;
                }
            }
        }
    }
    let k_best = (1..=fleet).filter(|&k| best[k][n] < inf).min_by(|&a, &b| best[a][n].total_cmp(&best[b][n]));
    let mut routes: Vec<Vec<usize>> = Vec::new();
    match k_best {
        Some(mut k) => {
            let mut j = n;
            while k > 0 {
                let i = from[k][j];
                routes.push(giant[i..j].to_vec());
                j = i;
                k -= 1;
            }
            routes.reverse();
        }
        // Too few vehicles even over the soft limit: even cuts.
        None => {
            let per = n.div_ceil(fleet);
            routes = giant.chunks(per.max(1)).map(<[usize]>::to_vec).collect();
        }
    }
    assign(data, routes)
}

/// Routes to vehicles: the heaviest route to the largest capacity.
pub(super) fn assign(data: &Data, mut routes: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let fleet = data.caps.len();
    routes.resize(fleet, Vec::new());
    let weight = |r: &Vec<usize>| r.iter().map(|&c| u64::from(data.demand[c])).sum::<u64>();
    let mut by_load: Vec<usize> = (0..routes.len()).collect();
    by_load.sort_by_key(|&r| (std::cmp::Reverse(weight(&routes[r])), r));
    let mut by_cap: Vec<usize> = (0..fleet).collect();
    by_cap.sort_by_key(|&k| (std::cmp::Reverse(data.caps[k]), k));
    let mut out = vec![Vec::new(); fleet];
    for (&r, &k) in by_load.iter().zip(&by_cap) {
        out[k] = std::mem::take(&mut routes[r]);
    }
    out
}
