//! Lagrangian branch and bound for the single-source capacitated facility location problem (each team whole at one
//! site: Holmberg, Ronnqvist and Yuan's class, EJOR 113(3), 1999).
//!
//! Relaxing the assignment rows `sum_i x_ij = 1` with multipliers `u_j` splits the problem by facility: facility
//! `i` is worth `v_i = f_i - K_i(u)`, where `K_i(u)` is the best total of `u_j - c_ij` over a set of customers that
//! fits its capacity, a 0/1 knapsack solved exactly by dynamic programming over whole capacities (the splittable
//! strategy, [`super::lagrange`], has a continuous one). The valid row `sum_i s_i y_i >= sum_j d_j` couples the
//! facilities into a covering knapsack, also solved exactly, which gives the bound
//! `L(u) = sum_j u_j + min { sum_i v_i y_i : sum_i s_i y_i >= D, decided sites held }`. Subgradient steps raise it;
//! every `L(u)` is a proven lower bound, whatever `u`. A customer left with one arc is forced there: its cost is
//! fixed, its demand taken from the facility's capacity, and the facility kept.
//!
//! Incumbents come from the Lagrangian heuristic: the facilities the relaxation opens, each customer placed where
//! the relaxation's knapsacks put it when there is room, the rest by regret, then improved by moving and swapping
//! customers. With an incumbent of cost `U`, every node's best multipliers fix what no plan cheaper than `U` can
//! use: an arc `(i, j)` whose forced use (facility `i` open with `j` in its knapsack, the rest re-chosen) lifts the
//! bound above `U`, and a facility whose opening does. Exact, not a heuristic: every plan at least as good as the
//! incumbent keeps the fixings.
//!
//! The search is best bound first, children starting from their parent's multipliers. It branches on facilities
//! first (the undecided one whose value is nearest zero, open in one child, closed in the other), which settles
//! the open set quickly (Holmberg p30, 30 x 150: 131 nodes where branching on customers alone left a 1% gap after
//! 1,163), then on a customer the relaxation serves other than once (at its best arc, or kept from it).

use super::{Instance, Waiting};
use crate::solve::is_whole;
use std::collections::BinaryHeap;
use std::time::Instant;

/// The instance in whole numbers, facility-major.
struct Whole {
    /// Per customer, its demand.
    demand: Vec<usize>,
    /// The sum of the demands.
    total: usize,
    /// Per facility, its capacity.
    capacity: Vec<usize>,
    /// Per facility: (customer, arc index in the customer's list, cost of serving all of it there).
    by_facility: Vec<Vec<(usize, usize, f64)>>,
    /// Per customer: (facility, cost of serving all of it there), in the instance's arc order.
    by_customer: Vec<Vec<(usize, f64)>>,
}

/// A single-source plan: each customer's facility, with the plan's cost (the instance's constant included).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Per customer, the facility serving all of it.
    pub facility: Vec<usize>,
    /// The plan's cost.
    pub cost: f64,
}

/// How the search ended.
#[derive(Debug, Clone)]
pub struct Search {
    /// The best plan found.
    pub best: Option<Assignment>,
    /// A proven lower bound on every plan's cost.
    pub bound: f64,
    /// Every node was closed: the best plan is optimal (or, without one, no plan exists).
    pub proven: bool,
    /// Nodes evaluated.
    pub nodes: usize,
    /// The root's bound, and the arcs its fixing left of all.
    pub root: (f64, usize, usize),
}

/// A node of the search: which arcs may still be used and which facilities are decided.
#[derive(Debug, Clone)]
struct State {
    /// Per customer, per arc (the instance's order): may be used.
    allowed: Vec<Vec<bool>>,
    /// Per facility: `Some(open)` once decided.
    open: Vec<Option<bool>>,
}

/// A node waiting in the search: its state and the multipliers to start from.
struct Node {
    state: State,
    u: Vec<f64>,
}

/// Most knapsack cells (items x capacity) one evaluation may fill: larger instances are left to the MILP.
const MAX_CELLS: usize = 50_000_000;

/// Most arcs the waiting nodes may hold together (one byte each): the search stops there, as at its time limit,
/// so memory stays bounded whatever the instance.
const MAX_WAITING_ARCS: usize = 1 << 30;

/// Subgradient iterations at the root and at every other node.
const ROOT_ITERATIONS: usize = 3000;
const NODE_ITERATIONS: usize = 40;

