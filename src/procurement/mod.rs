//! The procurement award model: per category, which supplier each partner's contracts go to, and when.
//!
//! Categories are independent, so each is its own MILP ([`milp`]) over its candidates ([`candidates`]), solved
//! in parallel with rayon. Every category carries its own honest status; an infeasible category is diagnosed
//! ([`diagnose`]) and never stops the others. Contracts tied to a site the estates plan releases end with the
//! site: the estates model is solved first and its released sites are passed in (the two are not one model).
//! Tender capacity, the one rule across categories, is met in a second pass where needed (`capacity`).

pub mod candidates;
mod capacity;
pub mod diagnose;
pub mod milp;

use crate::domain::Dataset;
use crate::model_config::ModelConfig;
use crate::plan::award::{self, Award, CategoryFigures, Timing};
use crate::solve::{self, Backend, Limits, Outcome, Status, kit};
use candidates::Case;
use indicatif::{ProgressBar, ProgressStyle};
use milp::Group;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The size of one category's model.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default, schemars::JsonSchema)]
pub struct CategorySize {
    /// Contracts taking part.
    pub contracts: usize,
    /// Partners buying.
    pub partners: usize,
    /// Suppliers that may hold volume.
    pub suppliers: usize,
    /// Suppliers holding the category's contracts today.
    pub suppliers_today: usize,
    /// Variables.
    pub variables: usize,
    /// Binary variables.
    pub integer_variables: usize,
    /// Rows.
    pub constraints: usize,
}

/// One category's awards with their figures.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryPlan {
    /// The awards.
    pub awards: Vec<Award>,
    /// Their figures.
    pub figures: CategoryFigures,
}

/// One category's result.
#[derive(Debug, Clone)]
pub struct CategoryResult {
    /// Category name.
    pub category: String,
    /// How solving ended, carrying the awards when there is a plan. A `Feasible` bound is a proven upper bound on
    /// the category's net present value.
    pub outcome: Outcome<CategoryPlan>,
    /// For an infeasible category: the rule groups in conflict.
    pub conflicts: Vec<diagnose::Conflict>,
    /// Model size.
    pub size: CategorySize,
    /// Seconds in the solver(s).
    pub seconds: f64,
    /// Required local-SME share, and today's (of the whole spend, the tail included).
    pub sme_share: (f64, f64),
    /// The category's spend outside the contracts (`tail.csv`), left as it is.
    pub tail: award::TailTotals,
    /// Partners the suppliers-per-partner rule was added for (it is added lazily: see [`solve_case`]), so the
    /// final model can be rebuilt exactly (`plan --write-model`).
    pub limited: Vec<usize>,
    /// Partners the plan holds at the suppliers-per-partner limit: a second pass, whose plan moves, starts with the
    /// rule for them as well as for [`CategoryResult::limited`] (GM's HR and training: one round of 0.7 s instead of
    /// two of 0.8 s each, which found one of them over).
    pub at_limit: Vec<usize>,
    /// The partners' tender capacities in the category the final model held ([`Case::relet_caps`]).
    pub relet_caps: Option<Vec<Vec<f64>>>,
    /// Solved again within a share of the partners' tender capacity (`capacity.rs`): its bound is then its first
    /// optimum, with the whole capacity.
    pub shared_capacity: bool,
}

impl CategoryResult {
    /// The awards, when there is a plan.
    pub fn awards(&self) -> Option<&Vec<Award>> {
        self.outcome.plan().map(|p| &p.awards)
    }

    /// Their figures, when there is a plan.
    pub fn figures(&self) -> Option<&CategoryFigures> {
        self.outcome.plan().map(|p| &p.figures)
    }

    /// The category's status.
    pub fn status(&self) -> Status {
        self.outcome.status()
    }

    /// Proven upper bound on the net present value (the NPV itself when optimal), when known.
    pub fn npv_bound(&self) -> Option<f64> {
        self.outcome.bound(|p| p.figures.npv)
    }

    /// The relative gap on the NPV (0 when optimal), when known.
    pub fn gap(&self) -> Option<f64> {
        self.outcome.gap(|p| p.figures.npv)
    }

    /// The NPV, when there is a plan.
    pub fn npv(&self) -> Option<f64> {
        self.figures().map(|f| f.npv)
    }
}

