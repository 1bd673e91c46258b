//! The desk rule: every kept site has the desks for the people the plan places there, less the staff who
//! transfer to a hub, plus a hub's extra staff.

use super::Ctx;
use crate::check::{Rule, Violation};

/// `capacity`: the people placed at each site, times `desk_ratio`, fit its desks.
pub(crate) fn desks(cx: &Ctx, out: &mut Vec<Violation>) {
    let ratio = cx.model.estates.desk_ratio;
    let mut used = vec![0.0; cx.data.sites.len()];
    for (t, team) in cx.data.teams.iter().enumerate() {
        let hc = f64::from(team.headcount);
        for &(s, f) in &cx.plan.teams[t] {
            used[s.ix()] += f * hc * ratio;
        }
    }
    // Staff who transfer to a hub free their desks where their team works today; a hub needs desks for its
    // extra FTE at its site.
    for (s, freed) in &cx.services.desks_freed {
        used[*s] -= freed;
    }
    for (s, need) in &cx.services.hub_desks {
        used[*s] += need;
    }
    // Units released on their own take their desks with them.
    let gone = super::units::desks_released(cx.data, cx.plan);
    for ((s, used), gone) in cx.data.sites.iter().zip(used).zip(gone) {
        let desks = f64::from(s.desks) - gone;
        if used > desks + 1e-6 {
            out.push(Violation::new(
                Rule::Capacity,
                format!("site {} needs {used:.1} desks but has {desks}", s.id),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Capacity;
    use crate::check::test_support::{assert_estates, dataset, model};
    use crate::domain::SiteIx;
    use crate::plan::Plan;

    #[test]
    fn more_people_than_desks_breaks_capacity() {
        let (data, mut model) = (dataset(), model());
        // T0's 40 join T2's 20 at S2, which has 50 desks.
        let mut plan = Plan::baseline(&data);
        plan.teams[0] = vec![(SiteIx(2), 1.0)];
        let want = "site S2 needs 60.0 desks but has 50";
        assert_estates(&data, &model, &plan, &[(Capacity, want)]);
        // Eight desks for ten people: 48 fit.
        model.estates.desk_ratio = 0.8;
        assert_estates(&data, &model, &plan, &[]);
    }
}