/// Lagrangian branch and bound on `inst` for at most `seconds`, with `tol` the relative gap that counts as proven,
/// when its demands and capacities are whole numbers (as the knapsacks need) and it is small enough. `whole_costs`
/// says every plan's cost is a whole number, so a bound may be rounded up.
pub fn search(inst: &Instance, seconds: f64, tol: f64, whole_costs: bool) -> Option<Search> {
    let w = whole(inst)?;
    let started = Instant::now();
    let m = w.capacity.len();
    let mut best: Option<Assignment> = None;
    let root = State {
        allowed: w.by_customer.iter().map(|a| vec![true; a.len()]).collect(),
        open: inst.forced.clone(),
    };
    // Multipliers start at each customer's second-cheapest cost: most facilities then want few customers.
    let u0: Vec<f64> = w
        .by_customer
        .iter()
        .map(|arcs| {
            let mut c: Vec<f64> = arcs.iter().map(|a| a.1).collect();
            c.sort_by(f64::total_cmp);
            c.get(1).or(c.first()).copied().unwrap_or(0.0)
        })
        .collect();
    let cut = |bound: f64, best: &Option<Assignment>| {
        best.as_ref().is_some_and(|b| {
            let bound = if whole_costs {
                (bound - 1e-6).ceil()
            } else {
                bound
            };
            bound >= b.cost - tol * b.cost.abs().max(1.0)
        })
    };
    let mut heap = BinaryHeap::new();
    let mut nodes = 0;
    let mut root_info = (f64::NEG_INFINITY, 0, 0);
    let total_arcs: usize = root.allowed.iter().map(Vec::len).sum();
    heap.push(Waiting {
        bound: f64::NEG_INFINITY,
        node: Node { state: root, u: u0 },
    });
    while let Some(waiting) = heap.pop() {
        if cut(waiting.bound, &best) {
            continue;
        }
        // The root is always evaluated, so even no time at all gives a plan and a bound.
        let full = heap.len() * total_arcs > MAX_WAITING_ARCS;
        if nodes > 0 && (full || started.elapsed().as_secs_f64() >= seconds) {
            heap.push(waiting);
            break;
        }
        let (parent, node) = (waiting.bound, waiting.node);
        let iterations = if nodes == 0 {
            ROOT_ITERATIONS
        } else {
            NODE_ITERATIONS
        };
        nodes += 1;
        let Some(mut e) = evaluate(
            inst, &w, node.state, node.u, iterations, &mut best, started, seconds,
        ) else {
            continue;
        };
        e.bound = e.bound.max(parent);
        if nodes == 1 {
            root_info = (
                e.bound,
                e.state.allowed.iter().flatten().filter(|&&a| a).count(),
                total_arcs,
            );
        }
        if cut(e.bound, &best) || e.exact {
            continue;
        }
        for child in branch(&w, &e) {
            heap.push(Waiting {
                bound: e.bound,
                node: Node {
                    state: child,
                    u: e.u.clone(),
                },
            });
        }
    }
    let open_bound = heap.iter().map(|n| n.bound).fold(f64::INFINITY, f64::min);
    let proven = heap.iter().all(|n| cut(n.bound, &best));
    let bound = match &best {
        Some(b) if proven => b.cost,
        Some(b) => open_bound.min(b.cost),
        None => open_bound,
    };
    debug_assert!(m == inst.fixed_cost.len());
    Some(Search {
        best,
        bound,
        proven,
        nodes,
        root: root_info,
    })
}

/// A node after its subgradient phase: its bound, the multipliers that gave it, its relaxation there, and its
/// state narrowed by reduced-cost fixing.
struct Evaluated {
    state: State,
    u: Vec<f64>,
    bound: f64,
    relaxed: Relaxed,
    /// The relaxation there is a plan (every customer in exactly one open knapsack), so the node is solved.
    exact: bool,
}

