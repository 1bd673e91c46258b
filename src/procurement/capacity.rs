//! Tender capacity over all categories: one rule across the categories, each of which is its own model.
//!
//! A partner re-lets at most its yearly capacity in any plan year over every category the award covers. The
//! categories are solved apart, so the rule is met in two passes. First each category may use the whole of
//! every partner's capacity: a relaxation of the joint rule, so each category's optimum bounds its part of the
//! joint optimum, and when the plans together keep the rule the award is optimal as it stands. Otherwise each
//! partner's capacity in each year is shared over its categories ([`shares`]): first to the re-lets asked at
//! natural ends (which cannot move to another year), then to the early ends asked, each in proportion to what the
//! categories asked; a year nobody asked for goes to the categories solved again by the contracts each could
//! re-let then. The categories that asked for part of an over-full year are solved again within their shares,
//! unless a first plan already keeps its share ([`fits`]): the model within the share only adds rows to the first.
//! The shares of a partner's year add up to its capacity and every category not solved again already fits its
//! share, so the whole award keeps the rule; a category solved again is reported against its first optimum as its
//! bound. A category with no plan within its share is then solved once more, one at a time, with all that the
//! others' plans leave of each partner's year ([`leftover`]).

use super::CategoryResult;
use super::candidates::Case;
use crate::plan::award::Timing;
use crate::solve::Outcome;
use std::collections::{BTreeMap, BTreeSet};

/// Re-lets closer than this are equal (solver round-off).
const TOL: f64 = 1e-6;

