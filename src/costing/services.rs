//! The economics of shared services, defined once (issue 17): how many FTE a hub needs for the work it pools,
//! what each member pays and saves, and the one-off costs of getting there.
//!
//! **The scale curve.** A hub doing the work of `P` pooled in-house FTE needs `hub_fte(P) = P` up to the
//! function's `reference_fte` `P_ref` (no saving for a small service), and `P_ref^(1-b) * P^b` above it, with
//! `b` the function's `scale_exponent` (0 < b <= 1; b = 1 saves nothing). A MILP can only hold that curve as a
//! piecewise-linear function, so the curve used everywhere — the model, the evaluator and the checker — is the
//! interpolation of the exact curve at fixed breakpoints ([`ScaleCurve`]): 0, `P_ref`, then `P_ref` times
//! [`STEP`] to the power k until the largest pool the data allows is passed. The curve is concave, so its chords
//! lie just below it: the interpolation never needs more FTE than the exact curve and errs by at most a small
//! share of it (a unit test bounds it). Because every part uses the same breakpoints, the model is exact for the
//! curve it reports.
//!
//! **Money.** Staff cost `cost_per_fte_gbp` a year per FTE, in house or in a hub. A member joining a hub hands over
//! `(1 - retained_share)` of its in-house FTE (the rest stays: the intelligent client); the hub's staff cost is
//! shared among its members in proportion to the FTE they handed over, and a member of the other sector pays
//! `cross_sector_vat` on top of its share (VAT on recharges it cannot recover). One-off costs in the joining
//! year: migration per member, set-up per hub (its first year), redundancy per FTE saved, and dual running of
//! `dual_running_months / 12` of a year of the transferring FTE's cost.

use crate::domain::{Dataset, FunctionSpec, OrgIx};
use crate::model_config::ModelConfig;

/// The ratio between successive breakpoints above the reference size.
pub const STEP: f64 = 1.5;

/// The exact economies-of-scale curve: FTE a hub needs for `pooled` in-house FTE.
pub fn exact_hub_fte(spec: &FunctionSpec, pooled: f64) -> f64 {
    // A zero reference size is taken as one FTE: `P_ref^(1-b) * P^b` would otherwise be 0.
    let p_ref = spec.reference_fte.max(1.0);
    if pooled <= p_ref {
        pooled
    } else {
        p_ref.powf(1.0 - spec.scale_exponent) * pooled.powf(spec.scale_exponent)
    }
}

/// A function's scale curve as the piecewise-linear interpolation every part of the tool uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaleCurve {
    /// Breakpoints `(pooled FTE, hub FTE)`, increasing in pooled FTE, starting at `(0, 0)`.
    pub points: Vec<(f64, f64)>,
}

impl ScaleCurve {
    /// The curve of `spec` up to at least `max_pooled` FTE (the largest pool the data allows).
    pub fn new(spec: &FunctionSpec, max_pooled: f64) -> ScaleCurve {
        let p_ref = spec.reference_fte.max(1.0);
        let mut points = vec![(0.0, 0.0), (p_ref, exact_hub_fte(spec, p_ref))];
        let mut p = p_ref;
        while p < max_pooled {
            p *= STEP;
            points.push((p, exact_hub_fte(spec, p)));
        }
        ScaleCurve { points }
    }

    /// Hub FTE for `pooled` FTE: linear between breakpoints, the last segment extended beyond the last one.
    pub fn hub_fte(&self, pooled: f64) -> f64 {
        let i = self
            .points
            .windows(2)
            .position(|w| pooled <= w[1].0)
            .unwrap_or(self.points.len() - 2);
        let ((p0, h0), (p1, h1)) = (self.points[i], self.points[i + 1]);
        h0 + (h1 - h0) * (pooled - p0) / (p1 - p0)
    }

    /// The segments as `(from pooled FTE, to pooled FTE, hub FTE per pooled FTE)`: what a MILP builds the curve
    /// from (one binary per segment, since a concave curve needs them).
    pub fn segments(&self) -> Vec<(f64, f64, f64)> {
        self.points
            .windows(2)
            .map(|w| (w[0].0, w[1].0, (w[1].1 - w[0].1) / (w[1].0 - w[0].0)))
            .collect()
    }
}

