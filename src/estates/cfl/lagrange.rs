//! Lagrangian branch and bound for the capacitated facility location problem (splittable demand).
//!
//! Relaxing the demand rows `sum_i x_ij = 1` with multipliers `lambda_j` splits the problem by facility: facility
//! `i` is worth opening at `v_i = f_i + min { sum_j (c_ij - lambda_j) x_ij : sum_j d_j x_ij <= s_i, 0 <= x <= 1 }`,
//! a continuous knapsack solved greedily. The valid inequality `sum_i s_i y_i >= sum_j d_j` (enough capacity
//! for all demand) couples the `y` into a knapsack, whose LP relaxation (greedy by `v_i / s_i`) gives the bound
//! `L(lambda) = sum_j lambda_j + sum_i v_i y_i`. Subgradient steps (Held-Karp, step `theta (UB - L) / |g|^2`)
//! raise it; every `L` is a proven lower bound.
//!
//! Incumbents come from the Lagrangian heuristic: the facilities the relaxation opens, topped up by `v_i / s_i`
//! until their capacity covers the demand, costed exactly by the transportation problem ([`super::transport`]).
//! Facilities are fixed by reduced cost (`L0 + |v_i| > UB` fixes `y_i` to its relaxed value, `L0` being the bound
//! without the capacity knapsack), and the search branches on the facility whose relaxed `y` averaged over the
//! last iterations is nearest 1/2, best bound first, children starting from the parent's multipliers. A node with
//! every facility fixed is costed exactly. The search ends proven optimal (every node's bound within the
//! tolerance of the incumbent) or at the time limit with the best bound of the open nodes.

use super::{Instance, Solution, Waiting};
use std::collections::{BinaryHeap, HashSet};
use std::time::Instant;

/// How the search ended.
#[derive(Debug, Clone)]
pub struct Search {
    /// The best plan found, with its cost.
    pub best: Option<Solution>,
    /// A proven lower bound on the optimal cost.
    pub bound: f64,
    /// True when every node was closed (the best plan is optimal within the tolerance).
    pub proven: bool,
    /// Nodes explored.
    pub nodes: usize,
}

/// A node: facility states (`Some(open)` when fixed) and the multipliers to start from.
struct Node {
    fixed: Vec<Option<bool>>,
    lambda: Vec<f64>,
}

/// One evaluation of the relaxation at `lambda`.
struct Relaxed {
    /// The bound with the capacity knapsack.
    bound: f64,
    /// The bound without it (for reduced-cost fixing).
    plain: f64,
    /// `v_i` per facility.
    value: Vec<f64>,
    /// Relaxed `y_i` in [0, 1].
    y: Vec<f64>,
    /// Subgradient `1 - sum_i x_ij y_i` per customer.
    grad: Vec<f64>,
}

/// The facility-major view: per facility, its customers as (customer, cost of all demand, demand).
struct ByFacility {
    arcs: Vec<Vec<(usize, f64, f64)>>,
}

fn relax(inst: &Instance, by: &ByFacility, fixed: &[Option<bool>], lambda: &[f64]) -> Relaxed {
    let m = inst.fixed_cost.len();
    let mut value = vec![0.0; m];
    let mut takes: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m];
    let mut items: Vec<(f64, usize, f64, f64)> = Vec::new();
    for i in 0..m {
        if fixed[i] == Some(false) {
            continue;
        }
        items.clear();
        for &(j, c, d) in &by.arcs[i] {
            let r = c - lambda[j];
            if r < 0.0 {
                items.push((r / d, j, r, d));
            }
        }
        items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut room = inst.capacity[i];
        let mut v = inst.fixed_cost[i];
        for &(_, j, r, d) in &items {
            if room <= 0.0 {
                break;
            }
            let x = (room / d).min(1.0);
            v += r * x;
            room -= x * d;
            takes[i].push((j, x));
        }
        value[i] = v;
    }
    let base: f64 = lambda.iter().sum();
    let mut y = vec![0.0; m];
    let mut plain = base;
    let mut cover = 0.0;
    let mut rest = Vec::new();
    for i in 0..m {
        match fixed[i] {
            Some(false) => {}
            Some(true) => {
                y[i] = 1.0;
                plain += value[i];
                cover += inst.capacity[i];
            }
            None if value[i] < 0.0 => {
                y[i] = 1.0;
                plain += value[i];
                cover += inst.capacity[i];
            }
            None => rest.push(i),
        }
    }
    let mut bound = plain;
    // The capacity knapsack's LP: open the cheapest capacity until the demand is covered.
    if cover < inst.total_demand {
        rest.sort_by(|&a, &b| {
            (value[a] / inst.capacity[a].max(1e-12))
                .total_cmp(&(value[b] / inst.capacity[b].max(1e-12)))
                .then(a.cmp(&b))
        });
        for i in rest {
            if cover >= inst.total_demand {
                break;
            }
            let part = ((inst.total_demand - cover) / inst.capacity[i].max(1e-12)).min(1.0);
            y[i] = part;
            bound += value[i] * part;
            cover += inst.capacity[i] * part;
        }
        if cover < inst.total_demand - 1e-9 {
            // Not enough capacity even with every facility that may open: this node has no plan.
            bound = f64::INFINITY;
        }
    }
    let mut grad = vec![1.0; inst.demand.len()];
    for (i, t) in takes.iter().enumerate() {
        if y[i] > 0.0 {
            for &(j, x) in t {
                grad[j] -= x * y[i];
            }
        }
    }
    Relaxed {
        bound,
        plain,
        value,
        y,
        grad,
    }
}

