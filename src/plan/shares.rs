//! Fair shares: who gains and who pays under a plan.
//!
//! Two documented rules, both shown side by side so a board can see the difference:
//!
//! - **Direct**: each partner gets what happens on its own books. Estates: the running costs, backlog,
//!   receipts and exit penalties of its own sites, and the desk costs and move costs of its own teams
//!   ([`crate::plan::Kpis::savings_by_partner`]). Award: the savings, fees and transition costs of its own
//!   contracts. One-off costs paid are the exit penalties of its sites and the move costs of its teams.
//! - **Proportional to baseline cost**: the plan's total net saving (estates and award) is shared in proportion to
//!   each partner's baseline cost, its sites' annual running cost today plus its contracts' annual spend today.
//!   Partners that bring more cost to the table get more of the saving, whatever happens to their own sites.
//!
//! Both rules share out exactly the plan's total net present value (they add up to it).

use crate::costing::PlanCosts;
use crate::domain::Dataset;
use crate::plan::award::CategoryFigures;
use crate::plan::{Plan, SiteDecision};
use serde::Serialize;
use std::collections::BTreeMap;

/// One partner's share.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Share {
    /// Partner id.
    pub partner: String,
    /// Estates net present value on its own books (GBP).
    pub estates_direct: f64,
    /// Award net present value on its own contracts (GBP).
    pub award_direct: f64,
    /// One-off costs it pays directly: exit penalties of its sites, move costs of its teams (GBP, undiscounted).
    pub one_off_direct: f64,
    /// Its baseline cost: sites' annual running cost plus contracts' annual spend today (GBP a year).
    pub baseline_cost: f64,
    /// Its share of the total net present value in proportion to baseline cost (GBP).
    pub proportional: f64,
}

impl Share {
    /// Net present value on its own books (estates and award).
    pub fn direct(&self) -> f64 {
        self.estates_direct + self.award_direct
    }
}

/// Every partner's share, in partner order. `estates_npv_by_partner` is the estates plan's direct attribution
/// (empty without an estates plan); `awards` the award's figures per category (empty without an award).
pub fn shares(
    data: &Dataset,
    cand: &impl PlanCosts,
    plan: Option<&Plan>,
    estates_npv_by_partner: &BTreeMap<String, f64>,
    awards: &BTreeMap<String, CategoryFigures>,
) -> Vec<Share> {
    let mut by: BTreeMap<&str, Share> = data
        .organisations
        .iter()
        .map(|o| {
            let share = Share {
                partner: o.id.clone(),
                ..Share::default()
            };
            (o.id.as_str(), share)
        })
        .collect();
    for (p, v) in estates_npv_by_partner {
        if let Some(s) = by.get_mut(p.as_str()) {
            s.estates_direct += v;
        }
    }
    for f in awards.values() {
        for (p, v) in &f.by_partner {
            if let Some(s) = by.get_mut(p.as_str()) {
                s.award_direct += v;
            }
        }
    }
    for site in &data.sites {
        if let Some(s) = by.get_mut(data.org(site.organisation).id.as_str()) {
            s.baseline_cost += site.running.total();
        }
    }
    for c in &data.contracts {
        if let Some(s) = by.get_mut(data.org(c.organisation).id.as_str()) {
            s.baseline_cost += c.annual_spend;
        }
    }
    if let Some(plan) = plan {
        for (i, site) in data.sites.iter().enumerate() {
            if let SiteDecision::Release(y) = plan.sites[i]
                && let Some(s) = by.get_mut(data.org(site.organisation).id.as_str())
            {
                s.one_off_direct += cand.release(i, y as usize).penalty;
            }
        }
        for (t, team) in data.teams.iter().enumerate() {
            let moved = crate::plan::moved_share(team.site, &plan.teams[t]);
            if let Some(s) = by.get_mut(data.org(team.organisation).id.as_str()) {
                s.one_off_direct += moved * cand.team_move_cost(t);
            }
        }
    }
    let total: f64 = by.values().map(Share::direct).sum();
    let base: f64 = by.values().map(|s| s.baseline_cost).sum();
    for s in by.values_mut() {
        s.proportional = if base > 0.0 {
            total * s.baseline_cost / base
        } else {
            0.0
        };
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estates::candidates;
    use crate::model_config::ModelConfig;

    fn tiny() -> Dataset {
        crate::input::tiny_for_tests()
    }

    #[test]
    fn both_rules_share_out_exactly_the_total() {
        let data = tiny();
        let model = ModelConfig::default();
        let cand = candidates::build(&data, &model);
        let mut plan = Plan::baseline(&data);
        plan.sites[3] = SiteDecision::Release(1);
        let k = crate::plan::evaluate(&data, &cand, &plan);
        let s = shares(
            &data,
            &cand,
            Some(&plan),
            &k.savings_by_partner,
            &BTreeMap::new(),
        );
        let direct: f64 = s.iter().map(Share::direct).sum();
        let prop: f64 = s.iter().map(|s| s.proportional).sum();
        assert!((direct - k.npv).abs() < 1e-6, "{direct} vs {}", k.npv);
        assert!((prop - k.npv).abs() < 1e-6, "{prop} vs {}", k.npv);
        // The released site's owner gains directly; every partner with costs gets a proportional share.
        let owner = &data.org(data.sites[3].organisation).id;
        let mine = s.iter().find(|x| &x.partner == owner).unwrap();
        assert!(mine.estates_direct > 0.0);
        assert!(
            s.iter()
                .all(|x| x.baseline_cost == 0.0 || x.proportional > 0.0)
        );
    }
}
