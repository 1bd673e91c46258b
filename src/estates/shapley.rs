//! Fair shares by the Shapley value: what each group of partners adds to the estates saving, averaged over every
//! order in which the groups could have joined.
//!
//! Groups are the partners' kinds (NHS trusts, CCGs, councils, commissioners, others): few enough to compute the
//! value exactly (2^groups coalitions, each an estates MILP solved to optimality; refused above [`MAX_GROUPS`]).
//! The value of a coalition is the optimal estates NPV when only its members change anything:
//!
//! - sites of partners outside the coalition are kept, and their teams stay where they are;
//! - teams of members may move only into members' sites (sharing space is what the coalition brings);
//! - with shared services, members' functions may join only hubs that members host (today's services hosted by
//!   outsiders keep their members but take no new ones), so the value includes the coalition's pooling;
//! - every other rule of the model applies unchanged.
//!
//! The empty coalition is today's estate (NPV 0); the grand coalition is the full model. A group's Shapley value
//! is shared among its partners in proportion to their sites' annual running cost today. The award is not part of
//! this game (each category would have to be re-solved per coalition); its savings stay on the direct and
//! proportional rules.

use super::{SolveOptions, candidates};
use crate::domain::{Dataset, OrgKind};
use crate::model_config::ModelConfig;
use crate::solve::Outcome;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// At most this many groups (2^8 = 256 coalition solves).
pub const MAX_GROUPS: usize = 8;

/// The Shapley shares of the estates saving.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShapleyShares {
    /// Per group: its kind, its partners and its Shapley value (GBP).
    pub groups: Vec<GroupValue>,
    /// Per partner id: its share of its group's value (GBP).
    pub by_partner: BTreeMap<String, f64>,
    /// Coalition values by bit mask over `groups` (GBP; index 0 = nobody, last = everyone).
    pub coalition_values: Vec<f64>,
}

/// One group's value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupValue {
    /// The partners' kind.
    pub kind: OrgKind,
    /// Partner ids in the group.
    pub partners: Vec<String>,
    /// Shapley value (GBP).
    pub value: f64,
}

/// Computes the Shapley shares, or says why it cannot (too many groups, a coalition not solved to optimality).
pub fn shapley(
    data: &Dataset,
    model: &ModelConfig,
    opts: SolveOptions,
) -> Result<ShapleyShares, String> {
    let mut kinds: Vec<OrgKind> = data.organisations.iter().map(|o| o.kind).collect();
    kinds.sort_by_key(|k| k.to_string());
    kinds.dedup();
    let g = kinds.len();
    if g > MAX_GROUPS {
        return Err(format!(
            "{g} partner kinds: more than {MAX_GROUPS} groups is too many coalitions to solve exactly"
        ));
    }
    let group_of: Vec<usize> = data
        .organisations
        .iter()
        .map(|o| kinds.iter().position(|k| *k == o.kind).unwrap_or(0))
        .collect();
    let values: Vec<Result<f64, String>> = (0..1usize << g)
        .into_par_iter()
        .map(|mask| coalition_value(data, model, opts, &group_of, mask))
        .collect();
    let values: Vec<f64> = values.into_iter().collect::<Result<_, _>>()?;
    let fact = |n: usize| (1..=n).map(|k| k as f64).product::<f64>();
    let mut groups = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        let mut phi = 0.0;
        for mask in (0..1usize << g).filter(|m| m & (1 << i) == 0) {
            let s = mask.count_ones() as usize;
            let weight = fact(s) * fact(g - s - 1) / fact(g);
            phi += weight * (values[mask | (1 << i)] - values[mask]);
        }
        let partners = data
            .organisations
            .iter()
            .zip(&group_of)
            .filter(|(_, gi)| **gi == i)
            .map(|(o, _)| o.id.clone())
            .collect();
        groups.push(GroupValue {
            kind: *kind,
            partners,
            value: phi,
        });
    }
    Ok(ShapleyShares {
        by_partner: within_groups(data, &groups),
        groups,
        coalition_values: values,
    })
}

/// The optimal estates NPV when only the groups in `mask` take part.
fn coalition_value(
    data: &Dataset,
    model: &ModelConfig,
    opts: SolveOptions,
    group_of: &[usize],
    mask: usize,
) -> Result<f64, String> {
    let member = |o: crate::domain::OrgIx| mask & (1 << group_of[o.ix()]) != 0;
    let mut d = data.clone();
    for s in &mut d.sites {
        if !member(s.organisation) {
            s.must_keep = true;
        }
    }
    for t in &mut d.teams {
        if !member(t.organisation) {
            t.movable = false;
        }
    }
    let mut cand = candidates::build(&d, model);
    for (t, team) in d.teams.iter().enumerate() {
        if member(team.organisation) {
            cand.teams[t]
                .options
                .retain(|o| Some(o.site) == team.site || member(d.site(o.site).organisation));
        }
    }
    // Shared services within the coalition: its members' functions may join only hubs its members host.
    cand.services
        .retain_options(|pair, hub| member(pair.org) && member(hub.hub.host));
    let r = super::solve_with(&d, model, cand, opts, &mut |_| {});
    match &r.outcome {
        Outcome::Optimal(p) => Ok(p.kpis.npv),
        _ => Err(format!(
            "the coalition of groups {mask:#b} ended {} (every coalition must be solved to optimality)",
            r.outcome.status()
        )),
    }
}

/// Shares each group's value among its partners in proportion to their sites' running cost today (equally when
/// the group has no site costs).
fn within_groups(data: &Dataset, groups: &[GroupValue]) -> BTreeMap<String, f64> {
    let mut running: BTreeMap<&str, f64> = BTreeMap::new();
    for s in &data.sites {
        *running.entry(&data.org(s.organisation).id).or_default() += s.running.total();
    }
    let mut out = BTreeMap::new();
    for g in groups {
        let total: f64 = g
            .partners
            .iter()
            .map(|p| running.get(p.as_str()).copied().unwrap_or(0.0))
            .sum();
        for p in &g.partners {
            let weight = if total > 0.0 {
                running.get(p.as_str()).copied().unwrap_or(0.0) / total
            } else {
                1.0 / g.partners.len() as f64
            };
            out.insert(p.clone(), g.value * weight);
        }
    }
    out
}
