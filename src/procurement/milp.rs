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
use crate::domain::Dataset;
use crate::plan::award::Timing;
use crate::solve::kit::{self, Columns, RuleGroup};
use good_lp::{Expression, Variable};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

impl RuleGroup for Group {
    /// The name used in reports (the model-file key where there is one).
    fn name(self) -> &'static str {
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

    /// The diagnosis drops whole groups (no slacks); the relaxable groups carry a unit weight for the kit.
    fn slack_weight(self) -> Option<f64> {
        Group::RELAXABLE.contains(&self).then_some(1.0)
    }
}

impl Group {
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
    /// Columns, rows by rule group and cost (money in units of the category's annual spend, see [`unit()`]).
    pub model: kit::Model<Group>,
    /// The award shares.
    pub x: Vec<XVar>,
}

/// What the passes share: the award shares and, per supplier, its annual volume and discounted volume (money
/// and volumes in units of the category's annual spend, so coefficients stay near 1 and the simplex stays well
/// conditioned whatever the category's size; the cost is scaled back by the caller).
struct Shares {
    x: Vec<XVar>,
    x_of_k: Vec<Vec<usize>>,
    volume: Vec<Expression>,
    discounted: Vec<Expression>,
    unit: f64,
    total: f64,
}

impl Shares {
    fn col(&self, m: &kit::Model<Group>, i: usize) -> Variable {
        m.cols.columns[self.x[i].col]
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
    let mut m = kit::Model::new(Columns::new(relax));
    m.skip_empty_rows = true;
    let on = |g: Group| groups.contains(&g);
    let (sh, early_cost) = award_and_timing(case, on(Group::Timing), &mut m);
    let saving = tiers_and_capacity(case, on(Group::Capacity), &sh, &mut m);
    if on(Group::MinSuppliers) {
        min_suppliers(case, &sh, &mut m);
    }
    if on(Group::MaxSuppliers) {
        max_suppliers(case, &sh, &mut m);
    }
    if on(Group::PartnerMax) {
        partner_max(case, &sh, limited, &mut m);
    }
    let transition = transition_cost(case, &sh, &m);
    if on(Group::SmeShare) {
        sme_share(case, &sh, &mut m);
    }
    m.cost = if feasibility {
        Expression::from(0.0)
    } else {
        early_cost + transition - saving
    };
    Model { model: m, x: sh.x }
}

/// Pass 1 (award, timing): shares of every contract, natural and early; every contract awarded in full; a
/// contract locked past the horizon moves only by ending it early (with `timing`). Returns the shares and the
/// termination fees as an expression.
fn award_and_timing(case: &Case, timing: bool, m: &mut kit::Model<Group>) -> (Shares, Expression) {
    let years = case.df.len();
    let unit = unit(case);
    let mut x: Vec<XVar> = Vec::new();
    let mut x_of_k: Vec<Vec<usize>> = vec![Vec::new(); case.contracts.len()];
    let mut early_cost = Expression::from(0.0);
    for (k, c) in case.contracts.iter().enumerate() {
        for (s, sup) in case.suppliers.iter().enumerate() {
            // A supplier without an offer may only keep what it holds today.
            if !sup.offers && s != c.incumbent {
                continue;
            }
            m.cols.unit();
            x_of_k[k].push(x.len());
            x.push(XVar {
                k,
                s,
                timing: Timing::Natural,
                col: m.cols.last(),
            });
            if c.early && s != c.incumbent {
                m.cols.unit();
                x_of_k[k].push(x.len());
                x.push(XVar {
                    k,
                    s,
                    timing: Timing::Early,
                    col: m.cols.last(),
                });
            }
        }
        let all: Expression = x_of_k[k].iter().map(|&i| m.cols.columns[x[i].col]).sum();
        m.eq(Group::Award, String::new(), all, 1.0);
        // Ending a contract early pays its termination fee pro rata to the share ended (a partial
        // termination reduces the call-off volume): linear, so no binary per contract is needed.
        if c.early {
            for &i in &x_of_k[k] {
                if x[i].timing == Timing::Early {
                    early_cost.add_mul(c.fee / unit, m.cols.columns[x[i].col]);
                }
            }
        }
        if c.free_year >= years && timing {
            let moved: Expression = x_of_k[k]
                .iter()
                .filter(|&&i| x[i].timing == Timing::Natural && x[i].s != c.incumbent)
                .map(|&i| m.cols.columns[x[i].col])
                .sum();
            m.eq(Group::Timing, String::new(), moved, 0.0);
        }
    }
    // Annual volume and discounted volume per supplier.
    let ns = case.suppliers.len();
    let mut volume = vec![Expression::from(0.0); ns];
    let mut discounted = vec![Expression::from(0.0); ns];
    for xv in &x {
        let c = &case.contracts[xv.k];
        let v = m.cols.columns[xv.col];
        volume[xv.s].add_mul(c.spend / unit, v);
        let from = if xv.timing == Timing::Early {
            0
        } else {
            c.free_year
        };
        discounted[xv.s].add_mul(c.spend / unit * case.annuity[from], v);
    }
    let shares = Shares {
        x,
        x_of_k,
        volume,
        discounted,
        unit,
        total: case.total_spend() / unit,
    };
    (shares, early_cost)
}

/// Pass 2 (tiers, capacity). Savings are incremental over the tiers: the base tier's saving is linear, and
/// each higher tier j adds (price[j-1] - price[j]) on the discounted volume when its binary is on. Tier
/// binaries are nested and need the tier's minimum volume (all-units: once on, the whole volume is priced at
/// the tier). When a tier is dearer than the one below (unusual offers), two more rows force the tier on
/// as soon as the volume reaches it, so the model never picks a cheaper tier the volume has passed. Returns the
/// price saving as an expression.
fn tiers_and_capacity(
    case: &Case,
    capacity: bool,
    sh: &Shares,
    m: &mut kit::Model<Group>,
) -> Expression {
    let (unit, total) = (sh.unit, sh.total);
    let mut saving = Expression::from(0.0);
    for (s, sup) in case.suppliers.iter().enumerate() {
        let (volume, discounted) = (&sh.volume[s], &sh.discounted[s]);
        if capacity {
            m.le(
                Group::Capacity,
                String::new(),
                volume.clone(),
                sup.capacity / unit,
            );
        }
        saving += (1.0 - sup.tiers[0].1) * discounted.clone();
        let reach = total
            .min(sup.capacity.max(0.0) / unit)
            .min(held(case, s, unit));
        let top = reach * case.annuity[0];
        let mut below: Option<Variable> = None;
        for j in 1..sup.tiers.len() {
            let (min, price) = sup.tiers[j];
            let step = sup.tiers[j - 1].1 - price;
            if min / unit > reach + 1e-9 {
                break; // the supplier can never reach this tier
            }
            let t = m.cols.binary();
            let u = m.cols.nonneg();
            m.ge(Group::Tiers, String::new(), volume.clone(), min / unit * t);
            if let Some(prev) = below {
                m.le(Group::Tiers, String::new(), t, prev);
            }
            m.le(Group::Tiers, String::new(), u, top * t);
            m.le(Group::Tiers, String::new(), u, discounted.clone());
            if step < 0.0 {
                let reached = (min - 0.01) / unit + reach * t;
                m.le(Group::Tiers, String::new(), volume.clone(), reached);
                let priced = discounted.clone() - top * (1.0 - t);
                m.ge(Group::Tiers, String::new(), u, priced);
            }
            saving.add_mul(step, u);
            below = Some(t);
        }
    }
    saving
}

/// The most a supplier can ever hold, in units of the category's spend: everything for a supplier with an offer;
/// only what it holds today for one off the shortlist (it may keep its contracts but win none). Tiers above it
/// are never built and the tier links' big-M shrinks to it.
fn held(case: &Case, s: usize, unit: f64) -> f64 {
    if case.suppliers[s].offers {
        return f64::INFINITY;
    }
    case.contracts
        .iter()
        .filter(|c| c.incumbent == s)
        .map(|c| c.spend / unit)
        .sum()
}

/// Pass 3 (resilience): at least `min_suppliers` suppliers each hold `min_supplier_share` of the category.
fn min_suppliers(case: &Case, sh: &Shares, m: &mut kit::Model<Group>) {
    let r = &case.rules;
    if r.min_suppliers == 0 || sh.total <= 0.0 {
        return;
    }
    let need = r.min_supplier_share * sh.total;
    let mut count = Expression::from(0.0);
    for (s, vol) in sh.volume.iter().enumerate() {
        // Only a supplier that could ever hold the share needs a binary.
        let sup = &case.suppliers[s];
        let most = if sup.offers {
            sup.capacity / sh.unit
        } else {
            held(case, s, sh.unit)
        };
        if most + 1e-9 < need {
            continue;
        }
        let rs = m.cols.binary();
        count += rs;
        m.ge(Group::MinSuppliers, String::new(), vol.clone(), need * rs);
    }
    let min = f64::from(r.min_suppliers);
    m.ge(Group::MinSuppliers, String::new(), count, min);
}

/// Pass 4 (standardisation): at most `max_suppliers` suppliers hold volume. Per contract, x[k, s] <= z[s]: much
/// tighter than one volume row per supplier (see [`partner_max`]).
fn max_suppliers(case: &Case, sh: &Shares, m: &mut kit::Model<Group>) {
    let r = &case.rules;
    if r.max_suppliers == 0 {
        return;
    }
    let ns = case.suppliers.len();
    let mut used = Expression::from(0.0);
    let mut placed: Vec<Vec<Expression>> = vec![Vec::new(); ns];
    for list in &sh.x_of_k {
        let mut by_s: Vec<Option<Expression>> = vec![None; ns];
        for &i in list {
            let e = by_s[sh.x[i].s].get_or_insert_with(|| Expression::from(0.0));
            *e += sh.col(m, i);
        }
        for (s, e) in by_s.into_iter().enumerate() {
            if let Some(e) = e {
                placed[s].push(e);
            }
        }
    }
    for rows in placed {
        let zs = m.cols.binary();
        used += zs;
        for e in rows {
            m.le(Group::MaxSuppliers, String::new(), e, zs);
        }
    }
    let max = f64::from(r.max_suppliers);
    m.le(Group::MaxSuppliers, String::new(), used, max);
}

/// Pass 5 (partners): at most k suppliers per partner, for the partners in `limited` only. The rule is added
/// lazily by the caller: most partners end up with one or two suppliers anyway, and binaries for every
/// (partner, supplier) pair would make the model far harder than it needs to be.
fn partner_max(case: &Case, sh: &Shares, limited: &[usize], m: &mut kit::Model<Group>) {
    let r = &case.rules;
    if r.max_suppliers_per_partner == 0 {
        return;
    }
    for &p in limited {
        let mine: Vec<usize> = (0..case.contracts.len())
            .filter(|&k| case.contracts[k].partner == p)
            .collect();
        let mut count = Expression::from(0.0);
        for s in 0..case.suppliers.len() {
            let shares: Vec<usize> = mine
                .iter()
                .flat_map(|&k| sh.x_of_k[k].iter().copied())
                .filter(|&i| sh.x[i].s == s)
                .collect();
            if shares.is_empty() {
                continue; // the partner cannot buy from this supplier at all
            }
            let w = m.cols.binary();
            count += w;
            // Per contract (not per partner total): x[k, s] <= w for each contract k. Far tighter than one
            // aggregated row, because a contract placed whole forces w to 1 in the LP relaxation too.
            for &k in &mine {
                let placed: Expression = shares
                    .iter()
                    .filter(|&&i| sh.x[i].k == k)
                    .map(|&i| sh.col(m, i))
                    .sum();
                m.le(Group::PartnerMax, String::new(), placed, w);
            }
        }
        let max = f64::from(r.max_suppliers_per_partner);
        m.le(Group::PartnerMax, String::new(), count, max);
    }
}

/// The transition cost: each contract moved to another supplier costs the transition cost (pro rata to the
/// share moved).
fn transition_cost(case: &Case, sh: &Shares, m: &kit::Model<Group>) -> Expression {
    let mut transition = Expression::from(0.0);
    if case.transition_cost > 0.0 {
        for (i, xv) in sh.x.iter().enumerate() {
            if xv.s != case.contracts[xv.k].incumbent {
                transition.add_mul(case.transition_cost / sh.unit, sh.col(m, i));
            }
        }
    }
    transition
}

/// Pass 6 (social value): the local-SME share of annual spend.
fn sme_share(case: &Case, sh: &Shares, m: &mut kit::Model<Group>) {
    if case.sme_share_required <= 0.0 {
        return;
    }
    let mut local = Expression::from(0.0);
    for (s, sup) in case.suppliers.iter().enumerate() {
        if sup.local_sme {
            local += sh.volume[s].clone();
        }
    }
    let need = case.sme_share_required * sh.total;
    m.ge(Group::SmeShare, String::new(), local, need);
}

/// The money unit of a case's model: its annual spend (GBP), so the cost times this is GBP.
pub fn unit(case: &Case) -> f64 {
    case.total_spend().max(1.0)
}

/// Names of the award-share columns for the MPS file (`plan --write-model`): `award.<contract>.<supplier>`, with
/// `.early` for an early end; the other columns (tiers, supplier and partner switches) keep positional names.
pub fn column_names(data: &Dataset, case: &Case, x: &[XVar]) -> BTreeMap<usize, String> {
    x.iter()
        .map(|xv| {
            let contract = &data.contracts[case.contracts[xv.k].ix].id;
            let supplier = &data.supplier(case.suppliers[xv.s].ix).id;
            let early = if xv.timing == Timing::Natural {
                ""
            } else {
                ".early"
            };
            (xv.col, format!("award.{contract}.{supplier}{early}"))
        })
        .collect()
}
