//! The estates model: which sites to keep or release, and in which year, and where each team works.
//!
//! The flow is candidates ([`candidates`]) → a greedy plan ([`heuristic`]) → the MILP built by named passes
//! ([`milp`]) → the solver ([`crate::solve`]) → a [`Plan`] with an honest status. When the model is infeasible,
//! [`diagnose`] relaxes the rule groups with penalised slacks and names the rows that had to give.

pub mod candidates;
pub mod cfl;
pub mod diagnose;
pub mod explain;
pub mod heuristic;
pub mod milp;
pub mod reasons;
pub mod shapley;
pub mod solution;

use crate::domain::Dataset;
use crate::model_config::ModelConfig;
use crate::plan::{self, Kpis, Plan};
use crate::solve::{self, Backend, Limits, Outcome};
use candidates::Candidates;
use milp::Ctx;
use serde::Serialize;
use std::collections::BTreeMap;

/// The size of the model handed to the solver.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct ModelSize {
    /// Variables.
    pub variables: usize,
    /// Integer (binary) variables.
    pub integer_variables: usize,
    /// Rows.
    pub constraints: usize,
    /// Rows per rule group.
    pub constraints_by_group: BTreeMap<String, usize>,
}

/// How to solve.
#[derive(Debug, Clone, Copy)]
pub struct SolveOptions {
    /// Backend.
    pub backend: Backend,
    /// Limits.
    pub limits: Limits,
    /// Stop after the greedy heuristic: no MILP, no bound (`plan --greedy`, for comparing against the optimum).
    pub greedy_only: bool,
}

/// Everything `plan` learns about the estates model.
#[derive(Debug, Clone)]
pub struct EstatesResult {
    /// How solving ended.
    pub outcome: Outcome,
    /// The plan, when there is one.
    pub plan: Option<Plan>,
    /// Its figures.
    pub kpis: Option<Kpis>,
    /// Proven lower bound on the plan cost, when known.
    pub cost_bound: Option<f64>,
    /// Model size.
    pub size: ModelSize,
    /// Seconds in the solver(s).
    pub solve_seconds: f64,
    /// The heuristic's plan cost, when it found a plan.
    pub heuristic_cost: Option<f64>,
    /// Which plan is reported: `solver` or `heuristic`.
    pub plan_source: &'static str,
    /// For infeasible models: the rules that had to give, in business terms.
    pub conflicts: Vec<diagnose::Conflict>,
    /// Zones that no public-facing site can serve at all (left out of the access rule).
    pub unserved_zones: Vec<String>,
    /// The candidates (for reports and the checker's KPI comparison).
    pub candidates: Candidates,
}

fn size_of(model: &milp::Model) -> ModelSize {
    let mut by_group = BTreeMap::new();
    for r in &model.rows {
        *by_group.entry(r.group.name().to_string()).or_default() += 1;
    }
    ModelSize {
        variables: model.vars.columns.len(),
        integer_variables: model.vars.integer.iter().filter(|&&i| i).count(),
        constraints: model.rows.len(),
        constraints_by_group: by_group,
    }
}

/// Solves the estates model. `log` receives progress lines (model size, phases).
pub fn solve(
    data: &Dataset,
    model: &ModelConfig,
    opts: SolveOptions,
    log: &mut dyn FnMut(String),
) -> EstatesResult {
    solve_with(data, model, candidates::build(data, model), opts, log)
}

