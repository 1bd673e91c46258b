//! Team placement rules: each team placed whole (unless split), only where it may work, on kept sites.
//!
//! These run team by team from [`super::each_team`], so that a team's violations stay together.

use super::Ctx;
use crate::check::{Rule, Violation};
use crate::domain::SiteIx;

/// Below this a share of a team is no placement at all (solver round-off).
const TOL: f64 = 1e-6;

/// `assignment`: team `t`'s shares add up to all of its headcount.
pub(crate) fn placed_whole(cx: &Ctx, t: usize, out: &mut Vec<Violation>) {
    let total: f64 = cx.plan.teams[t].iter().map(|s| s.1).sum();
    if (total - 1.0).abs() > TOL {
        out.push(Violation::new(
            Rule::Assignment,
            format!(
                "team {} is placed at {:.4} of its headcount, not all of it",
                cx.data.teams[t].id, total
            ),
        ));
    }
}

/// `assignment`: team `t` works from one site unless the model file allows splitting.
pub(crate) fn split(cx: &Ctx, t: usize, out: &mut Vec<Violation>) {
    let sites = cx.plan.teams[t].len();
    if !cx.model.estates.split && sites > 1 {
        out.push(Violation::new(
            Rule::Assignment,
            format!(
                "team {} is split across {sites} sites but split is off",
                cx.data.teams[t].id
            ),
        ));
    }
}

/// `assignment`: a team that cannot move keeps all of its headcount where it works today.
pub(crate) fn immovable(cx: &Ctx, t: usize, out: &mut Vec<Violation>) {
    let team = &cx.data.teams[t];
    let moved = cx.plan.teams[t]
        .iter()
        .any(|&(s, f)| Some(s) != team.site && f > TOL);
    if !team.movable && team.site.is_some() && moved {
        out.push(Violation::new(
            Rule::Assignment,
            format!("team {} cannot move but is moved", team.id),
        ));
    }
}

/// `link`: team `t` works from site `s` only if the plan keeps it.
pub(crate) fn on_kept_site(cx: &Ctx, t: usize, s: SiteIx, out: &mut Vec<Violation>) {
    if !cx.kept(s) {
        out.push(Violation::new(
            Rule::Link,
            format!(
                "team {} works from site {}, which is released",
                cx.data.teams[t].id,
                cx.data.site(s).id
            ),
        ));
    }
}

/// `assignment`: a team with a cost table works only at the sites the table lists.
pub(crate) fn listed(cx: &Ctx, t: usize, s: SiteIx, out: &mut Vec<Violation>) {
    if cx.has_table.contains(&t) && !cx.costs.contains_key(&(t, s.ix())) {
        out.push(Violation::new(
            Rule::Assignment,
            format!(
                "team {} is placed at site {}, which its cost table does not list",
                cx.data.teams[t].id,
                cx.data.site(s).id
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::{Assignment, Link};
    use crate::check::test_support::{assert_estates, dataset, model};
    use crate::domain::{SiteIx, TeamIx, TeamSiteCost};
    use crate::plan::{Plan, SiteDecision};

    #[test]
    fn a_team_placed_in_part_breaks_assignment() {
        let (data, model) = (dataset(), model());
        let mut plan = Plan::baseline(&data);
        plan.teams[0] = vec![(SiteIx(0), 0.5)];
        let want = "team T0 is placed at 0.5000 of its headcount, not all of it";
        assert_estates(&data, &model, &plan, &[(Assignment, want)]);
    }

    #[test]
    fn a_split_team_breaks_assignment_unless_split_is_on() {
        let (data, mut model) = (dataset(), model());
        let mut plan = Plan::baseline(&data);
        plan.teams[0] = vec![(SiteIx(0), 0.5), (SiteIx(2), 0.5)];
        let want = "team T0 is split across 2 sites but split is off";
        assert_estates(&data, &model, &plan, &[(Assignment, want)]);
        model.estates.split = true;
        assert_estates(&data, &model, &plan, &[]);
    }

    #[test]
    fn an_immovable_team_moved_breaks_assignment() {
        let (mut data, model) = (dataset(), model());
        let mut plan = Plan::baseline(&data);
        plan.teams[1] = vec![(SiteIx(0), 1.0)];
        assert_estates(&data, &model, &plan, &[]);
        data.teams[1].movable = false;
        let want = "team T1 cannot move but is moved";
        assert_estates(&data, &model, &plan, &[(Assignment, want)]);
    }

    #[test]
    fn a_team_on_a_released_site_breaks_link() {
        let (data, model) = (dataset(), model());
        let mut plan = Plan::baseline(&data);
        plan.sites[1] = SiteDecision::Release(2);
        let want = "team T1 works from site S1, which is released";
        assert_estates(&data, &model, &plan, &[(Link, want)]);
    }

    #[test]
    fn a_team_placed_where_its_cost_table_is_silent_breaks_assignment() {
        let (mut data, model) = (dataset(), model());
        data.team_site_costs = vec![TeamSiteCost {
            team: TeamIx(2),
            site: SiteIx(2),
            annual_cost: 0.0,
        }];
        let mut plan = Plan::baseline(&data);
        assert_estates(&data, &model, &plan, &[]);
        plan.teams[2] = vec![(SiteIx(0), 1.0)];
        let want = "team T2 is placed at site S0, which its cost table does not list";
        assert_estates(&data, &model, &plan, &[(Assignment, want)]);
    }
}
