//! A plan: what happens to each site and where each team works, and the figures that describe it.
//!
//! The economics are defined once here, in [`evaluate`], and documented in the README: present values at the
//! model's discount rate with year 1 undiscounted, running costs and an even share of backlog avoided from the
//! release year, receipts and exit penalties in the release year, one-off move costs in the year the team moves
//! (its current site's release year, or year 1), and extra staff travel for the whole horizon.

pub mod award;
pub mod carter;
pub mod deprivation;
pub mod files;
pub mod headline;
pub mod services;
mod services_file;
pub mod shares;

use crate::costing::{self, PlanCosts};
use crate::domain::{Dataset, Site, SiteIx};
use crate::geo::haversine_km;
use serde::Serialize;
use services::{ServicesKpis, ServicesPlan};
use std::collections::BTreeMap;

/// What happens to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SiteDecision {
    /// Kept for the whole horizon.
    Keep,
    /// Released at the start of this year of the horizon (1-based).
    Release(u32),
}

/// A plan for the estate.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Per site.
    pub sites: Vec<SiteDecision>,
    /// Per release unit: released on its own in a year, or kept (with its site, or gone with it when the site is
    /// released).
    pub units: Vec<SiteDecision>,
    /// Per team: the sites it works from with the share of its headcount at each (one entry of 1.0 unless split).
    pub teams: Vec<Vec<(SiteIx, f64)>>,
    /// Shared services: hubs and joinings.
    pub services: ServicesPlan,
}

impl Plan {
    /// Nothing changes: every site kept, every team where it is (teams without a site get none).
    pub fn baseline(data: &Dataset) -> Plan {
        Plan {
            sites: vec![SiteDecision::Keep; data.sites.len()],
            units: vec![SiteDecision::Keep; data.units.len()],
            teams: data
                .teams
                .iter()
                .map(|t| t.site.map(|s| vec![(s, 1.0)]).unwrap_or_default())
                .collect(),
            services: ServicesPlan::baseline(data),
        }
    }

    /// Released sites (index into [`Dataset::sites`]) with their release year (1-based): the sites whose
    /// site-bound contracts end with them.
    pub fn released(&self) -> BTreeMap<usize, usize> {
        self.sites
            .iter()
            .enumerate()
            .filter_map(|(i, d)| match d {
                SiteDecision::Release(y) => Some((i, *y as usize)),
                SiteDecision::Keep => None,
            })
            .collect()
    }

    /// Desks each site holds under the plan (index = site): its own less those of its units released on their
    /// own. One pass over the units, for the heuristics' rule checks.
    pub fn desks_kept(&self, data: &Dataset) -> Vec<f64> {
        let mut desks: Vec<f64> = data.sites.iter().map(|s| f64::from(s.desks)).collect();
        for (u, d) in data.units.iter().zip(&self.units) {
            if *d != SiteDecision::Keep {
                desks[u.site.ix()] -= f64::from(u.desks);
            }
        }
        desks
    }

    /// True when the site is kept.
    pub fn kept(&self, s: SiteIx) -> bool {
        self.sites[s.ix()] == SiteDecision::Keep
    }
}

