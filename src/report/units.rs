//! `units.csv` of a plan: one row per release unit (`units.csv` of the data set) with its decision, year, what
//! releasing it saves and costs, and the reason ([`crate::estates::unit_reasons`]).

use crate::assess::Assessment;
use crate::domain::{Dataset, UnitKind};
use crate::estates::EstatesResult;
use crate::plan::SiteDecision;
use crate::plan::files::UNIT_COLUMNS;
use crate::text::{csv_bytes, money};
use std::fmt::Write;

/// The plan's `units.csv` ([`UNIT_COLUMNS`]); `reasons` in unit order. A unit that goes with its released site
/// is `keep` here (its site's row in `sites.csv` carries the release) and says so in its reason.
pub fn units_csv(data: &Dataset, result: &EstatesResult, reasons: &[String]) -> Vec<u8> {
    let Some(plan) = result.plan() else {
        return Vec::new();
    };
    csv_bytes(|w| {
        w.write_record(UNIT_COLUMNS)?;
        for (u, unit) in data.units.iter().enumerate() {
            let c = &result.candidates.units[u].costs;
            let (decision, year, saving, receipt, one_off) = match plan.units[u] {
                SiteDecision::Keep => ("keep", String::new(), 0.0, 0.0, 0.0),
                SiteDecision::Release(y) => {
                    let r = &c.release[y as usize - 1];
                    let saving = c.yearly;
                    (
                        "release",
                        y.to_string(),
                        saving,
                        r.receipt(&c.site),
                        r.penalty,
                    )
                }
            };
            w.write_record([
                unit.id.as_str(),
                &data.site(unit.site).id,
                &unit.name,
                unit.kind.as_str(),
                &format!("{:.1}", unit.floor_area_m2),
                &format!("{:.2}", unit.land_ha),
                &unit.desks.to_string(),
                decision,
                &year,
                &format!("{saving:.2}"),
                &format!("{receipt:.2}"),
                &format!("{one_off:.2}"),
                &reasons[u],
            ])?;
        }
        Ok(())
    })
}

/// A unit's size in words: its floor area, or its land area.
fn size_text(unit: &crate::domain::Unit) -> String {
    match unit.kind {
        UnitKind::Floor => format!("{} m2", money(unit.floor_area_m2)),
        UnitKind::Land => format!("{:.2} ha", unit.land_ha),
    }
}

/// The `report.md` section on release units (empty without `units.csv`): each unit released on its own, what it
/// saves and costs, and how many were kept.
pub fn units_md(data: &Dataset, result: &EstatesResult) -> String {
    let Some(plan) = result.plan().filter(|_| !data.units.is_empty()) else {
        return String::new();
    };
    let mut o = String::from("\n## Parts of sites released on their own\n\n");
    let mut kept = 0;
    for (u, unit) in data.units.iter().enumerate() {
        let SiteDecision::Release(y) = plan.units[u] else {
            kept += 1;
            continue;
        };
        let c = &result.candidates.units[u].costs;
        let r = &c.release[y as usize - 1];
        let site = data.site(unit.site);
        let size = size_text(unit);
        let _ = writeln!(
            o,
            "- **{}** ({}, {size}) of {} ({}): released in year {y}. Saves GBP {} a year of its site's costs, one-off \
             GBP {}{}.",
            unit.name,
            unit.id,
            site.name,
            data.org(site.organisation).name,
            money(c.yearly),
            money(r.penalty),
            crate::estates::reasons::sale_words(&c.site, y as usize, r)
        );
    }
    let _ = writeln!(
        o,
        "\n{kept} of {} units are kept (their reasons are in `units.csv`).",
        data.units.len()
    );
    o
}

/// The rows of `report.html`'s units table (empty without units), with each unit's reason from `reasons`.
pub fn html_rows(data: &Dataset, a: &Assessment, reasons: &[String]) -> Vec<minijinja::Value> {
    if data.units.is_empty() || reasons.len() != data.units.len() {
        return Vec::new();
    }
    let (cand, plan) = (&a.candidates, &a.plan);
    (data.units.iter().enumerate())
        .map(|(u, unit)| {
            let (decision, year, saving) = match plan.units[u] {
                SiteDecision::Keep => ("keep", String::new(), 0.0),
                SiteDecision::Release(y) => ("release", y.to_string(), cand.units[u].costs.yearly),
            };
            let size = size_text(unit);
            minijinja::context! {
                id => unit.id, name => unit.name, site => data.site(unit.site).name, size, decision, year, saving,
                saving_text => money(saving), reason => reasons[u],
            }
        })
        .collect()
}
