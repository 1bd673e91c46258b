//! The model-building kit every MILP of the tool is built with: columns, rows labelled by rule group, the model's
//! size, the elastic (slack) form for infeasibility diagnosis, the deletion filter that names a minimal set of
//! conflicting rule groups, and the LP bound of a model stopped at a limit.
//!
//! A model is built as named passes, one per rule group: each pass pushes [`Row`]s tagged with its group (a type
//! implementing [`RuleGroup`]) and a label in business terms. Because rows are data, a group can be switched off
//! (the model file), relaxed with a penalised slack ([`Model::into_elastic`]), counted ([`Model::size`]) or named
//! in a conflict ([`deletion_filter`]), the same way in every model.

use super::{Limits, Milp};
use good_lp::{Constraint, Expression, IntoAffineExpression, ProblemVariables, Variable, variable};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Sub;

/// A rule group of a model: what a row belongs to, how it is named, and whether it may take slack.
pub trait RuleGroup: Copy + Ord + std::fmt::Debug {
    /// The name used in reports, conflicts and the model file.
    fn name(self) -> &'static str;

    /// The weight of one unit of slack when the group's rows may be relaxed in an infeasibility diagnosis;
    /// `None` for groups that define the decision itself (structural).
    fn slack_weight(self) -> Option<f64>;
}

/// Which way a row points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// `lhs <= rhs`
    Le,
    /// `lhs >= rhs`
    Ge,
    /// `lhs == rhs`
    Eq,
}

/// One row of a model: its rule group, what it says in business terms, its direction and the constraint.
pub struct Row<G> {
    /// Its rule group.
    pub group: G,
    /// What it says, in business terms (empty where rows are only ever counted by group).
    pub label: String,
    /// Its direction as written.
    pub sense: Sense,
    /// The constraint as good_lp holds it (`a <= b` and `a >= b` as `expression <= 0`, `a == b` as
    /// `expression == 0`, constants folded in).
    pub constraint: Constraint,
}

impl<G> Row<G> {
    /// True when the row has at least one variable (a row of constants says nothing).
    pub fn has_variables(&self) -> bool {
        self.constraint
            .expression()
            .linear_coefficients()
            .next()
            .is_some()
    }
}

/// The columns of a model in creation order, with their integrality.
pub struct Columns {
    /// The good_lp variable set.
    pub problem: ProblemVariables,
    /// Every column in creation order (for warm starts and reading values back).
    pub columns: Vec<Variable>,
    /// Which columns are integer.
    pub integer: Vec<bool>,
    /// The LP relaxation: binaries become continuous in [0, 1].
    pub relax: bool,
}

impl Columns {
    /// No columns yet; with `relax`, binaries are built continuous (for the LP relaxation).
    pub fn new(relax: bool) -> Columns {
        Columns {
            problem: ProblemVariables::new(),
            columns: Vec::new(),
            integer: Vec::new(),
            relax,
        }
    }

    fn push(&mut self, v: Variable, integer: bool) -> Variable {
        self.columns.push(v);
        self.integer.push(integer);
        v
    }

    /// A binary column (continuous in [0, 1] in the relaxation).
    pub fn binary(&mut self) -> Variable {
        if self.relax {
            self.unit()
        } else {
            let v = self.problem.add(variable().binary());
            self.push(v, true)
        }
    }

    /// A continuous column in [0, 1].
    pub fn unit(&mut self) -> Variable {
        let v = self.problem.add(variable().min(0.0).max(1.0));
        self.push(v, false)
    }

    /// A continuous non-negative column.
    pub fn nonneg(&mut self) -> Variable {
        let v = self.problem.add(variable().min(0.0));
        self.push(v, false)
    }

    /// The position of the last column added (its index in the solver's values).
    pub fn last(&self) -> usize {
        self.columns.len() - 1
    }
}

