//! Supplier-count rules of a category: not too many suppliers, enough strong ones, few per partner.

use super::{Ctx, TOL};
use crate::check::{Rule, Violation};
use crate::plan::award::Timing;
use std::collections::{BTreeMap, BTreeSet};

/// `max_suppliers`: at most `max_suppliers` (0: any number) suppliers hold volume after the award.
pub(super) fn max_suppliers(cx: &Ctx, out: &mut Vec<Violation>) {
    let max = cx.rules.max_suppliers;
    let used = cx.volume.values().filter(|v| **v > TOL).count();
    if max > 0 && used > max as usize {
        out.push(Violation::new(
            Rule::MaxSuppliers,
            format!(
                "{used} suppliers hold volume in {}; at most {max} may",
                cx.category
            ),
        ));
    }
}

/// `min_suppliers`: at least `min_suppliers` suppliers each hold `min_supplier_share` of the volume.
pub(super) fn min_suppliers(cx: &Ctx, out: &mut Vec<Violation>) {
    let (r, total) = (&cx.rules, cx.total);
    let strong = cx
        .volume
        .values()
        .filter(|v| **v + TOL * total.max(1.0) >= r.min_supplier_share * total)
        .count();
    if total > 0.0 && strong < r.min_suppliers as usize {
        out.push(Violation::new(
            Rule::MinSuppliers,
            format!(
                "only {strong} suppliers hold {:.0}% of {}; at least {} must",
                r.min_supplier_share * 100.0,
                cx.category,
                r.min_suppliers
            ),
        ));
    }
}

/// `max_suppliers_per_partner`: no partner buys the category from more than that many (0: any number).
pub(super) fn max_suppliers_per_partner(cx: &Ctx, out: &mut Vec<Violation>) {
    let max = cx.rules.max_suppliers_per_partner;
    if max == 0 {
        return;
    }
    let mut per_partner: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
    for a in cx
        .awards
        .iter()
        .filter(|a| a.timing != Timing::SiteReleased)
    {
        per_partner
            .entry(cx.data.contracts[a.contract].organisation)
            .or_default()
            .insert(a.supplier);
    }
    for (o, set) in &per_partner {
        if set.len() > max as usize {
            out.push(Violation::new(
                Rule::MaxSuppliersPerPartner,
                format!(
                    "{} buys {} from {} suppliers; at most {max} may",
                    cx.data.org(*o).id,
                    cx.category,
                    set.len()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::{MaxSuppliers, MaxSuppliersPerPartner, MinSuppliers};
    use crate::check::test_support::{CATEGORY, assert_award, awards, dataset, model};
    use crate::model_config::RuleOverride;
    use std::collections::BTreeMap;

    // Today INC, LOCAL and NOOFFER hold GBP 150,000, 50,000 and 80,000 of the GBP 280,000 a year; partner C1
    // buys from INC only, T1 from LOCAL and NOOFFER.

    #[test]
    fn too_many_suppliers_break_max_suppliers() {
        let (data, mut model) = (dataset(), model());
        model.procurement.max_suppliers = 3;
        assert_award(&data, &model, &awards(&data), &BTreeMap::new(), &[]);
        model.procurement.max_suppliers = 2;
        let want = "3 suppliers hold volume in cleaning; at most 2 may";
        assert_award(
            &data,
            &model,
            &awards(&data),
            &BTreeMap::new(),
            &[(MaxSuppliers, want)],
        );
    }

    #[test]
    fn too_few_strong_suppliers_break_min_suppliers() {
        let (data, mut model) = (dataset(), model());
        model.procurement.min_suppliers = 3;
        model.procurement.min_supplier_share = 0.2;
        let want = "only 2 suppliers hold 20% of cleaning; at least 3 must";
        assert_award(
            &data,
            &model,
            &awards(&data),
            &BTreeMap::new(),
            &[(MinSuppliers, want)],
        );
        // A category's override wins over the general rule.
        let relaxed = RuleOverride {
            min_suppliers: Some(2),
            ..RuleOverride::default()
        };
        model.procurement.overrides = BTreeMap::from([(CATEGORY.to_string(), relaxed)]);
        assert_award(&data, &model, &awards(&data), &BTreeMap::new(), &[]);
    }

    #[test]
    fn a_partner_with_too_many_suppliers_breaks_max_suppliers_per_partner() {
        let (data, mut model) = (dataset(), model());
        model.procurement.max_suppliers_per_partner = 1;
        let want = "T1 buys cleaning from 2 suppliers; at most 1 may";
        let got = &[(MaxSuppliersPerPartner, want)];
        assert_award(&data, &model, &awards(&data), &BTreeMap::new(), got);
    }
}
