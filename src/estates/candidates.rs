//! Candidate sets and cost coefficients of the estates model, computed once from the data and the model file.
//!
//! Everything the MILP passes and the heuristic need is here as plain numbers: which sites may be released and
//! what releasing each one in each year is worth, which sites each team may work from (only those within reach:
//! no dense team x site matrix), and which sites can serve each zone.

use crate::costing::{self, Discount, PlanCosts};
use crate::domain::{Dataset, SiteIx, SiteKind, Tenure, UnitKind};
use crate::geo::{haversine_km, within_km};
use crate::model_config::{ModelConfig, ObjectiveKind};
use std::collections::BTreeMap;

/// One site a team may work from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The site.
    pub site: SiteIx,
    /// Distance from the team's current site (km), 0 when unknown or none.
    pub move_km: f64,
    /// Annual cost of the team working here (travel or the team-site cost table).
    pub annual_cost: f64,
}

/// What the model knows about each team.
#[derive(Debug, Clone)]
pub struct TeamCandidates {
    /// Sites the team may use, its current site first when it has one.
    pub options: Vec<Placement>,
    /// One-off cost when the team moves (relocation and fit-out for its desks).
    pub move_cost: f64,
}

impl TeamCandidates {
    /// The option at `site`, if the team may work there. Options are the current site first, then the others
    /// by site (see `team_candidates`), so this is a binary search: the evaluators look it up per team and plan.
    pub fn option_at(&self, site: SiteIx) -> Option<&Placement> {
        let (first, rest) = self.options.split_first()?;
        if first.site == site {
            return Some(first);
        }
        // The first option is the current site or the smallest; the rest are in site order either way.
        rest.binary_search_by_key(&site, |o| o.site)
            .ok()
            .map(|i| &rest[i])
    }
}

/// What the model knows about each site.
#[derive(Debug, Clone)]
pub struct SiteCandidate {
    /// May be released at all.
    pub releasable: bool,
    /// Must be released within the horizon.
    pub forced: bool,
    /// What releasing it in year `y` costs beyond its yearly cost (index `y - 1`): exit penalty, holding costs
    /// until its sale, the sale's year.
    pub release: Vec<costing::Release>,
    /// What it costs each year it is kept ([`costing::site_yearly_cost`]).
    pub yearly: f64,
    /// What its release in year `y` moves from its partner landlord to its owner ([`costing::partner_transfers`]).
    pub transfer: Vec<f64>,
}

/// What the model knows about each release unit.
#[derive(Debug, Clone)]
pub struct UnitCandidate {
    /// May be released on its own.
    pub releasable: bool,
    /// Its costs and savings.
    pub costs: costing::UnitCosts,
}

/// A zone's need for a kept public-facing site (of a kind, when the rule is per kind) within a distance.
#[derive(Debug, Clone)]
pub struct AccessNeed {
    /// The zone (index into the data set's zones).
    pub zone: usize,
    /// The service kind, when access is per kind.
    pub kind: Option<SiteKind>,
    /// Sites that can serve it: public-facing (of the kind), located, within the limit.
    pub cover: Vec<SiteIx>,
    /// The limit (km): the model distance, or today's nearest if that is further.
    pub limit_km: f64,
}

/// The candidate sets and coefficients.
#[derive(Debug, Clone)]
pub struct Candidates {
    /// Discount factors of the horizon.
    pub discount: Discount,
    /// Per site.
    pub sites: Vec<SiteCandidate>,
    /// Per release unit.
    pub units: Vec<UnitCandidate>,
    /// Per team.
    pub teams: Vec<TeamCandidates>,
    /// What each zone needs within reach (per zone, or per zone and service kind).
    pub access: Vec<AccessNeed>,
    /// Per borough with public-facing sites: those sites.
    pub borough_sites: BTreeMap<String, Vec<SiteIx>>,
    /// The shared-services decision's candidates (empty without `functions.csv`).
    pub services: super::services::Candidates,
}

/// The size of the estates model these candidates would build, estimated before building it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeEstimate {
    /// Variables (site release years and team placements).
    pub variables: usize,
    /// Non-zero coefficients over all rows.
    pub nonzeros: usize,
    /// Bytes the model, its copy in the solver and the solver's work space may take at the peak.
    pub bytes: u64,
}

