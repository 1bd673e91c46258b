//! `plan --explain N`: what the top N site decisions are worth. Each is forced the other way (a released site
//! kept, a kept site released) and the whole estates model re-solved, so every other decision may adapt; the
//! answer is the change in NPV, the other sites whose decision changes, or, when forcing it breaks the rules,
//! the rule groups in conflict.
//!
//! "Top" means the decisions the solver was free to make (not held by a rule, not forced), largest annual running
//! cost first: the sites where the most money rides on the choice. The procurement award is not re-solved; a
//! forced decision changes only the estates figures.

use super::{EstatesResult, SolveOptions, candidates::Candidates};
use crate::domain::Dataset;
use crate::model_config::ModelConfig;
use crate::plan::{Plan, SiteDecision};
use rayon::prelude::*;
use serde::Serialize;

/// The way a site decision was forced: the opposite of the plan's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Forced {
    /// A released site kept.
    Keep,
    /// A kept site released (in whichever year the re-solve prefers).
    Release,
}

impl Forced {
    /// The word in `explain.csv` and the reports.
    pub fn name(self) -> &'static str {
        match self {
            Forced::Keep => "keep",
            Forced::Release => "release",
        }
    }
}

/// One decision forced the other way.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// Site id.
    pub site: String,
    /// Site name.
    pub name: String,
    /// The decision in the plan (`keep` or `release in year N`).
    pub planned: String,
    /// What was forced.
    pub forced: Forced,
    /// How the re-solve ended.
    pub status: crate::solve::Status,
    /// The NPV with the decision forced (GBP), when there is a plan.
    pub npv: Option<f64>,
    /// Its change from the plan's NPV (GBP; negative: forcing costs that much).
    pub npv_change: Option<f64>,
    /// Other sites whose decision changes, as `id: old -> new`.
    pub also_changed: Vec<String>,
    /// When forcing breaks the rules: the rule groups in conflict.
    pub conflicts: Vec<String>,
}

fn words(d: SiteDecision) -> String {
    match d {
        SiteDecision::Keep => "keep".into(),
        SiteDecision::Release(y) => format!("release in year {y}"),
    }
}

/// The sites whose decisions are explained: free decisions, largest annual running cost first, at most `n`.
pub fn top_decisions(data: &Dataset, cand: &Candidates, n: usize) -> Vec<usize> {
    let mut free: Vec<usize> = (0..data.sites.len())
        .filter(|&i| cand.sites[i].releasable && !cand.sites[i].forced)
        .collect();
    free.sort_by(|&a, &b| {
        data.sites[b]
            .running
            .total()
            .total_cmp(&data.sites[a].running.total())
            .then(a.cmp(&b))
    });
    free.truncate(n);
    free
}

/// Forces each of the top `n` decisions of `plan` the other way and re-solves (in parallel).
pub fn explain(
    data: &Dataset,
    model: &ModelConfig,
    result: &EstatesResult,
    n: usize,
    opts: SolveOptions,
) -> Vec<Explanation> {
    let (Some(plan), Some(kpis)) = (result.plan(), result.kpis()) else {
        return Vec::new();
    };
    top_decisions(data, &result.candidates, n)
        .into_par_iter()
        .map(|i| one(data, model, plan, kpis.npv, i, opts))
        .collect()
}

fn one(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    npv: f64,
    i: usize,
    opts: SolveOptions,
) -> Explanation {
    let site = &data.sites[i];
    let (mut data2, mut model2) = (data.clone(), model.clone());
    let forced = match plan.sites[i] {
        SiteDecision::Keep => {
            model2.estates.force_release.push(site.id.clone());
            Forced::Release
        }
        SiteDecision::Release(_) => {
            data2.sites[i].must_keep = true;
            Forced::Keep
        }
    };
    let r = super::solve(&data2, &model2, opts, &mut |_| {});
    let status = r.status();
    let also_changed = r.plan().map_or(Vec::new(), |p| {
        (0..data.sites.len())
            .filter(|&j| j != i && p.sites[j] != plan.sites[j])
            .map(|j| {
                format!(
                    "{}: {} -> {}",
                    data.sites[j].id,
                    words(plan.sites[j]),
                    words(p.sites[j])
                )
            })
            .collect()
    });
    let new_npv = r.kpis().map(|k| k.npv);
    Explanation {
        site: site.id.clone(),
        name: site.name.clone(),
        planned: words(plan.sites[i]),
        forced,
        status,
        npv: new_npv,
        npv_change: new_npv.map(|v| v - npv),
        also_changed,
        conflicts: r
            .conflicts
            .iter()
            .map(|c| format!("{}: {}", c.group, c.rule))
            .collect(),
    }
}
