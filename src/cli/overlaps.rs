//! `consolidate overlaps DIR`: supplier-overlap and site-proximity graphs, tables and exports.
//!
//! Validates the data set (refusing on errors like every command), runs [`crate::graph::analyse`] and writes
//! every file of [`crate::graph::outputs`] through an [`AtomicDir`], so the output folder is never half-written.
//! Stdout gets one line per file and the headline counts; progress goes to stderr unless `--quiet`.

use super::validate::{load_valid, model_for};
use super::{OverlapsArgs, Status};
use crate::atomic::AtomicDir;
use crate::error::Error;
use crate::graph::{self, projection::Projection};
use crate::input::source::dataset_name;

/// Runs the command.
pub(super) fn run(args: &OverlapsArgs) -> Result<Status, Error> {
    if !(args.distance_km.is_finite() && args.distance_km >= 0.0) {
        return Err(Error::Usage(
            "--distance-km must be a distance in km, zero or more".into(),
        ));
    }
    let log = |line: &str| {
        if !args.quiet {
            eprintln!("{line}");
        }
    };
    let model = model_for(&args.dir, args.model.as_deref())?;
    log(&format!("reading {}", args.dir.display()));
    let loaded = load_valid(&args.dir, &model)?;
    let data = &loaded.dataset;
    log(&format!(
        "analysing {} contracts, {} suppliers, {} sites",
        data.contracts.len(),
        data.suppliers.len(),
        data.sites.len()
    ));
    let overlaps = graph::analyse(data, args.distance_km);
    // The folder (or workbook) name, not the path, goes into the summary so its bytes do not depend on the working directory.
    let name = args
        .dir
        .canonicalize()
        .ok()
        .as_deref()
        .and_then(|p| dataset_name(p).map(str::to_string))
        .or_else(|| dataset_name(&args.dir).map(str::to_string))
        .unwrap_or_else(|| args.dir.display().to_string());
    let files = graph::outputs(data, &overlaps, &name)
        .map_err(|e| Error::Other(format!("cannot build a table: {e}")))?;
    log(&format!("writing {} files", files.len()));
    let path = AtomicDir::write_all(&args.out, files.iter().map(|f| (f.name, &f.bytes)))?;
    for f in &files {
        outln!("wrote {} ({})", path.join(f.name).display(), f.note);
    }
    match &overlaps.procurement {
        Some(p) => {
            let proj = &p.projection;
            outln!(
                "procurement: partners {}, supplier groups {} (suppliers {}, merges {}), categories {}, \
                 aggregation candidates {}, partner pairs {}, components {}, clusters {}",
                proj.partners.len(),
                overlaps.groups.groups.len(),
                data.suppliers.len(),
                overlaps.groups.merges().count(),
                p.categories.len(),
                p.candidates.len(),
                proj.pairs.len(),
                Projection::count(&proj.components),
                Projection::count(&proj.communities)
            );
        }
        None => outln!("procurement: no contracts, nothing to analyse"),
    }
    let prox = &overlaps.proximity;
    outln!(
        "proximity: located sites {}, co-location pairs {} (within {} km), groups {}",
        prox.sites.len(),
        prox.pairs.len(),
        args.distance_km,
        prox.groups()
    );
    Ok(Status::Clean)
}
