//! The award's money, derived again, and its comparison with the figures the planner reported.
//!
//! Savings run from each share's start year at the price its supplier's volume that year reaches, less the model
//! file's optimism bias; termination fees, tender costs (every re-let: a move or a new price) and mobilisation
//! costs (a move) fall in that start year. Contracts that end with a released site cost and save nothing here.

use super::Ctx;
use super::timing::start_year;
use crate::domain::SupplierIx;
use crate::plan::award::{CategoryFigures, Timing};

/// The checker's award figures for a category (GBP).
pub(super) struct Money {
    /// Present value of the price savings.
    pub gross: f64,
    /// Termination fees (present value).
    pub fees: f64,
    /// Mobilisation costs of moves (present value).
    pub transitions: f64,
    /// Tender costs of re-lets (present value).
    pub tenders: f64,
}

impl Money {
    /// Sums the savings, fees and transition costs of every awarded share.
    pub(super) fn derive(cx: &Ctx) -> Money {
        // A price saving runs from its start to the end of the appraisal.
        let years = crate::check::appraisal(cx.model);
        let mut m = Money {
            gross: 0.0,
            fees: 0.0,
            transitions: 0.0,
            tenders: 0.0,
        };
        for a in cx
            .awards
            .iter()
            .filter(|a| a.timing != Timing::SiteReleased)
        {
            let c = &cx.data.contracts[a.contract];
            let Some(y) = start_year(cx, a) else {
                continue;
            };
            let price = cx.price(a.supplier, y);
            let bias = cx.model.procurement.optimism_bias;
            let annual = c.annual_spend * a.share * (1.0 - price) * (1.0 - bias);
            m.gross += (y..=years).map(|k| cx.df(k) * annual).sum::<f64>()
                + crate::check::tail(cx.model) * annual;
            let once = cx.df(y) * a.share;
            if matches!(a.timing, Timing::Early(_)) {
                m.fees += once * c.termination_fee;
            }
            let moves = a.supplier != c.supplier;
            if moves {
                m.transitions += once * cx.mobilisation;
            }
            if moves || price != 1.0 {
                m.tenders += once * cx.tender;
            }
        }
        m
    }

    /// Net present value: savings less fees, mobilisation and tender costs.
    pub(super) fn net(&self) -> f64 {
        self.gross - self.fees - self.transitions - self.tenders
    }

    /// The figures, and each supplier's volume and price, that disagree with the reported ones.
    pub(super) fn mismatches(&self, cx: &Ctx, r: &CategoryFigures) -> Vec<String> {
        let category = cx.category;
        let mut out: Vec<String> = [
            ("gross saving (present value)", self.gross, r.gross_npv),
            ("termination fees", self.fees, r.fees),
            ("transition costs", self.transitions, r.transition_costs),
            ("tender costs", self.tenders, r.tender_costs),
            ("net present value", self.net(), r.npv),
            ("annual spend today", cx.total, r.spend_today),
        ]
        .into_iter()
        .filter(|(_, mine, theirs)| !close(*mine, *theirs))
        .map(|(name, mine, theirs)| {
            format!("{category}: {name} is {mine:.2} by the checker, {theirs:.2} reported")
        })
        .collect();
        for (id, (v, _, pr)) in &r.suppliers {
            let Some(s) = cx.data.suppliers.iter().position(|s| &s.id == id) else {
                continue;
            };
            let s = SupplierIx(s as u32);
            let last = cx.starts.len();
            let mv = cx.held.get(&(s, last)).copied().unwrap_or(0.0);
            let mp = cx.price(s, last);
            if !close(mv, *v) || (mp - pr).abs() > 1e-9 {
                out.push(format!(
                    "{category}: {id} volume/price {mv:.2}/{mp} by the checker, {v:.2}/{pr} reported"
                ));
            }
        }
        out
    }
}

/// Equal to the penny, or to a relative 1e-7 on large sums.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.01_f64.max(1e-7 * a.abs().max(b.abs()))
}

#[cfg(test)]
mod tests {
    use crate::check::procurement::check_category;
    use crate::check::test_support::{CATEGORY, awards, dataset, model};
    use crate::domain::{CategorySpec, Dataset, Route, SupplierIx};
    use crate::model_config::{ModelConfig, TierVolume};
    use crate::plan::award::{Award, CategoryFigures, Timing, evaluate};
    use std::collections::BTreeMap;

    /// Green Book discount factor of plan year `y`.
    fn df(y: i32) -> f64 {
        1.035_f64.powi(1 - y)
    }

