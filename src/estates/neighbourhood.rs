//! Large-neighbourhood search: the estates strategy for models too large for one branch and bound.
//!
//! On a generated estate of 1,000 sites and 10,000 teams (264,000 binaries) microlp neither solves the root LP
//! nor finds a plan within minutes, and the greedy heuristic, which re-costs the whole plan for every site it
//! tries, has not finished its rounds either. Yet a window of a dozen neighbouring sites, with everything else
//! held where the best plan so far has it, is a model of GM's size that microlp solves in a fraction of a second.
//! So the search starts from a plan that keeps every rule and improves it one window at a time: the window's
//! sites may be kept or released in any year (with their units), and the teams working in the window today or in
//! the plan may move among the window's sites, their own site today and the site the plan gives them. The
//! window's model is the whole model with every other column fixed at the plan's value (the rows keep their
//! global form, so the capital budget, the mean staff move and access hold across windows), and its warm start
//! is the plan itself, so a window never makes the plan worse. A sweep takes windows around seeds no earlier
//! window of the sweep covered; the search ends at its deadline or after a sweep that changed nothing.
//!
//! Once the LP relaxation is known, each sweep begins with **exchange windows**: the sites the relaxation and
//! the plan release in different years (or one releases and the other keeps), wherever they lie, with their
//! teams free to move to any site the relaxation or the plan gives them. The capital budget is one row a year
//! over the whole estate, so which sites spend year 1's budget is a choice between sites far apart, which no
//! window of neighbours can make (the 1,000-site case: the relaxation releases 208 sites in year 1, the plan
//! had 169).
//!
//! Before the first guided sweep the search also tries a plan **rounded from the relaxation** (see
//! [`super::rounding`]: the relaxation's releases made one by one where they keep every rule) and goes on from it
//! when it costs less: on the 1,000-site case GBP 4,060m of plan cost at about 65 s, against 4,371-4,609m after the
//! unguided sweep, and 0.25% from the bound at the end (2.6% without it).
//!
//! The guide reads the relaxation at a vertex of its optimal face ([`crate::solve::vertex`], 0.1-0.2 s on the
//! 1,000-site case) rather than at Clarabel's interior point: 521 integer columns are fractional there against
//! 5,349, so a guided window frees the options of far fewer teams and the sweeps take half the time (GBP
//! 4,162-4,172m of plan cost at 145-152 s; the interior point's guide needed about 297 s for 4,151-4,163m). When
//! a sweep guided by the vertex changes nothing, the search goes on guided by the interior point, whose windows
//! differ (GBP 4,157m at 297 s).
//!
//! The strategy applies to models with more integer columns than the model file's `solver.neighbourhoods_above`
//! (50,000 by default) when the solver is microlp.
//!
//! The plan is a heuristic answer; its bound comes from elsewhere (the LP relaxation's duals, see
//! [`crate::solve::fixing`]), and the plan is reported as feasible with that bound and the gap.

use super::milp::{Ctx, Vars};
use crate::domain::SiteIx;
use crate::geo::haversine_km;
use crate::solve::fixing::{Relaxation, Restricted};
use crate::solve::sparse::Sparse;
use crate::solve::{Limits, Outcome};
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Sites in a window: the seed and its nearest neighbours.
const WINDOW: usize = 12;

/// The most seconds one window's model may take (its warm start is the plan, so a window stopped early returns
/// a plan at least as good).
const WINDOW_SECONDS: f64 = 2.0;

/// How the search ended.
#[derive(Debug, Clone)]
pub struct Found {
    /// Column values of the best plan.
    pub x: Vec<f64>,
    /// Its cost (the model's objective).
    pub cost: f64,
    /// Windows solved.
    pub windows: usize,
    /// Windows that improved the plan.
    pub improved: usize,
    /// Sweeps begun.
    pub sweeps: usize,
}

