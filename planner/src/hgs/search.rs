//! The local search of HGS-CVRP: every client tries, with each of its
//! granular neighbours, the moves
//!
//! 1. relocate u after v; 2. relocate (u, x) after v; 3. the same reversed;
//! 4. swap u and v; 5. swap (u, x) and v; 6. swap (u, x) and (v, y);
//! 7. 2-opt within a route; 8–9. 2-opt* between routes (both ways),
//!
//! taking the first that lowers the penalised cost, then SWAP* between
//! routes whose sectors around the depot overlap; until nothing improves.
//! Routes are doubly linked lists over node indices: clients 1..=n, then
//! each route's start depot, then each route's end depot.

use super::{Data, Individual, Rng};

const EPS: f64 = 1e-5;

#[derive(Clone, Copy, Default)]
struct Node {
    /// The client (0 for a depot).
    cour: usize,
    prev: usize,
    next: usize,
    route: usize,
    position: usize,
    cum_load: f64,
    /// The latest move count at which this client tried its moves.
    tested: i64,
}

#[derive(Clone, Copy, Default)]
struct Route {
    load: f64,
    penalty: f64,
    customers: usize,
    modified: i64,
    swap_star_tested: i64,
    /// The route's arc around the depot, as [start, end] in 0..65536.
    sector: (i32, i32),
    polar: f64,
}

fn pmod(i: i32) -> i32 {
    i.rem_euclid(65_536)
}

fn sector_overlap(a: (i32, i32), b: (i32, i32)) -> bool {
    pmod(b.0 - a.0) <= pmod(a.1 - a.0) || pmod(a.0 - b.0) <= pmod(b.1 - b.0)
}

fn sector_extend(s: &mut (i32, i32), p: i32) {
    if pmod(p - s.0) > pmod(s.1 - s.0) {
        if pmod(p - s.1) <= pmod(s.0 - p) {
            s.1 = p;
        } else {
            s.0 = p;
        }
    }
}

/// Up to three cheapest places to insert a client into a route.
#[derive(Clone, Copy)]
struct ThreeBest {
    cost: [f64; 3],
    after: [Option<usize>; 3],
}

impl ThreeBest {
    fn new() -> Self {
        ThreeBest { cost: [f64::INFINITY; 3], after: [None; 3] }
    }
    fn add(&mut self, cost: f64, after: usize) {
        if cost >= self.cost[2] {
            return;
        }
        if cost >= self.cost[1] {
            self.cost[2] = cost;
            self.after[2] = Some(after);
        } else if cost >= self.cost[0] {
            self.cost[2] = self.cost[1];
            self.after[2] = self.after[1];
            self.cost[1] = cost;
            self.after[1] = Some(after);
        } else {
            self.cost[2] = self.cost[1];
            self.after[2] = self.after[1];
            self.cost[1] = self.cost[0];
            self.after[1] = self.after[0];
            self.cost[0] = cost;
            self.after[0] = Some(after);
        }
    }
}

pub(super) struct LocalSearch<'a> {
    data: &'a Data,
    nodes: Vec<Node>,
    routes: Vec<Route>,
    penalty: f64,
    moves: i64,
    done: bool,
    order_nodes: Vec<usize>,
    order_routes: Vec<usize>,
    neighbours: Vec<Vec<usize>>,
    /// Per client: the cost of taking it out of its route (SWAP*).
    removal: Vec<f64>,
    /// Per client: cheapest insertions into the route being compared.
    insert: Vec<ThreeBest>,
    /// Each move made: its kind, its predicted and its true change.
    #[cfg(test)]
    pub(super) log: Vec<(&'static str, f64, f64)>,
    #[cfg(test)]
    cost_now: f64,
    // The move under test: u, x = next(u), v, y = next(v).
    u: usize,
    x: usize,
    v: usize,
    y: usize,
}

impl<'a> LocalSearch<'a> {
    pub fn new(data: &'a Data) -> Self {
        let n = data.n;
        let k = data.caps.len();
        LocalSearch {
            data,
            nodes: vec![Node::default(); n + 1 + 2 * k],
            routes: vec![Route::default(); k],
            penalty: 1.0,
            moves: 0,
            done: false,
            order_nodes: (1..=n).collect(),
            order_routes: (0..k).collect(),
            neighbours: data.neighbours.clone(),
            removal: vec![0.0; n + 1],
            insert: vec![ThreeBest::new(); n + 1],
            #[cfg(test)]
            log: Vec::new(),
            #[cfg(test)]
            cost_now: 0.0,
            u: 0,
            x: 0,
            v: 0,
            y: 0,
        }
    }

