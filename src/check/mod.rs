//! The independent checker: recomputes every rule and the headline figures of a plan from the inputs alone.
//!
//! It shares no code with the model builders (`estates/`): distances, lease dates, discounting and costs are
//! derived again here from the documented rules, so a mistake in the MILP or its evaluator shows up as a
//! disagreement instead of being repeated. `plan --check` runs it; every solver test uses it.

pub mod procurement;

use crate::domain::{Dataset, SiteIx, Tenure};
use crate::geo::haversine_km;
use crate::model_config::ModelConfig;
use crate::plan::{Kpis, Plan, SiteDecision};
use chrono::Months;
use serde::Serialize;

/// One broken rule, in business terms.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Violation {
    /// The rule group.
    pub rule: &'static str,
    /// What is wrong, naming the site, team, zone or partner and by how much.
    pub detail: String,
}

/// The checker's verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct CheckReport {
    /// True when no rule is broken and the figures agree.
    pub ok: bool,
    /// Broken rules.
    pub violations: Vec<Violation>,
    /// Figures that disagree with the ones reported.
    pub mismatches: Vec<String>,
    /// The checker's own present-value plan cost.
    pub plan_cost: f64,
    /// The checker's own NPV.
    pub npv: f64,
}

const TOL: f64 = 1e-6;