/// Subgradient steps at a node (at most `iterations`), the heuristic now and then, and fixing against the best
/// plan. `None` when the node holds no plan.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    inst: &Instance,
    w: &Whole,
    mut state: State,
    mut u: Vec<f64>,
    iterations: usize,
    best: &mut Option<Assignment>,
    started: Instant,
    seconds: f64,
) -> Option<Evaluated> {
    let mut bound = f64::NEG_INFINITY;
    let mut best_u = u.clone();
    let mut theta = if iterations == ROOT_ITERATIONS {
        2.0
    } else {
        0.5
    };
    let mut stall = 0;
    let patience = if iterations == ROOT_ITERATIONS { 30 } else { 8 };
    for k in 0..iterations {
        let r = relax(inst, w, &state, &u)?;
        if r.bound > bound + 1e-9 * r.bound.abs().max(1.0) {
            bound = r.bound;
            best_u.clone_from(&u);
            stall = 0;
        } else {
            stall += 1;
            if stall >= patience {
                theta *= 0.6;
                stall = 0;
            }
        }
        if k % 10 == 0 {
            offer(best, heuristic(inst, w, &r.open, &r.chosen));
        }
        let upper = best.as_ref().map_or(bound.abs() * 1.05 + 1.0, |b| b.cost);
        let norm: f64 = r.grad.iter().map(|g| g * g).sum();
        if bound >= upper
            || norm == 0.0
            || theta < 1e-4
            || started.elapsed().as_secs_f64() >= seconds
        {
            break;
        }
        let step = theta * (upper - r.bound).max(1e-9 * upper.abs()) / norm;
        u.iter_mut().zip(&r.grad).for_each(|(u, g)| *u += step * g);
    }
    let relaxed = relax(inst, w, &state, &best_u)?;
    bound = bound.max(relaxed.bound);
    offer(best, heuristic(inst, w, &relaxed.open, &relaxed.chosen));
    let exact = relaxed.grad.iter().all(|&g| g == 0.0);
    if exact {
        offer(best, relaxed.plan(inst, w, &state));
    }
    if let Some(b) = best.as_ref() {
        fix(w, &best_u, &relaxed, &mut state, b.cost);
    }
    Some(Evaluated {
        state,
        u: best_u,
        bound,
        relaxed,
        exact,
    })
}

/// Keeps `found` when it beats the best plan.
fn offer(best: &mut Option<Assignment>, found: Option<Assignment>) {
    if let Some(a) = found
        && best.as_ref().is_none_or(|b| a.cost < b.cost)
    {
        *best = Some(a);
    }
}

/// The two children of a node: an undecided facility opened and closed; once all are decided, the free customer
/// the relaxation serves other than once with the largest demand, put at its best arc or kept from it.
fn branch(w: &Whole, e: &Evaluated) -> Vec<State> {
    let r = &e.relaxed;
    // Sites first: the undecided one whose worth is nearest zero is opened in one child and closed in the other.
    let site = (0..w.capacity.len())
        .filter(|&i| r.states[i].is_none())
        .min_by(|&a, &b| r.value[a].abs().total_cmp(&r.value[b].abs()));
    if let Some(i) = site {
        let mut open = e.state.clone();
        open.open[i] = Some(true);
        let mut closed = e.state.clone();
        closed.open[i] = Some(false);
        return vec![open, closed];
    }
    let pick = (0..w.demand.len())
        .filter(|&j| r.grad[j] != 0.0)
        .max_by_key(|&j| (w.demand[j], std::cmp::Reverse(j)));
    let Some(j) = pick else { return Vec::new() };
    // Its arc of least Lagrangian cost: taken by an open knapsack if any, else the cheapest allowed.
    let allowed: Vec<usize> = (0..w.by_customer[j].len())
        .filter(|&k| e.state.allowed[j][k])
        .collect();
    let taken = allowed
        .iter()
        .copied()
        .filter(|&k| {
            let i = w.by_customer[j][k].0;
            r.open[i] && r.chosen[i].contains(&j)
        })
        .min_by(|&a, &b| w.by_customer[j][a].1.total_cmp(&w.by_customer[j][b].1));
    let Some(k) = taken.or_else(|| {
        allowed
            .iter()
            .copied()
            .min_by(|&a, &b| w.by_customer[j][a].1.total_cmp(&w.by_customer[j][b].1))
    }) else {
        return Vec::new();
    };
    let mut there = e.state.clone();
    there.allowed[j]
        .iter_mut()
        .enumerate()
        .for_each(|(a, x)| *x = a == k);
    let mut not_there = e.state.clone();
    not_there.allowed[j][k] = false;
    vec![there, not_there]
}

