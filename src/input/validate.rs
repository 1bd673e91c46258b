//! Rules that look across rows and files, one function per rule, named by its code.
//!
//! These run after every file has been read, on whatever rows were valid, so that a single pass reports both the
//! cell-level problems and the cross-file ones.

use super::Lines;
use crate::codes::*;
use crate::domain::{Dataset, Tenure};
use crate::error::Finding;
use crate::model_config::ModelConfig;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Runs every cross-file rule.
pub fn run(data: &Dataset, lines: &Lines, model: &ModelConfig, out: &mut Vec<Finding>) {
    e1040_team_fits_no_site(data, lines, model, out);
    e1041_desk_demand_above_capacity(data, model, out);
    e1042_must_keep_lease_ended(data, lines, model, out);
    e1043_e1044_offer_tiers(data, lines, out);
    e1051_model_names_unknown(data, model, out);
    e1073_landlord_is_the_tenant(data, lines, out);
    w1003_site_without_coordinates(data, lines, out);
    w1004_zone_without_population(data, lines, out);
    w1005_site_over_capacity(data, lines, out);
    w1006_shared_coordinates(data, lines, out);
    w1008_desk_density(data, lines, out);
    w1009_contract_ended(data, lines, model, out);
    w1010_team_without_site(data, lines, out);
    w1011_category_without_offers(data, lines, out);
    super::validate_services::run(data, lines, out);
    super::validate_units::run(data, lines, out);
    super::validate_geo::run(data, lines, out);
}

pub(super) fn at(
    code: &'static str,
    file: &str,
    row: u64,
    column: &str,
    value: &str,
    cause: String,
    action: &str,
) -> Finding {
    Finding::file(code, file, cause, action)
        .at_row(row)
        .at_column(column)
        .with_value(value)
}

/// A site leased from a partner names that partner as its landlord, never the organisation that holds the lease.
fn e1073_landlord_is_the_tenant(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    for (s, line) in data.sites.iter().zip(&lines.sites) {
        if s.landlord == Some(s.organisation) {
            let org = &data.org(s.organisation).id;
            out.push(at(
                E1073,
                "sites.csv",
                *line,
                "landlord",
                org,
                format!("site {} is held by {org}, which is also named as its landlord", s.id),
                "name the partner the site is leased from, or leave landlord empty when the landlord is outside \
                 the partnership",
            ));
        }
    }
}

/// People a site can hold at the model's desk ratio.
fn holds(desks: u32, ratio: f64) -> f64 {
    f64::from(desks) / ratio
}

fn e1040_team_fits_no_site(
    data: &Dataset,
    lines: &Lines,
    model: &ModelConfig,
    out: &mut Vec<Finding>,
) {
    let ratio = model.estates.desk_ratio;
    // Split teams can spread over several sites, so no single site needs to hold them.
    if model.estates.split {
        return;
    }
    let Some(largest) = data.sites.iter().map(|s| s.desks).max() else {
        return;
    };
    for (team, line) in data.teams.iter().zip(&lines.teams) {
        if f64::from(team.headcount) > holds(largest, ratio) + 1e-9 {
            out.push(at(
                E1040,
                "teams.csv",
                *line,
                "headcount",
                &team.headcount.to_string(),
                format!(
                    "team {} needs {:.0} desks at desk ratio {ratio} but the largest site has {largest}",
                    team.id,
                    f64::from(team.headcount) * ratio
                ),
                "split the team into smaller teams, or allow splitting (estates.split = true), or add desks",
            ));
        }
    }
}

/// A model file that forces the release of a site, or awards a category, the data set does not have would
/// otherwise do nothing, silently: a typo in a board's scenario must not pass as a plan.
fn e1051_model_names_unknown(data: &Dataset, model: &ModelConfig, out: &mut Vec<Finding>) {
    let sites: HashSet<&str> = data.sites.iter().map(|s| s.id.as_str()).collect();
    for id in &model.estates.force_release {
        if !sites.contains(id.as_str()) {
            out.push(
                Finding::file(
                    E1051,
                    "model file",
                    format!(
                        "estates.force_release names site '{id}', which sites.csv does not have"
                    ),
                    "correct the site id or remove it from force_release",
                )
                .at_column("estates.force_release")
                .with_value(id),
            );
        }
    }
    if !model.procurement.enabled {
        return;
    }
    let categories: HashSet<&str> = data.contracts.iter().map(|c| c.category.as_str()).collect();
    let named = model
        .procurement
        .categories
        .iter()
        .map(|c| ("procurement.categories", c));
    let overridden = model
        .procurement
        .overrides
        .keys()
        .map(|c| ("procurement.overrides", c));
    for (key, c) in named.chain(overridden) {
        if !categories.contains(c.as_str()) {
            out.push(
                Finding::file(
                    E1051,
                    "model file",
                    format!("{key} names category '{c}', which no contract in contracts.csv has"),
                    "correct the category (as written in contracts.csv) or remove it",
                )
                .at_column(key)
                .with_value(c),
            );
        }
    }
}

