//! Between routes: once each courier has a load, blocks with true
//! geometry (every card pinned at the door or placed by the print batch)
//! move to the courier whose tour they lengthen least — one to three in a
//! row (relocate, Or-opt between routes), two traded (exchange), or whole
//! tails traded between two routes (2-opt*) — while the total closed
//! length falls and no courier goes over the cap. Blocks placed only at the
//! centre of their RT or kelurahan, or not at all, stay where the address
//! hierarchy put them: geometry takes over only as far as pins reach.
//!
//! Each route is a closed tour over its blocks' centres; a move is judged
//! by its removal and cheapest-insertion deltas on those tours, so a pass
//! over 700 cards costs a few milliseconds.

use super::geo::{self, distance_m, Point};
use super::{Block, Located};

/// The slack below which a change is not worth making (metres).
const EPS: f64 = 1e-6;
const MAX_PASSES: usize = 200;
/// Blocks beyond which the moves are not tried: the distance matrix would
/// pass 18 MB and a pass 50 ms. A pool that large (the API takes 5,000
/// cards) keeps the sweep's partition.
pub const MAX_BLOCKS: usize = 1_500;
/// A pass looks at about blocks² pairs; passes stop when they add up to
/// this many (deterministic, unlike a clock), whether or not they still
/// find something: ~0.3 s on this machine.
const WORK: usize = 50_000_000;
/// The longest run of consecutive blocks moved at once.
const MAX_RUN: usize = 3;

struct Tour {
    /// Indices into the route's blocks, in visiting order.
    order: Vec<usize>,
    size: usize,
    /// Changed since its order was last improved.
    changed: bool,
}

fn movable(b: &Block) -> bool {
    b.stops.iter().all(|s| matches!(s.located, Located::Pin | Located::Batch))
}

