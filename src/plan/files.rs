//! Reading a plan written by hand (or by `plan`): `sites.csv`, `moves.csv` and `awards.csv` in the layout `plan`
//! writes, into a [`Plan`] and awards. Missing rows mean "no change"; every problem is a coded finding with file,
//! row and column, reported in one pass.

use crate::codes::{E1010, E1017, E1020, E1021};
use crate::domain::{Dataset, SiteIx, SupplierIx};
use crate::error::Finding;
use crate::input::cells::RowReader;
use crate::input::table::{FileSpec, Table, read_table};
use crate::model_config::ModelConfig;
use crate::plan::award::{Award, Timing, early_year, natural_year};
use crate::plan::{Plan, SiteDecision};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The columns of `sites.csv`, in order (also the columns `evaluate` accepts).
pub const SITE_COLUMNS: [&str; 9] = [
    "site",
    "name",
    "owner",
    "decision",
    "year",
    "annual_saving_gbp",
    "receipt_gbp",
    "exit_penalty_gbp",
    "reason",
];

/// The columns of a plan's `units.csv`, in order (also the columns `evaluate` accepts).
pub const UNIT_COLUMNS: [&str; 13] = [
    "unit",
    "site",
    "name",
    "kind",
    "floor_area_m2",
    "land_ha",
    "desks",
    "decision",
    "year",
    "annual_saving_gbp",
    "receipt_gbp",
    "one_off_gbp",
    "reason",
];

/// The columns of `moves.csv`, in order (also the columns `evaluate` accepts).
pub const MOVE_COLUMNS: [&str; 7] = [
    "team",
    "organisation",
    "from",
    "to",
    "headcount",
    "share",
    "move_km",
];

/// The files a plan folder may hold (any one makes it a plan folder).
pub const PLAN_FILES: [&str; 5] = [
    "sites.csv",
    "units.csv",
    "moves.csv",
    "awards.csv",
    "services.csv",
];

/// The columns of `services.csv`, in order (also the columns `evaluate` accepts).
pub const SERVICE_COLUMNS: [&str; 11] = [
    "organisation",
    "function",
    "fte_in_house",
    "delivered_by",
    "hub_site",
    "join_year",
    "fte_retained",
    "fte_transferred",
    "annual_saving_gbp",
    "one_off_gbp",
    "reason",
];

/// The columns of `hubs.csv`, in order.
pub const HUB_COLUMNS: [&str; 10] = [
    "hub",
    "function",
    "site",
    "host",
    "members",
    "fte_pooled",
    "hub_fte",
    "fte_saved",
    "open_year",
    "annual_cost_gbp",
];

/// The id of a hub in `services.csv` and `hubs.csv`: today's service's id, or `<function>:<site>` for a new one.
pub fn hub_id(data: &Dataset, hub: &crate::plan::services::Hub) -> String {
    match hub.service {
        Some(s) => data.services[s].id.clone(),
        None => format!(
            "{}:{}",
            data.functions[hub.function].id.0,
            data.site(hub.site).id
        ),
    }
}

const SITES: FileSpec = FileSpec {
    name: "sites.csv",
    required: &["site", "decision"],
    // Every column `plan` writes is accepted; only these two and `year` are read.
    optional: &SITE_COLUMNS,
};
const UNITS: FileSpec = FileSpec {
    name: "units.csv",
    required: &["unit", "decision"],
    // Every column `plan` writes is accepted; only these two and `year` are read.
    optional: &UNIT_COLUMNS,
};
const MOVES: FileSpec = FileSpec {
    name: "moves.csv",
    required: &["team", "to"],
    // Every column `plan` writes is accepted; only these two and `share` are read.
    optional: &MOVE_COLUMNS,
};
const AWARDS: FileSpec = FileSpec {
    name: "awards.csv",
    required: &["contract", "to_supplier"],
    // Every column `plan` writes is accepted; only these two (and `share`, `timing`) are read.
    optional: &crate::plan::award::AWARD_COLUMNS,
};

/// A plan read from files.
#[derive(Debug, Clone)]
pub struct PlanFiles {
    /// The estates plan (every site kept and every team in place where the files say nothing).
    pub plan: Plan,
    /// Awards per category (contracts not listed renew with today's supplier), when `awards.csv` exists.
    pub awards: Option<BTreeMap<String, Vec<Award>>>,
    /// Which of the files were found.
    pub found: Vec<&'static str>,
}

