//! Cross-file rules of the shared-services files (`functions.csv`, `shared_services.csv`,
//! `service_members.csv` and the `service` column of `teams.csv`), one function per rule, named by its code.

use super::Lines;
use super::validate::at;
use crate::codes::*;
use crate::domain::Dataset;
use crate::error::Finding;
use std::collections::{BTreeMap, HashSet};

/// Runs every shared-services rule.
pub(super) fn run(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    e1022_member_twice(data, lines, out);
    e1045_service_site_not_host(data, lines, out);
    e1046_member_of_two_services(data, lines, out);
    e1047_team_not_of_its_service(data, lines, out);
}

fn e1022_member_twice(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for (m, line) in data.service_members.iter().zip(&lines.service_members) {
        if !seen.insert((m.service, m.organisation)) {
            out.push(at(
                E1022,
                "service_members.csv",
                *line,
                "organisation",
                &data.org(m.organisation).id,
                format!(
                    "{} is listed twice as a member of {}",
                    data.org(m.organisation).id,
                    data.services[m.service].id
                ),
                "list each member of a service once, with all the FTE it pooled",
            ));
        }
    }
}

fn e1045_service_site_not_host(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    for (s, line) in data.services.iter().zip(&lines.services) {
        let site = data.site(s.site);
        if site.organisation != s.host {
            out.push(at(
                E1045,
                "shared_services.csv",
                *line,
                "site",
                &site.id,
                format!(
                    "service {} is hosted by {} but site {} belongs to {}",
                    s.id,
                    data.org(s.host).id,
                    site.id,
                    data.org(site.organisation).id
                ),
                "give one of the host's sites, or name the site's owner as the host",
            ));
        }
    }
}

fn e1046_member_of_two_services(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    // (organisation, function) -> the first service that serves it.
    let mut first: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (m, line) in data.service_members.iter().zip(&lines.service_members) {
        let function = data.services[m.service].function;
        let key = (m.organisation.ix(), function);
        match first.get(&key) {
            Some(&other) if other != m.service => out.push(at(
                E1046,
                "service_members.csv",
                *line,
                "service",
                &data.services[m.service].id,
                format!(
                    "{} is already served for {} by {}",
                    data.org(m.organisation).id,
                    data.functions[function].id,
                    data.services[other].id
                ),
                "a partner is served by at most one shared service per function: remove one membership",
            )),
            Some(_) => {}
            None => {
                first.insert(key, m.service);
            }
        }
    }
}

fn e1047_team_not_of_its_service(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    for (t, line) in data.teams.iter().zip(&lines.teams) {
        let Some(s) = t.service.map(|s| &data.services[s]) else {
            continue;
        };
        let function = &data.functions[s.function].id;
        let (column, value, cause) = if t.organisation != s.host {
            let host = &data.org(s.host).id;
            let cause = format!(
                "team {} works for {} but is not employed by its host {host}",
                t.id, s.id
            );
            ("organisation", data.org(t.organisation).id.clone(), cause)
        } else if &t.function != function {
            let cause = format!("team {} works for {}, a {function} service", t.id, s.id);
            ("function", t.function.0.clone(), cause)
        } else {
            continue;
        };
        out.push(at(
            E1047,
            "teams.csv",
            *line,
            column,
            &value,
            cause,
            "a service's staff are the host's and of the service's function: correct the team or its service",
        ));
    }
}
