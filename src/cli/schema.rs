//! `consolidate schema NAME` and `consolidate schema --out DIR`: the JSON Schemas (draft 2020-12) of every public JSON document,
//! generated from the very types that write the documents, so a schema cannot describe a field the tool no longer
//! writes. `tests/data/schemas/` holds the generated files; a test keeps them equal to this command's output.

use super::validate::Report as ValidateReport;
use super::{Status, completions::write_stdout};
use crate::atomic::AtomicDir;
use crate::compare::CompareDoc;
use crate::error::Error;
use crate::report::PlanSummary;
use crate::report::evaluation::EvaluationDoc;
use crate::run::batch::RunSummary;
use clap::ValueEnum;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use std::path::PathBuf;

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The document whose schema to print.
    #[arg(value_enum, required_unless_present = "out", conflicts_with = "out")]
    pub name: Option<SchemaName>,
    /// Write every schema as `<name>.schema.json` into this folder, replaced atomically (so it never holds a
    /// mix of old and new schemas; hence no NAME with it).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The public JSON documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaName {
    /// A plan's `summary.json` (consolidate.plan/2).
    Plan,
    /// What `validate --format json` prints (consolidate.validate/1).
    Validate,
    /// A run's `summary.json`, also what `merge` writes (consolidate.run/1).
    Run,
    /// `evaluation.json` of `evaluate` (consolidate.evaluation/1).
    Evaluation,
    /// `compare.json` of `compare` (consolidate.compare/1).
    Compare,
    /// One line of `run --log-format json` (consolidate.log/1).
    Log,
}

impl SchemaName {
    /// The file name under `--out`: `<name>.schema.json`.
    pub fn file_name(self) -> String {
        let name = self
            .to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_owned());
        format!("{name}.schema.json")
    }

    /// The schema, titled with the document's schema name and version.
    pub fn schema(self) -> Schema {
        match self {
            SchemaName::Plan => titled::<PlanSummary<'static>>(crate::report::PLAN_SCHEMA),
            SchemaName::Validate => {
                titled::<ValidateReport<'static>>(super::validate::VALIDATE_SCHEMA)
            }
            SchemaName::Run => titled::<RunSummary<'static>>(crate::run::batch::RUN_SCHEMA),
            SchemaName::Evaluation => {
                titled::<EvaluationDoc<'static>>(crate::report::evaluation::EVALUATION_SCHEMA)
            }
            SchemaName::Compare => titled::<CompareDoc<'static>>(crate::compare::COMPARE_SCHEMA),
            SchemaName::Log => {
                titled::<crate::run::log::Line<'static>>(crate::run::log::LOG_SCHEMA)
            }
        }
    }

    /// The schema as the command prints and writes it: pretty JSON and a final newline.
    pub fn text(self) -> Result<String, Error> {
        let mut text = crate::text::json_pretty(&self.schema())?;
        text.push('\n');
        Ok(text)
    }
}

/// The schema of `T` as it serialises (an optional field may be null but is always written), titled `id`.
fn titled<T: JsonSchema>(id: &str) -> Schema {
    let mut schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("title".into(), id.into());
    schema
}

/// Runs the command.
pub(super) fn run(args: &SchemaArgs) -> Result<Status, Error> {
    let Some(dir) = &args.out else {
        // clap requires NAME without --out.
        let name = args
            .name
            .ok_or_else(|| Error::Usage("name a schema, or give --out DIR".into()))?;
        return write_stdout(name.text()?.as_bytes());
    };
    let out = AtomicDir::new(dir)?;
    for &n in SchemaName::value_variants() {
        out.write(&n.file_name(), n.text()?.as_bytes())?;
    }
    let path = out.commit()?;
    outln!("wrote {}", path.display());
    Ok(Status::Clean)
}
