//! Infeasibility diagnosis: which rule groups are in conflict, and the smallest relaxation that restores a plan.
//!
//! Every relaxable row can get a non-negative slack (the elastic model). A group is "dropped" by letting its rows
//! take slack and "enforced" by pinning their slacks to zero. A deletion filter starts from every group the model
//! has (all enforced: infeasible) and drops each group in turn, keeping it out while the model stays infeasible
//! without it; what remains is a minimal set of groups that cannot all hold together (two groups that are each
//! satisfiable alone are both named). Then, for each group of the conflict, the elastic model with slack on that
//! group only (every other rule holding) gives the rows that must give and by how much; minimising the slack makes
//! it the smallest relaxation of that group that restores a plan.
//!
//! Doing nothing (every site kept, every team where it is, every partner function delivered as today) satisfies
//! every group except capacity (a site that is overfull today) and release (a forced release), so every conflict
//! involves one of those two. The shared-services rules (join, hubs, scale, programme, transfer) all hold when
//! nothing more is pooled, so they are never part of a conflict and are not relaxed: a plan that pools less is
//! always there to fall back on.

use super::SolveOptions;
use super::milp::{self, Ctx, Group};
use crate::solve;
use crate::solve::kit::{RuleGroup, Sense, deletion_filter};
use serde::Serialize;
use std::collections::BTreeSet;

/// One rule that had to give.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Conflict {
    /// Its rule group.
    pub group: &'static str,
    /// What the rule says.
    pub rule: String,
    /// By how much it must be relaxed (desks, zones, sites, km or GBP, as the rule reads).
    pub relax_by: f64,
}

/// Solves the elastic model with slack allowed only on `groups`; returns the positive slacks (`None` when even
/// that model has no plan).
fn elastic(
    ctx: &Ctx<'_>,
    opts: SolveOptions,
    groups: &BTreeSet<Group>,
) -> (Option<Vec<Conflict>>, f64) {
    let model = milp::build(ctx, false).model;
    let rows: Vec<(Group, Sense, String)> = model
        .rows
        .iter()
        .map(|r| (r.group, r.sense, r.label.clone()))
        .collect();
    // Every relaxable row gets a slack, and the slacks of the groups that must hold are pinned to zero, so every
    // trial of the deletion filter solves a model of the same shape.
    let (mut problem, slacks) = model.into_elastic();
    for ((group, sense, _), slack) in rows.iter().zip(&slacks) {
        // "Released at most once" is structural, not a business rule: relaxing it would let a site be released
        // twice and count its saving twice (partners) or cancel a move cost (budget). Dropping the release
        // group means only that forced releases need not happen.
        let structural = *group == Group::Release && *sense == Sense::Le;
        if let Some(col) = slack
            && (!groups.contains(group) || structural)
        {
            let v = problem.columns[*col];
            problem
                .constraints
                .push(good_lp::Expression::from(v).leq(0.0));
        }
    }
    let solved = solve::solve(problem, opts.backend, opts.limits, None);
    let seconds = solved.seconds;
    let Some(values) = solved.outcome.into_plan() else {
        return (None, seconds);
    };
    let heads = staff_heads(ctx);
    let conflicts = rows
        .into_iter()
        .zip(slacks)
        .filter_map(|((group, _, rule), slack)| {
            // A slack is a column of its own: its value is read directly.
            let amount = slack.map_or(0.0, |c| values[c]);
            // The staff row bounds total head-km (cap x heads); its rule reads as a mean in km.
            let amount = if group == Group::Staff && heads > 0.0 {
                amount / heads
            } else {
                amount
            };
            (amount > 1e-6).then_some(Conflict {
                group: group.name(),
                rule,
                relax_by: amount,
            })
        })
        .collect();
    (Some(conflicts), solved.seconds)
}

/// The headcount the staff row averages over (teams whose current site has coordinates), as in
/// [`milp::staff`].
fn staff_heads(ctx: &Ctx<'_>) -> f64 {
    ctx.data
        .teams
        .iter()
        .filter(|t| t.site.and_then(|s| ctx.data.site(s).location).is_some())
        .map(|t| f64::from(t.headcount))
        .sum()
}

const RELAXABLE: [Group; 8] = [
    Group::Release,
    Group::Forced,
    Group::Capacity,
    Group::Access,
    Group::Borough,
    Group::Staff,
    Group::Budget,
    Group::Partners,
];

/// Finds the conflicting rules; returns them and the seconds spent.
pub fn run(ctx: &Ctx<'_>, opts: SolveOptions) -> (Vec<Conflict>, f64) {
    let all: BTreeSet<Group> = RELAXABLE.into_iter().collect();
    let (first, mut seconds) = elastic(ctx, opts, &all);
    let Some(first) = first else {
        return (
            vec![Conflict {
                group: "assignment",
                rule: "some team has no site within reach that could ever hold it (check staff.max_team_increase_km and desks)".into(),
                relax_by: 0.0,
            }],
            seconds,
        );
    };
    // Deletion filter over the groups the model has rows for: drop a group (let its rows take slack) and keep it
    // out while the model with only the remaining groups enforced is still infeasible.
    let start: BTreeSet<Group> = milp::build(ctx, false)
        .model
        .groups()
        .into_iter()
        .filter(|g| all.contains(g))
        .collect();
    let conflict = deletion_filter(start, |trial| {
        let dropped: BTreeSet<Group> = all.difference(trial).copied().collect();
        let (result, s) = elastic(ctx, opts, &dropped);
        seconds += s;
        result.is_none()
    });
    // Each group of the conflict: its smallest relaxation with every other rule holding. When that is not
    // enough (a second, independent conflict elsewhere), its share of the all-groups relaxation is reported.
    let mut conflicts = Vec::new();
    for g in conflict {
        let (result, s) = elastic(ctx, opts, &BTreeSet::from([g]));
        seconds += s;
        let rows = result.unwrap_or_else(|| {
            first
                .iter()
                .filter(|c| c.group == g.name())
                .cloned()
                .collect()
        });
        if rows.is_empty() {
            conflicts.push(Conflict {
                group: g.name(),
                rule: format!(
                    "the {} rules (relaxing them alone does not restore a plan: another conflict remains)",
                    g.name()
                ),
                relax_by: 0.0,
            });
        }
        conflicts.extend(rows);
    }
    (conflicts, seconds)
}
