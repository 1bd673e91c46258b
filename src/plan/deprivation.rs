//! Access by deprivation (issue 18): for each national deprivation decile of the zones (`zones.csv`
//! `imd_decile`), how far its residents live from the nearest public-facing site today and after the plan, so a
//! board sees whether a plan takes services further from the most deprived wards. Figures only; the rule that
//! the most deprived deciles keep today's distance is `[estates.access] deprived_deciles`.

use super::Plan;
use crate::domain::Dataset;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One decile's access today and after the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DecileAccess {
    /// The national decile (1 = the most deprived tenth).
    pub decile: u8,
    /// Zones in it.
    pub zones: usize,
    /// Their residents.
    pub population: u64,
    /// Residents' mean distance to the nearest public-facing site today (km).
    pub mean_km_today: f64,
    /// ... after the plan (km).
    pub mean_km_after: f64,
    /// The largest rise in any of its zones' distance (km; 0 when none rises).
    pub largest_rise_km: f64,
}

/// Per decile present in the zones, in decile order; empty when no zone has one or no site serves any zone.
pub fn by_decile(data: &Dataset, plan: &Plan) -> Vec<DecileAccess> {
    if data.zones.iter().all(|z| z.deprivation_decile.is_none()) {
        return Vec::new();
    }
    let today = super::zone_access_km(data, &Plan::baseline(data));
    let after = super::zone_access_km(data, plan);
    let mut out: Vec<DecileAccess> = Vec::new();
    for decile in 1..=10u8 {
        let (mut zones, mut pop, mut before_sum, mut after_sum, mut rise) =
            (0, 0u64, 0.0, 0.0, 0.0f64);
        for (z, zone) in data.zones.iter().enumerate() {
            if zone.deprivation_decile != Some(decile) || !today[z].is_finite() {
                continue;
            }
            let p = zone.population as f64;
            zones += 1;
            pop += zone.population;
            before_sum += p * today[z];
            after_sum += p * after[z];
            rise = rise.max(after[z] - today[z]);
        }
        if zones > 0 {
            let mean = |s: f64| if pop > 0 { s / pop as f64 } else { 0.0 };
            out.push(DecileAccess {
                decile,
                zones,
                population: pop,
                mean_km_today: mean(before_sum),
                mean_km_after: mean(after_sum),
                largest_rise_km: rise,
            });
        }
    }
    out
}
