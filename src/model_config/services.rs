//! The `[shared_services]` section of a model file: the rules of the shared-services decision (issue 17). It
//! applies only when the data set has `functions.csv`; every rule can be switched off.

use serde::{Deserialize, Serialize};

/// The `[shared_services]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServicesConfig {
    /// Decide shared services at all (with `functions.csv` present).
    pub enabled: bool,
    /// New hubs considered per function (and per sector where the function's rule is `same_sector`): the sites
    /// with the most in-house staff of the function, each hosted by the site's owner.
    pub candidate_sites: u32,
    /// At most this many partner-function joinings in any one year (the programme's capacity); absent means
    /// no limit.
    pub programme_capacity: Option<u32>,
    /// Staff who transfer move to the hub: every team of a joining partner's function must be within this
    /// distance of the hub's site (km); absent means the estates limit `estates.staff.max_team_increase_km`.
    pub max_transfer_km: Option<f64>,
    /// The function's `sector_rule` applies (off: any partner may join any hub, paying VAT across sectors).
    pub sector_rule: bool,
    /// The limit on hubs per function (`max_hubs` in `functions.csv`) applies.
    pub max_hubs: bool,
    /// A new hub serves at least this many partners by the end of the horizon: a shared service delivers a
    /// function once for many bodies, and one partner's department renamed a hub is not one (0 or 1: no rule).
    pub min_members: u32,
}

impl Default for ServicesConfig {
    fn default() -> Self {
        ServicesConfig {
            enabled: true,
            candidate_sites: 2,
            programme_capacity: None,
            max_transfer_km: None,
            sector_rule: true,
            max_hubs: true,
            min_members: 2,
        }
    }
}

impl ServicesConfig {
    /// Range checks, as "key 'shared_services.x': why".
    pub fn check(&self) -> Result<(), String> {
        if self.candidate_sites > 50 {
            return Err("key 'shared_services.candidate_sites': must be between 0 and 50".into());
        }
        if self
            .max_transfer_km
            .is_some_and(|k| !(k.is_finite() && k >= 0.0))
        {
            return Err(
                "key 'shared_services.max_transfer_km': must be zero or a positive distance in km"
                    .into(),
            );
        }
        Ok(())
    }
}
