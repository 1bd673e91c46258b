//! A model as free-format MPS, the exchange format every MILP solver reads (HiGHS, CBC, SCIP, Gurobi, CPLEX), so
//! an OR engineer can check our optimum with another solver before trusting it (`plan --write-model DIR`).
//!
//! Rows are named `<rule group>.<n>` (the n-th row of the group) and carry the row's business-terms label as a
//! comment line above it in the ROWS section; columns take the names the model gives them (`release.S12.y2`),
//! else `c<index>`. The objective is written in the sense and units `summary.json` reports it (an NPV to maximise
//! in pounds, say) with the constant term as the objective row's right-hand side, negated, as HiGHS and CBC read
//! it — so the file's optimum equals the reported objective.

use super::kit::{Model, RuleGroup, column_index};
use good_lp::{IntoAffineExpression, Variable};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// How the model's cost (always minimised inside the tool) becomes the objective written to the file:
/// `objective = scale x cost + offset`, optimised in `sense`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// Maximise (else minimise).
    pub maximise: bool,
    /// Factor on the cost.
    pub scale: f64,
    /// Constant added.
    pub offset: f64,
}

impl Objective {
    /// The cost itself, minimised.
    pub const COST: Objective = Objective {
        maximise: false,
        scale: 1.0,
        offset: 0.0,
    };
}

/// The MPS text of `model`, titled `name`, with column names from `names` (by column index).
pub fn write<G: RuleGroup>(
    model: &Model<G>,
    name: &str,
    names: &BTreeMap<usize, String>,
    objective: Objective,
) -> String {
    let cols = column_names(model, names);
    let index = column_index(&model.cols.columns);
    let rows = row_names(model);
    let mut out = String::new();
    let _ = writeln!(out, "NAME {}", token(name));
    if objective.maximise {
        out.push_str("OBJSENSE\n    MAX\n");
    }
    out.push_str("ROWS\n N  obj\n");
    for (row, rname) in model.rows.iter().zip(&rows) {
        if !row.label.is_empty() {
            let _ = writeln!(out, "* {}", row.label.replace(['\n', '\r'], " "));
        }
        let kind = if row.constraint.is_equality() {
            'E'
        } else {
            'L'
        };
        let _ = writeln!(out, " {kind}  {rname}");
    }
    let entries = column_entries(model, &index, objective);
    columns_section(&mut out, model, &cols, &rows, &entries);
    rhs_section(&mut out, model, &rows, objective);
    bounds_section(&mut out, model, &cols);
    out.push_str("ENDATA\n");
    out
}

/// A name MPS can carry: no whitespace.
fn token(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    if t.is_empty() { "_".into() } else { t }
}

fn column_names<G>(model: &Model<G>, names: &BTreeMap<usize, String>) -> Vec<String> {
    (0..model.cols.columns.len())
        .map(|i| names.get(&i).map_or_else(|| format!("c{i}"), |n| token(n)))
        .collect()
}

/// `<group>.<n>`: the n-th row of its group (the kit's rows are kept `expression <= 0` or `== 0`).
fn row_names<G: RuleGroup>(model: &Model<G>) -> Vec<String> {
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    model
        .rows
        .iter()
        .map(|r| {
            let n = seen.entry(r.group.name()).or_default();
            *n += 1;
            format!("{}.{}", r.group.name(), *n)
        })
        .collect()
}

/// Per column, its (row index or `None` for the objective, coefficient) entries, in row order.
fn column_entries<G>(
    model: &Model<G>,
    index: &HashMap<Variable, usize>,
    objective: Objective,
) -> Vec<Vec<(Option<usize>, f64)>> {
    let mut entries = vec![Vec::new(); model.cols.columns.len()];
    for (v, c) in model.cost.clone().linear_coefficients() {
        if let Some(&i) = index.get(&v) {
            entries[i].push((None, objective.scale * c));
        }
    }
    for (r, row) in model.rows.iter().enumerate() {
        for (v, c) in row.constraint.expression().clone().linear_coefficients() {
            if let Some(&i) = index.get(&v) {
                entries[i].push((Some(r), c));
            }
        }
    }
    entries
}

fn columns_section<G>(
    out: &mut String,
    model: &Model<G>,
    cols: &[String],
    rows: &[String],
    entries: &[Vec<(Option<usize>, f64)>],
) {
    out.push_str("COLUMNS\n");
    let mut in_marker = false;
    let mut markers = 0;
    for (i, name) in cols.iter().enumerate() {
        let integer = model.cols.integer[i];
        if integer != in_marker {
            let tag = if integer { "INTORG" } else { "INTEND" };
            let _ = writeln!(out, "    MARKER{markers} 'MARKER' '{tag}'");
            markers += 1;
            in_marker = integer;
        }
        if entries[i].is_empty() {
            // A column in no row still exists (its bounds are written below).
            let _ = writeln!(out, "    {name} obj 0");
        }
        for &(row, c) in &entries[i] {
            let rname = row.map_or("obj", |r| rows[r].as_str());
            let _ = writeln!(out, "    {name} {rname} {}", num(c));
        }
    }
    if in_marker {
        let _ = writeln!(out, "    MARKER{markers} 'MARKER' 'INTEND'");
    }
}

fn rhs_section<G: RuleGroup>(
    out: &mut String,
    model: &Model<G>,
    rows: &[String],
    objective: Objective,
) {
    out.push_str("RHS\n");
    // The objective's constant: the cost's own constant on the file's scale, plus the offset. HiGHS and CBC read
    // the objective row's right-hand side as minus the constant.
    let constant = objective.scale * model.cost.constant() + objective.offset;
    if constant != 0.0 {
        let _ = writeln!(out, "    RHS obj {}", num(-constant));
    }
    for (row, rname) in model.rows.iter().zip(rows) {
        // Kept as `expression <= 0` / `== 0` with the constant inside: the right-hand side is minus it.
        let rhs = -row.constraint.expression().constant();
        if rhs != 0.0 {
            let _ = writeln!(out, "    RHS {rname} {}", num(rhs));
        }
    }
}

fn bounds_section<G>(out: &mut String, model: &Model<G>, cols: &[String]) {
    out.push_str("BOUNDS\n");
    for ((_, def), (name, &integer)) in model
        .cols
        .problem
        .iter_variables_with_def()
        .zip(cols.iter().zip(&model.cols.integer))
    {
        let (lo, up) = (def.get_min(), def.get_max());
        if integer && lo == 0.0 && up == 1.0 {
            let _ = writeln!(out, " BV BND {name}");
            continue;
        }
        match (lo.is_finite(), up.is_finite()) {
            (false, false) => {
                let _ = writeln!(out, " FR BND {name}");
            }
            (false, true) => {
                let _ = writeln!(out, " MI BND {name}");
                let _ = writeln!(out, " UP BND {name} {}", num(up));
            }
            (true, _) => {
                if lo != 0.0 {
                    let _ = writeln!(out, " LO BND {name} {}", num(lo));
                }
                if up.is_finite() {
                    let _ = writeln!(out, " UP BND {name} {}", num(up));
                }
            }
        }
    }
}

/// A number as the shortest text that reads back to the same f64.
fn num(v: f64) -> String {
    format!("{v:?}")
}
