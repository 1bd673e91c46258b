//! Presolve: bound propagation, redundant rows and dominated columns, before microlp's branch and bound.
//! Exact: the reduced model keeps an optimal plan of the whole (when it has one), so its optimum is the whole
//! model's and its bounds are bounds of the whole.
//!
//! Why: reduced-cost fixing ([`super::fixing`]) fixes integer columns only, and the continuous columns and rows
//! they made idle stay in the model microlp factorises at every node. On the GM estates and shared-services model
//! fixing leaves 13,277 columns and 13,777 rows, which presolve takes to 4,776 and 4,287 (a pair's yearly and
//! per-level columns go once its joining is fixed at 0, say).
//!
//! Three rules, repeated until nothing changes (25 rounds at most):
//! - **Propagation**: a row's least activity over the other columns' bounds bounds each column (`a x <= rhs -
//!   min(rest)`); equalities both ways. Integer bounds are rounded. A row whose least activity is above its
//!   right-hand side proves the model infeasible.
//! - **Redundant rows**: a `<=` row whose greatest activity is within its right-hand side binds no plan.
//! - **Dominated columns**: a column that no kept row needs raised (every coefficient in the kept `<=` rows of
//!   the sign that lowering it only loosens, in no equality) and that costs nothing to lower is set to its lower
//!   bound; symmetrically to its upper bound. Any optimal plan moved so stays feasible and no dearer.
//!
//! Continuous columns keep their bounds as given unless propagation closes them (their implied bounds serve
//! only further propagation): an implied bound on a continuous column adds nothing for the LP and could add noise.

use super::sparse::Sparse;

/// Rounds of propagation at most (the module notes' 25): later rounds find little on these models, and each costs a
/// pass over the rows.
const MAX_ROUNDS: usize = 25;

/// Feasibility tolerance, relative to a row's scale.
const TOL: f64 = 1e-9;

/// A tightening of a continuous column counts only when it closes at least this share of its range (or closes
/// it): propagation on continuous columns converges in infinitely many small steps otherwise.
const MIN_SHRINK: f64 = 1e-3;

/// What presolve found: every column's bounds (integer ones tightened, fixed ones equal) and the rows no plan
/// within them can break.
#[derive(Debug, Clone, PartialEq)]
pub struct Presolved {
    /// Lower bound per column.
    pub lo: Vec<f64>,
    /// Upper bound per column.
    pub up: Vec<f64>,
    /// Per row: binds no plan within the bounds.
    pub redundant: Vec<bool>,
}

/// Presolves `model` within bounds `lo`, `up` (the model's own, or tighter ones from fixing). `None` when the
/// bounds leave no plan.
pub fn run(model: &Sparse, lo: &[f64], up: &[f64]) -> Option<Presolved> {
    let mut state = State {
        model,
        given: (lo, up),
        lo: lo.to_vec(),
        up: up.to_vec(),
        redundant: vec![false; model.rows.len()],
    };
    for _ in 0..MAX_ROUNDS {
        let propagated = state.propagate()?;
        let dominated = state.dominated();
        if !propagated && !dominated {
            break;
        }
    }
    Some(state.finish())
}

/// The implied bounds as presolve works on them.
struct State<'a> {
    model: &'a Sparse,
    /// The bounds given.
    given: (&'a [f64], &'a [f64]),
    lo: Vec<f64>,
    up: Vec<f64>,
    redundant: Vec<bool>,
}

/// A row's least and greatest activity: the finite part and how many columns make it infinite.
#[derive(Debug, Clone, Copy, Default)]
struct Activity {
    min: f64,
    min_inf: usize,
    max: f64,
    max_inf: usize,
}

