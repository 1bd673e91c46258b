//! Reduced-cost fixing: integer columns that no plan better than a known one can use are fixed before the
//! branch and bound starts, so microlp searches a much smaller model. Exact, not a heuristic.
//!
//! The LP dual gives, for row prices `y` (`y <= 0` on `<=` rows, free on equalities), a bound that holds for
//! every plan `x`: `cost(x) = y'Ax + r'x >= y'b + r'x` with reduced costs `r = c - A'y`. Each column's term
//! `r_j x_j` is at least `r_j l_j` (when `r_j > 0`) or `r_j u_j` (when `r_j < 0`), which gives the LP bound
//! `L`; a plan with an integer column `|r_j|` away from that bound's choice costs at least `L + |r_j|` per
//! unit. So with an incumbent of cost `U`, a column with `r_j > 0` cannot rise above `l_j + (U - L) / r_j` in any
//! plan at least as good as the incumbent (and symmetrically from the top when `r_j < 0`). Any `y` of the
//! right signs gives a valid bound, so the prices need not be optimal: they come from Clarabel's interior-point
//! solve of the LP relaxation, and the bound is recomputed from them here, not read from the solver.
//!
//! Every plan at least as good as the incumbent keeps the fixings (the incumbent among them), so the optimum of
//! the fixed model is the optimum of the whole; a bound of the fixed model is a bound of the whole once capped
//! by the incumbent's cost.

use super::sparse::{Sparse, SparseRow};
use super::{Limits, Outcome};

type Raw = Outcome<Vec<f64>>;

/// The LP dual's reading of a model: a proven bound on its cost and each column's reduced cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Dual {
    /// A lower bound on the cost of every plan (the LP relaxation's, when the prices are optimal).
    pub bound: f64,
    /// Per column, `c_j - A_j'y`.
    pub reduced: Vec<f64>,
}

/// Reduced costs smaller than this (relative to the column's cost) count as zero: the dual's own rounding.
const ZERO: f64 = 1e-9;

/// Row prices of `model`'s LP relaxation from Clarabel's interior-point method (which, unlike microlp, returns
/// the duals); `None` when it does not solve within `limits`. Bounds become rows of their own; a row's price is
/// minus Clarabel's dual (Clarabel writes `q + A'z = 0`, this module `c - A'y = r`).
pub fn row_prices(model: &Sparse, limits: Limits) -> Option<Vec<f64>> {
    relaxation(model, limits).map(|r| r.prices)
}

/// The LP relaxation as Clarabel's interior-point method solves it (or, above [`super::pdhg::LARGE`] columns, as
/// far as PDHG got).
#[derive(Debug, Clone)]
pub struct Relaxation {
    /// Column values (an interior point of the optimal face: values near a bound are within its tolerance; from
    /// PDHG, its best point, which may break rows by its residual).
    pub x: Vec<f64>,
    /// Row prices, as [`row_prices`].
    pub prices: Vec<f64>,
}

/// `model`'s LP relaxation: its column values and row prices (see [`row_prices`]); `None` when it does not solve
/// within `limits`. Above [`super::pdhg::LARGE`] columns by PDHG, whose prices prove a bound wherever it stops.
pub fn relaxation(model: &Sparse, limits: Limits) -> Option<Relaxation> {
    if model.columns() > super::pdhg::LARGE {
        return super::pdhg::relaxation(model, limits);
    }
    interior(model, limits)
}

