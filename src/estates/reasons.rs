//! The reason for every site decision, in business terms, written beside the decision in `sites.csv` and the
//! HTML report.
//!
//! - A released site: what it saves a year, its receipt and exit penalty, and where its teams go.
//! - A kept site that a rule holds (must-keep, a kind never released, PFI, a team that cannot move): that rule.
//! - Any other kept site: the plan is tried with that one site released as well (in year 1 and in the first year
//!   its exit penalty is lowest, its teams moved to the cheapest kept sites with room, as the greedy heuristic
//!   does). The reason names what would break (no room for named teams, access for named zones, staff travel,
//!   budget, a partner worse off) or, when nothing breaks, the present value the release would lose.
//!
//! This is a one-site-at-a-time explanation: quick, and exact about what it tried. `plan --explain N` re-solves
//! the whole model with a decision forced the other way, which also lets every other decision adapt.

use super::heuristic::{self, list};
use super::milp::Ctx;
use crate::domain::{SiteIx, Tenure};
use crate::plan::{self, Plan, SiteDecision};
use crate::solve::kit::RuleGroup;
use crate::text::money;
use std::collections::BTreeSet;
use std::time::Instant;

/// The reason of a kept site whose one-site trial was not made: the command's time limit came first.
pub const NOT_TRIED: &str =
    "not tried: the time limit came first (reasons are costed one site at a time after the solve)";

/// `trial`'s reason, or [`NOT_TRIED`] once `until` has passed: the one-site (or one-unit) trials of kept sites
/// and units each cost the whole plan.
pub(super) fn unless_past(until: Option<Instant>, trial: impl FnOnce() -> String) -> String {
    if until.is_some_and(|u| Instant::now() > u) {
        NOT_TRIED.into()
    } else {
        trial()
    }
}

/// The reason for every site decision and every unit decision, in data set order; worked out once per plan for
/// `sites.csv`, `units.csv`, `plan.geojson` and the HTML tables.
#[derive(Debug, Clone, Default)]
pub struct Reasons {
    /// One per site ([`site_reasons`]).
    pub sites: Vec<String>,
    /// One per release unit ([`super::unit_reasons::unit_reasons`]; empty without units).
    pub units: Vec<String>,
}

impl Reasons {
    /// The reasons of plan `p`, trials made only before `until` (see [`site_reasons`]).
    pub fn of(ctx: &Ctx<'_>, p: &Plan, until: Option<Instant>) -> Reasons {
        Reasons {
            sites: site_reasons(ctx, p, until),
            units: super::unit_reasons::unit_reasons(ctx, p, until),
        }
    }

    /// How many kept sites and units were not tried ([`NOT_TRIED`]).
    pub fn untried(&self) -> usize {
        self.sites
            .iter()
            .chain(&self.units)
            .filter(|r| *r == NOT_TRIED)
            .count()
    }
}

/// Why a site is kept when a rule holds it (`fixed_team`: it hosts a team that cannot move), or `None` when no
/// rule does.
fn held_by_rule(ctx: &Ctx<'_>, s: SiteIx, fixed_team: bool) -> Option<String> {
    let (data, e) = (ctx.data, &ctx.model.estates);
    let site = data.site(s);
    if site.must_keep {
        Some("must-keep site".into())
    } else if e.never_release_kinds.contains(&site.kind) {
        Some(format!("{} sites are never released", site.kind))
    } else if site.tenure == Tenure::Pfi && !e.release_pfi {
        Some("PFI site (release_pfi is off)".into())
    } else if fixed_team {
        Some("hosts a team that cannot move".into())
    } else {
        None
    }
}

/// One reason per site, in site order. A kept site's trial (each costs the whole plan) is made only before
/// `until` ([`NOT_TRIED`] after it), so a large estate's reasons keep the command's time limit.
pub fn site_reasons(ctx: &Ctx<'_>, p: &Plan, until: Option<Instant>) -> Vec<String> {
    let npv = plan::figures(ctx.data, ctx.cand, p).npv;
    let mut fixed_team = vec![false; ctx.data.sites.len()];
    for t in ctx.data.teams.iter().filter(|t| !t.movable) {
        if let Some(s) = t.site {
            fixed_team[s.ix()] = true;
        }
    }
    (0..ctx.data.sites.len())
        .map(|i| {
            let s = SiteIx(i as u32);
            match p.sites[i] {
                SiteDecision::Release(y) => released(ctx, p, s, y),
                SiteDecision::Keep => held_by_rule(ctx, s, fixed_team[i])
                    .unwrap_or_else(|| unless_past(until, || kept_because(ctx, p, s, npv))),
            }
        })
        .collect()
}

