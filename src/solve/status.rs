//! One typed status for every model, scenario and run, and the result of a solve carrying its plan.
//!
//! [`Status`] is ordered from best to worst, so "the worse of two" is [`Status::worse`] (the larger) and "the worst
//! of many" is [`Status::worst`]; "clean" (exit 0) means [`Status::Optimal`] with no failed check
//! ([`Status::is_clean`], [`clean`]). Every status report, summary and exit code above the solver uses these, so
//! the ranking is written once. [`Outcome`] is how a solve ended, carrying the plan when there is one, the way
//! good solver APIs return `Optimal(plan)` or `Feasible { plan, bound }`.
//!
//! **Gap**, defined once ([`relative_gap`]): `|value - bound| / max(|value|, 1e-9)`, where `value` is the plan's
//! value and `bound` the proven bound, both in the objective of the model as solved (plan cost for the estates
//! model, net present value for an award category). It is 0 when the plan is proven optimal.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a model, a scenario or a whole run ended, from best to worst.
///
/// The order is the one every report and exit code uses: a proven optimum, then a plan stopped at a limit, then
/// work that was never done (interrupted by a signal, skipped by a time budget), then no answer (`unknown`), then
/// answers that say the model cannot give a plan (`infeasible`; `unbounded`, a modelling error), and last a
/// scenario that could not run at all (`error`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Proven optimal (within the requested gap, 0 by default).
    Optimal,
    /// A plan that keeps every rule, stopped at a limit before it was proven optimal.
    Feasible,
    /// Not solved: the process was asked to stop first.
    Interrupted,
    /// Not solved: the run's time budget was spent first.
    Skipped,
    /// The solver stopped without a plan or an answer.
    Unknown,
    /// No plan keeps every rule.
    Infeasible,
    /// The objective can improve without limit (a modelling error).
    Unbounded,
    /// Not solved: an error (unreadable data, a failed write) stopped it; only whole scenarios of a run have it.
    Error,
}

impl Status {
    /// Every status, best first.
    pub const ALL: [Status; 8] = [
        Status::Optimal,
        Status::Feasible,
        Status::Interrupted,
        Status::Skipped,
        Status::Unknown,
        Status::Infeasible,
        Status::Unbounded,
        Status::Error,
    ];

