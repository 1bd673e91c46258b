//! Infeasibility diagnosis for one category: which rule groups cannot all hold.
//!
//! A deletion filter over the relaxable groups: starting from all of them, each group is dropped in turn and
//! kept out if the model stays infeasible without it. What remains is a minimal set of groups that cannot all
//! hold together; each is named with its numbers so a procurement lead can see what to change.

use super::candidates::Case;
use super::milp::{self, Group};
use crate::solve::kit::{RuleGroup, deletion_filter};
use crate::solve::{self, Backend, Limits};
use crate::text::money;
use serde::Serialize;
use std::collections::BTreeSet;

/// One rule group in a conflict.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
// Named apart from the estates `Conflict` in the schema of `summary.json`, which holds both.
#[schemars(rename = "CategoryConflict")]
pub struct Conflict {
    /// The group (the model-file key where there is one).
    pub group: &'static str,
    /// What the rule asks for here, and what the data offers.
    pub rule: String,
}

fn feasible(case: &Case, groups: &BTreeSet<Group>, backend: Backend, limits: Limits) -> bool {
    let everyone: Vec<usize> = (0..case.partners.len()).collect();
    let model = milp::build(case, groups, &everyone, false, true);
    let solved = solve::solve(
        model
            .model
            .into_milp()
            .with_search(solve::Search::Validated),
        backend,
        limits,
        None,
    );
    solved.outcome.plan().is_some()
}

/// Names the groups in conflict (empty only if the model turns out feasible after all).
pub fn run(case: &Case, backend: Backend, limits: Limits) -> Vec<Conflict> {
    let hard: BTreeSet<Group> = [Group::Award, Group::Tiers].into_iter().collect();
    let needed: BTreeSet<Group> = Group::RELAXABLE.into_iter().collect();
    let with =
        |extra: &BTreeSet<Group>| -> BTreeSet<Group> { hard.union(extra).copied().collect() };
    if !feasible(case, &hard, backend, limits) {
        return vec![Conflict {
            group: "award",
            rule:
                "the contracts cannot be placed with the suppliers that offer this category at all"
                    .into(),
        }];
    }
    let needed = deletion_filter(needed, |trial| {
        !feasible(case, &with(trial), backend, limits)
    });
    needed.into_iter().map(|g| describe(case, g)).collect()
}

fn describe(case: &Case, g: Group) -> Conflict {
    let r = &case.rules;
    let total = case.total_spend();
    let offering = case.offering();
    let rule = match g {
        Group::MinSuppliers => {
            let need = r.min_supplier_share * total;
            let mut rule = format!(
                "at least {} suppliers must each hold {:.0}% of the category (GBP {}); {} suppliers offer it",
                r.min_suppliers,
                r.min_supplier_share * 100.0,
                money(need),
                offering
            );
            // The resilience rows only count suppliers whose capacity can hold the share, so capacity is part
            // of this rule: say so when it is what rules suppliers out.
            let able = case
                .suppliers
                .iter()
                .filter(|s| s.offers && s.capacity + 1e-6 >= need)
                .count();
            if able < offering {
                rule.push_str(&format!(
                    ", {able} of them with the capacity to hold that share"
                ));
            }
            rule
        }
        Group::MaxSuppliers => format!(
            "at most {} suppliers may hold volume in the category",
            r.max_suppliers
        ),
        Group::PartnerMax => format!(
            "each partner may buy from at most {} suppliers",
            r.max_suppliers_per_partner
        ),
        Group::Capacity => {
            let cap: f64 = case.suppliers.iter().map(|s| s.capacity).sum();
            format!(
                "suppliers' capacities (GBP {} a year in all) must hold GBP {} a year of demand",
                money(cap),
                money(total)
            )
        }
        Group::SmeShare => {
            let cap: f64 = case
                .suppliers
                .iter()
                .filter(|s| s.local_sme)
                .map(|s| s.capacity)
                .sum();
            format!(
                "at least {:.1}% of spend (GBP {}) with local SMEs, whose capacity is GBP {}",
                case.sme_share_required * 100.0,
                money(case.sme_share_required * total),
                money(cap)
            )
        }
        Group::Timing => {
            let locked = case
                .contracts
                .iter()
                .filter(|c| c.free_year >= case.df.len())
                .count();
            format!(
                "{locked} contracts run past the horizon and stay with today's supplier unless ended early \
                 (procurement.allow_early_termination)"
            )
        }
        Group::Relets => {
            let caps = case.relet_caps.as_deref().unwrap_or_default();
            format!(
                "each partner may re-let at most its share of its yearly tender capacity in the category ({} to {} \
                 contracts a year; procurement.relets_per_partner_year)",
                caps.iter().min().unwrap_or(&0),
                caps.iter().max().unwrap_or(&0)
            )
        }
        Group::Award | Group::Tiers => "the award itself".into(),
    };
    Conflict {
        group: g.name(),
        rule,
    }
}
