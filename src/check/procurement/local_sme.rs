//! The social-value rule: a category keeps its share of spend with local SMEs.

use super::Ctx;
use crate::check::{Rule, Violation};
use crate::domain::SupplierIx;

/// `local_sme_share`: after the award, local SMEs hold at least `local_sme_share` of the category's volume, or
/// today's share where that is lower.
pub(super) fn local_sme_share(cx: &Ctx, out: &mut Vec<Violation>) {
    let lsme = |s: &SupplierIx| cx.data.supplier(*s).sme && cx.data.supplier(*s).local;
    let after: f64 = cx
        .volume
        .iter()
        .filter(|(s, _)| lsme(s))
        .map(|(_, v)| v)
        .sum();
    let today: f64 = cx
        .today
        .iter()
        .filter(|(s, _)| lsme(s))
        .map(|(_, v)| v)
        .sum();
    let total = cx.total;
    // An empty category has no share to keep.
    let need = cx.rules.local_sme_share.min(today / total);
    if total > 0.0 && after / total + 1e-5 < need {
        out.push(Violation::new(
            Rule::LocalSmeShare,
            format!(
                "{:.2}% of {} is with local SMEs; at least {:.2}% must be",
                after / total * 100.0,
                cx.category,
                need * 100.0
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::LocalSmeShare;
    use crate::check::test_support::{assert_award, awards, dataset, model};
    use crate::domain::SupplierIx;
    use crate::plan::award::Award;
    use std::collections::BTreeMap;

    #[test]
    fn moving_spend_away_from_local_smes_breaks_local_sme_share() {
        let (data, mut model) = (dataset(), model());
        // LOCAL holds K1, GBP 50,000 of GBP 280,000 today (17.9%); 80% of K1 moves to CHEAP in year 2, leaving
        // LOCAL GBP 10,000 (3.57%).
        let mut aw = awards(&data);
        aw[1].share = 0.2;
        aw.push(Award {
            supplier: SupplierIx(1),
            share: 0.8,
            ..aw[1]
        });
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        model.procurement.local_sme_share = 0.1;
        let after = 10_000.0 / 280_000.0 * 100.0;
        let want = format!("{after:.2}% of cleaning is with local SMEs; at least 10.00% must be");
        assert_award(
            &data,
            &model,
            &aw,
            &BTreeMap::new(),
            &[(LocalSmeShare, &want)],
        );
        // Never more than today's share.
        model.procurement.local_sme_share = 0.5;
        let want = format!(
            "{after:.2}% of cleaning is with local SMEs; at least {:.2}% must be",
            50.0 / 280.0 * 100.0
        );
        assert_award(
            &data,
            &model,
            &aw,
            &BTreeMap::new(),
            &[(LocalSmeShare, &want)],
        );
    }
}
