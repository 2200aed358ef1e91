//! Great-circle geometry and tour improvement for the planner.

pub use antar_shared::geo::{centre, closed_length, distance_m, Point};

/// The direction from `from` to `to`, in radians (-π, π].
pub fn bearing(from: Point, to: Point) -> f64 {
    (to.lat - from.lat).atan2((to.lon - from.lon) * from.lat.to_radians().cos())
}

/// A visiting order: nearest neighbour from `start`, ties by index.
fn nearest_neighbour(start: Point, points: &[Point]) -> Vec<usize> {
    let mut left: Vec<usize> = (0..points.len()).collect();
    let mut order = Vec::with_capacity(points.len());
    let mut here = start;
    while !left.is_empty() {
        let (k, _) = left
            .iter()
            .enumerate()
            .map(|(k, &i)| (k, distance_m(here, points[i])))
            .fold((0, f64::INFINITY), |best, cur| if cur.1 < best.1 { cur } else { best });
        let i = left.remove(k);
        here = points[i];
        order.push(i);
    }
    order
}

/// 2-opt then Or-opt (moving runs of 1–3 stops), with the change each move
/// makes worked out from the edges it touches, until neither improves.
/// `closed` tours return to `start`.
fn improve(start: Point, points: &[Point], order: &mut Vec<usize>, closed: bool) {
    let n = points.len();
    if n < 3 {
        return;
    }
    // Node n is the start; distances between every pair, once.
    let at = |i: usize| if i == n { start } else { points[i] };
    let d: Vec<Vec<f64>> = (0..=n).map(|i| (0..=n).map(|j| distance_m(at(i), at(j))).collect()).collect();
    let mut seq: Vec<usize> = std::iter::once(n).chain(order.iter().copied()).collect();
    if closed {
        seq.push(n);
    }
    let last = n; // position of the last stop in `seq`
                  // Bounded: every pass that continues has improved the tour.
    for _ in 0..1_000 {
        let mut improved = false;
        for i in 1..last {
            for j in i + 1..=last {
                let next = seq.get(j + 1).copied();
                let delta =
                    d[seq[i - 1]][seq[j]] - d[seq[i - 1]][seq[i]] + next.map_or(0.0, |x| d[seq[i]][x] - d[seq[j]][x]);
                if delta < -1e-7 {
                    seq[i..=j].reverse();
                    improved = true;
                }
            }
        }
        for run in 1..=3usize.min(n - 1) {
            let mut i = 1;
            while i + run - 1 <= last {
                let (first, end) = (seq[i], seq[i + run - 1]);
                let (prev, next) = (seq[i - 1], seq.get(i + run).copied());
                let removed = next.map_or(0.0, |x| d[prev][x] - d[end][x]) - d[prev][first];
                let mut rest: Vec<usize> = seq[..i].to_vec();
                rest.extend_from_slice(&seq[i + run..]);
                let stops_end = if closed { rest.len() - 1 } else { rest.len() };
                let best = (1..=stops_end)
                    .filter(|&k| k != i)
                    .map(|k| {
                        let added = d[rest[k - 1]][first] + rest.get(k).map_or(0.0, |&x| d[end][x] - d[rest[k - 1]][x]);
                        (k, removed + added)
                    })
                    .fold((0, 0.0), |b, c| if c.1 < b.1 { c } else { b });
                if best.1 < -1e-7 {
                    let segment: Vec<usize> = seq[i..i + run].to_vec();
                    rest.splice(best.0..best.0, segment);
                    seq = rest;
                    improved = true;
                }
                i += 1;
            }
        }
        if !improved {
            break;
        }
    }
    *order = seq.into_iter().filter(|&i| i != n).collect();
}

/// A short closed tour from `start` through every point: indices in order.
pub fn tour(start: Point, points: &[Point]) -> Vec<usize> {
    let mut order = nearest_neighbour(start, points);
    improve(start, points, &mut order, true);
    order
}

/// A short open path from `start` through every point: indices in order.
pub fn path(start: Point, points: &[Point]) -> Vec<usize> {
    let mut order = nearest_neighbour(start, points);
    improve(start, points, &mut order, false);
    order
}
