//! A model as plain numbers: per column its bounds, cost and integrality, per row its coefficients by column
//! position, its sense and right-hand side. Built once from a [`Milp`]'s good_lp objects; the microlp adapter
//! and reduced-cost fixing ([`super::fixing`]) read this form, so the copy from good_lp is written once.

use super::Milp;
use good_lp::{IntoAffineExpression, Variable};
use std::collections::HashMap;

/// One row: `sum(coef x) <= rhs`, or `== rhs` when `eq`.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseRow {
    /// (column position, coefficient), one entry per column.
    pub coefs: Vec<(usize, f64)>,
    /// An equality row.
    pub eq: bool,
    /// The right-hand side.
    pub rhs: f64,
}

/// A model to minimise, in column positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Sparse {
    /// Lower bound of each column.
    pub lo: Vec<f64>,
    /// Upper bound of each column (`f64::INFINITY` when none).
    pub up: Vec<f64>,
    /// Cost of each column.
    pub cost: Vec<f64>,
    /// The cost's constant.
    pub constant: f64,
    /// Which columns are integer.
    pub integer: Vec<bool>,
    /// The rows.
    pub rows: Vec<SparseRow>,
}

impl Sparse {
    /// The model of `milp` in column positions.
    pub fn of(milp: &Milp) -> Sparse {
        let index = super::kit::column_index(&milp.columns);
        let (cost, constant) = cost_of(milp, &index);
        let (lo, up) = milp
            .vars
            .iter_variables_with_def()
            .map(|(_, def)| (def.get_min(), def.get_max()))
            .unzip();
        let rows = milp
            .constraints
            .iter()
            .map(|row| {
                let e = row.expression();
                let mut coefs: Vec<(usize, f64)> = Vec::new();
                for (v, c) in e.linear_coefficients() {
                    if let Some(&i) = index.get(&v) {
                        coefs.push((i, c));
                    }
                }
                merge(&mut coefs);
                SparseRow {
                    coefs,
                    eq: row.is_equality(),
                    rhs: -e.constant(),
                }
            })
            .collect();
        Sparse {
            lo,
            up,
            cost,
            constant,
            integer: milp.integer.clone(),
            rows,
        }
    }

    /// The number of columns.
    pub fn columns(&self) -> usize {
        self.cost.len()
    }

    /// The cost of column values, with the constant.
    pub fn objective(&self, x: &[f64]) -> f64 {
        self.constant + self.cost.iter().zip(x).map(|(c, v)| c * v).sum::<f64>()
    }

    /// True when `x` keeps every bound, row and integrality within `tol` (scaled by each row's size).
    pub fn keeps(&self, x: &[f64], tol: f64) -> bool {
        if x.len() != self.columns() {
            return false;
        }
        let bounds = (0..self.columns()).all(|j| {
            let integral = !self.integer[j] || (x[j] - x[j].round()).abs() <= 1e-6;
            x[j] >= self.lo[j] - tol && x[j] <= self.up[j] + tol && integral
        });
        bounds
            && self.rows.iter().all(|r| {
                let lhs: f64 = r.coefs.iter().map(|&(j, a)| a * x[j]).sum();
                let scale = 1.0 + r.rhs.abs();
                if r.eq {
                    (lhs - r.rhs).abs() <= tol * scale
                } else {
                    lhs <= r.rhs + tol * scale
                }
            })
    }
}

/// `milp`'s cost per column (solver order, `index` its column positions) and its constant.
pub fn cost_of(milp: &Milp, index: &HashMap<Variable, usize>) -> (Vec<f64>, f64) {
    let mut cost = vec![0.0; milp.columns.len()];
    for (v, c) in (&milp.cost).linear_coefficients() {
        if let Some(&i) = index.get(&v) {
            cost[i] += c;
        }
    }
    (cost, milp.cost.constant())
}

/// Sorts a row's entries by column and adds up repeated columns.
fn merge(coefs: &mut Vec<(usize, f64)>) {
    coefs.sort_by_key(|&(j, _)| j);
    coefs.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 += b.1;
            true
        } else {
            false
        }
    });
}

/// Small models for the solver layer's tests.
#[cfg(test)]
pub(crate) mod test_models {
    use super::{Sparse, SparseRow};

    /// A row `coefs . x <= rhs` (or `== rhs` when `eq`).
    pub(crate) fn row(coefs: &[(usize, f64)], eq: bool, rhs: f64) -> SparseRow {
        SparseRow {
            coefs: coefs.to_vec(),
            eq,
            rhs,
        }
    }

    /// A model whose columns all lie in [0, 1], integer where `integer` says.
    pub(crate) fn units(cost: Vec<f64>, integer: Vec<bool>, rows: Vec<SparseRow>) -> Sparse {
        let n = cost.len();
        Sparse {
            lo: vec![0.0; n],
            up: vec![1.0; n],
            cost,
            constant: 0.0,
            integer,
            rows,
        }
    }
}
