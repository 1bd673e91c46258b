//! Running the scenarios of a manifest: in parallel on a rayon pool of the manifest's threads (one solver thread
//! per scenario, so solver threads x parallel scenarios never exceed them), each isolated: a scenario that
//! errors, is infeasible or stops at a limit is recorded and the others go on.
//!
//! Each scenario's files (the same files `plan` writes) go into `<scenario>/` of the run folder being built. A
//! scenario not started when the total time budget is spent is `skipped`; one not started (or whose award was
//! cut short) after SIGTERM/SIGINT is `interrupted`.

use super::log::Log;
use super::manifest::{Manifest, Scenario};
use crate::atomic::AtomicDir;
use crate::domain::Dataset;
use crate::error::Error;
use crate::pipeline;
use crate::solve::{Backend, Limits, Status, cancelled};
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// A sweep point as recorded in `summary.json`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, schemars::JsonSchema)]
pub struct SweepValue {
    /// The sweep's name.
    pub sweep: String,
    /// The swept model key.
    pub parameter: String,
    /// Its value in this scenario.
    pub value: f64,
}

/// How one scenario came out.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ScenarioResult {
    /// Position in the manifest's expanded scenario list (so shards merge back into manifest order).
    pub index: usize,
    /// Scenario name (its folder's name).
    pub name: String,
    /// Data set name.
    pub dataset: String,
    /// The sweep point, for scenarios expanded from a sweep.
    pub sweep: Option<SweepValue>,
    /// `optimal`, `feasible`, `infeasible`, `unbounded`, `unknown`, `error`, `interrupted` or `skipped`.
    pub status: Status,
    /// What went wrong, for `error`, `interrupted` and `skipped`.
    pub message: Option<String>,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Net present value, estates plus award (GBP).
    pub npv: Option<f64>,
    /// Estates NPV (GBP).
    pub estates_npv: Option<f64>,
    /// Award NPV (GBP).
    pub award_npv: Option<f64>,
    /// Sites released.
    pub sites_released: Option<usize>,
    /// Worst zone access (km).
    pub worst_access_km: Option<f64>,
    /// Running cost after (GBP a year).
    pub running_cost_after: Option<f64>,
    /// Shared-services NPV (GBP; part of the estates NPV), when the data set decides shared services.
    #[serde(default)]
    pub services_npv: Option<f64>,
    /// Back-office FTE the shared services save at the end of the horizon.
    #[serde(default)]
    pub fte_saved: Option<f64>,
    /// New shared-service hubs the plan opens.
    #[serde(default)]
    pub hubs_opened: Option<usize>,
    /// True when the independent checker passed every part of the plan.
    pub check_ok: Option<bool>,
}

impl ScenarioResult {
    /// A result without figures.
    pub fn empty(s: &Scenario, status: Status, message: Option<String>) -> ScenarioResult {
        ScenarioResult {
            index: 0,
            name: s.name.clone(),
            dataset: s.dataset.clone(),
            sweep: s.sweep.as_ref().map(|p| SweepValue {
                sweep: p.sweep.clone(),
                parameter: p.parameter.clone(),
                value: p.value,
            }),
            status,
            message,
            seconds: 0.0,
            npv: None,
            estates_npv: None,
            award_npv: None,
            sites_released: None,
            worst_access_km: None,
            running_cost_after: None,
            services_npv: None,
            fte_saved: None,
            hubs_opened: None,
            check_ok: None,
        }
    }

    /// Clean: optimal, and the independent checker (when it ran) passed ([`crate::solve::clean`]).
    pub fn is_clean(&self) -> bool {
        crate::solve::clean(self.status, self.check_ok)
    }
}

