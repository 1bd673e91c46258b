//! The shared-services part of a plan (issue 17): which hubs are open, which partner's function joins which hub
//! in which year, and the figures that follow, defined once here from [`crate::costing::services`].
//!
//! Figures follow the estates conventions (year 1 undiscounted, one-off costs in their year). A hub's FTE saving
//! in year `y` is the FTE its new members handed over by then less the extra FTE the hub needs for them on the
//! scale curve; it is worth `cost_per_fte_gbp` a year per FTE. Redundancy is paid in the year an FTE is saved,
//! set-up in a new hub's first year, and a member's migration, dual running and move in its joining year; VAT
//! across sectors and the transferred staff's extra travel run from the joining year. A hub's saving is shared
//! among its new members in proportion to the FTE they handed over (members of a service that exists today keep
//! what they have; the plan's savings are the new members'), and so are its set-up and redundancy costs.

use crate::costing::Discount;
use crate::costing::services::{self as econ, ScaleCurve, TransferRates};
use crate::domain::{Dataset, OrgIx, SiteIx};
use crate::geo::haversine_km;
use serde::Serialize;
use std::collections::BTreeMap;

/// A hub: a shared service that exists today, or one the plan opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Hub {
    /// The function (index into [`Dataset::functions`]).
    pub function: usize,
    /// The site it works from.
    pub site: SiteIx,
    /// The partner hosting it (the site's owner).
    pub host: OrgIx,
    /// The service it is today (index into [`Dataset::services`]), or none for a new hub.
    pub service: Option<usize>,
    /// The year a new hub opens (1-based); 0 for a service that exists today.
    pub open_year: u32,
}

/// A partner's function joining a hub.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Join {
    /// The partner.
    pub organisation: OrgIx,
    /// The function (index into [`Dataset::functions`]).
    pub function: usize,
    /// The hub (index into [`ServicesPlan::hubs`]).
    pub hub: usize,
    /// The joining year (1-based).
    pub year: u32,
}

/// The shared-services decisions of a plan. Empty (no hubs, no joins) without `functions.csv`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServicesPlan {
    /// Hubs: today's services first (in `shared_services.csv` order), then the ones the plan opens.
    pub hubs: Vec<Hub>,
    /// Joinings.
    pub joins: Vec<Join>,
}

/// How a partner's function is named in comparisons, explanations and model rows: `<org id> <function id>`.
pub fn pair_id(data: &Dataset, org: OrgIx, function: usize) -> String {
    format!("{} {}", data.org(org).id, data.functions[function].id.0)
}

impl ServicesPlan {
    /// The joining of partner `org`'s function, when the plan has one.
    pub fn join_of(&self, org: OrgIx, function: usize) -> Option<&Join> {
        self.joins
            .iter()
            .find(|j| j.organisation == org && j.function == function)
    }

    /// Who delivers partner `org`'s function, in words: `joins <hub> in year N`, else `in house`.
    pub fn delivery(&self, data: &Dataset, org: OrgIx, function: usize) -> String {
        self.join_of(org, function).map_or("in house".into(), |j| {
            let hub = crate::plan::files::hub_id(data, &self.hubs[j.hub]);
            format!("joins {hub} in year {}", j.year)
        })
    }

    /// Nothing changes: today's services, no new hub, no joining.
    pub fn baseline(data: &Dataset) -> ServicesPlan {
        ServicesPlan {
            hubs: data
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| Hub {
                    function: s.function,
                    site: s.site,
                    host: s.host,
                    service: Some(i),
                    open_year: 0,
                })
                .collect(),
            joins: Vec::new(),
        }
    }
}

/// The figures of one hub.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct HubFigures {
    /// Members: today's and the plan's.
    pub members: usize,
    /// Pooled in-house FTE at the end of the horizon (today's members' and the new members' transferred FTE).
    pub fte_pooled: f64,
    /// FTE the hub needs at the end of the horizon: its staff today plus the curve's extra FTE for its new members.
    pub hub_fte: f64,
    /// FTE saved at the end of the horizon.
    pub fte_saved: f64,
    /// Yearly staff cost of the hub at the end of the horizon (GBP).
    pub annual_cost: f64,
}

/// The figures of one joining.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct JoinFigures {
    /// The partner's in-house FTE of the function before joining.
    pub fte_in_house: f64,
    /// FTE it keeps (the intelligent client).
    pub fte_retained: f64,
    /// FTE it hands over.
    pub fte_transferred: f64,
    /// Its share of the hub's FTE saving (FTE).
    pub fte_saved: f64,
    /// Its yearly saving once joined: its share of the hub's saving less VAT and extra travel (GBP a year).
    pub annual_saving: f64,
    /// Its one-off costs: migration, dual running, moving its staff, and its shares of set-up and redundancy.
    pub one_off: f64,
    /// Its net present value: its own costs and its share of the hub's (GBP).
    pub npv: f64,
}

