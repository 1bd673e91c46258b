//! `consolidate evaluate DIR PLAN`: cost a plan written by hand (or by `plan`) and check every rule.
//!
//! The plan folder holds any of `sites.csv`, `moves.csv`, `awards.csv` and `services.csv` in the layout `plan`
//! writes; rows left out mean "no change". The plan is costed with the same figures as `plan` and checked by the
//! independent checker, and written to `evaluation.json` for scripts. A plan that breaks rules is still costed, with its violations listed (exit 1); a
//! malformed plan file gets coded findings with row and column (exit 2).

use super::validate::{load_valid, model_for};
use super::{EvaluateArgs, Status};
use crate::assess;
use crate::atomic::AtomicDir;
use crate::error::Error;
use crate::estates::{milp::Ctx, reasons};
use crate::plan::files as plan_files;
use crate::report::html::{self, PlanView, StatusLine};
use crate::text::money;

/// Runs the command.
pub(super) fn run(args: &EvaluateArgs) -> Result<Status, Error> {
    let model = model_for(&args.dir, args.model.as_deref())?;
    let loaded = load_valid(&args.dir, &model)?;
    let data = &loaded.dataset;
    let mut findings = Vec::new();
    let read = plan_files::read(&args.plan, data, &model, &mut findings);
    let errors = findings.iter().filter(|f| f.is_error()).count();
    for f in &findings {
        eprintln!("{f}");
    }
    if errors > 0 {
        return Err(Error::InvalidInput {
            dir: args.plan.clone(),
            errors,
            findings,
        });
    }
    if read.found.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds none of {}: give the folder `plan` wrote, or one in its layout",
            args.plan.display(),
            crate::plan::files::PLAN_FILES.join(", ")
        )));
    }
    outln!(
        "read {} from {}",
        read.found.join(", "),
        args.plan.display()
    );
    let a = assess::assess(data, &model, plan_name(&args.plan), read);
    if let Some(k) = &a.kpis {
        outln!(
            "estates: NPV GBP {}  running cost GBP {} -> {} a year  one-off GBP {}  sites released {}  people moved {:.0}",
            money(k.npv),
            money(k.running_cost_before),
            money(k.running_cost_after),
            money(k.one_off_cost),
            k.sites_released,
            k.people_moved
        );
    }
    if let Some(s) = a.kpis.as_ref().and_then(|k| k.shared_services.as_ref()) {
        outln!(
            "shared services: NPV GBP {}  FTE saved {:.1} of {:.1}  one-off GBP {}  new hubs {}",
            money(s.npv),
            s.fte_saved,
            s.fte_before,
            money(s.one_off_cost),
            s.hubs_opened
        );
    }
    for (category, f) in &a.award_figures {
        outln!("award {category}: NPV GBP {}", money(f.npv));
    }
    if a.awards.is_some() {
        outln!("award: NPV GBP {}", money(a.award_npv()));
    }
    for (category, v) in &a.violations {
        match category {
            None => outln!("  violation [{}]: {}", v.rule, v.detail),
            Some(c) => outln!("  violation [{}] in {c}: {}", v.rule, v.detail),
        }
    }
    let violations = a.violations.len();
    outln!("violations: {violations}");
    let reasons = if a.has_estates() {
        let ctx = Ctx {
            data,
            cand: &a.candidates,
            model: &model,
        };
        reasons::Reasons::of(&ctx, &a.plan, None)
    } else {
        reasons::Reasons::default()
    };
    let verdict = if violations == 0 {
        StatusLine::new(
            "Rules",
            "clean",
            "the independent checker finds no broken rule",
        )
    } else {
        StatusLine::new(
            "Rules",
            "violations",
            format!(
                "the independent checker finds {violations} broken rules, listed below; the plan is still costed"
            ),
        )
    };
    let view = PlanView {
        title: format!("Plan evaluated: {}", a.name),
        subtitle: format!(
            "Plan {} ({}) on data set {}; model {}",
            args.plan.display(),
            a.found.join(", "),
            args.dir.display(),
            model.name
        ),
        statuses: vec![verdict],
        conflicts: Vec::new(),
        assessment: &a,
        reasons,
        category_status: Default::default(),
        explained: &[],
        shapley: None,
    };
    let page = html::plan_html(data, &model, &view)?;
    let out = AtomicDir::new(&args.out)?;
    out.write("report.html", page.as_bytes())?;
    let json = crate::text::json_pretty(&crate::report::evaluation::document(&a, &model.name))?;
    out.write("evaluation.json", json.as_bytes())?;
    let shares = crate::report::shares::compute(data, &a);
    out.write(
        "shares.csv",
        &crate::report::shares::shares_csv(&shares, None),
    )?;
    let path = out.commit()?;
    outln!("{}", super::wrote_report(&path));
    Ok(if violations == 0 {
        Status::Clean
    } else {
        Status::NotClean
    })
}

/// A plan's short name: its folder's name.
pub(super) fn plan_name(dir: &std::path::Path) -> String {
    dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
