//! A procurement award: who buys each contract's volume from whom, from when, and the figures that follow.
//!
//! The economics are defined once here, in [`evaluate`], and documented in the README. A contract's volume
//! (annual spend at today's prices) moves to the price of its new supplier's volume tier from the first plan
//! year that starts on or after the contract's end and after the lead time a competition takes ("natural"), or,
//! ended early, from a plan year of its choosing after the lead time and before its natural end ("early", paying
//! the termination fee pro rata to the share ended, in that year). A share's price is its new supplier's all-units tier (the highest tier whose minimum the
//! supplier's whole annual volume in the category reaches), fixed from its start year on as the terms of the
//! re-let. By default (`tier_volume = "after_award"`) the volume is what the supplier holds once the whole award
//! has started, the pipeline committed to it; with `by_year` it is what the supplier holds in the share's start
//! year ([`held_by_year`]): volume it wins later does not reprice shares let before it arrived, and volume still
//! with today's supplier counts for today's supplier. Each tier's discount is capped at the category's published
//! price effect ([`Terms`]). Contracts that run past the horizon and are not ended
//! early keep their supplier ("locked", no saving); contracts tied to a site the estates plan releases end with
//! the site ("site released", no procurement saving: the estates plan already counts the site's running costs).
//! Every re-let (a move, or a renewal at a new price) pays the category's tender cost, and a move its
//! mobilisation cost, pro rata to the share; fees and these costs fall in the year the share starts.

use crate::domain::{Dataset, Route, SupplierIx};
use crate::model_config::{ModelConfig, TierVolume};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timing {
    /// At the contract's natural end (renewal when the supplier stays the same).
    Natural,
    /// Ending the contract early and paying its termination fee, to start at new terms in this plan year
    /// (1-based): one after the lead time and before the contract's natural end (tender capacity may spread early
    /// ends over the years).
    Early(usize),
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
            Timing::Early(_) => "early",
            Timing::Locked => "locked",
            Timing::SiteReleased => "site_released",
        }
    }
}

/// Written as its word (the year is a column of its own wherever it is written).
impl Serialize for Timing {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
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

/// How a category is bought jointly and what re-letting costs: its `categories.csv` row, or, without one, by
/// aggregation at the offers' own tiers with the model file's transition cost and no tender cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Terms {
    /// How the category is bought.
    pub route: Route,
    /// Lowest price index any tier may give (1 - the price effect); 0 without a cap.
    pub floor: f64,
    /// Tender cost per re-let contract (GBP).
    pub tender: f64,
    /// Mobilisation cost per contract moved to another supplier (GBP).
    pub mobilisation: f64,
}

/// The terms of `category`.
pub fn terms(data: &Dataset, model: &ModelConfig, category: &str) -> Terms {
    let fallback = model.procurement.transition_cost_gbp;
    match data.categories.iter().find(|c| c.id == category) {
        Some(c) => Terms {
            route: c.route,
            floor: 1.0 - c.price_effect,
            tender: c.tender_cost,
            mobilisation: c.mobilisation_cost.unwrap_or(fallback),
        },
        None => Terms {
            route: Route::Aggregation,
            floor: 0.0,
            tender: 0.0,
            mobilisation: fallback,
        },
    }
}

/// The award covers `category`: `categories.csv` does not put it out of scope, and the model file lists it when
/// it lists any.
pub fn covered(data: &Dataset, model: &ModelConfig, category: &str) -> bool {
    let listed = &model.procurement.categories;
    terms(data, model, category).route != Route::OutOfScope
        && (listed.is_empty() || listed.iter().any(|c| c == category))
}

/// The function whose staff run competitions: `relets_per_procurement_fte` counts their FTE.
pub const PROCUREMENT_FUNCTION: &str = "procurement";

/// Partner `p`'s tender capacity over all categories in a plan year, `None` without the rule (both keys 0):
/// `relets_per_partner_year`, plus `relets_per_procurement_fte` for every FTE of its `procurement` teams, rounded
/// down.
pub fn yearly_relets(data: &Dataset, model: &ModelConfig, p: crate::domain::OrgIx) -> Option<u32> {
    if !relets_limited(model) {
        return None;
    }
    let (flat, per_fte) = (
        model.procurement.relets_per_partner_year,
        model.procurement.relets_per_procurement_fte,
    );
    let fte: u32 = data
        .teams
        .iter()
        .filter(|t| t.organisation == p && t.function.0 == PROCUREMENT_FUNCTION)
        .map(|t| t.headcount)
        .sum();
    Some(flat + (per_fte * f64::from(fte)).floor() as u32)
}