/// Per function.
#[derive(Debug, Clone, PartialEq, Serialize, Default, schemars::JsonSchema)]
pub struct FunctionFigures {
    /// Partners joining a hub in the plan.
    pub partners_pooled: usize,
    /// FTE saved at the end of the horizon.
    pub fte_saved: f64,
    /// Net present value (GBP).
    pub npv: f64,
}

/// The figures of the shared-services part of a plan (GBP present values unless named otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Default, schemars::JsonSchema)]
pub struct ServicesKpis {
    /// Net present value of the shared-services decisions against nothing changing.
    pub npv: f64,
    /// Back-office FTE of the poolable functions today: in-house teams and today's services' staff.
    pub fte_before: f64,
    /// The same at the end of the horizon.
    pub fte_after: f64,
    /// FTE saved at the end of the horizon.
    pub fte_saved: f64,
    /// Undiscounted one-off costs.
    pub one_off_cost: f64,
    /// Hubs the plan opens.
    pub hubs_opened: usize,
    /// Transferred FTE times the km they move to their hub (for the mean staff move).
    pub moved_fte_km: f64,
    /// Per function id.
    pub by_function: BTreeMap<String, FunctionFigures>,
    /// Net saving in each year (undiscounted, index 0 = year 1).
    pub savings_by_year: Vec<f64>,
    /// One-off costs in each year (undiscounted).
    pub one_off_by_year: Vec<f64>,
    /// Per hub of the plan, in [`ServicesPlan::hubs`] order.
    #[serde(skip)]
    pub hubs: Vec<HubFigures>,
    /// Per joining, in [`ServicesPlan::joins`] order.
    #[serde(skip)]
    pub joins: Vec<JoinFigures>,
}

/// What a partner's function hands over on joining, and how far its staff move: `(in-house FTE, transferred FTE,
/// FTE x km of the move to `site`)`.
pub fn transfer(data: &Dataset, org: OrgIx, function: usize, site: SiteIx) -> (f64, f64, f64) {
    let spec = &data.functions[function];
    let to = data.site(site).location;
    let (mut in_house, mut fte_km) = (0.0, 0.0);
    for t in econ::in_house_teams(data, org, function) {
        let team = &data.teams[t];
        let hc = f64::from(team.headcount);
        in_house += hc;
        if let (Some(a), Some(b)) = (team.site.and_then(|s| data.site(s).location), to) {
            fte_km += econ::transferred_fte(spec, hc) * haversine_km(a, b);
        }
    }
    (in_house, econ::transferred_fte(spec, in_house), fte_km)
}

/// A hub's pooled FTE today: the FTE its members handed to it (0 for a new hub).
pub fn pooled_today(data: &Dataset, hub: &Hub) -> f64 {
    hub.service.map_or(0.0, |s| {
        data.service_members
            .iter()
            .filter(|m| m.service == s)
            .map(|m| m.fte_pooled)
            .sum()
    })
}

/// A hub's staff today (its service's teams), 0 for a new hub.
pub fn staff_today(data: &Dataset, hub: &Hub) -> f64 {
    hub.service.map_or(0.0, |s| {
        data.teams
            .iter()
            .filter(|t| t.service == Some(s))
            .map(|t| f64::from(t.headcount))
            .sum()
    })
}