/// A model before it is handed to a solver: columns, labelled rows and the cost to minimise.
pub struct Model<G> {
    /// The columns.
    pub cols: Columns,
    /// The rows, in the order the passes pushed them.
    pub rows: Vec<Row<G>>,
    /// The cost to minimise.
    pub cost: Expression,
    /// Leave out rows without variables (a row of constants says nothing; leaving it out keeps the solver's
    /// basis free of empty rows).
    pub skip_empty_rows: bool,
}

/// The size of a model handed to the solver.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default, schemars::JsonSchema)]
pub struct ModelSize {
    /// Variables.
    pub variables: usize,
    /// Integer (binary) variables.
    pub integer_variables: usize,
    /// Rows.
    pub constraints: usize,
    /// Rows per rule group.
    pub constraints_by_group: BTreeMap<String, usize>,
}

impl<G: RuleGroup> Model<G> {
    /// The rows a point (column values in creation order) breaks, as `group: label`: a warm start is only worth handing to a
    /// solver when this is 0. A row holds within 1e-6 plus a relative 1e-9 of its constant (money rows run to
    /// billions).
    pub fn broken_rows(&self, values: &[f64]) -> Vec<String> {
        let index = column_index(&self.cols.columns);
        self.rows
            .iter()
            .filter(|r| {
                let e = r.constraint.expression();
                let value = e.constant()
                    + e.linear_coefficients()
                        .map(|(v, c)| c * index.get(&v).map_or(0.0, |&i| values[i]))
                        .sum::<f64>();
                let tol = 1e-6 + 1e-9 * e.constant().abs();
                if r.constraint.is_equality() {
                    value.abs() > tol
                } else {
                    value > tol
                }
            })
            .map(|r| format!("{}: {}", r.group.name(), r.label))
            .collect()
    }

    /// An empty model over `cols`.
    pub fn new(cols: Columns) -> Model<G> {
        Model {
            cols,
            rows: Vec::new(),
            cost: Expression::from(0.0),
            skip_empty_rows: false,
        }
    }

    fn push(&mut self, group: G, label: String, sense: Sense, constraint: Constraint) {
        let row = Row {
            group,
            label,
            sense,
            constraint,
        };
        if !self.skip_empty_rows || row.has_variables() {
            self.rows.push(row);
        }
    }

    /// Adds the row `lhs <= rhs` of rule group `group`, saying `label`.
    pub fn le<R>(&mut self, group: G, label: String, lhs: impl Into<Expression>, rhs: R)
    where
        Expression: Sub<R, Output = Expression>,
    {
        self.push(group, label, Sense::Le, lhs.into().leq(rhs));
    }

    /// Adds the row `lhs >= rhs` of rule group `group`, saying `label`.
    pub fn ge<R: Sub<Expression, Output = Expression>>(
        &mut self,
        group: G,
        label: String,
        lhs: impl Into<Expression>,
        rhs: R,
    ) {
        self.push(group, label, Sense::Ge, lhs.into().geq(rhs));
    }

    /// Adds the row `lhs == rhs` of rule group `group`, saying `label`.
    pub fn eq<R>(&mut self, group: G, label: String, lhs: impl Into<Expression>, rhs: R)
    where
        Expression: Sub<R, Output = Expression>,
    {
        self.push(group, label, Sense::Eq, lhs.into().eq(rhs));
    }

    /// The rule groups the model has rows for.
    pub fn groups(&self) -> BTreeSet<G> {
        self.rows.iter().map(|r| r.group).collect()
    }

    /// Counts columns, integer columns and rows (per group).
    pub fn size(&self) -> ModelSize {
        let mut by_group = BTreeMap::new();
        for r in &self.rows {
            *by_group.entry(r.group.name().to_string()).or_default() += 1;
        }
        ModelSize {
            variables: self.cols.columns.len(),
            integer_variables: self.cols.integer.iter().filter(|&&i| i).count(),
            constraints: self.rows.len(),
            constraints_by_group: by_group,
        }
    }