/// The LP relaxation by Clarabel's interior point.
fn interior(model: &Sparse, limits: Limits) -> Option<Relaxation> {
    use clarabel::algebra::CscMatrix;
    use clarabel::solver::{
        DefaultSettingsBuilder, DefaultSolver, IPSolver, NonnegativeConeT, SolverStatus, ZeroConeT,
    };
    let n = model.columns();
    // Clarabel indexes into an empty problem (a narrowed model whose columns are all fixed): nothing to relax.
    if n == 0 {
        return None;
    }
    // Equalities first (the zero cone), then `<=` rows and the finite bounds (the non-negative cone).
    let mut place = vec![0usize; model.rows.len()];
    let eqs: Vec<usize> = (0..model.rows.len())
        .filter(|&i| model.rows[i].eq)
        .collect();
    let les: Vec<usize> = (0..model.rows.len())
        .filter(|&i| !model.rows[i].eq)
        .collect();
    for (k, &i) in eqs.iter().chain(&les).enumerate() {
        place[i] = k;
    }
    let mut b: Vec<f64> = eqs.iter().chain(&les).map(|&i| model.rows[i].rhs).collect();
    let mut by_column: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (i, r) in model.rows.iter().enumerate() {
        for &(j, a) in &r.coefs {
            by_column[j].push((place[i], a));
        }
    }
    for ((entries, &lo), &up) in by_column.iter_mut().zip(&model.lo).zip(&model.up) {
        if lo.is_finite() {
            entries.push((b.len(), -1.0));
            b.push(-lo);
        }
        if up.is_finite() {
            entries.push((b.len(), 1.0));
            b.push(up);
        }
    }
    let (mut colptr, mut rowval, mut nzval) = (vec![0], Vec::new(), Vec::new());
    for entries in &mut by_column {
        entries.sort_by_key(|&(i, _)| i);
        rowval.extend(entries.iter().map(|&(i, _)| i));
        nzval.extend(entries.iter().map(|&(_, a)| a));
        colptr.push(rowval.len());
    }
    let m = b.len();
    let a = CscMatrix::new(m, n, colptr, rowval, nzval);
    let p = CscMatrix::<f64>::zeros((n, n));
    let cones = [ZeroConeT(eqs.len()), NonnegativeConeT(m - eqs.len())];
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .time_limit(limits.seconds_left())
        .build()
        .ok()?;
    let cost = model.cost.clone();
    // On a thread of its own, so that a run asked to stop need not wait for it (`super::abandon`).
    let solve = move || {
        let mut solver = DefaultSolver::new(&p, &cost, &a, &b, &cones, settings).ok()?;
        solver.solve();
        let sol = solver.solution;
        matches!(
            sol.status,
            SolverStatus::Solved | SolverStatus::AlmostSolved
        )
        .then_some((sol.x, sol.z))
    };
    let (x, z) = super::abandon::off_thread("Clarabel", None, solve)
        .ok()
        .flatten()?;
    Some(Relaxation {
        x,
        prices: (0..model.rows.len()).map(|i| -z[place[i]]).collect(),
    })
}

/// The bound and reduced costs that row prices `y` prove for `model` (`None` when a column without the bound
/// its reduced cost needs makes the bound minus infinity).
pub fn dual_of(model: &Sparse, y: &[f64]) -> Option<Dual> {
    let mut reduced = model.cost.clone();
    let mut bound = model.constant;
    for (r, &price) in model.rows.iter().zip(y) {
        // A `<=` row's price must not be positive: clip the solver's rounding.
        let price = if r.eq { price } else { price.min(0.0) };
        bound += price * r.rhs;
        for &(j, a) in &r.coefs {
            reduced[j] -= price * a;
        }
    }
    for (j, rj) in reduced.iter_mut().enumerate() {
        if rj.abs() <= ZERO * (1.0 + model.cost[j].abs()) {
            *rj = 0.0;
        }
        let limit = if *rj > 0.0 { model.lo[j] } else { model.up[j] };
        if *rj != 0.0 {
            if !limit.is_finite() {
                return None;
            }
            bound += *rj * limit;
        }
    }
    Some(Dual { bound, reduced })
}

