//! What one category's award model is built from: its contracts with their timing, the suppliers that can take
//! volume with their tiers, the partners buying, and the rules that apply.

use crate::costing::Discount;
use crate::domain::{Dataset, OrgIx, SupplierIx};
use crate::model_config::{CategoryRules, ModelConfig, TierVolume};
use crate::plan::award::{
    TailTotals, covered, early_year, is_local_sme, local_sme_share, natural_year, offer_book,
    tail_of, terms, yearly_relets,
};
use std::collections::{BTreeMap, BTreeSet};

/// A contract taking part in the award.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractCand {
    /// Index into [`Dataset::contracts`].
    pub ix: usize,
    /// Position of its buyer in [`Case::partners`].
    pub partner: usize,
    /// Position of today's supplier in [`Case::suppliers`].
    pub incumbent: usize,
    /// Annual spend at today's prices.
    pub spend: f64,
    /// First plan year (0-based) it can move without a fee (its end, and the lead time, passed); `years` when it
    /// runs past the horizon.
    pub free_year: usize,
    /// Termination fee.
    pub fee: f64,
    /// Ending it early is worth modelling: it is locked, or the best possible price could repay the fee.
    pub early: bool,
}

/// A supplier that can hold volume in the category.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierCand {
    /// The supplier.
    pub ix: SupplierIx,
    /// `(min volume, price index)` sorted by min volume; a supplier without an offer gets `[(0, 1)]`.
    pub tiers: Vec<(f64, f64)>,
    /// Most annual volume; a supplier without an offer may hold only what it holds today.
    pub capacity: f64,
    /// It may win new volume: it has an offer in the category and is on the shortlist.
    pub offers: bool,
    /// Local SME (social value).
    pub local_sme: bool,
}

/// One category's award problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Category name.
    pub name: String,
    /// The rules, overrides applied.
    pub rules: CategoryRules,
    /// Contracts taking part.
    pub contracts: Vec<ContractCand>,
    /// Contracts that end with a released site (index into [`Dataset::contracts`], with the release year).
    pub site_released: Vec<(usize, usize)>,
    /// Suppliers.
    pub suppliers: Vec<SupplierCand>,
    /// Partners buying.
    pub partners: Vec<OrgIx>,
    /// Their ids, in the same order (for the diagnosis).
    pub partner_ids: Vec<String>,
    /// Per partner, the supplier positions it buys from today.
    pub incumbents: Vec<BTreeSet<usize>>,
    /// Discount factor per plan year (the horizon's years: one per year a contract can start at new terms).
    pub df: Vec<f64>,
    /// Sum of discount factors from each 0-based plan year to the end of the appraisal (`annuity[years] = 0`:
    /// never within the horizon).
    pub annuity: Vec<f64>,
    /// Local-SME share of the category's whole spend (the tail included) required: the rule's target, or today's
    /// share when lower.
    pub sme_share_required: f64,
    /// Local-SME share today, the tail included.
    pub sme_share_today: f64,
    /// The category's spend outside the contracts: fixed, but part of the local-SME share.
    pub tail: TailTotals,
    /// Mobilisation cost per contract moved to another supplier (GBP).
    pub mobilisation: f64,
    /// Tender cost per re-let contract (GBP).
    pub tender: f64,
    /// First plan year (0-based) a contract ended early starts at new terms (`years`: never).
    pub early_year: usize,
    /// Per partner (position in [`Case::partners`]) and plan year (0-based), the contracts it may re-let in the
    /// category that year: its whole yearly capacity ([`crate::plan::award::yearly_relets`]) at first, its share
    /// of it when the categories together ask for more (the award's second pass); `None` without a tender-capacity
    /// rule.
    pub relet_caps: Option<Vec<Vec<f64>>>,
    /// Partners (positions) the suppliers-per-partner rule covers from the first round of the solve (see
    /// [`super::solve_case`]): empty at first; a second pass starts from the partners its first pass ended with and
    /// those its first plan held at the limit.
    pub limited: Vec<usize>,
    /// Which annual volume sets a supplier's tier.
    pub tier_volume: TierVolume,
    /// Share of every price saving set aside for optimism bias.
    pub optimism_bias: f64,
}

