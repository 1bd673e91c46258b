//! A greedy drop heuristic: a feasible plan fast, used as the answer of last resort and as the solver's warm
//! start.
//!
//! Start from today (teams without a site go to their cheapest site with room), carry out forced releases, then
//! repeatedly release the site whose release lowers the plan's cost most while every rule still holds, moving its
//! teams to the cheapest kept sites with room. Stop when no release helps.

use super::candidates::Candidates;
use super::milp::{Ctx, Group};
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
pub(crate) fn release(ctx: &Ctx<'_>, p: &Plan, s: SiteIx, y: u32) -> Option<Plan> {
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
    broken(ctx, p).is_empty()
}

/// The rule groups a plan breaks (the MILP's own [`Group`]s, named as the checker names them), each with what
/// breaks it in business terms. Empty when the plan keeps every rule the MILP enforces.
pub fn broken(ctx: &Ctx<'_>, p: &Plan) -> Vec<(Group, String)> {
    let mut out = Vec::new();
    let used = load(ctx, p);
    let e = &ctx.model.estates;
    let data = ctx.data;
    let desks = p.desks_kept(data);
    let over: Vec<&str> = data
        .sites
        .iter()
        .enumerate()
        .filter(|&(s, _)| {
            let placed_here = used[s] > 1e-9;
            placed_here && !(p.kept(SiteIx(s as u32)) && used[s] <= desks[s] + 1e-6)
        })
        .map(|(_, site)| site.id.as_str())
        .collect();
    if !over.is_empty() {
        out.push((
            Group::Capacity,
            format!("more desks needed than kept at {}", list(&over)),
        ));
    }
    let unplaced: Vec<&str> = (0..p.teams.len())
        .filter(|&t| p.teams[t].is_empty())
        .map(|t| data.teams[t].id.as_str())
        .collect();
    if !unplaced.is_empty() {
        out.push((
            Group::Assign,
            format!("teams without a site: {}", list(&unplaced)),
        ));
    }
    if e.access.enabled {
        let lost: Vec<&str> = ctx
            .cand
            .access
            .iter()
            .filter(|n| !n.cover.is_empty() && !n.cover.iter().any(|&s| p.kept(s)))
            .map(|n| data.zones[n.zone].id.as_str())
            .collect();
        if !lost.is_empty() {
            out.push((
                Group::Access,
                format!(
                    "zones {} would have no kept public-facing site within {} km",
                    list(&lost),
                    e.access.max_km
                ),
            ));
        }
        for (borough, sites) in &ctx.cand.borough_sites {
            let need = (e.access.min_sites_per_borough as usize).min(sites.len());
            let kept = sites.iter().filter(|&&s| p.kept(s)).count();
            if kept < need {
                out.push((
                    Group::Borough,
                    format!("{borough} would keep {kept} public-facing sites, fewer than {need}"),
                ));
            }
        }
    }
    let k = plan::figures(data, ctx.cand, p);
    if k.mean_staff_move_km > e.staff.max_mean_increase_km + 1e-6 {
        out.push((
            Group::Staff,
            format!(
                "staff would move {:.2} km on average, more than the {} km allowed",
                k.mean_staff_move_km, e.staff.max_mean_increase_km
            ),
        ));
    }
    if let Some(cap) = e.budget.capital_per_year {
        for (y, c) in k.one_off_by_year.iter().enumerate() {
            if *c > cap + 1e-6 {
                out.push((
                    Group::Budget,
                    format!(
                        "one-off costs in year {} would be GBP {}, above the GBP {} a year allowed",
                        y + 1,
                        crate::text::money(*c),
                        crate::text::money(cap)
                    ),
                ));
            }
        }
    }
    if e.partners_no_worse {
        let worse: Vec<&str> = k
            .savings_by_partner
            .iter()
            .filter(|(_, v)| **v < -1e-6)
            .map(|(p, _)| p.as_str())
            .collect();
        if !worse.is_empty() {
            out.push((
                Group::Partners,
                format!("{} would be worse off", list(&worse)),
            ));
        }
    }
    out
}

/// Up to five names, then how many more.
pub fn list(names: &[&str]) -> String {
    if names.len() <= 5 {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..5].join(", "), names.len() - 5)
    }
}

/// Years worth trying for a release: year 1 and the first year its exit penalty is at its lowest (a lease's break
/// passed: nothing, or only its dilapidations, left to pay).
pub(crate) fn years_to_try(cand: &Candidates, s: usize) -> Vec<u32> {
    let mut ys = vec![1];
    let penalty: Vec<f64> = cand.sites[s].release.iter().map(|r| r.penalty).collect();
    let lowest = penalty.iter().copied().fold(f64::INFINITY, f64::min);
    if let Some(free) = penalty.iter().position(|&p| p <= lowest)
        && free > 0
    {
        ys.push(free as u32 + 1);
    }
    ys
}

/// Runs the heuristic; `None` when even the starting plan breaks a rule. Past `deadline` it stops releasing
/// and returns the plan so far (every plan on the way keeps every rule): it is a warm start, and on a large
/// estate each round tries every kept site.
pub fn greedy(ctx: &Ctx<'_>, deadline: Option<std::time::Instant>) -> Option<Plan> {
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
    let mut cost = plan::figures(ctx.data, ctx.cand, &p).plan_cost;
    loop {
        if deadline.is_some_and(|d| std::time::Instant::now() > d) {
            return Some(p);
        }
        let mut best: Option<(f64, Plan)> = None;
        for s in 0..ctx.data.sites.len() {
            if !ctx.cand.sites[s].releasable || !p.kept(SiteIx(s as u32)) {
                continue;
            }
            for y in years_to_try(ctx.cand, s) {
                let Some(next) = release(ctx, &p, SiteIx(s as u32), y) else {
                    continue;
                };
                let c = plan::figures(ctx.data, ctx.cand, &next).plan_cost;
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
