//! A solve on a thread of its own, which the caller stops waiting for when the process is asked to stop
//! ([`super::cancelled`]) or, for a solver that overruns its own limit, at a deadline. None of the three solvers
//! can be stopped from outside once started (microlp and HiGHS only watch their own clock; lp_solve checks its
//! limit between steps of its choosing), so an abandoned solve's thread ends with the process.
//!
//! Why: an overnight run asked to stop (SIGTERM) must finish its folder within seconds, and a scenario whose
//! solve is still going is recorded as interrupted whatever that solve would have found: waiting for it only
//! delays the folder (in a debug build the GM estates model takes 6 s; a larger model the whole time limit).

use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How often a waiting caller looks whether the process was asked to stop.
const POLL: Duration = Duration::from_millis(50);

/// The solver threads' stack: microlp's and the award's solves need more than the 2 MiB default (the run's
/// workers have the same).
const STACK: usize = 64 << 20;

/// Why a solve's answer did not come back.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Abandoned {
    /// The process was asked to stop before or during the solve.
    Cancelled,
    /// The solve was still going when the caller's wait (in seconds) ran out.
    Overran(f64),
    /// No thread could be started, or the solve panicked on its thread.
    Failed,
}

impl Abandoned {
    /// What to say about it, naming the solver.
    pub(super) fn reason(&self, solver: &str) -> String {
        match self {
            Abandoned::Cancelled => format!("asked to stop while {solver} was solving"),
            Abandoned::Overran(s) => {
                format!(
                    "{solver} was still solving {s:.1} s after it started, past the time limit: its solve was abandoned"
                )
            }
            Abandoned::Failed => format!("{solver} stopped without an answer (its thread failed)"),
        }
    }
}

/// Runs `solve` on a thread named `name` and waits for its answer, for at most `wait` when given. The answer
/// is not waited for once the process is asked to stop; a solve is not started after that.
pub(super) fn off_thread<T: Send + 'static>(
    name: &str,
    wait: Option<Duration>,
    solve: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Abandoned> {
    if super::cancelled() {
        return Err(Abandoned::Cancelled);
    }
    let (tx, rx) = channel();
    let spawned = std::thread::Builder::new()
        .name(name.into())
        .stack_size(STACK)
        .spawn(move || {
            // The receiver may have gone (an abandoned solve): nothing is waiting for the answer then.
            let _ = tx.send(solve());
        });
    if spawned.is_err() {
        return Err(Abandoned::Failed);
    }
    let start = Instant::now();
    loop {
        let slice = match wait {
            Some(w) => w.saturating_sub(start.elapsed()).min(POLL),
            None => POLL,
        };
        match rx.recv_timeout(slice) {
            Ok(answer) => return Ok(answer),
            Err(RecvTimeoutError::Disconnected) => return Err(Abandoned::Failed),
            Err(RecvTimeoutError::Timeout) if super::cancelled() => {
                return Err(Abandoned::Cancelled);
            }
            Err(RecvTimeoutError::Timeout) => {
                if wait.is_some_and(|w| start.elapsed() >= w) {
                    return Err(Abandoned::Overran(wait.unwrap_or_default().as_secs_f64()));
                }
            }
        }
    }
}

/// A backend's solve on a thread of its own ([`off_thread`], the thread and the reason named `solver`): its
/// outcome, or `unknown` with the reason it did not come back.
pub(super) fn outcome<T: Send + 'static>(
    solver: &str,
    wait: Option<Duration>,
    solve: impl FnOnce() -> super::Outcome<T> + Send + 'static,
) -> super::Outcome<T> {
    off_thread(solver, wait, solve).unwrap_or_else(|why| super::Outcome::Unknown {
        reason: why.reason(solver),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_in_time_comes_back_and_a_late_one_is_abandoned() {
        assert_eq!(off_thread("quick", None, || 7), Ok(7));
        let late = off_thread("late", Some(Duration::from_millis(60)), || {
            std::thread::sleep(Duration::from_secs(2));
            7
        });
        assert_eq!(late, Err(Abandoned::Overran(0.06)));
        let panicked = off_thread("panics", None, || -> i32 { panic!("solver bug") });
        assert_eq!(panicked, Err(Abandoned::Failed));
    }
}
