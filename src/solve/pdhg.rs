//! The LP relaxation of a model too large for the interior point, by a first-order method: the primal-dual hybrid
//! gradient (PDHG) with the practical parts of PDLP (Applegate et al., "Practical large-scale linear programming
//! using primal-dual hybrid gradient", NeurIPS 2021): Ruiz equilibration, restarts to the average or the current
//! iterate when the KKT error has fallen far enough, and a primal weight balanced at each restart.
//!
//! Why: Clarabel's interior point factorises a KKT system whose fill grows with the model. On the generated
//! 10,000-site estate (2.7 million columns, 1.6 million rows) it held 7.4 GiB and gave up after about 190 s of a
//! 300 s limit without a bound, while the rest of the solve needs under 2 GiB. PDHG needs only matrix-vector
//! products with the model as it is stored (a few vectors besides), and every iterate's row prices give a proven
//! bound ([`super::fixing::dual_of`]: any prices of the right signs do, and a sweep of dual ascent,
//! [`super::ascent`], first repairs the rows they still misprice), so a stop at the clock still says how far the
//! plan may be from the optimum. Its bound is looser than an interior point's on the models Clarabel
//! handles, so it is used only above [`LARGE`] columns.
//!
//! The iteration, on the model scaled to `Ã = D_r A D_c`, for `min c'x` over `Ax (= or <=) b`, `l <= x <= u` with
//! prices `y` (`y <= 0` on `<=` rows, this crate's convention): `x+ = proj[l,u](x - τ(c - Ã'y))`,
//! `y+ = proj(y + σ(b - Ã(2x+ - x)))`, with `τ = η/ω`, `σ = ηω` and `η` below `1/‖Ã‖`.

use super::Limits;
use super::fixing::{Relaxation, dual_of};
use super::sparse::Sparse;

/// Models with more columns than this have their relaxation solved here instead of by Clarabel (the generated
/// 1,000-site estate, 264,000 columns: Clarabel in about 60 s and 0.9 GiB, a tight bound; the 10,000-site one,
/// 2.7 million: no answer in 300 s, 7.4 GiB).
pub const LARGE: usize = 1_000_000;

/// Iterations between two looks at the KKT error (each look costs about two iterations).
const CHECK: usize = 64;

/// Ruiz equilibration passes.
const RUIZ: usize = 10;

/// Power iterations for the estimate of `‖Ã‖`.
const POWER: usize = 40;

/// The relative gap and residual at which the relaxation counts as solved.
const TOL: f64 = 1e-5;

/// A sparse matrix stored by lines (rows for `Ã`, columns for `Ã'`): each line's entries contiguous, so that a
/// product reads memory in order (the model's own rows are one allocation each: products over them took 200 ms
/// an iteration on the 10,000-site estate).
struct Lines {
    start: Vec<usize>,
    index: Vec<u32>,
    value: Vec<f64>,
}

impl Lines {
    /// `out[l] = sum over line l of value * v[index]`.
    fn times(&self, v: &[f64], out: &mut [f64]) {
        for (l, o) in out.iter_mut().enumerate() {
            let (a, b) = (self.start[l], self.start[l + 1]);
            *o = self.index[a..b]
                .iter()
                .zip(&self.value[a..b])
                .map(|(&j, &x)| x * v[j as usize])
                .sum();
        }
    }
}

/// The model scaled: `Ã = D_r A D_c` (by rows and by columns) with the costs, right-hand sides and bounds to
/// match.
struct Scaled<'a> {
    model: &'a Sparse,
    /// Row scale `D_r`.
    dr: Vec<f64>,
    /// Column scale `D_c`.
    dc: Vec<f64>,
    rows: Lines,
    cols: Lines,
    c: Vec<f64>,
    b: Vec<f64>,
    lo: Vec<f64>,
    up: Vec<f64>,
    /// `‖c̃‖` and `‖b̃‖`.
    c_norm: f64,
    b_norm: f64,
}