impl Candidates {
    /// An upper estimate of the model's size. Each placement is a column with about five non-zeros (assignment,
    /// link, capacity, staff, budget rows); each site one column per release year with about four (release,
    /// link, budget, partners); each zone's access row one per covering site. Memory is taken as 600 bytes per
    /// non-zero and 300 per column: good_lp's expressions are hash maps, the solver copies them into its own
    /// sparse matrix and factorisation, and branch and bound keeps copies of bounds. Measured peaks stay below
    /// this (GM: 3,748 columns, under 12 MiB whole process).
    pub fn estimate(&self) -> SizeEstimate {
        let placements: usize = self.teams.iter().map(|t| t.options.len()).sum();
        let site_years = (self.sites.len() + self.units.len()) * (self.discount.years() + 1);
        let access: usize = self.access.iter().map(|a| a.cover.len()).sum();
        let variables = placements + site_years;
        let nonzeros = 5 * placements + 4 * site_years + access;
        SizeEstimate {
            variables,
            nonzeros,
            bytes: 600 * nonzeros as u64 + 300 * variables as u64,
        }
    }
}

impl PlanCosts for Candidates {
    fn discount(&self) -> &Discount {
        &self.discount
    }

    fn release(&self, site: usize, y: usize) -> &costing::Release {
        &self.sites[site].release[y - 1]
    }

    fn site_yearly(&self, site: usize) -> f64 {
        self.sites[site].yearly
    }

    fn transfer(&self, site: usize, y: usize) -> f64 {
        self.sites[site].transfer[y - 1]
    }

    fn unit(&self, unit: usize) -> &costing::UnitCosts {
        &self.units[unit].costs
    }

    fn team_annual_cost(&self, team: usize, site: SiteIx) -> f64 {
        self.teams[team]
            .option_at(site)
            .map_or(0.0, |o| o.annual_cost)
    }

    fn team_move_cost(&self, team: usize) -> f64 {
        self.teams[team].move_cost
    }

    fn transfer_rates(&self) -> costing::services::TransferRates {
        self.services.rates
    }
}

/// Computes the candidates.
pub fn build(data: &Dataset, model: &ModelConfig) -> Candidates {
    let e = &model.estates;
    let sites = data
        .sites
        .iter()
        .map(|s| {
            let forced = e.force_release.contains(&s.id);
            let protected = s.must_keep
                || e.never_release_kinds.contains(&s.kind)
                || (s.tenure == Tenure::Pfi && !e.release_pfi)
                || data
                    .teams
                    .iter()
                    .any(|t| !t.movable && t.site.is_some_and(|x| data.site(x).id == s.id))
                || hosts_a_service(data, model, s);
            let pdc = costing::pdc(s, data.org(s.organisation).kind, model);
            SiteCandidate {
                releasable: forced || !protected,
                forced,
                release: costing::releases(s, pdc, model),
                yearly: costing::site_yearly_cost(s, pdc, model.appraisal() as usize),
                transfer: costing::partner_transfers(s, model),
            }
        })
        .collect();
    let units = unit_candidates(data, model);
    let teams = team_candidates(data, model);
    let access = access_needs(data, model);
    let mut borough_sites: BTreeMap<String, Vec<SiteIx>> = BTreeMap::new();
    for (i, s) in data.sites.iter().enumerate() {
        if s.public_facing && !s.borough.is_empty() {
            borough_sites
                .entry(s.borough.clone())
                .or_default()
                .push(SiteIx(i as u32));
        }
    }
    Candidates {
        discount: Discount::of(model),
        sites,
        units,
        teams,
        access,
        borough_sites,
        services: super::services::build(data, model),
    }
}

/// Release units: offered on their own when the model allows it, a floor unit from `[estates.units]
/// min_area_m2`, and not on a site the model forces out whole.
fn unit_candidates(data: &Dataset, model: &ModelConfig) -> Vec<UnitCandidate> {
    let rules = &model.estates.units;
    data.units
        .iter()
        .map(|u| {
            let site = data.site(u.site);
            let big_enough = u.kind != UnitKind::Floor || u.floor_area_m2 >= rules.min_area_m2;
            let forced = model.estates.force_release.contains(&site.id);
            UnitCandidate {
                releasable: rules.enabled && big_enough && !forced,
                costs: costing::unit_costs(u, site, data.org(site.organisation).kind, model),
            }
        })
        .collect()
}

