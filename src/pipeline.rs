//! One plan, end to end, as a library call: solve the estates model, then the procurement award (with the
//! released sites passed in), explain, share out, check, and render every output file in memory. `plan` writes
//! the files to its output folder; an overnight run writes them into each scenario's folder.

use crate::check::{self, CheckReport};
use crate::domain::Dataset;
use crate::error::Error;
use crate::estates::shapley::ShapleyShares;
use crate::estates::{self, EstatesResult, SolveOptions, explain::Explanation};
use crate::model_config::ModelConfig;
use crate::plan::Plan;
use crate::procurement::{self, ProcurementResult};
use crate::report;
use crate::solve::{self, Backend, Limits, Status};
use std::path::Path;

/// What to do beyond solving.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Solver backend.
    pub backend: Backend,
    /// Solver limits (per model).
    pub limits: Limits,
    /// Run the independent checker.
    pub check: bool,
    /// Estates: the greedy heuristic's plan only.
    pub greedy: bool,
    /// Force the top N decisions the other way and re-solve.
    pub explain: usize,
    /// Shapley fair shares over partner kinds.
    pub shapley: bool,
    /// Progress bars and lines for the award.
    pub progress: bool,
    /// Refuse an estates model whose estimated peak memory is above this many bytes, before building it.
    pub max_memory: Option<u64>,
}

/// Everything a plan run produced.
pub struct Outputs {
    /// The estates result (none with `[estates] enabled = false`).
    pub result: Option<EstatesResult>,
    /// The award (none with `[procurement] enabled = false`).
    pub awarded: Option<ProcurementResult>,
    /// The checker's verdict on the estates plan.
    pub checked: Option<CheckReport>,
    /// The checker's verdict per category.
    pub award_checks: Vec<Option<CheckReport>>,
    /// `--explain`.
    pub explained: Vec<Explanation>,
    /// `--shapley`.
    pub shapley: Option<Result<ShapleyShares, String>>,
    /// The output files, by name, in the order written.
    pub files: Vec<(&'static str, Vec<u8>)>,
    /// The whole run's status (`summary.json` `status`): the worst of the estates model's and every category's.
    pub status: Status,
    /// Clean (exit 0): optimal and every check that ran passed ([`solve::clean`]).
    pub clean: bool,
}

/// The estates model's weight in sharing the command's time: it has the most to prove. Each later stage weighs 1.
const ESTATES_WEIGHT: f64 = 3.0;

/// The stages after the estates model that share the command's time limit, in the order they run. Each stage
/// gets its weight's share of the time left when it starts ([`Limits::share`]), so what one leaves unused goes to
/// the next, and the last (Shapley's coalitions, else the award) has whatever remains.
struct Stages {
    explain: bool,
    award: bool,
    shapley: bool,
}

impl Stages {
    fn of(model: &ModelConfig, opts: &Options) -> Self {
        Stages {
            explain: model.estates.enabled && opts.explain > 0,
            award: model.procurement.enabled,
            shapley: model.estates.enabled && opts.shapley,
        }
    }

    /// The weight of the stages after the estates model.
    fn after_estates(&self) -> f64 {
        f64::from(u8::from(self.explain)) + self.award_and_after()
    }