    /// The word used in `summary.json`, reports and logs.
    pub fn name(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
            Status::Interrupted => "interrupted",
            Status::Skipped => "skipped",
            Status::Unknown => "unknown",
            Status::Infeasible => "infeasible",
            Status::Unbounded => "unbounded",
            Status::Error => "error",
        }
    }

    /// The worse of two statuses.
    pub fn worse(self, other: Status) -> Status {
        self.max(other)
    }

    /// The worst of many; `optimal` when there are none (nothing went wrong).
    pub fn worst(all: impl IntoIterator<Item = Status>) -> Status {
        all.into_iter().fold(Status::Optimal, Status::worse)
    }

    /// True for a proven optimum: the only status a clean run (exit 0) may have.
    pub fn is_clean(self) -> bool {
        self == Status::Optimal
    }

    /// True when the status comes with a plan that keeps every rule.
    pub fn has_plan(self) -> bool {
        matches!(self, Status::Optimal | Status::Feasible)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Clean or not, decided once: proven optimal, and no independent check that failed (`checks` are the
/// checkers' verdicts, `true` = passed).
pub fn clean(status: Status, checks: impl IntoIterator<Item = bool>) -> bool {
    status.is_clean() && checks.into_iter().all(|ok| ok)
}

/// The relative gap between a plan's value and a proven bound (see the module docs).
pub fn relative_gap(value: f64, bound: f64) -> f64 {
    (value - bound).abs() / value.abs().max(1e-9)
}

/// How a solve ended, carrying its plan `P` when there is one. Never says optimal unless it was proven.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<P> {
    /// Proven optimal (within the requested gap).
    Optimal(P),
    /// A plan stopped at a limit; `bound` is a proven bound on the best value, when one is known.
    Feasible {
        /// The best plan found.
        plan: P,
        /// Proven bound on the objective (same sense and units as the plan's value).
        bound: Option<f64>,
    },
    /// No plan keeps every rule.
    Infeasible,
    /// The objective can improve without limit.
    Unbounded,
    /// Stopped without a plan or an answer (including "interrupted before it started").
    Unknown {
        /// What stopped it, in words.
        reason: String,
    },
}

impl<P> Outcome<P> {
    /// The status word of this outcome.
    pub fn status(&self) -> Status {
        match self {
            Outcome::Optimal(_) => Status::Optimal,
            Outcome::Feasible { .. } => Status::Feasible,
            Outcome::Infeasible => Status::Infeasible,
            Outcome::Unbounded => Status::Unbounded,
            Outcome::Unknown { .. } => Status::Unknown,
        }
    }

    /// The plan, when there is one.
    pub fn plan(&self) -> Option<&P> {
        match self {
            Outcome::Optimal(p) | Outcome::Feasible { plan: p, .. } => Some(p),
            _ => None,
        }
    }

    /// The plan, by value.
    pub fn into_plan(self) -> Option<P> {
        match self {
            Outcome::Optimal(p) | Outcome::Feasible { plan: p, .. } => Some(p),
            _ => None,
        }
    }

    /// True when proven optimal.
    pub fn is_optimal(&self) -> bool {
        matches!(self, Outcome::Optimal(_))
    }

    /// The same outcome with its plan turned into another type.
    pub fn map<Q>(self, f: impl FnOnce(P) -> Q) -> Outcome<Q> {
        match self {
            Outcome::Optimal(p) => Outcome::Optimal(f(p)),
            Outcome::Feasible { plan, bound } => Outcome::Feasible {
                plan: f(plan),
                bound,
            },
            Outcome::Infeasible => Outcome::Infeasible,
            Outcome::Unbounded => Outcome::Unbounded,
            Outcome::Unknown { reason } => Outcome::Unknown { reason },
        }
    }

    /// The proven bound given the plan's value `value` (the value itself when optimal).
    pub fn bound(&self, value: impl Fn(&P) -> f64) -> Option<f64> {
        match self {
            Outcome::Optimal(p) => Some(value(p)),
            Outcome::Feasible { bound, .. } => *bound,
            _ => None,
        }
    }

    /// The relative gap ([`relative_gap`]) given the plan's value: 0 when optimal, unknown without a bound.
    pub fn gap(&self, value: impl Fn(&P) -> f64) -> Option<f64> {
        match self {
            Outcome::Optimal(_) => Some(0.0),
            Outcome::Feasible { plan, bound } => bound.map(|b| relative_gap(value(plan), b)),
            _ => None,
        }
    }

    /// The reason in words for an outcome without an answer.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Outcome::Unknown { reason } => Some(reason),
            _ => None,
        }
    }
}

/// Where a reported plan came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanSource {
    /// The MILP solver.
    Solver,
    /// The Lagrangian facility-location strategy.
    Lagrangian,
    /// The large-neighbourhood search (estates models too large for one branch and bound).
    Neighbourhoods,
    /// The greedy heuristic (the solver found nothing better, or `--greedy`).
    Heuristic,
    /// No plan.
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_best_to_worst_and_worse_is_symmetric() {
        for w in Status::ALL.windows(2) {
            assert!(w[0] < w[1]);
        }
        for a in Status::ALL {
            for b in Status::ALL {
                assert_eq!(a.worse(b), b.worse(a));
                assert!(a.worse(b) >= a && a.worse(b) >= b);
            }
        }
        assert_eq!(Status::worst([]), Status::Optimal);
        assert_eq!(
            Status::worst([Status::Feasible, Status::Interrupted, Status::Optimal]),
            Status::Interrupted
        );
    }

    #[test]
    fn json_spelling_is_the_public_one() {
        for s in Status::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.name()));
            assert_eq!(serde_json::from_str::<Status>(&json).unwrap(), s);
        }
        assert_eq!(
            serde_json::to_string(&PlanSource::Lagrangian).unwrap(),
            "\"lagrangian\""
        );
    }

    #[test]
    fn clean_needs_optimal_and_every_check_passed() {
        assert!(clean(Status::Optimal, [true, true]));
        assert!(clean(Status::Optimal, []));
        assert!(!clean(Status::Optimal, [true, false]));
        assert!(!clean(Status::Feasible, [true]));
    }

    #[test]
    fn gap_is_relative_to_the_plan_value() {
        let feasible = Outcome::Feasible {
            plan: 200.0,
            bound: Some(150.0),
        };
        assert_eq!(feasible.gap(|&v| v), Some(0.25));
        assert_eq!(Outcome::Optimal(3.0).gap(|&v| v), Some(0.0));
        assert_eq!(Outcome::<f64>::Infeasible.gap(|&v| v), None);
        assert_eq!(Outcome::Optimal(3.0).bound(|&v| v), Some(3.0));
    }
}
