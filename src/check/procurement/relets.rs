//! Tender capacity: a partner re-lets (moves, or renews at a new price) at most its yearly capacity
//! (`relets_per_partner_year`, plus `relets_per_procurement_fte` per FTE of its procurement teams, rounded down)
//! in any one plan year, over every category the award covers, pro rata to the share.
//!
//! The one rule across categories: it reads every category's awards at once. A partner's year over its capacity
//! is reported in each category that re-lets in it.

use super::timing::start_year;
use super::{Ctx, TOL};
use crate::check::{Rule, Violation};
use crate::domain::{Dataset, OrgIx};
use crate::model_config::ModelConfig;
use crate::plan::award::{Award, Timing};
use std::collections::BTreeMap;

/// `relets_per_partner_year` and `relets_per_procurement_fte`: no partner re-lets more than its yearly capacity
/// in any year over all categories. Returns each violation with the position of a category (in `categories`) it
/// is reported in.
pub(super) fn relets(
    data: &Dataset,
    model: &ModelConfig,
    categories: &[(&str, &[Award])],
    released: &BTreeMap<usize, usize>,
) -> Vec<(usize, Violation)> {
    let p = &model.procurement;
    if p.relets_per_partner_year == 0 && p.relets_per_procurement_fte <= 0.0 {
        return Vec::new();
    }
    // Per (partner, year 1-based): per category position, the contracts re-let.
    let mut used: BTreeMap<(OrgIx, usize), BTreeMap<usize, f64>> = BTreeMap::new();
    for (i, (category, awards)) in categories.iter().enumerate() {
        let cx = Ctx::new(data, model, category, awards, released);
        if !cx.covered {
            continue;
        }
        for a in awards.iter().filter(|a| a.timing != Timing::SiteReleased) {
            let c = &data.contracts[a.contract];
            let price = cx.share_price(a);
            if let Some(y) = start_year(&cx, a).filter(|_| a.supplier != c.supplier || price != 1.0)
            {
                *used
                    .entry((c.organisation, y))
                    .or_default()
                    .entry(i)
                    .or_default() += a.share;
            }
        }
    }
    let mut out = Vec::new();
    for ((org, y), by_category) in used {
        let all: f64 = by_category.values().sum();
        let cap = yearly(data, model, org);
        if all <= f64::from(cap) + TOL {
            continue;
        }
        let parts: Vec<String> = by_category
            .iter()
            .map(|(i, v)| format!("{} {v:.2}", categories[*i].0))
            .collect();
        let detail = format!(
            "{} re-lets {all:.2} contracts in year {y} over all categories ({}); its tender capacity is {cap} a year",
            data.org(org).id,
            parts.join(", ")
        );
        for &i in by_category.keys() {
            out.push((i, Violation::new(Rule::Relets, detail.clone())));
        }
    }
    out
}

/// Partner `p`'s capacity over all categories in a year: the flat allowance plus the per-FTE one for the FTE of
/// its teams whose function is `procurement`, rounded down.
fn yearly(data: &Dataset, model: &ModelConfig, p: OrgIx) -> u32 {
    let rules = &model.procurement;
    let fte: f64 = data
        .teams
        .iter()
        .filter(|t| t.organisation == p && t.function.0 == "procurement")
        .map(|t| f64::from(t.headcount))
        .sum();
    rules.relets_per_partner_year + (rules.relets_per_procurement_fte * fte).floor() as u32
}

#[cfg(test)]
mod tests {
    use crate::check::Rule;
    use crate::check::procurement::check_award;
    use crate::check::test_support::{CATEGORY, awards, dataset, model};
    use crate::domain::{Dataset, SupplierIx};
    use crate::model_config::ModelConfig;
    use crate::plan::award::{Award, Timing};
    use std::collections::BTreeMap;