    /// The weight of the award and the stages after it.
    fn award_and_after(&self) -> f64 {
        f64::from(u8::from(self.award) + u8::from(self.shapley))
    }
}

/// The estates model's candidates (none with `[estates] enabled = false`), refused when the model would need
/// more memory than `--max-memory` allows.
fn estates_candidates(
    data: &Dataset,
    model: &ModelConfig,
    opts: &Options,
) -> Result<Option<estates::candidates::Candidates>, Error> {
    if !model.estates.enabled {
        return Ok(None);
    }
    let cand = estates::candidates::build(data, model);
    let size = cand.estimate();
    if let Some(limit) = opts.max_memory.filter(|&l| size.bytes > l) {
        return Err(Error::Usage(format!(
            "the estates model would need about {} MiB ({} variables, {} non-zeros), above the {} MiB \
             allowed (--max-memory); lower estates.staff.max_team_increase_km (fewer placements), split \
             the data set by region, or raise --max-memory on a larger machine",
            size.bytes.div_ceil(1 << 20),
            size.variables,
            size.nonzeros,
            limit >> 20
        )));
    }
    Ok(Some(cand))
}

/// Solves and renders one plan of `data` under `model`; `dir` names the data set in the reports.
pub fn run(
    data: &Dataset,
    model: &ModelConfig,
    dir: &Path,
    opts: Options,
    log: &mut dyn FnMut(String),
) -> Result<Outputs, Error> {
    let (backend, limits) = (opts.backend, opts.limits);
    let stages = Stages::of(model, &opts);
    // With a worker to spare (the estates model's solve uses one), the award's categories that do not depend on
    // the estates plan run their first pass meanwhile.
    let overlap =
        model.estates.enabled && model.procurement.enabled && limits.threads >= 2 && !opts.greedy;
    let early_opts = procurement::Options {
        backend,
        // Never past the award's own deadline: at most its share of the time left now, which is no later than
        // its share of the time left when it starts.
        limits: limits.share(1.0, stages.award_and_after()),
        progress: opts.progress,
    };
    let first = overlap.then(|| procurement::FirstPass::new(data, model, early_opts));
    let cand = estates_candidates(data, model, &opts)?;
    let mut estates_limits = limits.share(ESTATES_WEIGHT, ESTATES_WEIGHT + stages.after_estates());
    // The first-pass worker takes one of the threads: the estates solve (HiGHS's threads, microlp's duals beside
    // its warm start) has the rest, so together they never use more than `--threads`.
    if overlap {
        estates_limits.threads -= 1;
    }
    let estates_opts = SolveOptions {
        backend,
        limits: estates_limits,
        greedy_only: opts.greedy,
    };
    let result = std::thread::scope(|scope| {
        let worker = first.as_ref().map(|f| scope.spawn(|| f.work()));
        let result = cand.map(|c| estates::solve_with(data, model, c, estates_opts, log));
        // The estates model solved, this worker takes the categories left too.
        if let Some(f) = &first {
            f.work();
        }
        if let Some(w) = worker {
            // A worker that panicked leaves its category to the award, which solves it itself.
            let _ = w.join();
        }
        result
    });
    let early = first
        .map(procurement::FirstPass::results)
        .unwrap_or_default();
    let explained = match &result {
        Some(r) if opts.explain > 0 && r.plan().is_some() => {
            log(format!(
                "explain: forcing the top {} decisions the other way",
                opts.explain
            ));
            let solve = SolveOptions {
                backend,
                limits: limits.share(1.0, stages.after_estates()),
                greedy_only: false,
            };
            estates::explain::explain(data, model, r, opts.explain, solve)
        }
        _ => Vec::new(),
    };
    let checked = match (result.as_ref().and_then(|r| r.plan()), opts.check) {
        (Some(p), true) => Some(check::check(
            data,
            model,
            p,
            result.as_ref().and_then(|r| r.kpis()),
        )),
        _ => None,
    };
    // Sites the estates plan releases, with their release year: their site-bound contracts end with them.
    let released = result
        .as_ref()
        .and_then(|r| r.plan())
        .map(Plan::released)
        .unwrap_or_default();
    let awarded = model.procurement.enabled.then(|| {
        procurement::solve(
            data,
            model,
            &released,
            procurement::Options {
                backend,
                limits: limits.share(1.0, stages.award_and_after()),
                progress: opts.progress,
            },
            early,
        )
    });
    let award_checks: Vec<Option<CheckReport>> = awarded.as_ref().map_or(Vec::new(), |a| {
        // Every category with a plan, checked together (tender capacity spans them).
        let planned: Vec<(usize, check::procurement::CategoryAwards<'_>)> = a
            .categories
            .iter()
            .enumerate()
            .filter(|_| opts.check)
            .filter_map(|(i, c)| Some((i, (c.category.as_str(), &c.awards()?[..], c.figures()))))
            .collect();
        let lists: Vec<_> = planned.iter().map(|(_, l)| *l).collect();
        let mut checks = vec![None; a.categories.len()];
        let reports = check::procurement::check_award(data, model, &lists, &released);
        for ((i, _), r) in planned.iter().zip(reports) {
            checks[*i] = Some(r);
        }
        checks
    });
    let award_summary = awarded
        .as_ref()
        .map(|a| report::procurement::summary(a, &award_checks));
    let summary = report::summary(
        model,
        result.as_ref(),
        award_summary,
        backend,
        checked.as_ref(),
    );
    let mut files: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let json = crate::text::json_pretty(&summary)?;
    files.push(("summary.json", json.into_bytes()));
    let reasons = result
        .as_ref()
        .and_then(|r| {
            let ctx = estates::milp::Ctx {
                data,
                cand: &r.candidates,
                model,
            };
            r.plan()
                .map(|p| estates::reasons::Reasons::of(&ctx, p, Some(limits.wrap_up())))
        })
        .unwrap_or_default();
    let untried = reasons.untried();
    if untried > 0 {
        log(format!(
            "reasons: {untried} kept sites and units not tried one at a time (the time limit came first)"
        ));
    }
    let mut md = String::new();
    if let Some(result) = &result {
        if result.plan().is_some() {
            files.push(("sites.csv", report::sites_csv(data, result, &reasons.sites)));
            files.push(("moves.csv", report::moves_csv(data, result)));
        }
        if result.plan().is_some() && !data.units.is_empty() {
            files.push((
                "units.csv",
                report::units::units_csv(data, result, &reasons.units),
            ));
        }
        md.push_str(&report::report_md(data, model, result));
        if report::services::kpis(result).is_some() {
            let rows = report::services::rows(data, result);
            files.push(("services.csv", report::services::services_csv(data, &rows)));
            files.push(("hubs.csv", report::services::hubs_csv(data, result)));
            md.push_str(&report::services::report_md(data, result, &rows));
        }
        if let Some(plan) = result.plan() {
            let geojson = report::geojson::plan_geojson_bytes(data, model, plan, &reasons.sites);
            files.push((
                "plan.geojson",
                geojson.map_err(|e| Error::Other(e.to_string()))?,
            ));
        }
    }
    if let Some(a) = &awarded {
        files.push(("awards.csv", report::procurement::awards_csv(a)));
        md.push_str(&report::procurement::report_md(a));
    }
    if !explained.is_empty() {
        files.push(("explain.csv", report::explain_csv(&explained)));
        md.push_str(&report::explain_md(&explained));
    }
    files.push(("report.md", md.into_bytes()));
    let shapley = match &result {
        Some(_) if opts.shapley => {
            log("shapley: solving the estates model for every coalition of partner kinds".into());
            let opts = SolveOptions {
                backend,
                limits,
                greedy_only: false,
            };
            Some(estates::shapley::shapley(data, model, opts))
        }
        _ => None,
    };
    let pages = crate::report::plan_page::pages(crate::report::plan_page::Solved {
        data,
        model,
        dir,
        result: result.as_ref(),
        awarded: awarded.as_ref(),
        checked: checked.as_ref(),
        award_checks: &award_checks,
        reasons,
        explained: &explained,
        shapley: shapley.as_ref(),
    })?;
    files.push(("report.html", pages.html.into_bytes()));
    files.push(("shares.csv", pages.shares_csv));
    // After every CSV, from their bytes. A table too large for Excel leaves the workbook out, not the plan.
    match report::xlsx::plan_xlsx(&files) {
        Ok(bytes) => files.push(("plan.xlsx", bytes)),
        Err(e) => log(format!("plan.xlsx left out: {e}")),
    }
    let status = summary.status;
    let checks = checked
        .iter()
        .chain(award_checks.iter().flatten())
        .map(|c| c.ok);
    let clean = solve::clean(status, checks);
    Ok(Outputs {
        result,
        awarded,
        checked,
        award_checks,
        explained,
        shapley,
        files,
        status,
        clean,
    })
}

/// The memory limit in bytes (`--max-memory`, else 80% of the machine's or the cgroup's memory): see
/// [`crate::limits`].
pub use crate::limits::max_memory_bytes;

/// `plan --write-model DIR`: every MILP the plan solved as free MPS (`estates.mps` unless `--greedy`,
/// `award-<category>.mps` per category), each in `summary.json`'s sense and units, and `objectives.csv` with the
/// objective and status the plan reports for each file and the seconds our solver took on it, so another solver's
/// optimum and time can be set beside ours (`benches/peers/run.sh --mps DIR`).
pub fn model_files(data: &Dataset, model: &ModelConfig, out: &Outputs) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut objectives: Vec<(String, String, Option<f64>, f64)> = Vec::new();
    if let Some(r) = out.result.as_ref().filter(|r| r.size.variables > 0) {
        let name = "estates.mps".to_string();
        files.push((
            name.clone(),
            estates::export::mps(data, model, r).into_bytes(),
        ));
        let (objective, _, _) = report::objective_of(model, r);
        objectives.push((name, r.status().to_string(), objective, r.solve_seconds));
    }
    if let Some(a) = &out.awarded {
        let released = out
            .result
            .as_ref()
            .and_then(|r| r.plan())
            .map(Plan::released)
            .unwrap_or_default();
        for ((category, text), c) in procurement::mps(data, model, &released, a)
            .into_iter()
            .zip(&a.categories)
        {
            let name = format!("award-{}.mps", file_safe(&category));
            files.push((name.clone(), text.into_bytes()));
            let npv = c.figures().map(|f| f.npv);
            objectives.push((name, c.status().to_string(), npv, c.seconds));
        }
    }
    let csv = crate::text::csv_bytes(|w| {
        w.write_record(["file", "status", "objective", "seconds"])?;
        for (file, status, objective, seconds) in &objectives {
            let value = objective.map_or(String::new(), |v| format!("{v:?}"));
            let seconds = format!("{seconds:.3}");
            w.write_record([
                file.as_str(),
                status.as_str(),
                value.as_str(),
                seconds.as_str(),
            ])?;
        }
        Ok(())
    });
    files.push(("objectives.csv".into(), csv));
    files
}

/// A category name as a file name: letters, digits, `-` and `_` kept, anything else `_`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