impl<'a> Scaled<'a> {
    /// Ruiz equilibration: rows and columns divided by the square root of their largest entry, [`RUIZ`] times.
    /// `None` when the model has more columns than a `u32` indexes.
    fn of(model: &'a Sparse) -> Option<Self> {
        let (m, n) = (model.rows.len(), model.columns());
        u32::try_from(n.max(m)).ok()?;
        let (mut dr, mut dc) = (vec![1.0; m], vec![1.0; n]);
        for _ in 0..RUIZ {
            let mut col_max = vec![0.0f64; n];
            for (i, r) in model.rows.iter().enumerate() {
                let mut row_max = 0.0f64;
                for &(j, a) in &r.coefs {
                    let v = (dr[i] * a * dc[j]).abs();
                    row_max = row_max.max(v);
                    col_max[j] = col_max[j].max(v);
                }
                if row_max > 0.0 {
                    dr[i] /= row_max.sqrt();
                }
            }
            for (d, &v) in dc.iter_mut().zip(&col_max) {
                if v > 0.0 {
                    *d /= v.sqrt();
                }
            }
        }
        let (rows, cols) = lines(model, &dr, &dc);
        let c: Vec<f64> = model.cost.iter().zip(&dc).map(|(c, d)| c * d).collect();
        let b: Vec<f64> = model.rows.iter().zip(&dr).map(|(r, d)| r.rhs * d).collect();
        let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
        Some(Scaled {
            c_norm: norm(&c),
            b_norm: norm(&b),
            c,
            b,
            lo: model.lo.iter().zip(&dc).map(|(l, d)| l / d).collect(),
            up: model.up.iter().zip(&dc).map(|(u, d)| u / d).collect(),
            rows,
            cols,
            model,
            dr,
            dc,
        })
    }

    /// `Ã x`.
    fn ax(&self, x: &[f64], out: &mut [f64]) {
        self.rows.times(x, out);
    }

    /// `Ã' y`.
    fn aty(&self, y: &[f64], out: &mut [f64]) {
        self.cols.times(y, out);
    }

    /// `y` projected on its cone: `<=` rows' prices at most 0.
    fn price(&self, i: usize, v: f64) -> f64 {
        if self.model.rows[i].eq { v } else { v.min(0.0) }
    }

    /// `‖Ã‖₂` estimated by power iteration on `Ã'Ã`.
    fn norm(&self) -> f64 {
        let n = self.model.columns();
        // Not a constant start: a row whose coefficients sum to 0 would map it to 0 (a start in the null space).
        let mut v: Vec<f64> = (0..n)
            .map(|j| 1.0 + (j.wrapping_mul(2_654_435_761) % 1000) as f64 / 1000.0)
            .collect();
        let (mut av, mut w) = (vec![0.0; self.b.len()], vec![0.0; n]);
        let mut sigma = 0.0;
        for _ in 0..POWER {
            self.ax(&v, &mut av);
            self.aty(&av, &mut w);
            let norm = w.iter().map(|a| a * a).sum::<f64>().sqrt();
            if norm == 0.0 {
                return 0.0;
            }
            sigma = norm.sqrt();
            v.iter_mut().zip(&w).for_each(|(v, w)| *v = w / norm);
        }
        sigma
    }

    /// The KKT error of `(x, y)` in the scaled model (primal residual, dual residual, duality gap, each relative),
    /// the larger of the three.
    fn kkt(&self, x: &[f64], y: &[f64], ax: &mut [f64], aty: &mut [f64]) -> f64 {
        self.ax(x, ax);
        self.aty(y, aty);
        let mut primal = 0.0;
        for (i, (&a, &b)) in ax.iter().zip(&self.b).enumerate() {
            let v = if self.model.rows[i].eq {
                a - b
            } else {
                (a - b).max(0.0)
            };
            primal += v * v;
        }
        let (mut dual, mut lower) = (0.0, self.b.iter().zip(y).map(|(b, y)| b * y).sum::<f64>());
        for ((c, a), (&lo, &up)) in self
            .c
            .iter()
            .zip(aty.iter())
            .zip(self.lo.iter().zip(&self.up))
        {
            let r = c - a;
            let side = if r > 0.0 { lo } else { up };
            if side.is_finite() {
                lower += r * side;
            } else {
                dual += r * r;
            }
        }
        let cost: f64 = self.c.iter().zip(x).map(|(c, x)| c * x).sum();
        let gap = (cost - lower).abs() / (1.0 + cost.abs() + lower.abs());
        (primal.sqrt() / (1.0 + self.b_norm))
            .max(dual.sqrt() / (1.0 + self.c_norm))
            .max(gap)
    }

    /// Column values and row prices back in the model's own scale.
    fn unscaled(&self, x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
        (
            x.iter().zip(&self.dc).map(|(x, d)| x * d).collect(),
            y.iter().zip(&self.dr).map(|(y, d)| y * d).collect(),
        )
    }
}