/// Computes the figures of a services plan.
pub fn evaluate(
    data: &Dataset,
    d: &Discount,
    rates: TransferRates,
    plan: &ServicesPlan,
) -> ServicesKpis {
    let years = d.years();
    let mut k = ServicesKpis {
        savings_by_year: vec![0.0; years],
        one_off_by_year: vec![0.0; years],
        hubs: vec![HubFigures::default(); plan.hubs.len()],
        joins: vec![JoinFigures::default(); plan.joins.len()],
        ..ServicesKpis::default()
    };
    baseline_fte(data, &mut k);
    for (j, join) in plan.joins.iter().enumerate() {
        let hub = &plan.hubs[join.hub];
        let spec = &data.functions[join.function];
        let (in_house, transferred, fte_km) =
            transfer(data, join.organisation, join.function, hub.site);
        let cross = data.org(join.organisation).sector != data.org(hub.host).sector;
        let y = join.year as usize;
        let one_off = econ::join_one_off(spec, transferred, rates);
        let yearly = econ::join_yearly(spec, transferred, cross, fte_km, rates);
        k.moved_fte_km += fte_km;
        k.one_off_by_year[y - 1] += one_off;
        k.savings_by_year[y - 1] -= one_off;
        k.savings_by_year
            .iter_mut()
            .skip(y - 1)
            .for_each(|s| *s -= yearly);
        let npv = -one_off * d.factor(y) - yearly * d.annuity_from(y);
        function_entry(data, &mut k, join.function).npv += npv;
        function_entry(data, &mut k, join.function).partners_pooled += 1;
        k.joins[j] = JoinFigures {
            fte_in_house: in_house,
            fte_retained: in_house - transferred,
            fte_transferred: transferred,
            fte_saved: 0.0,
            annual_saving: -yearly,
            one_off,
            npv,
        };
    }
    for h in 0..plan.hubs.len() {
        hub_figures(data, d, plan, h, &mut k);
    }
    k.one_off_cost = k.one_off_by_year.iter().sum();
    k.npv = k.by_function.values().map(|f| f.npv).sum();
    k.fte_saved = k.hubs.iter().map(|h| h.fte_saved).sum();
    k.fte_after = k.fte_before - k.fte_saved;
    k.hubs_opened = plan.hubs.iter().filter(|h| h.service.is_none()).count();
    k
}

/// Today's FTE of the functions that may be pooled.
fn baseline_fte(data: &Dataset, k: &mut ServicesKpis) {
    for t in &data.teams {
        let poolable = data
            .functions
            .iter()
            .any(|f| f.poolable && f.id == t.function);
        if poolable {
            k.fte_before += f64::from(t.headcount);
        }
    }
}

fn function_entry<'a>(
    data: &Dataset,
    k: &'a mut ServicesKpis,
    f: usize,
) -> &'a mut FunctionFigures {
    k.by_function
        .entry(data.functions[f].id.0.clone())
        .or_default()
}

/// A hub's year-by-year FTE saving, its set-up and redundancy costs, and its members' shares of them.
fn hub_figures(data: &Dataset, d: &Discount, plan: &ServicesPlan, h: usize, k: &mut ServicesKpis) {
    let hub = &plan.hubs[h];
    let spec = &data.functions[hub.function];
    let p0 = pooled_today(data, hub);
    let members: Vec<usize> = (0..plan.joins.len())
        .filter(|&j| plan.joins[j].hub == h)
        .collect();
    let new_fte: f64 = members.iter().map(|&j| k.joins[j].fte_transferred).sum();
    let curve = ScaleCurve::new(spec, p0 + new_fte);
    let (mut npv, mut saved_before, mut costs) = (0.0, 0.0, 0.0);
    if hub.service.is_none() && !members.is_empty() {
        let y = hub.open_year as usize;
        k.one_off_by_year[y - 1] += spec.setup;
        k.savings_by_year[y - 1] -= spec.setup;
        npv -= spec.setup * d.factor(y);
        costs += spec.setup;
    }
    for y in 1..=d.years() {
        let joined: f64 = members
            .iter()
            .filter(|&&j| plan.joins[j].year as usize <= y)
            .map(|&j| k.joins[j].fte_transferred)
            .sum();
        let saved = econ::fte_saved(&curve, p0, p0 + joined);
        let redundancy = econ::redundancy(spec, saved - saved_before);
        k.one_off_by_year[y - 1] += redundancy;
        k.savings_by_year[y - 1] += saved * spec.cost_per_fte - redundancy;
        npv += (saved * spec.cost_per_fte - redundancy) * d.factor(y);
        costs += redundancy;
        saved_before = saved;
    }
    // The saving reached by the horizon's end runs on over the rest of the appraisal.
    npv += saved_before * spec.cost_per_fte * d.annuity_from(d.years() + 1);
    let extra = curve.hub_fte(p0 + new_fte) - curve.hub_fte(p0);
    let hub_fte = staff_today(data, hub) + extra;
    k.hubs[h] = HubFigures {
        members: members.len()
            + hub.service.map_or(0, |s| {
                data.service_members
                    .iter()
                    .filter(|m| m.service == s)
                    .count()
            }),
        fte_pooled: p0 + new_fte,
        hub_fte,
        fte_saved: saved_before,
        annual_cost: hub_fte * spec.cost_per_fte,
    };
    for &j in &members {
        let share = if new_fte > 0.0 {
            k.joins[j].fte_transferred / new_fte
        } else {
            0.0
        };
        k.joins[j].fte_saved = saved_before * share;
        k.joins[j].annual_saving += saved_before * spec.cost_per_fte * share;
        k.joins[j].one_off += costs * share;
        k.joins[j].npv += npv * share;
    }
    let f = function_entry(data, k, hub.function);
    f.npv += npv;
    f.fte_saved += saved_before;
}
