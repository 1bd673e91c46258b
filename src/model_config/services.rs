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
    /// Replaces every function's `scale_exponent` (for a sweep of the economies of scale); absent: each
    /// function's own, from `functions.csv`.
    pub scale_exponent: Option<f64>,
    /// Multiplies every function's `setup_gbp` and `migration_gbp_per_body` (for a sweep of the set-up cost:
    /// the NAO found five shared-service centres cost 1.4bn against 0.9bn planned, a factor of about 1.6).
    pub setup_cost_factor: f64,
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
            scale_exponent: None,
            setup_cost_factor: 1.0,
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
        if self.scale_exponent.is_some_and(|b| !(b > 0.0 && b <= 1.0)) {
            return Err(
                "key 'shared_services.scale_exponent': must be above 0 and at most 1".into(),
            );
        }
        if !(self.setup_cost_factor.is_finite() && self.setup_cost_factor >= 0.0) {
            return Err(
                "key 'shared_services.setup_cost_factor': must be zero or a positive multiplier"
                    .into(),
            );
        }
        Ok(())
    }

    /// The functions as this model prices them: the exponent and set-up cost overrides applied.
    pub fn apply(&self, functions: &mut [crate::domain::FunctionSpec]) {
        for f in functions {
            if let Some(b) = self.scale_exponent {
                f.scale_exponent = b;
            }
            f.setup *= self.setup_cost_factor;
            f.migration_per_body *= self.setup_cost_factor;
        }
    }
}
