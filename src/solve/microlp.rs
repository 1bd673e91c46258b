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
//! model arrives as good_lp objects (the kit builds those for every backend) and is read once into plain numbers
//! ([`super::sparse::Sparse`]), which both the adapter and reduced-cost fixing ([`super::fixing`]) use. A model
//! for 0.6 is presolved first ([`super::presolve`]): its nodes cost less on a smaller model.

use super::sparse::Sparse;
use super::{Limits, Milp, Outcome, Search, fixing};

type Raw = Outcome<Vec<f64>>;

/// Solves `milp` with the release its [`Search`] names, seeding it with the warm start `start` works out (one
/// value per column) when it gives one. Reduced-cost fixing ([`super::fixing`]) narrows a model with integer
/// columns first.
pub(super) fn run(milp: Milp, limits: Limits, start: impl FnOnce() -> Option<Vec<f64>>) -> Raw {
    let model = Sparse::of(&milp);
    let search = milp.search;
    let solve = |m: &Sparse, l: Limits, w: Option<&[f64]>| solve(m, search, l, w);
    // Fixing pays on the estates model (GM: 50 s to 42 s); the award's small scaled categories gain nothing, and
    // a model without integer columns has nothing to fix (its duals are not worked out).
    let worth = search == Search::Classic
        && model.integer.iter().any(|&i| i)
        && limits.seconds_left() >= fixing::MIN_SECONDS;
    // The duals may take a quarter of the time left: without them the whole model is solved in the rest.
    let prices = || fixing::row_prices(&model, limits.share(1.0, 4.0));
    // The duals need only the model, so with two threads they are worked out beside the warm start (on GM's
    // estates and shared services about 0.5 s each: the warm start solves a small model of its own).
    let (warm, prices) = match (worth, limits.threads >= 2) {
        (false, _) => (start(), None),
        (true, false) => (start(), prices()),
        (true, true) => std::thread::scope(|scope| {
            let prices = scope.spawn(prices);
            let warm = start();
            (warm, prices.join().ok().flatten())
        }),
    };
    let warm = warm.filter(|w| w.len() == model.columns());
    let warm = warm.as_deref();
    let fixed = prices.and_then(|y| fixing::search(&model, &y, limits, warm, solve));
    fixed.unwrap_or_else(|| match search {
        Search::Classic => presolved(&model, limits, warm, solve),
        // 0.7 presolves the award's categories itself; ours in front of it made the GM award slower (97 s
        // against 73 s, hr_training_recruitment's second pass 48 s against 6 s; one run each, 2026-12-05).
        Search::Validated => solve(&model, limits, warm),
    })
}

/// Solves `model` presolved ([`super::presolve`]): the same optimum on a smaller model.
fn presolved(
    model: &Sparse,
    limits: Limits,
    warm: Option<&[f64]>,
    solve: impl Fn(&Sparse, Limits, Option<&[f64]>) -> Raw,
) -> Raw {
    let narrowed = fixing::Restricted::presolved(model, &model.lo, &model.up);
    if narrowed.broken {
        return Outcome::Infeasible;
    }
    let warm = warm.map(|w| narrowed.narrow(w));
    narrowed.outcome(
        solve(&narrowed.model, limits, warm.as_deref()),
        f64::INFINITY,
    )
}

/// Solves `model` as it stands (no presolve, no fixing) with microlp 0.6: for callers that narrowed it themselves
/// (the estates model's neighbourhoods).
pub(crate) fn classic(model: &Sparse, limits: Limits, warm: Option<&[f64]>) -> Raw {
    solve(model, Search::Classic, limits, warm)
}

/// Solves `model` with the release `search` names.
fn solve(model: &Sparse, search: Search, limits: Limits, warm: Option<&[f64]>) -> Raw {
    // Presolve may leave nothing to decide (a row without columns is dropped, or proves the model broken).
    if model.columns() == 0 && model.rows.is_empty() {
        return Outcome::Optimal(Vec::new());
    }
    // microlp panics where it cannot proceed soundly rather than guess: that is an outcome, not a crash.
    let run = || match search {
        Search::Validated => v07::solve(model, limits, warm),
        Search::Classic => v06::solve(model, limits, warm),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(raw) => raw,
        Err(_) => Outcome::Unknown {
            reason: "microlp stopped on an internal error".into(),
        },
    }
}

/// An integer column's bound as microlp takes it (binaries and small counts; infinity saturates).
fn bound_i32(x: f64) -> i32 {
    x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
}

/// The adapter for one microlp release (`$lp` is the crate): model copy, options, outcome.
macro_rules! adapter {
    ($module:ident, $lp:ident) => {
        mod $module {
            use super::{Limits, Outcome, Raw, Sparse};
            use std::time::Duration;
            use $lp as lp;

            pub(super) fn solve(model: &Sparse, limits: Limits, warm: Option<&[f64]>) -> Raw {
                let (problem, vars) = problem(model);
                let mut options = lp::SolveOptions::default();
                options.time_limit = Some(Duration::from_secs_f64(limits.seconds_left()));
                options.mip_gap = limits.gap.max(0.0);
                options.warm_start = warm
                    .filter(|w| w.len() == vars.len())
                    .map(|w| vars.iter().copied().zip(w.iter().copied()).collect());
                let constant = model.constant;
                // On a thread of its own, so that a run asked to stop need not wait for it (`super::abandon`).
                let solve = move || outcome(problem.solve_with(options), &vars, constant);
                super::super::abandon::outcome("microlp", None, solve)
            }

            /// microlp's answer as an outcome, with values in column order and the cost's constant in the bound.
            fn outcome(
                answer: Result<lp::SolveOutcome, lp::Error>,
                vars: &[lp::Variable],
                constant: f64,
            ) -> Raw {
                match answer {
                    Ok(lp::SolveOutcome::Solution(s)) => {
                        let values = vars.iter().map(|&v| s.var_value(v)).collect();
                        match s.status() {
                            lp::SolutionStatus::Optimal => Outcome::Optimal(values),
                            // microlp's own proven bound on the minimised cost, with the cost's constant.
                            _ => Outcome::Feasible {
                                plan: values,
                                bound: s.stats().best_bound.map(|b| b + constant),
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
            fn problem(model: &Sparse) -> (lp::Problem, Vec<lp::Variable>) {
                let mut problem = lp::Problem::new(lp::OptimizationDirection::Minimize);
                let vars: Vec<lp::Variable> = (0..model.columns())
                    .map(|j| {
                        let (lo, up, c) = (model.lo[j], model.up[j], model.cost[j]);
                        if model.integer[j] {
                            let bounds = (super::bound_i32(lo), super::bound_i32(up));
                            problem.add_integer_var(c, bounds)
                        } else {
                            problem.add_var(c, (lo, up))
                        }
                    })
                    .collect();
                for row in &model.rows {
                    let lhs: lp::LinearExpr =
                        row.coefs.iter().map(|&(j, a)| (vars[j], a)).collect();
                    let op = if row.eq {
                        lp::ComparisonOp::Eq
                    } else {
                        lp::ComparisonOp::Le
                    };
                    problem.add_constraint(lhs, op, row.rhs);
                }
                (problem, vars)
            }
        }
    };
}

adapter!(v07, microlp);
adapter!(v06, microlp06);
