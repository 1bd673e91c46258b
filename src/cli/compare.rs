//! `consolidate compare DIR PLAN_OR_FOLDER...`: two or more plans side by side, ranked, with the decisions that
//! differ, in the terminal and as `compare.csv`, `differences.csv`, `compare.json` and `report.html` in the output
//! folder.
//!
//! Each argument is a plan folder (any of `sites.csv`, `moves.csv`, `awards.csv`, `services.csv`), or a folder whose
//! sub-folders are plan folders (an overnight run's output), which stands for all of them in name order.

use super::evaluate::plan_name;
use super::validate::{load_valid, model_for};
use super::{CompareArgs, Status};
use crate::assess;
use crate::atomic::AtomicDir;
use crate::compare;
use crate::error::Error;
use crate::plan::files as plan_files;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn is_plan_folder(dir: &Path) -> bool {
    plan_files::PLAN_FILES.iter().any(|f| dir.join(f).is_file())
}

/// The plan folders an argument stands for.
fn expand(arg: &Path) -> Result<Vec<PathBuf>, Error> {
    if is_plan_folder(arg) {
        return Ok(vec![arg.to_path_buf()]);
    }
    let entries = std::fs::read_dir(arg).map_err(|e| {
        Error::Usage(format!(
            "cannot read plan folder {}: {e}; give a folder written by `plan` (or in its layout)",
            arg.display()
        ))
    })?;
    let mut subs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && is_plan_folder(p))
        .collect();
    subs.sort();
    if subs.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds none of {}, and no sub-folder does: give plan folders",
            arg.display(),
            plan_files::PLAN_FILES.join(", ")
        )));
    }
    Ok(subs)
}

/// Short names, made unique by adding the parent folder's name (then a number) where two plans share one.
fn names(folders: &[PathBuf]) -> Vec<String> {
    let base: Vec<String> = folders.iter().map(|f| plan_name(f)).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, f) in folders.iter().enumerate() {
        let shared = base.iter().filter(|n| **n == base[i]).count() > 1;
        let name = match f.parent().and_then(Path::file_name) {
            Some(parent) if shared => format!("{}/{}", parent.to_string_lossy(), base[i]),
            _ => base[i].clone(),
        };
        let mut candidate = name.clone();
        let mut k = 2;
        while !seen.insert(candidate.clone()) {
            candidate = format!("{name}#{k}");
            k += 1;
        }
        out.push(candidate);
    }
    out
}

/// Runs the command.
pub(super) fn run(args: &CompareArgs) -> Result<Status, Error> {
    let model = model_for(&args.dir, args.model.as_deref())?;
    let mut folders = Vec::new();
    for p in &args.plans {
        folders.extend(expand(p)?);
    }
    if folders.len() < 2 {
        return Err(Error::Usage(format!(
            "compare needs two or more plans; got {}",
            folders.len()
        )));
    }
    let loaded = load_valid(&args.dir, &model)?;
    let data = &loaded.dataset;
    let mut read = Vec::new();
    let mut all_findings = Vec::new();
    for f in &folders {
        let mut findings = Vec::new();
        read.push(plan_files::read(f, data, &model, &mut findings));
        all_findings.extend(findings);
    }
    let errors = all_findings.iter().filter(|f| f.is_error()).count();
    for f in &all_findings {
        eprintln!("{f}");
    }
    if errors > 0 {
        return Err(Error::InvalidInput {
            dir: folders[0].clone(),
            errors,
            findings: all_findings,
        });
    }
    let plans: Vec<_> = names(&folders)
        .into_iter()
        .zip(read)
        .map(|(name, files)| assess::assess(data, &model, name, files))
        .collect();
    let c = compare::compare(data, plans);
    out!("{}", compare::text_table(&c, args.show));
    let out = AtomicDir::new(&args.out)?;
    let (kpis, differences) = (compare::kpis_csv(&c), compare::differences_csv(&c));
    out.write("compare.csv", &kpis)?;
    out.write("differences.csv", &differences)?;
    out.write(
        "compare.xlsx",
        &crate::report::xlsx::compare_xlsx(&kpis, &differences)?,
    )?;
    out.write(
        "compare.json",
        crate::text::json_pretty(&compare::compare_doc(&c))?.as_bytes(),
    )?;
    let title = format!(
        "Plans compared: {}",
        c.plans
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.write(
        "report.html",
        crate::report::html::compare_html(data, &model, &c, &title)?.as_bytes(),
    )?;
    let path = out.commit()?;
    outln!("{}", super::wrote_report(&path));
    Ok(if c.plans.iter().all(|p| p.violations.is_empty()) {
        Status::Clean
    } else {
        Status::NotClean
    })
}
