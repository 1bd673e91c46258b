//! The command line: argument types, dispatch, and the one place exit codes are decided.
//!
//! Exit codes: 0 success; 1 a result that is not clean (infeasible, stopped at a limit, rule violations);
//! 2 an error (bad input, bad usage, I/O). Each command returns a [`Status`] or an [`Error`]; [`exit_code`] maps
//! them, and nothing else calls `std::process::exit`.
// Doc comments on the argument types are clap's help text, read as plain text: `<DIR name>` is not HTML.
#![allow(rustdoc::invalid_html_tags)]

/// `println!` that never panics: when whoever reads standard output has gone (`| head`), the rest is dropped
/// instead of the process dying with "failed printing to stdout".
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// The last line of a command that writes `report.html`: the folder it wrote (kept first, as `wrote <path>`, for
/// scripts that read it) and the page to open.
fn wrote_report(dir: &std::path::Path) -> String {
    let page = dir.join("report.html");
    format!("wrote {}: open {}", dir.display(), page.display())
}

/// `print!` that never panics (see `outln!`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod compare;
mod completions;
mod evaluate;
mod export_xlsx;
mod import;
mod overlaps;
mod plan;
mod run;
mod schema;

mod validate;

pub use completions::CompletionsArgs;
pub use import::{BenchKind, ImportArgs};
pub use schema::{SchemaArgs, SchemaName};

use crate::error::Error;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Finds estate and procurement consolidation plans for health and care partners.
#[derive(Debug, Parser)]
#[command(name = "consolidate", version = version_line(), about, propagate_version = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a data set and report every problem, with codes, files, rows and columns.
    Validate(ValidateArgs),
    /// Solve the estates model: which sites to keep or release, and where teams work.
    Plan(PlanArgs),
    /// Cost a plan written by hand (or by `plan`) and list every rule it breaks.
    Evaluate(EvaluateArgs),
    /// Run the scenarios of a manifest unattended into a dated, complete report folder.
    Run(RunArgs),
    /// Join the folders of a sharded run (`run --shard i/n`) into one run folder.
    Merge(MergeArgs),
    /// Two or more plans side by side: KPIs, a ranking and the decisions that differ.
    Compare(CompareArgs),
    /// Supplier overlaps, collaboration clusters and site proximity: tables, a summary and graph files.
    Overlaps(OverlapsArgs),
    /// Write a generated case from a seed: estates (--sites, --teams, --zones) or procurement (categories x
    /// partners x suppliers).
    Generate(GenerateArgs),
    /// Write a data set folder as an Excel workbook (a sheet per table), or an empty template with every column.
    ExportXlsx(ExportXlsxArgs),
    /// Turn a facility-location benchmark file (OR-Library, Holmberg) into a data set folder.
    Import(ImportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to standard output.
    Completions(CompletionsArgs),
    /// Print the manual page (roff, every command) to standard output.
    Man,
    /// Print the JSON Schema of a public JSON document, or write them all (--out DIR).
    Schema(SchemaArgs),
}

/// What `--version` prints after the name: the crate version and the solver libraries built in, with the versions
/// `build.rs` read from Cargo.lock, because "which solver, which version" is the first question about a result.
fn version_line() -> &'static str {
    static LINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LINE.get_or_init(|| {
        let solvers = crate::solve::Backend::available()
            .into_iter()
            .map(|b| {
                // The libraries' own names, not the `--solver` spellings.
                let library = match b {
                    crate::solve::Backend::Microlp => "microlp",
                    crate::solve::Backend::Lpsolve => "lp_solve",
                    crate::solve::Backend::Highs => "HiGHS",
                };
                format!("{library} {}", b.version())
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "{} (solvers: {solvers}; via good_lp {})",
            env!("CARGO_PKG_VERSION"),
            env!("CONSOLIDATE_VERSION_GOOD_LP")
        )
    })
}