/// Runs the given scenarios, each with its validated data set, into `out`; results in the order given.
pub fn execute(
    manifest: &Manifest,
    pairs: &[(&Scenario, &Dataset)],
    out: &AtomicDir,
    log: &Log,
) -> Vec<ScenarioResult> {
    let start = Instant::now();
    let job = |(s, d): (&Scenario, &Dataset)| -> ScenarioResult {
        if cancelled() {
            return ScenarioResult::empty(
                s,
                Status::Interrupted,
                Some("the run was asked to stop".into()),
            );
        }
        if let Some(total) = manifest.total_time_s
            && start.elapsed().as_secs_f64() > total
        {
            return ScenarioResult::empty(
                s,
                Status::Skipped,
                Some(format!(
                    "the run's total time budget of {total} s was spent"
                )),
            );
        }
        log.info(Some(&s.name), "started".into());
        let t = Instant::now();
        let mut r = match one(manifest, s, d, out, log) {
            Ok(r) => r,
            Err(e) => ScenarioResult::empty(s, Status::Error, Some(e.to_string())),
        };
        r.seconds = t.elapsed().as_secs_f64();
        if cancelled() && !r.status.is_clean() {
            r.status = Status::Interrupted;
            r.message = Some("the run was asked to stop while this scenario was solving".into());
        }
        log.info(Some(&s.name), format!("{} in {:.2} s", r.status, r.seconds));
        r
    };
    // One scenario per rayon job, so an idle worker steals the next scenario instead of waiting behind a long one.
    let run = || {
        pairs
            .par_iter()
            .with_max_len(1)
            .map(|&p| job(p))
            .collect::<Vec<_>>()
    };
    match rayon::ThreadPoolBuilder::new()
        // Solving and rendering a scenario (the MILP, templates) needs more than the 2 MiB default stack.
        .stack_size(64 << 20)
        .num_threads(manifest.threads.max(1))
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

fn one(
    manifest: &Manifest,
    s: &Scenario,
    data: &Dataset,
    out: &AtomicDir,
    log: &Log,
) -> Result<ScenarioResult, Error> {
    let backend = Backend::parse(&s.model.solver.name)?;
    let limits = Limits::new(manifest.time_limit_s, s.model.solver.gap, 1);
    let opts = pipeline::Options {
        backend,
        limits,
        check: true,
        greedy: false,
        explain: 0,
        shapley: false,
        progress: false,
        // Scenarios run side by side: each may use its share of the memory the process may have (the machine's,
        // or its cgroup's when lower: a container, a systemd scope, a Slurm job's --mem).
        max_memory: Some(crate::limits::max_memory_bytes(None) / manifest.threads.max(1) as u64),
    };
    let name = s.name.clone();
    let mut sink = |line: String| log.debug(Some(&name), line);
    let done = pipeline::run(data, &s.model, &s.dir, opts, &mut sink)?;
    for (file, bytes) in &done.files {
        out.write(&format!("{}/{file}", s.name), bytes)?;
    }
    let mut r = ScenarioResult::empty(s, done.status, None);
    let kpis = done.result.as_ref().and_then(|e| e.kpis());
    r.estates_npv = kpis.map(|k| k.npv);
    r.award_npv = done.awarded.as_ref().map(|a| {
        a.categories
            .iter()
            .filter_map(|c| c.figures().map(|f| f.npv))
            .sum()
    });
    r.npv = (r.estates_npv.is_some() || r.award_npv.is_some())
        .then(|| r.estates_npv.unwrap_or(0.0) + r.award_npv.unwrap_or(0.0));
    r.sites_released = kpis.map(|k| k.sites_released);
    r.worst_access_km = kpis.and_then(|k| k.worst_zone_access_km);
    r.running_cost_after = kpis.map(|k| k.running_cost_after);
    let services = kpis.and_then(|k| k.shared_services.as_ref());
    r.services_npv = services.map(|k| k.npv);
    r.fte_saved = services.map(|k| k.fte_saved);
    r.hubs_opened = services.map(|k| k.hubs_opened);
    let checks: Vec<bool> = done
        .checked
        .iter()
        .chain(done.award_checks.iter().flatten())
        .map(|c| c.ok)
        .collect();
    r.check_ok = (!checks.is_empty()).then(|| checks.iter().all(|&ok| ok));
    if r.check_ok == Some(false) {
        r.message = Some("the independent checker disagrees with the plan".into());
    }
    Ok(r)
}
