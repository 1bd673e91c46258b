//! Reading a data set folder into a validated [`Dataset`], with every finding of every file in one pass.
//!
//! `load` reads each file (row-level checks), then [`validate`] runs the rules that need several rows or files.
//! The data set is only handed out when there is no error finding, so nothing downstream sees bad data.

pub mod boundaries;
pub mod cells;
mod readers;
pub mod sheet;
pub mod source;
pub mod table;
pub mod validate;
mod validate_geo;
mod validate_services;
mod validate_units;

use crate::domain::Dataset;
use crate::error::Finding;
use crate::model_config::ModelConfig;
use readers::*;
use source::Source;
use std::path::Path;

pub use readers::{
    CATEGORIES, CONTRACTS, FUNCTIONS, OFFERS, ORGANISATIONS, SERVICE_MEMBERS, SHARED_SERVICES,
    SITES, SUPPLIERS, TABLES, TAIL, TEAM_SITE_COSTS, TEAMS, UNITS, ZONES,
};

/// The line each entity was read from, for findings about whole entities.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    /// Per site.
    pub sites: Vec<u64>,
    /// Per release unit.
    pub units: Vec<u64>,
    /// Per team.
    pub teams: Vec<u64>,
    /// Per zone.
    pub zones: Vec<u64>,
    /// Per contract.
    pub contracts: Vec<u64>,
    /// Per offer tier.
    pub offers: Vec<u64>,
    /// Per shared service of today.
    pub services: Vec<u64>,
    /// Per service member.
    pub service_members: Vec<u64>,
}

/// What reading a data set gave: the data (if it could be built at all) and every finding.
#[derive(Debug)]
pub struct Loaded {
    /// The data set; present even with errors so a summary can be shown, but only usable when `errors() == 0`.
    pub dataset: Dataset,
    /// Where each entity came from.
    pub lines: Lines,
    /// Every finding, errors and warnings, in file order.
    pub findings: Vec<Finding>,
}

impl Loaded {
    /// The number of error findings.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }

    /// The number of warnings.
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
}

fn unzip<T>(rows: Lined<T>) -> (Vec<u64>, Vec<T>) {
    rows.into_iter().unzip()
}

/// Reads and validates the data set in `dir` (a folder of CSV files or an Excel workbook) against the model (its
/// start date and desk ratio).
pub fn load(dir: &Path, model: &ModelConfig) -> Loaded {
    let source = match Source::open(dir) {
        Ok(s) => s,
        Err(f) => {
            return Loaded {
                dataset: Dataset::default(),
                lines: Lines::default(),
                findings: vec![*f],
            };
        }
    };
    let mut findings = Vec::new();
    let mut data = Dataset::default();
    let mut lines = Lines::default();
    let mut ids = Ids::default();
    let f = &mut findings;
    // Each file with ids records which ids it could not accept, or that it could not be read at all, so that a
    // reference to such an id says so instead of claiming the id does not exist.
    let t = source.table(ORGANISATIONS, true, f);
    ids.orgs.unavailable = t.is_none();
    if let Some(t) = t {
        data.organisations = unzip(organisations(&t, &mut ids, f)).1;
        ids.orgs.note_rejected(&t, f);
    }
    let t = source.table(SITES, true, f);
    ids.sites.unavailable = t.is_none();
    if let Some(t) = t {
        (lines.sites, data.sites) = unzip(sites(&t, &mut ids, f));
        ids.sites.note_rejected(&t, f);
    }
    if let Some(t) = source.table(UNITS, false, f) {
        (lines.units, data.units) = unzip(units(&t, &mut ids, &data.sites, f));
    }
    // Functions and today's shared services come before teams, which name them.
    let t = source.table(FUNCTIONS, false, f);
    ids.has_functions = t.is_some() || source.has(FUNCTIONS);
    // A missing optional file is not "unavailable": a reference to it gets E1021 (no row has that id); only a file
    // that exists but could not be read has its own finding and keeps references quiet.
    ids.functions.unavailable = t.is_none() && ids.has_functions;
    if let Some(t) = t {
        data.functions = unzip(functions(&t, &mut ids, f)).1;
        model.shared_services.apply(&mut data.functions);
        ids.functions.note_rejected_by(&t, "function", f);
    }
    let t = source.table(SHARED_SERVICES, false, f);
    ids.services.unavailable = t.is_none() && source.has(SHARED_SERVICES);
    if let Some(t) = t {
        (lines.services, data.services) = unzip(services(&t, &mut ids, f));
        ids.services.note_rejected_by(&t, "service", f);
    }
    let t = source.table(TEAMS, true, f);
    ids.teams.unavailable = t.is_none();
    if let Some(t) = t {
        (lines.teams, data.teams) = unzip(teams(&t, &mut ids, f));
        ids.teams.note_rejected(&t, f);
    }
    if let Some(t) = source.table(ZONES, true, f) {
        (lines.zones, data.zones) = unzip(zones(&t, &mut ids, f));
    }
    if let Some(t) = source.table(SERVICE_MEMBERS, false, f) {
        (lines.service_members, data.service_members) = unzip(service_members(&t, &ids, f));
    }
    if let Some(t) = source.table(TEAM_SITE_COSTS, false, f) {
        data.team_site_costs = unzip(team_site_costs(&t, &ids, f)).1;
    }
    // Procurement files come as a group: contracts and offers name suppliers.
    let procurement = source.has(CONTRACTS) || source.has(OFFERS);
    let t = source.table(SUPPLIERS, procurement, f);
    ids.suppliers.unavailable = t.is_none();
    if let Some(t) = t {
        data.suppliers = unzip(suppliers(&t, &mut ids, f)).1;
        ids.suppliers.note_rejected(&t, f);
    }
    let t = source.table(CATEGORIES, false, f);
    ids.has_categories = t.is_some() || source.has(CATEGORIES);
    ids.categories.unavailable = t.is_none() && ids.has_categories;
    if let Some(t) = t {
        data.categories = unzip(categories(&t, &mut ids, f)).1;
        ids.categories.note_rejected_by(&t, "category", f);
    }
    if let Some(t) = source.table(CONTRACTS, false, f) {
        (lines.contracts, data.contracts) = unzip(contracts(&t, &mut ids, f));
    }
    if let Some(t) = source.table(OFFERS, false, f) {
        (lines.offers, data.offers) = unzip(offers(&t, &ids, f));
    }
    if let Some(t) = source.table(TAIL, false, f) {
        data.tail = unzip(tail(&t, &ids, f)).1;
    }
    data.boroughs = boundaries::read(source.folder(), f);
    validate::run(&data, &lines, model, f);
    source.relabel(&TABLES, &mut findings);
    Loaded {
        dataset: data,
        lines,
        findings,
    }
}

/// The shipped test data set `tests/data/tiny`, loaded and clean (for unit tests across the layers).
#[cfg(test)]
pub fn tiny_for_tests() -> crate::domain::Dataset {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny");
    let loaded = load(&dir, &ModelConfig::default());
    assert_eq!(loaded.errors(), 0);
    loaded.dataset
}
