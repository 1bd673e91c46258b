//! `consolidate plan DIR`: validate, solve the estates model, then the procurement award (with the released
//! sites passed in), check both, write the output folder.

use super::validate::{load_valid, model_for};
use super::{PlanArgs, Status};
use crate::check::CheckReport;
use crate::error::Error;
use crate::estates::EstatesResult;
use crate::model_config::ModelConfig;
use crate::pipeline;
use crate::procurement::ProcurementResult;
use crate::solve::{Backend, Limits, PlanSource};
use crate::{atomic::AtomicDir, report};

/// Runs the command.
pub(super) fn run(args: &PlanArgs) -> Result<Status, Error> {
    let mut model = model_for(&args.dir, args.model.as_deref())?;
    if let Some(name) = &args.solver {
        model.solver.name = name.clone();
    }
    if let Some(t) = args.time_limit {
        model.solver.time_limit_s = t;
    }
    if let Some(g) = args.gap {
        model.solver.gap = g;
    }
    if let Some(n) = args.threads {
        model.solver.threads = n;
    }
    if !(model.solver.time_limit_s.is_finite() && model.solver.time_limit_s > 0.0) {
        return Err(Error::Usage(
            "--time-limit must be a positive number of seconds".into(),
        ));
    }
    let backend = Backend::parse(&model.solver.name)?;
    let loaded = load_valid(&args.dir, &model)?;
    let data = &loaded.dataset;
    let quiet = args.quiet;
    let mut log = |line: String| {
        if !quiet {
            eprintln!("{line}");
        }
    };
    // The clock starts here: loading and validating the data came before, and the limit is the solves'.
    let limits = Limits::new(
        model.solver.time_limit_s,
        model.solver.gap,
        model.solver.threads,
    );
    let opts = pipeline::Options {
        backend,
        limits,
        check: args.check,
        greedy: args.greedy,
        explain: args.explain,
        shapley: args.shapley,
        progress: !quiet,
        max_memory: Some(pipeline::max_memory_bytes(args.max_memory)),
    };
    let done = pipeline::run(data, &model, &args.dir, opts, &mut log)?;
    let path = AtomicDir::write_all(&args.out, done.files.iter().map(|(n, b)| (*n, b)))?;
    if let Some(dir) = &args.write_model {
        let models = AtomicDir::write_all(dir, pipeline::model_files(data, &model, &done))?;
        log(format!("wrote the models to {}", models.display()));
    }
    let pipeline::Outputs {
        result,
        awarded,
        checked,
        award_checks,
        explained,
        shapley,
        clean,
        ..
    } = done;
    if let Some(result) = &result {
        print_estates(&model, result, backend, checked.as_ref());
    }
    if let Some(a) = &awarded {
        print_award(a, &award_checks, args.check);
    }
    for e in &explained {
        outln!("explain: {}", report::explain_line(e));
    }
    match &shapley {
        Some(Ok(x)) => {
            let groups: Vec<String> = x
                .groups
                .iter()
                .map(|g| format!("{} {:.2}", g.kind, g.value))
                .collect();
            outln!(
                "shapley (estates NPV by partner kind): {}",
                groups.join("  ")
            );
        }
        Some(Err(why)) => outln!("shapley: not computed: {why}"),
        None => {}
    }
    outln!("{}", super::wrote_report(&path));
    Ok(if clean {
        Status::Clean
    } else {
        Status::NotClean
    })
}

/// Prints the estates result and its check.
fn print_estates(
    model: &ModelConfig,
    result: &EstatesResult,
    backend: Backend,
    checked: Option<&CheckReport>,
) {
    let (objective, bound, sense) = report::objective_of(model, result);
    outln!(
        "estates: {}  objective ({sense}): {}  bound: {}  solver: {}  seconds: {:.2}",
        result.status(),
        objective.map_or("none".into(), |v| format!("{v:.4}")),
        bound.map_or("none".into(), |v| format!("{v:.4}")),
        // The facility-location strategies solve without the named backend (summary.json's plan_source).
        match result.plan_source {
            PlanSource::Lagrangian => "lagrangian strategy",
            PlanSource::Neighbourhoods => "large-neighbourhood search",
            _ => backend.name(),
        },
        result.solve_seconds
    );
    for c in &result.conflicts {
        outln!(
            "conflict [{}]: {} (relax by {:.2})",
            c.group,
            c.rule,
            c.relax_by
        );
    }
    if let Some(c) = checked {
        outln!("check: {}", if c.ok { "passed" } else { "FAILED" });
        for v in &c.violations {
            outln!("  violation [{}]: {}", v.rule, v.detail);
        }
        for m in &c.mismatches {
            outln!("  mismatch: {m}");
        }
    }
}

/// Prints the award's headline, every category that is not optimal, conflicts and check results.
fn print_award(a: &ProcurementResult, award_checks: &[Option<CheckReport>], check: bool) {
    let npv: f64 = a
        .categories
        .iter()
        .filter_map(|c| c.figures().map(|f| f.npv))
        .sum();
    outln!(
        "procurement: {}  npv: {npv:.2}  categories: {}  threads: {}  seconds: {:.2}",
        a.status(),
        a.categories.len(),
        a.threads,
        a.seconds
    );
    for (c, chk) in a.categories.iter().zip(award_checks) {
        if !c.status().is_clean() {
            let detail = match (c.gap(), c.outcome.reason()) {
                (_, Some(reason)) => format!(" ({reason})"),
                (Some(g), _) => format!(" (gap {:.4})", g),
                _ => String::new(),
            };
            outln!("  category {}: {}{detail}", c.category, c.status());
        }
        for k in &c.conflicts {
            outln!("  conflict [{}] in {}: {}", k.group, c.category, k.rule);
        }
        if let Some(chk) = chk {
            for v in &chk.violations {
                outln!("  violation [{}] in {}: {}", v.rule, c.category, v.detail);
            }
            for m in &chk.mismatches {
                outln!("  mismatch: {m}");
            }
        }
    }
    if check {
        let ok = award_checks.iter().flatten().all(|c| c.ok);
        outln!("award check: {}", if ok { "passed" } else { "FAILED" });
    }
}