/// Moves located blocks between `loads` to shorten the sum of the closed
/// tours from `office`; no load grows past its cap (`caps`, one per load).
/// Deterministic.
pub fn improve(loads: &mut [Vec<Block>], office: Point, caps: &[usize]) {
    let blocks: usize = loads.iter().map(Vec::len).sum();
    if loads.len() < 2 || blocks > MAX_BLOCKS {
        return;
    }
    let passes = MAX_PASSES.min(WORK / (blocks * blocks).max(1)).max(1);
    // Every block, wherever it is, by one index; routes hold indices.
    let mut pool: Vec<Option<Block>> = Vec::new();
    let mut centre: Vec<Option<Point>> = Vec::new();
    let mut can_move: Vec<bool> = Vec::new();
    let mut home: Vec<usize> = Vec::new();
    let mut tours: Vec<Tour> = Vec::new();
    for (r, load) in loads.iter_mut().enumerate() {
        let mut located = Vec::new();
        let mut size = 0;
        for b in load.drain(..) {
            size += b.stops.len();
            let id = pool.len();
            home.push(r);
            centre.push(b.centre());
            can_move.push(movable(&b));
            if b.centre().is_some() {
                located.push(id);
            }
            pool.push(Some(b));
        }
        let points: Vec<Point> = located.iter().filter_map(|&i| centre[i]).collect();
        let order = geo::tour(office, &points).into_iter().map(|k| located[k]).collect();
        tours.push(Tour { order, size, changed: false });
    }
    let at = |i: usize| centre[i].unwrap_or(office);
    // Every distance the search asks for, computed once: blocks by index,
    // the office last.
    let m = pool.len() + 1;
    let point = |i: usize| if i == m - 1 { office } else { at(i) };
    let matrix: Vec<f64> = (0..m * m).map(|x| distance_m(point(x / m), point(x % m))).collect();
    let distance_m = |a: usize, b: usize| matrix[a * m + b];
    let pt = |t: &Tour, k: isize| -> usize {
        if k < 0 || k as usize >= t.order.len() {
            m - 1
        } else {
            t.order[k as usize]
        }
    };
    let size_of = |pool: &[Option<Block>], i: usize| pool[i].as_ref().map_or(0, |b| b.stops.len());

    for _ in 0..passes {
        let mut improved = false;
        // Relocate: a run of one to three consecutive movable blocks to the
        // route and place where it costs least, either way round.
        for a in 0..tours.len() {
            let mut k = 0;
            while k < tours[a].order.len() {
                let mut best: Option<(usize, usize, usize, bool, f64)> = None;
                for run in 1..=MAX_RUN.min(tours[a].order.len() - k) {
                    let segment = &tours[a].order[k..k + run];
                    if !segment.iter().all(|&x| can_move[x]) {
                        break;
                    }
                    let (first, last) = (segment[0], segment[run - 1]);
                    let (prev, next) = (pt(&tours[a], k as isize - 1), pt(&tours[a], (k + run) as isize));
                    let saved = distance_m(prev, first) + distance_m(last, next) - distance_m(prev, next);
                    let need: usize = segment.iter().map(|&x| size_of(&pool, x)).sum();
                    for (b, tour) in tours.iter().enumerate() {
                        if b == a || tour.size + need > caps[b] {
                            continue;
                        }
                        for slot in 0..=tour.order.len() {
                            let s = slot as isize;
                            let (p, n) = (pt(tour, s - 1), pt(tour, s));
                            let forward = distance_m(p, first) + distance_m(last, n);
                            let backward = distance_m(p, last) + distance_m(first, n);
                            let (added, reversed) =
                                if backward < forward { (backward, true) } else { (forward, false) };
                            let delta = added - distance_m(p, n) - saved;
                            if delta < -EPS && best.is_none_or(|(.., d)| delta < d) {
                                best = Some((run, b, slot, reversed, delta));
                            }
                        }
                    }
                }
                match best {
                    Some((run, b, slot, reversed, _)) => {
                        let mut segment: Vec<usize> = tours[a].order.drain(k..k + run).collect();
                        if reversed {
                            segment.reverse();
                        }
                        let need: usize = segment.iter().map(|&x| size_of(&pool, x)).sum();
                        tours[a].size -= need;
                        tours[b].size += need;
                        tours[b].order.splice(slot..slot, segment);
                        tours[a].changed = true;
                        tours[b].changed = true;
                        improved = true;
                    }
                    None => k += 1,
                }
            }
        }
        // Exchange: two blocks of two routes trade places.
        for a in 0..tours.len() {
            for b in a + 1..tours.len() {
                for ka in 0..tours[a].order.len() {
                    let i = tours[a].order[ka];
                    if !can_move[i] {
                        continue;
                    }
                    let (pa, na) = (pt(&tours[a], ka as isize - 1), pt(&tours[a], ka as isize + 1));
                    let out_i = distance_m(pa, i) + distance_m(i, na);
                    let mut best: Option<(usize, f64)> = None;
                    for kb in 0..tours[b].order.len() {
                        let j = tours[b].order[kb];
                        if !can_move[j] {
                            continue;
                        }
                        let (si, sj) = (size_of(&pool, i), size_of(&pool, j));
                        if tours[a].size - si + sj > caps[a] || tours[b].size - sj + si > caps[b] {
                            continue;
                        }
                        let (pb, nb) = (pt(&tours[b], kb as isize - 1), pt(&tours[b], kb as isize + 1));
                        let delta =
                            distance_m(pa, j) + distance_m(j, na) - out_i + distance_m(pb, i) + distance_m(i, nb)
                                - distance_m(pb, j)
                                - distance_m(j, nb);
                        if delta < -EPS && best.is_none_or(|(_, d)| delta < d) {
                            best = Some((kb, delta));
                        }
                    }
                    if let Some((kb, _)) = best {
                        let j = tours[b].order[kb];
                        let (si, sj) = (size_of(&pool, i), size_of(&pool, j));
                        tours[a].order[ka] = j;
                        tours[b].order[kb] = i;
                        tours[a].size = tours[a].size - si + sj;
                        tours[b].size = tours[b].size - sj + si;
                        tours[a].changed = true;
                        tours[b].changed = true;
                        improved = true;
                    }
                }
            }
        }
        // 2-opt*: two routes trade their tails (a route's stops after one
        // point for the other's after another), where both stay under the
        // cap and every block in the tails may move.
        for a in 0..tours.len() {
            for b in a + 1..tours.len() {
                let mut best: Option<(usize, usize, f64)> = None;
                let (ta, tb) = (&tours[a], &tours[b]);
                // Cut after position i (0 = at the office).
                let tail_size =
                    |t: &Tour, from: usize| t.order[from..].iter().map(|&x| size_of(&pool, x)).sum::<usize>();
                let tail_moves = |t: &Tour, from: usize| t.order[from..].iter().all(|&x| can_move[x]);
                for i in 0..=ta.order.len() {
                    if !tail_moves(ta, i) {
                        continue;
                    }
                    let (ai, an) = (pt(ta, i as isize - 1), pt(ta, i as isize));
                    let a_tail = tail_size(ta, i);
                    for j in 0..=tb.order.len() {
                        if (i == ta.order.len() && j == tb.order.len()) || !tail_moves(tb, j) {
                            continue;
                        }
                        let b_tail = tail_size(tb, j);
                        if ta.size - a_tail + b_tail > caps[a] || tb.size - b_tail + a_tail > caps[b] {
                            continue;
                        }
                        let (bj, bn) = (pt(tb, j as isize - 1), pt(tb, j as isize));
                        let delta = distance_m(ai, bn) + distance_m(bj, an) - distance_m(ai, an) - distance_m(bj, bn);
                        if delta < -EPS && best.is_none_or(|(_, _, d)| delta < d) {
                            best = Some((i, j, delta));
                        }
                    }
                }
                if let Some((i, j, _)) = best {
                    let a_tail: Vec<usize> = tours[a].order.split_off(i);
                    let b_tail: Vec<usize> = tours[b].order.split_off(j);
                    let (sa, sb) = (
                        a_tail.iter().map(|&x| size_of(&pool, x)).sum::<usize>(),
                        b_tail.iter().map(|&x| size_of(&pool, x)).sum::<usize>(),
                    );
                    tours[a].order.extend(b_tail);
                    tours[b].order.extend(a_tail);
                    tours[a].size = tours[a].size - sa + sb;
                    tours[b].size = tours[b].size - sb + sa;
                    tours[a].changed = true;
                    tours[b].changed = true;
                    improved = true;
                }
            }
        }
        // Each changed tour re-ordered, kept only where it is shorter.
        for tour in tours.iter_mut().filter(|t| t.changed) {
            tour.changed = false;
            let points: Vec<Point> = tour.order.iter().map(|&i| at(i)).collect();
            let fresh: Vec<usize> = geo::tour(office, &points).into_iter().map(|k| tour.order[k]).collect();
            let len = |o: &[usize]| {
                o.iter().zip(o.iter().skip(1)).map(|(&x, &y)| distance_m(x, y)).sum::<f64>()
                    + o.first().map_or(0.0, |&x| distance_m(m - 1, x) + distance_m(*o.last().unwrap_or(&x), m - 1))
            };
            if len(&fresh) < len(&tour.order) - EPS {
                tour.order = fresh;
            }
        }
        if !improved {
            break;
        }
    }
    // Back into loads: each route's located blocks in tour order, then its
    // unlocated ones (which never move) in the order they came.
    for (load, tour) in loads.iter_mut().zip(&tours) {
        load.extend(tour.order.iter().filter_map(|&i| pool[i].take()));
    }
    for (i, slot) in pool.iter_mut().enumerate() {
        if let Some(b) = slot.take() {
            loads[home[i]].push(b);
        }
    }
}