    /// The tender-capacity violations of the whole award, with the category each is reported in.
    fn relets(
        data: &Dataset,
        model: &ModelConfig,
        by: &[(&str, Vec<Award>)],
    ) -> Vec<(String, String)> {
        let lists: Vec<_> = by.iter().map(|(c, a)| (*c, &a[..], None)).collect();
        let reports = check_award(data, model, &lists, &BTreeMap::new());
        by.iter()
            .zip(reports)
            .flat_map(|((c, _), r)| {
                r.violations
                    .into_iter()
                    .filter(|v| v.rule == Rule::Relets)
                    .map(|v| (c.to_string(), v.detail))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn re_letting_more_than_the_capacity_in_a_year_breaks_relets() {
        let (mut data, mut model) = (dataset(), model());
        // C1 buys K0, K2 and K3 and may re-let one contract a year. K0 and K2 (here ending on the same day, not
        // serving a site) both move to CHEAP in year 3: two re-lets.
        data.contracts[2].site = None;
        data.contracts[2].end = data.contracts[0].end;
        model.procurement.relets_per_partner_year = 1;
        let mut aw = awards(&data);
        aw[0].supplier = SupplierIx(1);
        assert_eq!(relets(&data, &model, &[(CATEGORY, aw.clone())]), []);
        aw[2].supplier = SupplierIx(1);
        let said = |r: f64| {
            vec![(
                CATEGORY.to_string(),
                format!(
                    "C1 re-lets {r:.2} contracts in year 3 over all categories (cleaning {r:.2}); its tender \
                     capacity is 1 a year"
                ),
            )]
        };
        assert_eq!(relets(&data, &model, &[(CATEGORY, aw.clone())]), said(2.0));
        // Half of K2 moving is half a re-let: 1.5 is still over.
        aw[2].share = 0.5;
        aw.push(Award {
            supplier: SupplierIx(0),
            ..aw[2]
        });
        assert_eq!(relets(&data, &model, &[(CATEGORY, aw.clone())]), said(1.5));
        model.procurement.relets_per_partner_year = 2;
        assert_eq!(relets(&data, &model, &[(CATEGORY, aw.clone())]), []);
        // Per procurement FTE: team T1 (20 FTE) becomes C1's procurement team, T2 (20 FTE) the other partner's.
        // At 0.05 re-lets a year per FTE C1's capacity is 1 again; at 0.1, 2; the flat allowance adds to it.
        for t in [1, 2] {
            data.teams[t].function = crate::domain::Function("procurement".into());
        }
        model.procurement.relets_per_partner_year = 0;
        model.procurement.relets_per_procurement_fte = 0.05;
        assert_eq!(relets(&data, &model, &[(CATEGORY, aw.clone())]), said(1.5));
        model.procurement.relets_per_procurement_fte = 0.1;
        assert_eq!(relets(&data, &model, &[(CATEGORY, aw.clone())]), []);
        model.procurement.relets_per_partner_year = 1;
        model.procurement.relets_per_procurement_fte = 0.05;
        assert_eq!(relets(&data, &model, &[(CATEGORY, aw)]), []);
    }

    #[test]
    fn the_capacity_is_the_partners_over_all_categories() {
        let (mut data, mut model) = (dataset(), model());
        // C1 re-lets K0 in cleaning in year 3 and a contract of another category (a copy of K0) in year 3 too: one
        // each, two in the year, over its one a year. The violation is reported in both categories.
        data.contracts[2].site = None;
        let mut other = data.contracts[0].clone();
        other.id = "K5".into();
        other.category = "it".into();
        data.contracts.push(other);
        model.procurement.relets_per_partner_year = 1;
        let mut cleaning = awards(&data);
        let it = cleaning.split_off(5);
        cleaning[0].supplier = SupplierIx(1);
        let mut moved = it.clone();
        moved[0].supplier = SupplierIx(1);
        assert_eq!(
            relets(&data, &model, &[(CATEGORY, cleaning.clone()), ("it", it)]),
            []
        );
        let detail = "C1 re-lets 2.00 contracts in year 3 over all categories (cleaning 1.00, it 1.00); its \
                      tender capacity is 1 a year";
        assert_eq!(
            relets(
                &data,
                &model,
                &[(CATEGORY, cleaning.clone()), ("it", moved.clone())]
            ),
            [
                (CATEGORY.to_string(), detail.to_string()),
                ("it".to_string(), detail.to_string())
            ]
        );
        // Ended early for year 2 instead, the other contract fits.
        moved[0].timing = Timing::Early(2);
        assert_eq!(
            relets(&data, &model, &[(CATEGORY, cleaning), ("it", moved)]),
            []
        );
    }
}
