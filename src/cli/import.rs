//! `consolidate import KIND FILE --out DIR`: turn a facility-location benchmark file into a data set folder
//! whose estates objective equals the benchmark's total cost (see [`crate::import`]).

use super::{GenerateArgs, Status};
use crate::error::Error;
use crate::import::{self, holmberg, orlib};
use clap::ValueEnum;
use std::path::PathBuf;

/// The benchmark formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchKind {
    /// OR-Library capacitated warehouse location (Beasley: cap41 .. cap134, capa .. capc); demand splittable.
    OrlibCap,
    /// Holmberg single-source capacitated facility location (p1 .. p71); one facility per customer.
    Holmberg,
}

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The benchmark format.
    #[arg(value_enum)]
    pub kind: BenchKind,
    /// The benchmark file.
    pub file: PathBuf,
    /// The data set folder to create (must not exist, or be empty).
    #[arg(long)]
    pub out: PathBuf,
    /// Capacity of every facility, for OR-Library files whose capacities are the word `capacity` (capa, capb,
    /// capc); not allowed otherwise.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub capacity: Option<u32>,
}

/// Runs the command.
pub(super) fn run(args: &ImportArgs) -> Result<Status, Error> {
    let text = import::read_text(&args.file)?;
    let source = args.file.display().to_string();
    let instance = match args.kind {
        BenchKind::OrlibCap => orlib::parse(&text, &source, args.capacity)?,
        BenchKind::Holmberg => {
            if args.capacity.is_some() {
                return Err(Error::Usage(
                    "--capacity applies only to orlib-cap files; leave it out for holmberg".into(),
                ));
            }
            holmberg::parse(&text, &source)?
        }
    };
    import::write_dataset(&instance, &args.file, &args.out)?;
    outln!(
        "imported {source}: {} facilities, {} customers, {} costs into {}",
        instance.facilities(),
        instance.customers(),
        instance.costs.len(),
        args.out.display()
    );
    Ok(Status::Clean)
}

/// Runs `generate`.
pub(super) fn generate(args: &GenerateArgs) -> Result<Status, Error> {
    if let Some(kind) = args.cap {
        use import::cap_gen::CapClass;
        let class = match kind {
            super::CapKind::A => CapClass::A,
            super::CapKind::B => CapClass::B,
            super::CapKind::C => CapClass::C,
        };
        let text = import::cap_gen::file(class, args.seed);
        // Written beside its name and renamed, so a reader never sees half a file.
        crate::atomic::write_file(&args.out, text.as_bytes())?;
        outln!(
            "generated a cap{} look-alike (100 x 1,000, seed {}) into {}; import it with --capacity N",
            format!("{kind:?}").to_lowercase(),
            args.seed,
            args.out.display()
        );
        return Ok(Status::Clean);
    }
    if let Some(functions) = args.functions {
        let shape = import::services_gen::Shape {
            partners: args.partners as usize,
            functions: functions as usize,
            seed: args.seed,
        };
        import::services_gen::write(shape, &args.out)?;
        outln!(
            "generated a shared-services case of {} partners x {} functions (seed {}) into {}",
            shape.partners,
            shape.functions,
            args.seed,
            args.out.display()
        );
        return Ok(Status::Clean);
    }
    if let Some(sites) = args.sites {
        let shape = import::estates_gen::Shape {
            sites: sites as usize,
            teams: args.teams.map_or(3 * sites as usize, |t| t as usize),
            zones: args.zones.map_or(2 * sites as usize, |z| z as usize),
            partners: args.partners as usize,
            seed: args.seed,
        };
        import::estates_gen::write(shape, &args.out)?;
        outln!(
            "generated an estates case of {} sites x {} teams x {} zones (seed {}) into {}",
            shape.sites,
            shape.teams,
            shape.zones,
            args.seed,
            args.out.display()
        );
        return Ok(Status::Clean);
    }
    let shape = import::generate::Shape {
        categories: args.categories as usize,
        partners: args.partners as usize,
        suppliers: args.suppliers as usize,
        seed: args.seed,
    };
    import::generate::write(shape, &args.out)?;
    outln!(
        "generated {} categories x {} partners x {} suppliers (seed {}) into {}",
        args.categories,
        args.partners,
        args.suppliers,
        args.seed,
        args.out.display()
    );
    Ok(Status::Clean)
}