fn e1041_desk_demand_above_capacity(data: &Dataset, model: &ModelConfig, out: &mut Vec<Finding>) {
    let ratio = model.estates.desk_ratio;
    let demand = data.total_headcount() as f64 * ratio;
    let capacity = data.total_desks() as f64;
    if !data.teams.is_empty() && demand > capacity + 1e-9 {
        out.push(Finding::file(
            E1041,
            "teams.csv",
            format!("the teams need {demand:.0} desks in all (desk ratio {ratio}) but all sites together have {capacity:.0}"),
            "check headcounts and desks, or lower estates.desk_ratio in the model file",
        ));
    }
}

fn e1042_must_keep_lease_ended(
    data: &Dataset,
    lines: &Lines,
    model: &ModelConfig,
    out: &mut Vec<Finding>,
) {
    for (site, line) in data.sites.iter().zip(&lines.sites) {
        let Some(lease) = site.lease else { continue };
        if lease.end >= model.start_date {
            continue;
        }
        let (code, cause, action) = if site.must_keep {
            (
                E1042,
                format!(
                    "site {} must be kept but its lease ended on {}, before the plan starts on {}",
                    site.id, lease.end, model.start_date
                ),
                "record the renewed lease's end date, or clear must_keep",
            )
        } else if site.tenure == Tenure::Leasehold {
            (
                W1007,
                format!(
                    "the lease of site {} ended on {}, before the plan starts on {}",
                    site.id, lease.end, model.start_date
                ),
                "record the renewed lease's end date if it was renewed; it is treated as free to leave",
            )
        } else {
            continue;
        };
        out.push(at(
            code,
            "sites.csv",
            *line,
            "lease_end",
            &lease.end.to_string(),
            cause,
            action,
        ));
    }
}

fn e1043_e1044_offer_tiers(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<(u32, &str), Vec<usize>> = BTreeMap::new();
    for (i, o) in data.offers.iter().enumerate() {
        groups
            .entry((o.supplier.0, o.category.as_str()))
            .or_default()
            .push(i);
    }
    for ((supplier, category), tiers) in groups {
        let name = &data.suppliers[supplier as usize].id;
        let first = &data.offers[tiers[0]];
        for &i in &tiers[1..] {
            let o = &data.offers[i];
            if (o.capacity - first.capacity).abs() > 1e-6 {
                out.push(at(
                    E1043,
                    "offers.csv",
                    lines.offers[i],
                    "capacity_gbp",
                    &o.capacity.to_string(),
                    format!(
                        "supplier {name} in '{category}' has capacity {} on an earlier tier",
                        first.capacity
                    ),
                    "give every tier of one supplier and category the same capacity_gbp",
                ));
            }
        }
        if !tiers.iter().any(|&i| data.offers[i].min_volume == 0.0) {
            out.push(at(
                E1044,
                "offers.csv",
                lines.offers[tiers[0]],
                "min_volume_gbp",
                &first.min_volume.to_string(),
                format!("supplier {name} in '{category}' has no tier starting at volume 0, so small volumes have no price"),
                "add a tier with min_volume_gbp 0",
            ));
        }
    }
}

fn w1003_site_without_coordinates(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    for (site, line) in data.sites.iter().zip(&lines.sites) {
        if site.location.is_none() && site.public_facing {
            out.push(at(
                W1003,
                "sites.csv",
                *line,
                "lat",
                "",
                format!(
                    "public-facing site {} has no coordinates, so it counts for no zone's access",
                    site.id
                ),
                "add lat and lon if the site serves residents in the area",
            ));
        }
    }
}

fn w1004_zone_without_population(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    for (zone, line) in data.zones.iter().zip(&lines.zones) {
        if zone.population == 0 {
            out.push(at(
                W1004,
                "zones.csv",
                *line,
                "population",
                "0",
                format!(
                    "zone {} has no residents; the access rule still applies to it",
                    zone.id
                ),
                "check the population figure",
            ));
        }
    }
}

