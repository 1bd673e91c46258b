//! The `[estates.units]` section of a model file (issue 18): releasing part of a site (`units.csv`: a floor, a
//! wing, the empty floor ERIC reports, land that delivers no service) while the rest is kept.

use serde::{Deserialize, Serialize};

/// The `[estates.units]` section.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnitsConfig {
    /// Release units may be released on their own (false: a site goes whole or not at all, as without
    /// `units.csv`).
    pub enabled: bool,
    /// Floor units smaller than this (m2) are not offered: too small to hand back or let on their own (NHS
    /// Property Services takes back vacant space from 100 m2).
    pub min_area_m2: f64,
    /// One-off cost of releasing a unit on its own (GBP), in its release year, against the capital budget:
    /// surveys, legal work, partitions and separate services for the part given up. Not paid when the whole site
    /// goes.
    pub release_cost_gbp: f64,
}

impl Default for UnitsConfig {
    fn default() -> Self {
        UnitsConfig {
            enabled: true,
            min_area_m2: 0.0,
            release_cost_gbp: 0.0,
        }
    }
}

impl UnitsConfig {
    /// Range checks, as "key 'estates.units.x': why".
    pub fn check(&self) -> Result<(), String> {
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        if !ok(self.min_area_m2) {
            return Err("key 'estates.units.min_area_m2': must be zero or a positive area".into());
        }
        if !ok(self.release_cost_gbp) {
            return Err(
                "key 'estates.units.release_cost_gbp': must be zero or a positive amount".into(),
            );
        }
        Ok(())
    }
}