/// The figures of a plan (GBP present values unless named otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Default, schemars::JsonSchema)]
pub struct Kpis {
    /// Net present value against doing nothing.
    pub npv: f64,
    /// Present value of the plan's costs over the appraisal period (the `cost` objective).
    pub plan_cost: f64,
    /// Present value of doing nothing.
    pub baseline_cost: f64,
    /// Annual running cost of all sites today (GBP a year).
    pub running_cost_before: f64,
    /// Annual running cost of the sites kept at the end (GBP a year).
    pub running_cost_after: f64,
    /// Undiscounted one-off costs: moves and exit penalties.
    pub one_off_cost: f64,
    /// Undiscounted disposal receipts that fall within the appraisal period.
    pub disposal_receipts: f64,
    /// Undiscounted holding costs of released buildings waiting for their sale (`[estates.disposal]`).
    #[serde(default)]
    pub holding_cost: f64,
    /// Undiscounted backlog maintenance avoided.
    pub backlog_avoided: f64,
    /// Sites released.
    pub sites_released: usize,
    /// Floor area released (m2).
    pub floor_area_released_m2: f64,
    /// Release units released on their own (part of a site: a floor, a wing, land; `units.csv`).
    #[serde(default)]
    pub units_released: usize,
    /// Land released on its own (hectares; land units).
    #[serde(default)]
    pub land_released_ha: f64,
    /// Sites released whose figures are derived, not published (`derived` in `sites.csv`).
    #[serde(default)]
    pub derived_sites_released: usize,
    /// What releasing those derived sites adds to the NPV (present value: their running costs, backlog, PDC,
    /// receipts, holding and exit costs; not the moves of their teams): how much of the headline rests on them.
    #[serde(default)]
    pub derived_release_npv: f64,
    /// The largest distance from a zone to its nearest kept public-facing site (km); null without zones.
    pub worst_zone_access_km: Option<f64>,
    /// Population-weighted mean distance from a zone to its nearest kept public-facing site (km).
    pub mean_zone_access_km: Option<f64>,
    /// Headcount-weighted mean move of staff (km).
    pub mean_staff_move_km: f64,
    /// People who move.
    pub people_moved: f64,
    /// Net saving by partner (present value), by organisation id.
    pub savings_by_partner: BTreeMap<String, f64>,
    /// Net saving in each year of the horizon (undiscounted, index 0 = year 1).
    pub savings_by_year: Vec<f64>,
    /// One-off costs in each year (undiscounted).
    pub one_off_by_year: Vec<f64>,
    /// The NPV in its parts (present values that add up to `npv`).
    #[serde(default)]
    pub npv_parts: NpvParts,
    /// Carter's measures before and after, over the sites with a floor survey (none without one).
    #[serde(default)]
    pub carter: Option<carter::Carter>,
    /// Access to public-facing sites by national deprivation decile, today and after (none without
    /// `zones.csv` `imd_decile`).
    #[serde(default)]
    pub access_by_deprivation: Vec<deprivation::DecileAccess>,
    /// The shared-services figures (included in the totals above), with `functions.csv`.
    #[serde(skip)]
    pub shared_services: Option<ServicesKpis>,
}

/// What the NPV is made of: present values (GBP) that add up to [`Kpis::npv`], savings positive and costs
/// negative, so a reader can trace the figure to the data behind each part.
#[derive(Debug, Clone, PartialEq, Serialize, Default, schemars::JsonSchema)]
pub struct NpvParts {
    /// Running costs no longer paid by the partnership on sites and units released (rent between partners left
    /// out).
    pub running_costs: f64,
    /// The backlog maintenance share avoided.
    pub backlog: f64,
    /// Public dividend capital no longer paid on trusts' freeholds sold.
    pub pdc: f64,
    /// Disposal receipts, in the year of each sale (after the disposal lag; within the appraisal period only).
    pub receipts: f64,
    /// Holding costs of released buildings until their sale (voids: rates after relief, a share of FM,
    /// utilities and maintenance, PDC), negative.
    pub holding: f64,
    /// Exit penalties, dilapidations and units' release costs, negative.
    pub exit_costs: f64,
    /// Teams' one-off moves (relocation and fit-out), negative.
    pub team_moves: f64,
    /// Teams' yearly cost change where they work (travel or the team-site cost table).
    pub team_costs: f64,
    /// The shared-services decision's NPV.
    pub shared_services: f64,
    /// Not in the NPV: rent and early-exit payments between partners that the plan moves from landlords to
    /// tenants (in the partners' shares only).
    pub transfers_excluded: f64,
}

