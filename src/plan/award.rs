//! A procurement award: who buys each contract's volume from whom, from when, and the figures that follow.
//!
//! The economics are defined once here, in [`evaluate`], and documented in the README. A contract's volume
//! (annual spend at today's prices) moves to the price of its new supplier's volume tier from the first plan
//! year that starts on or after the contract's end ("natural"), or from year 1 when it is ended early
//! ("early", paying the termination fee pro rata to the share ended). A supplier's tier is set by the whole annual volume it holds in the
//! category after the award (all-units discount: the highest tier whose minimum the volume reaches). Contracts
//! that run past the horizon and are not ended early keep their supplier ("locked", no saving); contracts tied
//! to a site the estates plan releases end with the site ("site released", no procurement saving: the estates
//! plan already counts the site's running costs). Each contract moved to another supplier pays the transition
//! cost, pro rata to the share moved. Termination fees and transition costs fall in year 1.

use crate::domain::{Dataset, SupplierIx};
use crate::model_config::ModelConfig;
use chrono::{Months, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The columns of `awards.csv`, in order (also the columns `evaluate` accepts).
pub const AWARD_COLUMNS: [&str; 13] = [
    "category",
    "partner",
    "contract",
    "from_supplier",
    "to_supplier",
    "share",
    "spend_gbp",
    "timing",
    "year",
    "price_index",
    "annual_saving_gbp",
    "npv_saving_gbp",
    "reason",
];

/// How an awarded share of a contract starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// At the contract's natural end (renewal when the supplier stays the same).
    Natural,
    /// From year 1, ending the contract early and paying its termination fee.
    Early,
    /// The contract runs past the horizon and stays as it is.
    Locked,
    /// The contract ends with the site it serves, which the estates plan releases.
    SiteReleased,
}

impl Timing {
    /// The word used in `awards.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Timing::Natural => "natural",
            Timing::Early => "early",
            Timing::Locked => "locked",
            Timing::SiteReleased => "site_released",
        }
    }
}

/// One share of one contract awarded to one supplier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Award {
    /// Index into [`Dataset::contracts`].
    pub contract: usize,
    /// The supplier from the start year (the same as today's for a renewal or a locked contract).
    pub supplier: SupplierIx,
    /// Share of the contract's annual spend (0..1].
    pub share: f64,
    /// When it starts.
    pub timing: Timing,
}

/// The first plan year (0-based; `years` when none) that starts on or after `end`.
pub fn free_year(start: NaiveDate, years: usize, end: NaiveDate) -> usize {
    (0..years)
        .find(|&y| {
            start
                .checked_add_months(Months::new(12 * y as u32))
                .is_some_and(|d| d >= end)
        })
        .unwrap_or(years)
}

/// The tier a supplier's annual volume in a category reaches: `(tier position, price index)`, tiers sorted by
/// minimum volume. `None` when the supplier has no offer in the category (today's price applies).
pub fn tier_for(tiers: &[(f64, f64)], volume: f64) -> Option<(usize, f64)> {
    tiers
        .iter()
        .enumerate()
        .rev()
        .find(|(_, (min, _))| volume + 1e-6 >= *min)
        .map(|(i, (_, price))| (i, *price))
}

/// One supplier's offer in one category: `(min volume, price index)` tiers sorted by min volume, and capacity.
pub type OfferTiers = (Vec<(f64, f64)>, f64);

/// The offer tiers of every (supplier, category).
pub fn offer_book(data: &Dataset) -> BTreeMap<(SupplierIx, &str), OfferTiers> {
    let mut book: BTreeMap<(SupplierIx, &str), OfferTiers> = BTreeMap::new();
    for o in &data.offers {
        let e = book
            .entry((o.supplier, o.category.as_str()))
            .or_insert((Vec::new(), o.capacity));
        e.0.push((o.min_volume, o.price_index));
    }
    for (tiers, _) in book.values_mut() {
        tiers.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    book
}

/// One award with its figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwardLine {
    /// Contract id.
    pub contract: String,
    /// Buyer id.
    pub partner: String,
    /// Today's supplier id.
    pub from_supplier: String,
    /// The supplier from the start year.
    pub to_supplier: String,
    /// Share of the contract.
    pub share: f64,
    /// Annual spend moved, at today's prices (GBP a year).
    pub spend: f64,
    /// When it starts.
    pub timing: Timing,
    /// First plan year (1-based) at the new price; `None` when it never starts within the horizon.
    pub start_year: Option<usize>,
    /// Price index from the start year.
    pub price_index: f64,
    /// Annual saving from the start year (GBP a year).
    pub annual_saving: f64,
    /// Present value of the saving over the horizon (GBP).
    pub npv_saving: f64,
}