/// What the LP relaxation tells the search, once it is solved.
#[derive(Debug, Clone)]
pub struct Guide {
    /// Columns the relaxation uses (value above 0.001): a window frees a team's option only when the
    /// relaxation or the plan uses it, so windows are small and can be wide.
    pub support: Vec<bool>,
    /// Per site and year (`released_in[site][year]`), the relaxation's release columns and its units' (how far it
    /// releases the site or parts of it).
    pub released_in: Vec<Vec<f64>>,
    /// The relaxation's proven bound on the plan cost.
    pub bound: Option<f64>,
    /// When this guide reads a vertex of the relaxation's optimal face: the interior point's reading, which the
    /// search turns to once the vertex's windows change nothing.
    pub then: Option<Box<Guide>>,
}

/// A column value above this is in the relaxation's support.
const SUPPORT: f64 = 1e-3;

/// Sites in a window once the relaxation guides the search (its windows free far fewer columns).
const GUIDED_WINDOW: usize = 24;

impl Guide {
    /// The guide of a solved relaxation `lp` of `model`: read at a vertex of its optimal face (see
    /// [`crate::solve::vertex`], within `limits`), with Clarabel's interior point to turn to, or at the interior
    /// point alone when no vertex is found.
    fn of(model: &Sparse, index: &Index, lp: &Relaxation, limits: Limits) -> Guide {
        let bound = crate::solve::fixing::dual_of(model, &lp.prices).map(|d| d.bound);
        let inside = Guide::reading(index, &lp.x, bound);
        match crate::solve::vertex::of(model, lp, limits) {
            Some(v) => Guide {
                then: Some(Box::new(inside)),
                ..Guide::reading(index, &v, bound)
            },
            None => inside,
        }
    }

    /// The relaxation read at column values `x`, with its proven `bound`.
    fn reading(index: &Index, x: &[f64], bound: Option<f64>) -> Guide {
        let released_in: Vec<Vec<f64>> = index
            .years
            .iter()
            .map(|years| years.iter().map(|cols| sum_of(cols, x)).collect())
            .collect();
        Guide {
            support: x.iter().map(|&v| v > SUPPORT).collect(),
            released_in,
            bound,
            then: None,
        }
    }

    /// How differently the relaxation and plan `x` release site `s`: the year-by-year differences summed.
    fn mismatch(&self, index: &Index, s: usize, x: &[f64]) -> f64 {
        let planned = index.years[s].iter().map(|cols| sum_of(cols, x));
        planned
            .zip(&self.released_in[s])
            .map(|(p, lp)| (p - lp).abs())
            .sum()
    }
}

impl Found {
    /// Takes the plan rounded from the relaxation (column values `x`, see [`super::rounding`]) when it keeps
    /// every row and costs less than the plan so far.
    fn adopt(&mut self, model: &Sparse, x: Option<Vec<f64>>, log: &mut dyn FnMut(String)) {
        let Some(x) = x.filter(|x| model.keeps(x, 1e-6)) else {
            return;
        };
        let cost = model.objective(&x);
        log(format!(
            "neighbourhoods: the plan rounded from the relaxation costs {cost:.2} (the plan so far {:.2})",
            self.cost
        ));
        if cost < self.cost - 1e-9 * self.cost.abs().max(1.0) {
            self.x = x;
            self.cost = cost;
        }
    }

    /// Solves the window that frees `free` from the plan, which it replaces when the window finds a better one.
    fn window(&mut self, model: &Sparse, free: &[usize], limits: &Limits) {
        self.windows += 1;
        if let Some((x, c)) = improve(model, &self.x, self.cost, free, window_limits(limits)) {
            self.x = x;
            self.cost = c;
            self.improved += 1;
        }
    }
}

/// The values of `cols` in `x`, summed.
fn sum_of(cols: &[usize], x: &[f64]) -> f64 {
    cols.iter().map(|&j| x[j]).sum()
}

/// The model's columns by what they decide.
struct Index {
    /// Per site: its release columns and those of its units.
    site: Vec<Vec<usize>>,
    /// The same per site and year (`years[site][year]`).
    years: Vec<Vec<Vec<usize>>>,
    /// Per team: each option's site and column.
    team: Vec<Vec<(SiteIx, usize)>>,
}

