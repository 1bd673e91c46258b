//! The transportation problem: with the open facilities fixed, the cheapest way to serve every customer's
//! demand (splittable) within the facilities' capacities. Solved exactly as a min-cost flow by successive
//! shortest paths with node potentials (Dijkstra on reduced costs, which stay non-negative), from a super-source
//! through customers and facilities to a super-sink.
//!
//! It gives the Lagrangian heuristic its incumbents: the facilities the relaxation opens, repaired to enough
//! capacity, are costed exactly here.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One customer's arc to a facility.
#[derive(Debug, Clone, Copy)]
pub struct Arc {
    /// The facility (index into the instance's facilities).
    pub facility: usize,
    /// Cost of serving one unit of the customer's demand there.
    pub unit_cost: f64,
}

/// The flows of an optimal transportation plan: per customer, (facility, units).
pub type Flows = Vec<Vec<(usize, f64)>>;

#[derive(PartialEq)]
struct Item(f64, usize);

impl Eq for Item {}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        // A min-heap on distance; ties by node for determinism.
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Serves `demand[j]` of every customer from the open facilities (`capacity[i] > 0` only where open) along
/// `arcs[j]` at least cost; `None` when the demand cannot all be served.
pub fn solve(demand: &[f64], capacity: &[f64], arcs: &[Vec<Arc>]) -> Option<Flows> {
    // Only arcs into open facilities take part: with a few of many facilities open, this is most of the work.
    let arcs: Vec<Vec<Arc>> = arcs
        .iter()
        .map(|a| {
            a.iter()
                .copied()
                .filter(|x| capacity[x.facility] > 0.0)
                .collect()
        })
        .collect();
    let arcs = &arcs[..];
    let n = demand.len();
    let m = capacity.len();
    // Nodes: customers 0..n, facilities n..n+m, source n+m, sink n+m+1.
    let (source, sink) = (n + m, n + m + 1);
    let nodes = n + m + 2;
    // Costs shifted per customer so that every arc costs at least 0 (each customer's whole demand is served, so
    // a shift changes the total by a constant and not the plan).
    let shift: Vec<f64> = arcs
        .iter()
        .map(|a| a.iter().map(|x| x.unit_cost).fold(f64::INFINITY, f64::min))
        .map(|c| if c.is_finite() { c } else { 0.0 })
        .collect();
    let mut flow: Vec<Vec<f64>> = arcs.iter().map(|a| vec![0.0; a.len()]).collect();
    // Reverse arcs of each facility: (customer, arc index) with positive flow.
    let mut back: Vec<Vec<(usize, usize)>> = vec![Vec::new(); m];
    let mut left = demand.to_vec();
    let mut room = capacity.to_vec();
    let mut pot = vec![0.0f64; nodes];
    let total: f64 = demand.iter().sum();
    let eps = 1e-9 * total.max(1.0);
    let mut served = 0.0;
    // Warm start: each customer takes what it can at its cheapest arc. Those arcs cost exactly the shift, so
    // their reverse arcs have reduced cost 0 and zero potentials stay valid; only what is left needs paths.
    for j in 0..n {
        let Some(k) = (0..arcs[j].len()).min_by(|&a, &b| {
            arcs[j][a]
                .unit_cost
                .total_cmp(&arcs[j][b].unit_cost)
                .then(a.cmp(&b))
        }) else {
            continue;
        };
        let i = arcs[j][k].facility;
        let x = left[j].min(room[i]);
        if x > eps {
            flow[j][k] = x;
            back[i].push((j, k));
            left[j] -= x;
            room[i] -= x;
            served += x;
        }
    }
    let mut dist = vec![f64::INFINITY; nodes];
    // How each node was reached: (previous node, customer, arc index) for customer-facility arcs.
    let mut prev: Vec<Option<(usize, usize, usize)>> = vec![None; nodes];
    let mut done = vec![false; nodes];
    while served < total - eps {
        dist.iter_mut().for_each(|d| *d = f64::INFINITY);
        prev.iter_mut().for_each(|p| *p = None);
        done.iter_mut().for_each(|d| *d = false);
        dist[source] = 0.0;
        let mut heap = BinaryHeap::new();
        heap.push(Item(0.0, source));
        while let Some(Item(d, u)) = heap.pop() {
            if done[u] || d > dist[u] {
                continue;
            }
            done[u] = true;
            if u == sink {
                break;
            }
            let mut relax =
                |v: usize, cost: f64, via: (usize, usize, usize), heap: &mut BinaryHeap<Item>| {
                    let nd = d + cost + pot[u] - pot[v];
                    if nd < dist[v] - 1e-12 {
                        dist[v] = nd.max(d);
                        prev[v] = Some(via);
                        heap.push(Item(dist[v], v));
                    }
                };
            if u == source {
                for (j, l) in left.iter().enumerate() {
                    if *l > eps {
                        relax(j, 0.0, (source, usize::MAX, 0), &mut heap);
                    }
                }
            } else if u < n {
                for (k, a) in arcs[u].iter().enumerate() {
                    relax(n + a.facility, a.unit_cost - shift[u], (u, u, k), &mut heap);
                }
            } else {
                let i = u - n;
                if room[i] > eps {
                    relax(sink, 0.0, (u, usize::MAX, 0), &mut heap);
                }
                for &(j, k) in &back[i] {
                    if flow[j][k] > eps {
                        relax(j, -(arcs[j][k].unit_cost - shift[j]), (u, j, k), &mut heap);
                    }
                }
            }
        }
        if !done[sink] {
            return None;
        }
        let reach = dist[sink];
        for v in 0..nodes {
            pot[v] += if done[v] { dist[v] } else { reach };
        }
        // The path, sink back to source, and its bottleneck.
        let mut path = Vec::new();
        let mut v = sink;
        while v != source {
            let p = prev[v].expect("a reached node has a predecessor");
            path.push((p.0, v, p.1, p.2));
            v = p.0;
        }
        let mut amount = f64::INFINITY;
        for &(u, v, j, k) in &path {
            if u == source {
                amount = amount.min(left[v]);
            } else if v == sink {
                amount = amount.min(room[u - n]);
            } else if u >= n {
                amount = amount.min(flow[j][k]);
            }
        }
        for &(u, v, j, k) in &path {
            if u == source {
                left[v] -= amount;
            } else if v == sink {
                room[u - n] -= amount;
            } else if u < n {
                if flow[j][k] <= eps {
                    back[arcs[j][k].facility].push((j, k));
                }
                flow[j][k] += amount;
            } else {
                flow[j][k] -= amount;
            }
        }
        served += amount;
    }
    Some(
        flow.iter()
            .zip(arcs)
            .map(|(f, a)| {
                f.iter()
                    .zip(a)
                    .filter(|(x, _)| **x > eps)
                    .map(|(x, a)| (a.facility, *x))
                    .collect()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arcs(costs: &[&[f64]]) -> Vec<Vec<Arc>> {
        costs
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(facility, &unit_cost)| Arc {
                        facility,
                        unit_cost,
                    })
                    .collect()
            })
            .collect()
    }

    fn cost(flows: &Flows, a: &[Vec<Arc>]) -> f64 {
        flows
            .iter()
            .zip(a)
            .map(|(f, a)| {
                f.iter()
                    .map(|&(i, x)| x * a.iter().find(|z| z.facility == i).unwrap().unit_cost)
                    .sum::<f64>()
            })
            .sum()
    }

    #[test]
    fn capacity_pushes_a_customer_to_its_second_choice_where_that_costs_least() {
        // Both customers prefer facility 0 (room for 10 of their 15 units). Moving customer 1 costs 1 a unit
        // more, customer 0 costs 5 more: customer 1 moves 5 units.
        let a = arcs(&[&[1.0, 6.0], &[2.0, 3.0]]);
        let f = solve(&[10.0, 5.0], &[10.0, 10.0], &a).unwrap();
        assert!(
            (cost(&f, &a) - (10.0 * 1.0 + 5.0 * 3.0)).abs() < 1e-9,
            "{f:?}"
        );
        // With room for only 12 at facility 0, customer 0 keeps 10 there and customer 1 splits 2 / 3.
        let f = solve(&[10.0, 5.0], &[12.0, 10.0], &a).unwrap();
        assert!(
            (cost(&f, &a) - (10.0 + 2.0 * 2.0 + 3.0 * 3.0)).abs() < 1e-9,
            "{f:?}"
        );
    }

    #[test]
    fn a_reverse_arc_reroutes_flow_already_placed() {
        // Customer 0 (cheap anywhere) takes facility 0 first; customer 1 can only use facility 0, so customer 0
        // must be pushed out to facility 1 along a reverse arc.
        let a = vec![
            vec![
                Arc {
                    facility: 0,
                    unit_cost: 1.0,
                },
                Arc {
                    facility: 1,
                    unit_cost: 1.5,
                },
            ],
            vec![Arc {
                facility: 0,
                unit_cost: 4.0,
            }],
        ];
        let f = solve(&[5.0, 5.0], &[5.0, 5.0], &a).unwrap();
        assert!(
            (cost(&f, &a) - (5.0 * 1.5 + 5.0 * 4.0)).abs() < 1e-9,
            "{f:?}"
        );
    }

    #[test]
    fn too_little_capacity_is_none() {
        let a = arcs(&[&[1.0], &[1.0]]);
        assert!(solve(&[5.0, 5.0], &[8.0], &a).is_none());
        // A closed facility (capacity 0) takes nothing.
        let a = arcs(&[&[1.0, 9.0]]);
        let f = solve(&[5.0], &[0.0, 5.0], &a).unwrap();
        assert_eq!(f[0].len(), 1);
        assert_eq!(f[0][0].0, 1);
    }
}
