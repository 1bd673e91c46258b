//! One category's award MILP, built as small named passes over a [`Case`].
//!
//! Variables: `x` = share of a contract awarded to a supplier, at its natural end or (when modelled) ending it
//! early (paying the termination fee pro rata); `t` = the supplier reaches a discount tier (binary, nested)
//! with `u` = the discounted volume that earns that tier's extra discount; `r` = the supplier counts towards
//! resilience and `z` = it holds volume (binaries, only when those rules are set); `w` = the partner buys from
//! the supplier (binary, only for partners the suppliers-per-partner rule has caught). Each pass adds the
//! rows of one rule [`Group`]; a group can be left out, which is how [`super::diagnose`] names a conflict.
//! The cost is minus the net present value that [`crate::plan::award::evaluate`] computes for the same award.

use super::candidates::Case;
use crate::plan::award::Timing;
use crate::solve::Milp;
use good_lp::{Expression, ProblemVariables, Variable, variable};
use serde::Serialize;
use std::collections::BTreeSet;

/// The rule groups of the award model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Every contract's volume is awarded in full.
    Award,
    /// A contract moves only from its natural end unless ended early; locked contracts stay.
    Timing,
    /// A supplier holds at most its capacity.
    Capacity,
    /// Exact all-units tier pricing and the links between volume and the supplier's binaries.
    Tiers,
    /// At least `min_suppliers` suppliers each hold `min_supplier_share` of the category.
    MinSuppliers,
    /// At most `max_suppliers` suppliers hold volume.
    MaxSuppliers,
    /// Each partner buys from at most `max_suppliers_per_partner` suppliers.
    PartnerMax,
    /// The local-SME share of spend.
    SmeShare,
}

impl Group {
    /// The name used in reports (the model-file key where there is one).
    pub fn name(self) -> &'static str {
        match self {
            Group::Award => "award",
            Group::Timing => "timing",
            Group::Capacity => "capacity",
            Group::Tiers => "tiers",
            Group::MinSuppliers => "min_suppliers",
            Group::MaxSuppliers => "max_suppliers",
            Group::PartnerMax => "max_suppliers_per_partner",
            Group::SmeShare => "local_sme_share",
        }
    }

    /// Groups a conflict report may name (the others define the award itself).
    pub const RELAXABLE: [Group; 6] = [
        Group::Timing,
        Group::Capacity,
        Group::MinSuppliers,
        Group::MaxSuppliers,
        Group::PartnerMax,
        Group::SmeShare,
    ];
}

/// One awardable share: contract `k` to supplier position `s` with a timing.
#[derive(Debug, Clone, Copy)]
pub struct XVar {
    /// Position in [`Case::contracts`].
    pub k: usize,
    /// Position in [`Case::suppliers`].
    pub s: usize,
    /// Natural or early.
    pub timing: Timing,
    /// Its column.
    pub col: usize,
}

/// The built model.
pub struct Model {
    /// Solver input.
    pub milp: Milp,
    /// The award shares.
    pub x: Vec<XVar>,
    /// Rows per group (for the model size).
    pub rows_by_group: Vec<(Group, usize)>,
}

struct Builder {
    vars: ProblemVariables,
    columns: Vec<Variable>,
    integer: Vec<bool>,
    relax: bool,
    rows: Vec<(Group, good_lp::Constraint)>,
}

impl Builder {
    fn binary(&mut self) -> Variable {
        let v = if self.relax {
            self.vars.add(variable().min(0.0).max(1.0))
        } else {
            self.vars.add(variable().binary())
        };
        self.columns.push(v);
        self.integer.push(!self.relax);
        v
    }

    fn share(&mut self) -> (Variable, usize) {
        let v = self.vars.add(variable().min(0.0).max(1.0));
        self.columns.push(v);
        self.integer.push(false);
        (v, self.columns.len() - 1)
    }

    fn nonneg(&mut self) -> Variable {
        let v = self.vars.add(variable().min(0.0));
        self.columns.push(v);
        self.integer.push(false);
        v
    }

    fn row(&mut self, group: Group, c: good_lp::Constraint) {
        use good_lp::IntoAffineExpression;
        // A row without variables (say, "nothing moves" when nothing could) says nothing; leaving it out keeps
        // the solver's basis free of empty rows.
        if c.expression().linear_coefficients().next().is_some() {
            self.rows.push((group, c));
        }
    }
}

