//! The `[procurement]` section of a model file: the rules of the joint award, with per-category overrides.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `[procurement]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProcurementConfig {
    /// Solve the award model at all.
    pub enabled: bool,
    /// Categories to award (empty: every category that has contracts).
    pub categories: Vec<String>,
    /// Resilience: at least this many suppliers per category, each holding at least `min_supplier_share`.
    pub min_suppliers: u32,
    /// Share of a category's annual volume a supplier needs to count towards `min_suppliers` (0..1).
    pub min_supplier_share: f64,
    /// Standardisation: at most this many suppliers per category (0 = no limit).
    pub max_suppliers: u32,
    /// At most this many suppliers per partner in a category (0 = no limit).
    pub max_suppliers_per_partner: u32,
    /// Social value: at least this share of a category's annual spend (the tail included) with local SMEs, or
    /// today's share when that is lower; the default 1 keeps today's share.
    pub local_sme_share: f64,
    /// Partners may end a contract early, paying its termination fee, to move from the first plan year.
    pub allow_early_termination: bool,
    /// One-off cost of moving a contract to another supplier (GBP; a split contract pays pro rata), for categories
    /// whose `categories.csv` row gives no `mobilisation_gbp`.
    pub transition_cost_gbp: f64,
    /// Months from the plan start before any contract can be re-let (a compliant competition takes 6-12): an
    /// early end starts at the first plan year after them, a natural end no earlier.
    pub lead_months: u32,
    /// Tender capacity: at most this many contracts a partner re-lets (moves, or renews at a new price) in any one
    /// plan year over all categories, shared over the categories in proportion to its contracts in each (0 = no
    /// limit).
    pub relets_per_partner_year: u32,
    /// Tender capacity per procurement FTE: each partner may also re-let this many contracts a year for every FTE
    /// of its teams whose function is `procurement`, rounded down, on top of `relets_per_partner_year` (0 = none;
    /// the rule applies when either is above 0).
    pub relets_per_procurement_fte: f64,
    /// Optimism bias (Green Book): the share of every price saving the appraisal sets aside, because appraisers
    /// are systematically optimistic about benefits (0..1; 0 = none). One-off costs are not reduced.
    pub optimism_bias: f64,
    /// The volume that sets the tier a re-let is priced at: what its supplier holds in the share's start year
    /// (`by_year`), or once the whole award has taken effect (`after_award`: the pipeline committed to it).
    pub tier_volume: TierVolume,
    /// Suppliers per category invited to the joint award: the ones with the largest potential saving
    /// (capacity times the best discount); the others may only keep what they hold today. 0 = every
    /// supplier with an offer.
    pub shortlist: u32,
    /// Per-category overrides of the rules, keyed by category name.
    pub overrides: BTreeMap<String, RuleOverride>,
}

/// Which annual volume sets a supplier's tier ([`ProcurementConfig::tier_volume`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierVolume {
    /// The volume the supplier holds in the year the share starts: contracts still with today's supplier count
    /// for it, contracts won later do not. Exact, but the MILP is far harder (see the README).
    ByYear,
    /// The volume it holds once every share of the award has started (the whole committed pipeline).
    #[default]
    AfterAward,
}

/// The rules that apply within one category (the section-wide values with that category's overrides).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CategoryRules {
    /// Resilience: at least this many suppliers, each holding at least `min_supplier_share` of the category.
    pub min_suppliers: u32,
    /// Share of the category's annual volume a supplier needs to count towards `min_suppliers` (0..1).
    pub min_supplier_share: f64,
    /// Standardisation: at most this many suppliers in the category (0 = no limit).
    pub max_suppliers: u32,
    /// At most this many suppliers per partner in the category (0 = no limit).
    pub max_suppliers_per_partner: u32,
    /// Social value: at least this share of the category's annual spend with local SMEs, or today's share when
    /// that is lower (so the rule never asks for more than a partner group already achieves and the target).
    pub local_sme_share: f64,
}

