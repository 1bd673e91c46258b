//! Which adapter runs each backend, and the good_lp calls for HiGHS. microlp (`microlp.rs`) and lp_solve
//! (`lpsolve.rs`) are called directly. With those two, the only files that know solver-specific options. Each
//! solve runs on a thread of its own ([`super::abandon`]), so a run asked to stop need not wait for it.

use super::{Backend, Limits, Milp, Outcome};

type Raw = Outcome<Vec<f64>>;

/// Runs one backend, from the warm start `start` works out (lp_solve takes none, but the caller's start is
/// worked out all the same: it logs what it found).
pub(super) fn run(
    milp: Milp,
    backend: Backend,
    limits: Limits,
    start: impl FnOnce() -> Option<Vec<f64>>,
) -> Raw {
    match backend {
        Backend::Microlp => super::microlp::run(milp, limits, start),
        Backend::Lpsolve => {
            start();
            super::lpsolve::run(milp, limits)
        }
        Backend::Highs => {
            let warm = start();
            let solve = move || highs::run(milp, limits, warm.as_deref());
            super::abandon::outcome("HiGHS", None, solve)
        }
    }
}

/// HiGHS through good_lp (cargo feature `highs`).
#[cfg(feature = "highs")]
mod highs {
    use super::{Limits, Milp, Outcome, Raw};
    use good_lp::solvers::{ResolutionError, SolutionStatus};
    use good_lp::{Solution, SolverModel, WithInitialSolution};

    /// Solves `milp` with HiGHS, starting from `warm` when given.
    pub(super) fn run(milp: Milp, limits: Limits, warm: Option<&[f64]>) -> Raw {
        let warm = warm_pairs(&milp, warm);
        let Milp {
            vars,
            columns,
            cost,
            constraints,
            ..
        } = milp;
        run_highs(vars.minimise(cost), columns, constraints, limits, warm)
    }

    fn from_error(e: ResolutionError) -> Raw {
        match e {
            ResolutionError::Infeasible => Outcome::Infeasible,
            ResolutionError::Unbounded => Outcome::Unbounded,
            other => Outcome::Unknown {
                reason: other.to_string(),
            },
        }
    }

    fn from_solution<S: Solution>(s: &S, columns: &[good_lp::Variable]) -> Raw {
        let values = columns.iter().map(|&v| s.value(v)).collect();
        match s.status() {
            SolutionStatus::Optimal => Outcome::Optimal(values),
            // The bound is filled in by the caller, which knows how to compute one.
            SolutionStatus::TimeLimit | SolutionStatus::GapLimit => Outcome::Feasible {
                plan: values,
                bound: None,
            },
        }
    }

    fn warm_pairs(milp: &Milp, warm: Option<&[f64]>) -> Option<Vec<(good_lp::Variable, f64)>> {
        warm.filter(|w| w.len() == milp.columns.len()).map(|w| {
            milp.columns
                .iter()
                .copied()
                .zip(w.iter().copied())
                .collect()
        })
    }

    fn run_highs(
        unsolved: good_lp::variable::UnsolvedProblem,
        columns: Vec<good_lp::Variable>,
        constraints: Vec<good_lp::Constraint>,
        limits: Limits,
        warm: Option<Vec<(good_lp::Variable, f64)>>,
    ) -> Raw {
        let mut model = unsolved
            .using(good_lp::highs)
            .set_time_limit(limits.seconds_left())
            .set_threads(limits.threads.max(1));
        model.set_verbose(false);
        model = match model.set_mip_rel_gap(limits.gap as f32) {
            Ok(m) => m,
            Err(e) => {
                return Outcome::Unknown {
                    reason: e.to_string(),
                };
            }
        };
        if let Some(w) = warm {
            model = model.with_initial_solution(w);
        }
        for c in constraints {
            model.add_constraint(c);
        }
        match model.solve() {
            // good_lp reports HiGHS's `Optimal` as a gap limit whenever HiGHS's final gap is above zero, however
            // small. Asked for a gap of 0, HiGHS stops only when the gap is within its absolute tolerance
            // (`mip_abs_gap`, 1e-6 of a pound here): that is a proof of optimality, not a stop at a requested gap.
            Ok(s) if limits.gap == 0.0 && matches!(s.status(), SolutionStatus::GapLimit) => {
                Outcome::Optimal(columns.iter().map(|&v| s.value(v)).collect())
            }
            Ok(s) => from_solution(&s, &columns),
            Err(e) => from_error(e),
        }
    }
}

/// This build has no HiGHS: `Backend::parse` refuses "highs", so this is reached only through a programming
/// error.
#[cfg(not(feature = "highs"))]
mod highs {
    use super::{Limits, Milp, Outcome, Raw};

    pub(super) fn run(_: Milp, _: Limits, _: Option<&[f64]>) -> Raw {
        Outcome::Unknown {
            reason: "HiGHS is not in this build (cargo feature `highs`)".into(),
        }
    }
}