impl Index {
    fn of(ctx: &Ctx<'_>, vars: &Vars) -> Index {
        let col = crate::solve::kit::column_index(&vars.columns);
        let mut years: Vec<Vec<Vec<usize>>> = vars
            .release
            .iter()
            .map(|ys| {
                ys.iter()
                    .map(|v| v.iter().map(|v| col[v]).collect())
                    .collect()
            })
            .collect();
        for (u, ys) in vars.units.iter().enumerate() {
            let s = ctx.data.units[u].site.ix();
            for (y, v) in ys.iter().enumerate() {
                years[s][y].extend(v.iter().map(|v| col[v]));
            }
        }
        let site = years.iter().map(|ys| ys.concat()).collect();
        let team = vars
            .assign
            .iter()
            .enumerate()
            .map(|(t, xs)| {
                let options = &ctx.cand.teams[t].options;
                options
                    .iter()
                    .zip(xs)
                    .map(|(o, v)| (o.site, col[v]))
                    .collect()
            })
            .collect();
        Index { site, years, team }
    }

    /// The site where team `t` works most in plan `x`.
    fn placed(&self, t: usize, x: &[f64]) -> Option<SiteIx> {
        self.team[t]
            .iter()
            .max_by(|a, b| x[a.1].total_cmp(&x[b.1]))
            .filter(|&&(_, j)| x[j] > 1e-6)
            .map(|&(s, _)| s)
    }
}

/// The `k` sites nearest to `seed` (itself first); sites without a location are never neighbours.
fn window(ctx: &Ctx<'_>, seed: usize, k: usize) -> Vec<usize> {
    let sites = &ctx.data.sites;
    let Some(at) = sites[seed].location else {
        return vec![seed];
    };
    let mut near: Vec<(f64, usize)> = sites
        .iter()
        .enumerate()
        .filter(|&(s, _)| s != seed)
        .filter_map(|(s, site)| site.location.map(|l| (haversine_km(at, l), s)))
        .collect();
    let k = k.saturating_sub(1).min(near.len());
    if k < near.len() {
        near.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0));
        near.truncate(k);
    }
    std::iter::once(seed)
        .chain(near.into_iter().map(|(_, s)| s))
        .collect()
}

/// The columns a window frees: its sites' release columns, and for every team working in the window today or
/// in plan `x`, its options at the window's sites, at its own site today and at its site in the plan (with a
/// guide, only the options the relaxation or the plan uses; `anywhere`, such options at any site).
fn free_columns(
    ctx: &Ctx<'_>,
    index: &Index,
    sites: &[usize],
    x: &[f64],
    guide: Option<&Guide>,
    anywhere: bool,
) -> Vec<usize> {
    let inside: BTreeSet<usize> = sites.iter().copied().collect();
    let mut free: Vec<usize> = sites.iter().flat_map(|&s| index.site[s].clone()).collect();
    for (t, options) in index.team.iter().enumerate() {
        let today = ctx.data.teams[t].site;
        let placed = index.placed(t, x);
        let touches = |s: Option<SiteIx>| s.is_some_and(|s| inside.contains(&s.ix()));
        if !touches(today) && !touches(placed) {
            continue;
        }
        let reach = |s: SiteIx| {
            anywhere || inside.contains(&s.ix()) || Some(s) == today || Some(s) == placed
        };
        let used = |j: usize| guide.is_none_or(|g| g.support[j] || x[j] > 0.5);
        free.extend(
            options
                .iter()
                .filter(|&&(s, j)| reach(s) && used(j))
                .map(|&(_, j)| j),
        );
    }
    free
}

