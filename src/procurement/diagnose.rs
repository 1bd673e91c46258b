//! Infeasibility diagnosis for one category: which rule groups cannot all hold.
//!
//! A deletion filter over the relaxable groups: starting from all of them, each group is dropped in turn and
//! kept out if the model stays infeasible without it. What remains is a minimal set of groups that cannot all
//! hold together; each is named with its numbers so a procurement lead can see what to change.

use super::candidates::{Case, ContractCand};
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
        Group::PartnerMax => {
            let (p, n) = widest_partner(case);
            format!(
                "each partner may buy from at most {} suppliers ({} buys from {n} today)",
                r.max_suppliers_per_partner, case.partner_ids[p]
            )
        }
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
            let need = case.sme_share_required * (total + case.tail.spend);
            let tail = if case.tail.local_sme > 0.0 {
                format!(
                    ", GBP {} of it already with the tail's small suppliers",
                    money(case.tail.local_sme)
                )
            } else {
                String::new()
            };
            format!(
                "at least {:.1}% of spend (GBP {}{tail}) with local SMEs, whose capacity is GBP {}",
                case.sme_share_required * 100.0,
                money(need),
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
            let open = caps
                .iter()
                .flat_map(|c| c.iter().skip(case.early_year).copied());
            let least = open.clone().fold(f64::INFINITY, f64::min);
            let most = open.fold(0.0, f64::max);
            let mut rule = format!(
                "each partner may re-let at most its tender capacity in the category in a year ({} to {} \
                 contracts; procurement.relets_per_partner_year and relets_per_procurement_fte)",
                count(if least.is_finite() { least } else { 0.0 }),
                count(most)
            );
            if let Some(short) = tightest_relets(case, caps) {
                rule.push_str(&format!("; {short}"));
            }
            rule
        }
        Group::Award | Group::Tiers => "the award itself".into(),
    };
    Conflict {
        group: g.name(),
        rule,
    }
}

/// The partner buying from the most suppliers today (position in [`Case::partners`]) and how many.
fn widest_partner(case: &Case) -> (usize, usize) {
    let widest = case
        .incumbents
        .iter()
        .enumerate()
        .max_by_key(|(p, set)| (set.len(), std::cmp::Reverse(*p)));
    widest.map_or((0, 0), |(p, set)| (p, set.len()))
}

/// The partner the suppliers-per-partner rule presses hardest for re-lets, in words: to keep at most `k`
/// suppliers it must move at least every contract of the suppliers beyond its `k` with the most contracts, and
/// it may re-let at most its capacity in the category over the plan's years. `None` when no partner must move
/// anything.
fn tightest_relets(case: &Case, caps: &[Vec<f64>]) -> Option<String> {
    let k = case.rules.max_suppliers_per_partner as usize;
    if k == 0 {
        return None;
    }
    let mut worst: Option<(f64, String)> = None;
    for (p, cap) in caps.iter().map(|c| c.iter().sum::<f64>()).enumerate() {
        let mut counts: Vec<usize> = case.incumbents[p]
            .iter()
            .map(|&s| {
                let mine = |c: &&ContractCand| c.partner == p && c.incumbent == s;
                case.contracts.iter().filter(mine).count()
            })
            .collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let must: usize = counts.iter().skip(k).sum();
        let pressure = must as f64 / cap.max(0.5);
        if must > 0 && worst.as_ref().is_none_or(|(w, _)| pressure > *w) {
            let text = format!(
                "{} must move at least {must} contracts to buy from at most {k} suppliers (it buys from {} today), \
                 re-letting at most {} in the category over the plan's years",
                case.partner_ids[p],
                counts.len(),
                count(cap)
            );
            worst = Some((pressure, text));
        }
    }
    worst.map(|(_, text)| text)
}

/// A number of contracts in words: whole, or with two decimals for a share of a partner's capacity.
fn count(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round())
    } else {
        format!("{v:.2}")
    }
}