    fn start_depot(&self, r: usize) -> usize {
        self.data.n + 1 + r
    }
    fn end_depot(&self, r: usize) -> usize {
        self.data.n + 1 + self.routes.len() + r
    }
    fn is_depot(&self, i: usize) -> bool {
        i > self.data.n
    }
    #[inline]
    fn d(&self, a: usize, b: usize) -> f64 {
        self.data.d(self.nodes[a].cour, self.nodes[b].cour)
    }
    fn excess_cost(&self, load: f64, route: usize) -> f64 {
        (load - f64::from(self.data.caps[route])).max(0.0) * self.penalty
    }
    fn demand(&self, i: usize) -> f64 {
        f64::from(self.data.demand[self.nodes[i].cour])
    }

    /// Improves `ind` in place at `penalty` per unit over capacity.
    pub fn run(&mut self, ind: &mut Individual, penalty: f64, rng: &mut Rng) {
        self.penalty = penalty;
        self.load(ind);
        rng.shuffle(&mut self.order_nodes);
        rng.shuffle(&mut self.order_routes);
        for i in 1..=self.data.n {
            if rng.below(self.data.n.clamp(1, 20)) == 0 {
                let mut list = std::mem::take(&mut self.neighbours[i]);
                rng.shuffle(&mut list);
                self.neighbours[i] = list;
            }
        }
        self.done = false;
        let mut loop_id = 0;
        while !self.done {
            if loop_id > 1 {
                self.done = true;
            }
            for k in 0..self.order_nodes.len() {
                let u = self.order_nodes[k];
                let last_tested = self.nodes[u].tested;
                self.nodes[u].tested = self.moves;
                for m in 0..self.neighbours[u].len() {
                    let v = self.neighbours[u][m];
                    let ru = self.nodes[u].route;
                    let rv = self.nodes[v].route;
                    if loop_id == 0 || self.routes[ru].modified.max(self.routes[rv].modified) > last_tested {
                        self.set(u, v);
                        let intra = ru == rv;
                        if self.relocate()
                            || self.relocate_pair(false)
                            || self.relocate_pair(true)
                            || (u <= v && self.swap())
                            || self.swap_pair_one()
                            || (u <= v && self.swap_pairs())
                            || (intra && self.two_opt())
                            || (!intra && self.two_opt_star_reversed())
                            || (!intra && self.two_opt_star())
                        {
                            continue;
                        }
                        // Insertions right after the depot.
                        let pv = self.nodes[v].prev;
                        if self.is_depot(pv) {
                            self.set(u, pv);
                            if self.relocate()
                                || self.relocate_pair(false)
                                || self.relocate_pair(true)
                                || (!intra && self.two_opt_star_reversed())
                                || (!intra && self.two_opt_star())
                            {
                                continue;
                            }
                        }
                    }
                }
                // Moves into an empty route, from the second loop on.
                if loop_id > 0 {
                    if let Some(r) = (0..self.routes.len()).find(|&r| self.routes[r].customers == 0) {
                        let depot = self.start_depot(r);
                        self.set(u, depot);
                        let _ = self.relocate()
                            || self.relocate_pair(false)
                            || self.relocate_pair(true)
                            || self.two_opt_star();
                    }
                }
            }
            for a in 0..self.order_routes.len() {
                let ru = self.order_routes[a];
                let last = self.routes[ru].swap_star_tested;
                self.routes[ru].swap_star_tested = self.moves;
                for b in 0..self.order_routes.len() {
                    let rv = self.order_routes[b];
                    if self.routes[ru].customers > 0
                        && self.routes[rv].customers > 0
                        && ru < rv
                        && (loop_id == 0 || self.routes[ru].modified.max(self.routes[rv].modified) > last)
                        && sector_overlap(self.routes[ru].sector, self.routes[rv].sector)
                    {
                        self.swap_star(ru, rv);
                    }
                }
            }
            loop_id += 1;
        }
        self.export(ind);
    }