    /// The model as a solver takes it, leaving this one as it is (for rows' labels after the solve is under way).
    pub fn to_milp(&self) -> Milp {
        Milp {
            vars: self.cols.problem.clone(),
            columns: self.cols.columns.clone(),
            integer: self.cols.integer.clone(),
            cost: self.cost.clone(),
            constraints: self.rows.iter().map(|r| r.constraint.clone()).collect(),
            search: super::Search::default(),
        }
    }

    /// Hands the model to the solver layer as it is.
    pub fn into_milp(self) -> Milp {
        let Model {
            cols, rows, cost, ..
        } = self;
        Milp {
            vars: cols.problem,
            columns: cols.columns,
            integer: cols.integer,
            cost,
            constraints: rows.into_iter().map(|r| r.constraint).collect(),
            search: super::Search::default(),
        }
    }

    /// The elastic model (phase one of an infeasibility diagnosis): each row whose group has a slack weight gets a
    /// non-negative slack column that lets it give, and the cost becomes the weighted total slack. Returns the
    /// model and each row's slack column (its index in the solver's values), so a caller can pin the slacks of
    /// the groups that must hold.
    pub fn into_elastic(self) -> (Milp, Vec<Option<usize>>) {
        let Model { mut cols, rows, .. } = self;
        let mut constraints = Vec::with_capacity(rows.len());
        let mut slacks = Vec::with_capacity(rows.len());
        let mut penalty = Expression::from(0.0);
        for row in rows {
            let Some(w) = row.group.slack_weight() else {
                slacks.push(None);
                constraints.push(row.constraint);
                continue;
            };
            let s = cols.nonneg();
            slacks.push(Some(cols.last()));
            penalty.add_mul(w, s);
            // good_lp keeps `a <= b` and `a >= b` as `expr <= 0` and `a == b` as `expr == 0`: a slack of `s`
            // relaxes an inequality by `s` in the direction it binds, and lets an equality's expression fall short.
            let expr = row.constraint.expression().clone();
            constraints.push(if row.sense == Sense::Eq {
                (expr + s).eq(0.0)
            } else {
                (expr - s).leq(0.0)
            });
        }
        let milp = Milp {
            vars: cols.problem,
            columns: cols.columns,
            integer: cols.integer,
            cost: penalty,
            constraints,
            search: super::Search::default(),
        };
        (milp, slacks)
    }
}

/// The value of an expression at column values (`columns` in solver order).
pub fn value_of(e: Expression, columns: &[Variable], values: &[f64]) -> f64 {
    let index = column_index(columns);
    let constant = e.constant();
    constant
        + e.linear_coefficients()
            .map(|(v, c)| c * index.get(&v).map_or(0.0, |&i| values[i]))
            .sum::<f64>()
}

/// Each column's position in the solver's values.
pub fn column_index(columns: &[Variable]) -> HashMap<Variable, usize> {
    columns.iter().enumerate().map(|(i, &v)| (v, i)).collect()
}

/// The sum of some columns, each with coefficient 1.
pub fn sum(vars: impl IntoIterator<Item = Variable>) -> Expression {
    vars.into_iter().fold(Expression::from(0.0), |mut e, v| {
        e.add_mul(1.0, v);
        e
    })
}

/// A proven lower bound on a model's cost from its LP relaxation `relaxed` (`None` when the relaxation does not
/// finish), and the seconds it took. The relaxation's row prices come from Clarabel's interior-point method, whatever
/// the backend, and the bound is recomputed from them by weak duality ([`super::fixing::dual_of`]): valid for any
/// prices of the right signs, and found where a backend's LP stops short (lp_solve on the GM estates model, over
/// a second). It gets at least a second even under a tiny limit, since a bound needs a finished LP.
pub fn lp_bound<G: RuleGroup>(relaxed: Model<G>, limits: Limits) -> (Option<f64>, f64) {
    let started = std::time::Instant::now();
    let model = super::sparse::Sparse::of(&relaxed.into_milp());
    let bound = super::fixing::row_prices(&model, limits.at_least(1.0))
        .and_then(|y| super::fixing::dual_of(&model, &y))
        .map(|d| d.bound);
    (bound, started.elapsed().as_secs_f64())
}