/// The per-FTE rates of moving staff to a hub, from the estates rules: staff who transfer move to the hub's
/// site as a team that moves would (relocation per head and fit-out of the desks they need, once; extra travel
/// per km a year for the rest of the horizon).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TransferRates {
    /// One-off cost of moving one FTE to the hub (GBP).
    pub move_per_fte: f64,
    /// Yearly cost per FTE per km of extra distance (GBP).
    pub travel_per_km_fte: f64,
}

impl TransferRates {
    /// The rates of a model file.
    pub fn of(model: &ModelConfig) -> TransferRates {
        let e = &model.estates;
        TransferRates {
            move_per_fte: e.budget.relocation_per_head + e.budget.fitout_per_desk * e.desk_ratio,
            travel_per_km_fte: e.staff.travel_cost_per_km_head_year,
        }
    }
}

/// A partner's in-house teams of a function: its teams of that function that are not a shared service's staff
/// (their headcount, taken as FTE, is what the partner could pool).
pub fn in_house_teams(data: &Dataset, org: OrgIx, function: usize) -> Vec<usize> {
    let id = &data.functions[function].id;
    data.teams
        .iter()
        .enumerate()
        .filter(|(_, t)| t.organisation == org && &t.function == id && t.service.is_none())
        .map(|(i, _)| i)
        .collect()
}

/// The pooled FTE a hub starts from (its members' FTE when it exists today, else 0) and the curve's segments
/// above it, up to `max_pooled`: `(length in pooled FTE, hub FTE per pooled FTE)`. The MILP fills them in order.
pub fn segments_from(curve: &ScaleCurve, from: f64, max_pooled: f64) -> Vec<(f64, f64)> {
    curve
        .segments()
        .into_iter()
        .filter_map(|(a, z, slope)| {
            let (lo, hi) = (a.max(from), z.min(max_pooled.max(from)));
            (hi > lo + 1e-9).then_some((hi - lo, slope))
        })
        .collect()
}

/// The FTE a hub saves when its pooled FTE grows from `from` to `to`: the FTE handed over less the extra FTE the
/// hub needs for them.
pub fn fte_saved(curve: &ScaleCurve, from: f64, to: f64) -> f64 {
    (to - from) - (curve.hub_fte(to) - curve.hub_fte(from))
}

/// The one-off cost of one member joining: migration, dual running of the FTE it transfers, and moving them.
pub fn join_one_off(spec: &FunctionSpec, transferred: f64, rates: TransferRates) -> f64 {
    joining_one_off(spec, transferred) + rates.move_per_fte * transferred
}

/// The yearly cost a member carries from its joining year on, besides its share of the hub: VAT on its share
/// when the hub is of the other sector, and its transferred staff's extra travel (`fte_km`: FTE times km).
///
/// The VAT is charged on the in-house cost of the FTE it transferred, an upper bound on the VAT of its share of
/// the hub's cost (economies of scale make the share smaller): a linear model cannot hold the exact share, and
/// over-stating a cost keeps the plan honest.
pub fn join_yearly(
    spec: &FunctionSpec,
    transferred: f64,
    cross_sector: bool,
    fte_km: f64,
    rates: TransferRates,
) -> f64 {
    let vat = if cross_sector {
        spec.cross_sector_vat * spec.cost_per_fte * transferred
    } else {
        0.0
    };
    vat + rates.travel_per_km_fte * fte_km
}

/// FTE a member hands to a hub out of its in-house FTE for the function.
pub fn transferred_fte(spec: &FunctionSpec, in_house: f64) -> f64 {
    (1.0 - spec.retained_share) * in_house
}

/// The one-off cost of one member joining: migration, and dual running of the FTE it transfers.
pub fn joining_one_off(spec: &FunctionSpec, transferred: f64) -> f64 {
    spec.migration_per_body + spec.dual_running_months / 12.0 * spec.cost_per_fte * transferred
}

