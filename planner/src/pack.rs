//! Which blocks fit in the couriers' room: a bin-packing question, decided
//! before any route is drawn, so no card is left out that fits.
//!
//! Best-fit decreasing answers almost every real day at once; when it
//! leaves something out although the room is there, a depth-first search
//! over the same order (largest first, bins of equal room tried once,
//! pruned by the room left) looks for a packing that holds everything,
//! within `MAX_NODES` steps. Only when neither finds one are blocks left
//! out, the smallest last-placed ones, so as many cards as possible go.

/// Search steps at most for the exact packing.
const MAX_NODES: usize = 5_000_000;

/// A packing: the items each bin holds, and the items left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packing {
    pub bins: Vec<Vec<usize>>,
    pub left: Vec<usize>,
}

/// Packs items of `sizes` into bins of room `caps`.
pub fn pack(sizes: &[usize], caps: &[usize]) -> Packing {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let greedy = best_fit(sizes, caps, &order);
    let total: usize = sizes.iter().sum();
    if greedy.left.is_empty() || total > caps.iter().sum::<usize>() {
        return greedy;
    }
    // Smallest rooms first has the fewest choices early; a few packings
    // that defeat it fall at once the other way round.
    for smallest_first in [true, false] {
        if let Some(bins) = exact(sizes, caps, &order, smallest_first) {
            return Packing { bins, left: Vec::new() };
        }
    }
    greedy
}

fn best_fit(sizes: &[usize], caps: &[usize], order: &[usize]) -> Packing {
    let mut room = caps.to_vec();
    let mut bins = vec![Vec::new(); caps.len()];
    let mut left = Vec::new();
    for &i in order {
        let fit = (0..room.len()).filter(|&b| room[b] >= sizes[i]).min_by_key(|&b| (room[b], b));
        match fit {
            Some(b) => {
                room[b] -= sizes[i];
                bins[b].push(i);
            }
            None => left.push(i),
        }
    }
    left.sort_unstable();
    Packing { bins, left }
}

/// Bin completion (Korf 2002) over the distinct sizes: bins are filled one
/// at a time, smallest room first (fewest choices), each with a multiset of the sizes left
/// whose waste still fits in the slack (the room beyond the items' total).
fn exact(sizes: &[usize], caps: &[usize], order: &[usize], smallest_first: bool) -> Option<Vec<Vec<usize>>> {
    let mut distinct: Vec<usize> = order.iter().map(|&i| sizes[i]).collect();
    distinct.dedup();
    let mut counts: Vec<usize> = distinct.iter().map(|&d| order.iter().filter(|&&i| sizes[i] == d).count()).collect();
    let mut bins: Vec<usize> = (0..caps.len()).collect();
    bins.sort_by_key(|&b| (caps[b], b));
    if !smallest_first {
        bins.reverse();
    }
    let total: usize = sizes.iter().sum();
    let slack = caps.iter().sum::<usize>().checked_sub(total)?;
    let mut s = Completion {
        distinct: &distinct,
        caps: bins.iter().map(|&b| caps[b]).collect(),
        taken: vec![vec![0; distinct.len()]; caps.len()],
        nodes: 0,
        failed: std::collections::HashSet::new(),
    };
    if !s.bin(&mut counts, 0, slack)? {
        return None;
    }
    // Counts back to items: each size's items in order.
    let mut pools: Vec<Vec<usize>> =
        distinct.iter().map(|&d| order.iter().copied().filter(|&i| sizes[i] == d).collect()).collect();
    let mut out = vec![Vec::new(); caps.len()];
    for (slot, &b) in bins.iter().enumerate() {
        for (k, &t) in s.taken[slot].iter().enumerate() {
            for _ in 0..t {
                out[b].extend(pools[k].pop());
            }
        }
    }
    Some(out)
}

struct Completion<'a> {
    distinct: &'a [usize],
    caps: Vec<usize>,
    /// How many of each size each bin (by slot) holds.
    taken: Vec<Vec<usize>>,
    nodes: usize,
    failed: std::collections::HashSet<(usize, Vec<usize>)>,
}