fn w1005_site_over_capacity(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    let mut load: HashMap<usize, u64> = HashMap::new();
    for t in &data.teams {
        if let Some(s) = t.site {
            *load.entry(s.ix()).or_default() += u64::from(t.headcount);
        }
    }
    let mut over: Vec<_> = load
        .into_iter()
        .filter(|&(s, n)| n > u64::from(data.sites[s].desks))
        .collect();
    over.sort_unstable();
    for (s, n) in over {
        let site = &data.sites[s];
        out.push(at(
            W1005,
            "sites.csv",
            lines.sites[s],
            "desks",
            &site.desks.to_string(),
            format!(
                "site {} holds {n} people today but has {} desks",
                site.id, site.desks
            ),
            "check the desks figure; plans will not put more people there than its desks allow",
        ));
    }
}

fn w1006_shared_coordinates(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    let mut first: HashMap<(u64, u64), usize> = HashMap::new();
    for (i, site) in data.sites.iter().enumerate() {
        let Some(p) = site.location else { continue };
        match first.get(&(p.lat.to_bits(), p.lon.to_bits())) {
            Some(&j) => out.push(at(
                W1006,
                "sites.csv",
                lines.sites[i],
                "lat",
                &p.lat.to_string(),
                format!(
                    "site {} has the same coordinates as site {}",
                    site.id, data.sites[j].id
                ),
                "check the coordinates; co-located sites are allowed",
            )),
            None => {
                first.insert((p.lat.to_bits(), p.lon.to_bits()), i);
            }
        }
    }
}

fn w1008_desk_density(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    for (site, line) in data.sites.iter().zip(&lines.sites) {
        if site.desks > 0
            && site.floor_area_m2 > 0.0
            && site.floor_area_m2 / f64::from(site.desks) < 4.0
        {
            out.push(at(
                W1008,
                "sites.csv",
                *line,
                "desks",
                &site.desks.to_string(),
                format!(
                    "site {} has {} desks in {} m2, under 4 m2 a desk",
                    site.id, site.desks, site.floor_area_m2
                ),
                "check desks and floor_area_m2",
            ));
        }
    }
}

fn w1009_contract_ended(
    data: &Dataset,
    lines: &Lines,
    model: &ModelConfig,
    out: &mut Vec<Finding>,
) {
    for (c, line) in data.contracts.iter().zip(&lines.contracts) {
        if c.end < model.start_date {
            out.push(at(
                W1009,
                "contracts.csv",
                *line,
                "end",
                &c.end.to_string(),
                format!(
                    "contract {} ended before the plan starts on {}",
                    c.id, model.start_date
                ),
                "record the current contract, or remove the row",
            ));
        }
    }
}

fn w1010_team_without_site(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    let costed: HashSet<usize> = data.team_site_costs.iter().map(|c| c.team.ix()).collect();
    for (i, (t, line)) in data.teams.iter().zip(&lines.teams).enumerate() {
        // A team placed by a cost table (a benchmark customer) has no current site by design.
        if t.site.is_none() && !costed.contains(&i) {
            out.push(at(
                W1010,
                "teams.csv",
                *line,
                "site",
                "",
                format!(
                    "team {} has no current site; it is placed without a move distance",
                    t.id
                ),
                "give the site the team works from today, if it has one",
            ));
        }
    }
}

fn w1011_category_without_offers(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    if data.offers.is_empty() {
        return;
    }
    // A category categories.csv puts out of scope needs no offers: its contracts stay as they are by design.
    let offered: HashSet<&str> = data
        .offers
        .iter()
        .map(|o| o.category.as_str())
        .chain(
            data.categories
                .iter()
                .filter(|c| c.route == crate::domain::Route::OutOfScope)
                .map(|c| c.id.as_str()),
        )
        .collect();
    let mut reported = HashSet::new();
    for (c, line) in data.contracts.iter().zip(&lines.contracts) {
        if !offered.contains(c.category.as_str()) && reported.insert(c.category.as_str()) {
            out.push(at(
                W1011,
                "contracts.csv",
                *line,
                "category",
                &c.category,
                format!(
                    "no supplier offers category '{}', so its contracts stay as they are",
                    c.category
                ),
                "add offers for the category, or check its spelling",
            ));
        }
    }
}
