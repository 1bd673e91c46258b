//! The estates model: which sites to keep or release, and in which year, and where each team works.
//!
//! The flow is candidates ([`candidates`]) → a greedy plan ([`heuristic`]) → the MILP built by named passes
//! ([`milp`]) → the solver ([`crate::solve`]) → a [`Plan`] with an honest status. When the model is infeasible,
//! [`diagnose`] relaxes the rule groups with penalised slacks and names the rows that had to give.

pub mod candidates;
pub mod cfl;
pub mod diagnose;
pub mod explain;
pub mod export;
pub mod heuristic;
pub mod milp;
pub mod neighbourhood;
pub mod reasons;
pub mod rounding;
pub mod service_reasons;
pub mod services;
pub mod shapley;
mod single_source;
pub mod solution;
pub mod unit_reasons;

use crate::domain::Dataset;
use crate::model_config::ModelConfig;
use crate::plan::{self, Kpis, Plan};
use crate::solve::kit;
pub use crate::solve::kit::ModelSize;
use crate::solve::{self, Backend, Limits, Outcome, PlanSource, Status};
use candidates::Candidates;
use milp::Ctx;

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

/// A plan of the estates model with its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct EstatesPlan {
    /// The decisions.
    pub plan: Plan,
    /// Their figures.
    pub kpis: Kpis,
}

impl EstatesPlan {
    fn costed(data: &Dataset, cand: &Candidates, plan: Plan) -> EstatesPlan {
        let kpis = plan::evaluate(data, cand, &plan);
        EstatesPlan { plan, kpis }
    }
}

/// Everything `plan` learns about the estates model.
#[derive(Debug, Clone)]
pub struct EstatesResult {
    /// How solving ended, carrying the plan and its figures when there is one. A `Feasible` bound is a proven
    /// lower bound on the plan cost.
    pub outcome: Outcome<EstatesPlan>,
    /// Model size.
    pub size: ModelSize,
    /// Seconds in the solver(s).
    pub solve_seconds: f64,
    /// The heuristic's plan cost, when it found a plan.
    pub heuristic_cost: Option<f64>,
    /// Which search produced the reported plan.
    pub plan_source: PlanSource,
    /// For infeasible models: the rules that had to give, in business terms.
    pub conflicts: Vec<diagnose::Conflict>,
    /// Zones that no public-facing site can serve at all (left out of the access rule).
    pub unserved_zones: Vec<String>,
    /// The candidates (for reports and the checker's KPI comparison).
    pub candidates: Candidates,
}

impl EstatesResult {
    /// The plan, when there is one.
    pub fn plan(&self) -> Option<&Plan> {
        self.outcome.plan().map(|p| &p.plan)
    }

    /// The plan's figures, when there is a plan.
    pub fn kpis(&self) -> Option<&Kpis> {
        self.outcome.plan().map(|p| &p.kpis)
    }

    /// The status of the estates model.
    pub fn status(&self) -> Status {
        self.outcome.status()
    }

    /// Proven lower bound on the plan cost (the plan cost itself when optimal), when known.
    pub fn cost_bound(&self) -> Option<f64> {
        self.outcome.bound(|p| p.kpis.plan_cost)
    }