/// Output format for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Lines for people.
    Text,
    /// One JSON document for machines (schema in the README).
    Json,
}

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The data set: a folder of CSV files, or an Excel workbook (.xlsx) with a sheet per table.
    pub dir: PathBuf,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Model file whose start date and desk ratio the checks use (default: DIR/model.toml, then
    /// models/<DIR name>.toml, then built-in defaults).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Arguments of `export-xlsx`.
#[derive(Debug, clap::Args)]
pub struct ExportXlsxArgs {
    /// The data set folder; with no tables in it (or absent), the workbook is an empty template.
    pub dir: PathBuf,
    /// The workbook to write, replaced atomically (default: <DIR name>.xlsx in the working folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The data set: a folder of CSV files, or an Excel workbook (.xlsx) with a sheet per table.
    pub dir: PathBuf,
    /// Model file (default: DIR/model.toml, then models/<DIR name>.toml, then built-in defaults).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Output folder, replaced atomically.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Solver backend: microlp, lpsolve, or highs (when built with --features highs).
    #[arg(long)]
    pub solver: Option<String>,
    /// Solver time limit in seconds.
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// Relative gap at which the solver may stop (0 = prove optimality).
    #[arg(long)]
    pub gap: Option<f64>,
    /// Threads: HiGHS's, the award's workers, and with two or more microlp's LP duals beside its warm start.
    #[arg(long)]
    pub threads: Option<u32>,
    /// Run the independent checker on the plan; a failed check exits 1.
    #[arg(long)]
    pub check: bool,
    /// Estates: keep the greedy heuristic's plan and skip the MILP (status `feasible`, no bound; exit 1). For
    /// comparing against the optimum with `compare`.
    #[arg(long)]
    pub greedy: bool,
    /// Re-solve with each of the top N free site decisions (largest running cost first) forced the other way and
    /// report what that would cost (explain.csv, report.md, report.html).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub explain: usize,
    /// Fair shares by the Shapley value over partner kinds: the estates model solved for every coalition of
    /// kinds (2^kinds solves); written to shares.csv and report.html.
    #[arg(long)]
    pub shapley: bool,
    /// Also write every MILP the plan solves to DIR as MPS (estates.mps, award-<category>.mps) with
    /// objectives.csv, the objective each file's optimum should equal and our solver's seconds on it; replaced
    /// atomically.
    #[arg(long, value_name = "DIR")]
    pub write_model: Option<PathBuf>,
    /// Refuse an estates model whose estimated peak memory is above this many MiB, before building it (default:
    /// 80% of the machine's memory, or of its cgroup's limit when lower).
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_memory: Option<u64>,
    /// No progress lines on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `evaluate`.
#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {
    /// The data set: a folder of CSV files, or an Excel workbook (.xlsx) with a sheet per table.
    pub dir: PathBuf,
    /// The plan folder: any of sites.csv, moves.csv, awards.csv, services.csv in the layout `plan` writes.
    pub plan: PathBuf,
    /// Model file (default: DIR/model.toml, then models/<DIR name>.toml, then built-in defaults).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Output folder for report.html, shares.csv and evaluation.json, replaced atomically.
    #[arg(long, default_value = "out/evaluate")]
    pub out: PathBuf,
}

/// Log line format for `run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Arguments of `run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The manifest (see models/overnight.toml).
    pub manifest: PathBuf,
    /// Finish this interrupted run folder, skipping the scenarios it completed.
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Output root instead of the manifest's `output_root`.
    #[arg(long)]
    pub out_root: Option<PathBuf>,
    /// Run only the i-th of n slices of the scenarios (for example 2/4), for batch schedulers; join the shard
    /// folders with `consolidate merge`.
    #[arg(long)]
    pub shard: Option<String>,
    /// How log lines are printed on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// No log lines on stderr (run.log still has them).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shard folders (each written by `run --shard i/n` of the same manifest), or a run root holding them.
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
    /// The merged run folder, replaced atomically.
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The data set: a folder of CSV files, or an Excel workbook (.xlsx) with a sheet per table.
    pub dir: PathBuf,
    /// Plan folders (or folders of plan folders), two or more in all.
    #[arg(required = true, num_args = 1..)]
    pub plans: Vec<PathBuf>,
    /// Model file (default: DIR/model.toml, then models/<DIR name>.toml, then built-in defaults).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Output folder for compare.csv, differences.csv, compare.json and report.html, replaced atomically.
    #[arg(long, default_value = "out/compare")]
    pub out: PathBuf,
    /// How many differing decisions to print in the terminal (all are in differences.csv).
    #[arg(long, default_value_t = 25)]
    pub show: usize,
}

