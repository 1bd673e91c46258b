//! The rules of each joining: a partner's function with staff in house joins one hub of its function, once, in
//! a year of the horizon; the function may be pooled and the partner is no member of a service of it today; the
//! sector rule holds; every one of its teams is within the transfer distance of the hub.

use super::in_house;
use crate::check::{Rule, Violation};
use crate::domain::{Dataset, SectorRule};
use crate::geo::haversine_km;
use crate::model_config::ModelConfig;
use crate::plan::Plan;
use std::collections::BTreeSet;

fn name(data: &Dataset, plan: &Plan, j: usize) -> String {
    let join = &plan.services.joins[j];
    format!(
        "{} {}",
        data.org(join.organisation).id,
        data.functions[join.function].id.0
    )
}

/// `join`: one hub per partner and function, of that function, in the horizon, with staff to pool, not a
/// member of a service of the function today, and the function poolable.
pub(crate) fn joinings(data: &Dataset, model: &ModelConfig, plan: &Plan, out: &mut Vec<Violation>) {
    let mut seen = BTreeSet::new();
    for (j, join) in plan.services.joins.iter().enumerate() {
        let who = name(data, plan, j);
        let mut bad = |why: String| out.push(Violation::new(Rule::Join, format!("{who} {why}")));
        if !seen.insert((join.organisation, join.function)) {
            bad("joins more than one hub".into());
        }
        let hub = &plan.services.hubs[join.hub];
        if hub.function != join.function {
            bad(format!(
                "joins a hub of another function ({})",
                data.functions[hub.function].id.0
            ));
        }
        if join.year == 0 || join.year > model.horizon_years {
            bad(format!("joins in year {}, outside the horizon", join.year));
        }
        if !data.functions[join.function].poolable {
            bad("is not poolable".into());
        }
        if in_house(data, join.organisation, join.function).is_empty() {
            bad("has no staff in house to pool".into());
        }
        let member = data.service_members.iter().any(|m| {
            m.organisation == join.organisation
                && data.services[m.service].function == join.function
        });
        if member {
            bad("is a member of a service of the function today".into());
        }
    }
}

/// `sector`: a function whose rule is `same_sector` pools only within a sector (when the rule is on).
pub(crate) fn sector(data: &Dataset, model: &ModelConfig, plan: &Plan, out: &mut Vec<Violation>) {
    if !model.shared_services.sector_rule {
        return;
    }
    for (j, join) in plan.services.joins.iter().enumerate() {
        let hub = &plan.services.hubs[join.hub];
        let spec = &data.functions[join.function];
        let (a, b) = (
            data.org(join.organisation).sector,
            data.org(hub.host).sector,
        );
        if spec.sector_rule == SectorRule::SameSector && a != b {
            let detail = format!(
                "{} joins a hub of the other sector ({} hosts it)",
                name(data, plan, j),
                data.org(hub.host).id
            );
            out.push(Violation::new(Rule::Sector, detail));
        }
    }
}

/// `transfer`: every team of a joining partner's function is within the transfer distance of the hub (a team
/// with no site can go anywhere; one at the hub's site stays).
pub(crate) fn distance(data: &Dataset, model: &ModelConfig, plan: &Plan, out: &mut Vec<Violation>) {
    let limit = model
        .shared_services
        .max_transfer_km
        .unwrap_or(model.estates.staff.max_team_increase_km);
    for (j, join) in plan.services.joins.iter().enumerate() {
        let site = plan.services.hubs[join.hub].site;
        for (t, _) in in_house(data, join.organisation, join.function) {
            let team = &data.teams[t];
            let Some(from) = team.site.filter(|&s| s != site) else {
                continue;
            };
            let far = match (data.site(from).location, data.site(site).location) {
                (Some(a), Some(b)) => {
                    let d = haversine_km(a, b);
                    (d > limit + 1e-9).then(|| format!("{d:.2} km, beyond the {limit} km limit"))
                }
                _ => Some("from or to a site without coordinates".into()),
            };
            if let Some(far) = far {
                let detail = format!(
                    "team {} of {} would transfer {far}",
                    team.id,
                    name(data, plan, j)
                );
                out.push(Violation::new(Rule::Transfer, detail));
            }
        }
    }
}