/// `D_r A D_c` by rows and by columns.
fn lines(model: &Sparse, dr: &[f64], dc: &[f64]) -> (Lines, Lines) {
    let n = model.columns();
    let nnz: usize = model.rows.iter().map(|r| r.coefs.len()).sum();
    let mut rows = Lines {
        start: Vec::with_capacity(model.rows.len() + 1),
        index: Vec::with_capacity(nnz),
        value: Vec::with_capacity(nnz),
    };
    let mut count = vec![0usize; n + 1];
    rows.start.push(0);
    for (r, d) in model.rows.iter().zip(dr) {
        for &(j, a) in &r.coefs {
            rows.index.push(j as u32);
            rows.value.push(d * a * dc[j]);
            count[j + 1] += 1;
        }
        rows.start.push(rows.index.len());
    }
    for j in 0..n {
        count[j + 1] += count[j];
    }
    let mut cols = Lines {
        start: count.clone(),
        index: vec![0; nnz],
        value: vec![0.0; nnz],
    };
    for i in 0..model.rows.len() {
        for k in rows.start[i]..rows.start[i + 1] {
            let j = rows.index[k] as usize;
            cols.index[count[j]] = i as u32;
            cols.value[count[j]] = rows.value[k];
            count[j] += 1;
        }
    }
    (rows, cols)
}

/// A point of the iteration: columns and prices.
#[derive(Clone)]
struct Point {
    x: Vec<f64>,
    y: Vec<f64>,
}

/// The state between restarts: the running sums for the average, the last restart's point and KKT error.
struct Restart {
    sum: Point,
    count: f64,
    at: Point,
    kkt: f64,
    last_look: f64,
    since: usize,
}

impl Restart {
    fn from(at: Point, kkt: f64) -> Self {
        let zero = Point {
            x: vec![0.0; at.x.len()],
            y: vec![0.0; at.y.len()],
        };
        Restart {
            sum: zero,
            count: 0.0,
            at,
            kkt,
            last_look: kkt,
            since: 0,
        }
    }

    fn add(&mut self, p: &Point) {
        self.sum.x.iter_mut().zip(&p.x).for_each(|(s, v)| *s += v);
        self.sum.y.iter_mut().zip(&p.y).for_each(|(s, v)| *s += v);
        self.count += 1.0;
        self.since += 1;
    }

    fn average(&self) -> Point {
        let k = self.count.max(1.0);
        Point {
            x: self.sum.x.iter().map(|s| s / k).collect(),
            y: self.sum.y.iter().map(|s| s / k).collect(),
        }
    }

    /// PDLP's rule: restart once the candidate's error is a fifth of the last restart's, or below 0.8 of it and
    /// no longer falling, or when the run since the last restart is over a third of all the iterations.
    fn due(&self, kkt: f64, total: usize) -> bool {
        kkt <= 0.2 * self.kkt
            || (kkt <= 0.8 * self.kkt && kkt > self.last_look)
            || self.since as f64 >= 0.36 * total as f64
    }
}

/// The Euclidean distance between two vectors.
fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        .sqrt()
}