/// The integer columns an incumbent of cost `incumbent` lets fix, as their new bounds: `(lo, up)` per column,
/// equal when the column is fixed. Tightens only integer columns, and leaves `margin` of slack on the cost.
pub fn tighten(model: &Sparse, dual: &Dual, incumbent: f64, margin: f64) -> (Vec<f64>, Vec<f64>) {
    let (mut lo, mut up) = (model.lo.clone(), model.up.clone());
    let room = incumbent + margin - dual.bound;
    for j in 0..model.columns() {
        let r = dual.reduced[j];
        if !model.integer[j] || r == 0.0 || room < 0.0 {
            continue;
        }
        let steps = (room / r.abs()).floor();
        if r > 0.0 {
            up[j] = up[j].min(lo[j] + steps);
        } else {
            lo[j] = lo[j].max(up[j] - steps);
        }
    }
    (lo, up)
}

/// The first cut-off above the LP bound, as a share of the bound's size: a guess at the integrality gap, widened
/// fourfold each time no plan lies within it, at most [`GUESSES`] times before the incumbent (or nothing) is
/// the cut-off.
const FIRST_GUESS: f64 = 1e-4;

/// Rounds with a guessed cut-off.
const GUESSES: u32 = 3;

/// Fixing runs only with at least this many seconds left. Its duals and narrowed models pay back on a long
/// search; under a short limit microlp's own search should have all of it, since microlp cannot stop inside its
/// root LP and less time for it overruns the limit (a 30-partner case under `--time-limit 5`: 7.3 s in CI).
pub const MIN_SECONDS: f64 = 20.0;

/// Solves `model` by `solve` on models narrowed by reduced-cost fixing (see the module notes). A round fixes what
/// no plan costing at most a cut-off can use, the cut-off being the LP bound plus a guess, or the incumbent's
/// cost once that is lower: a plan found within its cut-off is optimal; otherwise the guess widens, and a plan
/// found above the cut-off becomes the incumbent for the last round. `y` are the LP relaxation's row prices
/// ([`row_prices`]). `None` when fixing does not apply (no integer column, or no finite bound from `y`), so the
/// caller solves the whole model.
pub fn search(
    model: &Sparse,
    y: &[f64],
    limits: Limits,
    warm: Option<&[f64]>,
    solve: impl Fn(&Sparse, Limits, Option<&[f64]>) -> Raw,
) -> Option<Raw> {
    if !model.integer.iter().any(|&i| i) {
        return None;
    }
    let dual = dual_of(model, y)?;
    let mut best: Option<(Vec<f64>, f64)> = warm
        .filter(|w| model.keeps(w, 1e-6))
        .map(|w| (w.to_vec(), model.objective(w)));
    let margin = 1e-9 * dual.bound.abs().max(1.0);
    let mut guess = FIRST_GUESS * dual.bound.abs().max(1.0);
    let mut guesses = 0;
    loop {
        if guesses == GUESSES {
            guess = f64::INFINITY;
        }
        guesses += 1;
        let incumbent = best.as_ref().map_or(f64::INFINITY, |b| b.1);
        if dual.bound >= incumbent - margin {
            return best.map(|b| Outcome::Optimal(b.0));
        }
        let cutoff = (dual.bound + guess).min(incumbent);
        let last = cutoff >= incumbent;
        let (lo, up) = tighten(model, &dual, cutoff, margin);
        // Nothing tightened: the narrowed model is the whole one (less any columns it fixed itself), so it is not
        // fixed again either (a cut-off would then shape it, and its optimum or infeasibility would not be the
        // whole model's).
        let whole = lo == model.lo && up == model.up;
        let narrowed = Restricted::presolved(model, &lo, &up);
        let narrowed = if whole {
            narrowed
        } else {
            refix(model, narrowed, cutoff, limits)
        };
        if narrowed.broken {
            if last {
                return best.map(|b| Outcome::Optimal(b.0));
            }
            guess *= 4.0;
            continue;
        }
        let start = best
            .as_ref()
            .filter(|_| last)
            .map(|b| narrowed.narrow(&b.0));
        let raw = solve(&narrowed.model, limits, start.as_deref());
        match raw {
            Outcome::Optimal(x) => {
                let x = narrowed.widen(&x);
                let cost = model.objective(&x);
                if cost <= cutoff + margin || whole {
                    return Some(Outcome::Optimal(x));
                }
                // A plan above the cut-off: the incumbent of the last round.
                best = Some((x, cost));
                guess = f64::INFINITY;
            }
            Outcome::Infeasible if whole => return Some(Outcome::Infeasible),
            Outcome::Infeasible => {
                if last {
                    return best.map(|b| Outcome::Optimal(b.0));
                }
                guess *= 4.0;
            }
            Outcome::Feasible { plan, bound } => {
                let x = narrowed.widen(&plan);
                let cost = model.objective(&x);
                let (plan, _) = match best {
                    Some(b) if b.1 < cost => b,
                    _ => (x, cost),
                };
                let bound = bound.unwrap_or(dual.bound).min(cutoff).max(dual.bound);
                return Some(Outcome::Feasible {
                    plan,
                    bound: Some(bound),
                });
            }
            other => {
                return Some(match best {
                    Some((plan, _)) => Outcome::Feasible {
                        plan,
                        bound: Some(dual.bound),
                    },
                    None => other,
                });
            }
        }
    }
}

