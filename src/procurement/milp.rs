//! One category's award MILP, built as small named passes over a [`Case`].
//!
//! Variables: `x` = share of a contract awarded to a supplier, priced at one of the supplier's tiers, starting at
//! its natural end or ended early in a year after the lead time (paying the termination fee pro rata; where the
//! start year changes nothing but the share's own value, only the best of them is a column: `timings`); `y` = the supplier is at a
//! discount tier above its base in a period that sets tiers (a plan year in which some of its shares start, or
//! the one period after the award; binary, at most one per supplier and period, a facility of the tier in
//! facility-location terms); `r` = the supplier counts towards resilience and `z` = it holds volume (binaries,
//! only when those rules are set); `w` = the partner buys from the supplier (binary, only for partners the
//! suppliers-per-partner rule has caught). Each pass adds the rows of one rule [`Group`]; a group can be left
//! out, which is how [`super::diagnose`] names a conflict.
//! The cost is minus the net present value that [`crate::plan::award::evaluate`] computes for the same award.

use super::candidates::Case;
use crate::domain::Dataset;
use crate::model_config::TierVolume;
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
    /// Natural, or early from a given year.
    pub timing: Timing,
    /// The plan year (0-based) it starts at its new terms; the horizon's length when it never does.
    pub start: usize,
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
    /// Per supplier and plan year, the most it can hold that year (units).
    reach: Vec<Vec<f64>>,
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
    let mut holds = tiers_and_capacity(case, on(Group::Capacity), &sh, &mut m);
    if on(Group::MinSuppliers) {
        min_suppliers(case, &sh, &mut m, &mut holds);
    }
    if on(Group::MaxSuppliers) {
        max_suppliers(case, &sh, &mut m, &holds);
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

/// The tiers supplier `s` can reach, `(min volume, price index)` with volumes in units, and the most it can hold
/// in each period that sets a tier ([`period`]). By year: what it holds today and every contract that could move
/// to it by then, never more than the category, or its capacity plus what it holds today (which it keeps until
/// those contracts move); only what it holds today when off the shortlist. A tier above the most of every period
/// is never built.
fn reachable_tiers(case: &Case, s: usize, unit: f64) -> (Vec<(f64, f64)>, Vec<f64>) {
    let sup = &case.suppliers[s];
    let today = held_today(case, s, unit);
    let total = case.total_spend() / unit;
    let reach: Vec<f64> = match case.tier_volume {
        // After the award a supplier holds at most its capacity (or, off the shortlist, what it holds today).
        TierVolume::AfterAward => vec![
            total
                .min(sup.capacity.max(0.0) / unit)
                .min(held(case, s, unit)),
        ],
        TierVolume::ByYear => {
            let most = if sup.offers {
                sup.capacity.max(0.0) / unit + today
            } else {
                today
            };
            (0..case.df.len())
                .map(|t| {
                    let won: f64 = case
                        .contracts
                        .iter()
                        .filter(|c| sup.offers && c.incumbent != s)
                        .filter(|c| c.free_year <= t || (c.early && case.early_year <= t))
                        .map(|c| c.spend / unit)
                        .sum();
                    total.min(most).min(today + won)
                })
                .collect()
        }
    };
    let top = reach.iter().copied().fold(0.0, f64::max);
    let tiers = sup
        .tiers
        .iter()
        .enumerate()
        .take_while(|&(j, t)| j == 0 || t.0 / unit <= top + 1e-9)
        .map(|(_, t)| (t.0 / unit, t.1))
        .collect();
    (tiers, reach)
}

/// The period whose volume sets the tier of a share starting in plan year `start` (0-based): that year, or the
/// one period after the award.
fn period(case: &Case, start: usize) -> usize {
    match case.tier_volume {
        TierVolume::ByYear => start,
        TierVolume::AfterAward => 0,
    }
}

/// The plan year (0-based) contract `k` starts at new terms with `timing`; the horizon's length when never.
fn start_of(case: &Case, k: usize, timing: Timing) -> usize {
    let start = match timing {
        Timing::Early(y) => y - 1,
        _ => case.contracts[k].free_year,
    };
    start.min(case.df.len())
}

/// The timings for contract `k` with supplier `s` at price index `price` worth a column, each with what it is worth
/// over the horizon (units): the price saving from the year the contract starts at its new terms, less what that
/// start costs in its year (the termination fee when ended early, the tender cost of a re-let, the mobilisation
/// cost of a move). A contract ends early in any year from the lead time's end to the year before its natural end;
/// one locked past the horizon moves to another supplier only so (with `timing`); only another supplier is worth
/// ending early for. Where the start year matters only to the value, the best timing alone is kept (exact); where
/// it also matters to other shares (tiers read by year: volume that arrives early can lift a tier; a tender
/// capacity that can bind for the contract's partner, [`Case::relets_bind_for`]: each year has its own), every
/// one is: `each_year`, worked out once per contract by the caller. (The second pass of the GM award shares out
/// the capacity of three partner-years: with a column per start year for every contract of the category, HR and
/// training's model had 7,318 columns, not about 3,300.)
fn timings(
    case: &Case,
    k: usize,
    s: usize,
    price: f64,
    timing: bool,
    each_year: bool,
) -> Vec<(Timing, f64)> {
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
        let saving = (1.0 - price) * (1.0 - case.optimism_bias) * c.spend;
        (saving * case.annuity[from] - once * case.df[from]) / unit
    };
    let natural = (!moved || c.free_year < years || !timing)
        .then(|| (Timing::Natural, worth(c.free_year, 0.0)));
    let early_years = if c.early && moved {
        case.early_year..c.free_year.min(years)
    } else {
        0..0
    };
    let all = natural
        .into_iter()
        .chain(early_years.map(|t| (Timing::Early(t + 1), worth(t, c.fee))));
    if each_year {
        return all.collect();
    }
    // The first best: natural before any early end, an earlier end before a later one.
    all.fold(None, |best: Option<(Timing, f64)>, t| match best {
        Some(b) if b.1 >= t.1 => Some(b),
        _ => Some(t),
    })
    .into_iter()
    .collect()
}

