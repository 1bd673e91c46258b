//! The `lpsolve` backend: lp_solve 5.5 (the bundled C library) called directly, so that its status reaches the
//! outcome unchanged. Through good_lp, a solve that lp_solve stopped at its time limit with a plan in hand
//! (lp_solve's "sub-optimal") came back as optimal — on the GM example, "optimal" at an NPV of GBP 50.6m where
//! GBP 62.4m is feasible and proven optimal by microlp and HiGHS — and lp_solve's progress lines were printed
//! between the command's own.
//!
//! lp_solve checks its time limit only between steps of its own choosing: on a generated 30-partner case it ran
//! 10 s past a limit of 1 s inside one solve. So it runs on a thread of its own, and a solve still going at the
//! deadline is abandoned (its thread ends with the process); the command goes on without it, as issue 21 asks
//! of a solver that cannot be stopped.
//!
//! The model arrives as good_lp objects and is read once into plain numbers ([`super::sparse::Sparse`]), as for
//! microlp; rows go in sparse, one call each.

use super::sparse::Sparse;
use super::{Limits, Milp, Outcome};
use lpsolve::{ConstraintType, Problem, SolveStatus, Verbosity};

type Raw = Outcome<Vec<f64>>;

/// lp_solve's infinity: bounds at or beyond it are none.
const INFINITY: f64 = 1e30;

/// How long after the deadline a solve is waited for before it is abandoned.
const GRACE_S: f64 = 0.25;

/// A solve is started only with at least this long left.
const MIN_SECONDS: f64 = 0.05;

/// Solves `milp` with lp_solve within `limits`, abandoning a solve that overruns them.
pub(super) fn run(milp: Milp, limits: Limits) -> Raw {
    // lp_solve's shortest limit is a second, and a solve abandoned at once would still take a core for it while
    // the command finishes: with the time spent, it is not started.
    if limits.seconds_left() < MIN_SECONDS {
        return Outcome::Unknown {
            reason: "no time was left for lp_solve".into(),
        };
    }
    let model = Sparse::of(&milp);
    let wait = std::time::Duration::from_secs_f64(limits.seconds_left() + GRACE_S);
    super::abandon::outcome("lp_solve", Some(wait), move || solve(&model, limits))
}

/// Solves `model` with lp_solve within `limits`. lp_solve's limit is in whole seconds: the time left rounded
/// down (at least 1), so that a solve that keeps it hands back its plan before [`run`] abandons it.
pub(super) fn solve(model: &Sparse, limits: Limits) -> Raw {
    // The binding panics on a status it does not know rather than guess: that is an outcome, not a crash.
    let run = || {
        let mut lp = problem(model)?;
        lp.set_verbose(Verbosity::Critical);
        lp.set_timeout(limits.seconds_left().floor().max(1.0) as std::os::raw::c_long);
        if limits.gap > 0.0 {
            lp.set_mip_gap(false, limits.gap);
        }
        let status = lp.solve();
        let values = || {
            let mut x = vec![0.0; model.columns()];
            lp.get_solution_variables(&mut x).map(|v| v.to_vec())
        };
        Some(outcome(status, values))
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(Some(raw)) => raw,
        Ok(None) => Outcome::Unknown {
            reason: "lp_solve could not take the model".into(),
        },
        Err(_) => Outcome::Unknown {
            reason: "lp_solve stopped on an internal error".into(),
        },
    }
}

/// The outcome of a solve that ended with `status`; `values` reads the plan lp_solve holds.
pub(super) fn outcome(status: SolveStatus, values: impl FnOnce() -> Option<Vec<f64>>) -> Raw {
    let plan = |values: Option<Vec<f64>>| {
        values.ok_or_else(|| "lp_solve returned no column values".to_string())
    };
    match status {
        SolveStatus::Optimal | SolveStatus::Presolved => match plan(values()) {
            // lp_solve may call a model whose cost falls without end "optimal", at its infinity.
            Ok(x) if x.iter().any(|v| v.abs() >= INFINITY) => Outcome::Unbounded,
            Ok(x) => Outcome::Optimal(x),
            Err(reason) => Outcome::Unknown { reason },
        },
        // Stopped (at the time limit, or by its own branch-and-bound limits) with a plan it cannot prove.
        SolveStatus::Suboptimal | SolveStatus::FeasibleFound => match plan(values()) {
            Ok(x) => Outcome::Feasible {
                plan: x,
                bound: None,
            },
            Err(reason) => Outcome::Unknown { reason },
        },
        SolveStatus::Infeasible => Outcome::Infeasible,
        SolveStatus::Unbounded => Outcome::Unbounded,
        SolveStatus::Timeout => Outcome::Unknown {
            reason: "lp_solve reached the time limit without a plan".into(),
        },
        other => Outcome::Unknown {
            reason: format!("lp_solve stopped: {other:?}"),
        },
    }
}