/// The search state shared by the nodes: incumbent, cached open sets, the clock.
struct State<'a> {
    inst: &'a Instance,
    by: ByFacility,
    best: Option<Solution>,
    /// Open sets already costed (each is costed once).
    tried: HashSet<Vec<bool>>,
    started: Instant,
    limit_s: f64,
    rel_tol: f64,
}

impl State<'_> {
    fn upper(&self) -> f64 {
        self.best.as_ref().map_or(f64::INFINITY, |b| b.cost)
    }

    /// The tolerance under which a node's bound counts as reaching the incumbent.
    fn tol(&self) -> f64 {
        let ub = self.upper();
        if ub.is_finite() {
            self.rel_tol * ub.abs().max(1.0)
        } else {
            0.0
        }
    }

    fn out_of_time(&self) -> bool {
        self.started.elapsed().as_secs_f64() > self.limit_s
    }

    /// Costs an open set exactly (once per set) and keeps it if it is the best so far.
    fn try_open(&mut self, open: Vec<bool>) {
        if !self.tried.insert(open.clone()) {
            return;
        }
        if let Some(s) = self.inst.serve(&open)
            && s.cost < self.upper()
        {
            self.best = Some(s);
        }
    }

    /// The Lagrangian heuristic: the relaxation's open facilities (and the fixed ones), topped up by value per
    /// unit of capacity until they can hold the demand, costed exactly.
    fn heuristic(&mut self, r: &Relaxed, fixed: &[Option<bool>]) {
        let inst = self.inst;
        let m = inst.fixed_cost.len();
        let mut open: Vec<bool> = (0..m)
            .map(|i| fixed[i] == Some(true) || (fixed[i].is_none() && r.y[i] > 0.5))
            .collect();
        let mut cover: f64 = (0..m).filter(|&i| open[i]).map(|i| inst.capacity[i]).sum();
        let mut order: Vec<usize> = (0..m).filter(|&i| !open[i] && fixed[i].is_none()).collect();
        order.sort_by(|&a, &b| {
            (r.value[a] / inst.capacity[a].max(1e-12))
                .total_cmp(&(r.value[b] / inst.capacity[b].max(1e-12)))
        });
        for i in order {
            if cover >= inst.total_demand {
                break;
            }
            open[i] = true;
            cover += inst.capacity[i];
        }
        self.try_open(open);
    }

    /// Subgradient optimisation at a node, from `lambda` (left at the best multipliers found). Returns the best
    /// relaxation seen (its bound is the node's bound) and each facility's relaxed `y` averaged over the
    /// iterations (for branching).
    fn optimise(
        &mut self,
        fixed: &[Option<bool>],
        lambda: &mut Vec<f64>,
        iterations: usize,
    ) -> (Relaxed, Vec<f64>) {
        let m = self.inst.fixed_cost.len();
        let mut best: Option<Relaxed> = None;
        let mut best_lambda = lambda.clone();
        let mut theta = 2.0;
        let mut stale = 0;
        let mut average = vec![0.0; m];
        let mut weight = 0.0;
        for it in 0..iterations {
            let r = relax(self.inst, &self.by, fixed, lambda);
            if !r.bound.is_finite() {
                return (r, average);
            }
            weight += 1.0;
            for (a, y) in average.iter_mut().zip(&r.y) {
                *a += (y - *a) / weight;
            }
            if it % 20 == 0 {
                self.heuristic(&r, fixed);
            }
            let norm: f64 = r.grad.iter().map(|g| g * g).sum();
            let ub = self.upper();
            let stop = r.bound >= ub - self.tol() || norm < 1e-18;
            let target = if ub.is_finite() {
                ub
            } else {
                r.bound + 0.05 * r.bound.abs() + 1.0
            };
            let step = theta * (target - r.bound).max(0.0) / norm.max(1e-18);
            let next: Vec<f64> = lambda
                .iter()
                .zip(&r.grad)
                .map(|(l, g)| l + step * g)
                .collect();
            if best.as_ref().is_none_or(|b| r.bound > b.bound + 1e-12) {
                best_lambda.clone_from(lambda);
                best = Some(r);
                stale = 0;
            } else {
                stale += 1;
                if stale >= 10 {
                    theta /= 2.0;
                    stale = 0;
                }
            }
            if stop || theta < 1e-5 || self.out_of_time() {
                break;
            }
            *lambda = next;
        }
        lambda.clone_from(&best_lambda);
        let best = best.unwrap_or_else(|| relax(self.inst, &self.by, fixed, lambda));
        self.heuristic(&best, fixed);
        (best, average)
    }
}