impl AwardLine {
    /// Why this line is what it is, in words (the `reason` column of `awards.csv`).
    pub fn reason(&self) -> String {
        use crate::text::money;
        let part = if self.share < 1.0 - 1e-9 {
            format!("{:.0}% of the contract ", self.share * 100.0)
        } else {
            String::new()
        };
        let moved = self.to_supplier != self.from_supplier;
        let saving = money(self.annual_saving);
        match (self.timing, self.start_year) {
            (Timing::SiteReleased, _) => {
                "ends with the site it serves, which the estates plan releases".into()
            }
            (Timing::Locked, _) => {
                "runs past the plan's horizon (early termination not allowed or not worth \
                                    its fee): stays as it is"
                    .into()
            }
            (_, None) => "ends after the plan's horizon: stays as it is".into(),
            (Timing::Early, Some(_)) if moved => format!(
                "{part}ended early (termination fee paid) and moved to {}: saves GBP {saving} a year from year 1",
                self.to_supplier
            ),
            (Timing::Early, Some(_)) => format!(
                "{part}ended early and re-let to {} at the pooled tier price: saves GBP {saving} a year from year 1",
                self.to_supplier
            ),
            (Timing::Natural, Some(y)) if moved => format!(
                "{part}moved to {} at its natural end: saves GBP {saving} a year from year {y}",
                self.to_supplier
            ),
            (Timing::Natural, Some(y)) if self.annual_saving > 0.005 => format!(
                "{part}renewed with {} at its natural end at the pooled tier price: saves GBP {saving} a year from \
                 year {y}",
                self.to_supplier
            ),
            (Timing::Natural, Some(_)) => format!(
                "{part}renewed with today's supplier at its natural end: no better offer within the rules"
            ),
        }
    }
}

/// The figures of one category's award.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CategoryFigures {
    /// Every award line, in contract order.
    pub lines: Vec<AwardLine>,
    /// Per supplier id holding volume: annual volume, tier position (`None` without an offer) and price.
    pub suppliers: BTreeMap<String, (f64, Option<usize>, f64)>,
    /// Annual spend today (GBP a year), contracts ended with released sites excluded.
    pub spend_today: f64,
    /// Present value of the price savings (GBP).
    pub gross_npv: f64,
    /// Termination fees paid (GBP, year 1).
    pub fees: f64,
    /// Transition costs (GBP, year 1).
    pub transition_costs: f64,
    /// Contracts moved (wholly or in part) to another supplier.
    pub switches: usize,
    /// Net present value: savings less fees and transition costs (GBP).
    pub npv: f64,
    /// Net saving in each plan year, undiscounted (index 0 = year 1).
    pub by_year: Vec<f64>,
    /// Net present value per partner id.
    pub by_partner: BTreeMap<String, f64>,
    /// Share of annual spend with local SMEs after the award.
    pub local_sme_share: f64,
    /// Share of annual spend with local SMEs today.
    pub local_sme_share_today: f64,
}