/// The instance in whole numbers, or `None` when a demand or capacity is not whole or the knapsacks are too big.
fn whole(inst: &Instance) -> Option<Whole> {
    let to_whole = |x: f64| (is_whole(x) && x.round() >= 0.0).then_some(x.round() as usize);
    let demand: Vec<usize> = inst
        .demand
        .iter()
        .map(|&d| to_whole(d))
        .collect::<Option<_>>()?;
    let capacity: Vec<usize> = inst
        .capacity
        .iter()
        .map(|&c| to_whole(c.floor()))
        .collect::<Option<_>>()?;
    let m = capacity.len();
    let mut by_facility = vec![Vec::new(); m];
    let by_customer: Vec<Vec<(usize, f64)>> = inst
        .arcs
        .iter()
        .enumerate()
        .map(|(j, arcs)| {
            arcs.iter()
                .enumerate()
                .map(|(k, a)| {
                    let cost = a.unit_cost * inst.demand[j];
                    by_facility[a.facility].push((j, k, cost));
                    (a.facility, cost)
                })
                .collect()
        })
        .collect();
    let cells: usize = by_facility
        .iter()
        .zip(&capacity)
        .map(|(a, &c)| a.len() * (c + 1))
        .sum();
    (cells <= MAX_CELLS).then_some(Whole {
        total: demand.iter().sum(),
        demand,
        capacity,
        by_facility,
        by_customer,
    })
}

/// One evaluation of the relaxation at `u` in a node.
struct Relaxed {
    /// `L(u)`, the instance's constant included.
    bound: f64,
    /// `v_i` per facility (its fixed cost less its knapsack's profit over free customers).
    value: Vec<f64>,
    /// The facilities the covering knapsack opens.
    open: Vec<bool>,
    /// Per facility, the free customers its knapsack takes.
    chosen: Vec<Vec<usize>>,
    /// Per facility, the desks left to free customers once its forced ones are in.
    room: Vec<usize>,
    /// Per customer: the facility it is forced to (its only allowed arc), if any.
    forced: Vec<Option<usize>>,
    /// The facilities' states in the covering knapsack (forced open when a customer is forced there).
    states: Vec<Option<bool>>,
    /// `1 - sum_i x_ij` over the open facilities, per free customer (0 for forced ones).
    grad: Vec<f64>,
}

impl Relaxed {
    /// The plan the relaxation describes, when it is one (see [`Evaluated::exact`]).
    fn plan(&self, inst: &Instance, w: &Whole, state: &State) -> Option<Assignment> {
        let mut facility = vec![usize::MAX; w.demand.len()];
        for (j, f) in self.forced.iter().enumerate() {
            if let Some(i) = f {
                facility[j] = *i;
            }
        }
        for (i, chosen) in self
            .chosen
            .iter()
            .enumerate()
            .filter(|(i, _)| self.open[*i])
        {
            chosen.iter().for_each(|&j| facility[j] = i);
        }
        let ok = facility.iter().enumerate().all(|(j, &i)| {
            i != usize::MAX
                && w.by_customer[j]
                    .iter()
                    .zip(&state.allowed[j])
                    .any(|(a, &ok)| ok && a.0 == i)
        });
        ok.then(|| assignment(inst, w, facility))
    }
}

fn relax(inst: &Instance, w: &Whole, state: &State, u: &[f64]) -> Option<Relaxed> {
    let m = w.capacity.len();
    let n = w.demand.len();
    let mut forced = vec![None; n];
    let mut constant = inst.constant;
    let mut load = vec![0usize; m];
    let mut states = state.open.clone();
    let mut sum_u = 0.0;
    for j in 0..n {
        let mut arcs = w.by_customer[j]
            .iter()
            .zip(&state.allowed[j])
            .filter(|(a, ok)| **ok && states[a.0] != Some(false));
        let first = arcs.next()?;
        if arcs.next().is_none() {
            let (i, c) = *first.0;
            forced[j] = Some(i);
            constant += c;
            load[i] += w.demand[j];
        } else {
            sum_u += u[j];
        }
    }
    for i in 0..m {
        if load[i] > w.capacity[i] {
            return None;
        }
        if load[i] > 0 {
            states[i] = Some(true);
        }
    }
    let mut value = Vec::with_capacity(m);
    let mut chosen = Vec::with_capacity(m);
    let room: Vec<usize> = (0..m).map(|i| w.capacity[i] - load[i]).collect();
    for i in 0..m {
        if states[i] == Some(false) {
            value.push(0.0);
            chosen.push(Vec::new());
            continue;
        }
        let items: Vec<(usize, f64)> = w.by_facility[i]
            .iter()
            .filter(|&&(j, k, _)| forced[j].is_none() && state.allowed[j][k])
            .map(|&(j, _, c)| (j, u[j] - c))
            .collect();
        let (k, take) = knapsack(&items, &w.demand, room[i]);
        value.push(inst.fixed_cost[i] - k);
        chosen.push(take);
    }
    let (cover, open) = cover(&value, &w.capacity, &states, w.total)?;
    let mut grad: Vec<f64> = forced
        .iter()
        .map(|f| if f.is_some() { 0.0 } else { 1.0 })
        .collect();
    for i in (0..m).filter(|&i| open[i]) {
        for &j in &chosen[i] {
            grad[j] -= 1.0;
        }
    }
    Some(Relaxed {
        bound: constant + sum_u + cover,
        value,
        open,
        chosen,
        room,
        forced,
        states,
        grad,
    })
}