/// The one-off cost of the FTE a hub saves: redundancy per FTE saved.
pub fn redundancy(spec: &FunctionSpec, fte_saved: f64) -> f64 {
    spec.redundancy_per_fte * fte_saved.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Function, SectorRule};

    fn spec(b: f64, p_ref: f64) -> FunctionSpec {
        FunctionSpec {
            id: Function("payroll".into()),
            name: "Payroll".into(),
            cost_per_fte: 30_000.0,
            scale_exponent: b,
            reference_fte: p_ref,
            retained_share: 0.2,
            max_hubs: 2,
            sector_rule: SectorRule::SameSector,
            setup: 1_000_000.0,
            migration_per_body: 250_000.0,
            redundancy_per_fte: 20_000.0,
            dual_running_months: 6.0,
            cross_sector_vat: 0.2,
            poolable: true,
        }
    }

    #[test]
    fn the_exact_curve_by_hand() {
        let s = spec(0.8, 20.0);
        assert_eq!(exact_hub_fte(&s, 15.0), 15.0);
        assert_eq!(exact_hub_fte(&s, 20.0), 20.0);
        // 20^0.2 * 80^0.8 = 20 * 4^0.8 = 60.6286...
        assert!((exact_hub_fte(&s, 80.0) - 20.0 * 4f64.powf(0.8)).abs() < 1e-9);
        // b = 1 saves nothing at any size.
        assert_eq!(exact_hub_fte(&spec(1.0, 20.0), 500.0), 500.0);
    }

    #[test]
    fn the_interpolation_meets_the_curve_at_breakpoints_and_stays_within_half_a_percent_below_it() {
        for b in [0.6, 0.75, 0.85, 0.95, 1.0] {
            let s = spec(b, 25.0);
            let c = ScaleCurve::new(&s, 2_000.0);
            assert!(c.points.last().unwrap().0 >= 2_000.0);
            for &(p, h) in &c.points {
                assert!((c.hub_fte(p) - h).abs() < 1e-9 && (h - exact_hub_fte(&s, p)).abs() < 1e-9);
            }
            let mut p = 0.0;
            while p <= 2_000.0 {
                let (exact, interpolated) = (exact_hub_fte(&s, p), c.hub_fte(p));
                assert!(
                    interpolated <= exact + 1e-9,
                    "b {b} p {p}: chords lie below a concave curve"
                );
                assert!(
                    exact - interpolated <= 0.005 * exact + 1e-9,
                    "b {b} p {p}: {interpolated} vs {exact}"
                );
                p += 0.7;
            }
        }
    }

    #[test]
    fn segments_rebuild_the_curve_and_their_slopes_fall() {
        let c = ScaleCurve::new(&spec(0.8, 20.0), 300.0);
        let segs = c.segments();
        assert_eq!(segs[0], (0.0, 20.0, 1.0));
        assert!(
            segs.windows(2).all(|w| w[1].2 < w[0].2 + 1e-12),
            "concave: slopes fall"
        );
        let at = |p: f64| {
            segs.iter()
                .map(|&(a, z, slope)| slope * (p.min(z) - a).max(0.0))
                .sum::<f64>()
        };
        for p in [0.0, 7.0, 20.0, 44.4, 123.0, 300.0] {
            assert!((at(p) - c.hub_fte(p)).abs() < 1e-9);
        }
    }

    #[test]
    fn money_of_a_member_by_hand() {
        let s = spec(0.8, 20.0);
        assert_eq!(transferred_fte(&s, 50.0), 40.0);
        // VAT across sectors: 20% of 40 FTE at 30,000 = 240,000 a year; plus 40 FTE x 5 km at GBP 100 per km.
        let rates = TransferRates {
            move_per_fte: 2_000.0,
            travel_per_km_fte: 100.0,
        };
        assert!((join_yearly(&s, 40.0, true, 200.0, rates) - 260_000.0).abs() < 1e-6);
        assert!((join_yearly(&s, 40.0, false, 200.0, rates) - 20_000.0).abs() < 1e-6);
        assert!((join_one_off(&s, 40.0, rates) - 930_000.0).abs() < 1e-6);
        // Migration 250,000 plus six months of 40 FTE at 30,000 = 600,000.
        assert!((joining_one_off(&s, 40.0) - 850_000.0).abs() < 1e-6);
        assert_eq!(redundancy(&s, 12.5), 250_000.0);
        assert_eq!(redundancy(&s, -1.0), 0.0);
    }
}
