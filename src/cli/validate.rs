//! `consolidate validate DIR`: read a data set, print every finding and, when it is clean, its summary.

use super::{Format, Status, ValidateArgs};
use crate::error::{Error, Finding};
use crate::input;
use crate::model_config::{self, ModelConfig};
use crate::summary::Summary;
use serde::Serialize;
use std::path::Path;

/// The schema name and version of what `validate --format json` prints.
pub(super) const VALIDATE_SCHEMA: &str = "consolidate.validate/1";

/// The JSON document `validate --format json` prints (schema `consolidate.validate/1`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub(super) struct Report<'a> {
    /// Schema name and version.
    #[schemars(extend("const" = VALIDATE_SCHEMA))]
    pub schema: &'static str,
    /// The data set folder as given.
    pub dir: String,
    /// True when there is no error finding.
    pub ok: bool,
    /// Number of error findings.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Every finding.
    pub findings: &'a [Finding],
    /// The data set summary; null when there are errors.
    pub summary: Option<Summary>,
}

/// Loads the model for a data set: the given file, else the discovered one, else defaults.
pub(super) fn model_for(dir: &Path, explicit: Option<&Path>) -> Result<ModelConfig, Error> {
    match explicit
        .map(Path::to_path_buf)
        .or_else(|| model_config::discover(dir))
    {
        Some(path) => ModelConfig::load(&path),
        None => Ok(ModelConfig::default()),
    }
}

/// Runs the command.
pub(super) fn run(args: &ValidateArgs) -> Result<Status, Error> {
    let model = match model_for(&args.dir, args.model.as_deref()) {
        Ok(m) => m,
        // A broken model file is reported like any other finding (JSON included); the data is not read.
        Err(Error::Coded(f)) => {
            let findings = vec![*f];
            print_report(args, &findings, None)?;
            return Err(Error::InvalidInput {
                dir: args.dir.clone(),
                errors: 1,
                findings,
            });
        }
        Err(e) => return Err(e),
    };
    let loaded = input::load(&args.dir, &model);
    let errors = loaded.errors();
    let summary = (errors == 0).then(|| Summary::of(&loaded.dataset));
    print_report(args, &loaded.findings, summary)?;
    if errors > 0 {
        return Err(Error::InvalidInput {
            dir: args.dir.clone(),
            errors,
            findings: loaded.findings,
        });
    }
    Ok(Status::Clean)
}

/// Prints the findings (and the summary of a clean data set) in the format asked for.
fn print_report(
    args: &ValidateArgs,
    findings: &[Finding],
    summary: Option<Summary>,
) -> Result<(), Error> {
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let warnings = findings.len() - errors;
    let mut text = String::new();
    match args.format {
        Format::Json => {
            let report = Report {
                schema: VALIDATE_SCHEMA,
                dir: args.dir.display().to_string(),
                ok: errors == 0,
                errors,
                warnings,
                findings,
                summary,
            };
            text = crate::text::json_pretty(&report)?;
            text.push('\n');
        }
        Format::Text => {
            for f in findings {
                text.push_str(&format!("{f}\n"));
            }
            text.push_str(&format!(
                "{}: {errors} error(s), {warnings} warning(s)\n",
                args.dir.display()
            ));
            if let Some(s) = &summary {
                text.push_str(&s.to_text());
            }
        }
    }
    out!("{text}");
    Ok(())
}

/// Loads a data set and refuses it (printing each error) when it has any error: the start of every command
/// that solves or analyses.
pub(super) fn load_valid(dir: &Path, model: &ModelConfig) -> Result<input::Loaded, Error> {
    let loaded = input::load(dir, model);
    let errors = loaded.errors();
    if errors > 0 {
        for f in loaded.findings.iter().filter(|f| f.is_error()) {
            eprintln!("{f}");
        }
        return Err(Error::InvalidInput {
            dir: dir.to_path_buf(),
            errors,
            findings: loaded.findings,
        });
    }
    Ok(loaded)
}