/// An award row's timing: `natural` when the column is empty; an early end starts in the row's `year`, or, without
/// one, in the first plan year after the lead time.
fn timing_of(r: &mut RowReader<'_>, model: &ModelConfig) -> Option<Timing> {
    if r.raw("timing").is_none() {
        return Some(Timing::Natural);
    }
    let timing = r.choice(
        "timing",
        |s| match s {
            "natural" => Some(Timing::Natural),
            "early" => Some(Timing::Early(0)),
            "locked" => Some(Timing::Locked),
            "site_released" => Some(Timing::SiteReleased),
            _ => None,
        },
        "natural, early, locked, site_released",
    )?;
    if timing != Timing::Early(0) {
        return Some(timing);
    }
    if r.raw("year").is_none() {
        return Some(Timing::Early(early_year(model) + 1));
    }
    match r.count("year")? {
        0 => {
            r.report(
                E1017,
                "year",
                "plan years count from 1",
                "give the plan year the contract starts at its new terms (1 is the first), or leave it empty",
            );
            None
        }
        y => Some(Timing::Early(y as usize)),
    }
}

/// Reads keep-or-release decisions (`sites.csv` or `units.csv` of a plan) into `decisions`, indexed like `ids`
/// (the data set's ids in order); `what` is the id column and the data set's file that lists the ids.
fn read_decisions<'a>(
    t: &Table,
    what: (&str, &str),
    ids: impl Iterator<Item = &'a str>,
    years: u64,
    decisions: &mut [SiteDecision],
    findings: &mut Vec<Finding>,
) {
    let (column, listed_in) = what;
    let index: HashMap<&str, usize> = ids.enumerate().map(|(i, id)| (id, i)).collect();
    let mut seen = HashSet::new();
    each_row(t, findings, |r| {
        let id = r.id(column);
        let decision = r.choice(
            "decision",
            |s| match s.to_ascii_lowercase().as_str() {
                "keep" => Some(false),
                "release" => Some(true),
                _ => None,
            },
            "keep, release",
        );
        let Some(id) = id else { return };
        let Some(&i) = index.get(id.as_str()) else {
            r.report(
                E1021,
                column,
                format!("no {column} has this id in the data set"),
                format!("use a {column} id from {listed_in} of the data set"),
            );
            return;
        };
        if !seen.insert(i) {
            r.report(
                E1020,
                column,
                format!("the {column} appears twice"),
                format!("keep one row per {column}"),
            );
            return;
        }
        if decision != Some(true) {
            return;
        }
        if r.raw("year").is_none() {
            let cause = format!("a released {column} needs the year it is released");
            r.report(
                E1010,
                "year",
                cause,
                format!("give a year from 1 to {years}"),
            );
            return;
        }
        match r.count("year") {
            Some(y) if (1..=years).contains(&y) => decisions[i] = SiteDecision::Release(y as u32),
            Some(_) => r.report(
                E1017,
                "year",
                "the year is outside the plan's horizon",
                format!("give a year from 1 to {years}"),
            ),
            None => {}
        }
    });
}