/// Runs the search for at most `limit_s` seconds; nodes within `rel_tol` (relative) of the incumbent are closed.
pub fn search(inst: &Instance, limit_s: f64, rel_tol: f64) -> Search {
    let m = inst.fixed_cost.len();
    let mut by = ByFacility {
        arcs: vec![Vec::new(); m],
    };
    for (j, arcs) in inst.arcs.iter().enumerate() {
        for a in arcs {
            by.arcs[a.facility].push((j, a.unit_cost * inst.demand[j], inst.demand[j]));
        }
    }
    let mut st = State {
        inst,
        by,
        best: None,
        tried: HashSet::new(),
        started: Instant::now(),
        limit_s,
        rel_tol: rel_tol.max(1e-9),
    };
    // Start from each customer's second-cheapest cost: a customer is worth serving below it.
    let lambda: Vec<f64> = inst
        .arcs
        .iter()
        .zip(&inst.demand)
        .map(|(a, d)| {
            let mut c: Vec<f64> = a.iter().map(|x| x.unit_cost * d).collect();
            c.sort_by(f64::total_cmp);
            c.get(1).or(c.first()).copied().unwrap_or(0.0)
        })
        .collect();
    let mut heap = BinaryHeap::new();
    heap.push(Waiting {
        bound: f64::NEG_INFINITY,
        node: Node {
            fixed: inst.forced.clone(),
            lambda,
        },
    });
    let mut nodes = 0;
    let mut root = true;
    let mut global = f64::NEG_INFINITY;
    while let Some(waiting) = heap.pop() {
        if waiting.bound >= st.upper() - st.tol() {
            continue;
        }
        if st.out_of_time() {
            heap.push(waiting);
            break;
        }
        let (parent, mut node) = (waiting.bound, waiting.node);
        nodes += 1;
        let iterations = if root { 600 } else { 120 };
        let (r, average) = st.optimise(&node.fixed, &mut node.lambda, iterations);
        let bound = r.bound.max(parent);
        if root {
            global = bound;
            root = false;
        }
        if bound >= st.upper() - st.tol() {
            continue;
        }
        // Fix by reduced cost: forcing a facility against its relaxed choice costs at least |v_i| on the plain
        // bound; above the incumbent, the choice is settled for this subtree.
        let ub = st.upper();
        let mut fixed = node.fixed.clone();
        for (f, v) in fixed.iter_mut().zip(&r.value) {
            if f.is_none() && r.plain + v.abs() > ub - st.tol() {
                *f = Some(*v < 0.0);
            }
        }
        let free: Vec<usize> = (0..m).filter(|&i| fixed[i].is_none()).collect();
        if free.is_empty() {
            // Every facility fixed: the transportation problem is this node's exact value.
            let open: Vec<bool> = fixed.iter().map(|f| *f == Some(true)).collect();
            st.try_open(open);
            continue;
        }
        let pick = free
            .iter()
            .copied()
            .min_by(|&a, &b| {
                (average[a] - 0.5)
                    .abs()
                    .total_cmp(&(average[b] - 0.5).abs())
                    .then(a.cmp(&b))
            })
            .expect("free is not empty");
        for open in [true, false] {
            let mut child = fixed.clone();
            child[pick] = Some(open);
            heap.push(Waiting {
                bound,
                node: Node {
                    fixed: child,
                    lambda: node.lambda.clone(),
                },
            });
        }
    }
    let open_bound = heap.iter().map(|n| n.bound).fold(f64::INFINITY, f64::min);
    let proven = heap.is_empty() || open_bound >= st.upper() - st.tol();
    let ub = st.upper();
    // Proven: the incumbent is optimal within the tolerance. Otherwise the open nodes' least bound (never below
    // the root's, never above the incumbent).
    let bound = if proven {
        ub
    } else {
        open_bound.max(global).min(ub)
    };
    Search {
        best: st.best,
        bound,
        proven,
        nodes,
    }
}
