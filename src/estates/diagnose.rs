//! Infeasibility diagnosis: which rules are in conflict, and the smallest relaxation that restores a plan.
//!
//! Every relaxable row gets a non-negative slack; phase one minimises the weighted total slack. The rows whose
//! slack is positive are the rules that must give, with the amount; their groups are the conflict. A deletion
//! filter then drops groups from the conflict one at a time (making them hard again) to keep only the groups
//! needed, so the report names a minimal set of rule groups.

use super::SolveOptions;
use super::milp::{self, Ctx, Group};
use crate::solve::{self, Outcome};
use serde::Serialize;
use std::collections::BTreeSet;

/// One rule that had to give.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Conflict {
    /// Its rule group.
    pub group: &'static str,
    /// What the rule says.
    pub rule: String,
    /// By how much it must be relaxed (desks, zones, sites, km or GBP, as the rule reads).
    pub relax_by: f64,
}

/// Solves the elastic model with slack allowed only on `groups`; returns the positive slacks.
fn elastic(
    ctx: &Ctx<'_>,
    opts: SolveOptions,
    groups: &BTreeSet<Group>,
) -> (Option<Vec<Conflict>>, f64) {
    let model = milp::build(ctx, false);
    let labels: Vec<(Group, String)> = model
        .rows
        .iter()
        .map(|r| (r.group, r.label.clone()))
        .collect();
    let (mut problem, slacks) = model.into_milp(true);
    // Slack only where allowed: pin the others to zero.
    for ((group, _), slack) in labels.iter().zip(&slacks) {
        if let Some(col) = slack
            && !groups.contains(group)
        {
            let v = problem.columns[*col];
            problem
                .constraints
                .push(good_lp::Expression::from(v).leq(0.0));
        }
    }
    let solved = solve::solve(problem, opts.backend, opts.limits, None);
    let Some(values) = solved
        .values
        .filter(|_| matches!(solved.outcome, Outcome::Optimal | Outcome::Feasible { .. }))
    else {
        return (None, solved.seconds);
    };
    let conflicts = labels
        .into_iter()
        .zip(slacks)
        .filter_map(|((group, rule), slack)| {
            // A slack is a column of its own: its value is read directly.
            let amount = slack.map_or(0.0, |c| values[c]);
            (amount > 1e-6).then_some(Conflict {
                group: group.name(),
                rule,
                relax_by: amount,
            })
        })
        .collect();
    (Some(conflicts), solved.seconds)
}

const RELAXABLE: [Group; 6] = [
    Group::Release,
    Group::Capacity,
    Group::Access,
    Group::Borough,
    Group::Staff,
    Group::Budget,
];

/// Finds the conflicting rules; returns them and the seconds spent.
pub fn run(ctx: &Ctx<'_>, opts: SolveOptions) -> (Vec<Conflict>, f64) {
    let mut all: BTreeSet<Group> = RELAXABLE.into_iter().collect();
    all.insert(Group::Partners);
    let (first, mut seconds) = elastic(ctx, opts, &all);
    let Some(mut conflicts) = first else {
        return (
            vec![Conflict {
                group: "assignment",
                rule: "some team has no site within reach that could ever hold it (check staff.max_team_increase_km and desks)".into(),
                relax_by: 0.0,
            }],
            seconds,
        );
    };
    // Deletion filter over groups: try making each conflicting group hard; if still feasible without it, drop it.
    let mut needed: BTreeSet<Group> = all
        .iter()
        .copied()
        .filter(|g| conflicts.iter().any(|c| c.group == g.name()))
        .collect();
    for g in needed.clone() {
        let mut trial = needed.clone();
        trial.remove(&g);
        if trial.is_empty() {
            continue;
        }
        let (result, s) = elastic(ctx, opts, &trial);
        seconds += s;
        if let Some(c) = result {
            needed = trial;
            conflicts = c;
        }
    }
    (conflicts, seconds)
}