/// The whole award.
#[derive(Debug, Clone)]
pub struct ProcurementResult {
    /// Per category, in name order.
    pub categories: Vec<CategoryResult>,
    /// Sites released by the estates plan that ended contracts (site id → release year).
    pub released_sites: usize,
    /// Wall-clock seconds for all categories.
    pub seconds: f64,
    /// Worker threads used.
    pub threads: usize,
    /// Categories `categories.csv` puts out of scope, with their annual spend (GBP a year): not awarded.
    pub out_of_scope: BTreeMap<String, f64>,
}

impl ProcurementResult {
    /// True when every category is proven optimal.
    pub fn all_optimal(&self) -> bool {
        self.status().is_clean()
    }

    /// The worst status over the categories (`optimal` when there are none).
    pub fn status(&self) -> Status {
        Status::worst(self.categories.iter().map(CategoryResult::status))
    }

    /// The NPV of every category and a proven bound on it (the sum of the categories' bounds, each a relaxation
    /// of the joint award), when every category has a plan and a bound.
    pub fn npv_and_bound(&self) -> Option<(f64, f64)> {
        self.categories.iter().try_fold((0.0, 0.0), |(v, b), c| {
            Some((v + c.npv()?, b + c.npv_bound()?))
        })
    }

    /// True when a category was solved again within a share of the partners' tender capacity.
    pub fn shared_capacity(&self) -> bool {
        self.categories.iter().any(|c| c.shared_capacity)
    }
}

/// How to solve.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Backend.
    pub backend: Backend,
    /// Limits for each category (threads = worker threads over categories; each solve uses one).
    pub limits: Limits,
    /// Show progress on stderr.
    pub progress: bool,
}

/// A category skipped because the run was asked to stop.
fn interrupted(case: &Case) -> CategoryResult {
    CategoryResult {
        category: case.name.clone(),
        outcome: Outcome::Unknown {
            reason: "interrupted before this category was solved".into(),
        },
        conflicts: Vec::new(),
        size: CategorySize::default(),
        seconds: 0.0,
        sme_share: (case.sme_share_required, case.sme_share_today),
        tail: case.tail,
        limited: Vec::new(),
        at_limit: Vec::new(),
        relet_caps: case.relet_caps.clone(),
        shared_capacity: false,
    }
}

/// The categories whose models do not depend on the estates plan: no contract of theirs serves a site, so no
/// release ends one. Their first pass can run while the estates model is solved ([`FirstPass`]).
pub fn independent(data: &Dataset, model: &ModelConfig) -> Vec<String> {
    let bound: BTreeSet<&str> = data
        .contracts
        .iter()
        .filter(|c| c.site.is_some())
        .map(|c| c.category.as_str())
        .collect();
    candidates::categories(data, model)
        .into_iter()
        .filter(|n| !bound.contains(n.as_str()))
        .collect()
}

/// The first pass (each category with the whole of every partner's tender capacity) of the categories
/// [`independent`] of the estates plan, shared by workers that take one category at a time ([`FirstPass::work`]):
/// one while the estates model is solved, then every worker once it is. [`solve()`] takes the results in place
/// of solving those categories.
pub struct FirstPass<'a> {
    data: &'a Dataset,
    model: &'a ModelConfig,
    cases: Vec<Case>,
    opts: Options,
    next: AtomicUsize,
    done: std::sync::Mutex<Vec<Option<CategoryResult>>>,
}

impl<'a> FirstPass<'a> {
    /// The independent categories, none solved yet; each solve within `opts.limits` on one thread.
    pub fn new(data: &'a Dataset, model: &'a ModelConfig, opts: Options) -> Self {
        let none = BTreeMap::new();
        let cases: Vec<Case> = independent(data, model)
            .iter()
            .map(|n| candidates::build(data, model, n, &none))
            .collect();
        let done = std::sync::Mutex::new(vec![None; cases.len()]);
        FirstPass {
            data,
            model,
            cases,
            opts,
            next: AtomicUsize::new(0),
            done,
        }
    }

