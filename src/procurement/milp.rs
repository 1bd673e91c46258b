//! One category's award MILP, built as small named passes over a [`Case`].
//!
//! Variables: `x` = share of a contract awarded to a supplier, priced at one of the supplier's tiers, with the
//! better of natural or early timing at that price (ending early pays the termination fee pro rata); `y` = the
//! supplier ends the horizon at a discount tier above its base (binary, at most one per supplier, a facility
//! of the tier in facility-location terms); `r` = the supplier counts towards resilience and `z` = it holds
//! volume (binaries, only when those rules are set); `w` = the partner buys from the supplier (binary, only for
//! partners the suppliers-per-partner rule has caught). Each pass adds the
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
    /// Each partner re-lets at most its tender capacity in any one plan year.
    Relets,
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
            Group::Relets => "relets_per_partner_year",
        }
    }

    /// The diagnosis drops whole groups (no slacks); the relaxable groups carry a unit weight for the kit.
    fn slack_weight(self) -> Option<f64> {
        Group::RELAXABLE.contains(&self).then_some(1.0)
    }
}

impl Group {
    /// Groups a conflict report may name (the others define the award itself).
    pub const RELAXABLE: [Group; 7] = [
        Group::Timing,
        Group::Capacity,
        Group::MinSuppliers,
        Group::MaxSuppliers,
        Group::PartnerMax,
        Group::SmeShare,
        Group::Relets,
    ];
}