/// Builds the model with the rows of `groups` (pass every group for the real model); the suppliers-per-partner
/// rule applies to the partners in `limited` (positions in [`Case::partners`]). With `relax`, binaries
/// become continuous in [0, 1] (the LP relaxation, for a bound). With `feasibility`, the cost is zero.
pub fn build(
    case: &Case,
    groups: &BTreeSet<Group>,
    limited: &[usize],
    relax: bool,
    feasibility: bool,
) -> Model {
    let mut b = Builder {
        vars: ProblemVariables::new(),
        columns: Vec::new(),
        integer: Vec::new(),
        relax,
        rows: Vec::new(),
    };
    let on = |g: Group| groups.contains(&g);
    let years = case.df.len();
    // Money and volumes are measured in units of the category's annual spend, so coefficients stay near 1 and
    // the simplex stays well conditioned whatever the category's size; the cost is scaled back by the caller.
    let unit = case.total_spend().max(1.0);
    let total = case.total_spend() / unit;
    let ns = case.suppliers.len();

    // Pass 1 (award, timing): shares of every contract, natural and early.
    let mut x: Vec<XVar> = Vec::new();
    let mut x_of_k: Vec<Vec<usize>> = vec![Vec::new(); case.contracts.len()];
    let mut early_cost = Expression::from(0.0);
    for (k, c) in case.contracts.iter().enumerate() {
        for (s, sup) in case.suppliers.iter().enumerate() {
            // A supplier without an offer may only keep what it holds today.
            if !sup.offers && s != c.incumbent {
                continue;
            }
            let (_, col) = b.share();
            x_of_k[k].push(x.len());
            x.push(XVar {
                k,
                s,
                timing: Timing::Natural,
                col,
            });
            if c.early && s != c.incumbent {
                let (_, col) = b.share();
                x_of_k[k].push(x.len());
                x.push(XVar {
                    k,
                    s,
                    timing: Timing::Early,
                    col,
                });
            }
        }
        let all: Expression = x_of_k[k].iter().map(|&i| b.columns[x[i].col]).sum();
        b.row(Group::Award, all.eq(1.0));
        // Ending a contract early pays its termination fee pro rata to the share ended (a partial
        // termination reduces the call-off volume): linear, so no binary per contract is needed.
        if c.early {
            for &i in &x_of_k[k] {
                if x[i].timing == Timing::Early {
                    early_cost.add_mul(c.fee / unit, b.columns[x[i].col]);
                }
            }
        }
        if c.free_year >= years && on(Group::Timing) {
            let moved: Expression = x_of_k[k]
                .iter()
                .filter(|&&i| x[i].timing == Timing::Natural && x[i].s != c.incumbent)
                .map(|&i| b.columns[x[i].col])
                .sum();
            b.row(Group::Timing, moved.eq(0.0));
        }
    }
    // Annual volume and discounted volume per supplier.
    let mut volume = vec![Expression::from(0.0); ns];
    let mut discounted = vec![Expression::from(0.0); ns];
    for xv in &x {
        let c = &case.contracts[xv.k];
        let v = b.columns[xv.col];
        volume[xv.s].add_mul(c.spend / unit, v);
        let from = if xv.timing == Timing::Early {
            0
        } else {
            c.free_year
        };
        discounted[xv.s].add_mul(c.spend / unit * case.annuity[from], v);
    }

    // Pass 2 (tiers, capacity). Savings are incremental over the tiers: the base tier's saving is linear, and
    // each higher tier j adds (price[j-1] - price[j]) on the discounted volume when its binary is on. Tier
    // binaries are nested and need the tier's minimum volume (all-units: once on, the whole volume is priced at
    // the tier). When a tier is dearer than the one below (unusual offers), two more rows force the tier on
    // as soon as the volume reaches it, so the model never picks a cheaper tier the volume has passed.
    let mut saving = Expression::from(0.0);
    for (s, sup) in case.suppliers.iter().enumerate() {
        if on(Group::Capacity) {
            b.row(Group::Capacity, volume[s].clone().leq(sup.capacity / unit));
        }
        saving += (1.0 - sup.tiers[0].1) * discounted[s].clone();
        let reach = total.min(sup.capacity.max(0.0) / unit);
        let top = reach * case.annuity[0];
        let mut below: Option<Variable> = None;
        for j in 1..sup.tiers.len() {
            let (min, price) = sup.tiers[j];
            let step = sup.tiers[j - 1].1 - price;
            if min / unit > reach + 1e-9 {
                break; // the supplier can never reach this tier
            }
            let t = b.binary();
            let u = b.nonneg();
            b.row(Group::Tiers, volume[s].clone().geq(min / unit * t));
            if let Some(prev) = below {
                b.row(Group::Tiers, Expression::from(t).leq(prev));
            }
            b.row(Group::Tiers, Expression::from(u).leq(top * t));
            b.row(Group::Tiers, Expression::from(u).leq(discounted[s].clone()));
            if step < 0.0 {
                b.row(
                    Group::Tiers,
                    volume[s].clone().leq((min - 0.01) / unit + reach * t),
                );
                b.row(
                    Group::Tiers,
                    Expression::from(u).geq(discounted[s].clone() - top * (1.0 - t)),
                );
            }
            saving.add_mul(step, u);
            below = Some(t);
        }
    }

    // Pass 3 (resilience and standardisation): supplier counts.
    let r = &case.rules;
    if on(Group::MinSuppliers) && r.min_suppliers > 0 && total > 0.0 {
        let need = r.min_supplier_share * total;
        let mut count = Expression::from(0.0);
        for (s, vol) in volume.iter().enumerate() {
            // Only a supplier that could ever hold the share needs a binary.
            let sup = &case.suppliers[s];
            let most = if sup.offers {
                sup.capacity / unit
            } else {
                case.contracts
                    .iter()
                    .filter(|c| c.incumbent == s)
                    .map(|c| c.spend / unit)
                    .sum()
            };
            if most + 1e-9 < need {
                continue;
            }
            let rs = b.binary();
            count += rs;
            b.row(Group::MinSuppliers, vol.clone().geq(need * rs));
        }
        b.row(Group::MinSuppliers, count.geq(f64::from(r.min_suppliers)));
    }
    if on(Group::MaxSuppliers) && r.max_suppliers > 0 {
        let mut used = Expression::from(0.0);
        // Per contract, x[k, s] <= z[s]: much tighter than one volume row per supplier (see pass 4).
        let mut placed: Vec<Vec<Expression>> = vec![Vec::new(); ns];
        for list in &x_of_k {
            let mut by_s: Vec<Option<Expression>> = vec![None; ns];
            for &i in list {
                let e = by_s[x[i].s].get_or_insert_with(|| Expression::from(0.0));
                *e += b.columns[x[i].col];
            }
            for (s, e) in by_s.into_iter().enumerate() {
                if let Some(e) = e {
                    placed[s].push(e);
                }
            }
        }
        for rows in placed {
            let zs = b.binary();
            used += zs;
            for e in rows {
                b.row(Group::MaxSuppliers, e.leq(zs));
            }
        }
        b.row(Group::MaxSuppliers, used.leq(f64::from(r.max_suppliers)));
    }

    // Pass 4 (partners): at most k suppliers per partner, for the partners in `limited` only. The rule is added
    // lazily by the caller: most partners end up with one or two suppliers anyway, and binaries for every
    // (partner, supplier) pair would make the model far harder than it needs to be.
    if on(Group::PartnerMax) && r.max_suppliers_per_partner > 0 {
        for &p in limited {
            let mine: Vec<usize> = (0..case.contracts.len())
                .filter(|&k| case.contracts[k].partner == p)
                .collect();
            let mut count = Expression::from(0.0);
            for s in 0..ns {
                let shares: Vec<usize> = mine
                    .iter()
                    .flat_map(|&k| x_of_k[k].iter().copied())
                    .filter(|&i| x[i].s == s)
                    .collect();
                if shares.is_empty() {
                    continue; // the partner cannot buy from this supplier at all
                }
                let w = b.binary();
                count += w;
                // Per contract (not per partner total): x[k, s] <= w for each contract k. Far tighter than one
                // aggregated row, because a contract placed whole forces w to 1 in the LP relaxation too.
                for &k in &mine {
                    let placed: Expression = shares
                        .iter()
                        .filter(|&&i| x[i].k == k)
                        .map(|&i| b.columns[x[i].col])
                        .sum();
                    b.row(Group::PartnerMax, placed.leq(w));
                }
            }
            b.row(
                Group::PartnerMax,
                count.leq(f64::from(r.max_suppliers_per_partner)),
            );
        }
    }

    // Transition: each contract moved to another supplier costs the transition cost (pro rata to the share).
    let mut transition = Expression::from(0.0);
    if case.transition_cost > 0.0 {
        for xv in &x {
            if xv.s != case.contracts[xv.k].incumbent {
                transition.add_mul(case.transition_cost / unit, b.columns[xv.col]);
            }
        }
    }

    // Pass 5 (social value): the local-SME share of annual spend.
    if on(Group::SmeShare) && case.sme_share_required > 0.0 {
        let mut local = Expression::from(0.0);
        for (s, sup) in case.suppliers.iter().enumerate() {
            if sup.local_sme {
                local += volume[s].clone();
            }
        }
        let need = case.sme_share_required * total;
        b.row(Group::SmeShare, local.geq(need));
    }

    let cost = if feasibility {
        Expression::from(0.0)
    } else {
        early_cost + transition - saving
    };
    let mut rows_by_group: Vec<(Group, usize)> = Vec::new();
    for (g, _) in &b.rows {
        match rows_by_group.iter_mut().find(|(h, _)| h == g) {
            Some(e) => e.1 += 1,
            None => rows_by_group.push((*g, 1)),
        }
    }
    let Builder {
        vars,
        columns,
        integer,
        rows,
        ..
    } = b;
    Model {
        milp: Milp {
            vars,
            columns,
            integer,
            cost,
            constraints: rows.into_iter().map(|(_, c)| c).collect(),
        },
        x,
        rows_by_group,
    }
}

/// The money unit of a case's model: its annual spend (GBP), so the cost times this is GBP.
pub fn unit(case: &Case) -> f64 {
    case.total_spend().max(1.0)
}
