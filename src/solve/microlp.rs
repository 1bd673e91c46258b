//! The `microlp` backend: the microlp library called directly, in one of its two releases, chosen per model by
//! [`Search`] (measured, not guessed; see the README's Solvers paragraph):
//! - **0.7** ([`Search::Validated`]): presolve, pseudocost branching and an incumbent validated against the model
//!   as written. The award needs it: on its tier formulation 0.6 stops with a wrong "optimal" (the GM social-care
//!   award: GBP 30.4m reported optimal where GBP 38.3m is feasible and proven optimal by 0.7 and HiGHS).
//! - **0.6** ([`Search::Classic`]): the estates and shared-services model. 0.7 solves its root LP about 6x slower
//!   there (the generated 37-partner case: 11.6 s and 12,425 simplex iterations against 1.8 s and 4,152; with a
//!   warm start 125 s) and 0.6's answers on it are cross-checked by HiGHS and by brute force in the tests.
//!
//! Both releases take the same calls, so one adapter is written once ([`adapter!`]) and instantiated for each. The
//! model arrives as good_lp objects (the kit builds those for every backend) and is copied row by row: good_lp
//! keeps each row as `expression <= 0` or `expression == 0`.

use super::{Limits, Milp, Outcome, Search};

type Raw = Outcome<Vec<f64>>;

/// Solves `milp` with the release its [`Search`] names, seeding it with `warm` (one value per column) when given.
pub(super) fn run(milp: Milp, limits: Limits, warm: Option<&[f64]>) -> Raw {
    // microlp panics where it cannot proceed soundly rather than guess: that is an outcome, not a crash.
    let solve = || match milp.search {
        Search::Validated => v07::solve(&milp, limits, warm),
        Search::Classic => v06::solve(&milp, limits, warm),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(solve)) {
        Ok(raw) => raw,
        Err(_) => Outcome::Unknown {
            reason: "microlp stopped on an internal error".into(),
        },
    }
}

/// The index of each good_lp variable among the model's columns, and the cost as one coefficient per column.
fn costs(
    milp: &Milp,
) -> (
    std::collections::HashMap<good_lp::Variable, usize>,
    Vec<f64>,
) {
    use good_lp::IntoAffineExpression;
    let index = super::kit::column_index(&milp.columns);
    let mut cost = vec![0.0; milp.columns.len()];
    for (v, c) in milp.cost.clone().linear_coefficients() {
        if let Some(&i) = index.get(&v) {
            cost[i] += c;
        }
    }
    (index, cost)
}

/// An integer column's bound as microlp takes it (binaries and small counts; infinity saturates).
fn bound_i32(x: f64) -> i32 {
    x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
}

/// The adapter for one microlp release (`$lp` is the crate): model copy, options, outcome.
macro_rules! adapter {
    ($module:ident, $lp:ident) => {
        mod $module {
            use super::{Limits, Milp, Outcome, Raw};
            use good_lp::IntoAffineExpression;
            use std::time::Duration;
            use $lp as lp;

            pub(super) fn solve(milp: &Milp, limits: Limits, warm: Option<&[f64]>) -> Raw {
                let (problem, vars) = problem(milp);
                let mut options = lp::SolveOptions::default();
                options.time_limit = Some(Duration::from_secs_f64(limits.seconds_left()));
                options.mip_gap = limits.gap.max(0.0);
                options.warm_start = warm
                    .filter(|w| w.len() == vars.len())
                    .map(|w| vars.iter().copied().zip(w.iter().copied()).collect());
                match problem.solve_with(options) {
                    Ok(lp::SolveOutcome::Solution(s)) => {
                        let values = vars.iter().map(|&v| s.var_value(v)).collect();
                        match s.status() {
                            lp::SolutionStatus::Optimal => Outcome::Optimal(values),
                            // microlp's own proven bound on the minimised cost, with the cost's constant.
                            _ => Outcome::Feasible {
                                plan: values,
                                bound: s.stats().best_bound.map(|b| b + milp.cost.constant()),
                            },
                        }
                    }
                    Ok(lp::SolveOutcome::Interrupted(_)) => Outcome::Unknown {
                        reason: "microlp reached the time limit without a plan".into(),
                    },
                    Err(lp::Error::Infeasible) => Outcome::Infeasible,
                    Err(lp::Error::Unbounded) => Outcome::Unbounded,
                    Err(e) => Outcome::Unknown {
                        reason: e.to_string(),
                    },
                }
            }

            /// The model as a microlp problem to minimise, with its variables in column order.
            fn problem(milp: &Milp) -> (lp::Problem, Vec<lp::Variable>) {
                let (index, cost) = super::costs(milp);
                let mut problem = lp::Problem::new(lp::OptimizationDirection::Minimize);
                let defs = milp.vars.iter_variables_with_def().map(|(_, def)| def);
                let vars: Vec<lp::Variable> = defs
                    .zip(&milp.integer)
                    .zip(&cost)
                    .map(|((def, &integer), &c)| {
                        let (lo, up) = (def.get_min(), def.get_max());
                        if integer {
                            let bounds = (super::bound_i32(lo), super::bound_i32(up));
                            problem.add_integer_var(c, bounds)
                        } else {
                            problem.add_var(c, (lo, up))
                        }
                    })
                    .collect();
                for row in &milp.constraints {
                    let e = row.expression();
                    let lhs: lp::LinearExpr = e
                        .linear_coefficients()
                        .filter_map(|(v, c)| index.get(&v).map(|&i| (vars[i], c)))
                        .collect();
                    let op = if row.is_equality() {
                        lp::ComparisonOp::Eq
                    } else {
                        lp::ComparisonOp::Le
                    };
                    problem.add_constraint(lhs, op, -e.constant());
                }
                (problem, vars)
            }
        }
    };
}

adapter!(v07, microlp);
adapter!(v06, microlp06);