/// Checks a plan; compares the figures with `reported` when given.
pub fn check(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    reported: Option<&Kpis>,
) -> CheckReport {
    let mut v = Vec::new();
    let mut push = |rule: &'static str, detail: String| v.push(Violation { rule, detail });
    let e = &model.estates;
    let kept = |s: SiteIx| plan.sites[s.ix()] == SiteDecision::Keep;
    let costs: std::collections::HashMap<(usize, usize), f64> = data
        .team_site_costs
        .iter()
        .map(|c| ((c.team.ix(), c.site.ix()), c.annual_cost))
        .collect();
    let has_table: std::collections::HashSet<usize> =
        data.team_site_costs.iter().map(|c| c.team.ix()).collect();

    // Sites: protected ones kept, forced ones released.
    for (i, s) in data.sites.iter().enumerate() {
        let released = !kept(SiteIx(i as u32));
        if released && s.must_keep && !e.force_release.contains(&s.id) {
            push(
                "release",
                format!("site {} is must-keep but released", s.id),
            );
        }
        if released && e.never_release_kinds.contains(&s.kind) && !e.force_release.contains(&s.id) {
            push(
                "release",
                format!(
                    "site {} is a {} site, which is never released",
                    s.id, s.kind
                ),
            );
        }
        if released && s.tenure == Tenure::Pfi && !e.release_pfi && !e.force_release.contains(&s.id)
        {
            push(
                "release",
                format!("site {} is PFI and release_pfi is off", s.id),
            );
        }
        if !released && e.force_release.contains(&s.id) {
            push(
                "release",
                format!("site {} is on the forced-release list but kept", s.id),
            );
        }
        if let SiteDecision::Release(y) = plan.sites[i]
            && (y == 0 || y > model.horizon_years)
        {
            push(
                "release",
                format!("site {} is released in year {y}, outside the horizon", s.id),
            );
        }
    }
    // Teams: placed whole (unless split) on kept sites within reach; immovable ones stay.
    let mut desks_used = vec![0.0; data.sites.len()];
    let (mut km_heads, mut heads) = (0.0, 0.0);
    for (t, team) in data.teams.iter().enumerate() {
        let shares = &plan.teams[t];
        let total: f64 = shares.iter().map(|s| s.1).sum();
        if (total - 1.0).abs() > 1e-6 {
            push(
                "assignment",
                format!(
                    "team {} is placed at {:.4} of its headcount, not all of it",
                    team.id, total
                ),
            );
        }
        if !e.split && shares.len() > 1 {
            push(
                "assignment",
                format!(
                    "team {} is split across {} sites but split is off",
                    team.id,
                    shares.len()
                ),
            );
        }
        if !team.movable
            && team.site.is_some()
            && shares.iter().any(|&(s, f)| Some(s) != team.site && f > TOL)
        {
            push(
                "assignment",
                format!("team {} cannot move but is moved", team.id),
            );
        }
        let hc = f64::from(team.headcount);
        let from = team.site.and_then(|s| data.site(s).location);
        for &(s, f) in shares {
            if !kept(s) {
                push(
                    "link",
                    format!(
                        "team {} works from site {}, which is released",
                        team.id,
                        data.site(s).id
                    ),
                );
            }
            if has_table.contains(&t) && !costs.contains_key(&(t, s.ix())) {
                push(
                    "assignment",
                    format!(
                        "team {} is placed at site {}, which its cost table does not list",
                        team.id,
                        data.site(s).id
                    ),
                );
            }
            desks_used[s.ix()] += f * hc * e.desk_ratio;
            if let (Some(a), Some(b)) = (from, data.site(s).location) {
                let d = haversine_km(a, b);
                km_heads += f * hc * d;
                if !has_table.contains(&t)
                    && team.movable
                    && d > e.staff.max_team_increase_km + 1e-9
                {
                    push(
                        "staff",
                        format!(
                            "team {} moves {d:.2} km, beyond the {} km limit",
                            team.id, e.staff.max_team_increase_km
                        ),
                    );
                }
            } else if !has_table.contains(&t) && team.site.is_some() && Some(s) != team.site {
                push(
                    "staff",
                    format!(
                        "team {} moves to or from a site without coordinates",
                        team.id
                    ),
                );
            }
        }
        if from.is_some() {
            heads += hc;
        }
    }
    for (i, s) in data.sites.iter().enumerate() {
        if desks_used[i] > f64::from(s.desks) + 1e-6 {
            push(
                "capacity",
                format!(
                    "site {} needs {:.1} desks but has {}",
                    s.id, desks_used[i], s.desks
                ),
            );
        }
    }
    if heads > 0.0 && km_heads / heads > e.staff.max_mean_increase_km + 1e-6 {
        push(
            "staff",
            format!(
                "the mean staff move is {:.2} km, above {} km",
                km_heads / heads,
                e.staff.max_mean_increase_km
            ),
        );
    }
    check_access(data, model, plan, &mut push);
    let econ = economics(data, model, plan, &costs);
    if let Some(cap) = e.budget.capital_per_year {
        for (y, c) in econ.one_off_by_year.iter().enumerate() {
            if *c > cap + 1e-6 {
                push(
                    "budget",
                    format!(
                        "one-off costs in year {} are GBP {c:.0}, above the budget of GBP {cap:.0}",
                        y + 1
                    ),
                );
            }
        }
    }
    if e.partners_no_worse {
        for (p, gain) in &econ.by_partner {
            if *gain < -1e-6 {
                push(
                    "partners",
                    format!("partner {p} is worse off by GBP {:.0}", -gain),
                );
            }
        }
    }
    let mut mismatches = Vec::new();
    if let Some(k) = reported {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
        for (name, ours, theirs) in [
            ("plan_cost", econ.plan_cost, k.plan_cost),
            ("npv", econ.baseline_cost - econ.plan_cost, k.npv),
            (
                "sites_released",
                econ.released as f64,
                k.sites_released as f64,
            ),
        ] {
            if !close(ours, theirs) {
                mismatches.push(format!("{name}: reported {theirs}, checker {ours}"));
            }
        }
    }
    CheckReport {
        ok: v.is_empty() && mismatches.is_empty(),
        violations: v,
        mismatches,
        plan_cost: econ.plan_cost,
        npv: econ.baseline_cost - econ.plan_cost,
    }
}

