//! The independent award checker: re-derives every award figure from the inputs and the award lines alone.
//!
//! It reads contracts, offers and the model file, and derives again — without the award model's code — each
//! contract's free year, every supplier's volume, tier and price, capacity, supplier counts, suppliers per
//! partner, the local-SME share, timing, fees, transition costs and savings. A disagreement with the figures the
//! planner reported is a mismatch; a broken rule is a violation. Each rule is one function in the file of its
//! family, all reading one `Ctx`.

mod award;
mod capacity;
mod figures;
mod local_sme;
mod relets;
mod shortlist;
mod suppliers;
mod timing;

use super::{CheckReport, Violation};
use crate::domain::{Dataset, Route, SupplierIx};
use crate::model_config::{CategoryRules, ModelConfig, TierVolume};
use crate::plan::award::{Award, CategoryFigures, Timing};
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

/// Shares and volumes closer than this are equal (solver round-off).
const TOL: f64 = 1e-6;

/// One category's awards, and the figures reported for them when there are any to compare.
pub type CategoryAwards<'a> = (&'a str, &'a [Award], Option<&'a CategoryFigures>);

/// Checks the whole award: each category against its rules ([`check_category`]) and all of them against the one
/// rule across categories, tender capacity, whose violations are reported in each category that re-lets in the
/// partner's year over its capacity. One report per category, in order.
pub fn check_award(
    data: &Dataset,
    model: &ModelConfig,
    categories: &[CategoryAwards<'_>],
    released: &BTreeMap<usize, usize>,
) -> Vec<CheckReport> {
    let mut reports: Vec<CheckReport> = categories
        .iter()
        .map(|(category, awards, reported)| {
            check_category(data, model, category, awards, released, *reported)
        })
        .collect();
    let lists: Vec<(&str, &[Award])> = categories.iter().map(|(c, a, _)| (*c, *a)).collect();
    for (i, v) in relets::relets(data, model, &lists, released) {
        reports[i].ok = false;
        reports[i].violations.push(v);
    }
    reports
}

/// Checks one category's awards against the rules of a category (tender capacity, a rule across categories, is
/// [`check_award`]'s); compares with `reported` when given. `released` maps a
/// released site's index to its release year (1-based).
pub fn check_category(
    data: &Dataset,
    model: &ModelConfig,
    category: &str,
    awards: &[Award],
    released: &BTreeMap<usize, usize>,
    reported: Option<&CategoryFigures>,
) -> CheckReport {
    let cx = Ctx::new(data, model, category, awards, released);
    let mut v = Vec::new();
    for a in awards {
        award::in_category(&cx, a, &mut v);
        award::share(&cx, a, &mut v);
        award::covered(&cx, a, &mut v);
    }
    award::in_full(&cx, &mut v);
    if cx.covered {
        award_rules(&cx, &mut v);
    }
    let money = figures::Money::derive(&cx);
    let mismatches = reported.map_or_else(Vec::new, |r| money.mismatches(&cx, r));
    CheckReport {
        ok: v.is_empty() && mismatches.is_empty(),
        violations: v,
        mismatches,
        plan_cost: -money.net(),
        npv: money.net(),
        npv_parts: Default::default(),
    }
}

/// The rules of a category the award covers: shortlist, timing, offers, capacity, supplier counts, the local-SME
/// share. (A category it does not cover stays as it is, whatever its suppliers today.)
fn award_rules(cx: &Ctx, v: &mut Vec<Violation>) {
    let awards = cx.awards;
    shortlist::shortlist(cx, v);
    // Timing and offers, award by award: an award's violations have always been reported together.
    for a in awards {
        timing::timing(cx, a, v);
        award::offered(cx, a, v);
    }
    capacity::capacity(cx, v);
    suppliers::max_suppliers(cx, v);
    suppliers::min_suppliers(cx, v);
    suppliers::max_suppliers_per_partner(cx, v);
    local_sme::local_sme_share(cx, v);
}

/// Each supplier's offer tiers in a category: (minimum annual volume, price index).
type Tiers = BTreeMap<SupplierIx, Vec<(f64, f64)>>;

/// What every award rule reads: the inputs, and what the category's offers and awards add up to.
struct Ctx<'a> {
    data: &'a Dataset,
    model: &'a ModelConfig,
    category: &'a str,
    awards: &'a [Award],
    /// Released site index to release year (1-based).
    released: &'a BTreeMap<usize, usize>,
    /// The category's rules, overrides applied.
    rules: CategoryRules,
    /// The award covers the category: not out of scope in `categories.csv`, and among the model file's
    /// `categories` when it lists any.
    covered: bool,
    /// The first day of each plan year.
    starts: Vec<NaiveDate>,
    /// The day the lead time for a competition ends: nothing starts at new terms before it.
    lead_end: NaiveDate,
    /// The category's tender cost per re-let and mobilisation cost per move (GBP per contract).
    tender: f64,
    mobilisation: f64,
    /// Each supplier's offer tiers in the category.
    tiers: Tiers,
    /// Each supplier's capacity in the category, from its offer.
    capacity: BTreeMap<SupplierIx, f64>,
    /// Annual volume each supplier holds after the award (contracts ended with released sites left out).
    volume: BTreeMap<SupplierIx, f64>,
    /// Annual volume each supplier holds in each plan year (1-based): a share with its new supplier from its
    /// start year, with today's supplier before it.
    held: BTreeMap<(SupplierIx, usize), f64>,
    /// Annual volume each incumbent holds today, over the contracts still bought after the award.
    today: BTreeMap<SupplierIx, f64>,
    /// The category's annual volume after the award.
    total: f64,
}

