//! The partners rule: with `partners_no_worse`, no partner ends worse off than doing nothing.

use super::Ctx;
use crate::check::{Rule, Violation};

/// `partners`: each partner's present-value gain (its sites' savings less its teams' extra costs) is not
/// negative.
pub(crate) fn no_worse(cx: &Ctx, out: &mut Vec<Violation>) {
    if !cx.model.estates.partners_no_worse {
        return;
    }
    for (p, gain) in &cx.econ.by_partner {
        if *gain < -1e-6 {
            out.push(Violation::new(
                Rule::Partners,
                format!("partner {p} is worse off by GBP {:.0}", -gain),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Partners;
    use crate::check::test_support::{assert_estates, dataset, model};
    use crate::domain::SiteIx;
    use crate::plan::Plan;

    #[test]
    fn a_partner_paying_for_a_move_that_saves_it_nothing_breaks_partners() {
        let (data, mut model) = (dataset(), model());
        // T2 (partner T1) moves from S2, which stays, to S0: GBP 1,000 a head in year 1, no saving.
        model.estates.budget.relocation_per_head = 1000.0;
        let mut plan = Plan::baseline(&data);
        plan.teams[2] = vec![(SiteIx(0), 1.0)];
        assert_estates(&data, &model, &plan, &[]);
        model.estates.partners_no_worse = true;
        let want = "partner T1 is worse off by GBP 20000";
        assert_estates(&data, &model, &plan, &[(Partners, want)]);
    }
}
