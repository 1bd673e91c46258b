//! Reading a plan out of solver values, and writing a plan as solver values (the warm start).

use super::milp::{Ctx, Vars};
use crate::domain::SiteIx;
use crate::plan::{Plan, SiteDecision};
use good_lp::Variable;

/// Where each variable sits among the columns (good_lp does not expose a variable's index).
pub use crate::solve::kit::column_index;

/// Reads a plan from column values.
pub fn plan_from(ctx: &Ctx<'_>, vars: &Vars, values: &[f64]) -> Plan {
    let index = column_index(&vars.columns);
    let value = |v: Variable| index.get(&v).map_or(0.0, |&i| values[i]);
    let decisions = |release: &[Vec<Option<Variable>>]| -> Vec<SiteDecision> {
        release
            .iter()
            .map(|years| {
                years
                    .iter()
                    .enumerate()
                    .find(|(_, v)| v.is_some_and(|v| value(v) > 0.5))
                    .map_or(SiteDecision::Keep, |(y, _)| {
                        SiteDecision::Release(y as u32 + 1)
                    })
            })
            .collect()
    };
    let sites = decisions(&vars.release);
    let units = decisions(&vars.units);
    let teams = vars
        .assign
        .iter()
        .enumerate()
        .map(|(t, xs)| {
            let mut shares: Vec<(SiteIx, f64)> = xs
                .iter()
                .enumerate()
                .map(|(o, v)| (ctx.cand.teams[t].options[o].site, value(*v)))
                .filter(|&(_, f)| f > 1e-6)
                .collect();
            if !ctx.model.estates.split {
                // Whole teams: keep the largest share only (integrality tolerance leaves crumbs).
                shares.sort_by(|a, b| b.1.total_cmp(&a.1));
                shares.truncate(1);
                shares.iter_mut().for_each(|s| s.1 = 1.0);
            }
            let total: f64 = shares.iter().map(|s| s.1).sum();
            shares.iter_mut().for_each(|s| s.1 /= total.max(1e-12));
            shares
        })
        .collect();
    let services = super::services::plan_from(ctx.data, &ctx.cand.services, &vars.services, value);
    Plan {
        sites,
        units,
        teams,
        services,
    }
}

/// Column values of a plan, for a warm start.
pub fn values_of(ctx: &Ctx<'_>, vars: &Vars, plan: &Plan) -> Vec<f64> {
    let mut values = vec![0.0; vars.columns.len()];
    let index = column_index(&vars.columns);
    let released = vars.release.iter().zip(&plan.sites);
    for (years, decision) in released.chain(vars.units.iter().zip(&plan.units)) {
        if let SiteDecision::Release(y) = decision
            && let Some(Some(v)) = years.get(*y as usize - 1)
        {
            values[index[v]] = 1.0;
        }
    }
    for (t, xs) in vars.assign.iter().enumerate() {
        for &(site, f) in &plan.teams[t] {
            if let Some(o) = ctx.cand.teams[t]
                .options
                .iter()
                .position(|p| p.site == site)
            {
                values[index[&xs[o]]] = f;
            }
        }
    }
    super::services::warm_values(&vars.services, &index, &mut values, &vars.assign);
    values
}