    /// The penalised cost of the routes as they stand (tests only).
    #[cfg(test)]
    fn penalised_now(&self) -> f64 {
        let mut total = 0.0;
        for r in 0..self.routes.len() {
            let (mut i, mut load) = (self.start_depot(r), 0.0);
            let end = self.end_depot(r);
            while i != end {
                let next = self.nodes[i].next;
                total += self.d(i, next);
                load += self.demand(next);
                i = next;
            }
            total += self.excess_cost(load, r);
        }
        total
    }

    fn load(&mut self, ind: &Individual) {
        let k = self.routes.len();
        for r in 0..k {
            let (s, e) = (self.start_depot(r), self.end_depot(r));
            self.nodes[s] = Node { cour: 0, route: r, ..Node::default() };
            self.nodes[e] = Node { cour: 0, route: r, ..Node::default() };
            let mut prev = s;
            for &c in ind.routes.get(r).map_or(&[][..], Vec::as_slice) {
                self.nodes[c] = Node { cour: c, route: r, prev, tested: -1, ..Node::default() };
                self.nodes[prev].next = c;
                prev = c;
            }
            self.nodes[prev].next = e;
            self.nodes[e].prev = prev;
            // Closed rings, as HGS-CVRP links them: start.prev = end.
            self.nodes[s].prev = e;
            self.nodes[e].next = s;
            self.update_route(r);
            self.routes[r].swap_star_tested = -1;
        }
        for c in 1..=self.data.n {
            self.nodes[c].tested = -1;
        }
        self.moves = 0;
        for r in 0..k {
            self.routes[r].modified = 0;
        }
        #[cfg(test)]
        {
            self.cost_now = self.penalised_now();
        }
    }

    fn export(&self, ind: &mut Individual) {
        let k = self.routes.len();
        let mut routes = Vec::with_capacity(k);
        for r in 0..k {
            let mut route = Vec::with_capacity(self.routes[r].customers);
            let mut i = self.nodes[self.start_depot(r)].next;
            while !self.is_depot(i) {
                route.push(i);
                i = self.nodes[i].next;
            }
            routes.push(route);
        }
        // The giant tour visits the routes by their angle around the depot.
        let mut by_angle: Vec<usize> = (0..k).collect();
        by_angle.sort_by(|&a, &b| self.routes[a].polar.total_cmp(&self.routes[b].polar).then(a.cmp(&b)));
        ind.giant = by_angle.iter().flat_map(|&r| routes[r].iter().copied()).collect();
        ind.routes = routes;
        ind.evaluate(self.data, self.penalty);
    }

    fn update_route(&mut self, r: usize) {
        let mut place = 0;
        let mut load = 0.0;
        let mut i = self.start_depot(r);
        self.nodes[i].position = 0;
        self.nodes[i].cum_load = 0.0;
        let (mut sx, mut sy) = (0.0, 0.0);
        let mut sector = (0, 0);
        let mut first = true;
        let end = self.end_depot(r);
        while i != end {
            i = self.nodes[i].next;
            place += 1;
            load += self.demand(i);
            self.nodes[i].position = place;
            self.nodes[i].cum_load = load;
            if !self.is_depot(i) {
                let c = self.nodes[i].cour;
                sx += self.data.xy[c][0];
                sy += self.data.xy[c][1];
                let p = self.data.polar(c);
                if first {
                    sector = (p, p);
                    first = false;
                } else {
                    sector_extend(&mut sector, p);
                }
            }
        }
        let customers = place - 1;
        let route = &mut self.routes[r];
        route.load = load;
        route.customers = customers;
        route.modified = self.moves;
        route.sector = sector;
        route.polar = if customers > 0 {
            let c = customers as f64;
            (sy / c - self.data.xy[0][1]).atan2(sx / c - self.data.xy[0][0])
        } else {
            1e30
        };
        self.routes[r].penalty = self.excess_cost(load, r);
    }

    fn set(&mut self, u: usize, v: usize) {
        self.u = u;
        self.x = self.nodes[u].next;
        self.v = v;
        self.y = self.nodes[v].next;
    }

    fn moved(&mut self, ru: usize, rv: usize, _kind: &'static str, _predicted: f64) {
        #[cfg(test)]
        {
            let now = self.penalised_now();
            self.log.push((_kind, _predicted, now - self.cost_now));
            self.cost_now = now;
        }
        self.moves += 1;
        self.done = false;
        self.update_route(ru);
        if rv != ru {
            self.update_route(rv);
        }
    }