impl NpvParts {
    /// The parts that make up the NPV, with their keys, in the order reports show them.
    pub fn named(&self) -> [(&'static str, f64); 9] {
        [
            ("running_costs", self.running_costs),
            ("backlog", self.backlog),
            ("pdc", self.pdc),
            ("receipts", self.receipts),
            ("holding", self.holding),
            ("exit_costs", self.exit_costs),
            ("team_moves", self.team_moves),
            ("team_costs", self.team_costs),
            ("shared_services", self.shared_services),
        ]
    }

    /// What a part (by key) is, in words for reports.
    pub fn words(key: &str) -> &'static str {
        match key {
            "running_costs" => "Running costs no longer paid (sites and parts of sites released)",
            "backlog" => "Backlog maintenance avoided",
            "pdc" => "Public dividend capital no longer paid",
            "receipts" => "Disposal receipts, in the year of sale",
            "holding" => "Holding costs until sale (empty rates, security, minimum utilities, PDC)",
            "exit_costs" => "Exit penalties, dilapidations and release costs",
            "team_moves" => "Team moves (relocation and fit-out)",
            "team_costs" => "Teams' travel and site costs",
            "shared_services" => "Shared services",
            _ => "Rent between partners (a transfer, not in the NPV)",
        }
    }

    /// Their sum: the NPV.
    pub fn total(&self) -> f64 {
        self.named().iter().map(|(_, v)| v).sum()
    }
}

/// A share as text for `moves.csv` and `awards.csv`: six decimals when that reads back exactly, else every digit
/// needed to read it back unchanged, so that a share filling a site or a tier exactly cannot overflow the site or
/// fall below the tier's minimum when the plan is read back.
pub fn share_text(share: f64) -> String {
    let short = format!("{share:.6}");
    if short.parse::<f64>() == Ok(share) {
        short
    } else {
        format!("{share}")
    }
}

/// The year a team moves: its current site's release year, or year 1 ([`costing::move_year`]).
pub fn move_year(plan: &Plan, current: Option<SiteIx>) -> usize {
    costing::move_year(current.and_then(|s| match plan.sites[s.ix()] {
        SiteDecision::Release(y) => Some(y),
        SiteDecision::Keep => None,
    }))
}

/// Computes every figure of a plan.
pub fn evaluate(data: &Dataset, costs: &impl PlanCosts, plan: &Plan) -> Kpis {
    let mut k = figures(data, costs, plan);
    access(data, plan, &mut k);
    k.carter = carter::measures(data, plan);
    k.access_by_deprivation = deprivation::by_decile(data, plan);
    k
}

