//! Tender capacity: a partner re-lets (moves, or renews at a new price) at most its share of its yearly capacity
//! (`relets_per_partner_year`, plus `relets_per_procurement_fte` per FTE of its procurement teams, rounded down)
//! in a category in any one plan year, pro rata to the share.
//!
//! The share is derived here on its own: the partner's yearly capacity shared over the categories the award covers
//! in proportion to its contracts in each, by the largest remainder (ties to the category first in name order).

use super::timing::start_year;
use super::{Ctx, TOL, covers};
use crate::check::{Rule, Violation};
use crate::domain::OrgIx;
use crate::plan::award::Timing;
use std::collections::BTreeMap;

/// `relets_per_partner_year` and `relets_per_procurement_fte`: no partner re-lets more than its capacity in the
/// category in any year.
pub(super) fn relets(cx: &Ctx, out: &mut Vec<Violation>) {
    let p = &cx.model.procurement;
    if p.relets_per_partner_year == 0 && p.relets_per_procurement_fte <= 0.0 {
        return;
    }
    let mut used: BTreeMap<(OrgIx, usize), f64> = BTreeMap::new();
    for a in cx
        .awards
        .iter()
        .filter(|a| a.timing != Timing::SiteReleased)
    {
        let c = &cx.data.contracts[a.contract];
        let price = cx.share_price(a);
        if let Some(y) = start_year(cx, a).filter(|_| a.supplier != c.supplier || price != 1.0) {
            *used.entry((c.organisation, y)).or_default() += a.share;
        }
    }
    let mut caps: BTreeMap<OrgIx, u32> = BTreeMap::new();
    for ((p, y), v) in used {
        let cap = *caps
            .entry(p)
            .or_insert_with(|| capacity(cx, p, yearly(cx, p)));
        if v > f64::from(cap) + TOL {
            out.push(Violation::new(
                Rule::Relets,
                format!(
                    "{} re-lets {v:.2} contracts of {} in year {y}; its tender capacity there is {cap}",
                    cx.data.org(p).id,
                    cx.category
                ),
            ));
        }
    }
}

/// Partner `p`'s capacity over all categories in a year: the flat allowance plus the per-FTE one for the FTE of
/// its teams whose function is `procurement`, rounded down.
fn yearly(cx: &Ctx, p: OrgIx) -> u32 {
    let rules = &cx.model.procurement;
    let fte: f64 = cx
        .data
        .teams
        .iter()
        .filter(|t| t.organisation == p && t.function.0 == "procurement")
        .map(|t| f64::from(t.headcount))
        .sum();
    rules.relets_per_partner_year + (rules.relets_per_procurement_fte * fte).floor() as u32
}

/// Partner `p`'s share of `n` in the checked category.
fn capacity(cx: &Ctx, p: OrgIx, n: u32) -> u32 {
    let mut mine: BTreeMap<&str, f64> = BTreeMap::new();
    for c in cx.data.contracts.iter().filter(|c| c.organisation == p) {
        if covers(cx.data, cx.model, &c.category) {
            *mine.entry(c.category.as_str()).or_default() += 1.0;
        }
    }
    let total: f64 = mine.values().sum();
    let exact: Vec<(&str, f64)> = mine
        .iter()
        .map(|(k, w)| (*k, f64::from(n) * w / total))
        .collect();
    let floors: u32 = exact.iter().map(|(_, q)| q.floor() as u32).sum();
    let mut by_remainder = exact.clone();
    by_remainder.sort_by(|a, b| {
        (b.1 - b.1.floor())
            .total_cmp(&(a.1 - a.1.floor()))
            .then(a.0.cmp(b.0))
    });
    let extra = by_remainder
        .iter()
        .take((n - floors) as usize)
        .any(|(k, _)| *k == cx.category);
    let base = exact
        .iter()
        .find(|(k, _)| *k == cx.category)
        .map_or(0, |(_, q)| q.floor() as u32);
    base + u32::from(extra)
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Relets;
    use crate::check::test_support::{assert_award, awards, dataset, model};
    use crate::domain::SupplierIx;
    use std::collections::BTreeMap;

    #[test]
    fn re_letting_more_than_the_capacity_in_a_year_breaks_relets() {
        let (mut data, mut model) = (dataset(), model());
        // C1 buys K0, K2 and K3 in one category: all of its capacity of 1 a year is this category's. K0 and K2
        // (here ending on the same day, not serving a site) both move to CHEAP in year 3: two re-lets.
        data.contracts[2].site = None;
        data.contracts[2].end = data.contracts[0].end;
        model.procurement.relets_per_partner_year = 1;
        let mut aw = awards(&data);
        aw[0].supplier = SupplierIx(1);
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        aw[2].supplier = SupplierIx(1);
        let want =
            "C1 re-lets 2.00 contracts of cleaning in year 3; its tender capacity there is 1";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(Relets, want)]);
        // Half of K2 moving is half a re-let: 1.5 is still over.
        aw[2].share = 0.5;
        aw.push(crate::plan::award::Award {
            supplier: SupplierIx(0),
            ..aw[2]
        });
        let want =
            "C1 re-lets 1.50 contracts of cleaning in year 3; its tender capacity there is 1";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(Relets, want)]);
        model.procurement.relets_per_partner_year = 2;
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        // Per procurement FTE: team T1 (20 FTE) becomes C1's procurement team, T2 (20 FTE) the other partner's.
        // At 0.05 re-lets a year per FTE C1's capacity is 1 again; at 0.1, 2; the flat allowance adds to it.
        for t in [1, 2] {
            data.teams[t].function = crate::domain::Function("procurement".into());
        }
        model.procurement.relets_per_partner_year = 0;
        model.procurement.relets_per_procurement_fte = 0.05;
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(Relets, want)]);
        model.procurement.relets_per_procurement_fte = 0.1;
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        model.procurement.relets_per_partner_year = 1;
        model.procurement.relets_per_procurement_fte = 0.05;
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
    }
}
