//! `consolidate run MANIFEST.toml`: many scenarios unattended, into a dated, complete report folder.
//!
//! Everything is validated before anything is solved or written (coded findings, exit 2). SIGTERM and SIGINT stop
//! the run cleanly: scenarios not started are recorded as `interrupted`, the folder is finished, exit 1.

use super::{LogFormat, MergeArgs, RunArgs, Status};
use crate::error::Error;
use crate::run::batch::{self, RunOptions};
use crate::run::log::{Format, Log};
use crate::run::manifest;

fn shard(text: &str) -> Result<(usize, usize), Error> {
    let bad = || {
        Error::Usage(format!(
            "--shard {text}: give i/n with 1 <= i <= n, for example 2/4"
        ))
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || n == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Runs the command.
pub(super) fn run(args: &RunArgs) -> Result<Status, Error> {
    let shard = args.shard.as_deref().map(shard).transpose()?;
    let manifest = match manifest::load(&args.manifest) {
        Ok(m) => m,
        Err(findings) => {
            for f in &findings {
                eprintln!("{f}");
            }
            return Err(Error::InvalidInput {
                dir: args.manifest.clone(),
                errors: findings.iter().filter(|f| f.is_error()).count(),
                findings,
            });
        }
    };
    let mut manifest = manifest;
    if let Some(root) = &args.out_root {
        manifest.output_root = root.clone();
    }
    let data = batch::validate(&manifest)?;
    // A signal only sets the flag: scenarios and categories not yet started are skipped, the folder is finished.
    let _ = ctrlc::set_handler(|| {
        crate::solve::CANCEL.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let format = match args.log_format {
        LogFormat::Text => Format::Human,
        LogFormat::Json => Format::Json,
    };
    let log = Log::new(format, args.quiet);
    let opts = RunOptions {
        resume: args.resume.clone(),
        shard,
    };
    let done = batch::run(&manifest, &data, &opts, &log)?;
    for r in &done.results {
        outln!(
            "{:<40} {:<12} npv {:>16}  {:.1} s",
            r.name,
            r.status,
            r.npv.map_or("n/a".into(), crate::text::money),
            r.seconds
        );
    }
    outln!("run: {}", done.status);
    outln!("wrote {}", done.folder.display());
    Ok(if done.is_clean() {
        Status::Clean
    } else {
        Status::NotClean
    })
}

/// Runs `merge`.
pub(super) fn merge(args: &MergeArgs) -> Result<Status, Error> {
    let done = crate::run::merge::merge(&args.shards, &args.out)?;
    outln!("run: {}", done.status);
    outln!("wrote {}", done.folder.display());
    Ok(if done.is_clean() {
        Status::Clean
    } else {
        Status::NotClean
    })
}