impl State<'_> {
    /// The bounds presolve hands on for column `j`: an integer column's as tightened, a continuous one's as
    /// given unless closed. Rows are dropped as redundant only over these, so a row never goes on the strength
    /// of a bound that is not handed on (two copies of `x <= 1` would otherwise each make the other redundant).
    fn out(&self, j: usize) -> (f64, f64) {
        let closed = self.up[j] - self.lo[j] <= TOL * (1.0 + self.lo[j].abs());
        if self.model.integer[j] || closed {
            (self.lo[j], if closed { self.lo[j] } else { self.up[j] })
        } else {
            (self.given.0[j], self.given.1[j])
        }
    }

    /// The least and greatest activity of `coefs` over the current bounds.
    fn activity(&self, coefs: &[(usize, f64)]) -> Activity {
        self.activity_over(coefs, |j| (self.lo[j], self.up[j]))
    }

    /// The least and greatest activity of `coefs` over bounds `bounds`.
    fn activity_over(
        &self,
        coefs: &[(usize, f64)],
        bounds: impl Fn(usize) -> (f64, f64),
    ) -> Activity {
        let mut a = Activity::default();
        for &(j, c) in coefs {
            let (lo, up) = bounds(j);
            let (low, high) = if c > 0.0 {
                (c * lo, c * up)
            } else {
                (c * up, c * lo)
            };
            if low.is_finite() {
                a.min += low;
            } else {
                a.min_inf += 1;
            }
            if high.is_finite() {
                a.max += high;
            } else {
                a.max_inf += 1;
            }
        }
        a
    }

    /// One pass of propagation over the rows: `Some(changed)`, or `None` when a row cannot be kept.
    fn propagate(&mut self) -> Option<bool> {
        let mut changed = false;
        for (i, row) in self.model.rows.iter().enumerate() {
            if self.redundant[i] {
                continue;
            }
            let tol = TOL * (1.0 + row.rhs.abs());
            let act = self.activity(&row.coefs);
            if act.min_inf == 0 && act.min > row.rhs + tol {
                return None;
            }
            if row.eq && act.max_inf == 0 && act.max < row.rhs - tol {
                return None;
            }
            if !row.eq {
                let handed = self.activity_over(&row.coefs, |j| self.out(j));
                if handed.max_inf == 0 && handed.max <= row.rhs + tol {
                    self.redundant[i] = true;
                    changed = true;
                    continue;
                }
            }
            changed |= self.tighten(&row.coefs, row.rhs, act.min, act.min_inf, 1.0)?;
            if row.eq {
                // `-row <= -rhs`: the greatest activity plays the least's part (over the bounds just tightened).
                let act = self.activity(&row.coefs);
                changed |= self.tighten(&row.coefs, -row.rhs, -act.max, act.max_inf, -1.0)?;
            }
        }
        Some(changed)
    }

    /// Tightens the columns of the row `sign x coefs <= rhs` whose least activity is `min` (plus `infinite`
    /// unbounded terms).
    fn tighten(
        &mut self,
        coefs: &[(usize, f64)],
        rhs: f64,
        min: f64,
        infinite: usize,
        sign: f64,
    ) -> Option<bool> {
        if infinite > 1 {
            return Some(false);
        }
        let mut changed = false;
        for &(j, c) in coefs {
            let c = sign * c;
            // A zero coefficient (written, or a sum that cancelled) bounds nothing.
            if c == 0.0 {
                continue;
            }
            let own = if c > 0.0 {
                c * self.lo[j]
            } else {
                c * self.up[j]
            };
            // The least activity of the other columns.
            let rest = match (infinite, own.is_finite()) {
                (0, _) => min - own,
                (1, false) => min,
                _ => continue,
            };
            let room = rhs - rest;
            if c > 0.0 {
                changed |= self.lower_up(j, room / c)?;
            } else {
                changed |= self.raise_lo(j, room / c)?;
            }
        }
        Some(changed)
    }

    /// Lowers column `j`'s upper bound to `bound` when that tightens it worth counting.
    fn lower_up(&mut self, j: usize, bound: f64) -> Option<bool> {
        let (lo, up) = (self.lo[j], self.up[j]);
        let bound = if self.model.integer[j] {
            (bound + 1e-6).floor()
        } else {
            bound
        };
        if bound >= up || !self.worth(j, up - bound) {
            return Some(false);
        }
        if bound < lo - 1e-6 * (1.0 + lo.abs()) {
            return None;
        }
        self.up[j] = bound.max(lo);
        Some(true)
    }

    /// Raises column `j`'s lower bound to `bound` when that tightens it worth counting.
    fn raise_lo(&mut self, j: usize, bound: f64) -> Option<bool> {
        let (lo, up) = (self.lo[j], self.up[j]);
        let bound = if self.model.integer[j] {
            (bound - 1e-6).ceil()
        } else {
            bound
        };
        if bound <= lo || !self.worth(j, bound - lo) {
            return Some(false);
        }
        if bound > up + 1e-6 * (1.0 + up.abs()) {
            return None;
        }
        self.lo[j] = bound.min(up);
        Some(true)
    }

    /// Whether shrinking column `j`'s range by `by` is worth a change: always for an integer column (its bounds
    /// move in whole steps), for a continuous one when it is a real share of the range.
    fn worth(&self, j: usize, by: f64) -> bool {
        let range = self.up[j] - self.lo[j];
        self.model.integer[j] || !range.is_finite() || by >= MIN_SHRINK * range
    }

    /// Sets dominated columns to the bound their cost prefers; true when any moved.
    fn dominated(&mut self) -> bool {
        let n = self.model.columns();
        // Per column: may it fall (no kept row needs it high), may it rise.
        let (mut may_fall, mut may_rise) = (vec![true; n], vec![true; n]);
        for (i, row) in self.model.rows.iter().enumerate() {
            if self.redundant[i] {
                continue;
            }
            for &(j, c) in &row.coefs {
                if row.eq {
                    may_fall[j] = false;
                    may_rise[j] = false;
                } else if c < 0.0 {
                    may_fall[j] = false;
                } else if c > 0.0 {
                    may_rise[j] = false;
                }
            }
        }
        let mut changed = false;
        for j in 0..n {
            if self.lo[j] == self.up[j] {
                continue;
            }
            let cost = self.model.cost[j];
            if may_fall[j] && cost >= 0.0 && self.lo[j].is_finite() {
                self.up[j] = self.lo[j];
                changed = true;
            } else if may_rise[j] && cost <= 0.0 && self.up[j].is_finite() {
                self.lo[j] = self.up[j];
                changed = true;
            }
        }
        changed
    }

    /// The bounds to hand on (see [`State::out`]).
    fn finish(self) -> Presolved {
        let (lo, up) = (0..self.model.columns()).map(|j| self.out(j)).unzip();
        Presolved {
            lo,
            up,
            redundant: self.redundant,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::sparse::test_models::{row, units as model};

    #[test]
    fn a_column_fixed_at_zero_fixes_what_it_bounds() {
        // x0 (binary) fixed at 0; x1 <= x0 (continuous), x2 <= x1: both close at 0. Costs make neither dominated.
        let m = model(
            vec![1.0, -1.0, -1.0],
            vec![true, false, false],
            vec![
                row(&[(1, 1.0), (0, -1.0)], false, 0.0),
                row(&[(2, 1.0), (1, -1.0)], false, 0.0),
            ],
        );
        let p = run(&m, &[0.0, 0.0, 0.0], &[0.0, 1.0, 1.0]).expect("feasible");
        assert_eq!(p.up, vec![0.0, 0.0, 0.0]);
    }

    #[test]
    fn a_row_no_plan_can_keep_is_infeasible() {
        // x0 + x1 >= 3 over binaries.
        let m = model(
            vec![1.0, 1.0],
            vec![true, true],
            vec![row(&[(0, -1.0), (1, -1.0)], false, -3.0)],
        );
        assert_eq!(run(&m, &m.lo, &m.up), None);
    }

    #[test]
    fn a_row_every_plan_keeps_is_redundant_and_its_columns_fall_to_their_cheaper_bound() {
        // x0 + x1 <= 5 binds nothing; with it gone both columns are free of rows and go to their cheaper bound.
        let m = model(
            vec![1.0, -1.0],
            vec![true, true],
            vec![row(&[(0, 1.0), (1, 1.0)], false, 5.0)],
        );
        let p = run(&m, &m.lo, &m.up).expect("feasible");
        assert_eq!(p.redundant, vec![true]);
        assert_eq!(
            (p.lo.clone(), p.up.clone()),
            (vec![0.0, 1.0], vec![0.0, 1.0])
        );
    }

    #[test]
    fn integer_bounds_are_rounded_and_continuous_ones_kept_unless_closed() {
        // 2 x0 + x1 <= 3 with x0 integer in [0, 5], x1 continuous in [0, 5]; -x0 <= -1 (x0 >= 1).
        let mut m = model(
            vec![-1.0, -1.0],
            vec![true, false],
            vec![
                row(&[(0, 2.0), (1, 1.0)], false, 3.0),
                row(&[(0, -1.0)], false, -1.0),
            ],
        );
        m.up = vec![5.0, 5.0];
        let p = run(&m, &m.lo, &m.up).expect("feasible");
        assert_eq!((p.lo[0], p.up[0]), (1.0, 1.0));
        // x1 <= 1 is implied, not written.
        assert_eq!((p.lo[1], p.up[1]), (0.0, 5.0));
    }
}