/// Optional per-category overrides; a key left out keeps the section-wide value.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleOverride {
    /// Overrides `min_suppliers`.
    pub min_suppliers: Option<u32>,
    /// Overrides `min_supplier_share`.
    pub min_supplier_share: Option<f64>,
    /// Overrides `max_suppliers`.
    pub max_suppliers: Option<u32>,
    /// Overrides `max_suppliers_per_partner`.
    pub max_suppliers_per_partner: Option<u32>,
    /// Overrides `local_sme_share`.
    pub local_sme_share: Option<f64>,
}

impl Default for ProcurementConfig {
    fn default() -> Self {
        ProcurementConfig {
            enabled: false,
            categories: Vec::new(),
            min_suppliers: 1,
            min_supplier_share: 0.05,
            max_suppliers: 0,
            max_suppliers_per_partner: 0,
            local_sme_share: 1.0,
            allow_early_termination: true,
            transition_cost_gbp: 0.0,
            lead_months: 0,
            relets_per_partner_year: 0,
            relets_per_procurement_fte: 0.0,
            optimism_bias: 0.0,
            tier_volume: TierVolume::AfterAward,
            shortlist: 0,
            overrides: BTreeMap::new(),
        }
    }
}

impl ProcurementConfig {
    /// The rules for one category, overrides applied.
    pub fn rules_for(&self, category: &str) -> CategoryRules {
        let mut r = CategoryRules {
            min_suppliers: self.min_suppliers,
            min_supplier_share: self.min_supplier_share,
            max_suppliers: self.max_suppliers,
            max_suppliers_per_partner: self.max_suppliers_per_partner,
            local_sme_share: self.local_sme_share,
        };
        if let Some(o) = self.overrides.get(category) {
            r.min_suppliers = o.min_suppliers.unwrap_or(r.min_suppliers);
            r.min_supplier_share = o.min_supplier_share.unwrap_or(r.min_supplier_share);
            r.max_suppliers = o.max_suppliers.unwrap_or(r.max_suppliers);
            r.max_suppliers_per_partner = o
                .max_suppliers_per_partner
                .unwrap_or(r.max_suppliers_per_partner);
            r.local_sme_share = o.local_sme_share.unwrap_or(r.local_sme_share);
        }
        r
    }

    /// Checks ranges; the error names the key.
    pub fn check(&self) -> Result<(), String> {
        let bad = |key: String, why: &str| Err(format!("key '{key}': {why}"));
        if !(self.transition_cost_gbp.is_finite() && self.transition_cost_gbp >= 0.0) {
            return bad(
                "procurement.transition_cost_gbp".into(),
                "must be zero or a positive amount in GBP",
            );
        }
        if !(0.0..1.0).contains(&self.optimism_bias) {
            return bad(
                "procurement.optimism_bias".into(),
                "must be a share of the savings from 0 up to (not including) 1",
            );
        }
        if !(0.0..=1000.0).contains(&self.relets_per_procurement_fte) {
            return bad(
                "procurement.relets_per_procurement_fte".into(),
                "must be from 0 to 1000 contracts a year per FTE",
            );
        }
        if self.lead_months > 120 {
            return bad(
                "procurement.lead_months".into(),
                "must be at most 120 (ten years); a competition takes 6-12 months",
            );
        }
        let mut all = vec![("procurement".to_string(), self.rules_for(""))];
        for name in self.overrides.keys() {
            all.push((
                format!("procurement.overrides.{name}"),
                self.rules_for(name),
            ));
        }
        for (prefix, r) in all {
            for (key, v) in [
                ("min_supplier_share", r.min_supplier_share),
                ("local_sme_share", r.local_sme_share),
            ] {
                if !(0.0..=1.0).contains(&v) {
                    return bad(format!("{prefix}.{key}"), "must be a share between 0 and 1");
                }
            }
            if r.max_suppliers > 0 && r.max_suppliers < r.min_suppliers {
                return bad(
                    format!("{prefix}.max_suppliers"),
                    "is below min_suppliers; raise it or set it to 0 (no limit)",
                );
            }
        }
        Ok(())
    }
}
