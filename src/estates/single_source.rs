//! The single-source facility location strategy ([`cfl::single`]: Lagrangian branch and bound with exact
//! knapsacks), taken for estates models of that shape (each team whole at one site). Its plan is an ordinary
//! [`crate::plan::Plan`], costed by [`crate::plan::evaluate`] and checked by the independent checker.

use super::milp::Ctx;
use super::{EstatesPlan, SolveOptions, cfl, searched};
use crate::solve::{Outcome, is_whole};

/// How the strategy ended and its seconds, or `None` when it does not apply (demands or capacities not whole,
/// knapsacks too large), so the caller solves the whole model by the generic MILP as before.
pub(super) fn solve(
    ctx: &Ctx<'_>,
    inst: &cfl::Instance,
    opts: SolveOptions,
    log: &mut dyn FnMut(String),
) -> Option<(Outcome<EstatesPlan>, f64)> {
    let started = std::time::Instant::now();
    // The solver's relative gap, at least 1e-9: subgradient bounds approach the dual optimum without reaching it.
    let found = cfl::single::search(
        inst,
        opts.limits.seconds_left(),
        opts.limits.gap.max(1e-9),
        whole_costs(inst),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let (root, left, arcs) = found.root;
    log(format!(
        "strategy: single-source facility location ({} sites, {} teams): Lagrangian branch and bound; root bound \
         {root:.4} with {left} of {arcs} arcs left; {} nodes in {seconds:.2} s, bound {:.4}",
        inst.fixed_cost.len(),
        inst.demand.len(),
        found.nodes,
        found.bound
    ));
    let plan = found
        .best
        .as_ref()
        .map(|b| EstatesPlan::costed(ctx.data, ctx.cand, cfl::single_plan(inst, b)));
    // Every node closed without a plan: the generic MILP proves it again and names the rules in conflict.
    if plan.is_none() && found.proven {
        return None;
    }
    Some((searched(plan, found.proven, found.bound), seconds))
}

/// Every plan's cost is a whole number: whole fixed costs, whole arc costs and a whole constant.
fn whole_costs(inst: &cfl::Instance) -> bool {
    is_whole(inst.constant)
        && inst.fixed_cost.iter().all(|&f| is_whole(f))
        && inst
            .arcs
            .iter()
            .zip(&inst.demand)
            .all(|(arcs, &d)| arcs.iter().all(|a| is_whole(a.unit_cost * d)))
}
