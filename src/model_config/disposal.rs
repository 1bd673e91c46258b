//! The `[estates.disposal]` section of a model file (issue 18): what an owned building costs between its release
//! and its sale, when the receipt arrives, and the public dividend capital an NHS trust stops paying on it. Every
//! key defaults to the rule off (0), so a model without the section prices a release as before: running costs
//! stop and the receipt arrives in the release year.

use serde::{Deserialize, Serialize};

/// The `[estates.disposal]` section.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DisposalConfig {
    /// Whole years from the start of a freehold's release year to its sale: the receipt arrives then (counted
    /// only when the sale falls within the appraisal period, like every other saving), and until then the empty
    /// building costs its holding costs.
    pub lag_years: u32,
    /// Months of an empty building's business rates that are relieved (England: 3 for offices, 6 for industrial
    /// property, under the Non-Domestic Rating (Unoccupied Property) Regulations 2008); after them the full
    /// rates are due until the sale.
    pub empty_rates_relief_months: f64,
    /// Share of the facilities management, utilities and maintenance lines an empty building still costs until
    /// its sale (security, minimum heat and light, statutory inspections), 0 to 1.
    pub holding_share: f64,
    /// Public dividend capital: a yearly charge on an NHS trust's net assets (3.5% under the Department of
    /// Health and Social Care's PDC policy), taken on an owned site's disposal value while the trust holds it;
    /// 0 = not counted.
    pub pdc_rate: f64,
}

impl DisposalConfig {
    /// Range checks, as "key 'estates.disposal.x': why".
    pub fn check(&self) -> Result<(), String> {
        if self.lag_years > 50 {
            return Err("key 'estates.disposal.lag_years': must be between 0 and 50".into());
        }
        let relief = self.empty_rates_relief_months;
        if !(relief.is_finite() && relief >= 0.0) {
            return Err(
                "key 'estates.disposal.empty_rates_relief_months': must be zero or a positive number of months"
                    .into(),
            );
        }
        if !(0.0..=1.0).contains(&self.holding_share) {
            return Err("key 'estates.disposal.holding_share': must be between 0 and 1".into());
        }
        if !(0.0..=0.2).contains(&self.pdc_rate) {
            return Err(
                "key 'estates.disposal.pdc_rate': must be between 0 and 0.2 (0.035 for 3.5%)"
                    .into(),
            );
        }
        Ok(())
    }

    /// True when a release is priced as before: no lag, no holding cost, no PDC.
    pub fn is_off(&self) -> bool {
        *self == DisposalConfig::default()
    }
}