/// The 0/1 knapsack over `items` (customer, profit) with weights `demand[customer]`: the best total profit and
/// the customers taken. Items without a positive profit are never taken.
fn knapsack(items: &[(usize, f64)], demand: &[usize], capacity: usize) -> (f64, Vec<usize>) {
    let items: Vec<(usize, f64)> = items
        .iter()
        .copied()
        .filter(|&(j, p)| p > 0.0 && demand[j] <= capacity)
        .collect();
    let mut best = vec![0.0; capacity + 1];
    let mut take = vec![false; items.len() * (capacity + 1)];
    for (k, &(j, p)) in items.iter().enumerate() {
        let d = demand[j];
        for c in (d..=capacity).rev() {
            let with = best[c - d] + p;
            if with > best[c] {
                best[c] = with;
                take[k * (capacity + 1) + c] = true;
            }
        }
    }
    let mut taken = Vec::new();
    let mut c = capacity;
    for (k, &(j, _)) in items.iter().enumerate().rev() {
        if take[k * (capacity + 1) + c] {
            taken.push(j);
            c -= demand[j];
        }
    }
    (best[capacity], taken)
}

/// The covering knapsack `min sum_i value_i y_i` subject to `sum_i capacity_i y_i >= total`, facilities whose
/// state is `Some(open)` held there: its value and the open facilities, or `None` when no choice has the capacity.
/// Facilities of negative value open anyway; the rest of the need is met at least cost by dynamic programming.
fn cover(
    value: &[f64],
    capacity: &[usize],
    states: &[Option<bool>],
    total: usize,
) -> Option<(f64, Vec<bool>)> {
    let m = value.len();
    let mut open = vec![false; m];
    let mut sum = 0.0;
    let mut have = 0usize;
    for i in (0..m).filter(|&i| states[i] != Some(false)) {
        if states[i] == Some(true) || value[i] < 0.0 {
            open[i] = true;
            sum += value[i];
            have += capacity[i];
        }
    }
    if have >= total {
        return Some((sum, open));
    }
    let need = total - have;
    let rest: Vec<usize> = (0..m)
        .filter(|&i| !open[i] && states[i] != Some(false))
        .collect();
    // least[c]: the least value of facilities giving at least c more capacity.
    let mut least = vec![f64::INFINITY; need + 1];
    least[0] = 0.0;
    let mut take = vec![false; rest.len() * (need + 1)];
    for (k, &i) in rest.iter().enumerate() {
        for c in (1..=need).rev() {
            let from = c.saturating_sub(capacity[i]);
            let with = least[from] + value[i];
            if with < least[c] {
                least[c] = with;
                take[k * (need + 1) + c] = true;
            }
        }
    }
    if !least[need].is_finite() {
        return None;
    }
    let mut c = need;
    for (k, &i) in rest.iter().enumerate().rev() {
        if c > 0 && take[k * (need + 1) + c] {
            open[i] = true;
            c = c.saturating_sub(capacity[i]);
        }
    }
    Some((sum + least[need], open))
}