/// Rounds of fixing again at most ([`refix`]).
const REFIX_ROUNDS: usize = 4;

/// A round of [`refix`] that keeps more than this share of the columns it started from is the last.
const REFIX_GAIN: f64 = 0.97;

/// Fixes again on the narrowed model's own relaxation, while it pays: the LP relaxation of `narrowed` (which
/// keeps every plan of `model` costing at most `cutoff` that fixing kept, and an optimal one of them past
/// presolve) has row prices of its own, and their reduced costs fix columns the whole model's did not, though
/// the bound hardly moves: an interior point of a smaller model's optimal face prices differently. Each round's
/// fixings hold for every plan of the narrowed model within the cut-off, so the last model keeps what the first
/// kept. On the GM estates and shared-services model (2026-12-06): 4,776 columns after the first fixing, then
/// 4,186, 4,053 and 4,015 after three rounds of about 0.15 s each, and microlp's search on it 4.1 s against 6.3 s.
fn refix(model: &Sparse, mut narrowed: Restricted, cutoff: f64, limits: Limits) -> Restricted {
    for _ in 0..REFIX_ROUNDS {
        if narrowed.broken || limits.seconds_left() < MIN_SECONDS {
            break;
        }
        let part = &narrowed.model;
        // A sixteenth of the time left each: the rounds together take at most about a quarter of it.
        let dual = row_prices(part, limits.share(1.0, 16.0)).and_then(|y| dual_of(part, &y));
        let Some(dual) = dual else { break };
        let margin = 1e-9 * dual.bound.abs().max(1.0);
        let (lo, up) = tighten(part, &dual, cutoff, margin);
        if lo == part.lo && up == part.up {
            break;
        }
        // The new bounds in the whole model's columns: presolve then runs once more on the whole model.
        let next = Restricted::presolved(model, &narrowed.widen(&lo), &narrowed.widen(&up));
        let kept = next.model.columns() as f64 / part.columns().max(1) as f64;
        narrowed = next;
        if kept > REFIX_GAIN {
            break;
        }
    }
    narrowed
}

/// A model with some columns fixed, written without them: the rows take the fixed columns' part into their
/// right-hand side and the cost into its constant. `kept[k]` is the whole model's column of the fixed model's
/// column `k`.
#[derive(Debug, Clone)]
pub struct Restricted {
    /// The model over the columns left.
    pub model: Sparse,
    /// The whole model's column of each column left.
    pub kept: Vec<usize>,
    /// Every column's fixed value (`None` for columns left).
    pub fixed: Vec<Option<f64>>,
    /// A row with no column left that the fixed values break.
    pub broken: bool,
}

impl Restricted {
    /// `model` with bounds `lo`, `up`, presolved ([`super::presolve`]), leaving out the columns whose bounds
    /// meet and the rows presolve found redundant. `broken` when presolve finds no plan within the bounds.
    pub fn presolved(model: &Sparse, lo: &[f64], up: &[f64]) -> Restricted {
        match super::presolve::run(model, lo, up) {
            Some(p) => Restricted::without(model, &p.lo, &p.up, &p.redundant),
            None => {
                let mut r = Restricted::new(model, lo, up);
                r.broken = true;
                r
            }
        }
    }

