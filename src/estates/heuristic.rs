//! A greedy drop heuristic: a feasible plan fast, used as the answer of last resort and as the solver's warm
//! start.
//!
//! Start from today (teams without a site go to their cheapest site with room), carry out forced releases, then
//! repeatedly release the site whose release lowers the plan's cost most while every rule still holds, moving its
//! teams to the cheapest kept sites with room. Stop when no release helps. The best release is found lazily (see
//! [`greedy`]), so the heuristic finishes on large estates and its plan does not depend on the machine's speed.

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
    release_with(ctx, p, s, y, false)
}

/// [`release`]; with `eject`, a team that fits nowhere gets room made for it ([`make_room`]).
fn release_with(ctx: &Ctx<'_>, p: &Plan, s: SiteIx, y: u32, eject: bool) -> Option<Plan> {
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
        let placed = place(ctx, &mut next, &mut used, t, Some(s))
            || (eject && make_room(ctx, &mut next, &mut used, t));
        if !placed {
            return None;
        }
    }
    Some(next)
}

/// Places team `t` at one of its kept options after moving one team out of it to that team's cheapest other kept
/// option with room ([`place`]): the cheapest option for `t` first, and there the smallest team that frees enough
/// desks. A chain of one move, which a release guided by the LP relaxation often needs (its teams' options are
/// full of teams the relaxation has placed elsewhere).
fn make_room(ctx: &Ctx<'_>, p: &mut Plan, used: &mut [f64], t: usize) -> bool {
    let ratio = ctx.model.estates.desk_ratio;
    let need = |t: usize| f64::from(ctx.data.teams[t].headcount) * ratio;
    let mut options: Vec<_> = ctx.cand.teams[t]
        .options
        .iter()
        .filter(|o| p.kept(o.site))
        .collect();
    options.sort_by(|a, b| a.annual_cost.total_cmp(&b.annual_cost));
    for o in options {
        let room = f64::from(ctx.data.site(o.site).desks) - used[o.site.ix()];
        let mut there: Vec<usize> = (0..p.teams.len())
            .filter(|&u| {
                u != t && p.teams[u] == [(o.site, 1.0)] && room + need(u) >= need(t) - 1e-9
            })
            .collect();
        there.sort_by_key(|&u| (ctx.data.teams[u].headcount, u));
        for u in there {
            if place(ctx, p, used, u, Some(o.site)) {
                used[o.site.ix()] += need(t) - need(u);
                p.teams[t] = vec![(o.site, 1.0)];
                return true;
            }
        }
    }
    false
}

/// True when the plan keeps every rule group the MILP enforces (except those the model switches off).
pub fn feasible(ctx: &Ctx<'_>, p: &Plan) -> bool {
    broken(ctx, p).is_empty()
}

/// The rule groups a plan breaks (the MILP's own [`Group`]s, named as the checker names them), each with what
/// breaks it in business terms. Empty when the plan keeps every rule the MILP enforces.
pub fn broken(ctx: &Ctx<'_>, p: &Plan) -> Vec<(Group, String)> {
    broken_given(ctx, p, &plan::figures(ctx.data, ctx.cand, p))
}