/// The Lagrangian heuristic: a plan on the relaxation's open facilities (more opened by value per desk when they
/// lack the capacity), customers first where the knapsacks put them, the rest by regret, then local search.
fn heuristic(
    inst: &Instance,
    w: &Whole,
    open: &[bool],
    chosen: &[Vec<usize>],
) -> Option<Assignment> {
    let m = w.capacity.len();
    let n = w.demand.len();
    let mut open: Vec<bool> = (0..m)
        .map(|i| open[i] || inst.forced[i] == Some(true))
        .collect();
    let mut room: Vec<i64> = w.capacity.iter().map(|&c| c as i64).collect();
    let mut at: Vec<Option<usize>> = vec![None; n];
    // The knapsacks' choices, cheapest facility first where several took the same customer.
    for (j, slot) in at.iter_mut().enumerate() {
        let best = w.by_customer[j]
            .iter()
            .filter(|&&(i, _)| open[i] && chosen[i].contains(&j))
            .filter(|&&(i, _)| room[i] >= w.demand[j] as i64)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(&(i, _)) = best {
            *slot = Some(i);
            room[i] -= w.demand[j] as i64;
        }
    }
    loop {
        // The unplaced customer whose best two open options differ most goes first.
        let mut pick: Option<(usize, usize, f64)> = None;
        for j in (0..n).filter(|&j| at[j].is_none()) {
            let mut fits: Vec<(usize, f64)> = w.by_customer[j]
                .iter()
                .copied()
                .filter(|&(i, _)| open[i] && room[i] >= w.demand[j] as i64)
                .collect();
            fits.sort_by(|a, b| a.1.total_cmp(&b.1));
            let regret = match fits.as_slice() {
                [] => f64::INFINITY,
                [_] => f64::MAX,
                [a, b, ..] => b.1 - a.1,
            };
            if pick.is_none_or(|p| regret > p.2) {
                pick = Some((j, fits.first().map_or(usize::MAX, |f| f.0), regret));
            }
        }
        let Some((j, i, regret)) = pick else { break };
        if regret.is_infinite() {
            // No open facility has room: open the closed one with the most room per fixed cost that serves j.
            let next = w.by_customer[j]
                .iter()
                .filter(|&&(i, _)| !open[i] && inst.forced[i] != Some(false))
                .filter(|&&(i, _)| w.capacity[i] >= w.demand[j])
                .min_by(|a, b| {
                    let ra = inst.fixed_cost[a.0] / w.capacity[a.0] as f64 + a.1;
                    let rb = inst.fixed_cost[b.0] / w.capacity[b.0] as f64 + b.1;
                    ra.total_cmp(&rb)
                })?;
            open[next.0] = true;
            continue;
        }
        at[j] = Some(i);
        room[i] -= w.demand[j] as i64;
    }
    let mut facility: Vec<usize> = at.into_iter().collect::<Option<_>>()?;
    improve(w, &mut facility, &mut room);
    Some(assignment(inst, w, facility))
}

/// The cost of serving customer `j` at facility `i`, if it may be.
fn arc_cost(w: &Whole, j: usize, i: usize) -> Option<f64> {
    w.by_customer[j].iter().find(|a| a.0 == i).map(|a| a.1)
}

/// Local search: move a customer to an open facility with room, or swap two customers, while it pays (a move
/// that empties a facility saves its fixed cost, which [`assignment`] counts).
fn improve(w: &Whole, facility: &mut [usize], room: &mut [i64]) {
    let n = facility.len();
    let mut used = vec![0usize; room.len()];
    facility.iter().for_each(|&i| used[i] += 1);
    let mut better = true;
    while better {
        better = false;
        for (j, place) in facility.iter_mut().enumerate() {
            let from = *place;
            let now = arc_cost(w, j, from).unwrap_or(f64::INFINITY);
            let d = w.demand[j] as i64;
            let to = w.by_customer[j]
                .iter()
                .filter(|&&(i, c)| i != from && used[i] > 0 && room[i] >= d && c < now - 1e-9)
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some(&(i, _)) = to {
                *place = i;
                room[from] += d;
                room[i] -= d;
                used[from] -= 1;
                used[i] += 1;
                better = true;
            }
        }
        for j in 0..n {
            for k in j + 1..n {
                let (a, b) = (facility[j], facility[k]);
                if a == b {
                    continue;
                }
                let (dj, dk) = (w.demand[j] as i64, w.demand[k] as i64);
                if room[a] + dj < dk || room[b] + dk < dj {
                    continue;
                }
                let (Some(ja), Some(kb), Some(jb), Some(ka)) = (
                    arc_cost(w, j, a),
                    arc_cost(w, k, b),
                    arc_cost(w, j, b),
                    arc_cost(w, k, a),
                ) else {
                    continue;
                };
                if jb + ka < ja + kb - 1e-9 {
                    facility[j] = b;
                    facility[k] = a;
                    room[a] += dj - dk;
                    room[b] += dk - dj;
                    better = true;
                }
            }
        }
    }
}