    /// `model` with bounds `lo`, `up`, leaving out the columns whose bounds meet.
    pub fn new(model: &Sparse, lo: &[f64], up: &[f64]) -> Restricted {
        Restricted::without(model, lo, up, &vec![false; model.rows.len()])
    }

    /// ... and the rows `redundant` marks.
    fn without(model: &Sparse, lo: &[f64], up: &[f64], redundant: &[bool]) -> Restricted {
        let fixed: Vec<Option<f64>> = (0..model.columns())
            .map(|j| (lo[j] == up[j]).then_some(lo[j]))
            .collect();
        let kept: Vec<usize> = (0..model.columns())
            .filter(|&j| fixed[j].is_none())
            .collect();
        let mut position = vec![usize::MAX; model.columns()];
        for (k, &j) in kept.iter().enumerate() {
            position[j] = k;
        }
        let mut broken = false;
        let mut rows = Vec::with_capacity(model.rows.len());
        for (r, _) in model.rows.iter().zip(redundant).filter(|(_, d)| !**d) {
            let mut rhs = r.rhs;
            let mut coefs = Vec::with_capacity(r.coefs.len());
            for &(j, a) in &r.coefs {
                match fixed[j] {
                    Some(v) => rhs -= a * v,
                    None => coefs.push((position[j], a)),
                }
            }
            if coefs.is_empty() {
                let tol = 1e-7 * (1.0 + r.rhs.abs());
                broken |= if r.eq { rhs.abs() > tol } else { rhs < -tol };
                continue;
            }
            rows.push(SparseRow {
                coefs,
                eq: r.eq,
                rhs,
            });
        }
        let constant = model.constant
            + (0..model.columns())
                .filter_map(|j| fixed[j].map(|v| model.cost[j] * v))
                .sum::<f64>();
        let pick = |v: &[f64]| kept.iter().map(|&j| v[j]).collect::<Vec<f64>>();
        let restricted = Sparse {
            lo: pick(lo),
            up: pick(up),
            cost: pick(&model.cost),
            constant,
            integer: kept.iter().map(|&j| model.integer[j]).collect(),
            rows,
        };
        Restricted {
            model: restricted,
            kept,
            fixed,
            broken,
        }
    }

    /// The fixed model's column values of a whole model's plan.
    pub fn narrow(&self, x: &[f64]) -> Vec<f64> {
        self.kept.iter().map(|&j| x[j]).collect()
    }

    /// A whole model's plan from the fixed model's column values.
    pub fn widen(&self, x: &[f64]) -> Vec<f64> {
        let mut out: Vec<f64> = self.fixed.iter().map(|f| f.unwrap_or(0.0)).collect();
        for (k, &j) in self.kept.iter().enumerate() {
            out[j] = x[k];
        }
        out
    }

