//! Staff travel rules: no team moves further than the limit, and the mean move stays short.
//!
//! Distances are haversine km between a team's site today and each site it works from in the plan. Teams with
//! a cost table are exempt from the per-team limit: the table, not distance, says where they may work.

use super::Ctx;
use crate::check::{Rule, Violation};
use crate::domain::SiteIx;
use crate::geo::haversine_km;

/// `staff`: team `t`, working (in part) from site `s`, moves no further than `max_team_increase_km`, and a
/// move between sites is measurable (both have coordinates).
pub(crate) fn team_move(cx: &Ctx, t: usize, s: SiteIx, out: &mut Vec<Violation>) {
    let team = &cx.data.teams[t];
    let limit = cx.model.estates.staff.max_team_increase_km;
    if cx.has_table.contains(&t) {
        return;
    }
    let detail = match (cx.home(t), cx.data.site(s).location) {
        (Some(a), Some(b)) => {
            let d = haversine_km(a, b);
            (team.movable && d > limit + 1e-9).then(|| {
                format!(
                    "team {} moves {d:.2} km, beyond the {limit} km limit",
                    team.id
                )
            })
        }
        _ => (team.site.is_some() && Some(s) != team.site).then(|| {
            format!(
                "team {} moves to or from a site without coordinates",
                team.id
            )
        }),
    };
    out.extend(detail.map(|d| Violation::new(Rule::Staff, d)));
}

/// `staff`: the headcount-weighted mean move, over every team whose site today has coordinates, is at most
/// `max_mean_increase_km`.
pub(crate) fn mean_move(cx: &Ctx, out: &mut Vec<Violation>) {
    let (mut km_heads, mut heads) = (0.0, 0.0);
    for (t, team) in cx.data.teams.iter().enumerate() {
        let hc = f64::from(team.headcount);
        let from = cx.home(t);
        for &(s, f) in &cx.plan.teams[t] {
            if let (Some(a), Some(b)) = (from, cx.data.site(s).location) {
                km_heads += f * hc * haversine_km(a, b);
            }
        }
        if from.is_some() {
            heads += hc;
        }
    }
    // Staff who transfer move to their hub.
    km_heads += cx.services.fte_km;
    let limit = cx.model.estates.staff.max_mean_increase_km;
    if heads > 0.0 && km_heads / heads > limit + 1e-6 {
        out.push(Violation::new(
            Rule::Staff,
            format!(
                "the mean staff move is {:.2} km, above {limit} km",
                km_heads / heads
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Staff;
    use crate::check::test_support::{assert_estates, dataset, model};
    use crate::domain::SiteIx;
    use crate::geo::haversine_km;
    use crate::plan::Plan;

    /// T2 (20 people) moved from S2 to `to`.
    fn move_t2(data: &crate::domain::Dataset, to: u32) -> Plan {
        let mut plan = Plan::baseline(data);
        plan.teams[2] = vec![(SiteIx(to), 1.0)];
        plan
    }

    #[test]
    fn a_team_moved_beyond_the_limit_breaks_staff() {
        let (data, mut model) = (dataset(), model());
        let plan = move_t2(&data, 0);
        assert_estates(&data, &model, &plan, &[]);
        model.estates.staff.max_team_increase_km = 1.0;
        let km = haversine_km(
            data.sites[2].location.unwrap(),
            data.sites[0].location.unwrap(),
        );
        assert!(km > 1.0);
        let want = format!("team T2 moves {km:.2} km, beyond the 1 km limit");
        assert_estates(&data, &model, &plan, &[(Staff, &want)]);
    }

    #[test]
    fn a_move_to_a_site_without_coordinates_breaks_staff() {
        let (mut data, model) = (dataset(), model());
        data.sites[4].location = None;
        let want = "team T2 moves to or from a site without coordinates";
        assert_estates(&data, &model, &move_t2(&data, 4), &[(Staff, want)]);
    }

    #[test]
    fn a_long_mean_move_breaks_staff() {
        let (data, mut model) = (dataset(), model());
        model.estates.staff.max_mean_increase_km = 0.1;
        let km = haversine_km(
            data.sites[2].location.unwrap(),
            data.sites[0].location.unwrap(),
        );
        // 20 of the 80 people move.
        let want = format!(
            "the mean staff move is {:.2} km, above 0.1 km",
            km * 20.0 / 80.0
        );
        assert_estates(&data, &model, &move_t2(&data, 0), &[(Staff, &want)]);
    }
}