impl Completion<'_> {
    /// Fills bin `slot` and the ones after it; `None` past the step limit.
    fn bin(&mut self, counts: &mut [usize], slot: usize, slack: usize) -> Option<bool> {
        if counts.iter().all(|&c| c == 0) {
            return Some(true);
        }
        if slot == self.caps.len() || self.failed.contains(&(slot, counts.to_vec())) {
            return Some(false);
        }
        let room = self.caps[slot];
        // A bin like the one before takes no "larger" multiset than it:
        // the same packing is not tried with the two bins swapped.
        let same = slot > 0 && self.caps[slot - 1] == room;
        let found = self.fill(counts, slot, 0, room, slack, same);
        if found == Some(false) {
            // What is left cannot go in these bins, however it was reached.
            self.failed.insert((slot, counts.to_vec()));
        }
        found
    }

    /// Chooses how many of size `k` (and those after) go in bin `slot`,
    /// with `room` left in it.
    fn fill(
        &mut self,
        counts: &mut [usize],
        slot: usize,
        k: usize,
        room: usize,
        slack: usize,
        bound: bool,
    ) -> Option<bool> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return None;
        }
        if k == self.distinct.len() {
            // What is left in this bin is wasted.
            return if room <= slack { self.bin(counts, slot + 1, slack - room) } else { Some(false) };
        }
        // Not enough items left to fill the bin within the slack.
        let available: usize = (k..self.distinct.len()).map(|j| counts[j] * self.distinct[j]).sum();
        if available + slack < room {
            return Some(false);
        }
        let size = self.distinct[k];
        let mut most = counts[k].min(room / size);
        if bound {
            most = most.min(self.taken[slot - 1][k]);
        }
        for t in (0..=most).rev() {
            counts[k] -= t;
            self.taken[slot][k] = t;
            let still = bound && t == self.taken[slot - 1][k];
            let found = self.fill(counts, slot, k + 1, room - t * size, slack, still);
            counts[k] += t;
            self.taken[slot][k] = 0;
            match found {
                Some(false) => {}
                Some(true) => {
                    self.taken[slot][k] = t;
                    return Some(true);
                }
                None => return None,
            }
        }
        Some(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(p: &Packing, sizes: &[usize], caps: &[usize]) {
        let mut all: Vec<usize> = p.bins.iter().flatten().chain(&p.left).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..sizes.len()).collect::<Vec<_>>());
        for (b, items) in p.bins.iter().enumerate() {
            assert!(items.iter().map(|&i| sizes[i]).sum::<usize>() <= caps[b]);
        }
    }

    #[test]
    fn a_packing_best_fit_misses_is_found_by_the_search() {
        // Best fit decreasing puts 4 with 5 and has no room for the last
        // 2: 5+3+2 | 4+4+2 is the way.
        let sizes = [5, 4, 4, 3, 2, 2];
        let caps = [10, 10];
        let order: Vec<usize> = (0..sizes.len()).collect();
        assert_eq!(best_fit(&sizes, &caps, &order).left, vec![5]);
        let p = pack(&sizes, &caps);
        check(&p, &sizes, &caps);
        assert!(p.left.is_empty(), "{p:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]
        /// Items made by cutting each bin's room into pieces always fit.
        #[test]
        fn items_cut_from_the_bins_always_fit(
            caps in proptest::collection::vec(1usize..60, 1..12),
            cuts in proptest::collection::vec(proptest::collection::vec(0.0f64..1.0, 0..8), 12),
            seed in 0u64..1_000,
        ) {
            let mut sizes = Vec::new();
            for (b, &cap) in caps.iter().enumerate() {
                let mut points: Vec<usize> = cuts[b].iter().map(|f| (f * cap as f64) as usize).filter(|&p| p > 0 && p < cap).collect();
                points.sort_unstable();
                points.dedup();
                let mut last = 0;
                for p in points.into_iter().chain(std::iter::once(cap)) {
                    sizes.push(p - last);
                    last = p;
                }
            }
            // Shuffle, so the pieces do not come bin by bin.
            let mut rng = seed;
            for i in (1..sizes.len()).rev() {
                rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                sizes.swap(i, (rng >> 33) as usize % (i + 1));
            }
            let p = pack(&sizes, &caps);
            check(&p, &sizes, &caps);
            prop_assert!(p.left.is_empty(), "{:?} into {:?}: {:?}", sizes, caps, p);
        }
    }
}