/// True when a tender-capacity rule applies (either of its keys above 0).
fn relets_limited(model: &ModelConfig) -> bool {
    model.procurement.relets_per_partner_year > 0
        || model.procurement.relets_per_procurement_fte > 0.0
}

/// How the award's prices are read, in words for the reports: the volume that sets a tier, and the optimism bias
/// set aside, if any.
pub fn basis(model: &ModelConfig) -> String {
    let tiers = match model.procurement.tier_volume {
        TierVolume::ByYear => {
            "Each re-let is priced at the tier its supplier reaches on the volume it holds in the year the \
             contract is let (tier_volume = by_year)"
        }
        TierVolume::AfterAward => {
            "Each re-let is priced at the tier its supplier reaches on the volume the whole award commits to it \
             (tier_volume = after_award)"
        }
    };
    let bias = model.procurement.optimism_bias;
    if bias > 0.0 {
        format!(
            "{tiers}; {:.0}% of every price saving is set aside for optimism bias (Green Book).",
            bias * 100.0
        )
    } else {
        format!("{tiers}; no optimism bias is applied to the savings.")
    }
}

/// The published range of savings from aggregated public buying the award's yearly saving rate is held against:
/// a share of spend a year.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
pub struct PublishedRange {
    /// The low end: purchases through Crown Commercial Service frameworks.
    pub low: f64,
    /// The high end: all CCS deals, demand savings included.
    pub high: f64,
    /// Where the figures come from.
    pub source: &'static str,
}

/// The NAO's figures for the Crown Commercial Service in 2015-16: GBP 521m of savings on GBP 12.8bn of spend
/// through its deals (4.1%, demand savings included); 2.4% on purchases through its frameworks.
pub const PUBLISHED_AGGREGATION_RATES: PublishedRange = PublishedRange {
    low: 0.024,
    high: 0.041,
    source: "NAO, Crown Commercial Service, HC 786 (2017): CCS deals in 2015-16, GBP 12.8bn of spend",
};

/// The award's saving held against [`PUBLISHED_AGGREGATION_RATES`], in words for the reports: the price saving of
/// the horizon's last year as a share of the spend under contract (and of the whole spend, the tail included), and
/// whether that is inside, below or above the range. `None` without a category's figures or a plan year.
pub fn against_published(figures: &[&CategoryFigures]) -> Option<String> {
    let years = figures.iter().map(|f| f.gross_by_year.len()).max()?;
    let last = |f: &&CategoryFigures| f.gross_by_year.get(years - 1).copied().unwrap_or(0.0);
    let saving: f64 = figures.iter().map(last).sum();
    let spend: f64 = figures.iter().map(|f| f.spend_today).sum();
    let tail: f64 = figures.iter().map(|f| f.tail.spend).sum();
    let r = PUBLISHED_AGGREGATION_RATES;
    let rate = ratio(saving, spend);
    let place = if rate < r.low {
        "below"
    } else if rate > r.high {
        "above"
    } else {
        "inside"
    };
    let pct = |v: f64| format!("{:.2}%", v * 100.0);
    Some(format!(
        "In year {years} the price saving is {} of the spend under contract ({} of the whole spend, the tail \
         included), {place} the published range for aggregated public buying: {} (purchases through Crown \
         Commercial Service frameworks) to {} (all CCS deals, demand savings included; {}).",
        pct(rate),
        pct(ratio(saving, spend + tail)),
        pct(r.low),
        pct(r.high),
        r.source
    ))
}

/// The plan year (0-based; `years` when none) from which a contract ending on `end` can start at new terms:
/// the first year starting on or after both its end and the lead time a competition takes.
pub fn natural_year(model: &ModelConfig, end: NaiveDate) -> usize {
    free_year(
        model.start_date,
        model.horizon_years as usize,
        end.max(lead_end(model)),
    )
}

/// The plan year (0-based; `years` when none) from which a contract ended early starts at new terms: the first
/// year starting once the lead time has passed.
pub fn early_year(model: &ModelConfig) -> usize {
    free_year(
        model.start_date,
        model.horizon_years as usize,
        lead_end(model),
    )
}