/// What a category's plan re-lets, per (partner id, plan year 0-based), pro rata to the share: at natural ends
/// (which cannot move to another year) and by early ends (which can).
#[derive(Default)]
struct Asked<'a> {
    natural: BTreeMap<(&'a str, usize), f64>,
    early: BTreeMap<(&'a str, usize), f64>,
}

impl<'a> Asked<'a> {
    fn of(result: &'a CategoryResult) -> Self {
        let mut asked = Asked::default();
        for line in result.figures().map_or(&[][..], |f| &f.lines[..]) {
            if let Some(y) = line.start_year.filter(|_| line.relet()) {
                let to = match line.timing {
                    Timing::Early(_) => &mut asked.early,
                    _ => &mut asked.natural,
                };
                *to.entry((line.partner.as_str(), y - 1)).or_default() += line.share;
            }
        }
        asked
    }

    fn all(&self) -> impl Iterator<Item = ((&'a str, usize), f64)> + '_ {
        self.natural
            .iter()
            .chain(&self.early)
            .map(|(k, v)| (*k, *v))
    }

    /// Adds what the plan re-lets, natural and early together, to `into`.
    fn add_to(&self, into: &mut BTreeMap<(&'a str, usize), f64>) {
        for (key, v) in self.all() {
            *into.entry(key).or_default() += v;
        }
    }

    fn get(map: &BTreeMap<(&str, usize), f64>, id: &str, t: usize) -> f64 {
        map.get(&(id, t)).copied().unwrap_or(0.0)
    }
}

/// The contracts partner `p` (position) of `case` could re-let in plan year `t` (0-based): those falling due then,
/// and those it may end early then.
fn open(case: &Case, p: usize, t: usize) -> f64 {
    let can = |k: &&super::candidates::ContractCand| {
        k.partner == p && (k.free_year == t || (k.early && case.early_year <= t && t < k.free_year))
    };
    case.contracts.iter().filter(can).count() as f64
}

/// The second pass: for each category to solve again, its position and its partners' capacities in each year
/// (positions as in its case's partners). Empty when the first plans keep the rule together (or there is none).
/// In a partner's year, re-lets at natural ends (which cannot move) are served first, in proportion to what each
/// category asked when they alone fill the year; what is left goes to the early ends asked, in proportion; a year
/// nobody asked for goes to the categories solved again in proportion to the contracts each could re-let then.
pub(super) fn shares(cases: &[Case], first: &[CategoryResult]) -> Vec<(usize, Vec<Vec<f64>>)> {
    let asks: Vec<Asked> = first.iter().map(Asked::of).collect();
    let mut capacity: BTreeMap<&str, f64> = BTreeMap::new();
    for case in cases {
        let Some(caps) = &case.relet_caps else {
            return Vec::new();
        };
        for (id, cap) in case.partner_ids.iter().zip(caps) {
            capacity.insert(id, cap.first().copied().unwrap_or(0.0));
        }
    }
    let mut total = Asked::default();
    for ask in &asks {
        for (key, v) in &ask.natural {
            *total.natural.entry(*key).or_default() += v;
        }
        for (key, v) in &ask.early {
            *total.early.entry(*key).or_default() += v;
        }
    }
    let over: BTreeSet<(&str, usize)> = total
        .all()
        .map(|(key, _)| key)
        .filter(|&(id, t)| {
            Asked::get(&total.natural, id, t) + Asked::get(&total.early, id, t) > capacity[id] + TOL
        })
        .collect();
    let again: Vec<usize> = (0..cases.len())
        .filter(|&c| asks[c].all().any(|(key, _)| over.contains(&key)))
        .collect();
    // Per partner and year, the contracts the categories solved again could re-let.
    let mut could: BTreeMap<(&str, usize), f64> = BTreeMap::new();
    for &c in &again {
        let case = &cases[c];
        for (p, id) in case.partner_ids.iter().enumerate() {
            for t in 0..case.df.len() {
                *could.entry((id, t)).or_default() += open(case, p, t);
            }
        }
    }
    let share = |c: usize, p: usize, t: usize| -> f64 {
        let case = &cases[c];
        let id = case.partner_ids[p].as_str();
        let cap = capacity[id];
        let (nat, early) = (
            Asked::get(&total.natural, id, t),
            Asked::get(&total.early, id, t),
        );
        let mine = |m: &BTreeMap<(&str, usize), f64>| Asked::get(m, id, t);
        if nat >= cap {
            return cap * mine(&asks[c].natural) / nat;
        }
        let left = cap - nat;
        let rest = if early > TOL {
            left * mine(&asks[c].early) / early
        } else {
            let all = could.get(&(id, t)).copied().unwrap_or(0.0);
            if all > 0.0 {
                left * open(case, p, t) / all
            } else {
                0.0
            }
        };
        mine(&asks[c].natural) + rest
    };
    again
        .into_iter()
        .map(|c| {
            let years = cases[c].df.len();
            let caps = (0..cases[c].partners.len())
                .map(|p| (0..years).map(|t| share(c, p, t)).collect())
                .collect();
            (c, caps)
        })
        .collect()
}

/// True when `result`'s plan already keeps `caps` (its share of each partner's yearly capacity, positions as in
/// `case`'s partners). The model within the share is the first model with tighter rows, so a first optimum that
/// keeps them is the optimum within the share too, and the category need not be solved again.
pub(super) fn fits(case: &Case, result: &CategoryResult, caps: &[Vec<f64>]) -> bool {
    let mut asked: BTreeMap<(&str, usize), f64> = BTreeMap::new();
    Asked::of(result).add_to(&mut asked);
    result.awards().is_some()
        && asked.into_iter().all(|((id, t), v)| {
            let p = case.partner_ids.iter().position(|x| x == id);
            let cap = p.and_then(|p| caps.get(p)?.get(t).copied());
            cap.is_some_and(|cap| v <= cap + TOL)
        })
}

/// What the plans of every category but `c` leave of each of its partners' yearly capacity (positions as in
/// `cases[c]`'s partners; never below zero).
pub(super) fn leftover(cases: &[Case], results: &[CategoryResult], c: usize) -> Vec<Vec<f64>> {
    let mut used: BTreeMap<(&str, usize), f64> = BTreeMap::new();
    let others = results.iter().enumerate().filter(|(i, _)| *i != c);
    for (_, r) in others {
        Asked::of(r).add_to(&mut used);
    }
    let case = &cases[c];
    let caps = case.relet_caps.as_deref().unwrap_or_default();
    case.partner_ids
        .iter()
        .zip(caps)
        .map(|(id, years)| {
            years
                .iter()
                .enumerate()
                .map(|(t, cap)| {
                    (cap - used.get(&(id.as_str(), t)).copied().unwrap_or(0.0)).max(0.0)
                })
                .collect()
        })
        .collect()
}

/// A category solved again within its share (`second`), reported against its first optimum (`first`): optimal
/// when it loses nothing, else a plan with the first optimum (or bound) as its bound; no plan within the share is
/// not a proof that none exists under the joint rule, so it is unknown.
pub(super) fn settle(first: &CategoryResult, mut second: CategoryResult) -> CategoryResult {
    second.seconds += first.seconds;
    second.shared_capacity = true;
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