    /// K1 (GBP 50,000) ends early, paying its GBP 7,000 fee, for CHEAP in year 1 and K0 (GBP 100,000) moves to
    /// CHEAP at its natural end in year 3; each move costs GBP 1,000.
    fn two_moves_to_cheap() -> (Dataset, ModelConfig, Vec<Award>) {
        let (mut data, mut model) = (dataset(), model());
        model.procurement.transition_cost_gbp = 1000.0;
        data.contracts[1].termination_fee = 7000.0;
        let mut aw = awards(&data);
        aw[0].supplier = SupplierIx(1);
        aw[1].supplier = SupplierIx(1);
        aw[1].timing = Timing::Early(1);
        (data, model, aw)
    }

    #[test]
    fn savings_run_from_the_start_year_at_the_tier_the_volume_held_that_year_reaches() {
        let (data, mut model, aw) = two_moves_to_cheap();
        model.procurement.tier_volume = TierVolume::ByYear;
        // In year 1 CHEAP holds only K1's 50,000: below its 100,000 tier, so K1 is let at 0.95 and keeps that
        // price. In year 3 it holds 150,000: K0 is let at the 0.90 tier. INC's and NOOFFER's renewals are at
        // today's price and save nothing.
        let r = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), None);
        assert!(r.ok, "{r:?}");
        let gross =
            10_000.0 * (3..=5).map(df).sum::<f64>() + 2_500.0 * (1..=5).map(df).sum::<f64>();
        // Each one-off cost falls in the year its share starts: K1's fee and move in year 1, K0's move in year 3.
        let want = gross - 7000.0 - 1000.0 - 1000.0 * df(3);
        assert!((r.npv - want).abs() < 1e-6, "{} != {want}", r.npv);
        assert_eq!(r.plan_cost, -r.npv);
        let f = evaluate(&data, &model, &aw, &|_| None);
        assert!((f.npv - want).abs() < 1e-6, "{} != {want}", f.npv);
        // The suppliers table shows the last year: CHEAP's 150,000 at the 0.90 tier.
        assert_eq!(f.suppliers["CHEAP"], (150_000.0, Some(1), 0.9));
        // Read after the award, the whole pipeline counts from the start: K1 too is let at 0.90.
        model.procurement.tier_volume = TierVolume::AfterAward;
        let r = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), None);
        let want = want + 2_500.0 * (1..=5).map(df).sum::<f64>();
        assert!(r.ok && (r.npv - want).abs() < 1e-6, "{} != {want}", r.npv);
        let f = evaluate(&data, &model, &aw, &|_| None);
        assert!((f.npv - want).abs() < 1e-6, "{} != {want}", f.npv);
    }

    #[test]
    fn optimism_bias_sets_aside_a_share_of_every_saving_but_no_cost() {
        let (data, mut model, aw) = two_moves_to_cheap();
        let plain = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), None).npv;
        // The same award as above: GBP 7,000 of fee and GBP 1,000 + 1,000 x df(3) of moves on the savings.
        let costs = 7000.0 + 1000.0 + 1000.0 * df(3);
        model.procurement.optimism_bias = 0.25;
        let r = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), None);
        let want = 0.75 * (plain + costs) - costs;
        assert!(r.ok && (r.npv - want).abs() < 1e-6, "{} != {want}", r.npv);
        let f = evaluate(&data, &model, &aw, &|_| None);
        assert!((f.npv - want).abs() < 1e-6, "{} != {want}", f.npv);
        let k0 = f.lines.iter().find(|l| l.contract == "K0").unwrap();
        assert_eq!(k0.price_index, 0.9);
        assert!(
            (k0.annual_saving - 7_500.0).abs() < 1e-6,
            "{}",
            k0.annual_saving
        );
    }

    #[test]
    fn volume_still_with_today_s_supplier_counts_for_it_until_its_share_starts() {
        let (mut data, mut model) = (dataset(), model());
        model.procurement.tier_volume = TierVolume::ByYear;
        // INC offers 0.97 from GBP 140,000. It holds K0 (100,000), K2 (30,000) and K3 (20,000) today: 150,000.
        data.offers.push(crate::domain::Offer {
            min_volume: 140_000.0,
            price_index: 0.97,
            ..data.offers[0].clone()
        });
        model.procurement.allow_early_termination = true;
        let mut aw = awards(&data);
        // K2 leaves INC for CHEAP in year 4 (its natural end). K0 renews with INC in year 3, when INC still holds
        // K2: 150,000, so K0 is let at 0.97. Had K2 left before K0 renewed, INC would hold 120,000, below the tier.
        aw[2].supplier = SupplierIx(1);
        let r = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), None);
        assert!(r.ok, "{r:?}");
        let f = evaluate(&data, &model, &aw, &|_| None);
        let k0 = f.lines.iter().find(|l| l.contract == "K0").unwrap();
        assert_eq!((k0.start_year, k0.price_index), (Some(3), 0.97));
        // INC ends the horizon with K0 and K3 (120,000): the table shows today's price for the last year.
        assert_eq!(f.suppliers["INC"], (120_000.0, Some(0), 1.0));
        assert!((f.npv - r.npv).abs() < 1e-6, "{} != {}", f.npv, r.npv);
        // K1 renews with LOCAL at its 0.98 from year 2; CHEAP holds only K2 in year 4, at 0.95.
        let want = 3_000.0 * (3..=5).map(df).sum::<f64>()
            + 1_000.0 * (2..=5).map(df).sum::<f64>()
            + 1_500.0 * (4..=5).map(df).sum::<f64>();
        assert!((r.npv - want).abs() < 1e-6, "{} != {want}", r.npv);
    }

    #[test]
    fn the_category_row_caps_the_price_and_costs_every_re_let_after_the_lead_time() {
        let (mut data, mut model) = (dataset(), model());
        // Competitions take 9 months, so nothing starts at new terms before year 2; cleaning's evidence caps
        // any tier at 5% off, each re-let costs a GBP 500 tender and each move GBP 2,000 to mobilise (the
        // model file's GBP 1,000 transition cost gives way to the category's own).
        model.procurement.lead_months = 9;
        model.procurement.transition_cost_gbp = 1000.0;
        data.categories.push(CategorySpec {
            id: CATEGORY.into(),
            name: "Cleaning".into(),
            route: Route::Aggregation,
            price_effect: 0.05,
            tender_cost: 500.0,
            mobilisation_cost: Some(2000.0),
        });
        data.contracts[3].termination_fee = 3000.0;
        let mut aw = awards(&data);
        // K0 (GBP 100,000, ends 2018-03-31) moves to CHEAP in year 3; K1 (50,000, ends 2017-03-31) in year 2;
        // K3 (20,000, runs past the horizon) is ended early for CHEAP, from year 2 (not year 1: the lead time).
        // CHEAP's 170,000 reaches its 0.90 tier, capped at 0.95. K2 and K4 renew with INC and NOOFFER at
        // today's price: no re-let, no cost.
        for k in [0, 1, 3] {
            aw[k].supplier = SupplierIx(1);
        }
        aw[3].timing = Timing::Early(2);
        let r = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), None);
        assert!(r.ok, "{r:?}");
        let gross = 5_000.0 * (3..=5).map(df).sum::<f64>() + 3_500.0 * (2..=5).map(df).sum::<f64>();
        let once = 2500.0 * df(3) + 2500.0 * df(2) + (3000.0 + 2500.0) * df(2);
        assert!(
            (r.npv - (gross - once)).abs() < 1e-6,
            "{} != {}",
            r.npv,
            gross - once
        );
        // The planner's own definition gives the same figures.
        let f = evaluate(&data, &model, &aw, &|_| None);
        assert!((f.npv - r.npv).abs() < 1e-6, "{} != {}", f.npv, r.npv);
        assert!((f.tender_costs - 500.0 * (df(3) + 2.0 * df(2))).abs() < 1e-6);
        // A lead time past the horizon leaves an early end nowhere to start.
        model.procurement.lead_months = 60;
        let r = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), None);
        assert!(
            r.violations.iter().any(|v| v.detail
                == "contract K3 is ended early, but the lead time leaves no plan year to start in"),
            "{r:?}"
        );
    }

    #[test]
    fn reported_figures_that_disagree_are_mismatches_not_violations() {
        let (data, model) = (dataset(), model());
        let aw = awards(&data);
        let mine = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), None);
        let reported = CategoryFigures {
            gross_npv: mine.npv,
            npv: mine.npv,
            spend_today: 280_000.0,
            suppliers: BTreeMap::from([("LOCAL".to_string(), (50_000.0, Some(0), 0.98))]),
            ..CategoryFigures::default()
        };
        let r = check_category(
            &data,
            &model,
            CATEGORY,
            &aw,
            &BTreeMap::new(),
            Some(&reported),
        );
        assert!(r.ok, "{r:?}");
        let wrong = CategoryFigures {
            spend_today: 290_000.0,
            suppliers: BTreeMap::from([("LOCAL".to_string(), (50_000.0, Some(0), 0.97))]),
            ..reported
        };
        let r = check_category(&data, &model, CATEGORY, &aw, &BTreeMap::new(), Some(&wrong));
        assert!(!r.ok && r.violations.is_empty());
        assert_eq!(
            r.mismatches,
            [
                "cleaning: annual spend today is 280000.00 by the checker, 290000.00 reported",
                "cleaning: LOCAL volume/price 50000.00/0.98 by the checker, 50000.00/0.97 reported",
            ]
        );
    }
}