/// Every figure of a plan except the zone access distances (left at 0), which cost a distance per zone and
/// public-facing site: for the heuristics, which compare thousands of plans by cost and rules.
pub fn figures(data: &Dataset, costs: &impl PlanCosts, plan: &Plan) -> Kpis {
    let d = costs.discount();
    let years = d.years();
    let annuity = d.annuity_from(1);
    let mut k = Kpis {
        savings_by_year: vec![0.0; years],
        one_off_by_year: vec![0.0; years],
        ..Kpis::default()
    };
    let mut partner: BTreeMap<String, f64> = data
        .organisations
        .iter()
        .map(|o| (o.id.clone(), 0.0))
        .collect();
    for (i, s) in data.sites.iter().enumerate() {
        let yearly = costs.site_yearly(i);
        k.running_cost_before += s.running.total();
        let kept = costing::kept_pv(s, yearly, d);
        k.baseline_cost += kept;
        match plan.sites[i] {
            SiteDecision::Keep => {
                k.running_cost_after += s.running.total();
                k.plan_cost += kept;
            }
            SiteDecision::Release(y) => {
                let y = y as usize;
                let r = costs.release(i, y);
                let pv = costing::released_site_pv(s, yearly, y, r, d);
                k.plan_cost += pv;
                k.sites_released += 1;
                if s.derived {
                    k.derived_sites_released += 1;
                    k.derived_release_npv += kept - pv;
                }
                add_release(&mut k, s, yearly, y, r, d);
                k.npv_parts.transfers_excluded += costs.transfer(i, y);
                *partner
                    .entry(data.org(s.organisation).id.clone())
                    .or_default() += kept - pv;
                transfer(data, s, costs.transfer(i, y), &mut partner);
            }
        }
    }
    for (u, unit) in data.units.iter().enumerate() {
        let SiteDecision::Release(y) = plan.units[u] else {
            continue;
        };
        let (y, c) = (y as usize, costs.unit(u));
        let saving = costing::release_saving_pv(&c.site, c.yearly, y, &c.release[y - 1], d);
        // The unit's costs are inside its site's: releasing it lowers the kept site's cost by its saving.
        k.plan_cost -= saving;
        k.running_cost_after -= c.site.running.total();
        k.units_released += 1;
        k.land_released_ha += unit.land_ha;
        add_release(&mut k, &c.site, c.yearly, y, &c.release[y - 1], d);
        k.npv_parts.transfers_excluded += c.transfer[y - 1];
        *partner
            .entry(data.org(data.site(unit.site).organisation).id.clone())
            .or_default() += saving;
        transfer(data, &c.site, c.transfer[y - 1], &mut partner);
    }
    let (mut moved_km, mut heads) = (0.0, 0.0);
    for (ti, t) in data.teams.iter().enumerate() {
        let cost_at = |s: SiteIx| costs.team_annual_cost(ti, s);
        let base = t.site.map_or(0.0, cost_at);
        let now: f64 = plan.teams[ti].iter().map(|&(s, f)| f * cost_at(s)).sum();
        let moved = moved_share(t.site, &plan.teams[ti]);
        let y = move_year(plan, t.site);
        let one_off = moved * costs.team_move_cost(ti);
        k.baseline_cost += base * annuity;
        k.plan_cost += now * annuity + one_off * d.factor(y);
        k.npv_parts.team_moves -= one_off * d.factor(y);
        k.npv_parts.team_costs -= (now - base) * annuity;
        k.one_off_cost += one_off;
        k.one_off_by_year[y - 1] += one_off;
        k.savings_by_year[y - 1] -= one_off;
        for saving in &mut k.savings_by_year {
            *saving -= now - base;
        }
        *partner
            .entry(data.org(t.organisation).id.clone())
            .or_default() -= (now - base) * annuity + one_off * d.factor(y);
        let hc = f64::from(t.headcount);
        if let Some(from) = t.site.and_then(|s| data.site(s).location) {
            for &(s, f) in &plan.teams[ti] {
                if let Some(to) = data.site(s).location {
                    moved_km += hc * f * haversine_km(from, to);
                }
            }
            heads += hc;
        }
        k.people_moved += moved * hc;
    }
    k.savings_by_partner = partner;
    if !data.functions.is_empty() {
        add_services(data, costs, plan, &mut k);
        // Staff who transfer move to their hub.
        moved_km += k.shared_services.as_ref().map_or(0.0, |s| s.moved_fte_km);
    }
    k.mean_staff_move_km = if heads > 0.0 { moved_km / heads } else { 0.0 };
    k.npv = k.baseline_cost - k.plan_cost;
    k
}

/// Moves `pv` from the landlord partner of `site` to its tenant in the partners' shares (nothing without a partner
/// landlord): rent between partners is a transfer, netted out of the partnership's NPV.
fn transfer(data: &Dataset, site: &Site, pv: f64, partner: &mut BTreeMap<String, f64>) {
    if let Some(landlord) = site.landlord {
        *partner
            .entry(data.org(site.organisation).id.clone())
            .or_default() += pv;
        *partner.entry(data.org(landlord).id.clone()).or_default() -= pv;
    }
}