impl Case {
    /// Annual spend taking part.
    pub fn total_spend(&self) -> f64 {
        self.contracts.iter().map(|c| c.spend).sum()
    }

    /// Tender capacity can bind: some partner may re-let fewer contracts in some year than it holds in the
    /// category (each contract is re-let at most once, so a capacity at least that large never binds, and the
    /// model needs neither its rows nor a column per start year).
    pub fn relets_bind(&self) -> bool {
        (0..self.partners.len()).any(|p| self.relets_bind_for(p))
    }

    /// Tender capacity can bind for partner `p` (position in [`Case::partners`]): in some year it may re-let
    /// fewer contracts than could start at new terms then (at their natural end, or ended early).
    pub fn relets_bind_for(&self, p: usize) -> bool {
        let Some(caps) = &self.relet_caps else {
            return false;
        };
        caps[p]
            .iter()
            .enumerate()
            .any(|(y, &cap)| cap + 1e-9 < self.could_relet(p, y) as f64)
    }

    /// The contracts partner `p` (position in [`Case::partners`]) could re-let in plan year `t` (0-based): those
    /// falling due then, and those it may end early then.
    pub fn could_relet(&self, p: usize, t: usize) -> usize {
        let can = |c: &&ContractCand| {
            c.partner == p
                && (c.free_year == t || (c.early && self.early_year <= t && t < c.free_year))
        };
        self.contracts.iter().filter(can).count()
    }

    /// The contracts partner `p` (position in [`Case::partners`]) holds in the category.
    pub fn contracts_of(&self, p: usize) -> usize {
        self.contracts.iter().filter(|c| c.partner == p).count()
    }

    /// Suppliers with an offer.
    pub fn offering(&self) -> usize {
        self.suppliers.iter().filter(|s| s.offers).count()
    }
}

/// The categories to award, in name order: those listed in the model file, or every category with contracts;
/// never one `categories.csv` puts out of scope (its contracts stay as they are).
pub fn categories(data: &Dataset, model: &ModelConfig) -> Vec<String> {
    let all: BTreeSet<&str> = data.contracts.iter().map(|c| c.category.as_str()).collect();
    let wanted: BTreeSet<&str> = if model.procurement.categories.is_empty() {
        all
    } else {
        model
            .procurement
            .categories
            .iter()
            .map(String::as_str)
            .collect()
    };
    wanted
        .into_iter()
        .filter(|c| covered(data, model, c))
        .map(String::from)
        .collect()
}