    /// Solves categories not yet taken until none is left.
    pub fn work(&self) {
        let opts = &self.opts;
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(case) = self.cases.get(i) else {
                return;
            };
            let r = solve_one(self.data, self.model, case, opts.backend, opts.limits);
            if self.opts.progress {
                eprintln!(
                    "procurement: {} {} in {:.2} s (first pass, beside the estates model)",
                    case.name,
                    r.outcome.status(),
                    r.seconds
                );
            }
            // A poisoned lock (a worker panicked) leaves the category to the award, which solves it itself.
            if let Ok(mut done) = self.done.lock() {
                done[i] = Some(r);
            }
        }
    }

    /// The categories solved.
    pub fn results(self) -> Vec<CategoryResult> {
        self.done
            .into_inner()
            .map(|d| d.into_iter().flatten().collect())
            .unwrap_or_default()
    }
}

/// Solves one category on one thread within `limits`, or skips it when the run was asked to stop.
fn solve_one(
    data: &Dataset,
    model: &ModelConfig,
    case: &Case,
    backend: Backend,
    limits: Limits,
) -> CategoryResult {
    if crate::solve::cancelled() {
        return interrupted(case);
    }
    let per = Limits {
        threads: 1,
        ..limits
    };
    solve_case(data, model, case, backend, per)
}