    /// Unlinks `a` and links it after `b`.
    fn insert_after(&mut self, a: usize, b: usize) {
        let (ap, an) = (self.nodes[a].prev, self.nodes[a].next);
        self.nodes[ap].next = an;
        self.nodes[an].prev = ap;
        let bn = self.nodes[b].next;
        self.nodes[bn].prev = a;
        self.nodes[a].prev = b;
        self.nodes[a].next = bn;
        self.nodes[b].next = a;
        self.nodes[a].route = self.nodes[b].route;
    }

    /// Exchanges two non-adjacent nodes.
    fn swap_nodes(&mut self, a: usize, b: usize) {
        let (ap, an, ar) = (self.nodes[a].prev, self.nodes[a].next, self.nodes[a].route);
        let (bp, bn, br) = (self.nodes[b].prev, self.nodes[b].next, self.nodes[b].route);
        self.nodes[ap].next = b;
        self.nodes[an].prev = b;
        self.nodes[bp].next = a;
        self.nodes[bn].prev = a;
        self.nodes[a].prev = bp;
        self.nodes[a].next = bn;
        self.nodes[b].prev = ap;
        self.nodes[b].next = an;
        self.nodes[a].route = br;
        self.nodes[b].route = ar;
    }

    /// The penalised change of the move under test, when it improves: the
    /// distance changes by `cost_u` in u's route and `cost_v` in v's, and
    /// `into_u` units of load go from v's route to u's (none within one
    /// route). Between routes, a move whose added distance even removing
    /// both penalties cannot pay for is refused before the loads are priced.
    fn improving(&self, cost_u: f64, cost_v: f64, into_u: f64) -> Option<f64> {
        let (ru, rv) = (self.nodes[self.u].route, self.nodes[self.v].route);
        let total = if ru == rv {
            cost_u + cost_v
        } else {
            let (pen_u, pen_v) = (self.routes[ru].penalty, self.routes[rv].penalty);
            if cost_u + cost_v >= pen_u + pen_v {
                return None;
            }
            cost_u + cost_v + self.excess_cost(self.routes[ru].load + into_u, ru) - pen_u
                + self.excess_cost(self.routes[rv].load - into_u, rv)
                - pen_v
        };
        (total <= -EPS).then_some(total)
    }

    /// Move 1: u after v.
    fn relocate(&mut self) -> bool {
        let (u, x, v, y) = (self.u, self.x, self.v, self.y);
        if u == y || u == v {
            return false;
        }
        let pu = self.nodes[u].prev;
        let cu = self.d(pu, x) - self.d(pu, u) - self.d(u, x);
        let cv = self.d(v, u) + self.d(u, y) - self.d(v, y);
        let (ru, rv) = (self.nodes[u].route, self.nodes[v].route);
        let lu = self.demand(u);
        let Some(total) = self.improving(cu, cv, -lu) else {
            return false;
        };
        self.insert_after(u, v);
        self.moved(ru, rv, "relocate", total);
        true
    }

    /// Moves 2 and 3: (u, x) after v, kept in order or reversed.
    fn relocate_pair(&mut self, reversed: bool) -> bool {
        let (u, x, v, y) = (self.u, self.x, self.v, self.y);
        if u == y || v == x || u == v || self.is_depot(x) {
            return false;
        }
        let pu = self.nodes[u].prev;
        let xx = self.nodes[x].next;
        let (cu, cv) = if reversed {
            (
                self.d(pu, xx) - self.d(pu, u) - self.d(u, x) - self.d(x, xx),
                self.d(v, x) + self.d(x, u) + self.d(u, y) - self.d(v, y),
            )
        } else {
            (self.d(pu, xx) - self.d(pu, u) - self.d(x, xx), self.d(v, u) + self.d(x, y) - self.d(v, y))
        };
        let (ru, rv) = (self.nodes[u].route, self.nodes[v].route);
        let l = self.demand(u) + self.demand(x);
        let Some(total) = self.improving(cu, cv, -l) else {
            return false;
        };
        if reversed {
            self.insert_after(x, v);
            self.insert_after(u, x);
        } else {
            self.insert_after(u, v);
            self.insert_after(x, u);
        }
        self.moved(ru, rv, if reversed { "relocate_pair_reversed" } else { "relocate_pair" }, total);
        true
    }