/// Solves the estates model over given candidates (for callers that narrow them, such as [`shapley`]'s
/// coalitions, whose teams may only move into their own coalition's sites).
pub fn solve_with(
    data: &Dataset,
    model: &ModelConfig,
    cand: Candidates,
    opts: SolveOptions,
    log: &mut dyn FnMut(String),
) -> EstatesResult {
    let ctx = Ctx {
        data,
        cand: &cand,
        model,
    };
    // The warm start may take a tenth of the time limit (the greedy-only plan, all of it).
    let budget = if opts.greedy_only { 1.0 } else { 0.1 } * opts.limits.time_limit_s;
    let deadline = std::time::Duration::try_from_secs_f64(budget.clamp(0.0, 1e6))
        .ok()
        .and_then(|d| std::time::Instant::now().checked_add(d));
    let greedy = heuristic::greedy(&ctx, deadline);
    let heuristic_cost = greedy
        .as_ref()
        .map(|p| plan::evaluate(data, &cand, p).plan_cost);
    if let Some(c) = heuristic_cost {
        log(format!("heuristic: a feasible plan costing {c:.2}"));
    }
    let unserved_zones = unserved(data, &cand);
    if opts.greedy_only {
        let outcome = match &greedy {
            Some(_) => Outcome::Feasible {
                bound: None,
                gap: None,
            },
            None => Outcome::Unknown {
                reason: "the greedy heuristic found no plan that keeps every rule".into(),
            },
        };
        return EstatesResult {
            outcome,
            kpis: greedy.as_ref().map(|p| plan::evaluate(data, &cand, p)),
            plan_source: if greedy.is_some() {
                "heuristic"
            } else {
                "none"
            },
            plan: greedy,
            cost_bound: None,
            size: ModelSize::default(),
            solve_seconds: 0.0,
            heuristic_cost,
            conflicts: Vec::new(),
            unserved_zones,
            candidates: cand,
        };
    }
    let built = milp::build(&ctx, false);
    let size = size_of(&built);
    log(format!(
        "model: {} variables ({} integer), {} constraints [{}]",
        size.variables,
        size.integer_variables,
        size.constraints,
        size.constraints_by_group
            .iter()
            .map(|(g, n)| format!("{g} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if let Some(inst) = cfl::detect(&ctx, &built) {
        return solve_cfl(&ctx, &inst, opts, size, heuristic_cost, unserved_zones, log);
    }
    let warm = greedy
        .as_ref()
        .map(|p| solution::values_of(&ctx, &built.vars, p));
    let vars_for_reading = built.vars.clone();
    let (problem, _) = built.into_milp(false);
    log(format!(
        "solving with {} (time limit {} s)",
        opts.backend.name(),
        opts.limits.time_limit_s
    ));
    let solved = solve::solve(problem, opts.backend, opts.limits, warm.as_deref());
    let mut seconds = solved.seconds;
    let solver_plan = solved
        .values
        .as_ref()
        .map(|v| solution::plan_from(&ctx, &vars_for_reading, v));
    let cost = |p: &Plan| plan::evaluate(data, &cand, p).plan_cost;
    let mut outcome = solved.outcome;
    let (plan, source) = match (&outcome, solver_plan, greedy) {
        (Outcome::Optimal, Some(p), _) => (Some(p), "solver"),
        (_, Some(p), Some(g)) if cost(&g) < cost(&p) => (Some(g), "heuristic"),
        (_, Some(p), _) => (Some(p), "solver"),
        (Outcome::Unknown { .. }, None, Some(g)) => (Some(g), "heuristic"),
        (_, None, _) => (None, "none"),
    };
    let mut cost_bound = None;
    if let (Some(p), false) = (&plan, outcome == Outcome::Optimal) {
        // Stopped at a limit (or the solver gave up): the LP relaxation gives a proven bound.
        let relaxed = milp::build(&ctx, true);
        let (cost_expr, columns) = (relaxed.cost.clone(), relaxed.vars.columns.clone());
        // The bound needs a finished LP: give it at least a second even under a tiny solver limit.
        let lp_limits = Limits {
            time_limit_s: opts.limits.time_limit_s.max(1.0),
            ..opts.limits
        };
        let lp = solve::solve(relaxed.into_milp(false).0, opts.backend, lp_limits, None);
        seconds += lp.seconds;
        let bound = match lp.outcome {
            Outcome::Optimal => lp.values.map(|v| value_of(cost_expr, &columns, &v)),
            _ => None,
        };
        let c = cost(p);
        let gap = bound.map(|b| ((c - b) / c.abs().max(1e-9)).max(0.0));
        cost_bound = bound;
        outcome = Outcome::Feasible { bound, gap };
    }
    if outcome == Outcome::Optimal {
        cost_bound = plan.as_ref().map(cost);
    }
    let mut conflicts = Vec::new();
    if outcome == Outcome::Infeasible {
        log("infeasible: relaxing rule groups to find the conflict".into());
        let d = diagnose::run(&ctx, opts);
        seconds += d.1;
        conflicts = d.0;
    }
    let kpis = plan.as_ref().map(|p| plan::evaluate(data, &cand, p));
    EstatesResult {
        outcome,
        plan,
        kpis,
        cost_bound,
        size,
        solve_seconds: seconds,
        heuristic_cost,
        plan_source: source,
        conflicts,
        unserved_zones,
        candidates: cand,
    }
}

/// The facility location strategy ([`cfl`]): Lagrangian branch and bound, to the solver's relative gap (at
/// least 1e-6: its bounds come from subgradient steps, which approach but need not reach the dual optimum).
fn solve_cfl(
    ctx: &Ctx<'_>,
    inst: &cfl::Instance,
    opts: SolveOptions,
    size: ModelSize,
    heuristic_cost: Option<f64>,
    unserved_zones: Vec<String>,
    log: &mut dyn FnMut(String),
) -> EstatesResult {
    log(format!(
        "strategy: capacitated facility location ({} sites, {} teams): Lagrangian branch and bound",
        inst.fixed_cost.len(),
        inst.demand.len()
    ));
    let started = std::time::Instant::now();
    let found = cfl::lagrange::search(inst, opts.limits.time_limit_s, opts.limits.gap.max(1e-6));
    let seconds = started.elapsed().as_secs_f64();
    log(format!(
        "search: {} nodes in {seconds:.2} s, bound {:.4}",
        found.nodes, found.bound
    ));
    let plan = found.best.as_ref().map(|b| cfl::plan_of(inst, b));
    let kpis = plan.as_ref().map(|p| plan::evaluate(ctx.data, ctx.cand, p));
    let outcome = match (&kpis, found.proven) {
        (Some(_), true) => Outcome::Optimal,
        (Some(k), false) => Outcome::Feasible {
            bound: Some(found.bound),
            gap: Some(((k.plan_cost - found.bound) / k.plan_cost.abs().max(1e-9)).max(0.0)),
        },
        (None, true) => Outcome::Infeasible,
        (None, false) => Outcome::Unknown {
            reason: "the time limit came before any plan was found".into(),
        },
    };
    let cost_bound = match &outcome {
        Outcome::Optimal => kpis.as_ref().map(|k| k.plan_cost),
        _ => kpis.as_ref().map(|_| found.bound),
    };
    EstatesResult {
        outcome,
        plan_source: if plan.is_some() { "lagrangian" } else { "none" },
        plan,
        kpis,
        cost_bound,
        size,
        solve_seconds: seconds,
        heuristic_cost,
        conflicts: Vec::new(),
        unserved_zones,
        candidates: ctx.cand.clone(),
    }
}

/// Zones that no public-facing site can serve at all (left out of the access rule), named for the report.
fn unserved(data: &Dataset, cand: &Candidates) -> Vec<String> {
    cand.access
        .iter()
        .filter(|n| n.cover.is_empty())
        .map(|n| {
            let z = &data.zones[n.zone];
            let kind = n.kind.map_or(String::new(), |k| format!(": no {k} site"));
            format!("{} ({}){kind}", z.name, z.id)
        })
        .collect()
}

/// The value of an expression at column values.
pub fn value_of(e: good_lp::Expression, columns: &[good_lp::Variable], values: &[f64]) -> f64 {
    use good_lp::IntoAffineExpression;
    let index = solution::column_index(columns);
    let constant = e.constant();
    constant
        + e.linear_coefficients()
            .map(|(v, c)| c * index.get(&v).map_or(0.0, |&i| values[i]))
            .sum::<f64>()
}
