//! A greedy drop heuristic: a feasible plan fast, used as the answer of last resort and as the solver's warm
//! start.
//!
//! Start from today (teams without a site go to their cheapest site with room), carry out forced releases, then
//! repeatedly release the site whose release lowers the plan's cost most while every rule still holds, moving its
//! teams to the cheapest kept sites with room. Stop when no release helps.

use super::candidates::Candidates;
use super::milp::Ctx;
use crate::domain::SiteIx;
use crate::plan::{self, Plan, SiteDecision};

/// Desks in use at each site under a plan.
fn load(ctx: &Ctx<'_>, p: &Plan) -> Vec<f64> {
    let ratio = ctx.model.estates.desk_ratio;
    let mut used = vec![0.0; ctx.data.sites.len()];
    for (t, shares) in p.teams.iter().enumerate() {
        for &(s, f) in shares {
            used[s.ix()] += f * f64::from(ctx.data.teams[t].headcount) * ratio;
        }
    }
    used
}

/// Places team `t` whole at its cheapest kept option with room, other than `avoid`.
fn place(ctx: &Ctx<'_>, p: &mut Plan, used: &mut [f64], t: usize, avoid: Option<SiteIx>) -> bool {
    let need = f64::from(ctx.data.teams[t].headcount) * ctx.model.estates.desk_ratio;
    let best = ctx.cand.teams[t]
        .options
        .iter()
        .filter(|o| Some(o.site) != avoid && p.kept(o.site))
        .filter(|o| used[o.site.ix()] + need <= f64::from(ctx.data.site(o.site).desks) + 1e-9)
        .min_by(|a, b| {
            (a.annual_cost, a.move_km)
                .partial_cmp(&(b.annual_cost, b.move_km))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    match best {
        Some(o) => {
            used[o.site.ix()] += need;
            p.teams[t] = vec![(o.site, 1.0)];
            true
        }
        None => false,
    }
}

/// Releases `s` in year `y` and re-places the teams there; `None` when they do not fit.
fn release(ctx: &Ctx<'_>, p: &Plan, s: SiteIx, y: u32) -> Option<Plan> {
    let mut next = p.clone();
    next.sites[s.ix()] = SiteDecision::Release(y);
    let mut used = load(ctx, &next);
    let mut movers: Vec<usize> = (0..next.teams.len())
        .filter(|&t| next.teams[t].iter().any(|&(x, _)| x == s))
        .collect();
    movers.sort_by_key(|&t| std::cmp::Reverse(ctx.data.teams[t].headcount));
    let ratio = ctx.model.estates.desk_ratio;
    for &t in &movers {
        used[s.ix()] -= f64::from(ctx.data.teams[t].headcount) * ratio;
        if !place(ctx, &mut next, &mut used, t, Some(s)) {
            return None;
        }
    }
    Some(next)
}

/// True when the plan keeps every rule group the MILP enforces (except those the model switches off).
pub fn feasible(ctx: &Ctx<'_>, p: &Plan) -> bool {
    let used = load(ctx, p);
    let e = &ctx.model.estates;
    let cap_ok = ctx.data.sites.iter().enumerate().all(|(s, site)| {
        let placed_here = used[s] > 1e-9;
        !placed_here || (p.kept(SiteIx(s as u32)) && used[s] <= f64::from(site.desks) + 1e-6)
    });
    let placed = p.teams.iter().all(|t| !t.is_empty());
    let access_ok = !e.access.enabled
        || ctx
            .cand
            .access
            .iter()
            .all(|n| n.cover.is_empty() || n.cover.iter().any(|&s| p.kept(s)))
            && ctx.cand.borough_sites.values().all(|sites| {
                let need = (e.access.min_sites_per_borough as usize).min(sites.len());
                sites.iter().filter(|&&s| p.kept(s)).count() >= need
            });
    let k = plan::evaluate(ctx.data, ctx.cand, p);
    let staff_ok = k.mean_staff_move_km <= e.staff.max_mean_increase_km + 1e-6;
    let budget_ok = e
        .budget
        .capital_per_year
        .is_none_or(|cap| k.one_off_by_year.iter().all(|&c| c <= cap + 1e-6));
    let partners_ok = !e.partners_no_worse || k.savings_by_partner.values().all(|&v| v >= -1e-6);
    cap_ok && placed && access_ok && staff_ok && budget_ok && partners_ok
}

/// Years worth trying for a release: year 1 and the first year without an exit penalty.
fn years_to_try(cand: &Candidates, s: usize) -> Vec<u32> {
    let mut ys = vec![1];
    if let Some(free) = cand.sites[s].penalty.iter().position(|&p| p == 0.0)
        && free > 0
    {
        ys.push(free as u32 + 1);
    }
    ys
}

/// Runs the heuristic; `None` when even the starting plan breaks a rule.
pub fn greedy(ctx: &Ctx<'_>) -> Option<Plan> {
    let mut p = Plan::baseline(ctx.data);
    let mut used = load(ctx, &p);
    for t in 0..p.teams.len() {
        if p.teams[t].is_empty() && !place(ctx, &mut p, &mut used, t, None) {
            return None;
        }
    }
    for s in 0..ctx.data.sites.len() {
        if ctx.cand.sites[s].forced {
            let y = years_to_try(ctx.cand, s).last().copied().unwrap_or(1);
            p = release(ctx, &p, SiteIx(s as u32), y)?;
        }
    }
    if !feasible(ctx, &p) {
        return None;
    }
    let mut cost = plan::evaluate(ctx.data, ctx.cand, &p).plan_cost;
    loop {
        let mut best: Option<(f64, Plan)> = None;
        for s in 0..ctx.data.sites.len() {
            if !ctx.cand.sites[s].releasable || !p.kept(SiteIx(s as u32)) {
                continue;
            }
            for y in years_to_try(ctx.cand, s) {
                let Some(next) = release(ctx, &p, SiteIx(s as u32), y) else {
                    continue;
                };
                let c = plan::evaluate(ctx.data, ctx.cand, &next).plan_cost;
                if c < cost - 1e-6
                    && best.as_ref().is_none_or(|(b, _)| c < *b)
                    && feasible(ctx, &next)
                {
                    best = Some((c, next));
                }
            }
        }
        match best {
            Some((c, next)) => {
                cost = c;
                p = next;
            }
            None => return Some(p),
        }
    }
}