fn check_access(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    push: &mut impl FnMut(&'static str, String),
) {
    let a = &model.estates.access;
    if !a.enabled {
        return;
    }
    // One pass for all public-facing sites, or one per listed service kind.
    for kind in a.kinds() {
        let public: Vec<(usize, crate::domain::LatLon)> = data
            .sites
            .iter()
            .enumerate()
            .filter(|(_, s)| s.public_facing && kind.is_none_or(|k| s.kind == k))
            .filter_map(|(i, s)| s.location.map(|p| (i, p)))
            .collect();
        let what = kind.map_or("public-facing site".to_string(), |k| {
            format!("public-facing {k} site")
        });
        for z in &data.zones {
            let nearest = |keep_only: bool| {
                public
                    .iter()
                    .filter(|(i, _)| !keep_only || plan.sites[*i] == SiteDecision::Keep)
                    .map(|(_, p)| haversine_km(z.location, *p))
                    .fold(f64::INFINITY, f64::min)
            };
            let today = nearest(false);
            if !today.is_finite() {
                continue;
            }
            let limit = a.max_km.max(today);
            let after = nearest(true);
            if after > limit + 1e-9 {
                push(
                    "access",
                    format!(
                        "zone {} ({}) is {after:.2} km from a kept {what}, beyond {limit:.2} km",
                        z.name, z.id
                    ),
                );
            }
        }
    }
    if a.min_sites_per_borough > 0 {
        let mut boroughs: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for (i, s) in data
            .sites
            .iter()
            .enumerate()
            .filter(|(_, s)| s.public_facing && !s.borough.is_empty())
        {
            let e = boroughs.entry(s.borough.as_str()).or_default();
            e.0 += 1;
            e.1 += usize::from(plan.sites[i] == SiteDecision::Keep);
        }
        for (b, (total, kept)) in boroughs {
            let need = (a.min_sites_per_borough as usize).min(total);
            if kept < need {
                push(
                    "borough",
                    format!("borough {b} keeps {kept} public-facing sites, fewer than {need}"),
                );
            }
        }
    }
}

struct Economics {
    plan_cost: f64,
    baseline_cost: f64,
    released: usize,
    one_off_by_year: Vec<f64>,
    by_partner: std::collections::BTreeMap<String, f64>,
}

/// The documented economics, derived again: see the README's "How a plan is costed".
fn economics(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    costs: &std::collections::HashMap<(usize, usize), f64>,
) -> Economics {
    let e = &model.estates;
    let h = model.horizon_years as usize;
    let disc = |y: usize| 1.0 / (1.0 + model.discount_rate).powi(y as i32 - 1);
    let years_from = |y: usize| (y..=h).map(disc).sum::<f64>();
    let mut out = Economics {
        plan_cost: 0.0,
        baseline_cost: 0.0,
        released: 0,
        one_off_by_year: vec![0.0; h],
        by_partner: Default::default(),
    };
    for (i, s) in data.sites.iter().enumerate() {
        let annual = s.running.rent
            + s.running.rates
            + s.running.fm
            + s.running.utilities
            + s.running.maintenance
            + s.backlog / h as f64;
        out.baseline_cost += annual * years_from(1);
        let SiteDecision::Release(y) = plan.sites[i] else {
            out.plan_cost += annual * years_from(1);
            continue;
        };
        let y = y as usize;
        out.released += 1;
        let starts = model
            .start_date
            .checked_add_months(Months::new(12 * (y as u32 - 1)))
            .unwrap_or(model.start_date);
        let penalty = match (s.tenure, s.lease) {
            (Tenure::Pfi, _) => s.exit_penalty,
            (_, Some(l)) if e.leases.enabled && starts < l.break_date.unwrap_or(l.end) => {
                s.exit_penalty
            }
            _ => 0.0,
        };
        let cost =
            annual * (years_from(1) - years_from(y)) + (penalty - s.disposal_value) * disc(y);
        out.plan_cost += cost;
        if y <= h {
            out.one_off_by_year[y - 1] += penalty;
        }
        *out.by_partner
            .entry(data.org(s.organisation).id.clone())
            .or_default() += annual * years_from(1) - cost;
    }
    for (t, team) in data.teams.iter().enumerate() {
        let hc = f64::from(team.headcount);
        let annual_at = |s: SiteIx| match costs.get(&(t, s.ix())) {
            Some(c) => *c,
            None => match (
                team.site.and_then(|o| data.site(o).location),
                data.site(s).location,
            ) {
                (Some(a), Some(b)) => {
                    e.staff.travel_cost_per_km_head_year * hc * haversine_km(a, b)
                }
                _ => 0.0,
            },
        };
        let base = team.site.map_or(0.0, annual_at);
        let now: f64 = plan.teams[t].iter().map(|&(s, f)| f * annual_at(s)).sum();
        let stay: f64 = plan.teams[t]
            .iter()
            .filter(|(s, _)| Some(*s) == team.site)
            .map(|s| s.1)
            .sum();
        let moved = if team.site.is_some() {
            (1.0 - stay).max(0.0)
        } else {
            0.0
        };
        let y = match team.site.map(|s| plan.sites[s.ix()]) {
            Some(SiteDecision::Release(y)) => y as usize,
            _ => 1,
        };
        let one_off =
            moved * hc * (e.budget.relocation_per_head + e.budget.fitout_per_desk * e.desk_ratio);
        out.baseline_cost += base * years_from(1);
        out.plan_cost += now * years_from(1) + one_off * disc(y);
        if y <= h {
            out.one_off_by_year[y - 1] += one_off;
        }
        *out.by_partner
            .entry(data.org(team.organisation).id.clone())
            .or_default() -= (now - base) * years_from(1) + one_off * disc(y);
    }
    out
}