/// The day the lead time ends.
fn lead_end(model: &ModelConfig) -> NaiveDate {
    model
        .start_date
        .checked_add_months(Months::new(model.procurement.lead_months))
        .unwrap_or(NaiveDate::MAX)
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

/// The offer tiers of every (supplier, category), each price capped at its category's floor ([`Terms`]); a tier
/// the cap leaves at the price of the tier below adds nothing and is dropped.
pub fn offer_book<'a>(
    data: &'a Dataset,
    model: &ModelConfig,
) -> BTreeMap<(SupplierIx, &'a str), OfferTiers> {
    let mut book: BTreeMap<(SupplierIx, &str), OfferTiers> = BTreeMap::new();
    for o in &data.offers {
        let e = book
            .entry((o.supplier, o.category.as_str()))
            .or_insert((Vec::new(), o.capacity));
        e.0.push((o.min_volume, o.price_index));
    }
    for ((_, category), (tiers, _)) in &mut book {
        let floor = terms(data, model, category).floor;
        tiers.sort_by(|a, b| a.0.total_cmp(&b.0));
        for t in tiers.iter_mut() {
            t.1 = t.1.max(floor);
        }
        tiers.dedup_by(|later, earlier| later.1 == earlier.1);
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
    /// Annual saving from the start year, net of the model file's optimism bias (GBP a year).
    pub annual_saving: f64,
    /// Present value of the saving over the appraisal period (GBP).
    pub npv_saving: f64,
}

impl AwardLine {
    /// The line is a re-let in its start year: a move, or a renewal at a new price (any price index but today's),
    /// within the horizon. Tender capacity and tender costs count re-lets.
    pub fn relet(&self) -> bool {
        self.start_year.is_some()
            && self.timing != Timing::SiteReleased
            && (self.to_supplier != self.from_supplier || self.price_index != 1.0)
    }

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
            (Timing::Early(_), Some(y)) if moved => format!(
                "{part}ended early (termination fee paid) and moved to {}: saves GBP {saving} a year from year {y}",
                self.to_supplier
            ),
            (Timing::Early(_), Some(_)) => format!(
                "{part}ended early only to stay with {}: not a real transaction (a variation, or wait for the \
                 natural end)",
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
    /// Per supplier id holding volume in the last plan year: that annual volume, the tier position it reaches
    /// (`None` without an offer) and its price.
    pub suppliers: BTreeMap<String, (f64, Option<usize>, f64)>,
    /// Annual spend today (GBP a year), contracts ended with released sites excluded.
    pub spend_today: f64,
    /// Present value of the price savings (GBP).
    pub gross_npv: f64,
    /// Termination fees paid, in the year each contract ends early (present value, GBP).
    pub fees: f64,
    /// Mobilisation costs of contracts moved to another supplier, in the year each moves (present value, GBP).
    pub transition_costs: f64,
    /// Tender costs of every re-let, in the year each starts (present value, GBP).
    pub tender_costs: f64,
    /// Contracts moved (wholly or in part) to another supplier.
    pub switches: usize,
    /// Net present value: savings less fees, transition and tender costs (GBP).
    pub npv: f64,
    /// Net saving in each plan year, undiscounted (index 0 = year 1).
    pub by_year: Vec<f64>,
    /// Price saving in each plan year before one-off costs, undiscounted (index 0 = year 1).
    pub gross_by_year: Vec<f64>,
    /// Contracts re-let (moved, or renewed at a new price) in each plan year, pro rata to the share.
    pub relets_by_year: Vec<f64>,
    /// Net present value per partner id.
    pub by_partner: BTreeMap<String, f64>,
    /// Share of annual spend (the tail included) with local SMEs after the award.
    pub local_sme_share: f64,
    /// Share of annual spend (the tail included) with local SMEs today.
    pub local_sme_share_today: f64,
    /// The category's spend outside the contracts, left as it is.
    pub tail: TailTotals,
}

impl CategoryFigures {
    /// The price saving of each plan year as a share of the category's spend today, before one-off costs (index
    /// 0 = year 1): the figure to hold against the category's price effect.
    pub fn saving_rates(&self) -> Vec<f64> {
        let of = |v: &f64| ratio(*v, self.spend_today);
        self.gross_by_year.iter().map(of).collect()
    }
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
    let discount = crate::costing::Discount::of(model);
    let df = &discount.df;
    let book = offer_book(data, model);
    let mut sorted = awards.to_vec();
    sorted.sort_by_key(|a| (a.contract, a.supplier));
    let mut f = CategoryFigures {
        by_year: vec![0.0; years],
        gross_by_year: vec![0.0; years],
        relets_by_year: vec![0.0; years],
        ..CategoryFigures::default()
    };
    // Today's and the award's local-SME spend; the contracts still bought.
    let mut lme = (0.0, 0.0);
    let mut counted = BTreeSet::new();
    for a in sorted.iter().filter(|a| a.timing != Timing::SiteReleased) {
        let c = &data.contracts[a.contract];
        if is_local_sme(data, a.supplier) {
            lme.0 += c.annual_spend * a.share;
        }
        if counted.insert(a.contract) {
            f.spend_today += c.annual_spend;
            if is_local_sme(data, c.supplier) {
                lme.1 += c.annual_spend;
            }
        }
    }
    let category = sorted
        .first()
        .map_or("", |a| data.contracts[a.contract].category.as_str());
    f.tail = tail_of(data, category);
    f.local_sme_share = local_sme_share(lme.0, f.spend_today, &f.tail);
    f.local_sme_share_today = local_sme_share(lme.1, f.spend_today, &f.tail);
    // The volume each supplier holds in each plan year decides the tier of the shares that start that year.
    let held = held_by_year(data, model, &sorted, release_year);
    let price_of = |s: SupplierIx, y: usize| -> (Option<usize>, f64) {
        let v = held.get(&(s, y)).copied().unwrap_or(0.0);
        match book.get(&(s, category)).and_then(|(t, _)| tier_for(t, v)) {
            Some((i, p)) => (Some(i), p),
            None => (None, 1.0),
        }
    };
    for (&(s, y), &v) in &held {
        if y == years && v > 0.0 {
            let (tier, price) = price_of(s, y);
            f.suppliers
                .insert(data.supplier(s).id.clone(), (v, tier, price));
        }
    }
    let terms = terms(data, model, category);
    let mut switched = BTreeSet::new();
    for a in &sorted {
        let c = &data.contracts[a.contract];
        let spend = c.annual_spend * a.share;
        let start_year = start_year(model, a, c.end, release_year);
        let (price, annual_saving) = match (a.timing, start_year) {
            (Timing::SiteReleased, _) | (_, None) => (1.0, 0.0),
            (_, Some(y)) => {
                let p = price_of(a.supplier, y).1;
                (
                    p,
                    spend * (1.0 - p) * (1.0 - model.procurement.optimism_bias),
                )
            }
        };
        let mut npv_saving = 0.0;
        if let Some(y) = start_year.filter(|_| annual_saving != 0.0) {
            // The saving runs to the end of the appraisal; the yearly figures cover the horizon.
            npv_saving = annual_saving * discount.annuity_from(y);
            let years = f.by_year.iter_mut().zip(&mut f.gross_by_year);
            for (net, gross) in years.skip(y - 1) {
                *net += annual_saving;
                *gross += annual_saving;
            }
        }
        let partner = data.org(c.organisation).id.clone();
        *f.by_partner.entry(partner.clone()).or_default() += npv_saving;
        f.gross_npv += npv_saving;
        let moved = a.supplier != c.supplier;
        if let Some(y) = start_year.filter(|_| a.timing != Timing::SiteReleased) {
            let mut pay = |amount: f64, total: &mut f64| {
                *total += df[y - 1] * amount;
                f.by_year[y - 1] -= amount;
                *f.by_partner.entry(partner.clone()).or_default() -= df[y - 1] * amount;
            };
            if matches!(a.timing, Timing::Early(_)) {
                pay(c.termination_fee * a.share, &mut f.fees);
            }
            if moved {
                pay(terms.mobilisation * a.share, &mut f.transition_costs);
            }
            if moved || price != 1.0 {
                pay(terms.tender * a.share, &mut f.tender_costs);
                f.relets_by_year[y - 1] += a.share;
            }
        }
        if moved && start_year.is_some() && switched.insert(a.contract) {
            f.switches += 1;
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
    f.npv = f.gross_npv - f.fees - f.transition_costs - f.tender_costs;
    f
}

/// The annual volume that sets each supplier's tier in each plan year (1-based), keyed `(supplier, year)`: by year,
/// a share is held by its new supplier from its start year and by today's supplier before it
/// (throughout when it never starts within the horizon); after the award (the default), by its new supplier in
/// every year.
/// Contracts that end with a released site are left out, as for every other figure.
pub fn held_by_year(
    data: &Dataset,
    model: &ModelConfig,
    awards: &[Award],
    release_year: &dyn Fn(usize) -> Option<usize>,
) -> BTreeMap<(SupplierIx, usize), f64> {
    let years = model.horizon_years as usize;
    let mut held = BTreeMap::new();
    for a in awards.iter().filter(|a| a.timing != Timing::SiteReleased) {
        let c = &data.contracts[a.contract];
        let from = match model.procurement.tier_volume {
            TierVolume::ByYear => start_year(model, a, c.end, release_year).unwrap_or(years + 1),
            TierVolume::AfterAward => 1,
        };
        for y in 1..=years {
            let s = if y >= from { a.supplier } else { c.supplier };
            *held.entry((s, y)).or_default() += c.annual_spend * a.share;
        }
    }
    held
}

/// The plan year (1-based) an awarded share starts at its new terms; `None` when it never does within the
/// horizon. `release_year` gives the release year of the site a contract ends with.
fn start_year(
    model: &ModelConfig,
    a: &Award,
    end: NaiveDate,
    release_year: &dyn Fn(usize) -> Option<usize>,
) -> Option<usize> {
    let years = model.horizon_years as usize;
    let within = |y: usize| (y < years).then_some(y + 1);
    match a.timing {
        Timing::Natural => within(natural_year(model, end)),
        Timing::Early(y) => y.checked_sub(1).and_then(within),
        Timing::Locked => None,
        Timing::SiteReleased => release_year(a.contract),
    }
}

/// A category's spend outside the contracts (`tail.csv`), over every partner: the award leaves it as it is, and it
/// counts in the category's spend, supplier count and local-SME share, before and after.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TailTotals {
    /// GBP a year.
    pub spend: f64,
    /// Suppliers, counted per partner (one supplier in two partners' tails counts twice).
    pub suppliers: u64,
    /// The part with local SMEs (GBP a year).
    pub local_sme: f64,
}

/// The tail of one category.
pub fn tail_of(data: &Dataset, category: &str) -> TailTotals {
    let mut t = TailTotals::default();
    for row in data.tail.iter().filter(|r| r.category == category) {
        t.spend += row.annual_spend;
        t.suppliers += u64::from(row.suppliers);
        t.local_sme += row.local_sme_spend;
    }
    t
}

/// A category's local-SME share of its whole spend, the tail included: `local` (GBP a year with local SMEs under
/// contract) and the tail's part, of `contracted` plus the tail's spend. The social-value rule keeps the model
/// file's target or today's share, when lower.
pub fn local_sme_share(local: f64, contracted: f64, tail: &TailTotals) -> f64 {
    ratio(local + tail.local_sme, contracted + tail.spend)
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

    #[test]
    fn the_saving_of_the_last_year_is_held_against_the_published_range() {
        let figures = |gross: f64, tail: f64| CategoryFigures {
            spend_today: 1_000.0,
            gross_by_year: vec![0.0, 10.0, gross],
            tail: TailTotals {
                spend: tail,
                ..TailTotals::default()
            },
            ..CategoryFigures::default()
        };
        let said =
            |fs: &[CategoryFigures]| against_published(&fs.iter().collect::<Vec<_>>()).unwrap();
        // Two categories, GBP 2,000 under contract and GBP 500 in the tail: 60 of savings in year 3 is 3.00%
        // (2.40% of the whole spend), inside 2.4-4.1%.
        let inside = said(&[figures(25.0, 500.0), figures(35.0, 0.0)]);
        assert!(inside.starts_with("In year 3 the price saving is 3.00% of the spend under contract (2.40% of the whole spend, the tail included), inside the published range"), "{inside}");
        assert!(said(&[figures(10.0, 0.0)]).contains(
            "1.00% of the spend under contract (1.00% of the whole spend, the tail included), below"
        ));
        assert!(said(&[figures(50.0, 0.0)]).contains(", above the published range"));
        assert_eq!(against_published(&[]), None);
    }

    #[test]
    fn the_basis_says_which_volume_sets_the_tier_and_the_bias_set_aside() {
        let mut model = ModelConfig::default();
        assert!(
            basis(&model).contains("the whole award commits to it (tier_volume = after_award)")
        );
        model.procurement.tier_volume = TierVolume::ByYear;
        assert!(
            basis(&model).contains("holds in the year the contract is let (tier_volume = by_year)")
        );
        model.procurement.optimism_bias = 0.2;
        assert!(
            basis(&model).ends_with(
                "; 20% of every price saving is set aside for optimism bias (Green Book)."
            )
        );
    }
}