/// Computes the figures of one category's awards. `awards` may be in any order; the lines come out in
/// (contract, supplier) order.
pub fn evaluate(
    data: &Dataset,
    model: &ModelConfig,
    awards: &[Award],
    release_year: &dyn Fn(usize) -> Option<usize>,
) -> CategoryFigures {
    let years = model.horizon_years as usize;
    let df = crate::costing::Discount::of(model).df;
    let book = offer_book(data);
    let mut sorted = awards.to_vec();
    sorted.sort_by_key(|a| (a.contract, a.supplier));
    let mut f = CategoryFigures {
        by_year: vec![0.0; years],
        ..CategoryFigures::default()
    };
    // Volumes after the award decide the tiers.
    let mut volume: BTreeMap<SupplierIx, f64> = BTreeMap::new();
    let mut lme = (0.0, 0.0);
    let mut counted = BTreeSet::new();
    for a in &sorted {
        let c = &data.contracts[a.contract];
        if a.timing == Timing::SiteReleased {
            continue;
        }
        let v = c.annual_spend * a.share;
        *volume.entry(a.supplier).or_default() += v;
        if is_local_sme(data, a.supplier) {
            lme.0 += v;
        }
        if counted.insert(a.contract) {
            f.spend_today += c.annual_spend;
            if is_local_sme(data, c.supplier) {
                lme.1 += c.annual_spend;
            }
        }
    }
    f.local_sme_share = ratio(lme.0, f.spend_today);
    f.local_sme_share_today = ratio(lme.1, f.spend_today);
    let category = sorted
        .first()
        .map_or("", |a| data.contracts[a.contract].category.as_str());
    let price_of = |s: SupplierIx| -> (Option<usize>, f64) {
        let v = volume.get(&s).copied().unwrap_or(0.0);
        match book.get(&(s, category)).and_then(|(t, _)| tier_for(t, v)) {
            Some((i, p)) => (Some(i), p),
            None => (None, 1.0),
        }
    };
    for (&s, &v) in &volume {
        let (tier, price) = price_of(s);
        f.suppliers
            .insert(data.supplier(s).id.clone(), (v, tier, price));
    }
    let mut switched = BTreeSet::new();
    for a in &sorted {
        let c = &data.contracts[a.contract];
        let spend = c.annual_spend * a.share;
        let start_year = match a.timing {
            Timing::Natural => {
                let y = free_year(model.start_date, years, c.end);
                (y < years).then_some(y + 1)
            }
            Timing::Early => Some(1),
            Timing::Locked => None,
            Timing::SiteReleased => release_year(a.contract),
        };
        let (price, annual_saving) = match a.timing {
            Timing::SiteReleased => (1.0, 0.0),
            _ if start_year.is_none() => (1.0, 0.0),
            _ => {
                let p = price_of(a.supplier).1;
                (p, spend * (1.0 - p))
            }
        };
        let mut npv_saving = 0.0;
        if let Some(y) = start_year.filter(|_| annual_saving != 0.0) {
            for (d, cell) in df.iter().zip(f.by_year.iter_mut()).skip(y - 1) {
                npv_saving += d * annual_saving;
                *cell += annual_saving;
            }
        }
        let partner = data.org(c.organisation).id.clone();
        *f.by_partner.entry(partner.clone()).or_default() += npv_saving;
        f.gross_npv += npv_saving;
        if a.timing == Timing::Early {
            let fee = c.termination_fee * a.share;
            f.fees += fee;
            *f.by_partner.entry(partner.clone()).or_default() -= fee;
            if years > 0 {
                f.by_year[0] -= fee;
            }
        }
        if matches!(a.timing, Timing::Natural | Timing::Early) && a.supplier != c.supplier {
            if switched.insert(a.contract) {
                f.switches += 1;
            }
            let t = model.procurement.transition_cost_gbp * a.share;
            f.transition_costs += t;
            *f.by_partner.entry(partner.clone()).or_default() -= t;
            if years > 0 {
                f.by_year[0] -= t;
            }
        }
        f.lines.push(AwardLine {
            contract: c.id.clone(),
            partner,
            from_supplier: data.supplier(c.supplier).id.clone(),
            to_supplier: data.supplier(a.supplier).id.clone(),
            share: a.share,
            spend,
            timing: a.timing,
            start_year,
            price_index: price,
            annual_saving,
            npv_saving,
        });
    }
    f.npv = f.gross_npv - f.fees - f.transition_costs;
    f
}

/// A local SME supplier (the social-value rule).
pub fn is_local_sme(data: &Dataset, s: SupplierIx) -> bool {
    let s = data.supplier(s);
    s.sme && s.local
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_year_is_the_first_year_starting_on_or_after_the_end() {
        let start = NaiveDate::from_ymd_opt(2016, 4, 1).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(free_year(start, 5, d(2015, 1, 1)), 0);
        assert_eq!(free_year(start, 5, d(2016, 4, 1)), 0);
        assert_eq!(free_year(start, 5, d(2016, 4, 2)), 1);
        assert_eq!(free_year(start, 5, d(2020, 4, 1)), 4);
        assert_eq!(free_year(start, 5, d(2020, 4, 2)), 5);
    }

    #[test]
    fn all_units_tier_is_the_highest_minimum_reached() {
        let tiers = [(0.0, 1.0), (100.0, 0.97), (200.0, 0.94)];
        assert_eq!(tier_for(&tiers, 0.0), Some((0, 1.0)));
        assert_eq!(tier_for(&tiers, 99.99), Some((0, 1.0)));
        assert_eq!(tier_for(&tiers, 100.0), Some((1, 0.97)));
        assert_eq!(tier_for(&tiers, 1e9), Some((2, 0.94)));
        assert_eq!(tier_for(&[], 5.0), None);
    }
}
