//! Reading `services.csv` (the layout `plan` writes) into a plan's shared-services part, for `evaluate`: a row
//! delivered `in_house`, or by the service its partner is a member of today, changes nothing; any other row joins
//! the named hub in `join_year` — today's service by its id, or a new hub at `hub_site` (hosted by the site's
//! owner, opening in its first member's year). Every problem is a coded finding with row and column.

use super::files::{SERVICE_COLUMNS, each_row};
use crate::codes::{E1010, E1017, E1020, E1021};
use crate::domain::{Dataset, OrgIx, SiteIx};
use crate::error::Finding;
use crate::input::table::{FileSpec, Table};
use crate::plan::services::{Hub, Join, ServicesPlan};
use std::collections::{BTreeMap, HashSet};

/// The file's spec: every column `plan` writes is accepted; these are read.
pub(super) const SERVICES: FileSpec = FileSpec {
    name: "services.csv",
    required: &["organisation", "function", "delivered_by"],
    optional: &SERVICE_COLUMNS,
};

/// Reads the rows into `plan` (which starts as today's services with no joinings).
pub(super) fn read(
    t: &Table,
    data: &Dataset,
    years: u64,
    plan: &mut ServicesPlan,
    findings: &mut Vec<Finding>,
) {
    let mut seen = HashSet::new();
    let mut new_hubs: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    each_row(t, findings, |r| {
        let (Some(org), Some(function), Some(by)) =
            (r.id("organisation"), r.id("function"), r.id("delivered_by"))
        else {
            return;
        };
        let Some(o) = data.organisations.iter().position(|x| x.id == org) else {
            r.report(
                E1021,
                "organisation",
                "no organisation has this id in the data set",
                "use an id from organisations.csv",
            );
            return;
        };
        let Some(f) = data.functions.iter().position(|x| x.id.0 == function) else {
            r.report(
                E1021,
                "function",
                "no function has this id in the data set",
                "use a function from functions.csv",
            );
            return;
        };
        if !seen.insert((o, f)) {
            r.report(
                E1020,
                "function",
                "the partner and function appear twice",
                "keep one row per partner and function",
            );
            return;
        }
        let member_of = data
            .service_members
            .iter()
            .find(|m| m.organisation.ix() == o && data.services[m.service].function == f)
            .map(|m| data.services[m.service].id.as_str());
        if by == "in_house" || (member_of == Some(by.as_str()) && r.raw("join_year").is_none()) {
            return;
        }
        let year = match r.raw("join_year") {
            None => {
                r.report(
                    E1010,
                    "join_year",
                    "a partner that joins a hub needs its joining year",
                    format!("give a year from 1 to {years}"),
                );
                return;
            }
            Some(_) => match r.count("join_year") {
                Some(y) if (1..=years).contains(&y) => y as u32,
                Some(_) => {
                    r.report(
                        E1017,
                        "join_year",
                        "the year is outside the plan's horizon",
                        format!("give a year from 1 to {years}"),
                    );
                    return;
                }
                None => return,
            },
        };
        let hub = match data.services.iter().position(|s| s.id == by) {
            Some(s) => s,
            None => {
                let Some(site) = r.id("hub_site") else {
                    r.report(
                        E1010,
                        "hub_site",
                        "a new hub needs its site",
                        "give the site id of the hub (its owner hosts it)",
                    );
                    return;
                };
                let Some(s) = data.sites.iter().position(|x| x.id == site) else {
                    r.report(
                        E1021,
                        "hub_site",
                        "no site has this id in the data set",
                        "use a site id from sites.csv",
                    );
                    return;
                };
                *new_hubs.entry((f, s)).or_insert_with(|| {
                    plan.hubs.push(Hub {
                        function: f,
                        site: SiteIx(s as u32),
                        host: data.sites[s].organisation,
                        service: None,
                        open_year: year,
                    });
                    plan.hubs.len() - 1
                })
            }
        };
        plan.joins.push(Join {
            organisation: OrgIx(o as u32),
            function: f,
            hub,
            year,
        });
    });
    // A new hub opens in its first member's year.
    for h in new_hubs.values() {
        let first = plan
            .joins
            .iter()
            .filter(|j| j.hub == *h)
            .map(|j| j.year)
            .min();
        if let Some(y) = first {
            plan.hubs[*h].open_year = y;
        }
    }
}