/// Solves every category. `released` maps released site index → release year (1-based). `early` holds first
/// passes already solved ([`FirstPass`]), used in place of solving those categories again.
pub fn solve(
    data: &Dataset,
    model: &ModelConfig,
    released: &BTreeMap<usize, usize>,
    opts: Options,
    early: Vec<CategoryResult>,
) -> ProcurementResult {
    let start = std::time::Instant::now();
    let names = candidates::categories(data, model);
    let cases: Vec<Case> = names
        .iter()
        .map(|n| candidates::build(data, model, n, released))
        .collect();
    let threads = opts.limits.threads.max(1) as usize;
    let mut early: BTreeMap<String, CategoryResult> =
        early.into_iter().map(|r| (r.category.clone(), r)).collect();
    let mut first: Vec<Option<CategoryResult>> =
        cases.iter().map(|c| early.remove(&c.name)).collect();
    // The count and the bar go on from the categories whose first pass is already done.
    let solved = first.iter().filter(|r| r.is_some()).count();
    let bar = progress_bar(cases.len(), opts.progress);
    if let Some(b) = &bar {
        b.inc(solved as u64);
    }
    let done = AtomicUsize::new(solved);
    let solve = |case: &Case, again: bool| {
        let r = solve_one(data, model, case, opts.backend, opts.limits);
        let when = if again {
            "again, within its share of the partners' tender capacity".to_string()
        } else {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            format!("{n}/{}", cases.len())
        };
        let line = format!(
            "procurement: {} {} in {:.2} s ({when})",
            case.name,
            r.outcome.status(),
            r.seconds,
        );
        match &bar {
            Some(b) => {
                b.set_message(case.name.clone());
                b.inc(u64::from(!again));
            }
            None if opts.progress => eprintln!("{line}"),
            None => {}
        }
        r
    };
    let todo: Vec<usize> = (0..cases.len()).filter(|&i| first[i].is_none()).collect();
    let redo: Vec<Case> = todo.iter().map(|&i| cases[i].clone()).collect();
    for (i, r) in todo
        .into_iter()
        .zip(on_workers(threads, &redo, &|case| solve(case, false)))
    {
        first[i] = Some(r);
    }
    let first: Vec<CategoryResult> = first.into_iter().flatten().collect();
    // Only the categories left less than they asked are returned: the others' first plans stand, optimal.
    let again: Vec<(usize, Case)> = capacity::shares(&cases, &first)
        .into_iter()
        .map(|(c, caps)| {
            let mut case = cases[c].clone();
            case.relet_caps = Some(caps);
            case.limited = second_pass_limited(&first[c]);
            (c, case)
        })
        .collect();
    let mut categories = first;
    if !again.is_empty() {
        // The first results stay as the bounds of the categories solved again.
        let first = categories.clone();
        let redo: Vec<Case> = again.iter().map(|(_, case)| case.clone()).collect();
        let second = on_workers(threads, &redo, &|case| solve(case, true));
        for ((c, _), r) in again.iter().zip(second) {
            categories[*c] = capacity::settle(&first[*c], r);
        }
        // No plan within its share: once more, one at a time, with what the others leave.
        let short: Vec<usize> = again
            .iter()
            .map(|(c, _)| *c)
            .filter(|&c| categories[c].awards().is_none())
            .collect();
        for c in short {
            let mut case = cases[c].clone();
            case.relet_caps = Some(capacity::leftover(&cases, &categories, c));
            case.limited = second_pass_limited(&first[c]);
            let r = solve(&case, true);
            if r.awards().is_some() {
                categories[c] = capacity::settle(&first[c], r);
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    ProcurementResult {
        categories,
        out_of_scope: out_of_scope(data, model),
        released_sites: released.len(),
        seconds: start.elapsed().as_secs_f64(),
        threads,
    }
}

/// Solves `cases` on `threads` workers, in order.
fn on_workers(
    threads: usize,
    cases: &[Case],
    solve: &(dyn Fn(&Case) -> CategoryResult + Sync),
) -> Vec<CategoryResult> {
    // One worker: solve in this thread. A pool of its own would be wrong inside `run`, whose scenarios each get
    // one worker: while a rayon worker waits on another pool it takes up jobs of its own pool, so the scenario
    // would run the run's other scenarios inside it and end (and be timed) only when they do.
    if threads == 1 {
        return cases.iter().map(solve).collect();
    }
    // Largest first (contracts times suppliers with an offer, a proxy for the model's size), so the last to start
    // is a small one and the workers end together (GM's three categories that read the estates plan: facilities
    // management first, 0.98 s, beside building maintenance and energy, 0.48 and 0.75 s).
    let mut order: Vec<usize> = (0..cases.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cases[i].contracts.len() * cases[i].offering()));
    let run = || {
        let mut solved: Vec<(usize, CategoryResult)> =
            order.par_iter().map(|&i| (i, solve(&cases[i]))).collect();
        solved.sort_by_key(|(i, _)| *i);
        solved.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
    };
    match rayon::ThreadPoolBuilder::new()
        // Solving a category (the MILP) needs more than the 2 MiB default stack.
        .stack_size(64 << 20)
        .num_threads(threads)
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

/// The annual spend of each category `categories.csv` puts out of scope, its tail included.
fn out_of_scope(data: &Dataset, model: &ModelConfig) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let contracts = data.contracts.iter().map(|c| (&c.category, c.annual_spend));
    let tail = data.tail.iter().map(|t| (&t.category, t.annual_spend));
    for (category, spend) in contracts.chain(tail) {
        if award::terms(data, model, category).route == crate::domain::Route::OutOfScope {
            *out.entry(category.clone()).or_default() += spend;
        }
    }
    out
}

/// A bar when stderr is a terminal and progress is wanted; plain lines otherwise (`None`).
fn progress_bar(len: usize, progress: bool) -> Option<ProgressBar> {
    if !progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("procurement {bar:30} {pos}/{len} categories  {msg}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Every rule group of the award model.
fn every_group() -> BTreeSet<Group> {
    [
        Group::Award,
        Group::Timing,
        Group::Capacity,
        Group::Tiers,
        Group::MinSuppliers,
        Group::MaxSuppliers,
        Group::PartnerMax,
        Group::SmeShare,
        Group::Relets,
    ]
    .into_iter()
    .collect()
}

/// Each category's final award model as MPS (`plan --write-model`), as `(category, text)`: rebuilt with the
/// partners the lazy rule covered, its objective the category's NPV in pounds to maximise (the model minimises
/// cost in units of the category's spend).
pub fn mps(
    data: &Dataset,
    model: &ModelConfig,
    released: &BTreeMap<usize, usize>,
    result: &ProcurementResult,
) -> Vec<(String, String)> {
    result
        .categories
        .iter()
        .map(|r| {
            let mut case = candidates::build(data, model, &r.category, released);
            case.relet_caps.clone_from(&r.relet_caps);
            let built = milp::build(&case, &every_group(), &r.limited, false, false);
            let objective = crate::solve::mps::Objective {
                maximise: true,
                scale: -milp::unit(&case),
                offset: 0.0,
            };
            let names = milp::column_names(data, &case, &built.x);
            let text = crate::solve::mps::write(&built.model, &r.category, &names, objective);
            (r.category.clone(), text)
        })
        .collect()
}

/// Solves one category.
pub fn solve_case(
    data: &Dataset,
    model: &ModelConfig,
    case: &Case,
    backend: Backend,
    limits: Limits,
) -> CategoryResult {
    let all = every_group();
    let release_year = |ix: usize| {
        case.site_released
            .iter()
            .find(|(c, _)| *c == ix)
            .map(|(_, y)| *y)
    };
    // The suppliers-per-partner rule is added lazily: solve, find partners over the limit, add the rule, solve
    // again. Each round is exact for the partners it covers; the loop ends when none is over. A partner over the
    // limit today must change whatever else happens, so its rule is in from the first round. The rule then goes
    // in for the partners a plan breaks it for, round by round, until [`FOUND_ROUNDS`] rounds have not been
    // enough; then for every partner that could break it, so there are at most `FOUND_ROUNDS + 1` rounds. (With
    // the tiers' interval rows GM's rounds are cheap and only those partners need the rule: HR and training's
    // first pass took 0.24, 0.26 and 0.30 s in three rounds, against 0.25 and 1.39 s when the second round
    // covered all 36 partners that could break it; with the older big-M tier rows, partners one at a time took
    // four rounds of about 16 s each, measured 2026-12-05.) A second pass starts with the partners its first pass
    // ended with and those its first plan held at the limit ([`Case::limited`]): the rule holds for every plan, so
    // covering more partners than need it changes no optimum, and the round that would find them again is saved.
    let kmax = case.rules.max_suppliers_per_partner as usize;
    let mut limited: Vec<usize> = over_today(case, kmax);
    limited.extend(&case.limited);
    limited.sort_unstable();
    limited.dedup();
    let mut seconds = 0.0;
    let mut rounds = 0;
    let (x, dims, solved) = loop {
        let built = milp::build(case, &all, &limited, false, false);
        let dims = built.model.size();
        let x = built.x;
        let solved = solve::solve(
            built
                .model
                .into_milp()
                .with_search(solve::Search::Validated),
            backend,
            limits,
            None,
        );
        seconds += solved.seconds;
        let over: Vec<usize> = match solved.outcome.plan() {
            Some(v) if kmax > 0 => partners_over(case, &x, v, kmax)
                .into_iter()
                .filter(|p| !limited.contains(p))
                .collect(),
            _ => Vec::new(),
        };
        if over.is_empty() {
            break (x, dims, solved);
        }
        rounds += 1;
        if rounds < FOUND_ROUNDS {
            limited.extend(over);
            limited.sort_unstable();
        } else {
            limited = could_break(case, &x, kmax);
        }
    };
    let size = CategorySize {
        contracts: case.contracts.len(),
        partners: case.partners.len(),
        suppliers: case.suppliers.len(),
        suppliers_today: case
            .contracts
            .iter()
            .map(|c| c.incumbent)
            .collect::<BTreeSet<_>>()
            .len(),
        variables: dims.variables,
        integer_variables: dims.integer_variables,
        constraints: dims.constraints,
    };
    let costed = |values: Vec<f64>| {
        let awards = awards_from(data, case, &x, &values);
        let figures = award::evaluate(data, model, &awards, &release_year);
        CategoryPlan { awards, figures }
    };
    let at_limit = match solved.outcome.plan() {
        Some(v) if kmax > 0 => partners_over(case, &x, v, kmax - 1),
        _ => Vec::new(),
    };
    let mut conflicts = Vec::new();
    let outcome = match solved.outcome.map(costed) {
        // Stopped at a limit: the solver's own proven bound on the cost, in NPV terms, or else the LP
        // relaxation's.
        Outcome::Feasible {
            plan,
            bound: Some(least_cost),
        } => Outcome::Feasible {
            bound: Some((-least_cost * milp::unit(case)).max(plan.figures.npv)),
            plan,
        },
        Outcome::Feasible { plan, .. } => {
            let (bound, lp_seconds) = lp_bound(case, &all, &limited, limits);
            seconds += lp_seconds;
            Outcome::Feasible { plan, bound }
        }
        Outcome::Infeasible => {
            conflicts = diagnose::run(case, backend, limits);
            Outcome::Infeasible
        }
        other => other,
    };
    CategoryResult {
        category: case.name.clone(),
        outcome,
        conflicts,
        size,
        seconds,
        sme_share: (case.sme_share_required, case.sme_share_today),
        tail: case.tail,
        limited,
        at_limit,
        relet_caps: case.relet_caps.clone(),
        shared_capacity: false,
    }
}

/// An upper bound on the category's net present value from the LP relaxation, and the seconds it took.
fn lp_bound(
    case: &Case,
    groups: &BTreeSet<Group>,
    limited: &[usize],
    limits: Limits,
) -> (Option<f64>, f64) {
    let relaxed = milp::build(case, groups, limited, true, false).model;
    let (least_cost, seconds) = kit::lp_bound(relaxed, limits);
    (least_cost.map(|c| -c * milp::unit(case)), seconds)
}

/// Reads the awards out of the column values: shares below a millionth are dropped and each contract's shares
/// rescaled to sum to one; contracts that ended with a released site are added as such.
fn awards_from(data: &Dataset, case: &Case, x: &[milp::XVar], values: &[f64]) -> Vec<Award> {
    let years = case.df.len();
    let mut by_k: Vec<Vec<Award>> = vec![Vec::new(); case.contracts.len()];
    for xv in x {
        let v = values[xv.col];
        if v > 1e-6 {
            let c = &case.contracts[xv.k];
            let timing = if xv.timing == Timing::Natural && c.free_year >= years {
                Timing::Locked
            } else {
                xv.timing
            };
            let supplier = case.suppliers[xv.s].ix;
            // The same supplier and timing at two tiers (rounding in a solver's values) is one award.
            let list = &mut by_k[xv.k];
            match list
                .iter_mut()
                .find(|a| a.supplier == supplier && a.timing == timing)
            {
                Some(a) => a.share += v,
                None => list.push(Award {
                    contract: c.ix,
                    supplier,
                    share: v,
                    timing,
                }),
            }
        }
    }
    let mut out = Vec::new();
    for mut list in by_k {
        let sum: f64 = list.iter().map(|a| a.share).sum();
        for a in &mut list {
            a.share /= sum;
        }
        out.extend(list);
    }
    for &(ix, _) in &case.site_released {
        out.push(Award {
            contract: ix,
            supplier: data.contracts[ix].supplier,
            share: 1.0,
            timing: Timing::SiteReleased,
        });
    }
    out
}

/// Partners (positions) buying from more than `kmax` suppliers today (none when there is no limit).
fn over_today(case: &Case, kmax: usize) -> Vec<usize> {
    if kmax == 0 {
        return Vec::new();
    }
    over_limit(
        case,
        kmax,
        case.contracts.iter().map(|c| (c.partner, c.incumbent)),
    )
}

/// The partners a second pass starts with the suppliers-per-partner rule for: those its first pass covered and
/// those its first plan held at the limit.
fn second_pass_limited(first: &CategoryResult) -> Vec<usize> {
    let mut limited = first.limited.clone();
    limited.extend(&first.at_limit);
    limited.sort_unstable();
    limited.dedup();
    limited
}

/// Rounds of the suppliers-per-partner rule that add only the partners a plan breaks it for; after them it goes
/// in for every partner that could break it (see [`solve_case`]).
const FOUND_ROUNDS: usize = 3;

/// Partners (positions) buying from more than `kmax` suppliers in a solution.
fn partners_over(case: &Case, x: &[milp::XVar], values: &[f64], kmax: usize) -> Vec<usize> {
    let held = x.iter().filter(|xv| values[xv.col] > 1e-6);
    over_limit(
        case,
        kmax,
        held.map(|xv| (case.contracts[xv.k].partner, xv.s)),
    )
}

/// Partners (positions) whose contracts have shares for more than `kmax` suppliers among them: every partner
/// a plan could take over the limit.
fn could_break(case: &Case, x: &[milp::XVar], kmax: usize) -> Vec<usize> {
    over_limit(
        case,
        kmax,
        x.iter().map(|xv| (case.contracts[xv.k].partner, xv.s)),
    )
}

/// Partners (positions) with more than `kmax` distinct suppliers among the (partner, supplier) pairs.
fn over_limit(case: &Case, kmax: usize, pairs: impl Iterator<Item = (usize, usize)>) -> Vec<usize> {
    let mut used: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); case.partners.len()];
    for (p, s) in pairs {
        used[p].insert(s);
    }
    (0..used.len()).filter(|&p| used[p].len() > kmax).collect()
}