/// Reads the plan folder `dir` against `data`.
pub fn read(
    dir: &Path,
    data: &Dataset,
    model: &ModelConfig,
    findings: &mut Vec<Finding>,
) -> PlanFiles {
    let site_ix: HashMap<&str, usize> = data
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let years = model.horizon_years as u64;
    let mut plan = Plan::baseline(data);
    let mut found = Vec::new();
    if let Some(t) = read_table(dir, SITES, false, findings) {
        found.push("sites.csv");
        let ids = data.sites.iter().map(|s| s.id.as_str());
        read_decisions(
            &t,
            ("site", "sites.csv"),
            ids,
            years,
            &mut plan.sites,
            findings,
        );
    }
    if let Some(t) = read_table(dir, UNITS, false, findings) {
        found.push("units.csv");
        let ids = data.units.iter().map(|u| u.id.as_str());
        read_decisions(
            &t,
            ("unit", "units.csv"),
            ids,
            years,
            &mut plan.units,
            findings,
        );
    }
    if let Some(t) = read_table(dir, MOVES, false, findings) {
        found.push("moves.csv");
        let team_ix: HashMap<&str, usize> = data
            .teams
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        let mut placed: BTreeMap<usize, Vec<(SiteIx, f64)>> = BTreeMap::new();
        each_row(&t, findings, |r| {
            let team = r.id("team");
            let to = r.id("to");
            let share = if r.raw("share").is_some() {
                r.non_negative("share")
            } else {
                Some(1.0)
            };
            let (Some(team), Some(to), Some(share)) = (team, to, share) else {
                return;
            };
            let Some(&t) = team_ix.get(team.as_str()) else {
                r.report(
                    E1021,
                    "team",
                    "no team has this id in the data set",
                    "use a team id from teams.csv of the data set",
                );
                return;
            };
            let Some(&s) = site_ix.get(to.as_str()) else {
                r.report(
                    E1021,
                    "to",
                    "no site has this id in the data set",
                    "use a site id from sites.csv of the data set",
                );
                return;
            };
            if !(share > 0.0 && share <= 1.0) {
                r.report(
                    E1017,
                    "share",
                    "a share must be above 0 and at most 1",
                    "give the share of the team's headcount at this site",
                );
                return;
            }
            placed.entry(t).or_default().push((SiteIx(s as u32), share));
        });
        for (t, list) in placed {
            plan.teams[t] = list;
        }
    }
    let awards = read_table(dir, AWARDS, false, findings).map(|t| {
        found.push("awards.csv");
        let contract_ix: HashMap<&str, usize> = data
            .contracts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let supplier_ix: HashMap<&str, usize> = data
            .suppliers
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let mut listed: BTreeMap<usize, Vec<Award>> = BTreeMap::new();
        each_row(&t, findings, |r| {
            let contract = r.id("contract");
            let to = r.id("to_supplier");
            let share = if r.raw("share").is_some() {
                r.non_negative("share")
            } else {
                Some(1.0)
            };
            let timing = timing_of(r, model);
            let (Some(contract), Some(to), Some(share), Some(timing)) =
                (contract, to, share, timing)
            else {
                return;
            };
            let Some(&k) = contract_ix.get(contract.as_str()) else {
                r.report(
                    E1021,
                    "contract",
                    "no contract has this id in the data set",
                    "use a contract id from contracts.csv of the data set",
                );
                return;
            };
            let Some(&s) = supplier_ix.get(to.as_str()) else {
                r.report(
                    E1021,
                    "to_supplier",
                    "no supplier has this id in the data set",
                    "use a supplier id from suppliers.csv of the data set",
                );
                return;
            };
            if !(share > 0.0 && share <= 1.0) {
                r.report(
                    E1017,
                    "share",
                    "a share must be above 0 and at most 1",
                    "give the share of the contract's annual volume awarded to this supplier",
                );
                return;
            }
            listed.entry(k).or_default().push(Award {
                contract: k,
                supplier: SupplierIx(s as u32),
                share,
                timing,
            });
        });
        // Contracts not listed: no change (renewal with today's supplier, or locked, or ended with its site).
        let mut by_category: BTreeMap<String, Vec<Award>> = BTreeMap::new();
        for (k, c) in data.contracts.iter().enumerate() {
            let list = listed.remove(&k).unwrap_or_else(|| {
                let released = c
                    .site
                    .is_some_and(|s| plan.sites[s.ix()] != SiteDecision::Keep);
                let timing = if released {
                    Timing::SiteReleased
                } else if natural_year(model, c.end) < years as usize {
                    Timing::Natural
                } else {
                    Timing::Locked
                };
                vec![Award {
                    contract: k,
                    supplier: c.supplier,
                    share: 1.0,
                    timing,
                }]
            });
            by_category
                .entry(c.category.clone())
                .or_default()
                .extend(list);
        }
        by_category
    });
    if let Some(t) = read_table(dir, super::services_file::SERVICES, false, findings) {
        found.push("services.csv");
        super::services_file::read(&t, data, years, &mut plan.services, findings);
    }
    PlanFiles {
        plan,
        awards,
        found,
    }
}

/// Runs `f` on every row of `t`, keeping each row's findings.
pub(super) fn each_row(
    t: &Table,
    findings: &mut Vec<Finding>,
    mut f: impl FnMut(&mut RowReader<'_>),
) {
    for mut r in t.rows() {
        f(&mut r);
        findings.append(&mut r.findings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_the_reader_needs_is_one_plan_writes() {
        for spec in [SITES, MOVES, AWARDS] {
            for col in spec.required {
                assert!(spec.optional.contains(col), "{}: {col}", spec.name);
            }
        }
        for (spec, read) in [
            (SITES, "year"),
            (MOVES, "share"),
            (AWARDS, "share"),
            (AWARDS, "timing"),
        ] {
            assert!(spec.optional.contains(&read), "{}: {read}", spec.name);
        }
    }
}
