//! Whole-number objectives: when every plan's cost is a whole number, a proven bound can be rounded up to the
//! next whole number, and a plan whose cost that rounded bound reaches is optimal.
//!
//! The cost is a whole number on every plan when each integer column's cost is a whole number, no continuous
//! column has a cost, and the constant is whole: the facility-location benchmarks (OR-Library, Holmberg) are
//! written so. There a branch and bound stopped at its limit with a bound of 12,321.6 and a plan of 12,322 (Holmberg
//! p27) has in fact proven the plan optimal: no plan can cost 12,321.6, so none costs less than 12,322. A model
//! with any other cost is left as it is.

use super::{Milp, Outcome};
use good_lp::IntoAffineExpression;

/// Costs closer than this to a whole number are whole (the model's own round-off).
const WHOLE: f64 = 1e-9;

/// The cost of a model whose every plan costs a whole number: per column (solver order) and the constant.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Lattice {
    cost: Vec<f64>,
    constant: f64,
}

/// `c` is a whole number, up to a model's own round-off.
pub fn is_whole(c: f64) -> bool {
    (c - c.round()).abs() <= WHOLE * c.abs().max(1.0)
}

impl Lattice {
    /// The lattice of `milp`'s cost, or `None` when a plan's cost need not be a whole number.
    pub(super) fn of(milp: &Milp) -> Option<Lattice> {
        // Most models' costs are not whole: they are turned away before the columns are indexed.
        let all_whole = (&milp.cost).linear_coefficients().all(|(_, c)| is_whole(c));
        if !all_whole || !is_whole(milp.cost.constant()) {
            return None;
        }
        let index = super::kit::column_index(&milp.columns);
        let (cost, constant) = super::sparse::cost_of(milp, &index);
        let columns_whole = cost
            .iter()
            .zip(&milp.integer)
            .all(|(&c, &int)| if int { is_whole(c) } else { c == 0.0 });
        columns_whole.then_some(Lattice { cost, constant })
    }

    /// `raw` with its bound rounded up to a whole number, and optimal when that bound reaches its plan's cost.
    pub(super) fn round(&self, raw: Outcome<Vec<f64>>) -> Outcome<Vec<f64>> {
        match raw {
            Outcome::Feasible {
                plan,
                bound: Some(bound),
            } if plan.len() == self.cost.len() => {
                let cost =
                    self.constant + self.cost.iter().zip(&plan).map(|(c, x)| c * x).sum::<f64>();
                // The tolerance keeps a bound a hair above a whole number (the solver's round-off) on it.
                let tol = 1e-6 * cost.abs().max(1.0);
                let whole = (bound - tol).ceil();
                if whole >= cost - tol {
                    Outcome::Optimal(plan)
                } else {
                    Outcome::Feasible {
                        plan,
                        bound: Some(whole),
                    }
                }
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use good_lp::{ProblemVariables, variable};

    /// Two binaries and a continuous column, with the given costs and constant.
    fn milp(costs: [f64; 3], constant: f64) -> Milp {
        let mut vars = ProblemVariables::new();
        let a = vars.add(variable().binary());
        let b = vars.add(variable().binary());
        let c = vars.add(variable().min(0.0).max(5.0));
        Milp {
            vars,
            columns: vec![a, b, c],
            integer: vec![true, true, false],
            cost: costs[0] * a + costs[1] * b + costs[2] * c + constant,
            constraints: Vec::new(),
            search: super::super::Search::default(),
        }
    }

    fn feasible(plan: Vec<f64>, bound: f64) -> Outcome<Vec<f64>> {
        Outcome::Feasible {
            plan,
            bound: Some(bound),
        }
    }

    #[test]
    fn whole_costs_on_integer_columns_and_none_on_continuous_ones_make_a_lattice() {
        assert!(Lattice::of(&milp([3.0, -7.0, 0.0], 2.0)).is_some());
        assert!(Lattice::of(&milp([3.5, -7.0, 0.0], 2.0)).is_none());
        assert!(Lattice::of(&milp([3.0, -7.0, 1.0], 2.0)).is_none());
        assert!(Lattice::of(&milp([3.0, -7.0, 0.0], 2.5)).is_none());
    }

    #[test]
    fn a_bound_within_one_of_the_plan_proves_it_and_a_farther_one_is_rounded_up() {
        let l = Lattice::of(&milp([3.0, 7.0, 0.0], 2.0)).unwrap();
        // The plan (1, 1, 4.2) costs 3 + 7 + 2 = 12.
        let plan = vec![1.0, 1.0, 4.2];
        assert_eq!(
            l.round(feasible(plan.clone(), 11.6)),
            Outcome::Optimal(plan.clone())
        );
        assert_eq!(
            l.round(feasible(plan.clone(), 12.0)),
            Outcome::Optimal(plan.clone())
        );
        assert_eq!(
            l.round(feasible(plan.clone(), 10.4)),
            feasible(plan.clone(), 11.0)
        );
        // A bound a hair above a whole number is that number, not the next.
        assert_eq!(
            l.round(feasible(plan.clone(), 10.000_000_000_1)),
            feasible(plan.clone(), 10.0)
        );
        // Outcomes without a bound, or proven already, are left alone.
        let none = Outcome::Feasible {
            plan: plan.clone(),
            bound: None,
        };
        assert_eq!(l.round(none.clone()), none);
        assert_eq!(
            l.round(Outcome::Optimal(plan.clone())),
            Outcome::Optimal(plan)
        );
    }
}
