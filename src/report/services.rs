//! The shared-services outputs (issue 17): `services.csv`, `hubs.csv`, the `shared_services` block of
//! `summary.json` and the report section (a partner x function matrix of who delivers what, and the hubs).

use crate::domain::Dataset;
use crate::estates::EstatesResult;
use crate::estates::service_reasons::{self, ServiceRow};
use crate::plan::files::{HUB_COLUMNS, SERVICE_COLUMNS, hub_id};
use crate::plan::services::{FunctionFigures, Hub, Join, ServicesKpis};
use crate::report::svg::{MapHub, MapLink};
use crate::solve::Status;
use crate::text::{csv_bytes, money};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The `shared_services` block of `summary.json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ServicesSummary<'a> {
    /// The status of the model that decided it (the estates model: one MILP).
    pub status: Status,
    /// Net present value of the shared-services decisions (GBP; included in `objective` and `kpis.npv`).
    pub npv: f64,
    /// Back-office FTE of the poolable functions today.
    pub fte_before: f64,
    /// The same at the end of the horizon.
    pub fte_after: f64,
    /// FTE saved.
    pub fte_saved: f64,
    /// Undiscounted one-off costs (GBP).
    pub one_off_cost: f64,
    /// Hubs at the end of the horizon: today's services and the new ones.
    pub hubs: usize,
    /// New hubs the plan opens.
    pub hubs_opened: usize,
    /// Partner functions joining a hub.
    pub joinings: usize,
    /// Per function id.
    pub by_function: &'a BTreeMap<String, FunctionFigures>,
    /// Whether the independent checker passed the shared-services rules and figures (null without `--check`).
    pub check: Option<bool>,
}

/// The figures of a result's plan, when it has a plan and a shared-services part.
pub fn kpis(result: &EstatesResult) -> Option<&ServicesKpis> {
    result.kpis().and_then(|k| k.shared_services.as_ref())
}

/// The `shared_services` block, when the plan has one.
pub fn summary(result: &EstatesResult, check: Option<bool>) -> Option<ServicesSummary<'_>> {
    let (plan, k) = (result.plan()?, kpis(result)?);
    Some(ServicesSummary {
        status: result.status(),
        npv: k.npv,
        fte_before: k.fte_before,
        fte_after: k.fte_after,
        fte_saved: k.fte_saved,
        one_off_cost: k.one_off_cost,
        hubs: plan.services.hubs.len(),
        hubs_opened: k.hubs_opened,
        joinings: plan.services.joins.len(),
        by_function: &k.by_function,
        check,
    })
}

/// The rows of `services.csv` for a result with a plan.
pub fn rows(data: &Dataset, result: &EstatesResult) -> Vec<ServiceRow> {
    match (result.plan(), kpis(result)) {
        (Some(plan), Some(k)) => service_reasons::rows(data, &result.candidates, plan, k),
        _ => Vec::new(),
    }
}

/// `services.csv` ([`SERVICE_COLUMNS`]).
pub fn services_csv(data: &Dataset, rows: &[ServiceRow]) -> Vec<u8> {
    csv_bytes(|w| {
        w.write_record(SERVICE_COLUMNS)?;
        for r in rows {
            w.write_record([
                data.org(r.organisation).id.as_str(),
                &data.functions[r.function].id.0,
                &format!("{:.2}", r.fte_in_house),
                &r.delivered_by,
                &r.hub_site,
                &if r.join_year > 0 {
                    r.join_year.to_string()
                } else {
                    String::new()
                },
                &format!("{:.2}", r.fte_retained),
                &format!("{:.2}", r.fte_transferred),
                &format!("{:.2}", r.annual_saving),
                &format!("{:.2}", r.one_off),
                &r.reason,
            ])?;
        }
        Ok(())
    })
}

/// `hubs.csv` ([`HUB_COLUMNS`]): one row per hub at the end of the horizon.
pub fn hubs_csv(data: &Dataset, result: &EstatesResult) -> Vec<u8> {
    let (Some(plan), Some(k)) = (result.plan(), kpis(result)) else {
        return Vec::new();
    };
    csv_bytes(|w| {
        w.write_record(HUB_COLUMNS)?;
        for (hub, f) in plan.services.hubs.iter().zip(&k.hubs) {
            w.write_record([
                hub_id(data, hub).as_str(),
                &data.functions[hub.function].id.0,
                &data.site(hub.site).id,
                &data.org(hub.host).id,
                &f.members.to_string(),
                &format!("{:.2}", f.fte_pooled),
                &format!("{:.2}", f.hub_fte),
                &format!("{:.2}", f.fte_saved),
                &if hub.open_year > 0 {
                    hub.open_year.to_string()
                } else {
                    "today".into()
                },
                &format!("{:.2}", f.annual_cost),
            ])?;
        }
        Ok(())
    })
}

/// The report.md section: the figures by function, the partner x function matrix and the hubs.
pub fn report_md(data: &Dataset, result: &EstatesResult, rows: &[ServiceRow]) -> String {
    let (Some(plan), Some(k)) = (result.plan(), kpis(result)) else {
        return String::new();
    };
    let mut o = String::from("\n## Shared services\n\n");
    let _ = writeln!(
        o,
        "Net present value GBP {}; {} FTE saved of {} ({} after); one-off costs GBP {}; {} new hub(s), {} \
         partner function(s) joining.\n",
        money(k.npv),
        fmt_fte(k.fte_saved),
        fmt_fte(k.fte_before),
        fmt_fte(k.fte_after),
        money(k.one_off_cost),
        k.hubs_opened,
        plan.services.joins.len()
    );
    o.push_str("| function | partners joining | FTE saved | NPV (GBP) |\n|---|---|---|---|\n");
    for (f, fig) in &k.by_function {
        let _ = writeln!(
            o,
            "| {f} | {} | {} | {} |",
            fig.partners_pooled,
            fmt_fte(fig.fte_saved),
            money(fig.npv)
        );
    }
    o.push_str(&matrix(data, rows));
    o.push_str(
        "\n| hub | function | site | host | members | FTE pooled | hub FTE | FTE saved | opens |\n",
    );
    o.push_str("|---|---|---|---|---|---|---|---|---|\n");
    for (hub, f) in plan.services.hubs.iter().zip(&k.hubs) {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            hub_id(data, hub),
            data.functions[hub.function].name,
            data.site(hub.site).name,
            data.org(hub.host).id,
            f.members,
            fmt_fte(f.fte_pooled),
            fmt_fte(f.hub_fte),
            fmt_fte(f.fte_saved),
            if hub.open_year > 0 {
                format!("year {}", hub.open_year)
            } else {
                "today".into()
            }
        );
    }
    o.push_str("\nWhy, partner by partner, is in `services.csv` (column `reason`).\n");
    o
}

/// Partner x function: who delivers each function (`in house`, or the hub's id with its joining year).
fn matrix(data: &Dataset, rows: &[ServiceRow]) -> String {
    let functions: Vec<usize> = (0..data.functions.len())
        .filter(|&f| rows.iter().any(|r| r.function == f))
        .collect();
    let mut o = String::from("\n| partner |");
    for &f in &functions {
        let _ = write!(o, " {} |", data.functions[f].id.0);
    }
    o.push_str("\n|---|");
    o.push_str(&"---|".repeat(functions.len()));
    o.push('\n');
    let mut orgs: Vec<_> = rows.iter().map(|r| r.organisation).collect();
    orgs.dedup();
    for org in orgs {
        let _ = write!(o, "| {} |", data.org(org).id);
        for &f in &functions {
            let cell = rows
                .iter()
                .find(|r| r.organisation == org && r.function == f)
                .map_or(String::new(), |r| {
                    match (r.delivered_by.as_str(), r.join_year) {
                        ("in_house", _) => "in house".into(),
                        (hub, 0) => hub.to_string(),
                        (hub, y) => format!("{hub} (y{y})"),
                    }
                });
            let _ = write!(o, " {cell} |");
        }
        o.push('\n');
    }
    o
}

fn fmt_fte(v: f64) -> String {
    format!("{v:.1}")
}

/// A hub of the plan at a located site, as the maps draw it (the SVG map and `plan.geojson`).
#[derive(Debug, Clone, Copy)]
pub struct LocatedHub<'a> {
    /// The hub.
    pub hub: &'a Hub,
    /// Its site's (longitude, latitude).
    pub at: (f64, f64),
    /// Partner functions joining it in the plan.
    pub joining: usize,
}

/// One located in-house team of a joining partner function, with the line from where it works to its hub.
#[derive(Debug, Clone, Copy)]
pub struct LocatedJoin<'a> {
    /// The joining.
    pub join: &'a Join,
    /// The hub it joins.
    pub hub: &'a Hub,
    /// The team (index into [`Dataset::teams`]).
    pub team: usize,
    /// FTE the team transfers.
    pub fte: f64,
    /// Where the team works today (longitude, latitude).
    pub from: (f64, f64),
    /// The hub's site (longitude, latitude).
    pub to: (f64, f64),
}

/// The plan's hubs at located sites and, per joining partner function, each of its located in-house teams with
/// the FTE it transfers: what both maps draw (hubs and joinings without a location are left out).
pub fn located_layers<'a>(
    data: &Dataset,
    plan: &'a crate::plan::Plan,
) -> (Vec<LocatedHub<'a>>, Vec<LocatedJoin<'a>>) {
    let sp = &plan.services;
    let located = |s: crate::domain::SiteIx| data.site(s).location.map(|l| (l.lon, l.lat));
    let hubs = sp
        .hubs
        .iter()
        .enumerate()
        .filter_map(|(h, hub)| {
            Some(LocatedHub {
                hub,
                at: located(hub.site)?,
                joining: sp.joins.iter().filter(|j| j.hub == h).count(),
            })
        })
        .collect();
    let mut links = Vec::new();
    for join in &sp.joins {
        let hub = &sp.hubs[join.hub];
        let Some(to) = located(hub.site) else {
            continue;
        };
        let spec = &data.functions[join.function];
        for team in crate::costing::services::in_house_teams(data, join.organisation, join.function)
        {
            let Some(from) = data.teams[team].site.and_then(located) else {
                continue;
            };
            let headcount = f64::from(data.teams[team].headcount);
            links.push(LocatedJoin {
                join,
                hub,
                team,
                fte: crate::costing::services::transferred_fte(spec, headcount),
                from,
                to,
            });
        }
    }
    (hubs, links)
}

/// The plan's hubs and its new members' lines to them, for the map: one diamond per hub at a located site, one
/// dashed line from each located in-house team of a joining partner function to its hub ([`located_layers`]).
pub fn map_layers(data: &Dataset, plan: &crate::plan::Plan) -> (Vec<MapHub>, Vec<MapLink>) {
    let (located_hubs, located_joins) = located_layers(data, plan);
    let hubs = located_hubs
        .iter()
        .map(|h| {
            let (hub, (lon, lat)) = (h.hub, h.at);
            let site = data.site(hub.site);
            let label = format!(
                "{} hub {} at {} ({}), host {}: {} new member(s){}",
                data.functions[hub.function].name,
                hub_id(data, hub),
                site.name,
                site.id,
                data.org(hub.host).name,
                h.joining,
                if hub.service.is_some() {
                    ", a shared service today".to_string()
                } else {
                    format!(", opens in year {}", hub.open_year)
                }
            );
            MapHub { lon, lat, label }
        })
        .collect();
    let links = located_joins
        .iter()
        .map(|l| {
            let (j, fte) = (l.join, l.fte);
            let label = format!(
                "{} {}: {fte:.0} FTE of team {} join the hub {} in year {}",
                data.org(j.organisation).name,
                data.functions[j.function].name,
                data.teams[l.team].id,
                hub_id(data, l.hub),
                j.year
            );
            MapLink {
                from: l.from,
                to: l.to,
                fte,
                label,
            }
        })
        .collect();
    (hubs, links)
}
