//! Tender capacity: a partner re-lets (moves, or renews at a new price) at most its share of its yearly capacity
//! (`relets_per_partner_year`, plus `relets_per_procurement_fte` per FTE of its procurement teams, rounded down)
//! in a category in any one plan year, pro rata to the share.
//!
//! The share is derived here on its own: the partner's yearly capacity times the years a re-let can start in (from
//! the first after the lead time) is shared over the categories the award covers in proportion to its contracts in
//! each, by the largest remainder (ties to the category first in name order), and dealt to those years in turn,
//! category after category in name order.

use super::timing::start_year;
use super::{Ctx, TOL, covers};
use crate::check::{Rule, Violation};
use crate::domain::OrgIx;
use crate::plan::award::Timing;
use std::collections::BTreeMap;

/// `relets_per_partner_year` and `relets_per_procurement_fte`: no partner re-lets more than its capacity in the
/// category in any year (its share of that year).
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
    let mut caps: BTreeMap<OrgIx, BTreeMap<usize, u32>> = BTreeMap::new();
    for ((p, y), v) in used {
        let by_year = caps
            .entry(p)
            .or_insert_with(|| capacity(cx, p, yearly(cx, p)));
        let cap = by_year.get(&y).copied().unwrap_or(0);
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

/// Partner `p`'s share of `n` a year in the checked category, per plan year (1-based) a re-let can start in.
fn capacity(cx: &Ctx, p: OrgIx, n: u32) -> BTreeMap<usize, u32> {
    let years = cx.starts.len();
    let Some(first) = cx.free(cx.lead_end) else {
        return BTreeMap::new();
    };
    let open: Vec<usize> = (first..=years).collect();
    let mut mine: BTreeMap<&str, f64> = BTreeMap::new();
    for c in cx.data.contracts.iter().filter(|c| c.organisation == p) {
        if covers(cx.data, cx.model, &c.category) {
            *mine.entry(c.category.as_str()).or_default() += 1.0;
        }
    }
    let units = n * open.len() as u32;
    let total: f64 = mine.values().sum();
    let exact: Vec<(&str, f64)> = mine
        .iter()
        .map(|(k, w)| (*k, f64::from(units) * w / total))
        .collect();
    let floors: u32 = exact.iter().map(|(_, q)| q.floor() as u32).sum();
    let mut by_remainder = exact.clone();
    by_remainder.sort_by(|a, b| {
        (b.1 - b.1.floor())
            .total_cmp(&(a.1 - a.1.floor()))
            .then(a.0.cmp(b.0))
    });
    let extra: Vec<&str> = by_remainder
        .iter()
        .take((units - floors) as usize)
        .map(|(k, _)| *k)
        .collect();
    let share = |k: &str, q: f64| q.floor() as usize + usize::from(extra.contains(&k));
    // The units of the categories before this one in name order come first; this one's follow, a year each in
    // turn.
    let before: usize = exact
        .iter()
        .take_while(|(k, _)| *k < cx.category)
        .map(|(k, q)| share(k, *q))
        .sum();
    let ours = exact
        .iter()
        .find(|(k, _)| *k == cx.category)
        .map_or(0, |(k, q)| share(k, *q));
    let mut caps = BTreeMap::new();
    for unit in before..before + ours {
        *caps.entry(open[unit % open.len()]).or_default() += 1;
    }
    caps
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

    #[test]
    fn a_category_below_one_re_let_a_year_gets_its_turn_of_the_years() {
        let (mut data, mut model) = (dataset(), model());
        // C1 buys K0, K2 and K3 in cleaning and one more contract in another category, and may re-let one a
        // year. Over five years its 5 re-lets go 4 to cleaning (3.75, the larger remainder) and 1 to the other,
        // dealt in name order: cleaning has years 1-4, the other category year 5. So K3, ended early for CHEAP,
        // may start in year 4 but not in year 5.
        data.contracts[2].site = None;
        let mut other = data.contracts[0].clone();
        other.id = "K5".into();
        other.category = "it".into();
        data.contracts.push(other);
        model.procurement.relets_per_partner_year = 1;
        // The award model's own derivation agrees.
        let caps = crate::plan::award::relet_caps(&data, &model, "cleaning").unwrap();
        assert_eq!(caps[&data.contracts[0].organisation], [1, 1, 1, 1, 0]);
        let caps = crate::plan::award::relet_caps(&data, &model, "it").unwrap();
        assert_eq!(caps[&data.contracts[0].organisation], [0, 0, 0, 0, 1]);
        let mut aw = awards(&data);
        aw.truncate(5);
        aw[3].supplier = SupplierIx(1);
        aw[3].timing = crate::plan::award::Timing::Early(4);
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        aw[3].timing = crate::plan::award::Timing::Early(5);
        let want =
            "C1 re-lets 1.00 contracts of cleaning in year 5; its tender capacity there is 0";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(Relets, want)]);
    }
}
