//! `consolidate plan DIR`: validate, solve the estates model, check the plan, write the output folder.

use super::validate::model_for;
use super::{PlanArgs, Status};
use crate::check;
use crate::error::Error;
use crate::estates::{self, SolveOptions};
use crate::input;
use crate::report::{self, atomic::AtomicDir};
use crate::solve::{Backend, Limits, Outcome};

/// Runs the command.
pub fn run(args: &PlanArgs) -> Result<Status, Error> {
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
    let loaded = input::load(&args.dir, &model);
    let errors = loaded.errors();
    if errors > 0 {
        for f in loaded.findings.iter().filter(|f| f.is_error()) {
            eprintln!("{f}");
        }
        return Err(Error::InvalidInput {
            dir: args.dir.clone(),
            errors,
            findings: loaded.findings,
        });
    }
    let data = &loaded.dataset;
    let quiet = args.quiet;
    let mut log = |line: String| {
        if !quiet {
            eprintln!("{line}");
        }
    };
    let limits = Limits {
        time_limit_s: model.solver.time_limit_s,
        gap: model.solver.gap,
        threads: model.solver.threads,
    };
    let result = estates::solve(data, &model, SolveOptions { backend, limits }, &mut log);
    let checked = match (&result.plan, args.check) {
        (Some(p), true) => Some(check::check(data, &model, p, result.kpis.as_ref())),
        _ => None,
    };
    let summary = report::summary(&model, &result, backend, checked.as_ref());
    let out = AtomicDir::new(&args.out)?;
    out.write(
        "summary.json",
        serde_json::to_string_pretty(&summary)
            .map_err(|e| Error::Other(e.to_string()))?
            .as_bytes(),
    )?;
    if result.plan.is_some() {
        out.write("sites.csv", &report::sites_csv(data, &model, &result))?;
        out.write("moves.csv", &report::moves_csv(data, &result))?;
    }
    out.write(
        "report.md",
        report::report_md(data, &model, &result).as_bytes(),
    )?;
    let path = out.commit()?;
    let (objective, bound, sense) = report::objective_of(&model, &result);
    println!(
        "status: {}  objective ({sense}): {}  bound: {}  solver: {}  seconds: {:.2}",
        result.outcome.status(),
        objective.map_or("none".into(), |v| format!("{v:.4}")),
        bound.map_or("none".into(), |v| format!("{v:.4}")),
        backend.name(),
        result.solve_seconds
    );
    for c in &result.conflicts {
        println!(
            "conflict [{}]: {} (relax by {:.2})",
            c.group, c.rule, c.relax_by
        );
    }
    if let Some(c) = &checked {
        println!("check: {}", if c.ok { "passed" } else { "FAILED" });
        for v in &c.violations {
            println!("  violation [{}]: {}", v.rule, v.detail);
        }
        for m in &c.mismatches {
            println!("  mismatch: {m}");
        }
    }
    println!("wrote {}", path.display());
    let clean = result.outcome == Outcome::Optimal && checked.as_ref().is_none_or(|c| c.ok);
    Ok(if clean {
        Status::Clean
    } else {
        Status::NotClean
    })
}
