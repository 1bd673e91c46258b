//! `units.csv` of a plan: one row per release unit (`units.csv` of the data set) with its decision, year, what
//! releasing it saves and costs, and the reason ([`crate::estates::unit_reasons`]).

use crate::domain::Dataset;
use crate::estates::EstatesResult;
use crate::plan::SiteDecision;
use crate::plan::files::UNIT_COLUMNS;
use crate::text::csv_bytes;

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