/// [`broken`] for a plan already costed (`k`, its figures).
fn broken_given(ctx: &Ctx<'_>, p: &Plan, k: &plan::Kpis) -> Vec<(Group, String)> {
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

/// A release worth trying: what it saved when last costed, the site and the year. The queue's order is the
/// saving, then the lower site and year, so the heuristic is the same on every machine.
#[derive(Debug, Clone, Copy)]
struct Trial {
    saving: f64,
    site: usize,
    year: u32,
}

impl PartialEq for Trial {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Trial {}

impl PartialOrd for Trial {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Trial {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.saving
            .total_cmp(&other.saving)
            .then_with(|| other.site.cmp(&self.site))
            .then_with(|| other.year.cmp(&self.year))
    }
}

/// The plan after releasing site `s` in year `y` from `p`, with its cost, when it keeps every rule.
fn costed_release(ctx: &Ctx<'_>, p: &Plan, s: usize, y: u32) -> Option<(f64, Plan)> {
    costed_release_with(ctx, p, s, y, false)
}

/// [`costed_release`], with room made for a team that fits nowhere when `eject` (see [`release_with`]).
pub(super) fn costed_release_with(
    ctx: &Ctx<'_>,
    p: &Plan,
    s: usize,
    y: u32,
    eject: bool,
) -> Option<(f64, Plan)> {
    let next = release_with(ctx, p, SiteIx(s as u32), y, eject)?;
    let k = plan::figures(ctx.data, ctx.cand, &next);
    broken_given(ctx, &next, &k)
        .is_empty()
        .then_some((k.plan_cost, next))
}

/// Today's plan with teams without a site placed and forced releases made; `None` when it breaks a rule.
pub(super) fn starting_plan(ctx: &Ctx<'_>) -> Option<Plan> {
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
    feasible(ctx, &p).then_some(p)
}

/// Runs the heuristic; `None` when even the starting plan breaks a rule.
///
/// Every release is costed once against the starting plan; then the release that saved most is costed again
/// against the plan as it now stands and made when it still saves at least what the next one saved when last
/// costed, or put back with its new saving (lazy greedy: a release's saving is costed again only when it might be
/// the best). A release that no longer saves, or breaks a rule, is dropped. So the heuristic costs each site a
/// few times, not once per release made, and finishes on an estate of 1,000 sites and 10,000 teams. Past
/// `deadline` it returns the plan so far (every plan on the way keeps every rule), the first costing included.
pub fn greedy(ctx: &Ctx<'_>, deadline: Option<std::time::Instant>) -> Option<Plan> {
    Some(descend(ctx, starting_plan(ctx)?, deadline))
}

/// The greedy's releases from plan `p`, which keeps every rule (see [`greedy`]).
pub(super) fn descend(ctx: &Ctx<'_>, mut p: Plan, deadline: Option<std::time::Instant>) -> Plan {
    let mut cost = plan::figures(ctx.data, ctx.cand, &p).plan_cost;
    let saves = |c: f64, cost: f64| c < cost - 1e-6;
    let mut queue = std::collections::BinaryHeap::new();
    let past = || deadline.is_some_and(|d| std::time::Instant::now() > d);
    // Each costing reads the whole plan, so on a large estate the first costing alone can outlast the deadline
    // (10,000 sites and 100,000 teams: about 300 s). The dearest sites to keep go first, so a costing cut short
    // by the deadline has seen the releases likely to save most.
    let mut sites: Vec<usize> = (0..ctx.data.sites.len())
        .filter(|&s| ctx.cand.sites[s].releasable && p.kept(SiteIx(s as u32)))
        .collect();
    sites.sort_by(|&a, &b| {
        ctx.cand.sites[b]
            .yearly
            .total_cmp(&ctx.cand.sites[a].yearly)
    });
    for site in sites {
        if past() {
            break;
        }
        for year in years_to_try(ctx.cand, site) {
            if let Some((c, _)) =
                costed_release(ctx, &p, site, year).filter(|(c, _)| saves(*c, cost))
            {
                queue.push(Trial {
                    saving: cost - c,
                    site,
                    year,
                });
            }
        }
    }
    while let Some(trial) = queue.pop() {
        if past() {
            break;
        }
        if !p.kept(SiteIx(trial.site as u32)) {
            continue;
        }
        let Some((c, next)) = costed_release(ctx, &p, trial.site, trial.year) else {
            continue;
        };
        if !saves(c, cost) {
            continue;
        }
        let saving = cost - c;
        if queue.peek().is_none_or(|n| saving >= n.saving) {
            (p, cost) = (next, c);
        } else {
            queue.push(Trial { saving, ..trial });
        }
    }
    p
}