/// Pass 1 (award, timing): shares of every contract for every supplier tier it may be priced at, with the timings
/// worth a column at that price ([`timings`]); every contract awarded in full. Returns the shares and their value (savings less termination
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
        let each_year = case.tier_volume == TierVolume::ByYear || case.relets_bind_for(c.partner);
        for (s, sup) in case.suppliers.iter().enumerate() {
            // A supplier without an offer may only keep what it holds today.
            if !sup.offers && s != c.incumbent {
                continue;
            }
            for (tier, &(_, price)) in tiers[s].iter().enumerate() {
                for (timing, worth) in timings(case, k, s, price, timing, each_year) {
                    // A share is priced at a tier only if it starts within the horizon and its supplier can hold
                    // the tier's volume then; one that never starts needs only its base column.
                    let start = start_of(case, k, timing);
                    let held_then = reach[s].get(period(case, start)).copied().unwrap_or(0.0);
                    let years = case.df.len();
                    if tier > 0 && (start >= years || tiers[s][tier].0 > held_then + 1e-9) {
                        continue;
                    }
                    let v = m.cols.unit();
                    x_of_k[k].push(x.len());
                    x.push(XVar {
                        k,
                        s,
                        tier,
                        timing,
                        start,
                        col: m.cols.last(),
                    });
                    value.add_mul(worth, v);
                    volume[s].add_mul(c.spend / unit, v);
                }
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

/// Pass 2 (tiers, capacity). A share is priced at the tier its supplier reaches on the volume that sets it in the
/// share's period ([`period`]: its start year, or the one period after the award), so the tier binaries are per
/// (supplier, period): `y[s, j, t]` says supplier `s` is at tier `j >= 1` in period `t` (at most one; none means
/// the base tier). A share of period `t` priced at tier `j` needs `y[s, j, t]`, one priced at the base tier needs
/// no higher tier on in `t`, and the volume of `t` reaches the tier's minimum without this period's shares priced
/// at other tiers. The per-contract links are what make the relaxation tight: a fractional tier prices only as
/// much of each contract as it is on. When a tier is dearer than the one below (unusual offers), or when a renewal
/// at a new price has costs of its own (a tender, tender capacity), the volume is kept below that tier's minimum
/// unless a tier at least that high is on, so the model never keeps a tier the volume has passed where that could
/// pay; these rows read the tier binaries as the choice of one interval of volume (the convex hull's form, not a
/// big M: GM's HR and training award's relaxation gap 1.1% instead of 2.3%). Capacity bounds the volume after the
/// award.
/// Returns, per supplier, the sums of its tier binaries that can be on only if it holds volume after the award
/// ([`Holds`]).
fn tiers_and_capacity(
    case: &Case,
    capacity: bool,
    sh: &Shares,
    m: &mut kit::Model<Group>,
) -> Holds {
    if capacity {
        for (s, sup) in case.suppliers.iter().enumerate() {
            let volume = sh.volume[s].clone();
            m.le(
                Group::Capacity,
                String::new(),
                volume,
                sup.capacity / sh.unit,
            );
        }
    }
    let years = case.df.len();
    // The shares of each (supplier, start year) by tier, for suppliers with tiers to choose from.
    let mut at: BTreeMap<(usize, usize), Vec<Vec<usize>>> = BTreeMap::new();
    for (i, xv) in sh.x.iter().enumerate() {
        let n = sh.tiers[xv.s].len();
        if n > 1 && xv.start < years {
            at.entry((xv.s, period(case, xv.start)))
                .or_insert_with(|| vec![Vec::new(); n])[xv.tier]
                .push(i);
        }
    }
    let mut holds: Holds = vec![Vec::new(); case.suppliers.len()];
    for ((s, t), at) in at {
        let y = year_tiers(case, sh, s, t, &at, m);
        // A tier needs volume; after the award that volume is the supplier's own shares. Read by year, an
        // incumbent's volume before its contracts move counts too, so only a supplier holding nothing today
        // qualifies there.
        let after =
            case.tier_volume == TierVolume::AfterAward || held_today(case, s, sh.unit) == 0.0;
        if after && !y.is_empty() {
            holds[s].push(kit::sum(y));
        }
    }
    holds
}

/// Per supplier, sums of binaries each of which can be on only when the supplier holds volume after the award
/// (its tier binaries of a period, its resilience switch): the suppliers-in-use rule links each to the supplier's
/// switch ([`max_suppliers`]), which the LP relaxation otherwise leaves well below them.
type Holds = Vec<Vec<Expression>>;

/// The tier rows of supplier `s` in period `t`, `at` its shares of that period by tier.
fn year_tiers(
    case: &Case,
    sh: &Shares,
    s: usize,
    t: usize,
    at: &[Vec<usize>],
    m: &mut kit::Model<Group>,
) -> Vec<Variable> {
    // A renewal at a new price costs a tender and uses tender capacity, so the model could gain by keeping an
    // incumbent's renewal at today's price when its volume reaches the first tier; then that tier gets the row
    // that forbids it. (Between two discount tiers both are re-lets, so the cheaper one always wins.)
    let price_costs = case.tender > 0.0 || case.relets_bind();
    let renewals = at[0]
        .iter()
        .any(|&i| case.contracts[sh.x[i].k].incumbent == s);
    let tiers = &sh.tiers[s];
    let force = |j: usize| tiers[j].1 > tiers[j - 1].1 || (j == 1 && price_costs && renewals);
    let priced = at[1..].iter().any(|a| !a.is_empty());
    if !priced && !(1..tiers.len()).any(force) {
        return Vec::new(); // nothing here is priced above the base, and nothing forces a tier
    }
    let held = held_in(case, sh, m, s, t);
    let y: Vec<Variable> = (1..tiers.len()).map(|_| m.cols.binary()).collect();
    if y.len() > 1 {
        let lhs = kit::sum(y.iter().copied());
        m.le(Group::Tiers, String::new(), lhs, 1.0);
    }
    for &i in &at[0] {
        let lhs = kit::sum(y.iter().copied()) + sh.col(m, i);
        m.le(Group::Tiers, String::new(), lhs, 1.0);
    }
    let spend = |i: &usize| case.contracts[sh.x[*i].k].spend / sh.unit;
    // The volume of this period's shares priced at each tier (the base first).
    let priced_at: Vec<Expression> = at
        .iter()
        .map(|shares| shares.iter().map(|i| spend(i) * sh.col(m, *i)).sum())
        .collect();
    let mut lower = Expression::from(0.0);
    for (j, &yj) in y.iter().enumerate().map(|(j, y)| (j + 1, y)) {
        for &i in &at[j] {
            m.le(Group::Tiers, String::new(), sh.col(m, i), yj);
        }
        lower.add_mul(tiers[j].0, yj);
        // With tier j on, this period's shares priced at any other tier are off, so the rest of the volume alone
        // reaches the tier: the relaxation cannot count the base-priced part of a share towards a discount.
        let others: Expression = (0..at.len())
            .filter(|&i| i != j)
            .map(|i| priced_at[i].clone())
            .sum();
        let rest = held.clone() - others;
        m.ge(Group::Tiers, String::new(), rest, tiers[j].0 * yj);
    }
    // The volume lies in the interval of the tier that is on: at least its minimum, and where a higher tier is
    // forced, below that tier's minimum ([`ceilings`]).
    if y.len() > 1 {
        m.ge(Group::Tiers, String::new(), held.clone(), lower);
    }
    if (1..tiers.len()).any(force) {
        // Below a tier by a margin the solver's tolerance cannot eat (a millionth of the category's spend): a
        // volume filled to the tier's minimum within round-off reaches the tier for the checker.
        let margin = (1.0 / sh.unit).max(1e-6);
        let reach = sh.reach[s][t];
        let upper: Vec<f64> = (0..tiers.len())
            .map(|i| {
                (i + 1..tiers.len())
                    .find(|&j| force(j))
                    .map_or(reach, |j| (tiers[j].0 - margin).min(reach))
            })
            .collect();
        ceilings(m, held, at, &priced_at, &y, &upper);
    }
    y
}

/// The tops of the tiers' intervals of volume, `upper[i]` for tier `i` (the base first): the volume is at most
/// `sum_i upper[i] y_i` with `y_0 = 1 - sum y` (one row over every tier: with the binaries fractional, far tighter
/// than a row per forced tier with the volume's reach as its big M), and the shares priced at a tier (`at`, their
/// volume `priced_at`) at most its top, none when it is off.
fn ceilings(
    m: &mut kit::Model<Group>,
    held: Expression,
    at: &[Vec<usize>],
    priced_at: &[Expression],
    y: &[Variable],
    upper: &[f64],
) {
    let base = upper[0];
    let mut rhs = Expression::from(base);
    for (&yi, &top) in y.iter().zip(&upper[1..]) {
        rhs.add_mul(top - base, yi);
    }
    m.le(Group::Tiers, String::new(), held, rhs);
    let sum_y = kit::sum(y.iter().copied());
    for (i, volume) in priced_at.iter().enumerate() {
        if at[i].is_empty() {
            continue;
        }
        let room = if i == 0 {
            base - base * sum_y.clone()
        } else {
            upper[i] * y[i - 1]
        };
        m.le(Group::Tiers, String::new(), volume.clone(), room);
    }
}

/// The annual volume that sets supplier `s`'s tier in period `t` (units). By year: the shares it wins that have
/// started by then, and the contracts it holds today whose shares have not yet started elsewhere. After the
/// award: its volume once every share has started.
fn held_in(case: &Case, sh: &Shares, m: &kit::Model<Group>, s: usize, t: usize) -> Expression {
    if case.tier_volume == TierVolume::AfterAward {
        return sh.volume[s].clone();
    }
    let mut held = Expression::from(0.0);
    for (i, xv) in sh.x.iter().enumerate() {
        let c = &case.contracts[xv.k];
        if (xv.s == s && xv.start <= t) || (c.incumbent == s && xv.start > t) {
            held.add_mul(c.spend / sh.unit, sh.col(m, i));
        }
    }
    held
}

/// The most a supplier can hold after the award, in units of the category's spend: everything for a supplier
/// with an offer; only what it holds today for one off the shortlist (it may keep its contracts but win none).
fn held(case: &Case, s: usize, unit: f64) -> f64 {
    if case.suppliers[s].offers {
        return f64::INFINITY;
    }
    held_today(case, s, unit)
}

/// What supplier `s` holds today in the category, in units.
fn held_today(case: &Case, s: usize, unit: f64) -> f64 {
    case.contracts
        .iter()
        .filter(|c| c.incumbent == s)
        .map(|c| c.spend / unit)
        .sum()
}

/// Pass 3 (resilience): at least `min_suppliers` suppliers each hold `min_supplier_share` of the category. Each
/// switch joins the supplier's [`Holds`] when the share is above zero.
fn min_suppliers(case: &Case, sh: &Shares, m: &mut kit::Model<Group>, holds: &mut Holds) {
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
        // Switched on with no share to hold (a zero minimum share), it says nothing about volume.
        if need > 0.0 {
            holds[s].push(Expression::from(rs));
        }
        m.ge(Group::MinSuppliers, String::new(), vol.clone(), need * rs);
    }
    let min = f64::from(r.min_suppliers);
    m.ge(Group::MinSuppliers, String::new(), count, min);
}

/// Pass 4 (standardisation): at most `max_suppliers` suppliers hold volume. Per contract, x[k, s] <= z[s]: much
/// tighter than one volume row per supplier (see [`partner_max`]); and each of the supplier's [`Holds`] is at
/// most z[s] (in GM's HR and training category this lifts the LP bound's gap from 2.3% to 1.9%).
fn max_suppliers(case: &Case, sh: &Shares, m: &mut kit::Model<Group>, holds: &Holds) {
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
    for (rows, holds) in placed.into_iter().zip(holds) {
        let zs = m.cols.binary();
        used += zs;
        for e in rows.into_iter().chain(holds.iter().cloned()) {
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

/// Pass 6 (social value): the local-SME share of annual spend, the tail (fixed) included on both sides.
fn sme_share(case: &Case, sh: &Shares, m: &mut kit::Model<Group>) {
    let unit = unit(case);
    let need =
        case.sme_share_required * (sh.total + case.tail.spend / unit) - case.tail.local_sme / unit;
    if case.sme_share_required <= 0.0 || need <= 0.0 {
        return;
    }
    let mut local = Expression::from(0.0);
    for (s, sup) in case.suppliers.iter().enumerate() {
        if sup.local_sme {
            local += sh.volume[s].clone();
        }
    }
    m.ge(Group::SmeShare, String::new(), local, need);
}

/// Pass 7 (tender capacity): each partner re-lets (moves, or renews at a new price) at most its capacity in the
/// category in each plan year, pro rata to the share. A share's year is fixed by its column's timing.
fn relets(case: &Case, sh: &Shares, m: &mut kit::Model<Group>) {
    let Some(caps) = case.relet_caps.as_ref().filter(|_| case.relets_bind()) else {
        return;
    };
    let years = case.df.len();
    let mut rows: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    for (i, xv) in sh.x.iter().enumerate() {
        let c = &case.contracts[xv.k];
        let year = xv.start;
        let relet = xv.s != c.incumbent || sh.tiers[xv.s][xv.tier].1 != 1.0;
        if relet && year < years {
            *rows.entry((c.partner, year)).or_default() += sh.col(m, i);
        }
    }
    for ((p, year), lhs) in rows {
        // A capacity of at least the partner's contracts never binds.
        if caps[p][year] + 1e-9 < case.contracts_of(p) as f64 {
            m.le(Group::Relets, String::new(), lhs, caps[p][year]);
        }
    }
}

/// The money unit of a case's model: its annual spend (GBP), so the cost times this is GBP.
pub fn unit(case: &Case) -> f64 {
    case.total_spend().max(1.0)
}

/// Names of the award-share columns for the MPS file (`plan --write-model`): `award.<contract>.<supplier>.t<tier>`,
/// with `.early.y<year>` for an early end; the other columns (tiers, supplier and partner switches) keep positional names.
pub fn column_names(data: &Dataset, case: &Case, x: &[XVar]) -> BTreeMap<usize, String> {
    x.iter()
        .map(|xv| {
            let contract = &data.contracts[case.contracts[xv.k].ix].id;
            let supplier = &data.supplier(case.suppliers[xv.s].ix).id;
            let early = match xv.timing {
                Timing::Early(y) => format!(".early.y{y}"),
                _ => String::new(),
            };
            (
                xv.col,
                format!("award.{contract}.{supplier}.t{}{early}", xv.tier),
            )
        })
        .collect()
}