/// Builds one category's case. `released` gives the release year (1-based) of each released site.
pub fn build(
    data: &Dataset,
    model: &ModelConfig,
    category: &str,
    released: &BTreeMap<usize, usize>,
) -> Case {
    let discount = Discount::of(model);
    let years = discount.years();
    let annuity = discount.annuities();
    let df = discount.decision_factors();
    let book = offer_book(data, model);
    let terms = terms(data, model, category);
    let early_from = early_year(model);
    let rules = model.procurement.rules_for(category);
    let mut suppliers: Vec<SupplierCand> = Vec::new();
    let mut pos: BTreeMap<SupplierIx, usize> = BTreeMap::new();
    for ((s, cat), (tiers, capacity)) in &book {
        if *cat == category {
            pos.insert(*s, suppliers.len());
            suppliers.push(SupplierCand {
                ix: *s,
                tiers: tiers.clone(),
                capacity: *capacity,
                offers: true,
                local_sme: is_local_sme(data, *s),
            });
        }
    }
    let mut partners: Vec<OrgIx> = Vec::new();
    let mut ppos: BTreeMap<OrgIx, usize> = BTreeMap::new();
    let mut contracts = Vec::new();
    let mut site_released = Vec::new();
    for (ix, c) in data.contracts.iter().enumerate() {
        if c.category != category {
            continue;
        }
        if let Some(y) = c.site.and_then(|s| released.get(&s.ix())) {
            site_released.push((ix, *y));
            continue;
        }
        let incumbent = *pos.entry(c.supplier).or_insert_with(|| {
            suppliers.push(SupplierCand {
                ix: c.supplier,
                tiers: vec![(0.0, 1.0)],
                capacity: 0.0,
                offers: false,
                local_sme: is_local_sme(data, c.supplier),
            });
            suppliers.len() - 1
        });
        if !suppliers[incumbent].offers {
            suppliers[incumbent].capacity += c.annual_spend;
        }
        let partner = *ppos.entry(c.organisation).or_insert_with(|| {
            partners.push(c.organisation);
            partners.len() - 1
        });
        contracts.push(ContractCand {
            ix,
            partner,
            incumbent,
            spend: c.annual_spend,
            free_year: natural_year(model, c.end),
            fee: c.termination_fee,
            early: false,
        });
    }
    // The shortlist: suppliers ranked by potential saving (capacity x best discount), ties by id; the rest keep
    // only what they hold today, like a supplier without an offer.
    let n = model.procurement.shortlist as usize;
    if n > 0 && suppliers.iter().filter(|s| s.offers).count() > n {
        let mut ranked: Vec<usize> = (0..suppliers.len())
            .filter(|&i| suppliers[i].offers)
            .collect();
        let potential = |s: &SupplierCand| {
            s.capacity * (1.0 - s.tiers.iter().map(|t| t.1).fold(1.0_f64, f64::min))
        };
        ranked.sort_by(|&a, &b| {
            potential(&suppliers[b])
                .total_cmp(&potential(&suppliers[a]))
                .then(
                    data.supplier(suppliers[a].ix)
                        .id
                        .cmp(&data.supplier(suppliers[b].ix).id),
                )
        });
        for &i in &ranked[n..] {
            suppliers[i].offers = false;
        }
    }
    // Ending early is only worth a variable when it could pay: the best price in the category over the years
    // gained must beat the fee. (A locked contract may also need to end early to satisfy a rule; and with tiers
    // read by year, volume that arrives early can lift the tier of other shares starting then, so there every
    // early end is kept.) It never pays when the lead time leaves no earlier year than the natural one.
    let by_year = model.procurement.tier_volume == TierVolume::ByYear;
    let best_price = suppliers
        .iter()
        .filter(|s| s.offers)
        .flat_map(|s| s.tiers.iter().map(|t| t.1))
        .fold(1.0_f64, f64::min);
    for c in &mut contracts {
        let gain = c.spend
            * (1.0 - best_price)
            * (1.0 - model.procurement.optimism_bias)
            * (annuity[early_from] - annuity[c.free_year]);
        c.early = model.procurement.allow_early_termination
            && c.free_year > early_from
            && (by_year || c.free_year >= years || gain > c.fee * df[early_from]);
    }
    let mut incumbents = vec![BTreeSet::new(); partners.len()];
    for c in &contracts {
        incumbents[c.partner].insert(c.incumbent);
    }
    let relet_caps: Option<Vec<Vec<f64>>> = partners
        .iter()
        .map(|&p| yearly_relets(data, model, p).map(|n| vec![f64::from(n); years]))
        .collect();
    let total: f64 = contracts.iter().map(|c| c.spend).sum();
    let sme_today: f64 = contracts
        .iter()
        .filter(|c| suppliers[c.incumbent].local_sme)
        .map(|c| c.spend)
        .sum();
    let tail = tail_of(data, category);
    let sme_share_today = local_sme_share(sme_today, total, &tail);
    let partner_ids = partners.iter().map(|&p| data.org(p).id.clone()).collect();
    Case {
        name: category.to_string(),
        rules,
        contracts,
        site_released,
        suppliers,
        partners,
        partner_ids,
        incumbents,
        df,
        annuity,
        sme_share_required: rules.local_sme_share.min(sme_share_today),
        tail,
        sme_share_today,
        mobilisation: terms.mobilisation,
        tender: terms.tender,
        early_year: early_from,
        relet_caps,
        limited: Vec::new(),
        tier_volume: model.procurement.tier_volume,
        optimism_bias: model.procurement.optimism_bias,
    }
}
