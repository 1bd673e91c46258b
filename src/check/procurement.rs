//! The independent award checker: re-derives every award figure from the inputs and the award lines alone.
//!
//! It reads contracts, offers and the model file, and derives again — without the award model's code — each
//! contract's free year, every supplier's volume, tier and price, capacity, supplier counts, suppliers per
//! partner, the local-SME share, timing, fees, transition costs and savings. A disagreement with the figures the
//! planner reported is a mismatch; a broken rule is a violation.

use super::{CheckReport, Violation};
use crate::domain::{Dataset, SupplierIx};
use crate::model_config::ModelConfig;
use crate::plan::award::{Award, CategoryFigures, Timing};
use chrono::Months;
use std::collections::{BTreeMap, BTreeSet};

const TOL: f64 = 1e-6;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.01_f64.max(1e-7 * a.abs().max(b.abs()))
}

/// Checks one category's awards against the rules; compares with `reported` when given. `released` maps a
/// released site's index to its release year (1-based).
pub fn check_category(
    data: &Dataset,
    model: &ModelConfig,
    category: &str,
    awards: &[Award],
    released: &BTreeMap<usize, usize>,
    reported: Option<&CategoryFigures>,
) -> CheckReport {
    let p = &model.procurement;
    let years = model.horizon_years as usize;
    let mut violations = Vec::new();
    let mut mismatches = Vec::new();
    let mut bad = |rule: &'static str, detail: String| violations.push(Violation { rule, detail });
    let starts: Vec<chrono::NaiveDate> = (0..years)
        .map(|y| {
            model
                .start_date
                .checked_add_months(Months::new(12 * y as u32))
                .unwrap_or(model.start_date)
        })
        .collect();
    // The first plan year (1-based) starting on or after the end, if within the horizon.
    let free = |end: chrono::NaiveDate| starts.iter().position(|d| *d >= end).map(|y| y + 1);
    let df = |y: usize| (1.0 + model.discount_rate).powf(-((y - 1) as f64));

    // Offers in this category.
    let mut tiers: BTreeMap<SupplierIx, Vec<(f64, f64)>> = BTreeMap::new();
    let mut capacity: BTreeMap<SupplierIx, f64> = BTreeMap::new();
    for o in data.offers.iter().filter(|o| o.category == category) {
        tiers
            .entry(o.supplier)
            .or_default()
            .push((o.min_volume, o.price_index));
        capacity.insert(o.supplier, o.capacity);
    }

    // The shortlist: only the `shortlist` suppliers with the largest capacity x best discount may win new volume.
    let invited: Option<BTreeSet<SupplierIx>> = (p.shortlist > 0).then(|| {
        let mut ranked: Vec<(f64, &str, SupplierIx)> = tiers
            .iter()
            .map(|(s, t)| {
                let best = t.iter().map(|x| x.1).fold(1.0_f64, f64::min);
                (
                    capacity[s] * (1.0 - best),
                    data.supplier(*s).id.as_str(),
                    *s,
                )
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        ranked
            .iter()
            .take(p.shortlist as usize)
            .map(|r| r.2)
            .collect()
    });
    if let Some(invited) = &invited {
        for a in awards {
            let c = &data.contracts[a.contract];
            if a.supplier != c.supplier && !invited.contains(&a.supplier) {
                bad(
                    "shortlist",
                    format!(
                        "contract {} goes to {}, which is not on the shortlist",
                        c.id,
                        data.supplier(a.supplier).id
                    ),
                );
            }
        }
    }

    // Every contract of the category is awarded in full, once.
    let mut share_sum: BTreeMap<usize, f64> = BTreeMap::new();
    for a in awards {
        let c = &data.contracts[a.contract];
        if c.category != category {
            bad("award", format!("contract {} is not in {category}", c.id));
        }
        if !(a.share > 0.0 && a.share <= 1.0 + TOL) {
            bad(
                "award",
                format!("contract {} has a share of {}", c.id, a.share),
            );
        }
        *share_sum.entry(a.contract).or_default() += a.share;
    }
    for (i, c) in data.contracts.iter().enumerate() {
        if c.category != category {
            continue;
        }
        let s = share_sum.get(&i).copied().unwrap_or(0.0);
        if (s - 1.0).abs() > TOL {
            bad(
                "award",
                format!(
                    "contract {} is awarded {:.6} of its volume, not all of it",
                    c.id, s
                ),
            );
        }
    }

    // Timing, and volumes after the award.
    let mut volume: BTreeMap<SupplierIx, f64> = BTreeMap::new();
    let mut start_of: Vec<Option<usize>> = Vec::with_capacity(awards.len());
    for a in awards {
        let c = &data.contracts[a.contract];
        let site_released = c.site.and_then(|s| released.get(&s.ix()).copied());
        let start = match a.timing {
            Timing::SiteReleased => {
                if site_released.is_none() {
                    bad(
                        "timing",
                        format!(
                            "contract {} is said to end with a released site, but it does not",
                            c.id
                        ),
                    );
                }
                site_released
            }
            _ if site_released.is_some() => {
                bad(
                    "timing",
                    format!(
                        "contract {} serves a released site and must end with it",
                        c.id
                    ),
                );
                None
            }
            Timing::Natural => {
                let y = free(c.end);
                if y.is_none() && a.supplier != c.supplier {
                    bad(
                        "timing",
                        format!("contract {} moves although it runs past the horizon", c.id),
                    );
                }
                y
            }
            Timing::Early => {
                if !p.allow_early_termination {
                    bad(
                        "timing",
                        format!(
                            "contract {} is ended early, which the model file forbids",
                            c.id
                        ),
                    );
                }
                if a.supplier == c.supplier {
                    bad(
                        "timing",
                        format!(
                            "contract {} is ended early only to stay with its supplier",
                            c.id
                        ),
                    );
                }
                Some(1)
            }
            Timing::Locked => {
                if free(c.end).is_some() || a.supplier != c.supplier {
                    bad(
                        "timing",
                        format!(
                            "contract {} is not locked: it ends within the horizon or moves",
                            c.id
                        ),
                    );
                }
                None
            }
        };
        start_of.push(start);
        if a.timing != Timing::SiteReleased {
            *volume.entry(a.supplier).or_default() += c.annual_spend * a.share;
            let incumbent_here = a.supplier == c.supplier;
            if !tiers.contains_key(&a.supplier) && !incumbent_here {
                bad(
                    "award",
                    format!(
                        "contract {} goes to {}, which has no offer in {category}",
                        c.id,
                        data.supplier(a.supplier).id
                    ),
                );
            }
        }
    }

    // Prices from tiers (all-units: the highest minimum reached), capacity, counts.
    let total: f64 = volume.values().sum();
    let price: BTreeMap<SupplierIx, f64> = volume
        .iter()
        .map(|(s, v)| {
            let p = tiers
                .get(s)
                .and_then(|t| {
                    t.iter()
                        .filter(|(min, _)| *v + 1e-6 >= *min)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|t| t.1)
                })
                .unwrap_or(1.0);
            (*s, p)
        })
        .collect();
    let today: BTreeMap<SupplierIx, f64> = data
        .contracts
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            c.category == category
                && awards
                    .iter()
                    .any(|a| a.contract == *i && a.timing != Timing::SiteReleased)
        })
        .fold(BTreeMap::new(), |mut m, (_, c)| {
            *m.entry(c.supplier).or_default() += c.annual_spend;
            m
        });
    for (s, v) in &volume {
        let cap = capacity
            .get(s)
            .copied()
            .unwrap_or_else(|| today.get(s).copied().unwrap_or(0.0));
        if *v > cap * (1.0 + TOL) + TOL {
            bad(
                "capacity",
                format!(
                    "{} holds {v:.2} a year in {category}, above its capacity {cap:.2}",
                    data.supplier(*s).id
                ),
            );
        }
    }
    let rules = p.rules_for(category);
    let used = volume.values().filter(|v| **v > TOL).count();
    if rules.max_suppliers > 0 && used > rules.max_suppliers as usize {
        bad(
            "max_suppliers",
            format!(
                "{used} suppliers hold volume in {category}; at most {} may",
                rules.max_suppliers
            ),
        );
    }
    let strong = volume
        .values()
        .filter(|v| **v + TOL * total.max(1.0) >= rules.min_supplier_share * total)
        .count();
    if total > 0.0 && strong < rules.min_suppliers as usize {
        bad(
            "min_suppliers",
            format!(
                "only {strong} suppliers hold {:.0}% of {category}; at least {} must",
                rules.min_supplier_share * 100.0,
                rules.min_suppliers
            ),
        );
    }
    let mut per_partner: BTreeMap<_, BTreeSet<SupplierIx>> = BTreeMap::new();
    for a in awards.iter().filter(|a| a.timing != Timing::SiteReleased) {
        per_partner
            .entry(data.contracts[a.contract].organisation)
            .or_default()
            .insert(a.supplier);
    }
    if rules.max_suppliers_per_partner > 0 {
        for (o, set) in &per_partner {
            if set.len() > rules.max_suppliers_per_partner as usize {
                bad(
                    "max_suppliers_per_partner",
                    format!(
                        "{} buys {category} from {} suppliers; at most {} may",
                        data.org(*o).id,
                        set.len(),
                        rules.max_suppliers_per_partner
                    ),
                );
            }
        }
    }
    let lsme = |s: &SupplierIx| data.supplier(*s).sme && data.supplier(*s).local;
    let sme_after: f64 = volume.iter().filter(|(s, _)| lsme(s)).map(|(_, v)| v).sum();
    let sme_today: f64 = today.iter().filter(|(s, _)| lsme(s)).map(|(_, v)| v).sum();
    if total > 0.0 {
        let need = rules.local_sme_share.min(sme_today / total);
        if sme_after / total + 1e-5 < need {
            bad(
                "local_sme_share",
                format!(
                    "{:.2}% of {category} is with local SMEs; at least {:.2}% must be",
                    sme_after / total * 100.0,
                    need * 100.0
                ),
            );
        }
    }

    // Money: savings from the start year at the new price, fees and transition costs in year 1.
    let mut npv = 0.0;
    let mut fees = 0.0;
    let mut transitions = 0.0;
    for (a, start) in awards.iter().zip(&start_of) {
        let c = &data.contracts[a.contract];
        if a.timing == Timing::SiteReleased {
            continue;
        }
        if let Some(y) = start {
            let annual =
                c.annual_spend * a.share * (1.0 - price.get(&a.supplier).copied().unwrap_or(1.0));
            npv += (*y..=years).map(|k| df(k) * annual).sum::<f64>();
        }
        if a.timing == Timing::Early {
            fees += c.termination_fee * a.share;
        }
        if matches!(a.timing, Timing::Natural | Timing::Early) && a.supplier != c.supplier {
            transitions += p.transition_cost_gbp * a.share;
        }
    }
    let net = npv - fees - transitions;
    if let Some(r) = reported {
        for (name, mine, theirs) in [
            ("gross saving (present value)", npv, r.gross_npv),
            ("termination fees", fees, r.fees),
            ("transition costs", transitions, r.transition_costs),
            ("net present value", net, r.npv),
            ("annual spend today", total, r.spend_today),
        ] {
            if !close(mine, theirs) {
                mismatches.push(format!(
                    "{category}: {name} is {mine:.2} by the checker, {theirs:.2} reported"
                ));
            }
        }
        for (id, (v, _, pr)) in &r.suppliers {
            let Some((s, _)) = data.suppliers.iter().enumerate().find(|(_, s)| &s.id == id) else {
                continue;
            };
            let s = SupplierIx(s as u32);
            let (mv, mp) = (
                volume.get(&s).copied().unwrap_or(0.0),
                price.get(&s).copied().unwrap_or(1.0),
            );
            if !close(mv, *v) || (mp - pr).abs() > 1e-9 {
                mismatches.push(format!("{category}: {id} volume/price {mv:.2}/{mp} by the checker, {v:.2}/{pr} reported"));
            }
        }
    }
    CheckReport {
        ok: violations.is_empty() && mismatches.is_empty(),
        violations,
        mismatches,
        plan_cost: -net,
        npv: net,
    }
}