impl<'a> Ctx<'a> {
    fn new(
        data: &'a Dataset,
        model: &'a ModelConfig,
        category: &'a str,
        awards: &'a [Award],
        released: &'a BTreeMap<usize, usize>,
    ) -> Self {
        let starts = (0..model.horizon_years)
            .map(|y| {
                model
                    .start_date
                    .checked_add_months(Months::new(12 * y))
                    .unwrap_or(model.start_date)
            })
            .collect();
        let (tiers, capacity) = offers(data, category);
        let row = data.categories.iter().find(|c| c.id == category);
        let lead = Months::new(model.procurement.lead_months);
        let volume = volumes(data, awards);
        let mut cx = Ctx {
            data,
            model,
            category,
            awards,
            released,
            rules: model.procurement.rules_for(category),
            covered: covers(data, model, category),
            starts,
            lead_end: model
                .start_date
                .checked_add_months(lead)
                .unwrap_or(NaiveDate::MAX),
            tender: row.map_or(0.0, |r| r.tender_cost),
            mobilisation: row
                .and_then(|r| r.mobilisation_cost)
                .unwrap_or(model.procurement.transition_cost_gbp),
            total: volume.values().sum(),
            tiers,
            capacity,
            volume,
            held: BTreeMap::new(),
            today: today(data, category, awards),
        };
        cx.held = held(&cx);
        cx
    }

    /// The price index of supplier `s` in plan year `y` (1-based): the tier with the highest minimum the volume
    /// it holds that year reaches (all-units tiers); today's price (1) without an offer.
    fn price(&self, s: SupplierIx, y: usize) -> f64 {
        let v = self.held.get(&(s, y)).copied().unwrap_or(0.0);
        self.tiers
            .get(&s)
            .and_then(|t| {
                t.iter()
                    .filter(|(min, _)| v + 1e-6 >= *min)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|t| t.1)
            })
            .unwrap_or(1.0)
    }

    /// The price index of an awarded share: its supplier's price in its start year; today's (1) when it never
    /// starts within the horizon.
    fn share_price(&self, a: &Award) -> f64 {
        timing::start_year(self, a).map_or(1.0, |y| self.price(a.supplier, y))
    }

    /// The first plan year (1-based) starting on or after `end`, if within the horizon.
    fn free(&self, end: NaiveDate) -> Option<usize> {
        self.starts.iter().position(|d| *d >= end).map(|y| y + 1)
    }

    /// The discount factor of plan year `y` (1-based).
    fn df(&self, y: usize) -> f64 {
        (1.0 + self.model.discount_rate).powf(-((y - 1) as f64))
    }

    /// The supplier's id.
    fn supplier(&self, s: SupplierIx) -> &str {
        &self.data.supplier(s).id
    }
}