/// The plan of `facility` with its cost: the constant, the open facilities' fixed costs and the arcs.
fn assignment(inst: &Instance, w: &Whole, facility: Vec<usize>) -> Assignment {
    let mut open = vec![false; w.capacity.len()];
    let mut cost = inst.constant;
    for (j, &i) in facility.iter().enumerate() {
        open[i] = true;
        cost += arc_cost(w, j, i).unwrap_or(f64::INFINITY);
    }
    for (i, &o) in open.iter().enumerate() {
        if o || inst.forced[i] == Some(true) {
            cost += inst.fixed_cost[i];
        }
    }
    Assignment { facility, cost }
}

/// Narrows `state` at multipliers `u` (with `r` the relaxation there) against a plan costing `upper`: arcs whose
/// forced use (the facility open with the customer in its knapsack, the rest re-chosen) lifts the bound above
/// `upper`, and facilities whose opening does, are left out (see the module notes).
fn fix(w: &Whole, u: &[f64], r: &Relaxed, state: &mut State, upper: f64) {
    let m = w.capacity.len();
    let base = r.bound - cover(&r.value, &w.capacity, &r.states, w.total).map_or(0.0, |c| c.0);
    let limit = upper + 1e-9 * upper.abs().max(1.0);
    for i in (0..m).filter(|&i| r.states[i] != Some(false)) {
        // With facility i open, the others cover what it does not.
        let mut opened = r.states.clone();
        opened[i] = Some(true);
        let Some((with_i, _)) = cover(&r.value, &w.capacity, &opened, w.total) else {
            continue;
        };
        if base + with_i > limit && r.states[i] != Some(true) {
            state.open[i] = Some(false);
            for &(j, k, _) in &w.by_facility[i] {
                state.allowed[j][k] = false;
            }
            continue;
        }
        let others = with_i - r.value[i];
        let items: Vec<(usize, usize, f64)> = w.by_facility[i]
            .iter()
            .copied()
            .filter(|&(j, k, _)| r.forced[j].is_none() && state.allowed[j][k])
            .collect();
        let profits: Vec<(usize, f64)> = items.iter().map(|&(j, _, c)| (j, u[j] - c)).collect();
        let forced_in = forced_knapsacks(&profits, &w.demand, r.room[i]);
        // v_i = f_i - K_i, so with j forced in, the facility is worth f_i less the forced knapsack's profit.
        let fixed_cost = r.value[i] + knapsack(&profits, &w.demand, r.room[i]).0;
        for (&(j, k, _), gain) in items.iter().zip(forced_in) {
            if gain.is_none_or(|g| base + fixed_cost - g + others > limit) {
                state.allowed[j][k] = false;
            }
        }
    }
}

