//! Tender capacity over all categories: one rule across the categories, each of which is its own model.
//!
//! A partner re-lets at most its yearly capacity in any plan year over every category the award covers. The
//! categories are solved apart, so the rule is met in two passes. First each category may use the whole of
//! every partner's capacity: a relaxation of the joint rule, so each category's optimum bounds its part of the
//! joint optimum, and when the plans together keep the rule the award is optimal as it stands. Otherwise each
//! partner's capacity in each year is shared over its categories ([`shares`]): first to the re-lets asked at
//! natural ends (which cannot move to another year), then to the early ends asked: where they are more than is
//! left, the shortfall is taken from as few categories as a greedy cover finds ([`cuts`]), the others keeping all
//! they asked. The categories left less than they asked are solved again within their shares, and what no first
//! plan asked of a year goes to them by the contracts each could re-let then; every other category keeps its
//! first plan, optimal, and exactly what it asked (the model within a share only adds rows to the first, so a
//! first optimum within it is the optimum there too). The shares of the categories solved again and what the others asked add up to at most a
//! partner's capacity in every year, so the whole award keeps the rule; a category solved again is reported
//! against its first optimum as its bound. A category with no plan within its share is then solved once more, one
//! at a time, with all that the others' plans leave of each partner's year ([`leftover`]).

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

    /// What every category's plan re-lets together, natural and early apart.
    fn total(asks: &[Asked<'a>]) -> Asked<'a> {
        let mut total = Asked::default();
        for ask in asks {
            for (key, v) in &ask.natural {
                *total.natural.entry(*key).or_default() += v;
            }
            for (key, v) in &ask.early {
                *total.early.entry(*key).or_default() += v;
            }
        }
        total
    }

    /// The partner-years this asks more of than the partner's yearly `capacity`.
    fn over(&self, capacity: &BTreeMap<&str, f64>) -> BTreeSet<(&'a str, usize)> {
        self.all()
            .map(|(key, _)| key)
            .filter(|&(id, t)| self.at(id, t) > capacity[id] + TOL)
            .collect()
    }

    /// What this asks of partner `id`'s plan year `t`, natural and early ends together.
    fn at(&self, id: &str, t: usize) -> f64 {
        Asked::get(&self.natural, id, t) + Asked::get(&self.early, id, t)
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

/// The second pass: for each category to solve again, its position and its partners' capacities in each year
/// (positions as in its case's partners). Empty when the first plans keep the rule together (or there is none).
/// In an over-full partner's year, re-lets at natural ends (which cannot move) are served first, in proportion to
/// what each category asked when they alone fill the year; else each category keeps all it asked less its part of
/// the shortfall ([`cuts`]). A category that keeps less than it asked somewhere is solved again; every other one
/// keeps its first plan and exactly what it asked. Of a year with room, each category solved again keeps what it
/// asked, and what nobody asked goes to them in proportion to the contracts each could re-let then.
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
    let total = Asked::total(&asks);
    let over = total.over(&capacity);
    let cut = cuts(&asks, &total, &capacity, &over);
    // What a category keeps of an over-full year: a share of it in proportion to its natural ends when they fill
    // it, else all it asked less its part of the shortfall.
    let kept = |c: usize, id: &str, t: usize| -> f64 {
        let (cap, nat) = (capacity[id], Asked::get(&total.natural, id, t));
        let mine = Asked::get(&asks[c].natural, id, t);
        if nat >= cap {
            cap * mine / nat
        } else {
            asks[c].at(id, t) - cut.get(&(c, id, t)).copied().unwrap_or(0.0)
        }
    };
    // The categories solved again: those that keep less than they asked of some over-full year. Every other
    // category keeps its first plan, and with it exactly what it asked of every year.
    let again: Vec<usize> = (0..cases.len())
        .filter(|&c| {
            over.iter()
                .any(|&(id, t)| kept(c, id, t) < asks[c].at(id, t) - TOL)
        })
        .collect();
    // Per partner and year, the contracts the categories solved again could re-let.
    let mut could: BTreeMap<(&str, usize), f64> = BTreeMap::new();
    for &c in &again {
        let case = &cases[c];
        for (p, id) in case.partner_ids.iter().enumerate() {
            for t in 0..case.df.len() {
                *could.entry((id, t)).or_default() += case.could_relet(p, t) as f64;
            }
        }
    }
    // Of a year with room, each category solved again keeps what it asked, and what no category asked goes to
    // them by the contracts each could re-let then.
    let share = |c: usize, p: usize, t: usize| -> f64 {
        let case = &cases[c];
        let id = case.partner_ids[p].as_str();
        if over.contains(&(id, t)) {
            return kept(c, id, t);
        }
        let spare = capacity[id] - total.at(id, t);
        let all = could.get(&(id, t)).copied().unwrap_or(0.0);
        let more = if all > 0.0 {
            spare.max(0.0) * case.could_relet(p, t) as f64 / all
        } else {
            0.0
        };
        asks[c].at(id, t) + more
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

/// Where the early ends asked of a partner's year are more than what its natural ends leave of its capacity,
/// which categories give up how many (category position, partner id, plan year 0-based). The shortfalls are taken
/// from as few categories as a greedy cover finds: each round the category whose early ends can make up most of
/// what is still short gives up what it can, so every other category keeps its first plan's early ends and is not
/// solved again. In GM (measured 2026-12-06) two partner-years are short by three re-lets in all, and the
/// proportional shares this replaces squeezed nine categories by fractions of a re-let each.
fn cuts<'a>(
    asks: &[Asked<'a>],
    total: &Asked<'a>,
    capacity: &BTreeMap<&str, f64>,
    over: &BTreeSet<(&'a str, usize)>,
) -> BTreeMap<(usize, &'a str, usize), f64> {
    let mut short: BTreeMap<(&str, usize), f64> = over
        .iter()
        .filter_map(|&(id, t)| {
            let nat = Asked::get(&total.natural, id, t);
            let left = capacity[id] - nat;
            let gap = Asked::get(&total.early, id, t) - left;
            // A year its natural ends fill gives no early end any room ([`shares`]): nothing to cut there.
            (left > 0.0 && gap > TOL).then_some(((id, t), gap))
        })
        .collect();
    let mut cut = BTreeMap::new();
    let mut done = vec![false; asks.len()];
    while short.values().any(|&g| g > TOL) {
        let gives = |c: usize| -> f64 {
            short
                .iter()
                .map(|(&(id, t), &g)| Asked::get(&asks[c].early, id, t).min(g))
                .sum()
        };
        let best = (0..asks.len())
            .filter(|&c| !done[c])
            .map(|c| (c, gives(c)))
            .filter(|&(_, g)| g > TOL)
            .fold(None, |b: Option<(usize, f64)>, x| match b {
                Some(b) if b.1 >= x.1 => Some(b),
                _ => Some(x),
            });
        let Some((c, _)) = best else { break };
        done[c] = true;
        for (&(id, t), g) in short.iter_mut() {
            let take = Asked::get(&asks[c].early, id, t).min(*g);
            if take > 0.0 {
                cut.insert((c, id, t), take);
                *g -= take;
            }
        }
    }
    cut
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Asks from `(partner, year, natural, early)` rows.
    fn asked(rows: &[(&'static str, usize, f64, f64)]) -> Asked<'static> {
        let mut a = Asked::default();
        for &(id, t, n, e) in rows {
            a.natural.insert((id, t), n);
            a.early.insert((id, t), e);
        }
        a
    }

    /// The total of `asks`, and the partner-years they ask more of than `capacity`.
    fn over_of<'a>(
        asks: &[Asked<'a>],
        capacity: &BTreeMap<&str, f64>,
    ) -> (Asked<'a>, BTreeSet<(&'a str, usize)>) {
        let total = Asked::total(asks);
        let over = total.over(capacity);
        (total, over)
    }

    #[test]
    fn the_shortfall_is_taken_from_the_category_that_covers_most_of_it() {
        // A: capacity 10, natural 7, early 2 + 1 + 3 (3 short); B: capacity 5, natural 4, early 2 (1 short); C:
        // capacity 2, filled by natural ends (its early end gets no room from the shares, so nothing is cut).
        // Category 2 makes up all of A's shortfall, then category 1 B's; category 0 keeps its asks.
        let asks = vec![
            asked(&[("A", 0, 4.0, 2.0), ("C", 0, 2.0, 0.0)]),
            asked(&[("A", 0, 3.0, 1.0), ("B", 0, 0.0, 2.0), ("C", 0, 0.0, 1.0)]),
            asked(&[("A", 0, 0.0, 3.0), ("B", 0, 4.0, 0.0)]),
        ];
        let capacity = BTreeMap::from([("A", 10.0), ("B", 5.0), ("C", 2.0)]);
        let (total, over) = over_of(&asks, &capacity);
        let cut = cuts(&asks, &total, &capacity, &over);
        assert_eq!(
            cut,
            BTreeMap::from([((2, "A", 0), 3.0), ((1, "B", 0), 1.0)])
        );
    }

    proptest! {
        /// Every partner-year short is made up exactly, each category giving up no more than the early ends it
        /// asked, and nothing is cut where there is room.
        #[test]
        fn cuts_make_up_each_shortfall_within_what_was_asked(
            rows in proptest::collection::vec(
                proptest::collection::vec((0usize..3, 0u8..4, 0u8..4), 1..4),
                1..5,
            ),
            caps in proptest::collection::vec(0u8..8, 3),
        ) {
            const IDS: [&str; 3] = ["P0", "P1", "P2"];
            let asks: Vec<Asked> = rows
                .iter()
                .map(|r| {
                    let mut a = Asked::default();
                    for &(p, n, e) in r {
                        *a.natural.entry((IDS[p], 1)).or_default() += f64::from(n);
                        *a.early.entry((IDS[p], 1)).or_default() += f64::from(e);
                    }
                    a
                })
                .collect();
            let capacity: BTreeMap<&str, f64> =
                IDS.iter().zip(&caps).map(|(id, &c)| (*id, f64::from(c))).collect();
            let (total, over) = over_of(&asks, &capacity);
            let cut = cuts(&asks, &total, &capacity, &over);
            for id in IDS {
                let nat = Asked::get(&total.natural, id, 1);
                let early = Asked::get(&total.early, id, 1);
                let taken: f64 = cut.iter().filter(|(k, _)| k.1 == id).map(|(_, v)| v).sum();
                let short = if nat < capacity[id] { (nat + early - capacity[id]).max(0.0) } else { 0.0 };
                prop_assert!((taken - short).abs() < 1e-9, "{id}: took {taken}, short {short}");
            }
            for (&(c, id, t), &v) in &cut {
                prop_assert!(v > 0.0 && v <= Asked::get(&asks[c].early, id, t) + 1e-9);
            }
        }
    }
}