/// Each supplier's offer tiers and capacity in `category`; no tier's price goes below the category's price
/// effect in `categories.csv` (1 - effect).
fn offers(data: &Dataset, category: &str) -> (Tiers, BTreeMap<SupplierIx, f64>) {
    let lowest = data
        .categories
        .iter()
        .find(|c| c.id == category)
        .map_or(0.0, |c| 1.0 - c.price_effect);
    let mut tiers = Tiers::new();
    let mut capacity = BTreeMap::new();
    for o in data.offers.iter().filter(|o| o.category == category) {
        tiers
            .entry(o.supplier)
            .or_default()
            .push((o.min_volume, o.price_index.max(lowest)));
        capacity.insert(o.supplier, o.capacity);
    }
    (tiers, capacity)
}

/// Annual volume per supplier after the award; a contract that ends with its released site buys nothing.
fn volumes(data: &Dataset, awards: &[Award]) -> BTreeMap<SupplierIx, f64> {
    let mut volume = BTreeMap::new();
    for a in awards.iter().filter(|a| a.timing != Timing::SiteReleased) {
        *volume.entry(a.supplier).or_default() += data.contracts[a.contract].annual_spend * a.share;
    }
    volume
}

/// The award covers `category`: `categories.csv` does not put it out of scope, and the model file lists it when
/// it lists any.
fn covers(data: &Dataset, model: &ModelConfig, category: &str) -> bool {
    let listed = &model.procurement.categories;
    let out = data
        .categories
        .iter()
        .any(|r| r.id == category && r.route == Route::OutOfScope);
    !out && (listed.is_empty() || listed.iter().any(|c| c == category))
}

/// Annual volume per (supplier, plan year) that sets the tier: each share with its new supplier from its start
/// year and with today's supplier before that (throughout when it never starts), or with its new supplier
/// throughout when the model file reads tiers after the award; contracts that end with a released site buy
/// nothing.
fn held(cx: &Ctx) -> BTreeMap<(SupplierIx, usize), f64> {
    let years = cx.starts.len();
    let mut held = BTreeMap::new();
    for a in cx
        .awards
        .iter()
        .filter(|a| a.timing != Timing::SiteReleased)
    {
        let c = &cx.data.contracts[a.contract];
        let from = match cx.model.procurement.tier_volume {
            TierVolume::ByYear => timing::start_year(cx, a).unwrap_or(years + 1),
            TierVolume::AfterAward => 1,
        };
        for y in 1..=years {
            let s = if y >= from { a.supplier } else { c.supplier };
            *held.entry((s, y)).or_default() += c.annual_spend * a.share;
        }
    }
    held
}

/// Annual spend per incumbent today, over the category's contracts that go on being bought after the award.
fn today(data: &Dataset, category: &str, awards: &[Award]) -> BTreeMap<SupplierIx, f64> {
    let bought = |i: usize| {
        awards
            .iter()
            .any(|a| a.contract == i && a.timing != Timing::SiteReleased)
    };
    let mut today = BTreeMap::new();
    for (i, c) in data.contracts.iter().enumerate() {
        if c.category == category && bought(i) {
            *today.entry(c.supplier).or_default() += c.annual_spend;
        }
    }
    today
}