/// One window's model solved from the plan `x`: the better plan it finds, with its cost, if any.
fn improve(
    model: &Sparse,
    x: &[f64],
    cost: f64,
    free: &[usize],
    limits: Limits,
) -> Option<(Vec<f64>, f64)> {
    let (mut lo, mut up) = (x.to_vec(), x.to_vec());
    for &j in free {
        lo[j] = model.lo[j];
        up[j] = model.up[j];
    }
    let narrowed = Restricted::presolved(model, &lo, &up);
    if narrowed.broken {
        return None;
    }
    let start = narrowed.narrow(x);
    let raw = crate::solve::classic(&narrowed.model, limits, Some(&start));
    let found = match raw {
        Outcome::Optimal(v) | Outcome::Feasible { plan: v, .. } => narrowed.widen(&v),
        _ => return None,
    };
    let better = model.objective(&found);
    let worth = better < cost - 1e-9 * cost.abs().max(1.0);
    (worth && model.keeps(&found, 1e-6)).then_some((found, better))
}

/// One window's limits: [`WINDOW_SECONDS`], within the search's own.
fn window_limits(limits: &Limits) -> Limits {
    let end = Instant::now() + std::time::Duration::from_secs_f64(WINDOW_SECONDS);
    Limits {
        deadline: limits.deadline.min(end),
        ..*limits
    }
}

/// The release columns (every year) of the sites plan `x` releases.
fn released_columns(index: &Index, x: &[f64]) -> Vec<usize> {
    index
        .site
        .iter()
        .filter(|cols| cols.iter().any(|&j| x[j] > 0.5))
        .flat_map(|cols| cols.iter().copied())
        .collect()
}

/// Sites in an exchange window.
const EXCHANGE: usize = 16;

/// A site is in an exchange window when the relaxation and the plan release it this differently (summed over the
/// years: 1 when they release it in different years, or one releases it and the other does not).
const MISMATCH: f64 = 0.5;

/// Exchange windows: the sites the relaxation and plan `x` release most differently, [`EXCHANGE`] to a window,
/// wherever they lie. The capital budget is one row per year over the whole estate, so the relaxation's timing
/// (which sites spend year 1's budget) can only be reached by windows that hold sites far apart; their teams
/// may move to any site the relaxation or the plan gives them.
/// In odd `round`s the windows deal the sites out in turn (the first, the n-th, ...) rather than in runs, so
/// that a site meets other partners.
fn exchanges(index: &Index, guide: &Guide, x: &[f64], round: usize) -> Vec<Vec<usize>> {
    let mut sites: Vec<(f64, usize)> = (0..index.site.len())
        .map(|s| (guide.mismatch(index, s, x), s))
        .filter(|&(m, _)| m > MISMATCH)
        .collect();
    sites.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let sites: Vec<usize> = sites.into_iter().map(|(_, s)| s).collect();
    if round.is_multiple_of(2) {
        return sites.chunks(EXCHANGE).map(<[usize]>::to_vec).collect();
    }
    let n = sites.len().div_ceil(EXCHANGE);
    (0..n)
        .map(|w| sites.iter().skip(w).step_by(n).copied().collect())
        .collect()
}

/// Rounds of exchange windows ([`exchanges`]) at most, before a sweep of neighbourhoods.
const EXCHANGE_ROUNDS: usize = 6;

/// Exchange windows, round after round while they improve the plan (at most [`EXCHANGE_ROUNDS`]).
#[allow(clippy::too_many_arguments)]
fn exchange(
    ctx: &Ctx<'_>,
    index: &Index,
    model: &Sparse,
    guide: &Guide,
    found: &mut Found,
    limits: &Limits,
    stop: &dyn Fn(&Found) -> bool,
    started: Instant,
    log: &mut dyn FnMut(String),
) {
    for round in 0..EXCHANGE_ROUNDS {
        let (windows, improved, before) = (found.windows, found.improved, found.cost);
        for sites in exchanges(index, guide, &found.x, round) {
            if stop(found) {
                return;
            }
            let free = free_columns(ctx, index, &sites, &found.x, Some(guide), true);
            found.window(model, &free, limits);
        }
        log(format!(
            "neighbourhoods: {} exchange windows, {} improved, plan cost {:.2} at {:.1} s",
            found.windows - windows,
            found.improved - improved,
            found.cost,
            started.elapsed().as_secs_f64()
        ));
        if found.cost >= before - 1e-9 * before.abs().max(1.0) {
            return;
        }
    }
}

