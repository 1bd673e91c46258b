//! Overnight runs: `consolidate run MANIFEST.toml` runs many scenarios unattended and writes a dated, complete
//! report folder.
//!
//! [`manifest`] reads and validates the manifest and expands sweeps into scenarios; [`batch`] validates every
//! scenario's data, takes the root's lock ([`folder`]) and writes the run folder atomically; [`execute`] runs the
//! scenarios in parallel through [`crate::pipeline`]; [`index`] draws `index.html` with the Pareto fronts;
//! [`resume`] finishes an interrupted run; [`merge`] joins the folders of a sharded run; [`log`] prints and keeps
//! the run's log. The memory a scenario may use (the machine's, or its cgroup's when lower) is [`crate::limits`].

pub mod batch;
pub mod execute;
pub mod folder;
pub mod index;
pub mod log;
pub mod manifest;
pub mod merge;
mod overrides;
pub mod resume;