    /// The whole model's outcome from the fixed model's: plans widened, a bound capped by the incumbent's cost.
    pub fn outcome(&self, raw: Outcome<Vec<f64>>, incumbent: f64) -> Outcome<Vec<f64>> {
        match raw {
            Outcome::Optimal(x) => Outcome::Optimal(self.widen(&x)),
            Outcome::Feasible { plan, bound } => Outcome::Feasible {
                plan: self.widen(&plan),
                bound: bound.map(|b| b.min(incumbent)),
            },
            other => other,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::ops::Range;

    use crate::solve::sparse::test_models::{row, units};

    /// A model of binaries only.
    pub(in crate::solve) fn binaries(cost: Vec<f64>, rows: Vec<SparseRow>) -> Sparse {
        let n = cost.len();
        units(cost, vec![true; n], rows)
    }

    /// The optimum of a model of integer columns with small ranges, by trying every plan.
    fn brute(m: &Sparse) -> Raw {
        let n = m.columns();
        let mut x: Vec<f64> = m.lo.clone();
        let mut best: Option<(Vec<f64>, f64)> = None;
        loop {
            if m.keeps(&x, 1e-9) {
                let c = m.objective(&x);
                if best.as_ref().is_none_or(|b| c < b.1 - 1e-9) {
                    best = Some((x.clone(), c));
                }
            }
            let Some(j) = (0..n).find(|&j| x[j] < m.up[j]) else {
                break;
            };
            x[j] += 1.0;
            x[..j].copy_from_slice(&m.lo[..j]);
        }
        best.map_or(Outcome::Infeasible, |b| Outcome::Optimal(b.0))
    }

    #[test]
    fn the_dual_bound_is_the_relaxation_optimum() {
        // min -x - 2y, x + y <= 1.5: the relaxation takes y = 1, x = 0.5.
        let m = binaries(
            vec![-1.0, -2.0],
            vec![row(&[(0, 1.0), (1, 1.0)], false, 1.5)],
        );
        let y = row_prices(&m, Limits::new(10.0, 0.0, 1)).expect("dual");
        let d = dual_of(&m, &y).expect("bound");
        assert!((d.bound + 2.5).abs() < 1e-6, "{d:?}");
        // The row's price is -1: x has reduced cost 0, y -1 (at its upper bound).
        assert!(d.reduced[0].abs() < 1e-6 && (d.reduced[1] + 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_column_dearer_than_the_room_is_fixed_and_the_rest_left() {
        // Bound 0 with reduced costs 5 and 1: an incumbent at 2 fixes the first column at 0 only.
        let m = binaries(vec![5.0, 1.0], Vec::new());
        let d = dual_of(&m, &[]).expect("bound");
        assert_eq!(d.bound, 0.0);
        let (lo, up) = tighten(&m, &d, 2.0, 0.0);
        assert_eq!((lo, up), (vec![0.0, 0.0], vec![0.0, 1.0]));
        let r = Restricted::new(&m, &[0.0, 0.0], &[0.0, 1.0]);
        assert_eq!(r.kept, vec![1]);
        assert_eq!(r.widen(&[1.0]), vec![0.0, 1.0]);
        assert_eq!(r.narrow(&[0.0, 1.0]), vec![1.0]);
    }

    #[test]
    fn fixed_columns_move_into_the_rows_and_the_constant() {
        // x0 fixed at 1: x0 + x1 <= 1 becomes x1 <= 0; a row left without columns is checked.
        let m = binaries(
            vec![3.0, 1.0],
            vec![
                row(&[(0, 1.0), (1, 1.0)], false, 1.0),
                row(&[(0, 1.0)], true, 0.0),
            ],
        );
        let r = Restricted::new(&m, &[1.0, 0.0], &[1.0, 1.0]);
        assert_eq!(r.model.rows, vec![row(&[(0, 1.0)], false, 0.0)]);
        assert_eq!(r.model.constant, 3.0);
        assert!(r.broken, "x0 = 1 breaks x0 == 0");
    }

    fn small_models() -> impl Strategy<Value = Sparse> {
        models(2..7, -10..10)
    }

    /// Models of binaries with `n` columns, costs in `cost` and one to four rows of small integer coefficients.
    pub(in crate::solve) fn models(
        n: Range<usize>,
        cost: Range<i32>,
    ) -> impl Strategy<Value = Sparse> {
        n.prop_flat_map(move |n| {
            let cost = prop::collection::vec(cost.clone(), n);
            let rows = prop::collection::vec(
                (prop::collection::vec(-4i32..5, n), any::<bool>(), -3i32..8),
                1..5,
            );
            (cost, rows).prop_map(|(cost, rows)| {
                let rows = rows
                    .into_iter()
                    .map(|(a, eq, rhs)| {
                        let coefs: Vec<(usize, f64)> = a
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| **c != 0)
                            .map(|(j, &c)| (j, f64::from(c)))
                            .collect();
                        // Equalities only on one row in three, so that most models have plans.
                        row(&coefs, eq && rhs % 3 == 0, f64::from(rhs))
                    })
                    .filter(|r| !r.coefs.is_empty())
                    .collect();
                binaries(cost.into_iter().map(f64::from).collect(), rows)
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The search over fixed models finds the whole model's optimum cost (or its infeasibility), with or
        /// without an incumbent to start from.
        #[test]
        fn fixing_keeps_the_optimum(m in small_models(), start in any::<bool>()) {
            let whole = brute(&m);
            let warm = whole.plan().cloned().filter(|_| start);
            // Time enough for the rounds of fixing again ([`refix`], which need `MIN_SECONDS`).
            let limits = Limits::new(2.0 * MIN_SECONDS, 0.0, 1);
            // No search only when the relaxation has no plan (no duals), and then neither has the model.
            let found = row_prices(&m, limits)
                .and_then(|y| search(&m, &y, limits, warm.as_deref(), |m, _, _| brute(m)))
                .unwrap_or(Outcome::Infeasible);
            same_optimum(&m, &whole, &found)?;
        }

        /// Fixing again on the narrowed model's relaxation ([`refix`]) keeps the optimum when the cut-off lies at
        /// or above it (larger models than above, with ties in the costs, so that the relaxation's prices are not
        /// unique and a second round finds something to fix).
        #[test]
        fn fixing_again_keeps_the_optimum(m in models(8..13, -3..4), slack in 0u8..3, first in any::<bool>()) {
            let Outcome::Optimal(best) = brute(&m) else { return Ok(()) };
            let limits = Limits::new(2.0 * MIN_SECONDS, 0.0, 1);
            let Some(dual) = row_prices(&m, limits).and_then(|y| dual_of(&m, &y)) else {
                return Ok(());
            };
            // Clarabel's prices are exact to about 1e-9: a plan exactly at the cut-off may be fixed out by a
            // reduced cost a hair above its room (the search keeps its incumbent apart for that reason).
            let cutoff = m.objective(&best) + f64::from(slack) + 1e-6;
            // From the first round's narrowed model, or from the whole one presolved (so that refix's own rounds
            // do the fixing, and more often find more to fix).
            let (lo, up) = if first { tighten(&m, &dual, cutoff, 1e-9) } else { (m.lo.clone(), m.up.clone()) };
            let narrowed = refix(&m, Restricted::presolved(&m, &lo, &up), cutoff, limits);
            prop_assert!(!narrowed.broken);
            let found = narrowed.outcome(brute(&narrowed.model), f64::INFINITY);
            same_optimum(&m, &Outcome::Optimal(best), &found)?;
        }

        /// Presolve keeps the optimum cost (or the infeasibility) of integer models with ranges up to 0..2.
        #[test]
        fn presolve_keeps_the_optimum(mut m in small_models(), wide in prop::collection::vec(any::<bool>(), 5)) {
            for (up, w) in m.up.iter_mut().zip(&wide) {
                *up = if *w { 2.0 } else { 1.0 };
            }
            let whole = brute(&m);
            let narrowed = Restricted::presolved(&m, &m.lo, &m.up);
            let found = if narrowed.broken {
                Outcome::Infeasible
            } else {
                narrowed.outcome(brute(&narrowed.model), f64::INFINITY)
            };
            same_optimum(&m, &whole, &found)?;
        }
    }

    /// Both optimal at the same cost (the second keeping the model), or both infeasible.
    fn same_optimum(m: &Sparse, whole: &Raw, found: &Raw) -> Result<(), TestCaseError> {
        match (whole, found) {
            (Outcome::Optimal(a), Outcome::Optimal(b)) => {
                prop_assert!(m.keeps(b, 1e-9));
                prop_assert!((m.objective(a) - m.objective(b)).abs() < 1e-6);
            }
            (Outcome::Infeasible, Outcome::Infeasible) => {}
            _ => prop_assert!(false, "{:?} against {:?}", whole.status(), found.status()),
        }
        Ok(())
    }
}
