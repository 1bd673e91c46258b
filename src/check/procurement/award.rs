//! Award rules: each contract of the category awarded in full, once, in shares, to suppliers with an offer.

use super::{Ctx, TOL};
use crate::check::{Rule, Violation};
use crate::plan::award::{Award, Timing};
use std::collections::BTreeMap;

/// `award`: the awarded contract belongs to the category.
pub(super) fn in_category(cx: &Ctx, a: &Award, out: &mut Vec<Violation>) {
    let c = &cx.data.contracts[a.contract];
    if c.category != cx.category {
        out.push(Violation::new(
            Rule::Award,
            format!("contract {} is not in {}", c.id, cx.category),
        ));
    }
}

/// `award`: a share is above 0 and at most 1.
pub(super) fn share(cx: &Ctx, a: &Award, out: &mut Vec<Violation>) {
    if !(a.share > 0.0 && a.share <= 1.0 + TOL) {
        out.push(Violation::new(
            Rule::Award,
            format!(
                "contract {} has a share of {}",
                cx.data.contracts[a.contract].id, a.share
            ),
        ));
    }
}

/// `award`: a contract of a category the award does not cover (out of scope in `categories.csv`, or left out of
/// the model file's `categories`) stays as it is: today's supplier, not ended early.
pub(super) fn covered(cx: &Ctx, a: &Award, out: &mut Vec<Violation>) {
    let c = &cx.data.contracts[a.contract];
    if !cx.covered && (a.supplier != c.supplier || matches!(a.timing, Timing::Early(_))) {
        out.push(Violation::new(
            Rule::Award,
            format!(
                "contract {} is in {}, which the award does not cover (out of scope in categories.csv, or not \
                 among the model file's categories): it stays as it is",
                c.id, cx.category
            ),
        ));
    }
}

/// `award`: the shares of each contract of the category add up to all of it.
pub(super) fn in_full(cx: &Ctx, out: &mut Vec<Violation>) {
    let mut share_sum: BTreeMap<usize, f64> = BTreeMap::new();
    for a in cx.awards {
        *share_sum.entry(a.contract).or_default() += a.share;
    }
    for (i, c) in cx.data.contracts.iter().enumerate() {
        if c.category != cx.category {
            continue;
        }
        let s = share_sum.get(&i).copied().unwrap_or(0.0);
        if (s - 1.0).abs() > TOL {
            out.push(Violation::new(
                Rule::Award,
                format!(
                    "contract {} is awarded {s:.6} of its volume, not all of it",
                    c.id
                ),
            ));
        }
    }
}

/// `award`: a share still bought goes to today's supplier or to one with an offer in the category.
pub(super) fn offered(cx: &Ctx, a: &Award, out: &mut Vec<Violation>) {
    let c = &cx.data.contracts[a.contract];
    if a.timing == Timing::SiteReleased || a.supplier == c.supplier {
        return;
    }
    if !cx.tiers.contains_key(&a.supplier) {
        out.push(Violation::new(
            Rule::Award,
            format!(
                "contract {} goes to {}, which has no offer in {}",
                c.id,
                cx.supplier(a.supplier),
                cx.category
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Award as AwardRule;
    use crate::check::test_support::{assert_award, awards, dataset, model};
    use crate::domain::SupplierIx;
    use crate::plan::award::Award;
    use std::collections::BTreeMap;

    #[test]
    fn a_contract_of_another_category_breaks_award() {
        let (mut data, model) = (dataset(), model());
        let mut other = data.contracts[0].clone();
        other.id = "K9".into();
        other.category = "catering".into();
        data.contracts.push(other);
        let aw = awards(&data);
        assert_award(&data, &model, &aw[..5], &BTreeMap::new(), &[]);
        // Its award is counted as INC's volume too, which INC's capacity holds.
        let want = "contract K9 is not in cleaning";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(AwardRule, want)]);
    }

    #[test]
    fn a_share_of_nothing_breaks_award() {
        let (data, model) = (dataset(), model());
        let mut aw = awards(&data);
        aw.push(Award {
            share: 0.0,
            supplier: SupplierIx(1),
            ..aw[0]
        });
        let want = "contract K0 has a share of 0";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(AwardRule, want)]);
    }

    #[test]
    fn a_contract_awarded_in_part_breaks_award() {
        let (data, model) = (dataset(), model());
        let mut aw = awards(&data);
        aw[0].share = 0.6;
        let want = "contract K0 is awarded 0.600000 of its volume, not all of it";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(AwardRule, want)]);
    }

    #[test]
    fn a_share_moved_to_a_supplier_without_an_offer_breaks_award() {
        let (data, model) = (dataset(), model());
        // Half of K1 (LOCAL's) goes to NOOFFER while half of NOOFFER's K4 goes to LOCAL, so NOOFFER holds no
        // more than today and nobody's capacity is exceeded.
        let mut aw = awards(&data);
        aw[1].share = 0.5;
        aw[4].share = 0.5;
        aw.push(Award {
            supplier: SupplierIx(3),
            ..aw[1]
        });
        aw.push(Award {
            supplier: SupplierIx(2),
            ..aw[4]
        });
        let want = "contract K1 goes to NOOFFER, which has no offer in cleaning";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(AwardRule, want)]);
    }

    #[test]
    fn a_category_the_award_does_not_cover_stays_as_it_is_and_no_other_rule_applies() {
        let (mut data, mut model) = (dataset(), model());
        // Out of scope: the rules of an award (here at most one supplier) do not apply to today's suppliers...
        data.categories.push(crate::domain::CategorySpec {
            id: "cleaning".into(),
            name: "Cleaning".into(),
            route: crate::domain::Route::OutOfScope,
            price_effect: 0.0,
            tender_cost: 0.0,
            mobilisation_cost: None,
        });
        model.procurement.max_suppliers = 1;
        let mut aw = awards(&data);
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        // ...but nothing may move.
        aw[0].supplier = SupplierIx(1);
        let want = "contract K0 is in cleaning, which the award does not cover (out of scope in categories.csv, \
                    or not among the model file's categories): it stays as it is";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(AwardRule, want)]);
        // The same for a category the model file's list leaves out.
        data.categories.clear();
        model.procurement.categories = vec!["catering".into()];
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(AwardRule, want)]);
    }
}