/// One awardable share: contract `k` to supplier position `s`, priced at the supplier's tier `tier`, with the
/// better of the timings the rules allow at that price.
#[derive(Debug, Clone, Copy)]
pub struct XVar {
    /// Position in [`Case::contracts`].
    pub k: usize,
    /// Position in [`Case::suppliers`].
    pub s: usize,
    /// Position in the supplier's tiers.
    pub tier: usize,
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

/// What the passes share: the award shares and each supplier's annual volume (money and volumes in units of
/// the category's annual spend, so coefficients stay near 1 and the simplex stays well conditioned whatever the
/// category's size; the cost is scaled back by the caller).
struct Shares {
    x: Vec<XVar>,
    x_of_k: Vec<Vec<usize>>,
    volume: Vec<Expression>,
    /// Per supplier, the tiers it can reach: `(min volume, price index)`, min volume in units.
    tiers: Vec<Vec<(f64, f64)>>,
    /// Per supplier, the most it can hold (units).
    reach: Vec<f64>,
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
    let (sh, value) = award_and_timing(case, on(Group::Timing), &mut m);
    tiers_and_capacity(case, on(Group::Capacity), &sh, &mut m);
    if on(Group::MinSuppliers) {
        min_suppliers(case, &sh, &mut m);
    }
    if on(Group::MaxSuppliers) {
        max_suppliers(case, &sh, &mut m);
    }
    if on(Group::PartnerMax) {
        partner_max(case, &sh, limited, &mut m);
    }
    if on(Group::SmeShare) {
        sme_share(case, &sh, &mut m);
    }
    if on(Group::Relets) {
        relets(case, &sh, &mut m);
    }
    m.cost = if feasibility {
        Expression::from(0.0)
    } else {
        -value
    };
    Model { model: m, x: sh.x }
}

/// The tiers supplier `s` can reach, `(min volume, price index)` with volumes in units: a tier above the most
/// the supplier can hold (the category, its capacity, or what it holds today when off the shortlist) is never
/// built. Returns them with that most.
fn reachable_tiers(case: &Case, s: usize, unit: f64) -> (Vec<(f64, f64)>, f64) {
    let sup = &case.suppliers[s];
    let reach = (case.total_spend() / unit)
        .min(sup.capacity.max(0.0) / unit)
        .min(held(case, s, unit));
    let tiers = sup
        .tiers
        .iter()
        .enumerate()
        .take_while(|&(j, t)| j == 0 || t.0 / unit <= reach + 1e-9)
        .map(|(_, t)| (t.0 / unit, t.1))
        .collect();
    (tiers, reach)
}

/// The better timing for contract `k` with supplier `s` at price index `price`, and what it is worth over the
/// horizon (units): the price saving from the year the contract starts at its new terms, less what that start
/// costs in its year (the termination fee when ended early, the tender cost of a re-let, the mobilisation cost
/// of a move). A contract locked past the horizon moves to another supplier only by ending early (with `timing`);
/// only another supplier is worth ending early for. `None` when no timing is allowed.
fn best_timing(case: &Case, k: usize, s: usize, price: f64, timing: bool) -> Option<(Timing, f64)> {
    let c = &case.contracts[k];
    let years = case.df.len();
    let unit = unit(case);
    let moved = s != c.incumbent;
    let relet = moved || price != 1.0;
    let worth = |from: usize, fee: f64| {
        if from >= years {
            return 0.0;
        }
        let once = fee
            + if moved { case.mobilisation } else { 0.0 }
            + if relet { case.tender } else { 0.0 };
        ((1.0 - price) * c.spend * case.annuity[from] - once * case.df[from]) / unit
    };
    let natural = (!moved || c.free_year < years || !timing)
        .then(|| (Timing::Natural, worth(c.free_year, 0.0)));
    let early = (c.early && moved).then(|| (Timing::Early, worth(case.early_year, c.fee)));
    match (natural, early) {
        (Some(n), Some(e)) if e.1 > n.1 => Some(e),
        (Some(n), _) => Some(n),
        (None, e) => e,
    }
}

/// Pass 1 (award, timing): shares of every contract for every supplier tier it may be priced at, each with the
/// better of natural or early timing at that price (the timing changes only the value, so choosing it per column
/// is exact); every contract awarded in full. Returns the shares and their value (savings less termination
/// fees, tender and mobilisation costs, in units) as an expression.
fn award_and_timing(case: &Case, timing: bool, m: &mut kit::Model<Group>) -> (Shares, Expression) {
    let unit = unit(case);
    let ns = case.suppliers.len();
    let (tiers, reach): (Vec<_>, Vec<_>) = (0..ns).map(|s| reachable_tiers(case, s, unit)).unzip();
    let mut x: Vec<XVar> = Vec::new();
    let mut x_of_k: Vec<Vec<usize>> = vec![Vec::new(); case.contracts.len()];
    let mut value = Expression::from(0.0);
    let mut volume = vec![Expression::from(0.0); ns];
    for (k, c) in case.contracts.iter().enumerate() {
        for (s, sup) in case.suppliers.iter().enumerate() {
            // A supplier without an offer may only keep what it holds today.
            if !sup.offers && s != c.incumbent {
                continue;
            }
            for (tier, &(_, price)) in tiers[s].iter().enumerate() {
                let Some((timing, worth)) = best_timing(case, k, s, price, timing) else {
                    continue;
                };
                let v = m.cols.unit();
                x_of_k[k].push(x.len());
                x.push(XVar {
                    k,
                    s,
                    tier,
                    timing,
                    col: m.cols.last(),
                });
                value.add_mul(worth, v);
                volume[s].add_mul(c.spend / unit, v);
            }
        }
        let all: Expression = x_of_k[k].iter().map(|&i| m.cols.columns[x[i].col]).sum();
        m.eq(Group::Award, String::new(), all, 1.0);
    }
    let shares = Shares {
        x,
        x_of_k,
        volume,
        tiers,
        reach,
        unit,
        total: case.total_spend() / unit,
    };
    (shares, value)
}

/// Pass 2 (tiers, capacity). A supplier ends the horizon at one tier (all units priced there): `y[s, j]` says it
/// is at tier `j >= 1` (at most one; none means the base tier), a share priced at tier `j` needs `y[s, j]`, one
/// priced at the base tier needs no higher tier on, and the supplier's volume reaches the tier's minimum. The
/// per-contract links are what make the relaxation tight: a fractional tier prices only as much of each contract
/// as it is on, where a single volume link lets the whole volume take a fractional tier's price. When a tier is
/// dearer than the one below (unusual offers), or when a new price has costs of its own (a tender, tender
/// capacity), one more row forces a tier at least that high as soon as the volume reaches it, so the model never
/// keeps a tier the volume has passed.
fn tiers_and_capacity(case: &Case, capacity: bool, sh: &Shares, m: &mut kit::Model<Group>) {
    // A renewal at a new price costs a tender and uses tender capacity, so the model could gain by pricing a
    // supplier below the tier its volume reaches; then every tier gets the row that forbids it.
    let price_costs = case.tender > 0.0 || case.relet_caps.is_some();
    let mut at: Vec<Vec<Vec<usize>>> = sh.tiers.iter().map(|t| vec![Vec::new(); t.len()]).collect();
    for (i, xv) in sh.x.iter().enumerate() {
        at[xv.s][xv.tier].push(i);
    }
    for (s, sup) in case.suppliers.iter().enumerate() {
        let volume = &sh.volume[s];
        if capacity {
            m.le(
                Group::Capacity,
                String::new(),
                volume.clone(),
                sup.capacity / sh.unit,
            );
        }
        let tiers = &sh.tiers[s];
        let y: Vec<Variable> = (1..tiers.len()).map(|_| m.cols.binary()).collect();
        if y.is_empty() {
            continue;
        }
        if y.len() > 1 {
            m.le(
                Group::Tiers,
                String::new(),
                kit::sum(y.iter().copied()),
                1.0,
            );
        }
        for &i in &at[s][0] {
            let lhs = kit::sum(y.iter().copied()) + sh.col(m, i);
            m.le(Group::Tiers, String::new(), lhs, 1.0);
        }
        for (j, &yj) in y.iter().enumerate().map(|(j, y)| (j + 1, y)) {
            for &i in &at[s][j] {
                m.le(Group::Tiers, String::new(), sh.col(m, i), yj);
            }
            let (min, price) = tiers[j];
            m.ge(Group::Tiers, String::new(), volume.clone(), min * yj);
            if price > tiers[j - 1].1 || price_costs {
                let higher = kit::sum(y[j - 1..].iter().copied());
                let reached = (min - 0.01 / sh.unit) + sh.reach[s] * higher;
                m.le(Group::Tiers, String::new(), volume.clone(), reached);
            }
        }
    }
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

/// Pass 7 (tender capacity): each partner re-lets (moves, or renews at a new price) at most its capacity in the
/// category in any one plan year, pro rata to the share. A share's year is fixed by its column's timing.
fn relets(case: &Case, sh: &Shares, m: &mut kit::Model<Group>) {
    let Some(caps) = &case.relet_caps else {
        return;
    };
    let years = case.df.len();
    let mut rows: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    for (i, xv) in sh.x.iter().enumerate() {
        let c = &case.contracts[xv.k];
        let year = match xv.timing {
            Timing::Early => case.early_year,
            _ => c.free_year,
        };
        let relet = xv.s != c.incumbent || sh.tiers[xv.s][xv.tier].1 != 1.0;
        if relet && year < years {
            *rows.entry((c.partner, year)).or_default() += sh.col(m, i);
        }
    }
    for ((p, _), lhs) in rows {
        m.le(Group::Relets, String::new(), lhs, f64::from(caps[p]));
    }
}

/// The money unit of a case's model: its annual spend (GBP), so the cost times this is GBP.
pub fn unit(case: &Case) -> f64 {
    case.total_spend().max(1.0)
}

/// Names of the award-share columns for the MPS file (`plan --write-model`): `award.<contract>.<supplier>.t<tier>`,
/// with `.early` for an early end; the other columns (tiers, supplier and partner switches) keep positional names.
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
            (
                xv.col,
                format!("award.{contract}.{supplier}.t{}{early}", xv.tier),
            )
        })
        .collect()
}
