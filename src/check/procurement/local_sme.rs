//! The social-value rule: a category keeps its share of spend with local SMEs.

use super::Ctx;
use crate::check::{Rule, Violation};
use crate::domain::SupplierIx;
use std::collections::BTreeMap;

/// `local_sme_share`: after the award, local SMEs hold at least `local_sme_share` of the category's spend, or
/// today's share where that is lower. The spend is the whole category's: the contracts still bought plus the tail
/// of small suppliers in `tail.csv`, which the award leaves as it is.
pub(super) fn local_sme_share(cx: &Ctx, out: &mut Vec<Violation>) {
    let lsme = |s: &SupplierIx| cx.data.supplier(*s).sme && cx.data.supplier(*s).local;
    let local = |held: &BTreeMap<SupplierIx, f64>| -> f64 {
        held.iter().filter(|(s, _)| lsme(s)).map(|(_, v)| v).sum()
    };
    let (mut tail, mut tail_local) = (0.0, 0.0);
    for row in cx.data.tail.iter().filter(|r| r.category == cx.category) {
        tail += row.annual_spend;
        tail_local += row.local_sme_spend;
    }
    let total = cx.total + tail;
    // An empty category has no share to keep.
    if total <= 0.0 {
        return;
    }
    let after = (local(&cx.volume) + tail_local) / total;
    let today = (local(&cx.today) + tail_local) / total;
    let need = cx.rules.local_sme_share.min(today);
    if after + 1e-5 < need {
        out.push(Violation::new(
            Rule::LocalSmeShare,
            format!(
                "{:.2}% of {} is with local SMEs; at least {:.2}% must be",
                after * 100.0,
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

    /// Today's award with 80% of LOCAL's K1 (GBP 50,000 a year) moved to CHEAP.
    fn moved_away(data: &crate::domain::Dataset) -> Vec<Award> {
        let mut aw = awards(data);
        aw[1].share = 0.2;
        aw.push(Award {
            supplier: SupplierIx(1),
            share: 0.8,
            ..aw[1]
        });
        aw
    }

    #[test]
    fn moving_spend_away_from_local_smes_breaks_local_sme_share() {
        let (data, mut model) = (dataset(), model());
        // LOCAL holds K1, GBP 50,000 of GBP 280,000 today (17.9%); 80% of K1 moves to CHEAP in year 2, leaving
        // LOCAL GBP 10,000 (3.57%).
        let aw = moved_away(&data);
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

    #[test]
    fn the_tail_counts_in_the_share_on_both_sides() {
        let (mut data, mut model) = (dataset(), model());
        let aw = moved_away(&data);
        // A tail of GBP 120,000 a year, half with local SMEs: after the move local SMEs hold GBP 10,000 + 60,000
        // of GBP 400,000 (17.5%, above 10%); today GBP 110,000 (27.5%).
        data.tail.push(crate::domain::Tail {
            organisation: data.contracts[1].organisation,
            category: "cleaning".into(),
            annual_spend: 120_000.0,
            suppliers: 30,
            local_sme_spend: 60_000.0,
        });
        // At 10% the tail meets the floor; at 20% it does not; the default (1) keeps today's share, so no
        // local-SME volume under contract may be lost.
        for (share, need) in [(0.1, None), (0.2, Some("20.00")), (1.0, Some("27.50"))] {
            model.procurement.local_sme_share = share;
            let detail = need
                .map(|n| format!("17.50% of cleaning is with local SMEs; at least {n}% must be"));
            let want: Vec<_> = detail.iter().map(|d| (LocalSmeShare, d.as_str())).collect();
            assert_award(&data, &model, &aw, &BTreeMap::new(), &want);
        }
    }
}
