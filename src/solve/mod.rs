//! Solver backends behind one call, and honest outcomes.
//!
//! A model arrives as [`Milp`]: variables, a cost to minimise and named rows. The backend is a value chosen by
//! flag ([`Backend`]), never a code change. What comes back is an [`Outcome`] carrying the column values —
//! optimal, feasible at a limit (with a bound, when known), infeasible, unbounded or unknown. Solver failures are
//! outcomes, not errors or panics. [`Status`] ranks every outcome, scenario and run once (see `status.rs`).

mod abandon;
pub mod ascent;
mod backends;
pub mod fixing;
pub mod kit;
mod lattice;
pub use lattice::is_whole;
mod lpsolve;
mod microlp;
pub(crate) use microlp::classic;
pub mod mps;
pub mod pdhg;
pub mod presolve;
pub mod sparse;
mod status;
pub mod vertex;

pub use status::{Outcome, PlanSource, Status, clean, relative_gap};

use crate::error::Error;
use good_lp::{Constraint, Expression, ProblemVariables, Variable};
use serde::Serialize;
use std::time::{Duration, Instant};

/// A solver backend compiled into this binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// microlp: pure Rust simplex and branch and bound (default; no system dependencies).
    Microlp,
    /// lp_solve 5.5, bundled C library.
    Lpsolve,
    /// HiGHS (cargo feature `highs`).
    Highs,
}

impl Backend {
    /// The backends this binary was built with.
    pub fn available() -> Vec<Backend> {
        let mut v = vec![Backend::Microlp, Backend::Lpsolve];
        if cfg!(feature = "highs") {
            v.push(Backend::Highs);
        }
        v
    }

