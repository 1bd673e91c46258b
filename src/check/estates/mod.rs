//! The estates rules, one function per rule in the file of its family, all reading one `Ctx`.
//!
//! The context holds the inputs, the plan and what several rules derive alike (the team-site cost table and the
//! plan's economics), so each is derived once and every rule function stays a plain read of it.

pub(super) mod access;
pub(super) mod budget;
pub(super) mod capacity;
pub(super) mod carter;
pub(super) mod deprivation;
pub(super) mod economics;
pub(super) mod partners;
pub(super) mod sites;
pub(super) mod staff;
pub(super) mod teams;
pub(super) mod units;

use super::Violation;
use crate::domain::{Dataset, LatLon, SiteIx};
use crate::model_config::ModelConfig;
use crate::plan::{Plan, SiteDecision};
use economics::Economics;
use std::collections::{HashMap, HashSet};

/// What every estates rule reads.
pub(super) struct Ctx<'a> {
    /// The inputs.
    pub data: &'a Dataset,
    /// The model file.
    pub model: &'a ModelConfig,
    /// The plan under check.
    pub plan: &'a Plan,
    /// `team_site_costs.csv`: the annual cost of serving a team (index) from a site (index).
    pub costs: HashMap<(usize, usize), f64>,
    /// Teams with a cost table: they may work only where it lists, and it replaces their travel limits.
    pub has_table: HashSet<usize>,
    /// The plan's figures, derived again.
    pub econ: Economics,
    /// The plan's shared services, derived again (their figures are in `econ` too).
    pub services: crate::check::services::Derived,
}

impl<'a> Ctx<'a> {
    /// Derives the cost table and the economics of `plan`.
    pub(super) fn new(data: &'a Dataset, model: &'a ModelConfig, plan: &'a Plan) -> Self {
        let costs: HashMap<(usize, usize), f64> = data
            .team_site_costs
            .iter()
            .map(|c| ((c.team.ix(), c.site.ix()), c.annual_cost))
            .collect();
        let has_table = data.team_site_costs.iter().map(|c| c.team.ix()).collect();
        let services = crate::check::services::derive(data, model, plan);
        let econ = economics::derive(data, model, plan, &costs, &services);
        Ctx {
            data,
            model,
            plan,
            costs,
            has_table,
            econ,
            services,
        }
    }

    /// The plan keeps site `s` for the whole horizon.
    pub(super) fn kept(&self, s: SiteIx) -> bool {
        self.plan.sites[s.ix()] == SiteDecision::Keep
    }

    /// Where team `t` works today, when that site has coordinates.
    pub(super) fn home(&self, t: usize) -> Option<LatLon> {
        self.data.teams[t]
            .site
            .and_then(|s| self.data.site(s).location)
    }
}

/// The rules about one team's placement, team by team and, within a team, site by site: a team's violations
/// have always been reported together, so the per-team rules run in turn inside one loop over teams.
pub(super) fn each_team(cx: &Ctx, out: &mut Vec<Violation>) {
    for t in 0..cx.data.teams.len() {
        teams::placed_whole(cx, t, out);
        teams::split(cx, t, out);
        teams::immovable(cx, t, out);
        for &(s, _) in &cx.plan.teams[t] {
            teams::on_kept_site(cx, t, s, out);
            teams::listed(cx, t, s, out);
            staff::team_move(cx, t, s, out);
        }
    }
}