/// The model as an lp_solve problem to minimise, columns in order (lp_solve counts from 1).
fn problem(model: &Sparse) -> Option<Problem> {
    let rows = i32::try_from(model.rows.len()).ok()?;
    let cols = i32::try_from(model.columns()).ok()?;
    let mut lp = Problem::new(rows, cols)?;
    lp.set_minimize();
    let col = |j: usize| j as i32 + 1;
    let (mut cost, mut at): (Vec<f64>, Vec<i32>) = model
        .cost
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c != 0.0)
        .map(|(j, &c)| (c, col(j)))
        .unzip();
    lp.scatter_objective_function(&mut cost, &mut at).ok()?;
    for j in 0..model.columns() {
        let (lo, up) = (model.lo[j], model.up[j]);
        if lo.is_finite() || up.is_finite() {
            lp.set_bounds(col(j), lo, up).ok()?;
        } else {
            lp.set_unbounded(col(j)).ok()?;
        }
        if model.integer[j] {
            lp.set_integer(col(j), true).ok()?;
        }
    }
    for (i, row) in model.rows.iter().enumerate() {
        let r = i as i32 + 1;
        let (mut a, mut at): (Vec<f64>, Vec<i32>) =
            row.coefs.iter().map(|&(j, a)| (a, col(j))).unzip();
        // lp_solve refuses to set a row without entries; left empty, it still holds `0 <= rhs` (or `==`).
        if !a.is_empty() {
            lp.set_rowex(r, &mut a, &mut at).ok()?;
        }
        let kind = if row.eq {
            ConstraintType::Eq
        } else {
            ConstraintType::Le
        };
        lp.set_constraint_type(r, kind).ok()?;
        lp.set_rh(r, row.rhs).ok()?;
    }
    Some(lp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::sparse::SparseRow;

    /// max 5a + 4b + 3c (as min of the negation), 2a + 3b + c <= 5, a + b <= 1.5 with b continuous: a = c = 1,
    /// b = 1/2, 10 (a = 0 reaches 4 x 4/3 + 3 at most).
    fn small() -> Sparse {
        Sparse {
            lo: vec![0.0; 3],
            up: vec![1.0, f64::INFINITY, 1.0],
            cost: vec![-5.0, -4.0, -3.0],
            constant: 1.0,
            integer: vec![true, false, true],
            rows: vec![
                SparseRow {
                    coefs: vec![(0, 2.0), (1, 3.0), (2, 1.0)],
                    eq: false,
                    rhs: 5.0,
                },
                SparseRow {
                    coefs: vec![(0, 1.0), (1, 1.0)],
                    eq: false,
                    rhs: 1.5,
                },
            ],
        }
    }

    #[test]
    fn a_small_model_is_solved_exactly_with_its_constant() {
        let m = small();
        let Outcome::Optimal(x) = solve(&m, Limits::new(10.0, 0.0, 1)) else {
            panic!("not optimal");
        };
        assert!(m.keeps(&x, 1e-9), "{x:?}");
        assert!((m.objective(&x) - (1.0 - 10.0)).abs() < 1e-9, "{x:?}");
    }

    #[test]
    fn infeasible_and_unbounded_models_say_so() {
        let mut m = small();
        m.rows.push(SparseRow {
            coefs: vec![(0, 1.0)],
            eq: true,
            rhs: 2.0,
        });
        assert!(matches!(
            solve(&m, Limits::new(10.0, 0.0, 1)),
            Outcome::Infeasible
        ));
        // A row left without entries still holds: 0 <= -1 cannot.
        let mut m = small();
        m.rows.push(SparseRow {
            coefs: Vec::new(),
            eq: false,
            rhs: -1.0,
        });
        assert!(matches!(
            solve(&m, Limits::new(10.0, 0.0, 1)),
            Outcome::Infeasible
        ));
        let mut m = small();
        m.rows.clear();
        let o = solve(&m, Limits::new(10.0, 0.0, 1));
        assert!(matches!(o, Outcome::Unbounded), "{o:?}");
    }

    #[test]
    fn a_plan_lp_solve_cannot_prove_is_feasible_not_optimal() {
        let plan = || Some(vec![1.0]);
        assert!(matches!(
            outcome(SolveStatus::Optimal, plan),
            Outcome::Optimal(_)
        ));
        for stopped in [SolveStatus::Suboptimal, SolveStatus::FeasibleFound] {
            let o = outcome(stopped, plan);
            assert!(
                matches!(o, Outcome::Feasible { bound: None, .. }),
                "{stopped:?}"
            );
        }
        assert!(matches!(
            outcome(SolveStatus::Timeout, plan),
            Outcome::Unknown { .. }
        ));
        assert!(matches!(
            outcome(SolveStatus::NumericalFailure, plan),
            Outcome::Unknown { .. }
        ));
        assert!(matches!(
            outcome(SolveStatus::Optimal, || None),
            Outcome::Unknown { .. }
        ));
    }
}