/// `model`'s LP relaxation by PDHG within `limits` (it stops while another cycle of iterations would still fit
/// before their deadline, so that a caller waiting for it at the deadline has it): the column values of its best
/// point and the row prices of its best proven bound. `None` for a model without columns or rows, or when no
/// bound was proven.
pub fn relaxation(model: &Sparse, limits: Limits) -> Option<Relaxation> {
    let (m, n) = (model.rows.len(), model.columns());
    if n == 0 || m == 0 {
        return None;
    }
    let mut cycle = std::time::Instant::now();
    let s = Scaled::of(model)?;
    let eta = 0.9 / s.norm().max(1e-12);
    let mut omega = if s.c_norm > 1e-10 && s.b_norm > 1e-10 {
        s.c_norm / s.b_norm
    } else {
        1.0
    };
    let mut p = Point {
        x: (0..n).map(|j| 0.0f64.clamp(s.lo[j], s.up[j])).collect(),
        y: vec![0.0; m],
    };
    let (mut ax, mut aty) = (vec![0.0; m], vec![0.0; n]);
    let first = s.kkt(&p.x, &p.y, &mut ax, &mut aty);
    let mut restart = Restart::from(p.clone(), first);
    let mut best: Option<(f64, Vec<f64>)> = None;
    let mut best_x = p.x.clone();
    let mut best_kkt = f64::INFINITY;
    let mut xe = vec![0.0; n];
    for k in 1.. {
        let (tau, sigma) = (eta / omega, eta * omega);
        s.aty(&p.y, &mut aty);
        for j in 0..n {
            let next = (p.x[j] - tau * (s.c[j] - aty[j])).clamp(s.lo[j], s.up[j]);
            xe[j] = 2.0 * next - p.x[j];
            p.x[j] = next;
        }
        s.ax(&xe, &mut ax);
        for (i, (y, a)) in p.y.iter_mut().zip(&ax).enumerate() {
            *y = s.price(i, *y + sigma * (s.b[i] - a));
        }
        restart.add(&p);
        if k % CHECK != 0 {
            continue;
        }
        let now = s.kkt(&p.x, &p.y, &mut ax, &mut aty);
        let avg = restart.average();
        let mean = s.kkt(&avg.x, &avg.y, &mut ax, &mut aty);
        let (cand, kkt) = if mean < now {
            (avg, mean)
        } else {
            (p.clone(), now)
        };
        let (x, mut y) = s.unscaled(&cand.x, &cand.y);
        // A sweep of dual ascent repairs the rows an unfinished solve still misprices (see `super::ascent`).
        super::ascent::polish(model, &mut y, 1);
        if let Some(d) = dual_of(model, &y)
            && best.as_ref().is_none_or(|(b, _)| d.bound > *b)
        {
            best = Some((d.bound, y));
        }
        if kkt < best_kkt {
            best_kkt = kkt;
            best_x = x;
        }
        // Stop while a whole further cycle (its iterations and this look) still fits before the deadline.
        let took = cycle.elapsed().as_secs_f64();
        cycle = std::time::Instant::now();
        if kkt < TOL || limits.seconds_left() <= 1.5 * took {
            break;
        }
        if restart.due(kkt, k) {
            let dx = distance(&cand.x, &restart.at.x);
            let dy = distance(&cand.y, &restart.at.y);
            if dx > 1e-10 && dy > 1e-10 {
                omega = (0.5 * (dy / dx).ln() + 0.5 * omega.ln()).exp();
            }
            p = cand.clone();
            restart = Restart::from(cand, kkt);
        } else {
            restart.last_look = kkt;
        }
    }
    best.map(|(_, prices)| Relaxation { x: best_x, prices })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::fixing::tests::{binaries, models};
    use crate::solve::sparse::test_models::row;
    use proptest::prelude::*;

    #[test]
    fn a_small_relaxation_reaches_the_interior_points_bound() {
        // min -x - 2y, x + y <= 1.5, x - y = 0 (x = y = 0.75): -2.25.
        let m = binaries(
            vec![-1.0, -2.0],
            vec![
                row(&[(0, 1.0), (1, 1.0)], false, 1.5),
                row(&[(0, 1.0), (1, -1.0)], true, 0.0),
            ],
        );
        let lp = relaxation(&m, Limits::new(10.0, 0.0, 1)).expect("a bound");
        let d = dual_of(&m, &lp.prices).expect("finite");
        assert!((d.bound + 2.25).abs() < 1e-4, "{d:?}");
        assert!(
            (lp.x[0] - 0.75).abs() < 1e-3 && (lp.x[1] - 0.75).abs() < 1e-3,
            "{:?}",
            lp.x
        );
    }

    #[test]
    fn a_row_whose_coefficients_sum_to_zero_is_priced() {
        // A constant start vector lies in this row's null space: the norm's estimate must not be 0 (it was, and
        // the steps so long that the prices never left 0). Optimum -0.75 (x3 = 0.25, x4 = x5 = 1), price -0.25.
        let m = binaries(
            vec![0.0, 0.0, 1.0, 1.0, 0.0, -1.0],
            vec![row(
                &[
                    (0, 3.0),
                    (1, 4.0),
                    (2, -3.0),
                    (3, -4.0),
                    (4, -2.0),
                    (5, 2.0),
                ],
                false,
                -1.0,
            )],
        );
        let lp = relaxation(&m, Limits::new(10.0, 0.0, 1)).expect("a bound");
        assert!((lp.prices[0] + 0.25).abs() < 1e-4, "{:?}", lp.prices);
        let d = dual_of(&m, &lp.prices).expect("finite");
        assert!(d.bound <= -0.75 + 1e-9 && d.bound > -0.7501, "{d:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]
        /// PDHG's bound is a bound (never above the interior point's LP optimum) and, given time, close to it.
        #[test]
        fn the_first_order_bound_holds_and_meets_the_interior_points(m in models(4..12, -10..10)) {
            let limits = Limits::new(5.0, 0.0, 1);
            let Some(exact) = crate::solve::fixing::row_prices(&m, limits).and_then(|y| dual_of(&m, &y)) else {
                return Ok(());
            };
            let lp = relaxation(&m, limits).expect("a bound");
            let d = dual_of(&m, &lp.prices).expect("finite");
            let scale = 1.0 + exact.bound.abs();
            prop_assert!(d.bound <= exact.bound + 1e-6 * scale, "{} above {}", d.bound, exact.bound);
            prop_assert!(d.bound >= exact.bound - 1e-3 * scale, "{} far below {}", d.bound, exact.bound);
        }
    }
}
