//! `consolidate evaluate DIR PLAN`: cost a plan written by hand (or by `plan`) and check every rule.
//!
//! The plan folder holds any of `sites.csv`, `moves.csv` and `awards.csv` in the layout `plan` writes; rows left
//! out mean "no change". The plan is costed with the same figures as `plan` and checked by the independent
//! checker. A plan that breaks rules is still costed, with its violations listed (exit 1); a malformed plan
//! file gets coded findings with row and column (exit 2).

use super::validate::{load_valid, model_for};
use super::{EvaluateArgs, Status};
use crate::check;
use crate::error::Error;
use crate::estates::candidates;
use crate::input::plan_files;
use crate::plan::{self, award};
use crate::summary::money;

/// Runs the command.
pub fn run(args: &EvaluateArgs) -> Result<Status, Error> {
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
            "{} holds none of sites.csv, moves.csv, awards.csv: give the folder `plan` wrote, or one in its layout",
            args.plan.display()
        )));
    }
    println!(
        "read {} from {}",
        read.found.join(", "),
        args.plan.display()
    );
    let mut violations = 0;
    if read.found.iter().any(|f| *f != "awards.csv") {
        let cand = candidates::build(data, &model);
        let kpis = plan::evaluate(data, &cand, &read.plan);
        let report = check::check(data, &model, &read.plan, None);
        println!(
            "estates: NPV GBP {}  running cost GBP {} -> {} a year  one-off GBP {}  sites released {}  people moved {:.0}",
            money(kpis.npv),
            money(kpis.running_cost_before),
            money(kpis.running_cost_after),
            money(kpis.one_off_cost),
            kpis.sites_released,
            kpis.people_moved
        );
        for v in &report.violations {
            println!("  violation [{}]: {}", v.rule, v.detail);
        }
        violations += report.violations.len();
    }
    if let Some(by_category) = &read.awards {
        let released = read.plan.released();
        let release_year = |k: usize| {
            data.contracts[k]
                .site
                .and_then(|s| released.get(&s.ix()).copied())
        };
        let mut npv = 0.0;
        for (category, awards) in by_category {
            let figures = award::evaluate(data, &model, awards, &release_year);
            let report =
                check::procurement::check_category(data, &model, category, awards, &released, None);
            npv += figures.npv;
            println!("award {category}: NPV GBP {}", money(figures.npv));
            for v in &report.violations {
                println!("  violation [{}] in {category}: {}", v.rule, v.detail);
            }
            violations += report.violations.len();
        }
        println!("award: NPV GBP {}", money(npv));
    }
    println!("violations: {violations}");
    Ok(if violations == 0 {
        Status::Clean
    } else {
        Status::NotClean
    })
}
