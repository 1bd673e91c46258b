//! A solving strategy for estates models that are capacitated facility location problems: one year, demand
//! that may be split across sites, and no rules beyond placement, capacity and must-keep (the shape of the
//! OR-Library capacitated benchmarks, `capa`..`capc` among them). Generic branch and bound through good_lp is
//! slow on 100 x 1,000 of these; [`lagrange`] uses their structure (Lagrangian bounds, a Lagrangian heuristic
//! with exact transportation costing, reduced-cost fixing, best-bound branching).
//!
//! [`detect`] decides from the built model whether the strategy applies (every row in the assignment, link,
//! capacity or release groups, one year, no team with a current site); otherwise the estates model is solved by
//! the generic MILP as before. Splittable instances are searched by [`lagrange`], single-source ones (each team
//! whole at one site) by [`single`]. The plan either returns is an ordinary [`Plan`], costed by
//! [`crate::plan::evaluate`] and checked by the independent checker like any other.

pub mod lagrange;
pub mod single;
pub mod transport;

use super::milp::{Ctx, Group, Model};
use crate::domain::SiteIx;
use crate::plan::{Plan, SiteDecision};
use transport::Arc;

/// A capacitated facility location instance in the strategy's own terms. Facilities are sites, customers teams.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Cost of keeping each site open, against releasing it in year 1 (present value).
    pub fixed_cost: Vec<f64>,
    /// Desks of each site.
    pub capacity: Vec<f64>,
    /// Desks each team needs (headcount x desk ratio).
    pub demand: Vec<f64>,
    /// Sum of the demands.
    pub total_demand: f64,
    /// Per team: its sites with the cost per desk needed (present value of the team working there, divided by
    /// its demand).
    pub arcs: Vec<Vec<Arc>>,
    /// Sites that must stay open (`Some(true)`) or go (`Some(false)`).
    pub forced: Vec<Option<bool>>,
    /// The plan cost that does not depend on any decision.
    pub constant: f64,
    /// Release units in the data set (none of them releasable: all kept).
    pub unit_count: usize,
    /// A team's demand may be split between sites (otherwise each team works whole at one site).
    pub split: bool,
}

/// A plan of the instance: open sites and each team's desks per site, with its cost.
#[derive(Debug, Clone)]
pub struct Solution {
    /// Total plan cost (the estates objective).
    pub cost: f64,
    /// Open sites.
    pub open: Vec<bool>,
    /// Per team: (site, desks).
    pub flows: transport::Flows,
}

impl Instance {
    /// The exact cost of serving every team from the `open` sites (the transportation problem), if they can.
    pub fn serve(&self, open: &[bool]) -> Option<Solution> {
        if open
            .iter()
            .zip(&self.forced)
            .any(|(&o, f)| f.is_some_and(|f| f != o))
        {
            return None;
        }
        let capacity: Vec<f64> = self
            .capacity
            .iter()
            .zip(open)
            .map(|(&c, &o)| if o { c } else { 0.0 })
            .collect();
        let flows = transport::solve(&self.demand, &capacity, &self.arcs)?;
        let mut cost = self.constant;
        for (i, &o) in open.iter().enumerate() {
            if o {
                cost += self.fixed_cost[i];
            }
        }
        for (j, f) in flows.iter().enumerate() {
            for &(i, x) in f {
                let unit = self.arcs[j]
                    .iter()
                    .find(|a| a.facility == i)
                    .map_or(0.0, |a| a.unit_cost);
                cost += unit * x;
            }
        }
        Some(Solution {
            cost,
            open: open.to_vec(),
            flows,
        })
    }
}

/// The instance, when the built model has the facility location structure.
pub fn detect(ctx: &Ctx<'_>, model: &Model) -> Option<Instance> {
    let structural = [Group::Assign, Group::Link, Group::Capacity, Group::Release];
    let cand = ctx.cand;
    let data = ctx.data;
    let e = &ctx.model.estates;
    if cand.discount.years() != 1
        || model.rows.iter().any(|r| !structural.contains(&r.group))
        || data.teams.iter().any(|t| t.site.is_some())
        || data.teams.is_empty()
        || !data.functions.is_empty()
        || cand.units.iter().any(|u| u.releasable)
        || cand.sites.iter().any(|s| s.forced)
    {
        return None;
    }
    let annuity = cand.discount.annuity_from(1);
    let mut constant = 0.0;
    let mut fixed_cost = Vec::with_capacity(data.sites.len());
    let mut forced = Vec::with_capacity(data.sites.len());
    for (s, site) in data.sites.iter().enumerate() {
        let c = &cand.sites[s];
        let keep = crate::costing::kept_pv(site, c.yearly, &cand.discount);
        // Releasing in year 1 saves the yearly costs and brings the receipt, less any exit penalty and holding.
        let release = if c.releasable {
            keep - c.release[0].net_pv(site, 1, &cand.discount)
        } else {
            0.0
        };
        constant += keep - release;
        fixed_cost.push(release);
        forced.push((!c.releasable).then_some(true));
    }
    let demand: Vec<f64> = data
        .teams
        .iter()
        .map(|t| f64::from(t.headcount) * e.desk_ratio)
        .collect();
    if demand.iter().any(|&d| d <= 0.0) {
        return None;
    }
    let arcs = cand
        .teams
        .iter()
        .zip(&demand)
        .map(|(t, &d)| {
            t.options
                .iter()
                .map(|o| Arc {
                    facility: o.site.ix(),
                    unit_cost: o.annual_cost * annuity / d,
                })
                .collect()
        })
        .collect();
    Some(Instance {
        fixed_cost,
        capacity: data.sites.iter().map(|s| f64::from(s.desks)).collect(),
        total_demand: demand.iter().sum(),
        demand,
        arcs,
        forced,
        constant,
        unit_count: data.units.len(),
        split: e.split,
    })
}

