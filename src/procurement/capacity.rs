//! Tender capacity over all categories: one rule across the categories, each of which is its own model.
//!
//! A partner re-lets at most its yearly capacity in any plan year over every category the award covers. The
//! categories are solved apart, so the rule is met in two passes. First each category may use the whole of
//! every partner's capacity: a relaxation of the joint rule, so each category's optimum bounds its part of the
//! joint optimum, and when the plans together keep the rule the award is optimal as it stands. Otherwise each
//! partner's capacity in each year is shared over its categories in proportion to what their first plans asked
//! that year (scaled to the capacity; a year nobody asked for goes by contract count to the categories solved
//! again), and the categories that asked for a share of an over-full year are solved again within their
//! shares. The shares of a partner's year add up to its capacity and every category not solved again already
//! fits its share, so the whole award keeps the rule; a category solved again is reported against its first
//! optimum as its bound.

use super::CategoryResult;
use super::candidates::Case;
use crate::solve::Outcome;
use std::collections::{BTreeMap, BTreeSet};

/// Re-lets closer than this are equal (solver round-off).
const TOL: f64 = 1e-6;

/// What each category's plan re-lets, per (partner id, plan year 0-based), pro rata to the share.
fn asked(result: &CategoryResult) -> BTreeMap<(&str, usize), f64> {
    let mut used = BTreeMap::new();
    for line in result.figures().map_or(&[][..], |f| &f.lines[..]) {
        if let Some(y) = line.start_year.filter(|_| line.relet()) {
            *used.entry((line.partner.as_str(), y - 1)).or_default() += line.share;
        }
    }
    used
}

/// The second pass: for each category to solve again, its position and its partners' capacities in each year
/// (positions as in its case's partners). Empty when the first plans keep the rule together (or there is none).
pub(super) fn shares(cases: &[Case], first: &[CategoryResult]) -> Vec<(usize, Vec<Vec<f64>>)> {
    let asks: Vec<_> = first.iter().map(asked).collect();
    // Each partner's yearly capacity, and what all categories asked of it each year.
    let mut capacity: BTreeMap<&str, f64> = BTreeMap::new();
    let mut total: BTreeMap<(&str, usize), f64> = BTreeMap::new();
    for case in cases {
        let Some(caps) = &case.relet_caps else {
            return Vec::new();
        };
        for (id, cap) in case.partner_ids.iter().zip(caps) {
            capacity.insert(id, cap.first().copied().unwrap_or(0.0));
        }
    }
    for ask in &asks {
        for (&key, v) in ask {
            *total.entry(key).or_default() += v;
        }
    }
    let over: BTreeSet<(&str, usize)> = total
        .iter()
        .filter(|(key, v)| **v > capacity[key.0] + TOL)
        .map(|(key, _)| *key)
        .collect();
    let again: Vec<usize> = (0..cases.len())
        .filter(|&c| asks[c].keys().any(|key| over.contains(key)))
        .collect();
    // Contracts per partner in the categories solved again: the weights of a year nobody asked for.
    let mut weight: BTreeMap<&str, f64> = BTreeMap::new();
    for &c in &again {
        for k in &cases[c].contracts {
            *weight.entry(&cases[c].partner_ids[k.partner]).or_default() += 1.0;
        }
    }
    again
        .into_iter()
        .map(|c| {
            let case = &cases[c];
            let years = case.df.len();
            let caps = (0..case.partners.len())
                .map(|p| {
                    let id = case.partner_ids[p].as_str();
                    let mine = case.contracts.iter().filter(|k| k.partner == p).count() as f64;
                    (0..years)
                        .map(|t| {
                            let all = total.get(&(id, t)).copied().unwrap_or(0.0);
                            let share = if all > TOL {
                                asks[c].get(&(id, t)).copied().unwrap_or(0.0) / all
                            } else {
                                mine / weight[id]
                            };
                            capacity[id] * share
                        })
                        .collect()
                })
                .collect();
            (c, caps)
        })
        .collect()
}

/// A category solved again within its share (`second`), reported against its first optimum (`first`): optimal
/// when it loses nothing, else a plan with the first optimum (or bound) as its bound; no plan within the share is
/// not a proof that none exists under the joint rule, so it is unknown.
pub(super) fn settle(first: &CategoryResult, mut second: CategoryResult) -> CategoryResult {
    second.seconds += first.seconds;
    let Some(bound) = first.npv_bound() else {
        return second;
    };
    second.outcome = match second.outcome {
        Outcome::Optimal(plan) if plan.figures.npv >= bound - TOL * bound.abs().max(1.0) => {
            Outcome::Optimal(plan)
        }
        Outcome::Optimal(plan) => Outcome::Feasible {
            plan,
            bound: Some(bound),
        },
        Outcome::Feasible { plan, bound: b } => Outcome::Feasible {
            plan,
            bound: Some(b.map_or(bound, |b| b.min(bound))),
        },
        Outcome::Infeasible => Outcome::Unknown {
            reason: "no plan fits this category's share of the partners' tender capacity, which the categories \
                     together ask more of than they have"
                .into(),
        },
        other => other,
    };
    second
}
