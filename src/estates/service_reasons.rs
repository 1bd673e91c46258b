//! Why each partner's function is delivered the way the plan says, in words a finance board reads: one row per
//! partner and function it has staff in, for `services.csv` and the reports.
//!
//! A joining names its hub, year, FTE saved, yearly saving and one-off cost. A function kept in house says why:
//! it is not poolable, nothing would transfer, no hub of its function is within reach or allowed, or what
//! joining the best hub on its own would do to the shared-services NPV (from the same figures as the plan,
//! [`crate::plan::services::evaluate`]), so "it would cost more than it saves" is a number, not a claim.

use super::candidates::Candidates;
use crate::domain::{Dataset, OrgIx};
use crate::plan::Plan;
use crate::plan::files::hub_id;
use crate::plan::services::{self, Hub, Join, ServicesKpis, ServicesPlan};
use crate::text::money;

/// One row of `services.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRow {
    /// The partner.
    pub organisation: OrgIx,
    /// The function (index into [`Dataset::functions`]).
    pub function: usize,
    /// In-house FTE today.
    pub fte_in_house: f64,
    /// `in_house` or the hub's id.
    pub delivered_by: String,
    /// The hub's site id (empty in house).
    pub hub_site: String,
    /// The joining year (0: in house, or a member today).
    pub join_year: u32,
    /// FTE kept in house.
    pub fte_retained: f64,
    /// FTE handed to the hub by the plan.
    pub fte_transferred: f64,
    /// Yearly saving once joined (GBP).
    pub annual_saving: f64,
    /// One-off cost (GBP).
    pub one_off: f64,
    /// Why, in words.
    pub reason: String,
}

/// The rows, by partner then function.
pub fn rows(
    data: &Dataset,
    cand: &Candidates,
    plan: &Plan,
    kpis: &ServicesKpis,
) -> Vec<ServiceRow> {
    let mut out = Vec::new();
    for o in 0..data.organisations.len() {
        let org = OrgIx(o as u32);
        for f in 0..data.functions.len() {
            let in_house: f64 = crate::costing::services::in_house_teams(data, org, f)
                .iter()
                .map(|&t| f64::from(data.teams[t].headcount))
                .sum::<f64>()
                + 0.0;
            let today = data
                .service_members
                .iter()
                .find(|m| m.organisation == org && data.services[m.service].function == f);
            let joined = plan
                .services
                .joins
                .iter()
                .position(|j| j.organisation == org && j.function == f);
            let mut row = ServiceRow {
                organisation: org,
                function: f,
                fte_in_house: in_house,
                delivered_by: "in_house".into(),
                hub_site: String::new(),
                join_year: 0,
                fte_retained: in_house,
                fte_transferred: 0.0,
                annual_saving: 0.0,
                one_off: 0.0,
                reason: String::new(),
            };
            if let Some(j) = joined {
                joining(data, plan, kpis, j, &mut row);
            } else if let Some(m) = today {
                let sv = &data.services[m.service];
                row.delivered_by = sv.id.clone();
                row.hub_site = data.site(sv.site).id.clone();
                row.reason = format!(
                    "a member of {} today ({} FTE handed over); stays a member",
                    sv.name,
                    trim(m.fte_pooled)
                );
            } else if in_house > 0.0 {
                row.reason = in_house_reason(data, cand, plan, org, f);
            } else {
                continue;
            }
            out.push(row);
        }
    }
    out
}

fn joining(data: &Dataset, plan: &Plan, kpis: &ServicesKpis, j: usize, row: &mut ServiceRow) {
    let join = &plan.services.joins[j];
    let hub = &plan.services.hubs[join.hub];
    let fig = &kpis.joins[j];
    let site = data.site(hub.site);
    row.delivered_by = hub_id(data, hub);
    row.hub_site = site.id.clone();
    row.join_year = join.year;
    row.fte_retained = fig.fte_retained;
    row.fte_transferred = fig.fte_transferred;
    row.annual_saving = fig.annual_saving;
    row.one_off = fig.one_off;
    row.reason = format!(
        "joins the {} hub at {} ({}) in year {}: {} FTE saved, GBP {} a year, one-off GBP {}",
        data.functions[join.function].name.to_lowercase(),
        site.name,
        site.id,
        join.year,
        trim(fig.fte_saved),
        money(fig.annual_saving),
        money(fig.one_off)
    );
}

/// Why a partner's function stays in house.
fn in_house_reason(data: &Dataset, cand: &Candidates, plan: &Plan, org: OrgIx, f: usize) -> String {
    let spec = &data.functions[f];
    if !spec.poolable {
        return "stays in house: the function is kept local (not poolable)".into();
    }
    if spec.retained_share >= 1.0 {
        return "stays in house: a partner keeps all its staff of this function (retained share 1)"
            .into();
    }
    let Some(pair) = cand
        .services
        .pairs
        .iter()
        .find(|p| p.org == org && p.function == f)
    else {
        return "stays in house: the shared-services decision is switched off".into();
    };
    let best = pair
        .options
        .iter()
        .map(|opt| (opt.hub, alone(data, cand, &plan.services, org, f, opt.hub)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let Some((h, change)) = best else {
        return "stays in house: no hub of this function is within reach or allowed by the sector rule".into();
    };
    let hub = &cand.services.hubs[h].hub;
    let site = data.site(hub.site);
    let open = plan
        .services
        .hubs
        .iter()
        .any(|x| x.function == hub.function && x.site == hub.site);
    let min = cand.services.min_members;
    if change > 0.0 && !open && min > 1 {
        return format!(
            "stays in house: a hub at {} ({}) would add GBP {} over the appraisal, but no other partner joins it \
             and a new hub serves at least {min} partners",
            site.name,
            site.id,
            money(change)
        );
    }
    if change <= 0.0 {
        format!(
            "stays in house: joining the hub at {} ({}) would cost GBP {} more than it saves over the appraisal",
            site.name,
            site.id,
            money(-change)
        )
    } else {
        format!(
            "stays in house: joining the hub at {} ({}) would add GBP {} over the appraisal on its own, but the \
             plan's other rules (desks, budget, hubs per function, programme) or a better use of them leave it out",
            site.name,
            site.id,
            money(change)
        )
    }
}

/// The change in the shared-services NPV if the partner's function alone joined candidate hub `h` in year 1
/// (opening it in year 1 when the plan does not).
fn alone(
    data: &Dataset,
    cand: &Candidates,
    plan: &ServicesPlan,
    org: OrgIx,
    f: usize,
    h: usize,
) -> f64 {
    let rates = cand.services.rates;
    let before = services::evaluate(data, &cand.discount, rates, plan).npv;
    let mut trial = plan.clone();
    let target = &cand.services.hubs[h].hub;
    let at = trial
        .hubs
        .iter()
        .position(|x| x.function == target.function && x.site == target.site)
        .unwrap_or_else(|| {
            trial.hubs.push(Hub {
                open_year: 1,
                ..target.clone()
            });
            trial.hubs.len() - 1
        });
    trial.joins.push(Join {
        organisation: org,
        function: f,
        hub: at,
        year: 1,
    });
    services::evaluate(data, &cand.discount, rates, &trial).npv - before
}

/// FTE with at most one decimal.
fn trim(fte: f64) -> String {
    let s = format!("{fte:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}
