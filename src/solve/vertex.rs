//! A vertex of the LP relaxation's optimal face from an interior point (a crossover, by restriction).
//!
//! Clarabel's interior-point method ([`super::fixing::relaxation`]) ends in the relative interior of the optimal
//! face: on the 1,000-site estate about 5,350 integer columns are fractional there, against 521 at this vertex
//! (HiGHS's simplex: 520). The large-neighbourhood search ([`crate::estates`]) reads the relaxation at the vertex,
//! so a guided window frees only the options it uses. Complementary slackness says a column whose reduced cost is
//! positive sits at its lower bound in every optimal solution (negative: at its upper), so those columns are
//! fixed there and microlp's simplex solves the LP over the rest, which is small: its optimum is a vertex of the
//! restricted face. When the prices are not quite optimal the restricted LP is a little worse than the
//! relaxation; the vertex is for heuristics only, never a bound.

use super::fixing::{Relaxation, Restricted, dual_of};
use super::sparse::Sparse;
use super::{Limits, Outcome};

/// A reduced cost counts as positive above this share of the model's largest cost coefficient (Clarabel's own
/// tolerance).
const POSITIVE: f64 = 1e-7;

/// A value within this of a bound sits at it.
const AT_BOUND: f64 = 1e-4;

/// The restricted LP is solved only up to this many columns: microlp cannot stop inside an LP, so a large one could
/// hold its thread past the time limit. The 1,000-site case's has 5,349 columns and 2,400 rows (instant).
const MAX_COLUMNS: usize = 50_000;

/// A vertex of `model`'s LP relaxation near `lp` (column values; integer columns may be fractional), or `None`
/// when the restricted LP has more than 50,000 columns or does not solve within `limits`.
pub fn of(model: &Sparse, lp: &Relaxation, limits: Limits) -> Option<Vec<f64>> {
    let dual = dual_of(model, &lp.prices)?;
    let scale = model
        .cost
        .iter()
        .fold(0.0_f64, |m, c| m.max(c.abs()))
        .max(1.0);
    let (mut lo, mut up) = (model.lo.clone(), model.up.clone());
    for j in 0..model.columns() {
        let r = dual.reduced[j];
        if r > POSITIVE * scale && lp.x[j] <= model.lo[j] + AT_BOUND {
            up[j] = model.lo[j];
        } else if r < -POSITIVE * scale && lp.x[j] >= model.up[j] - AT_BOUND {
            lo[j] = model.up[j];
        }
    }
    let mut relaxed = model.clone();
    relaxed.integer.iter_mut().for_each(|i| *i = false);
    let narrowed = Restricted::presolved(&relaxed, &lo, &up);
    if narrowed.broken || narrowed.model.columns() > MAX_COLUMNS || limits.seconds_left() <= 0.0 {
        return None;
    }
    match super::classic(&narrowed.model, limits, None) {
        Outcome::Optimal(v) => Some(narrowed.widen(&v)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::sparse::SparseRow;

    /// Minimise `x + y + z + w` over `x + y + w >= 1` and `y + w + z >= 1` in [0, 1]: the optimum, 1, is the
    /// segment `y + w = 1` with `x = z = 0`. Clarabel stops inside the segment; the vertex is one of its ends.
    fn tied() -> Sparse {
        let row = |coefs: Vec<(usize, f64)>| SparseRow {
            coefs,
            eq: false,
            rhs: -1.0,
        };
        Sparse {
            lo: vec![0.0; 4],
            up: vec![1.0; 4],
            cost: vec![1.0, 1.0, 1.0, 1.0],
            constant: 0.0,
            integer: vec![true; 4],
            rows: vec![
                row(vec![(0, -1.0), (1, -1.0), (3, -1.0)]),
                row(vec![(1, -1.0), (2, -1.0), (3, -1.0)]),
            ],
        }
    }

    #[test]
    fn an_interior_optimum_becomes_a_vertex_of_the_same_cost() {
        let model = tied();
        let limits = Limits::new(10.0, 0.0, 1);
        let lp = crate::solve::fixing::relaxation(&model, limits).expect("Clarabel solves it");
        // Inside the segment: both y and w strictly between 0 and 1.
        assert!(lp.x[1] > 0.1 && lp.x[3] > 0.1, "{:?}", lp.x);
        let v = of(&model, &lp, limits).expect("a vertex");
        assert!((model.objective(&v) - 1.0).abs() < 1e-6, "{v:?}");
        assert!(model.keeps(&v, 1e-9));
        assert!(
            v.iter().all(|&a| a.abs() < 1e-9 || (a - 1.0).abs() < 1e-9),
            "{v:?}"
        );
    }
}