    /// Move 4: swap u and v.
    fn swap(&mut self) -> bool {
        let (u, x, v, y) = (self.u, self.x, self.v, self.y);
        let pv = self.nodes[v].prev;
        if u == pv || u == y || u == v || self.is_depot(v) {
            return false;
        }
        let pu = self.nodes[u].prev;
        let cu = self.d(pu, v) + self.d(v, x) - self.d(pu, u) - self.d(u, x);
        let cv = self.d(pv, u) + self.d(u, y) - self.d(pv, v) - self.d(v, y);
        let (ru, rv) = (self.nodes[u].route, self.nodes[v].route);
        let (lu, lv) = (self.demand(u), self.demand(v));
        let Some(total) = self.improving(cu, cv, lv - lu) else {
            return false;
        };
        self.swap_nodes(u, v);
        self.moved(ru, rv, "swap", total);
        true
    }

    /// Move 5: swap (u, x) and v.
    fn swap_pair_one(&mut self) -> bool {
        let (u, x, v, y) = (self.u, self.x, self.v, self.y);
        let pv = self.nodes[v].prev;
        if u == pv || x == pv || u == y || u == v || self.is_depot(x) || self.is_depot(v) {
            return false;
        }
        let pu = self.nodes[u].prev;
        let xx = self.nodes[x].next;
        let cu = self.d(pu, v) + self.d(v, xx) - self.d(pu, u) - self.d(x, xx);
        let cv = self.d(pv, u) + self.d(x, y) - self.d(pv, v) - self.d(v, y);
        let (ru, rv) = (self.nodes[u].route, self.nodes[v].route);
        let (l, lv) = (self.demand(u) + self.demand(x), self.demand(v));
        let Some(total) = self.improving(cu, cv, lv - l) else {
            return false;
        };
        self.swap_nodes(u, v);
        self.insert_after(x, u);
        self.moved(ru, rv, "swap_pair_one", total);
        true
    }

    /// Move 6: swap (u, x) and (v, y).
    fn swap_pairs(&mut self) -> bool {
        let (u, x, v, y) = (self.u, self.x, self.v, self.y);
        let pu = self.nodes[u].prev;
        if self.is_depot(x) || self.is_depot(y) || self.is_depot(v) || y == pu || u == y || x == v || u == v {
            return false;
        }
        let xx = self.nodes[x].next;
        if v == xx {
            return false;
        }
        let pv = self.nodes[v].prev;
        let yy = self.nodes[y].next;
        let cu = self.d(pu, v) + self.d(y, xx) - self.d(pu, u) - self.d(x, xx);
        let cv = self.d(pv, u) + self.d(x, yy) - self.d(pv, v) - self.d(y, yy);
        let (ru, rv) = (self.nodes[u].route, self.nodes[v].route);
        let (l, lv) = (self.demand(u) + self.demand(x), self.demand(v) + self.demand(y));
        let Some(total) = self.improving(cu, cv, lv - l) else {
            return false;
        };
        self.swap_nodes(u, v);
        self.swap_nodes(x, y);
        self.moved(ru, rv, "swap_pairs", total);
        true
    }

    /// Move 7: 2-opt inside a route, reversing x..=v.
    fn two_opt(&mut self) -> bool {
        let (u, x, v, y) = (self.u, self.x, self.v, self.y);
        if self.is_depot(v) || self.nodes[u].position >= self.nodes[v].position || x == v {
            return false;
        }
        let cost = self.d(u, v) + self.d(x, y) - self.d(u, x) - self.d(v, y);
        if cost > -EPS {
            return false;
        }
        let mut i = self.nodes[x].next;
        self.nodes[x].prev = i;
        self.nodes[x].next = y;
        while i != v {
            let next = self.nodes[i].next;
            let node = &mut self.nodes[i];
            std::mem::swap(&mut node.next, &mut node.prev);
            i = next;
        }
        self.nodes[v].next = self.nodes[v].prev;
        self.nodes[v].prev = u;
        self.nodes[u].next = v;
        self.nodes[y].prev = x;
        let r = self.nodes[u].route;
        self.moved(r, r, "two_opt", cost);
        true
    }