/// For each item, the best knapsack total with that item taken (`None` when it does not fit), from the knapsack
/// tables of the items before it and after it.
fn forced_knapsacks(items: &[(usize, f64)], demand: &[usize], capacity: usize) -> Vec<Option<f64>> {
    let n = items.len();
    let width = capacity + 1;
    let add = |from: &[f64], to: &mut [f64], (j, p): (usize, f64)| {
        to.copy_from_slice(from);
        let d = demand[j];
        if p > 0.0 && d <= capacity {
            for c in d..=capacity {
                to[c] = to[c].max(from[c - d] + p);
            }
        }
    };
    // before[k]: items 0..k; after[k]: items k..n.
    let mut before = vec![0.0; (n + 1) * width];
    for k in 0..n {
        let (head, tail) = before.split_at_mut((k + 1) * width);
        add(&head[k * width..], &mut tail[..width], items[k]);
    }
    let mut after = vec![0.0; (n + 1) * width];
    for k in (0..n).rev() {
        let (head, tail) = after.split_at_mut((k + 1) * width);
        add(&tail[..width], &mut head[k * width..], items[k]);
    }
    items
        .iter()
        .enumerate()
        .map(|(k, &(j, p))| {
            let left = capacity.checked_sub(demand[j])?;
            let b = &before[k * width..(k + 1) * width];
            let a = &after[(k + 1) * width..(k + 2) * width];
            let rest = (0..=left).map(|c| b[c] + a[left - c]).fold(0.0, f64::max);
            Some(p + rest)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estates::cfl::transport::Arc;
    use crate::import::generate::Rng;

    /// A random single-source instance with whole demands and capacities that bind.
    fn instance(rng: &mut Rng, m: usize, n: usize) -> Instance {
        let at = |rng: &mut Rng| (100.0 * rng.unit(), 100.0 * rng.unit());
        let fac: Vec<(f64, f64)> = (0..m).map(|_| at(rng)).collect();
        let demand: Vec<f64> = (0..n).map(|_| 1.0 + rng.below(9) as f64).collect();
        let total: f64 = demand.iter().sum();
        let capacity: Vec<f64> = (0..m)
            .map(|_| (total * (0.3 + 0.4 * rng.unit())).round())
            .collect();
        let arcs = (0..n)
            .map(|_| {
                let c = at(rng);
                fac.iter()
                    .enumerate()
                    .map(|(facility, f)| Arc {
                        facility,
                        unit_cost: ((f.0 - c.0).powi(2) + (f.1 - c.1).powi(2)).sqrt().round(),
                    })
                    .collect()
            })
            .collect();
        Instance {
            fixed_cost: (0..m)
                .map(|_| (100.0 + 400.0 * rng.unit()).round())
                .collect(),
            capacity,
            total_demand: total,
            demand,
            arcs,
            forced: (0..m)
                .map(|i| (i == 0 && rng.unit() < 0.3).then_some(true))
                .collect(),
            constant: 5.0,
            unit_count: 0,
            split: false,
        }
    }

    /// The cheapest single-source plan, by trying each customer at each facility.
    fn brute_force(inst: &Instance) -> Option<f64> {
        let w = whole(inst).expect("whole");
        let n = w.demand.len();
        let mut best = None::<f64>;
        let mut choice = vec![0usize; n];
        loop {
            let facility: Vec<usize> = (0..n).map(|j| w.by_customer[j][choice[j]].0).collect();
            let mut load = vec![0usize; w.capacity.len()];
            facility
                .iter()
                .enumerate()
                .for_each(|(j, &i)| load[i] += w.demand[j]);
            if load.iter().zip(&w.capacity).all(|(l, c)| l <= c) {
                let cost = assignment(inst, &w, facility).cost;
                best = Some(best.map_or(cost, |b: f64| b.min(cost)));
            }
            // The next choice vector, like an odometer.
            let mut j = 0;
            while j < n {
                choice[j] += 1;
                if choice[j] < w.by_customer[j].len() {
                    break;
                }
                choice[j] = 0;
                j += 1;
            }
            if j == n {
                return best;
            }
        }
    }

    #[test]
    fn the_search_proves_the_brute_force_optimum() {
        let mut rng = Rng(7);
        for case in 0..200 {
            let m = 2 + rng.below(3);
            let n = 2 + rng.below(6);
            let inst = instance(&mut rng, m, n);
            let exact = brute_force(&inst);
            let found = search(&inst, 10.0, 1e-9, true).expect("whole instance");
            assert!(found.proven, "case {case}: not proven");
            match (exact, &found.best) {
                (Some(e), Some(b)) => {
                    assert!(
                        (b.cost - e).abs() <= 1e-6,
                        "case {case}: {} against {e}",
                        b.cost
                    );
                    let plan = super::super::single_plan(&inst, b);
                    assert_eq!(plan.teams.len(), n);
                }
                (None, None) => {}
                (e, b) => panic!(
                    "case {case}: brute force {e:?}, search {:?}",
                    b.as_ref().map(|b| b.cost)
                ),
            }
        }
    }

    #[test]
    fn a_stopped_search_keeps_a_bound_below_the_optimum() {
        let mut rng = Rng(11);
        for case in 0..40 {
            let inst = instance(&mut rng, 4, 7);
            let Some(exact) = brute_force(&inst) else {
                continue;
            };
            // No time: the root alone is evaluated, then the search stops.
            let found = search(&inst, 0.0, 1e-9, true).expect("whole instance");
            assert!(
                found.bound <= exact + 1e-6,
                "case {case}: bound {} above {exact}",
                found.bound
            );
        }
    }

    #[test]
    fn forced_knapsacks_match_the_knapsack_with_the_item_taken() {
        let demand = vec![3, 4, 2, 5];
        let items = vec![(0, 5.0), (1, 6.0), (2, -1.0), (3, 7.0)];
        let forced = forced_knapsacks(&items, &demand, 7);
        // Taking 0 (3 desks, 5): the best of the rest in 4 desks is item 1 (6): 11.
        assert_eq!(forced[0], Some(11.0));
        // Taking 2 (2 desks, -1): the best in 5 desks is item 3 (7): 6.
        assert_eq!(forced[2], Some(6.0));
        // Taking 3 (5 desks, 7): nothing else fits in 2 desks with a profit.
        assert_eq!(forced[3], Some(7.0));
        assert_eq!(knapsack(&items, &demand, 7).0, 11.0);
    }
}