/// The deletion filter: from a set of rule groups that cannot all hold (`start`), drops each group in turn and
/// keeps it out while `still_infeasible` says the rest still cannot hold. What remains is a minimal set of groups
/// that cannot all hold together (irreducible: dropping any one of them restores a plan).
pub fn deletion_filter<G: RuleGroup>(
    start: BTreeSet<G>,
    mut still_infeasible: impl FnMut(&BTreeSet<G>) -> bool,
) -> BTreeSet<G> {
    let mut conflict = start;
    for g in conflict.clone() {
        let mut trial = conflict.clone();
        trial.remove(&g);
        if still_infeasible(&trial) {
            conflict = trial;
        }
    }
    conflict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum G {
        A,
        B,
        C,
        D,
    }

    impl RuleGroup for G {
        fn name(self) -> &'static str {
            match self {
                G::A => "a",
                G::B => "b",
                G::C => "c",
                G::D => "d",
            }
        }
        fn slack_weight(self) -> Option<f64> {
            (self != G::D).then_some(1.0)
        }
    }

    #[test]
    fn the_deletion_filter_leaves_a_minimal_conflict() {
        // Infeasible exactly when both A and C hold (B and D are innocent).
        let all: BTreeSet<G> = [G::A, G::B, G::C, G::D].into();
        let mut calls = 0;
        let conflict = deletion_filter(all, |set| {
            calls += 1;
            set.contains(&G::A) && set.contains(&G::C)
        });
        assert_eq!(conflict, [G::A, G::C].into());
        assert_eq!(calls, 4);
    }

    #[test]
    fn size_counts_rows_by_group_and_elastic_slacks_only_where_allowed() {
        let mut cols = Columns::new(false);
        let x = cols.binary();
        let y = cols.unit();
        let mut m: Model<G> = Model::new(cols);
        m.ge(G::A, "x at least 2".into(), x, 2.0);
        m.le(G::D, "x + y at most 1".into(), x + y, 1.0);
        m.skip_empty_rows = true;
        m.le(G::B, String::new(), 0.0, 1.0);
        let size = m.size();
        assert_eq!(
            (size.variables, size.integer_variables, size.constraints),
            (2, 1, 2)
        );
        assert_eq!(size.constraints_by_group.get("a"), Some(&1));
        let (milp, slacks) = m.into_elastic();
        assert_eq!(slacks, vec![Some(2), None]);
        assert_eq!(milp.columns.len(), 3);
        // The elastic model is feasible: x = 1, slack 1 on "x at least 2".
        let solved = super::super::solve(
            milp,
            super::super::Backend::Microlp,
            Limits::new(10.0, 0.0, 1),
            None,
        );
        let v = solved
            .outcome
            .into_plan()
            .expect("the elastic model has a plan");
        assert!((v[2] - 1.0).abs() < 1e-6, "{v:?}");
    }

    #[test]
    fn the_lp_bound_is_the_relaxation_optimum() {
        // min -x - y, x + y <= 1.5, x, y binary: the LP gives -1.5 (the MILP -1).
        let mut cols = Columns::new(true);
        let (x, y) = (cols.binary(), cols.binary());
        let mut m: Model<G> = Model::new(cols);
        m.le(G::A, String::new(), x + y, 1.5);
        m.cost = Expression::from(0.0) - x - y;
        let limits = Limits::new(10.0, 0.0, 1);
        let (bound, _) = lp_bound(m, limits);
        assert!((bound.unwrap() + 1.5).abs() < 1e-6, "{bound:?}");
    }
}