    /// Move 8: 2-opt* joining u to v and x to y, both routes' ends reversed.
    fn two_opt_star_reversed(&mut self) -> bool {
        let (u, x, v, y) = (self.u, self.x, self.v, self.y);
        let (ru, rv) = (self.nodes[u].route, self.nodes[v].route);
        if ru == rv {
            return false;
        }
        // u's route becomes its head up to u and v's head reversed.
        let (cu, cv) = (self.nodes[u].cum_load, self.nodes[v].cum_load);
        let dist = self.d(u, v) + self.d(x, y) - self.d(u, x) - self.d(v, y);
        let Some(cost) = self.improving(dist, 0.0, cu + cv - self.routes[ru].load) else {
            return false;
        };
        let (depot_u, depot_v) = (self.start_depot(ru), self.start_depot(rv));
        let (end_u, end_v) = (self.end_depot(ru), self.end_depot(rv));
        let depot_v_next = self.nodes[depot_v].next;
        let mut xx = x;
        while !self.is_depot(xx) {
            let node = &mut self.nodes[xx];
            std::mem::swap(&mut node.next, &mut node.prev);
            node.route = rv;
            xx = node.prev;
        }
        let mut vv = v;
        while !self.is_depot(vv) {
            let node = &mut self.nodes[vv];
            std::mem::swap(&mut node.next, &mut node.prev);
            node.route = ru;
            vv = node.next;
        }
        self.nodes[u].next = v;
        self.nodes[v].prev = u;
        self.nodes[x].next = y;
        self.nodes[y].prev = x;
        if self.is_depot(x) {
            self.nodes[end_u].next = depot_u;
            self.nodes[end_u].prev = depot_v_next;
            self.nodes[depot_v_next].next = end_u;
            self.nodes[depot_v].next = y;
            self.nodes[y].prev = depot_v;
        } else if self.is_depot(v) {
            let first = self.nodes[end_u].prev;
            self.nodes[depot_v].next = first;
            self.nodes[first].prev = depot_v;
            self.nodes[depot_v].prev = end_v;
            self.nodes[end_u].prev = u;
            self.nodes[u].next = end_u;
        } else {
            let first = self.nodes[end_u].prev;
            self.nodes[depot_v].next = first;
            self.nodes[first].prev = depot_v;
            self.nodes[end_u].prev = depot_v_next;
            self.nodes[depot_v_next].next = end_u;
        }
        self.moved(ru, rv, "two_opt_star_reversed", cost);
        true
    }

    /// Move 9: 2-opt* joining u to y and v to x.
    fn two_opt_star(&mut self) -> bool {
        let (u, x, v, y) = (self.u, self.x, self.v, self.y);
        let (ru, rv) = (self.nodes[u].route, self.nodes[v].route);
        if ru == rv {
            return false;
        }
        // u's route becomes its head up to u and v's tail after v.
        let (cu, cv) = (self.nodes[u].cum_load, self.nodes[v].cum_load);
        let dist = self.d(u, y) + self.d(v, x) - self.d(u, x) - self.d(v, y);
        let Some(cost) = self.improving(dist, 0.0, cu + self.routes[rv].load - cv - self.routes[ru].load) else {
            return false;
        };
        let (end_u, end_v) = (self.end_depot(ru), self.end_depot(rv));
        let end_u_pred = self.nodes[end_u].prev;
        let mut i = y;
        while !self.is_depot(i) {
            self.nodes[i].route = ru;
            i = self.nodes[i].next;
        }
        let mut i = x;
        while !self.is_depot(i) {
            self.nodes[i].route = rv;
            i = self.nodes[i].next;
        }
        self.nodes[u].next = y;
        self.nodes[y].prev = u;
        self.nodes[v].next = x;
        self.nodes[x].prev = v;
        if self.is_depot(x) {
            let last_v = self.nodes[end_v].prev;
            self.nodes[end_u].prev = last_v;
            self.nodes[last_v].next = end_u;
            self.nodes[v].next = end_v;
            self.nodes[end_v].prev = v;
        } else {
            let last_v = self.nodes[end_v].prev;
            self.nodes[end_u].prev = last_v;
            self.nodes[last_v].next = end_u;
            self.nodes[end_v].prev = end_u_pred;
            self.nodes[end_u_pred].next = end_v;
        }
        self.moved(ru, rv, "two_opt_star", cost);
        true
    }