    /// Parses a backend name, refusing ones not built in.
    pub fn parse(name: &str) -> Result<Backend, Error> {
        let b = match name.to_ascii_lowercase().as_str() {
            "microlp" => Backend::Microlp,
            "lpsolve" | "lp_solve" => Backend::Lpsolve,
            "highs" => Backend::Highs,
            _ => {
                return Err(Error::Usage(format!(
                    "unknown solver '{name}'; this build has: {}",
                    Self::available()
                        .iter()
                        .map(|b| b.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        };
        if !Self::available().contains(&b) {
            return Err(Error::Usage(format!(
                "solver '{name}' is not in this build; rebuild with `cargo build --release --features highs`"
            )));
        }
        Ok(b)
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Microlp => "microlp",
            Backend::Lpsolve => "lpsolve",
            Backend::Highs => "highs",
        }
    }

    /// The library version linked in, read from Cargo.lock at build time (`build.rs`) so it cannot go stale.
    pub fn version(self) -> &'static str {
        match self {
            Backend::Microlp => env!("CONSOLIDATE_VERSION_MICROLP"),
            Backend::Lpsolve => env!("CONSOLIDATE_VERSION_LPSOLVE"),
            Backend::Highs => env!("CONSOLIDATE_VERSION_HIGHS"),
        }
    }
}

/// Limits for a command's solves. The time limit is one deadline for the whole command (`--time-limit T`: the
/// process ends within T plus the time to write its files), not a fresh T per model: every solve gets what is left
/// ([`Limits::seconds_left`]), and a command with several stages hands each a share of it ([`Limits::share`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The command's time limit, in wall-clock seconds (as asked; reported in logs and summaries).
    pub time_limit_s: f64,
    /// Relative gap at which the solver may stop.
    pub gap: f64,
    /// Threads the stage may use (see [`crate::model_config::SolverConfig::threads`]).
    pub threads: u32,
    /// When the solves must have ended: `time_limit_s` after [`Limits::new`], or earlier for a stage's share.
    pub deadline: Instant,
}

impl Limits {
    /// Limits whose deadline is `time_limit_s` from now.
    pub fn new(time_limit_s: f64, gap: f64, threads: u32) -> Self {
        Limits {
            time_limit_s,
            gap,
            threads,
            deadline: after(time_limit_s),
        }
    }

    /// Seconds until the deadline: 0 once it has passed, or once the process is asked to stop ([`cancelled`]),
    /// so that the work between solves (fixing rounds, the neighbourhood search) ends as at the limit.
    pub fn seconds_left(&self) -> f64 {
        if cancelled() {
            return 0.0;
        }
        self.deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
    }

    /// The same limits with the deadline brought forward to `weight / total` of the time left: a stage of a
    /// command that has later stages to leave time for. What a stage does not use stays for the later ones.
    pub fn share(&self, weight: f64, total: f64) -> Self {
        let part = if total > 0.0 {
            (weight / total).clamp(0.0, 1.0)
        } else {
            1.0
        };
        Limits {
            deadline: after(self.seconds_left() * part).min(self.deadline),
            ..*self
        }
    }

    /// When the costly work after the solves (reasons costed one site at a time) must stop, so writing the files
    /// still fits: the deadline plus half of the 5% of the limit the command may overrun by (`--time-limit T` ends
    /// within T + 5% + 2 s).
    pub fn wrap_up(&self) -> Instant {
        let grace =
            Duration::try_from_secs_f64(0.025 * self.time_limit_s).unwrap_or(Duration::ZERO);
        self.deadline.checked_add(grace).unwrap_or(self.deadline)
    }

    /// The same limits with at least `seconds` left: for a last short solve whose answer is needed whatever the
    /// clock says (an LP bound after a stop at the limit).
    pub fn at_least(&self, seconds: f64) -> Self {
        Limits {
            deadline: self.deadline.max(after(seconds)),
            ..*self
        }
    }
}

/// `seconds` from now; far in the future when that does not fit an `Instant` (an enormous limit).
fn after(seconds: f64) -> Instant {
    let now = Instant::now();
    Duration::try_from_secs_f64(seconds.max(0.0))
        .ok()
        .and_then(|d| now.checked_add(d))
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// Set when the process is asked to stop (SIGTERM or SIGINT during an overnight run): solves not yet started are
/// skipped with status `unknown` ("interrupted"); a solve already running is abandoned (each runs on a thread
/// that its caller stops waiting for).
pub static CANCEL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once [`CANCEL`] is set.
pub fn cancelled() -> bool {
    CANCEL.load(std::sync::atomic::Ordering::SeqCst)
}

/// A mixed-integer model to minimise.
pub struct Milp {
    /// The variables.
    pub vars: ProblemVariables,
    /// Every variable in creation order (for warm starts and reading values).
    pub columns: Vec<Variable>,
    /// Which columns are integer.
    pub integer: Vec<bool>,
    /// The cost to minimise.
    pub cost: Expression,
    /// The rows.
    pub constraints: Vec<Constraint>,
    /// Which microlp release solves it (other backends ignore it).
    pub search: Search,
}

impl Milp {
    /// The same model, solved by `search` when the backend is microlp.
    pub fn with_search(self, search: Search) -> Milp {
        Milp { search, ..self }
    }
}

/// Which of the two microlp releases the `microlp` backend runs on a model; see `microlp.rs` for the
/// measurements behind each choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Search {
    /// microlp 0.6: the estates and shared-services model.
    #[default]
    Classic,
    /// microlp 0.7 (presolve, pseudocost branching, validated incumbents): the award.
    Validated,
}

/// The result of one solve: how it ended, carrying the column values when the solver returned a solution.
#[derive(Debug, Clone)]
pub struct Solved {
    /// How it ended, with the column values of its plan.
    pub outcome: Outcome<Vec<f64>>,
    /// Wall-clock seconds spent in the solver.
    pub seconds: f64,
}

/// Solves `milp` with `backend`, starting from `warm` where the backend accepts a start.
pub fn solve(milp: Milp, backend: Backend, limits: Limits, warm: Option<&[f64]>) -> Solved {
    solve_while(milp, backend, limits, || warm.map(<[f64]>::to_vec))
}

/// [`solve`] with a warm start that takes time of its own to work out: `start` runs on this thread while the
/// backend prepares what needs only the model (microlp's LP duals for reduced-cost fixing, on a second thread
/// when `limits` allow two).
pub fn solve_while(
    milp: Milp,
    backend: Backend,
    limits: Limits,
    start: impl FnOnce() -> Option<Vec<f64>>,
) -> Solved {
    let begun = Instant::now();
    let lattice = lattice::Lattice::of(&milp);
    let outcome = backends::run(milp, backend, limits, start);
    // A bound the caller adds later (an LP bound for a backend that gives none) is not rounded.
    let outcome = match &lattice {
        Some(l) => l.round(outcome),
        None => outcome,
    };
    Solved {
        outcome,
        seconds: begun.elapsed().as_secs_f64(),
    }
}