/// The order in which sites seed windows: without a guide, largest running cost first (where a release saves
/// most); with one, the sites where the relaxation and the plan disagree most first.
fn seeds(ctx: &Ctx<'_>, index: &Index, x: &[f64], guide: Option<&Guide>) -> Vec<usize> {
    let mut seeds: Vec<(f64, usize)> = (0..ctx.data.sites.len())
        .filter(|&s| !index.site[s].is_empty())
        .map(|s| {
            let yearly = ctx.cand.sites[s].yearly;
            let key = guide.map_or(yearly, |g| {
                let released: f64 = g.released_in[s].iter().sum();
                (released - sum_of(&index.site[s], x)).abs() + 1e-12 * yearly
            });
            (key, s)
        })
        .collect();
    seeds.sort_by(|a, b| b.0.total_cmp(&a.0));
    seeds.into_iter().map(|(_, s)| s).collect()
}

/// What the search reads of the LP relaxation: its guide, set once it is solved (`None` inside when it failed),
/// and how to round a guide to a plan's column values ([`super::rounding`]).
#[derive(Clone, Copy)]
struct Relaxed<'a> {
    guide: &'a OnceLock<Option<Guide>>,
    round: &'a dyn Fn(&Guide) -> Option<Vec<f64>>,
}

/// Searches from `start` (column values of a plan that keeps every row) until `limits`' deadline, a sweep that
/// changes nothing, or a plan within the limits' gap of the guide's bound. `guide` is read between windows: the
/// relaxation may arrive while the search runs (it is `None` inside once it failed), and restarts the sweep once;
/// an unguided sweep that changes nothing waits for it. `log` hears each sweep.
fn search(
    ctx: &Ctx<'_>,
    index: &Index,
    model: &Sparse,
    start: Vec<f64>,
    limits: Limits,
    relaxed: Relaxed<'_>,
    log: &mut dyn FnMut(String),
) -> Found {
    let Relaxed {
        guide: relaxation,
        round,
    } = relaxed;
    let pending = || relaxation.get().is_none();
    let mut rounded = false;
    // Which reading of the relaxation guides the windows: the vertex, then the interior point.
    let turned = std::cell::Cell::new(false);
    let guide = || {
        let g = relaxation.get().and_then(|g| g.as_ref());
        match g.and_then(|g| g.then.as_deref()) {
            Some(inside) if turned.get() => Some(inside),
            _ => g,
        }
    };
    let cost = model.objective(&start);
    let mut found = Found {
        x: start,
        cost,
        windows: 0,
        improved: 0,
        sweeps: 0,
    };
    let started = Instant::now();
    let stop = |found: &Found| {
        let close = guide()
            .and_then(|g| g.bound)
            .is_some_and(|b| found.cost - b <= limits.gap * found.cost.abs().max(1.0));
        close || limits.seconds_left() <= 0.0 || crate::solve::cancelled()
    };
    while !stop(&found) {
        found.sweeps += 1;
        let before = found.cost;
        let guided = guide().is_some();
        let seeds = seeds(ctx, index, &found.x, guide());
        let width = if guided { GUIDED_WINDOW } else { WINDOW };
        let mut covered = vec![false; ctx.data.sites.len()];
        // First the timing of every release in the plan: the capital budget is one row per year over the whole
        // estate, and the windows that released sites first spent it; this window shares it out again.
        let timing = released_columns(index, &found.x);
        if !timing.is_empty() && !stop(&found) {
            found.window(model, &timing, &limits);
        }
        // The relaxation's own releases, once, before its first guided sweep.
        if let Some(g) = guide().filter(|_| guided && !rounded) {
            rounded = true;
            found.adopt(model, round(g), log);
        }
        if let Some(g) = guide().filter(|_| guided) {
            exchange(
                ctx, index, model, g, &mut found, &limits, &stop, started, log,
            );
        }
        for &seed in &seeds {
            if covered[seed] {
                continue;
            }
            // The relaxation has just arrived: start a guided sweep.
            if stop(&found) || (!guided && guide().is_some()) {
                break;
            }
            let sites = window(ctx, seed, width);
            sites.iter().for_each(|&s| covered[s] = true);
            let free = free_columns(
                ctx,
                index,
                &sites,
                &found.x,
                guide().filter(|_| guided),
                false,
            );
            found.window(model, &free, &limits);
        }
        log(format!(
            "neighbourhoods: sweep {}{} done at {:.1} s: {} windows, {} improved, plan cost {:.2}",
            found.sweeps,
            if guided {
                " (guided by the LP relaxation)"
            } else {
                ""
            },
            started.elapsed().as_secs_f64(),
            found.windows,
            found.improved,
            found.cost
        ));
        if found.cost >= before - 1e-9 * before.abs().max(1.0) {
            let next = guide().is_some_and(|g| g.then.is_some());
            if guided && next {
                log(
                    "neighbourhoods: the vertex's windows change nothing; now the interior point's"
                        .into(),
                );
                turned.set(true);
                continue;
            }
            if guided || !pending() {
                break;
            }
            while pending() && limits.seconds_left() > 0.0 && !crate::solve::cancelled() {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }
    found
}

/// The strategy end to end: the search from the greedy plan beside the LP relaxation's bound (on a second thread
/// when the limits allow two), as an outcome and the seconds it took. The model back when the greedy plan breaks
/// one of its rows (the caller then solves it whole).
pub(super) fn solve(
    ctx: &Ctx<'_>,
    built: super::milp::Built,
    greedy: &super::EstatesPlan,
    limits: Limits,
    log: &mut dyn FnMut(String),
) -> Result<(Outcome<super::EstatesPlan>, f64), Box<super::milp::Built>> {
    let started = Instant::now();
    let start = super::solution::values_of(ctx, &built.vars, &greedy.plan);
    if !built.model.broken_rows(&start).is_empty() {
        return Err(Box::new(built));
    }
    let super::milp::Built { vars, model } = built;
    let model = Arc::new(Sparse::of(&model.into_milp()));
    log(format!(
        "strategy: large-neighbourhood search ({} integer columns, windows of {WINDOW} sites) from the greedy plan, \
         with the LP relaxation's bound",
        model.integer.iter().filter(|&&i| i).count()
    ));
    let guide = Arc::new(OnceLock::new());
    let index = Arc::new(Index::of(ctx, &vars));
    let relax = {
        let (model, index, guide) = (Arc::clone(&model), Arc::clone(&index), Arc::clone(&guide));
        move |l: Limits| {
            let lp = crate::solve::fixing::relaxation(&model, l);
            let _ = guide.set(lp.map(|lp| Guide::of(&model, &index, &lp, l)));
        }
    };
    // The rounding gets at most a third of the time left, so the windows always get the rest.
    let round = |g: &Guide| {
        let by = limits.share(1.0, 3.0).deadline;
        let p = super::rounding::rounded(ctx, &g.released_in, by)?;
        Some(super::solution::values_of(ctx, &vars, &p))
    };
    let relaxed = Relaxed {
        guide: &guide,
        round: &round,
    };
    let found = if limits.threads >= 2 {
        // Not joined: the interior point checks its limit only between iterations, which on a large estate take
        // tens of seconds each (10,000 sites and 100,000 teams: the search ended 28 s past a 300 s limit waiting
        // for it). Past the deadline the search ends without its bound; the thread ends at its next iteration.
        std::thread::spawn(move || relax(limits));
        search(ctx, &index, &model, start, limits, relaxed, log)
    } else {
        // One thread: the relaxation first, with at most half the time.
        relax(limits.share(1.0, 2.0));
        search(ctx, &index, &model, start, limits, relaxed, log)
    };
    let read = guide.get().and_then(|g| g.as_ref());
    // Without the relaxation (the time limit came first), the bound one sweep of dual ascent proves at once.
    let cold = || {
        let b = crate::solve::ascent::cold_bound(&model);
        log(format!(
            "neighbourhoods: the LP relaxation did not finish; one sweep of dual ascent proves the bound {}",
            b.map_or("minus infinity".into(), |b| format!("{b:.2}"))
        ));
        b
    };
    let bound = read.map_or_else(cold, |g| g.bound);
    let at = match read.map(|g| g.then.is_some()) {
        Some(true) => " (windows guided by a vertex of its optimal face)",
        Some(false) => " (windows guided by its interior point)",
        None => "",
    };
    log(format!(
        "neighbourhoods: {} windows in {} sweep(s), {} improved the plan; bound {}{at}",
        found.windows,
        found.sweeps,
        found.improved,
        bound.map_or(
            "none (the LP relaxation did not finish)".into(),
            |b| format!("{b:.2}")
        )
    ));
    let plan = super::solution::plan_from(ctx, &vars, &found.x);
    let plan = super::EstatesPlan::costed(ctx.data, ctx.cand, plan);
    let outcome = Outcome::Feasible {
        bound: bound.map(|b| b.min(plan.kpis.plan_cost)),
        plan,
    };
    Ok((outcome, started.elapsed().as_secs_f64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of `n` sites with one release column a year over `years` years (site `s`, year `y`: column
    /// `s * years + y`) and no teams.
    fn sites(n: usize, years: usize) -> Index {
        let by_year: Vec<Vec<Vec<usize>>> = (0..n)
            .map(|s| (0..years).map(|y| vec![s * years + y]).collect())
            .collect();
        Index {
            site: by_year.iter().map(|ys| ys.concat()).collect(),
            years: by_year,
            team: Vec::new(),
        }
    }

    fn guide(released_in: Vec<Vec<f64>>) -> Guide {
        Guide {
            support: Vec::new(),
            released_in,
            bound: None,
            then: None,
        }
    }

    #[test]
    fn a_site_released_in_another_year_or_not_at_all_is_exchanged() {
        // The plan releases site 0 in year 1 and site 2 in year 2, and keeps site 1; the relaxation releases
        // site 0 in year 2 (mismatch 2), 0.4 of site 1 in year 1 (0.4: below the threshold) and site 2 as planned.
        let index = sites(3, 2);
        let x = [1.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        let g = guide(vec![vec![0.0, 1.0], vec![0.4, 0.0], vec![0.0, 1.0]]);
        assert_eq!(g.mismatch(&index, 0, &x), 2.0);
        assert!((g.mismatch(&index, 1, &x) - 0.4).abs() < 1e-12);
        assert_eq!(g.mismatch(&index, 2, &x), 0.0);
        assert_eq!(exchanges(&index, &g, &x, 0), vec![vec![0]]);
    }

    #[test]
    fn exchange_windows_take_runs_then_deal_the_sites_out() {
        // Every site kept by the plan and released by the relaxation, the lower sites more: most different first.
        let n = EXCHANGE + 2;
        let index = sites(n, 1);
        let x = vec![0.0; n];
        let g = guide((0..n).map(|s| vec![1.0 - s as f64 / 100.0]).collect());
        let runs = exchanges(&index, &g, &x, 0);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0], (0..EXCHANGE).collect::<Vec<_>>());
        assert_eq!(runs[1], vec![EXCHANGE, EXCHANGE + 1]);
        let dealt = exchanges(&index, &g, &x, 1);
        assert_eq!(dealt[0], (0..n).step_by(2).collect::<Vec<_>>());
        assert_eq!(dealt[1], (1..n).step_by(2).collect::<Vec<_>>());
        // Every site once in each round.
        let mut all: Vec<usize> = dealt.concat();
        all.sort_unstable();
        assert_eq!(all, (0..n).collect::<Vec<_>>());
    }
}
