//! The supplier capacity rule: no supplier holds more of a category than it can take.

use super::{Ctx, TOL};
use crate::check::{Rule, Violation};

/// `capacity`: each supplier's volume after the award is within its offer's capacity; a supplier without an
/// offer may hold no more than it holds today.
pub(super) fn capacity(cx: &Ctx, out: &mut Vec<Violation>) {
    for (s, v) in &cx.volume {
        let cap = cx
            .capacity
            .get(s)
            .copied()
            .unwrap_or_else(|| cx.today.get(s).copied().unwrap_or(0.0));
        if *v > cap * (1.0 + TOL) + TOL {
            out.push(Violation::new(
                Rule::Capacity,
                format!(
                    "{} holds {v:.2} a year in {}, above its capacity {cap:.2}",
                    cx.supplier(*s),
                    cx.category
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Capacity;
    use crate::check::test_support::{assert_award, awards, dataset, model};
    use crate::domain::SupplierIx;
    use std::collections::BTreeMap;

    #[test]
    fn more_volume_than_a_supplier_can_take_breaks_capacity() {
        let (mut data, model) = (dataset(), model());
        // K0 (GBP 100,000 a year) moves to CHEAP at its natural end.
        let mut aw = awards(&data);
        aw[0].supplier = SupplierIx(1);
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        for o in data
            .offers
            .iter_mut()
            .filter(|o| o.supplier == SupplierIx(1))
        {
            o.capacity = 90_000.0;
        }
        let want = "CHEAP holds 100000.00 a year in cleaning, above its capacity 90000.00";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(Capacity, want)]);
    }

    #[test]
    fn a_supplier_without_an_offer_may_hold_no_more_than_today() {
        let (data, model) = (dataset(), model());
        // NOOFFER keeps its own K4 (GBP 80,000) and is given LOCAL's K1 (GBP 50,000) as well.
        let mut aw = awards(&data);
        aw[1].supplier = SupplierIx(3);
        let want = [
            (
                crate::check::Rule::Award,
                "contract K1 goes to NOOFFER, which has no offer in cleaning",
            ),
            (
                Capacity,
                "NOOFFER holds 130000.00 a year in cleaning, above its capacity 80000.00",
            ),
        ];
        assert_award(&data, &model, &aw, &BTreeMap::new(), &want);
    }
}