/// Arguments of `overlaps`.
#[derive(Debug, clap::Args)]
pub struct OverlapsArgs {
    /// The data set: a folder of CSV files, or an Excel workbook (.xlsx) with a sheet per table.
    pub dir: PathBuf,
    /// Model file (default: DIR/model.toml, then models/<DIR name>.toml, then built-in defaults).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Output folder, replaced atomically.
    #[arg(long, default_value = "out/overlaps")]
    pub out: PathBuf,
    /// Sites of different partners at most this far apart (km) are co-location candidates.
    #[arg(long, default_value_t = 1.0)]
    pub distance_km: f64,
    /// No progress lines on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `generate`: an estates case with `--sites` (and `--teams`, `--zones`), else a procurement case.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// A look-alike of OR-Library's capa, capb or capc (100 x 1,000, capacities the word `capacity`), written
    /// to the file --out, for `import orlib-cap FILE --capacity N`.
    #[arg(long, value_enum, conflicts_with = "sites")]
    pub cap: Option<CapKind>,
    /// Estates case: sites (with GM-like statistics; see `src/import/estates_gen.rs`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub sites: Option<u32>,
    /// Estates case: teams [3 per site].
    #[arg(long, requires = "sites", value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub teams: Option<u32>,
    /// Estates case: zones (wards) [2 per site].
    #[arg(long, requires = "sites", value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub zones: Option<u32>,
    /// Shared-services case: back-office functions per partner (with --partners; see
    /// `src/import/services_gen.rs`).
    #[arg(long, conflicts_with_all = ["sites", "cap"], value_parser = clap::value_parser!(u32).range(1..=100))]
    pub functions: Option<u32>,
    /// Procurement case: spend categories.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub categories: u32,
    /// Partners.
    #[arg(long, default_value_t = 36, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub partners: u32,
    /// Suppliers (each offers in every category).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub suppliers: u32,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The data set folder to write (replaced atomically); with --cap, the file.
    #[arg(long)]
    pub out: PathBuf,
}

/// The classes of large OR-Library capacitated instances `generate --cap` imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CapKind {
    /// capa: capacities 8,000 to 14,000.
    A,
    /// capb: capacities 5,000 to 8,000.
    B,
    /// capc: capacities 5,000 to 7,250.
    C,
}

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything as asked: exit 0.
    Clean,
    /// A result that is not clean (infeasible, limit, violations): exit 1.
    NotClean,
}

/// Maps a command's result to the process exit code. The only place exit codes are decided.
pub fn exit_code(result: &Result<Status, Error>) -> u8 {
    match result {
        Ok(Status::Clean) => 0,
        Ok(Status::NotClean) => 1,
        Err(_) => 2,
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Status, Error> {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Import(args) => import::run(&args),
        Command::ExportXlsx(args) => export_xlsx::run(&args),
        Command::Generate(args) => import::generate(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Overlaps(args) => overlaps::run(&args),
        Command::Evaluate(args) => evaluate::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Merge(args) => run::merge(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man => completions::man(),
        Command::Schema(args) => schema::run(&args),
    }
}

/// Parses the process arguments, runs, reports an error on stderr and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = run(cli);
    match &result {
        // A finding prints as itself ("error[E1050] file row N ...").
        Err(Error::Coded(f)) => eprintln!("{f}"),
        Err(e) => eprintln!("error: {e}"),
        Ok(_) => {}
    }
    ExitCode::from(exit_code(&result))
}
