//! `plan --explain N`: what the top N site decisions and the top N shared-service decisions are worth. Each is
//! forced the other way (a released site kept, a kept site released; a partner function that joins a hub kept in
//! house, one kept in house made to join a hub of its choosing) and the whole estates model re-solved, so every
//! other decision may adapt; the answer is the change in NPV, the other decisions that change, or, when forcing it
//! breaks the rules, the rule groups in conflict.
//!
//! "Top" means the decisions the solver was free to make (not held by a rule, not forced), where the most money
//! rides on the choice: sites by annual running cost, partner functions by the yearly cost of the staff they
//! would hand over. The procurement award is not re-solved; a forced decision changes only the estates and
//! shared-services figures.

use super::{EstatesResult, SolveOptions, candidates::Candidates};
use crate::domain::Dataset;
use crate::model_config::ModelConfig;
use crate::plan::services::pair_id;
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
    /// A partner function that joins a hub kept in house.
    InHouse,
    /// A partner function kept in house made to join a hub (whichever hub and year the re-solve prefers).
    Join,
}

impl Forced {
    /// The word in `explain.csv` and the reports.
    pub fn name(self) -> &'static str {
        match self {
            Forced::Keep => "keep",
            Forced::Release => "release",
            Forced::InHouse => "in_house",
            Forced::Join => "join",
        }
    }
}

/// One decision forced the other way.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// What was forced: `site` or `service` (a partner's function).
    pub kind: &'static str,
    /// The site id, or `<organisation> <function>`.
    pub id: String,
    /// The site's or the partner's name.
    pub name: String,
    /// The decision in the plan (`keep`, `release in year N`, `in house`, `joins H in year N`).
    pub planned: String,
    /// What was forced.
    pub forced: Forced,
    /// How the re-solve ended.
    pub status: crate::solve::Status,
    /// The NPV with the decision forced (GBP), when there is a plan.
    pub npv: Option<f64>,
    /// Its change from the plan's NPV (GBP; negative: forcing costs that much).
    pub npv_change: Option<f64>,
    /// Other sites and partner functions whose decision changes, as `id: old -> new`.
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
    let sites = top_decisions(data, &result.candidates, n)
        .into_par_iter()
        .map(|i| one(data, model, plan, kpis.npv, i, opts));
    let services = top_services(data, &result.candidates, n)
        .into_par_iter()
        .map(|p| one_service(data, model, result, plan, kpis.npv, p, opts));
    sites.chain(services).collect()
}

/// The partner functions whose decisions are explained: those with a hub to join, largest yearly cost of the
/// staff they would hand over first, at most `n` (indices into the candidates' pairs).
pub fn top_services(data: &Dataset, cand: &Candidates, n: usize) -> Vec<usize> {
    let pairs = &cand.services.pairs;
    let at_stake = |p: usize| pairs[p].transferred * data.functions[pairs[p].function].cost_per_fte;
    let mut free: Vec<usize> = (0..pairs.len())
        .filter(|&p| !pairs[p].options.is_empty())
        .collect();
    free.sort_by(|&a, &b| at_stake(b).total_cmp(&at_stake(a)).then(a.cmp(&b)));
    free.truncate(n);
    free
}

/// Who delivers each partner function with a candidate pairing, in words, in pair order.
fn deliveries(data: &Dataset, cand: &Candidates, plan: &Plan) -> Vec<String> {
    cand.services
        .pairs
        .iter()
        .map(|pair| plan.services.delivery(data, pair.org, pair.function))
        .collect()
}

fn one_service(
    data: &Dataset,
    model: &ModelConfig,
    result: &EstatesResult,
    plan: &Plan,
    npv: f64,
    p: usize,
    opts: SolveOptions,
) -> Explanation {
    let mut cand = result.candidates.clone();
    let before = deliveries(data, &cand, plan);
    let (org, function) = (cand.services.pairs[p].org, cand.services.pairs[p].function);
    let forced = if plan.services.join_of(org, function).is_none() {
        cand.services.pairs[p].must_join = true;
        Forced::Join
    } else {
        cand.services
            .retain_options(|pair, _| pair.org != org || pair.function != function);
        Forced::InHouse
    };
    let r = super::solve_with(data, model, cand, opts, &mut |_| {});
    let mut also_changed = r
        .plan()
        .map_or(Vec::new(), |q| site_changes(data, plan, q, None));
    if let Some(q) = r.plan() {
        let after = deliveries(data, &result.candidates, q);
        let pairs = &result.candidates.services.pairs;
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            if i != p && a != b {
                let id = pair_id(data, pairs[i].org, pairs[i].function);
                also_changed.push(format!("{id}: {b} -> {a}"));
            }
        }
    }
    let subject = Subject {
        kind: "service",
        id: pair_id(data, org, function),
        name: data.org(org).name.clone(),
        planned: before[p].clone(),
        forced,
    };
    explained(subject, &r, npv, also_changed)
}

/// What was forced, before the re-solve.
struct Subject {
    kind: &'static str,
    id: String,
    name: String,
    planned: String,
    forced: Forced,
}

/// The explanation of a forced decision from what the re-solve `r` gives: its status, the NPV and its change from
/// the plan's `npv`, the other decisions that changed, the conflicts.
fn explained(s: Subject, r: &EstatesResult, npv: f64, also_changed: Vec<String>) -> Explanation {
    let new_npv = r.kpis().map(|k| k.npv);
    Explanation {
        kind: s.kind,
        id: s.id,
        name: s.name,
        planned: s.planned,
        forced: s.forced,
        status: r.status(),
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

/// Sites other than `except` whose decision differs between `plan` and `other`, as `id: old -> new`.
fn site_changes(data: &Dataset, plan: &Plan, other: &Plan, except: Option<usize>) -> Vec<String> {
    (0..data.sites.len())
        .filter(|&j| Some(j) != except && other.sites[j] != plan.sites[j])
        .map(|j| {
            format!(
                "{}: {} -> {}",
                data.sites[j].id,
                words(plan.sites[j]),
                words(other.sites[j])
            )
        })
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
    let also_changed = r
        .plan()
        .map_or(Vec::new(), |q| site_changes(data, plan, q, Some(i)));
    let subject = Subject {
        kind: "site",
        id: site.id.clone(),
        name: site.name.clone(),
        planned: words(plan.sites[i]),
        forced,
    };
    explained(subject, &r, npv, also_changed)
}
