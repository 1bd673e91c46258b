//! The shared-services rules and figures, derived again from the README's "How shared services are costed"
//! without the planner's code: the scale curve, each joining's transferred FTE and move, each hub's yearly FTE
//! saving and every cost are worked out here from the inputs and the plan alone.

pub(super) mod hubs;
pub(super) mod joins;

use crate::check::{appraisal, tail};
use crate::domain::Dataset;
use crate::geo::haversine_km;
use crate::model_config::ModelConfig;
use crate::plan::Plan;
use std::collections::BTreeMap;

/// What the checker derives about a plan's shared services.
#[derive(Debug, Clone, Default)]
pub(crate) struct Derived {
    /// Net present value (GBP).
    pub npv: f64,
    /// Undiscounted one-off costs in each year (index 0 = year 1).
    pub one_off_by_year: Vec<f64>,
    /// Present-value gain per partner id.
    pub by_partner: BTreeMap<String, f64>,
    /// Desks freed by staff who transfer where their teams work in the plan (desk ratio applied), by site index.
    pub desks_freed: BTreeMap<usize, f64>,
    /// Desks each hub site needs for the hub's extra FTE at the end of the horizon, by site index.
    pub hub_desks: BTreeMap<usize, f64>,
    /// Transferred FTE times the km they move to their hub.
    pub fte_km: f64,
    /// FTE saved at the end of the horizon.
    pub fte_saved: f64,
}

/// The documented scale curve: hub FTE for `pooled` FTE, interpolated between breakpoints 0, `P_ref` and
/// `P_ref` x 1.5^k, where the exact curve is `P` up to `P_ref` and `P_ref^(1-b) P^b` above.
pub(crate) fn hub_fte(reference_fte: f64, b: f64, pooled: f64) -> f64 {
    let p_ref = reference_fte.max(1.0);
    let exact = |p: f64| {
        if p <= p_ref {
            p
        } else {
            p_ref.powf(1.0 - b) * p.powf(b)
        }
    };
    if pooled <= p_ref {
        return pooled;
    }
    let (mut lo, mut hi) = (p_ref, p_ref * 1.5);
    while hi < pooled {
        lo = hi;
        hi *= 1.5;
    }
    exact(lo) + (exact(hi) - exact(lo)) * (pooled - lo) / (hi - lo)
}

fn disc(model: &ModelConfig, y: usize) -> f64 {
    1.0 / (1.0 + model.discount_rate).powi(y as i32 - 1)
}

/// A partner's in-house staff of a function: `(team index, headcount)` of its teams of the function that are no
/// shared service's staff.
pub(crate) fn in_house(data: &Dataset, org: crate::domain::OrgIx, f: usize) -> Vec<(usize, f64)> {
    let id = &data.functions[f].id;
    data.teams
        .iter()
        .enumerate()
        .filter(|(_, t)| t.organisation == org && &t.function == id && t.service.is_none())
        .map(|(i, t)| (i, f64::from(t.headcount)))
        .collect()
}

