//! The capital budget rule: one-off costs in each year of the horizon stay within `capital_per_year`.

use super::Ctx;
use crate::check::{Rule, Violation};

/// `budget`: each year's one-off costs (exit penalties, relocation and fit-out) are at most the budget.
pub(crate) fn capital_per_year(cx: &Ctx, out: &mut Vec<Violation>) {
    let Some(cap) = cx.model.estates.budget.capital_per_year else {
        return;
    };
    for (y, c) in cx.econ.one_off_by_year.iter().enumerate() {
        if *c > cap + 1e-6 {
            out.push(Violation::new(
                Rule::Budget,
                format!(
                    "one-off costs in year {} are GBP {c:.0}, above the budget of GBP {cap:.0}",
                    y + 1
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Budget;
    use crate::check::test_support::{assert_estates, dataset, model};
    use crate::domain::SiteIx;
    use crate::plan::{Plan, SiteDecision};

    #[test]
    fn one_off_costs_above_the_budget_break_budget() {
        let (data, mut model) = (dataset(), model());
        // S1's lease runs past the horizon, so leaving it in year 2 pays its GBP 50,000 exit penalty then, and
        // its 20 people pay GBP 1,000 each to move.
        model.estates.budget.relocation_per_head = 1000.0;
        let mut plan = Plan::baseline(&data);
        plan.sites[1] = SiteDecision::Release(2);
        plan.teams[1] = vec![(SiteIx(0), 1.0)];
        model.estates.budget.capital_per_year = Some(70_000.0);
        assert_estates(&data, &model, &plan, &[]);
        model.estates.budget.capital_per_year = Some(69_999.0);
        let want = "one-off costs in year 2 are GBP 70000, above the budget of GBP 69999";
        assert_estates(&data, &model, &plan, &[(Budget, want)]);
    }
}
