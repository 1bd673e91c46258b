//! Rent between partners is a transfer: a site leased from another partner changes the partnership's NPV only by
//! resource costs, while each partner's own share still shows the rent it stops paying or receiving.

use crate::common::data;
use consolidate::check::check;
use consolidate::domain::{Dataset, OrgIx, SiteIx};
use consolidate::estates::candidates;
use consolidate::model_config::ModelConfig;
use consolidate::plan::{self, Kpis, Plan, SiteDecision};

/// Tiny's Eastgate House (S2, T1's lease: GBP 240,000 a year, break 2017-03-31, premium GBP 120,000) released in
/// `year`, its two teams moved to Northfield General (S1); the figures and the checker's plan cost.
fn release_s2(data: &Dataset, model: &ModelConfig, year: u32) -> (Kpis, f64) {
    let mut plan = Plan::baseline(data);
    plan.sites[1] = SiteDecision::Release(year);
    for t in [1, 2] {
        plan.teams[t] = vec![(SiteIx(0), 1.0)];
    }
    let cand = candidates::build(data, model);
    let k = plan::evaluate(data, &cand, &plan);
    let c = check(data, model, &plan, Some(&k));
    assert!(c.violations.is_empty(), "{:?}", c.violations);
    assert!(c.mismatches.is_empty(), "{:?}", c.mismatches);
    (k, c.plan_cost)
}

#[test]
fn a_lease_between_partners_changes_the_system_npv_only_by_resource_costs() {
    let model = ModelConfig::default();
    let loaded = consolidate::input::load(&data("tiny"), &model);
    assert_eq!(loaded.errors(), 0);
    let outside = loaded.dataset;
    let mut inside = outside.clone();
    // The council (C1) is T1's landlord at Eastgate House.
    inside.sites[1].landlord = Some(OrgIx(1));
    let df = |y: i32| (1.0 + model.discount_rate).powi(-(y - 1));
    let annuity = |from: i32| (from..=model.horizon_years as i32).map(df).sum::<f64>();
    // Year 1 (2016-04-01, 364 days before the break): the rent to the break and the premium are paid to C1.
    // Year 2 (after the break): only the rent stops.
    let to_break = 240_000.0 * 364.0 / 365.25 + 120_000.0;
    for (year, leaving) in [(1, to_break), (2, 0.0)] {
        let (a, a_checked) = release_s2(&outside, &model, year);
        let (b, b_checked) = release_s2(&inside, &model, year);
        let moved = 240_000.0 * annuity(year as i32) - leaving * df(year as i32);
        // The partnership no longer counts the rent it pays itself, saved or paid on leaving.
        assert!(
            (a.npv - b.npv - moved).abs() < 1e-6,
            "year {year}: {} vs {}",
            a.npv,
            b.npv
        );
        assert!((b.plan_cost - b_checked).abs() < 1e-6 && (a.plan_cost - a_checked).abs() < 1e-6);
        // The tenant's own share is unchanged; the landlord's falls by what the tenant gains.
        let share = |k: &Kpis, p: &str| k.savings_by_partner[p];
        assert!((share(&a, "T1") - share(&b, "T1")).abs() < 1e-6);
        assert!((share(&b, "C1") - share(&a, "C1") + moved).abs() < 1e-6);
        // The NPV's parts add up to it and name what was left out.
        assert!((b.npv_parts.transfers_excluded - moved).abs() < 1e-6);
        assert_eq!(a.npv_parts.transfers_excluded, 0.0);
        for k in [&a, &b] {
            assert!((k.npv_parts.total() - k.npv).abs() < 1e-6);
        }
    }
}