/// Derives the figures of the plan's shared services.
pub(crate) fn derive(data: &Dataset, model: &ModelConfig, plan: &Plan) -> Derived {
    let h = model.horizon_years as usize;
    let e = &model.estates;
    let mut out = Derived {
        one_off_by_year: vec![0.0; h],
        ..Derived::default()
    };
    let sp = &plan.services;
    // Per joining: transferred FTE, its own costs; per hub: the joinings' FTE by year.
    let mut transferred = vec![0.0; sp.joins.len()];
    for (j, join) in sp.joins.iter().enumerate() {
        let spec = &data.functions[join.function];
        let hub = &sp.hubs[join.hub];
        let teams = in_house(data, join.organisation, join.function);
        let keep = spec.retained_share;
        let t_fte: f64 = teams.iter().map(|(_, hc)| hc * (1.0 - keep)).sum();
        transferred[j] = t_fte;
        let mut fte_km = 0.0;
        for &(t, hc) in &teams {
            let team = &data.teams[t];
            // The desks are freed wherever the team works in the plan.
            for &(s, share) in &plan.teams[t] {
                *out.desks_freed.entry(s.ix()).or_default() +=
                    share * hc * (1.0 - keep) * e.desk_ratio;
            }
            let from = team.site.and_then(|s| data.site(s).location);
            if let (Some(a), Some(b)) = (from, data.site(hub.site).location) {
                fte_km += hc * (1.0 - keep) * haversine_km(a, b);
            }
        }
        out.fte_km += fte_km;
        let y = (join.year as usize).clamp(1, h);
        let one_off = spec.migration_per_body
            + spec.dual_running_months / 12.0 * spec.cost_per_fte * t_fte
            + (e.budget.relocation_per_head + e.budget.fitout_per_desk * e.desk_ratio) * t_fte;
        let cross = data.org(join.organisation).sector != data.org(hub.host).sector;
        let vat = if cross {
            spec.cross_sector_vat * spec.cost_per_fte * t_fte
        } else {
            0.0
        };
        let yearly = vat + e.staff.travel_cost_per_km_head_year * fte_km;
        out.one_off_by_year[y - 1] += one_off;
        let later: f64 = (y..=appraisal(model)).map(|k| disc(model, k)).sum::<f64>() + tail(model);
        let pv = -one_off * disc(model, y) - yearly * later;
        out.npv += pv;
        *out.by_partner
            .entry(data.org(join.organisation).id.clone())
            .or_default() += pv;
    }
    for hix in 0..sp.hubs.len() {
        hub_years(data, model, plan, hix, &transferred, &mut out);
    }
    out
}

/// A hub's FTE saving year by year, its set-up and redundancy, shared among its new members by FTE handed over.
fn hub_years(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    hix: usize,
    transferred: &[f64],
    out: &mut Derived,
) {
    let sp = &plan.services;
    let hub = &sp.hubs[hix];
    let spec = &data.functions[hub.function];
    let h = model.horizon_years as usize;
    let p0: f64 = hub.service.map_or(0.0, |s| {
        data.service_members
            .iter()
            .filter(|m| m.service == s)
            .map(|m| m.fte_pooled)
            .sum()
    });
    let members: Vec<usize> = (0..sp.joins.len())
        .filter(|&j| sp.joins[j].hub == hix)
        .collect();
    if members.is_empty() {
        return;
    }
    let curve = |p: f64| hub_fte(spec.reference_fte, spec.scale_exponent, p);
    let mut pv = 0.0;
    if hub.service.is_none() {
        let y = (hub.open_year as usize).clamp(1, h);
        out.one_off_by_year[y - 1] += spec.setup;
        pv -= spec.setup * disc(model, y);
    }
    let mut before = 0.0;
    // Year by year to the end of the appraisal: after the horizon nobody joins, and the saving runs on.
    for y in 1..=appraisal(model) {
        let added: f64 = members
            .iter()
            .filter(|&&j| sp.joins[j].year as usize <= y)
            .map(|&j| transferred[j])
            .sum();
        let saved = added - (curve(p0 + added) - curve(p0));
        let redundancy = spec.redundancy_per_fte * (saved - before).max(0.0);
        if y <= h {
            out.one_off_by_year[y - 1] += redundancy;
        }
        pv += (saved * spec.cost_per_fte - redundancy) * disc(model, y);
        before = saved;
    }
    // With a terminal value the saving reached runs on after the appraisal.
    pv += before * spec.cost_per_fte * tail(model);
    let total: f64 = members.iter().map(|&j| transferred[j]).sum();
    let extra = curve(p0 + total) - curve(p0);
    *out.hub_desks.entry(hub.site.ix()).or_default() += extra * model.estates.desk_ratio;
    out.fte_saved += before;
    out.npv += pv;
    for &j in &members {
        let share = if total > 0.0 {
            transferred[j] / total
        } else {
            0.0
        };
        *out.by_partner
            .entry(data.org(sp.joins[j].organisation).id.clone())
            .or_default() += pv * share;
    }
}