fn released(ctx: &Ctx<'_>, p: &Plan, s: SiteIx, y: u32) -> String {
    let data = ctx.data;
    let site = data.site(s);
    let dest: BTreeSet<&str> = data
        .teams
        .iter()
        .enumerate()
        .filter(|(_, t)| t.site == Some(s))
        .flat_map(|(t, _)| p.teams[t].iter().map(|(d, _)| data.site(*d).id.as_str()))
        .collect();
    let mut words = format!(
        "saves GBP {} a year from year {y}",
        money(site.running.total())
    );
    let r = &ctx.cand.sites[s.ix()].release[y as usize - 1];
    if r.penalty > 0.0 {
        words.push_str(&format!("; exit penalty GBP {}", money(r.penalty)));
    }
    words.push_str(&sale_words(site, y as usize, r));
    if dest.is_empty() {
        words.push_str("; no teams to move");
    } else {
        let dest: Vec<&str> = dest.into_iter().collect();
        words.push_str(&format!("; teams move to {}", list(&dest)));
    }
    words
}

fn kept_because(ctx: &Ctx<'_>, p: &Plan, s: SiteIx, npv: f64) -> String {
    let mut tried = Vec::new();
    let mut best: Option<(f64, u32)> = None;
    for y in heuristic::years_to_try(ctx.cand, s.ix()) {
        let Some(next) = heuristic::release(ctx, p, s, y) else {
            continue;
        };
        let broken = heuristic::broken(ctx, &next);
        if broken.is_empty() {
            let delta = plan::figures(ctx.data, ctx.cand, &next).npv - npv;
            if best.is_none_or(|(b, _)| delta > b) {
                best = Some((delta, y));
            }
        } else {
            tried.push(
                broken
                    .into_iter()
                    .map(|(rule, detail)| format!("{}: {detail}", rule.name()))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
    }
    match best {
        Some((delta, y)) if delta <= 0.0 => {
            let penalty = ctx.cand.sites[s.ix()].release[y as usize - 1].penalty;
            let saved = money(ctx.data.site(s).running.total());
            if penalty > 0.0 {
                format!(
                    "lease: releasing it in year {y} pays an exit penalty of GBP {}; with moves and extra costs \
                     elsewhere it would lose GBP {} of present value against GBP {saved} a year saved",
                    money(penalty),
                    money(-delta)
                )
            } else {
                format!(
                    "releasing it in year {y} would lose GBP {} of present value (moves and extra costs \
                     elsewhere outweigh the GBP {saved} a year saved)",
                    money(-delta)
                )
            }
        }
        Some((delta, y)) => format!(
            "kept, though releasing it in year {y} (teams to the cheapest sites with room) would add GBP {}: \
             this plan is not optimal there",
            money(delta)
        ),
        None if tried.is_empty() => {
            let teams: Vec<&str> = ctx
                .data
                .teams
                .iter()
                .enumerate()
                .filter(|(t, _)| p.teams[*t].iter().any(|(x, _)| *x == s))
                .map(|(_, t)| t.id.as_str())
                .collect();
            format!(
                "capacity: no kept site has room for its teams {}",
                list(&teams)
            )
        }
        None => tried.swap_remove(0),
    }
}

/// The sale of a released building in words: its receipt and year, and what it costs while it waits.
pub fn sale_words(site: &crate::domain::Site, y: usize, r: &crate::costing::Release) -> String {
    let mut words = String::new();
    let holding: f64 = r.holding.iter().sum();
    if holding > 0.0 {
        words.push_str(&format!(
            "; holding costs GBP {} until its sale",
            money(holding)
        ));
    }
    match r.sale_year {
        Some(s) if site.disposal_value > 0.0 && s > y => words.push_str(&format!(
            "; receipt GBP {} in year {s}",
            money(site.disposal_value)
        )),
        Some(_) if site.disposal_value > 0.0 => {
            words.push_str(&format!("; receipt GBP {}", money(site.disposal_value)))
        }
        None if site.disposal_value > 0.0 => words.push_str(&format!(
            "; sold after the appraisal period (receipt GBP {} not counted)",
            money(site.disposal_value)
        )),
        _ => {}
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::test_support;
    use crate::estates::candidates;
    use std::time::Duration;

    #[test]
    fn past_the_deadline_a_kept_site_is_not_tried_and_every_other_reason_is_the_same() {
        let (data, model) = (test_support::dataset(), test_support::model());
        let cand = candidates::build(&data, &model);
        let ctx = Ctx {
            data: &data,
            cand: &cand,
            model: &model,
        };
        let mut plan = Plan::baseline(&data);
        plan.sites[1] = SiteDecision::Release(1);
        let tried = site_reasons(&ctx, &plan, None);
        let late = Instant::now().checked_sub(Duration::from_secs(1));
        let cut = site_reasons(&ctx, &plan, late);
        assert!(!tried.iter().any(|r| r == NOT_TRIED));
        let mut untried = 0;
        for (i, (a, b)) in tried.iter().zip(&cut).enumerate() {
            let s = SiteIx(i as u32);
            let kept_by_trial =
                plan.sites[i] == SiteDecision::Keep && held_by_rule(&ctx, s, false).is_none();
            if b == NOT_TRIED {
                assert!(kept_by_trial, "site {i}: {a}");
                untried += 1;
            } else {
                assert_eq!(a, b, "site {i}");
            }
        }
        assert!(untried > 0, "{tried:?}");
        assert!(cut[1].starts_with("saves GBP"), "{}", cut[1]);
    }
}