/// A node waiting in a best-first search: the lowest bound comes out of a [`std::collections::BinaryHeap`] first.
pub(crate) struct Waiting<T> {
    /// The node's proven lower bound.
    pub bound: f64,
    /// The node.
    pub node: T,
}

impl<T> PartialEq for Waiting<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bound == other.bound
    }
}
impl<T> Eq for Waiting<T> {}
impl<T> Ord for Waiting<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.bound.total_cmp(&self.bound)
    }
}
impl<T> PartialOrd for Waiting<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Site decisions of an open set: open sites kept, the others released in year 1.
fn sites_of(open: impl IntoIterator<Item = bool>) -> Vec<SiteDecision> {
    open.into_iter()
        .map(|o| {
            if o {
                SiteDecision::Keep
            } else {
                SiteDecision::Release(1)
            }
        })
        .collect()
}

/// The estates plan of a solution: closed sites released in year 1, each team's share per site.
pub fn plan_of(inst: &Instance, sol: &Solution) -> Plan {
    Plan {
        sites: sites_of(sol.open.iter().copied()),
        teams: sol
            .flows
            .iter()
            .zip(&inst.demand)
            .map(|(f, &d)| {
                let mut shares: Vec<(SiteIx, f64)> = f
                    .iter()
                    .map(|&(i, x)| (SiteIx(i as u32), (x / d).min(1.0)))
                    .collect();
                // Shares add to exactly 1 (the flows do, up to rounding).
                let total: f64 = shares.iter().map(|s| s.1).sum();
                if total > 0.0 {
                    shares.iter_mut().for_each(|s| s.1 /= total);
                }
                shares
            })
            .collect(),
        // The strategy is only taken without units to release on their own.
        units: vec![SiteDecision::Keep; inst.unit_count],
        // The strategy is only taken without functions.csv, so there are no shared services.
        services: Default::default(),
    }
}

/// The estates plan of a single-source assignment: sites serving nobody released in year 1 (unless they must stay),
/// each team whole at its site.
pub fn single_plan(inst: &Instance, a: &single::Assignment) -> Plan {
    let mut open: Vec<bool> = inst.forced.iter().map(|f| *f == Some(true)).collect();
    a.facility.iter().for_each(|&i| open[i] = true);
    Plan {
        sites: sites_of(open),
        teams: a
            .facility
            .iter()
            .map(|&i| vec![(SiteIx(i as u32), 1.0)])
            .collect(),
        units: vec![SiteDecision::Keep; inst.unit_count],
        services: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::generate::Rng;

    /// A random instance: `m` facilities, `n` customers on a 100 x 100 square, cost = demand x distance.
    fn instance(rng: &mut Rng, m: usize, n: usize) -> Instance {
        let at = |rng: &mut Rng| (100.0 * rng.unit(), 100.0 * rng.unit());
        let fac: Vec<(f64, f64)> = (0..m).map(|_| at(rng)).collect();
        let demand: Vec<f64> = (0..n).map(|_| 1.0 + rng.below(20) as f64).collect();
        let total: f64 = demand.iter().sum();
        // Capacities between a quarter and a half of the demand: several facilities needed, capacity binds.
        let capacity: Vec<f64> = (0..m)
            .map(|_| (total * (0.25 + 0.25 * rng.unit())).round())
            .collect();
        let fixed_cost: Vec<f64> = (0..m).map(|_| 200.0 + 800.0 * rng.unit()).collect();
        let arcs = (0..n)
            .map(|_| {
                let c = at(rng);
                fac.iter()
                    .enumerate()
                    .map(|(facility, f)| Arc {
                        facility,
                        unit_cost: ((f.0 - c.0).powi(2) + (f.1 - c.1).powi(2)).sqrt(),
                    })
                    .collect()
            })
            .collect();
        let forced = (0..m)
            .map(|i| (i == 0 && rng.unit() < 0.3).then_some(true))
            .collect();
        Instance {
            fixed_cost,
            capacity,
            total_demand: total,
            demand,
            arcs,
            forced,
            constant: 17.0,
            unit_count: 0,
            split: true,
        }
    }

    /// The optimum by trying every open set.
    fn brute_force(inst: &Instance) -> Option<f64> {
        let m = inst.fixed_cost.len();
        (0..1u32 << m)
            .filter_map(|mask| {
                let open: Vec<bool> = (0..m).map(|i| mask >> i & 1 == 1).collect();
                inst.serve(&open).map(|s| s.cost)
            })
            .min_by(f64::total_cmp)
    }

    #[test]
    fn the_lagrangian_search_proves_the_brute_force_optimum() {
        let mut rng = Rng(42);
        for case in 0..40 {
            let m = 2 + rng.below(7);
            let n = 3 + rng.below(25);
            let inst = instance(&mut rng, m, n);
            let exact = brute_force(&inst);
            let found = lagrange::search(&inst, 60.0, 1e-9);
            assert!(found.proven, "case {case}: not proven");
            match (exact, &found.best) {
                (Some(e), Some(b)) => {
                    assert!(
                        (b.cost - e).abs() <= 1e-6 * e.abs(),
                        "case {case}: {} vs {e}",
                        b.cost
                    );
                    assert!(
                        found.bound <= e + 1e-6 * e.abs(),
                        "case {case}: bound above the optimum"
                    );
                    let plan = plan_of(&inst, b);
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
}
