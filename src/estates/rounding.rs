//! A plan rounded from the LP relaxation: the large-neighbourhood search's second start.
//!
//! On a large estate the relaxation's bound is nearly tight (the generated 1,000-site case: HiGHS's best plan lies
//! 0.05% above it), and the relaxation releases almost every site whole and in one year, so its releases are
//! most of a good plan. The greedy heuristic does not find them: it spends each year's capital budget on the sites
//! that save most one at a time, where the relaxation spends it on the sites that save most for what they cost
//! (208 sites in year 1 against 169). The neighbourhood windows, each a dozen neighbouring sites, cannot move the
//! budget between sites far apart, so from the greedy plan the search stalls about 2.6% above the bound; from this
//! plan it starts 0.4% above it (measured 2026-12-07, see the README's performance table).

use super::heuristic::{costed_release_with, descend, starting_plan};
use super::milp::Ctx;
use crate::domain::SiteIx;
use crate::plan::{self, Plan};
use std::time::Instant;

/// A site whose relaxation releases at least this much of it (summed over the years) is released.
const RELEASED: f64 = 0.5;

/// A plan from the relaxation's releases, `released_in[site][year]` (0-based years; a site's release columns and
/// its units' together): from today's plan (forced releases made), the sites the relaxation releases at least half
/// of are released, those it releases most first (then the lower site), each in the first year that keeps every
/// rule and lowers the plan's cost: the years it releases the site in (most first), then the others (earliest
/// first); where no kept site has room for a team, room is made by moving one team on. A site no year suits is
/// kept. Then the greedy heuristic's releases from there. Past `deadline` it returns the plan so far (every plan
/// on the way keeps every rule); `None` when today's plan breaks a rule.
pub fn rounded(ctx: &Ctx<'_>, released_in: &[Vec<f64>], deadline: Instant) -> Option<Plan> {
    let mut p = starting_plan(ctx)?;
    let mut cost = plan::figures(ctx.data, ctx.cand, &p).plan_cost;
    let mass = |s: usize| released_in[s].iter().sum::<f64>();
    let mut sites: Vec<usize> = (0..ctx.data.sites.len())
        .filter(|&s| ctx.cand.sites[s].releasable && p.kept(SiteIx(s as u32)))
        .filter(|&s| mass(s) >= RELEASED)
        .collect();
    sites.sort_by(|&a, &b| mass(b).total_cmp(&mass(a)).then(a.cmp(&b)));
    for s in sites {
        if Instant::now() > deadline {
            return Some(p);
        }
        if let Some((c, next)) = best_year(ctx, &p, cost, s, years(&released_in[s])) {
            (p, cost) = (next, c);
        }
    }
    Some(descend(ctx, p, Some(deadline)))
}

/// The years (0-based) to try a site's release in: those the relaxation releases it in, most first, then the
/// others, earliest first.
fn years(released: &[f64]) -> Vec<usize> {
    let mut years: Vec<usize> = (0..released.len())
        .filter(|&y| released[y] > 1e-3)
        .collect();
    years.sort_by(|&a, &b| released[b].total_cmp(&released[a]).then(a.cmp(&b)));
    let rest: Vec<usize> = (0..released.len()).filter(|y| !years.contains(y)).collect();
    years.extend(rest);
    years
}

/// Site `s` released from plan `p` (costing `cost`) in the first of `years` where that keeps every rule and
/// lowers the cost, with its cost; first with its teams placed as the greedy places them, then with room made.
fn best_year(
    ctx: &Ctx<'_>,
    p: &Plan,
    cost: f64,
    s: usize,
    years: Vec<usize>,
) -> Option<(f64, Plan)> {
    let lowers = |c: f64| c < cost - 1e-6;
    [false, true].into_iter().find_map(|eject| {
        years.iter().find_map(|&y| {
            costed_release_with(ctx, p, s, y as u32 + 1, eject).filter(|(c, _)| lowers(*c))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relaxations_years_come_first_most_first_then_the_rest_earliest_first() {
        assert_eq!(years(&[0.0, 0.3, 0.0, 0.7, 0.0]), vec![3, 1, 0, 2, 4]);
        assert_eq!(years(&[0.0, 0.0]), vec![0, 1]);
        // Below the threshold counts as not released there.
        assert_eq!(years(&[1e-4, 1.0]), vec![1, 0]);
    }
}