    /// The relative gap on the plan cost (0 when optimal), when known.
    pub fn gap(&self) -> Option<f64> {
        self.outcome.gap(|p| p.kpis.plan_cost)
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
    // The warm start may take a tenth of the time left (the greedy-only plan, all of it).
    let budget = if opts.greedy_only { 1.0 } else { 0.1 } * opts.limits.seconds_left();
    let deadline = std::time::Duration::try_from_secs_f64(budget.clamp(0.0, 1e6))
        .ok()
        .and_then(|d| std::time::Instant::now().checked_add(d));
    // Costed once: its figures serve the log, the warm start and, at a limit, the comparison with the solver's.
    let greedy = heuristic::greedy(&ctx, deadline).map(|p| EstatesPlan::costed(data, &cand, p));
    let heuristic_cost = greedy.as_ref().map(|g| g.kpis.plan_cost);
    if let Some(c) = heuristic_cost {
        log(format!("heuristic: a feasible plan costing {c:.2}"));
    }
    let unserved_zones = unserved(data, &cand);
    if opts.greedy_only {
        let outcome = match greedy {
            Some(g) => Outcome::Feasible {
                plan: g,
                bound: None,
            },
            None => Outcome::Unknown {
                reason: "the greedy heuristic found no plan that keeps every rule".into(),
            },
        };
        return EstatesResult {
            plan_source: source_of(&outcome, PlanSource::Heuristic),
            outcome,
            size: ModelSize::default(),
            solve_seconds: 0.0,
            heuristic_cost,
            conflicts: Vec::new(),
            unserved_zones,
            candidates: cand,
        };
    }
    let built = milp::build(&ctx, false);
    let size = built.model.size();
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
    // The result of a strategy of its own (no solver conflicts to diagnose).
    let strategy = |outcome: Outcome<EstatesPlan>, found: PlanSource, seconds: f64| EstatesResult {
        plan_source: source_of(&outcome, found),
        outcome,
        size: size.clone(),
        solve_seconds: seconds,
        heuristic_cost,
        conflicts: Vec::new(),
        unserved_zones: unserved_zones.clone(),
        candidates: ctx.cand.clone(),
    };
    if let Some(inst) = cfl::detect(&ctx, &built.model) {
        let searched = if inst.split {
            Some(solve_cfl(&ctx, &inst, opts, log))
        } else {
            single_source::solve(&ctx, &inst, opts, log)
        };
        if let Some((outcome, seconds)) = searched {
            return strategy(outcome, PlanSource::Lagrangian, seconds);
        }
    }
    let large = size.integer_variables > model.solver.neighbourhoods_above
        && opts.backend == Backend::Microlp;
    let built = match greedy.as_ref().filter(|_| large) {
        Some(g) => match neighbourhood::solve(&ctx, built, g, opts.limits, log) {
            Ok((outcome, seconds)) => {
                return strategy(outcome, PlanSource::Neighbourhoods, seconds);
            }
            Err(built) => *built,
        },
        None => built,
    };
    log(format!(
        "solving with {} (time left {:.1} s)",
        opts.backend.name(),
        opts.limits.seconds_left()
    ));
    // The warm start reads the model's rows (to name those a trial breaks), so the solver takes a copy.
    let problem = built.model.to_milp();
    let start = || {
        let mut warm = greedy
            .as_ref()
            .map(|g| solution::values_of(&ctx, &built.vars, &g.plan));
        if let (Some(g), Some(w)) = (&greedy, warm.as_mut()) {
            services_warm_start(&ctx, &built, g, w, opts, log);
        }
        warm
    };
    let solved = solve::solve_while(problem, opts.backend, opts.limits, start);
    let vars = built.vars;
    let mut seconds = solved.seconds;
    let costed = |p: Plan| EstatesPlan::costed(data, &cand, p);
    let (outcome, source) = match solved.outcome.map(|v| solution::plan_from(&ctx, &vars, &v)) {
        Outcome::Optimal(p) => (Outcome::Optimal(costed(p)), PlanSource::Solver),
        // Stopped at a limit (or the solver gave up): report the better of its plan and the heuristic's, with
        // the solver's own proven bound, or else the LP relaxation's.
        Outcome::Feasible { plan, bound } => {
            let p = costed(plan);
            let (best, source) = match greedy {
                Some(g) if g.kpis.plan_cost < p.kpis.plan_cost => (g, PlanSource::Heuristic),
                _ => (p, PlanSource::Solver),
            };
            let outcome = match bound {
                Some(b) => Outcome::Feasible {
                    bound: Some(b.min(best.kpis.plan_cost)),
                    plan: best,
                },
                None => lp_bounded(&ctx, opts, best, &mut seconds),
            };
            (outcome, source)
        }
        Outcome::Unknown { reason } => match greedy {
            Some(g) => (
                lp_bounded(&ctx, opts, g, &mut seconds),
                PlanSource::Heuristic,
            ),
            None => (Outcome::Unknown { reason }, PlanSource::None),
        },
        other => (other.map(costed), PlanSource::None),
    };
    let mut conflicts = Vec::new();
    if outcome.status() == Status::Infeasible {
        log("infeasible: relaxing rule groups to find the conflict".into());
        let d = diagnose::run(&ctx, opts);
        seconds += d.1;
        conflicts = d.0;
    }
    EstatesResult {
        outcome,
        size,
        solve_seconds: seconds,
        heuristic_cost,
        plan_source: source,
        conflicts,
        unserved_zones,
        candidates: cand,
    }
}

/// The frozen-estate warm start stops at a plan within this share of its proven bound (of the plan cost: GBP 16,000
/// on GM's GBP 1.6bn), below the LP gap of GM's models (GBP 108,814 at five years), so the plan is as good a start.
const WARM_GAP: f64 = 1e-5;

/// With a shared-services decision, a better warm start than the greedy estates plan alone: the shared services
/// decided with the estate as it is today (a small model, all sites kept and every team in place), added to the
/// greedy plan when together they keep every row of the model. Without it the solver starts with nothing pooled.
fn services_warm_start(
    ctx: &Ctx<'_>,
    built: &milp::Built,
    greedy: &EstatesPlan,
    warm: &mut Vec<f64>,
    opts: SolveOptions,
    log: &mut dyn FnMut(String),
) {
    // Today's estate has nothing left to decide: this is the small model itself.
    if !ctx.cand.services.any() || !ctx.cand.sites.iter().any(|s| s.releasable) {
        return;
    }
    let mut data = ctx.data.clone();
    data.sites.iter_mut().for_each(|s| s.must_keep = true);
    data.teams.iter_mut().for_each(|t| t.movable = false);
    let mut model = ctx.model.clone();
    model.estates.force_release.clear();
    // Leave room for the greedy plan's own one-off costs and moves, so that the two fit together.
    let g = &greedy.kpis;
    let b = &mut model.estates.budget;
    if let Some(cap) = b.capital_per_year.as_mut() {
        *cap -= g.one_off_by_year.iter().fold(0.0, |a: f64, &c| a.max(c));
        if *cap < 0.0 {
            return;
        }
    }
    model.estates.staff.max_mean_increase_km =
        (model.estates.staff.max_mean_increase_km - g.mean_staff_move_km).max(0.0);
    // ... and for the people it moves into each site.
    let ratio = model.estates.desk_ratio;
    let mut added = vec![0.0; data.sites.len()];
    for (t, team) in ctx.data.teams.iter().enumerate() {
        let hc = f64::from(team.headcount) * ratio;
        for &(site, share) in &greedy.plan.teams[t] {
            added[site.ix()] += hc * share;
        }
        if let Some(site) = team.site {
            added[site.ix()] -= hc;
        }
    }
    for (site, extra) in data.sites.iter_mut().zip(added) {
        site.desks = site.desks.saturating_sub(extra.max(0.0).ceil() as u32);
    }
    // A quarter of the time left, and a plan within WARM_GAP of its bound: the frozen-estate solve is a warm start,
    // not the answer, and proving its optimum is what takes its time.
    let quarter = opts.limits.share(1.0, 4.0);
    let limits = Limits {
        gap: quarter.gap.max(WARM_GAP),
        ..quarter
    };
    // The shared-services candidates as the caller narrowed them (a Shapley coalition's, an explanation's forced
    // joining): the frozen estate changes sites and teams only, on which they do not depend.
    let mut cand = candidates::build(&data, &model);
    cand.services = ctx.cand.services.clone();
    let frozen = solve_with(
        &data,
        &model,
        cand,
        SolveOptions { limits, ..opts },
        &mut |_| {},
    );
    let Some(pooled) = frozen.plan().map(|p| &p.services) else {
        return;
    };
    let mut trial = warm.clone();
    let index = solution::column_index(&built.vars.columns);
    let sc = &ctx.cand.services;
    let written = services::plan_values(
        sc,
        &built.vars.services,
        pooled,
        &index,
        &mut trial,
        &built.vars.assign,
    );
    let broken = if written {
        built.model.broken_rows(&trial)
    } else {
        Vec::new()
    };
    if written && broken.is_empty() {
        log(format!(
            "warm start: the greedy estates plan with {} joining(s) decided on today's estate",
            pooled.joins.len()
        ));
        *warm = trial;
    } else {
        log(format!(
            "warm start: the shared services decided on today's estate do not fit the greedy plan ({}); starting from the greedy plan",
            if written {
                broken.join("; ")
            } else {
                "not in the model's columns".into()
            }
        ));
    }
}

/// A plan the solver did not prove optimal, with the LP relaxation's proven bound on its cost (`None` when the
/// relaxation does not finish). The relaxation gets at least a second even under a tiny solver limit.
fn lp_bounded(
    ctx: &Ctx<'_>,
    opts: SolveOptions,
    plan: EstatesPlan,
    seconds: &mut f64,
) -> Outcome<EstatesPlan> {
    let (bound, lp_seconds) = kit::lp_bound(milp::build(ctx, true).model, opts.limits);
    *seconds += lp_seconds;
    Outcome::Feasible { plan, bound }
}

/// How a search of its own ended: its best plan is optimal once every node is closed, else feasible with the
/// bound; without a plan, closed nodes prove none exists.
fn searched(plan: Option<EstatesPlan>, proven: bool, bound: f64) -> Outcome<EstatesPlan> {
    match (plan, proven) {
        (Some(p), true) => Outcome::Optimal(p),
        (Some(plan), false) => Outcome::Feasible {
            plan,
            bound: Some(bound),
        },
        (None, true) => Outcome::Infeasible,
        (None, false) => Outcome::Unknown {
            reason: "the time limit came before any plan was found".into(),
        },
    }
}

/// The plan source to report: `found` when the outcome carries a plan, else none.
fn source_of(outcome: &Outcome<EstatesPlan>, found: PlanSource) -> PlanSource {
    if outcome.plan().is_some() {
        found
    } else {
        PlanSource::None
    }
}

/// The facility location strategy ([`cfl`]): Lagrangian branch and bound, to the solver's relative gap (at
/// least 1e-6: its bounds come from subgradient steps, which approach but need not reach the dual optimum): how it
/// ended, and its seconds.
fn solve_cfl(
    ctx: &Ctx<'_>,
    inst: &cfl::Instance,
    opts: SolveOptions,
    log: &mut dyn FnMut(String),
) -> (Outcome<EstatesPlan>, f64) {
    log(format!(
        "strategy: capacitated facility location ({} sites, {} teams): Lagrangian branch and bound",
        inst.fixed_cost.len(),
        inst.demand.len()
    ));
    let started = std::time::Instant::now();
    let found = cfl::lagrange::search(inst, opts.limits.seconds_left(), opts.limits.gap.max(1e-6));
    let seconds = started.elapsed().as_secs_f64();
    log(format!(
        "search: {} nodes in {seconds:.2} s, bound {:.4}",
        found.nodes, found.bound
    ));
    let plan = found
        .best
        .as_ref()
        .map(|b| EstatesPlan::costed(ctx.data, ctx.cand, cfl::plan_of(inst, b)));
    (searched(plan, found.proven, found.bound), seconds)
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