    /// The cheapest places in route `r2` for each client of route `r1`, and
    /// the cost of taking each out of `r1`.
    fn preprocess(&mut self, r1: usize, r2: usize) {
        let (s1, e1) = (self.start_depot(r1), self.end_depot(r1));
        let (s2, e2) = (self.start_depot(r2), self.end_depot(r2));
        let mut u = self.nodes[s1].next;
        while u != e1 {
            let (p, n) = (self.nodes[u].prev, self.nodes[u].next);
            self.removal[u] = self.d(p, n) - self.d(p, u) - self.d(u, n);
            let mut best = ThreeBest::new();
            let first = self.nodes[s2].next;
            best.add(self.d(s2, u) + self.d(u, first) - self.d(s2, first), s2);
            let mut v = first;
            while v != e2 {
                let vn = self.nodes[v].next;
                best.add(self.d(v, u) + self.d(u, vn) - self.d(v, vn), v);
                v = vn;
            }
            self.insert[u] = best;
            u = self.nodes[u].next;
        }
    }

    /// The cheapest place for `u` in `v`'s route while `v` leaves it.
    fn insert_instead(&self, u: usize, v: usize) -> (f64, usize) {
        let best = &self.insert[u];
        let mut found = None;
        for k in 0..3 {
            if let Some(after) = best.after[k] {
                if after != v && self.nodes[after].next != v {
                    found = Some((best.cost[k], after));
                    break;
                }
            }
        }
        let pv = self.nodes[v].prev;
        let vn = self.nodes[v].next;
        let in_place = self.d(pv, u) + self.d(u, vn) - self.d(pv, vn);
        match found {
            Some((c, after)) if c <= in_place => (c, after),
            _ => (in_place, pv),
        }
    }

    /// SWAP*: exchange u of one route with v of the other, each going to
    /// its best place (not necessarily the other's); or relocate one.
    fn swap_star(&mut self, ru: usize, rv: usize) -> bool {
        self.preprocess(ru, rv);
        self.preprocess(rv, ru);
        let (su, eu) = (self.start_depot(ru), self.end_depot(ru));
        let (sv, ev) = (self.start_depot(rv), self.end_depot(rv));
        let (load_u, load_v) = (self.routes[ru].load, self.routes[rv].load);
        let (pen_u, pen_v) = (self.routes[ru].penalty, self.routes[rv].penalty);
        // (cost, u, v, where u goes, where v goes)
        let mut best: (f64, Option<usize>, Option<usize>, Option<usize>, Option<usize>) =
            (f64::INFINITY, None, None, None, None);
        let mut u = self.nodes[su].next;
        while u != eu {
            let du = self.demand(u);
            let mut v = self.nodes[sv].next;
            while v != ev {
                let dv = self.demand(v);
                let delta_u = self.excess_cost(load_u + dv - du, ru) - pen_u;
                let delta_v = self.excess_cost(load_v + du - dv, rv) - pen_v;
                if delta_u + self.removal[u] + delta_v + self.removal[v] <= 0.0 {
                    let (extra_v, pos_v) = self.insert_instead(v, u);
                    let (extra_u, pos_u) = self.insert_instead(u, v);
                    let cost = delta_u + self.removal[u] + extra_u + delta_v + self.removal[v] + extra_v;
                    if cost < best.0 {
                        best = (cost, Some(u), Some(v), Some(pos_u), Some(pos_v));
                    }
                }
                v = self.nodes[v].next;
            }
            u = self.nodes[u].next;
        }
        // Relocations either way, which SWAP* does not cover.
        for (from, to, load_from, load_to, pen_from, pen_to, start, end) in
            [(ru, rv, load_u, load_v, pen_u, pen_v, su, eu), (rv, ru, load_v, load_u, pen_v, pen_u, sv, ev)]
        {
            let mut a = self.nodes[start].next;
            while a != end {
                let da = self.demand(a);
                if let Some(after) = self.insert[a].after[0] {
                    let cost = self.removal[a] + self.insert[a].cost[0] + self.excess_cost(load_from - da, from)
                        - pen_from
                        + self.excess_cost(load_to + da, to)
                        - pen_to;
                    if cost < best.0 {
                        best = (cost, Some(a), None, Some(after), None);
                    }
                }
                a = self.nodes[a].next;
            }
        }
        if best.0 > -EPS {
            return false;
        }
        if let (Some(u), Some(pos)) = (best.1, best.3) {
            self.insert_after(u, pos);
        }
        if let (Some(v), Some(pos)) = (best.2, best.4) {
            self.insert_after(v, pos);
        }
        self.moved(ru, rv, "swap_star", best.0);
        true
    }
}