/// A shared service that exists today stays where it is: its site is kept while the decision is on.
fn hosts_a_service(data: &Dataset, model: &ModelConfig, site: &crate::domain::Site) -> bool {
    model.shared_services.enabled
        && !data.functions.is_empty()
        && data
            .services
            .iter()
            .any(|sv| data.site(sv.site).id == site.id)
}

fn team_candidates(data: &Dataset, model: &ModelConfig) -> Vec<TeamCandidates> {
    let e = &model.estates;
    let mut table: Vec<Vec<(SiteIx, f64)>> = vec![Vec::new(); data.teams.len()];
    for c in &data.team_site_costs {
        table[c.team.ix()].push((c.site, c.annual_cost));
    }
    data.teams
        .iter()
        .zip(table)
        .map(|(t, costs)| {
            let hc = f64::from(t.headcount);
            let move_cost = costing::team_move_cost(t, model);
            let origin = t.site.map(|s| data.site(s));
            let km = |s: SiteIx| match (origin.and_then(|o| o.location), data.site(s).location) {
                (Some(a), Some(b)) => haversine_km(a, b),
                _ => 0.0,
            };
            let fits =
                |s: SiteIx| f64::from(data.site(s).desks) >= hc * e.desk_ratio - 1e-9 || e.split;
            let mut options: Vec<Placement> = if !costs.is_empty() {
                costs
                    .iter()
                    .map(|&(site, annual_cost)| Placement {
                        site,
                        move_km: km(site),
                        annual_cost,
                    })
                    .collect()
            } else if !t.movable {
                t.site
                    .map(|s| {
                        vec![Placement {
                            site: s,
                            move_km: 0.0,
                            annual_cost: 0.0,
                        }]
                    })
                    .unwrap_or_default()
            } else {
                (0..data.sites.len() as u32)
                    .map(SiteIx)
                    .filter(|&s| reachable(data, t.site, s, e.staff.max_team_increase_km))
                    .map(|s| {
                        let d = km(s);
                        Placement {
                            site: s,
                            move_km: d,
                            annual_cost: costing::travel_cost(t, d, model),
                        }
                    })
                    .collect()
            };
            options.retain(|o| Some(o.site) == t.site || fits(o.site));
            // The current site first, so "stay" is option 0 whenever it is an option.
            options.sort_by_key(|o| (Some(o.site) != t.site, o.site));
            TeamCandidates {
                options,
                move_cost: if model.estates.objective == ObjectiveKind::Cost && t.site.is_none() {
                    0.0
                } else {
                    move_cost
                },
            }
        })
        .collect()
}

/// A site is within a team's reach (for a move, or for its staff's transfer to a hub) when it is the team's own
/// site, or both have coordinates and the move is short enough; a team with no current site can go anywhere.
pub fn reachable(data: &Dataset, from: Option<SiteIx>, to: SiteIx, max_km: f64) -> bool {
    let Some(from) = from else { return true };
    if from == to {
        return true;
    }
    match (data.site(from).location, data.site(to).location) {
        (Some(a), Some(b)) => within_km(a, b, max_km + 1e-9),
        _ => false,
    }
}

/// The access needs: one per zone, or with `access.per_kind` one per zone and listed kind.
fn access_needs(data: &Dataset, model: &ModelConfig) -> Vec<AccessNeed> {
    let a = &model.estates.access;
    let mut needs = Vec::new();
    for kind in a.kinds() {
        let public: Vec<(SiteIx, crate::domain::LatLon)> = data
            .sites
            .iter()
            .enumerate()
            .filter(|(_, s)| s.public_facing && kind.is_none_or(|k| s.kind == k))
            .filter_map(|(i, s)| s.location.map(|p| (SiteIx(i as u32), p)))
            .collect();
        let by_latitude = crate::geo::ByLatitude::new(public.iter().map(|&(_, p)| p).collect());
        for (zone, z) in data.zones.iter().enumerate() {
            let nearest = by_latitude.nearest_km(z.location);
            // A zone already beyond the distance today keeps what it has: no plan can do better than its nearest.
            let limit_km = a.limit_km(z, nearest);
            let cover = public
                .iter()
                .filter(|&&(_, p)| within_km(z.location, p, limit_km + 1e-9))
                .map(|&(s, _)| s)
                .collect();
            needs.push(AccessNeed {
                zone,
                kind,
                cover,
                limit_km,
            });
        }
    }
    needs
}