/// Adds what releasing `site` (a site, or a unit as a site of its own) at the start of year `y` changes to the
/// plan's undiscounted figures: floor area, one-off cost, receipt, holding costs, backlog avoided, and the yearly
/// savings (its yearly cost stops from year `y`).
fn add_release(
    k: &mut Kpis,
    s: &Site,
    yearly: f64,
    y: usize,
    r: &costing::Release,
    d: &costing::Discount,
) {
    // The backlog is spread over the appraisal, as in the yearly cost.
    let years = d.appraisal_years();
    let from_y = d.annuity_from(y);
    let running = costing::site_yearly_cost(s, 0.0, years) - s.backlog / years as f64;
    let parts = &mut k.npv_parts;
    parts.running_costs += running * from_y;
    // The backlog is spread over the appraisal only: no terminal value.
    parts.backlog += s.backlog / years as f64 * d.backlog_from(y);
    parts.pdc += (yearly - running - s.backlog / years as f64) * from_y;
    parts.receipts += r.receipt_pv(s, d);
    parts.holding -= r.holding_pv(d);
    parts.exit_costs -= r.penalty * d.factor(y);
    k.floor_area_released_m2 += s.floor_area_m2;
    k.one_off_cost += r.penalty;
    k.disposal_receipts += r.receipt(s);
    k.holding_cost += r.holding.iter().sum::<f64>();
    k.backlog_avoided += s.backlog * (years + 1 - y) as f64 / years as f64;
    k.one_off_by_year[y - 1] += r.penalty;
    for (yy, saving) in k.savings_by_year.iter_mut().enumerate().skip(y - 1) {
        *saving += yearly - r.holding[yy];
        if yy == y - 1 {
            *saving -= r.penalty;
        }
        if Some(yy + 1) == r.sale_year {
            *saving += s.disposal_value;
        }
    }
}

/// Adds the shared-services figures to the plan's: their net saving lowers the plan cost (the baseline stays
/// today's estate and staff), and their yearly savings, one-off costs and partner savings join the estates'.
fn add_services(data: &Dataset, costs: &impl PlanCosts, plan: &Plan, k: &mut Kpis) {
    let s = services::evaluate(
        data,
        costs.discount(),
        costs.transfer_rates(),
        &plan.services,
    );
    k.plan_cost -= s.npv;
    k.npv_parts.shared_services += s.npv;
    k.one_off_cost += s.one_off_cost;
    for (y, (saving, one_off)) in s.savings_by_year.iter().zip(&s.one_off_by_year).enumerate() {
        k.savings_by_year[y] += saving;
        k.one_off_by_year[y] += one_off;
    }
    for (join, figures) in plan.services.joins.iter().zip(&s.joins) {
        *k.savings_by_partner
            .entry(data.org(join.organisation).id.clone())
            .or_default() += figures.npv;
    }
    k.shared_services = Some(s);
}

/// The share of a team that leaves its current site, given the sites it works from (0 for a team without one).
pub fn moved_share(current: Option<SiteIx>, places: &[(SiteIx, f64)]) -> f64 {
    let stay: f64 = places
        .iter()
        .filter(|(s, _)| Some(*s) == current)
        .map(|(_, f)| f)
        .sum();
    if current.is_some() {
        (1.0 - stay).max(0.0)
    } else {
        0.0
    }
}

/// Per zone, the distance to its nearest kept public-facing site (km; infinite when none is kept).
pub fn zone_access_km(data: &Dataset, plan: &Plan) -> Vec<f64> {
    let kept = crate::geo::ByLatitude::new(
        data.sites
            .iter()
            .enumerate()
            .filter(|(i, s)| s.public_facing && plan.kept(SiteIx(*i as u32)))
            .filter_map(|(_, s)| s.location)
            .collect(),
    );
    data.zones
        .iter()
        .map(|z| kept.nearest_km(z.location))
        .collect()
}

fn access(data: &Dataset, plan: &Plan, k: &mut Kpis) {
    if data.zones.is_empty() {
        return;
    }
    let (mut worst, mut weighted, mut pop) = (0.0f64, 0.0, 0.0);
    for (z, d) in data.zones.iter().zip(zone_access_km(data, plan)) {
        worst = worst.max(d);
        weighted += d * z.population as f64;
        pop += z.population as f64;
    }
    k.worst_zone_access_km = worst.is_finite().then_some(worst);
    k.mean_zone_access_km = (pop > 0.0 && weighted.is_finite()).then(|| weighted / pop);
}
