//! The good_lp calls for each backend but microlp (`microlp.rs`). With it, the only files that know solver-specific
//! options.

use super::{Backend, Limits, Milp, Outcome};
#[cfg(feature = "highs")]
use good_lp::WithInitialSolution;
use good_lp::solvers::{ResolutionError, SolutionStatus};
use good_lp::{Solution, SolverModel, WithTimeLimit};

type Raw = Outcome<Vec<f64>>;

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

/// Runs one backend.
pub(super) fn run(milp: Milp, backend: Backend, limits: Limits, warm: Option<&[f64]>) -> Raw {
    if backend == Backend::Microlp {
        return super::microlp::run(milp, limits, warm);
    }
    let warm = warm_pairs(&milp, warm);
    let Milp {
        vars,
        columns,
        cost,
        constraints,
        ..
    } = milp;
    let unsolved = vars.minimise(cost);
    match backend {
        // Handled above.
        Backend::Microlp => Outcome::Unknown {
            reason: "microlp is called directly".into(),
        },
        Backend::Lpsolve => {
            let mut model = unsolved
                .using(good_lp::lp_solve)
                .with_time_limit(limits.seconds_left().max(1.0));
            for c in constraints {
                model.add_constraint(c);
            }
            match model.solve() {
                Ok(s) => from_solution(&s, &columns),
                Err(ResolutionError::Other("Timeout")) => Outcome::Unknown {
                    reason: "lp_solve reached the time limit without a plan".into(),
                },
                Err(e) => from_error(e),
            }
        }
        Backend::Highs => run_highs(unsolved, columns, constraints, limits, warm),
    }
}

#[cfg(feature = "highs")]
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

#[cfg(not(feature = "highs"))]
fn run_highs(
    _: good_lp::variable::UnsolvedProblem,
    _: Vec<good_lp::Variable>,
    _: Vec<good_lp::Constraint>,
    _: Limits,
    _: Option<Vec<(good_lp::Variable, f64)>>,
) -> Raw {
    // Backend::parse refuses "highs" in this build, so this is reached only through a programming error.
    Outcome::Unknown {
        reason: "HiGHS is not in this build (cargo feature `highs`)".into(),
    }
}
