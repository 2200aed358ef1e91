//! Two sub-populations (feasible and not), each sorted by penalised cost,
//! trimmed by a fitness that weighs cost rank against diversity rank
//! (HGS-CVRP's biased fitness), and the best feasible solution seen.

use super::{Individual, Rng};

struct Member {
    ind: Individual,
    /// Distances to the others of its sub-population, nearest first.
    near: Vec<(f64, u64)>,
    id: u64,
    fitness: f64,
}

#[derive(Default)]
struct Sub {
    members: Vec<Member>,
}

impl Sub {
    fn diversity(&self, m: &Member, close: usize) -> f64 {
        let k = close.min(m.near.len());
        if k == 0 {
            return 0.0;
        }
        m.near[..k].iter().map(|x| x.0).sum::<f64>() / k as f64
    }

    fn update_fitness(&mut self, elite: usize, close: usize) {
        let size = self.members.len();
        if size <= 1 {
            if let Some(m) = self.members.first_mut() {
                m.fitness = 0.0;
            }
            return;
        }
        // Most diverse first; members are already by cost.
        let mut ranking: Vec<(f64, usize)> = (0..size).map(|i| (-self.diversity(&self.members[i], close), i)).collect();
        ranking.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let denom = (size - 1) as f64;
        for (div_rank, &(_, i)) in ranking.iter().enumerate() {
            let div = div_rank as f64 / denom;
            let fit = i as f64 / denom;
            self.members[i].fitness = if size <= elite { fit } else { fit + (1.0 - elite as f64 / size as f64) * div };
        }
    }

    fn insert(&mut self, ind: Individual, id: u64) {
        let mut near = Vec::with_capacity(self.members.len());
        for m in &mut self.members {
            let d = ind.broken_pairs(&m.ind);
            let at = m.near.partition_point(|x| x.0 <= d);
            m.near.insert(at, (d, id));
            near.push((d, m.id));
        }
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let at = self.members.partition_point(|m| m.ind.penalised <= ind.penalised);
        self.members.insert(at, Member { ind, near, id, fitness: 0.0 });
    }

    fn remove_worst(&mut self, elite: usize, close: usize) {
        self.update_fitness(elite, close);
        // Never the best; clones first, then the least fit.
        let worst = (1..self.members.len()).max_by(|&a, &b| {
            let clone = |i: usize| self.members[i].near.first().is_some_and(|x| x.0 < 1e-9);
            clone(a).cmp(&clone(b)).then(self.members[a].fitness.total_cmp(&self.members[b].fitness)).then(a.cmp(&b))
        });
        if let Some(w) = worst {
            let gone = self.members.remove(w);
            for m in &mut self.members {
                m.near.retain(|x| x.1 != gone.id);
            }
        }
    }
}

pub(super) struct Population {
    feasible: Sub,
    infeasible: Sub,
    mu: usize,
    lambda: usize,
    elite: usize,
    close: usize,
    next_id: u64,
    best: Option<Individual>,
    /// Whether each of the latest new individuals was feasible.
    recent: Vec<bool>,
}

impl Population {
    pub fn new(mu: usize, lambda: usize, elite: usize, close: usize) -> Self {
        Population {
            feasible: Sub::default(),
            infeasible: Sub::default(),
            mu,
            lambda,
            elite,
            close,
            next_id: 0,
            best: None,
            recent: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.feasible.members.len() + self.infeasible.members.len()
    }

    /// Adds `ind`; true when it is the best feasible solution so far.
    /// `count` records its feasibility for the price of capacity.
    pub fn add(&mut self, ind: Individual, count: bool) -> bool {
        if count {
            self.recent.push(ind.feasible());
            if self.recent.len() > 100 {
                self.recent.remove(0);
            }
        }
        let feasible = ind.feasible();
        let better = feasible && self.best.as_ref().is_none_or(|b| ind.distance < b.distance - 1e-9);
        if better {
            self.best = Some(ind.clone());
        }
        self.next_id += 1;
        let (mu, lambda, elite, close) = (self.mu, self.lambda, self.elite, self.close);
        let sub = if feasible { &mut self.feasible } else { &mut self.infeasible };
        sub.insert(ind, self.next_id);
        if sub.members.len() > mu + lambda {
            while sub.members.len() > mu {
                sub.remove_worst(elite, close);
            }
        }
        better
    }

    pub fn best(&self) -> Option<&Individual> {
        self.best.as_ref()
    }

    /// Member `i` of the union: feasible ones first.
    fn member(&self, i: usize) -> &Member {
        let f = self.feasible.members.len();
        if i < f {
            &self.feasible.members[i]
        } else {
            &self.infeasible.members[i - f]
        }
    }

    pub fn get(&self, i: usize) -> &Individual {
        &self.member(i).ind
    }

    /// The fitter of two members drawn at random.
    pub fn tournament(&mut self, rng: &mut Rng) -> usize {
        self.feasible.update_fitness(self.elite, self.close);
        self.infeasible.update_fitness(self.elite, self.close);
        let size = self.len();
        let (a, b) = (rng.below(size), rng.below(size));
        if self.member(a).fitness <= self.member(b).fitness {
            a
        } else {
            b
        }
    }

    /// A new price of capacity, so about `target` of new individuals are
    /// feasible; the infeasible ones are re-sorted at it.
    pub fn manage_penalty(&mut self, penalty: f64, target: f64) -> f64 {
        if self.recent.is_empty() {
            return penalty;
        }
        let share = self.recent.iter().filter(|&&f| f).count() as f64 / self.recent.len() as f64;
        let next = if share < target - 0.05 {
            (penalty * 1.2).min(100_000.0)
        } else if share > target + 0.05 {
            (penalty * 0.85).max(0.1)
        } else {
            penalty
        };
        for m in &mut self.infeasible.members {
            m.ind.penalised = m.ind.distance + next * m.ind.excess;
        }
        self.infeasible.members.sort_by(|a, b| a.ind.penalised.total_cmp(&b.ind.penalised).then(a.id.cmp(&b.id)));
        next
    }
}
