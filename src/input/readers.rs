//! One reader per file: records become domain values, references become typed indices.
//!
//! Files are read in dependency order (organisations, sites, teams, ...), so a reference can be resolved as soon
//! as its row is read. A row with any bad cell is reported and left out; the rest of the file is still read.

use super::table::{FileSpec, RowReader, Table};
use crate::codes::*;
use crate::domain::*;
use crate::error::Finding;
use std::collections::HashMap;

/// Spec of `organisations.csv`.
pub const ORGANISATIONS: FileSpec = FileSpec {
    name: "organisations.csv",
    required: &["id", "name", "kind"],
    optional: &["borough", "sector"],
};
/// Spec of `sites.csv`.
pub const SITES: FileSpec = FileSpec {
    name: "sites.csv",
    required: &[
        "id",
        "organisation",
        "name",
        "kind",
        "public_facing",
        "tenure",
        "floor_area_m2",
        "desks",
    ],
    optional: &[
        "borough",
        "lease_end",
        "lease_break",
        "exit_penalty_gbp",
        "landlord",
        "lat",
        "lon",
        "rent_gbp",
        "rates_gbp",
        "fm_gbp",
        "utilities_gbp",
        "maintenance_gbp",
        "backlog_gbp",
        "disposal_value_gbp",
        "must_keep",
        "derived",
        "non_clinical_m2",
        "empty_m2",
        "under_used_m2",
    ],
};
/// Spec of `units.csv` (optional): parts of sites that may be released on their own.
pub const UNITS: FileSpec = FileSpec {
    name: "units.csv",
    required: &["id", "site", "name", "kind"],
    optional: &[
        "floor_area_m2",
        "desks",
        "cost_share",
        "backlog_share",
        "land_ha",
        "disposal_value_gbp",
    ],
};
/// Spec of `teams.csv`.
pub const TEAMS: FileSpec = FileSpec {
    name: "teams.csv",
    required: &["id", "organisation", "function", "headcount"],
    optional: &["site", "movable", "service"],
};
/// Spec of `functions.csv` (optional: without it a team's function is one of the built-in ones).
pub const FUNCTIONS: FileSpec = FileSpec {
    name: "functions.csv",
    required: &[
        "function",
        "name",
        "cost_per_fte_gbp",
        "scale_exponent",
        "reference_fte",
        "retained_share",
        "max_hubs",
        "sector_rule",
        "setup_gbp",
        "migration_gbp_per_body",
        "redundancy_gbp_per_fte",
        "dual_running_months",
    ],
    optional: &["cross_sector_vat", "poolable"],
};
/// Spec of `shared_services.csv` (optional): the shared services that exist today.
pub const SHARED_SERVICES: FileSpec = FileSpec {
    name: "shared_services.csv",
    required: &["service", "name", "function", "host", "site"],
    optional: &[],
};
/// Spec of `service_members.csv` (optional): who each shared service serves today.
pub const SERVICE_MEMBERS: FileSpec = FileSpec {
    name: "service_members.csv",
    required: &["service", "organisation", "fte_pooled"],
    optional: &[],
};
/// Spec of `zones.csv`.
pub const ZONES: FileSpec = FileSpec {
    name: "zones.csv",
    required: &["id", "name", "lat", "lon", "population"],
    optional: &["borough", "imd_decile"],
};
/// Spec of `team_site_costs.csv`.
pub const TEAM_SITE_COSTS: FileSpec = FileSpec {
    name: "team_site_costs.csv",
    required: &["team", "site", "annual_cost_gbp"],
    optional: &[],
};
/// Spec of `suppliers.csv`.
pub const SUPPLIERS: FileSpec = FileSpec {
    name: "suppliers.csv",
    required: &["id", "name"],
    optional: &["sme", "local"],
};
/// Spec of `contracts.csv`.
pub const CONTRACTS: FileSpec = FileSpec {
    name: "contracts.csv",
    required: &[
        "id",
        "organisation",
        "category",
        "supplier",
        "annual_spend_gbp",
        "start",
        "end",
    ],
    optional: &["termination_fee_gbp", "site"],
};
/// Spec of `offers.csv`.
pub const OFFERS: FileSpec = FileSpec {
    name: "offers.csv",
    required: &[
        "supplier",
        "category",
        "min_volume_gbp",
        "price_index",
        "capacity_gbp",
    ],
    optional: &[],
};

/// Spec of `categories.csv` (optional): how each procurement category is bought jointly, its price effect and
/// what re-letting costs. Without it every category is bought by aggregation at the offers' own tiers.
pub const CATEGORIES: FileSpec = FileSpec {
    name: "categories.csv",
    required: &["category", "name", "route", "price_effect"],
    optional: &["tender_cost_gbp", "mobilisation_gbp", "source"],
};

/// Spec of `tail.csv` (optional): each partner's spend in a category outside its contracts (the many small
/// suppliers its contracts do not name), kept as it is by the award and counted in the category's figures.
pub const TAIL: FileSpec = FileSpec {
    name: "tail.csv",
    required: &["organisation", "category", "annual_spend_gbp", "suppliers"],
    optional: &["local_sme_spend_gbp", "source"],
};

/// Every table of a data set, in the order `load` reads them (the sheets of a workbook, the tables
/// `export-xlsx` writes).
pub const TABLES: [FileSpec; 14] = [
    ORGANISATIONS,
    SITES,
    UNITS,
    FUNCTIONS,
    SHARED_SERVICES,
    TEAMS,
    ZONES,
    SERVICE_MEMBERS,
    TEAM_SITE_COSTS,
    SUPPLIERS,
    CATEGORIES,
    CONTRACTS,
    OFFERS,
    TAIL,
];

/// Maps text ids to indices, reporting duplicates.
#[derive(Debug, Default)]
pub(super) struct IdMap {
    ids: HashMap<String, u32>,
    /// Ids of rows that were read but had errors: references to them get a finding that says so.
    rejected: std::collections::HashSet<String>,
    /// Ids of rows dropped without a finding of their own.
    quiet: std::collections::HashSet<String>,
    /// The file could not be read at all: its own finding explains, so references stay quiet.
    pub unavailable: bool,
}

impl IdMap {
    /// Records the ids of the table's rows that were not accepted: those with findings of their own, and those
    /// dropped quietly because something they depend on is missing (references to those stay quiet too).
    pub(super) fn note_rejected(&mut self, table: &Table, findings: &[Finding]) {
        self.note_rejected_by(table, "id", findings);
    }

    /// [`IdMap::note_rejected`] for a table whose id column is `column`.
    pub(super) fn note_rejected_by(&mut self, table: &Table, column: &str, findings: &[Finding]) {
        let with_errors: std::collections::HashSet<u64> = findings
            .iter()
            .filter(|f| f.is_error() && f.file == table.spec.name)
            .filter_map(|f| f.row)
            .collect();
        for row in table.rows() {
            if let Some(id) = row.raw(column)
                && !self.ids.contains_key(id)
            {
                if with_errors.contains(&row.line()) {
                    self.rejected.insert(id.to_string());
                } else {
                    self.quiet.insert(id.to_string());
                }
            }
        }
    }

    /// Registers `id` for the next index; reports E1020 and returns false when it is already taken.
    fn insert(&mut self, row: &mut RowReader<'_>, column: &str, id: &str) -> bool {
        if self.ids.contains_key(id) {
            row.report(
                E1020,
                column,
                "this id is already used by an earlier row",
                "give every row its own id",
            );
            return false;
        }
        let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.ids.insert(id.to_string(), next);
        true
    }

    /// Resolves a reference, reporting E1021 when unknown.
    fn resolve(
        &self,
        row: &mut RowReader<'_>,
        column: &str,
        id: &str,
        target: &str,
    ) -> Option<u32> {
        let found = self.ids.get(id).copied();
        if found.is_none() && self.rejected.contains(id) {
            row.report(
                E1021,
                column,
                format!("the row of {target} with this id has errors (reported above), so it cannot be used"),
                format!("fix that row of {target} first"),
            );
        } else if found.is_none() && (self.unavailable || self.quiet.contains(id)) {
            // The referenced file is missing or unreadable; its own finding says so. The row is still dropped.
            row.report_silently();
        } else if found.is_none() {
            row.report(
                E1021,
                column,
                format!("no row of {target} has this id"),
                format!("use an id that exists in {target}, or add the missing row there"),
            );
        }
        found
    }
}

/// The id maps of the files read so far.
#[derive(Debug, Default)]
pub(super) struct Ids {
    /// Organisations.
    pub orgs: IdMap,
    /// Sites.
    pub sites: IdMap,
    /// Release units.
    pub units: IdMap,
    /// Teams.
    pub teams: IdMap,
    /// Zones.
    pub zones: IdMap,
    /// Suppliers.
    pub suppliers: IdMap,
    /// Contracts.
    pub contracts: IdMap,
    /// Functions of `functions.csv`, when it was given (`functions.unavailable` otherwise).
    pub functions: IdMap,
    /// Shared services of today.
    pub services: IdMap,
    /// True when the data set has `functions.csv`: team functions must then be among its functions.
    pub has_functions: bool,
    /// Categories of `categories.csv`, when it was given.
    pub categories: IdMap,
    /// True when the data set has `categories.csv`: contract categories must then be among its categories.
    pub has_categories: bool,
}

/// Runs `parse` on every row, keeping the values of rows without errors and all findings.
fn read_rows<T>(
    table: &Table,
    findings: &mut Vec<Finding>,
    mut parse: impl FnMut(&mut RowReader<'_>) -> Option<T>,
) -> Lined<T> {
    let mut out = Vec::new();
    for mut row in table.rows() {
        let value = parse(&mut row);
        let ok = row.ok();
        findings.append(&mut row.findings);
        if let (Some(v), true) = (value, ok) {
            out.push((row.line(), v));
        }
    }
    out
}

/// Values with the line each was read from.
pub(super) type Lined<T> = Vec<(u64, T)>;

/// Reads organisations.
pub(super) fn organisations(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<Organisation> {
    read_rows(t, f, |r| {
        let id = r.id("id");
        let name = r.text("name");
        let kind = r.choice("kind", OrgKind::parse, &OrgKind::allowed());
        let borough = r.text_or_empty("borough");
        let sector = match r.raw("sector") {
            Some(_) => r
                .choice("sector", Sector::parse, &Sector::allowed())
                .map(Some),
            None => Some(None),
        };
        let (id, name, kind, sector) = (id?, name?, kind?, sector?);
        (r.ok() && ids.orgs.insert(r, "id", &id)).then_some(Organisation {
            id,
            name,
            kind,
            borough,
            sector: sector.unwrap_or(Sector::of_kind(kind)),
        })
    })
}

fn location(r: &mut RowReader<'_>) -> Option<Option<LatLon>> {
    let (lat, lon) = (r.opt_number("lat"), r.opt_number("lon"));
    let (lat, lon) = (lat?, lon?);
    match (lat, lon) {
        (Some(lat), Some(lon)) => check_gb(r, LatLon { lat, lon }).map(Some),
        (None, None) => Some(None),
        (Some(_), None) | (None, Some(_)) => {
            let missing = if lat.is_none() { "lat" } else { "lon" };
            r.report(
                E1032,
                missing,
                "only one of lat and lon is given",
                "give both lat and lon, or neither",
            );
            None
        }
    }
}

/// Reports E1031 unless the point is inside a box around Great Britain.
fn check_gb(r: &mut RowReader<'_>, p: LatLon) -> Option<LatLon> {
    if crate::geo::in_great_britain(p) {
        return Some(p);
    }
    let column = if (crate::geo::GB_LAT.0..=crate::geo::GB_LAT.1).contains(&p.lat) {
        "lon"
    } else {
        "lat"
    };
    r.report(
        E1031,
        column,
        format!("the point ({}, {}) is outside Great Britain", p.lat, p.lon),
        "check that lat and lon are WGS84 decimal degrees and not swapped (GM is near lat 53.5, lon -2.3)",
    );
    None
}

fn whole(r: &mut RowReader<'_>, column: &str) -> Option<u32> {
    r.count(column).and_then(|v| u32::try_from(v).ok())
}

/// Reads sites.
pub(super) fn sites(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<Site> {
    read_rows(t, f, |r| {
        let id = r.id("id");
        let org = r
            .id("organisation")
            .and_then(|o| ids.orgs.resolve(r, "organisation", &o, "organisations.csv"));
        let name = r.text("name");
        let kind = r.choice("kind", SiteKind::parse, &SiteKind::allowed());
        let public_facing = r.flag("public_facing");
        let tenure = r.choice("tenure", Tenure::parse, &Tenure::allowed());
        let lease_end = r.opt_date("lease_end");
        let lease_break = r.opt_date("lease_break");
        let exit_penalty = r.non_negative_or("exit_penalty_gbp", 0.0);
        let landlord = match r.opt_id("landlord") {
            Some(Some(o)) => ids
                .orgs
                .resolve(r, "landlord", &o, "organisations.csv")
                .map(|o| Some(OrgIx(o))),
            Some(None) => Some(None),
            None => None,
        };
        let location = location(r);
        let floor_area_m2 = r.non_negative("floor_area_m2");
        let desks = whole(r, "desks");
        // Every cost line is read before any is unwrapped, so each bad one is reported.
        let lines = [
            "rent_gbp",
            "rates_gbp",
            "fm_gbp",
            "utilities_gbp",
            "maintenance_gbp",
        ]
        .map(|c| r.non_negative_or(c, 0.0));
        let running = match lines {
            [
                Some(rent),
                Some(rates),
                Some(fm),
                Some(utilities),
                Some(maintenance),
            ] => Some(RunningCost {
                rent,
                rates,
                fm,
                utilities,
                maintenance,
            }),
            _ => None,
        };
        let backlog = r.non_negative_or("backlog_gbp", 0.0);
        let disposal_value = r.non_negative_or("disposal_value_gbp", 0.0);
        let must_keep = r.flag_or("must_keep", false);
        let derived = r.flag_or("derived", false);
        let survey = survey(r);
        let (lease_end, lease_break, tenure) = (lease_end?, lease_break?, tenure?);
        let lease = match (lease_end, lease_break) {
            (Some(end), break_date) => {
                if let Some(b) = break_date.filter(|b| *b > end) {
                    r.report(
                        E1030,
                        "lease_break",
                        format!("the lease break date {b} is after the lease end date {end}"),
                        "make lease_break on or before lease_end",
                    );
                }
                Some(Lease { end, break_date })
            }
            (None, Some(_)) => {
                r.report(
                    E1033,
                    "lease_end",
                    "a lease break date is given without a lease end date",
                    "add lease_end",
                );
                None
            }
            (None, None) => {
                if tenure == Tenure::Leasehold {
                    r.report(
                        E1033,
                        "lease_end",
                        "a leasehold site needs a lease end date",
                        "add lease_end (YYYY-MM-DD), or change tenure if the site is not leased",
                    );
                }
                None
            }
        };
        let site = Site {
            id: id?,
            organisation: OrgIx(org?),
            name: name?,
            kind: kind?,
            public_facing: public_facing?,
            borough: r.text_or_empty("borough"),
            tenure,
            lease,
            exit_penalty: exit_penalty?,
            landlord: landlord?,
            location: location?,
            floor_area_m2: floor_area_m2?,
            desks: desks?,
            running: running?,
            backlog: backlog?,
            disposal_value: disposal_value?,
            must_keep: must_keep?,
            derived: derived?,
            survey: survey?,
        };
        (r.ok() && ids.sites.insert(r, "id", &site.id)).then_some(site)
    })
}

/// Reads release units. A floor unit's `cost_share` defaults to its share of the site's floor area, a land
/// unit's to 0 (land costs next to nothing to hold); `backlog_share` defaults to the `cost_share`.
pub(super) fn units(t: &Table, ids: &mut Ids, sites: &[Site], f: &mut Vec<Finding>) -> Lined<Unit> {
    read_rows(t, f, |r| {
        let id = r.id("id");
        let site = r
            .id("site")
            .and_then(|x| ids.sites.resolve(r, "site", &x, "sites.csv"));
        let name = r.text("name");
        let kind = r.choice("kind", UnitKind::parse, &UnitKind::allowed());
        let floor_area_m2 = r.non_negative_or("floor_area_m2", 0.0);
        let desks = match r.raw("desks").map(str::trim) {
            None | Some("") => Some(0),
            Some(_) => whole(r, "desks"),
        };
        let share = r.opt_number("cost_share");
        let backlog = r.opt_number("backlog_share");
        let land_ha = r.non_negative_or("land_ha", 0.0);
        let disposal_value = r.non_negative_or("disposal_value_gbp", 0.0);
        let (site, kind, floor_area_m2) = (SiteIx(site?), kind?, floor_area_m2?);
        let cost_share = match share? {
            Some(v) if !(0.0..=1.0).contains(&v) => {
                r.report(
                    E1017,
                    "cost_share",
                    "a share must be between 0 and 1",
                    "write the share as a fraction, for example 0.05 for 5% of the site's running cost",
                );
                v
            }
            Some(v) => v,
            None => match (kind, sites.get(site.ix())) {
                (UnitKind::Floor, Some(s)) if s.floor_area_m2 > 0.0 => {
                    (floor_area_m2 / s.floor_area_m2).min(1.0)
                }
                _ => 0.0,
            },
        };
        let backlog_share = match backlog? {
            Some(v) if !(0.0..=1.0).contains(&v) => {
                r.report(
                    E1017,
                    "backlog_share",
                    "a share must be between 0 and 1",
                    "write the share as a fraction, for example 0.05 for 5% of the site's backlog",
                );
                v
            }
            Some(v) => v,
            None => cost_share,
        };
        let unit = Unit {
            id: id?,
            site,
            name: name?,
            kind,
            floor_area_m2,
            desks: desks?,
            cost_share,
            backlog_share,
            land_ha: land_ha?,
            disposal_value: disposal_value?,
        };
        (r.ok() && ids.units.insert(r, "id", &unit.id)).then_some(unit)
    })
}

/// A site's floor survey: present when any of `non_clinical_m2`, `empty_m2`, `under_used_m2` is given (the empty
/// and under-used areas then default to 0).
fn survey(r: &mut RowReader<'_>) -> Option<Option<FloorSurvey>> {
    let given = ["non_clinical_m2", "empty_m2", "under_used_m2"]
        .iter()
        .any(|c| r.raw(c).is_some_and(|v| !v.trim().is_empty()));
    let non_clinical = r.opt_number("non_clinical_m2");
    let empty = r.non_negative_or("empty_m2", 0.0);
    let under_used = r.non_negative_or("under_used_m2", 0.0);
    let non_clinical_m2 = non_clinical?;
    if non_clinical_m2.is_some_and(|v| v < 0.0) {
        r.report(
            E1015,
            "non_clinical_m2",
            "the area is negative",
            "write zero or a positive area",
        );
    }
    let survey = FloorSurvey {
        non_clinical_m2,
        empty_m2: empty?,
        under_used_m2: under_used?,
    };
    Some(given.then_some(survey))
}

/// Reads teams.
pub(super) fn teams(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<Team> {
    read_rows(t, f, |r| {
        let id = r.id("id");
        let org = r
            .id("organisation")
            .and_then(|o| ids.orgs.resolve(r, "organisation", &o, "organisations.csv"));
        let function = team_function(r, ids);
        let headcount = whole(r, "headcount");
        if headcount == Some(0) {
            r.report(
                E1015,
                "headcount",
                "a team must have at least one person",
                "write the team's headcount, or remove the row",
            );
        }
        let site = match r.opt_id("site") {
            Some(Some(s)) => ids
                .sites
                .resolve(r, "site", &s, "sites.csv")
                .map(|i| Some(SiteIx(i))),
            Some(None) => Some(None),
            None => None,
        };
        let movable = r.flag_or("movable", true);
        let service = match r.opt_id("service") {
            Some(Some(s)) => ids
                .services
                .resolve(r, "service", &s, "shared_services.csv")
                .map(|i| Some(i as usize)),
            Some(None) => Some(None),
            None => None,
        };
        let team = Team {
            id: id?,
            organisation: OrgIx(org?),
            function: function?,
            headcount: headcount?,
            site: site?,
            movable: movable?,
            service: service?,
        };
        (r.ok() && ids.teams.insert(r, "id", &team.id)).then_some(team)
    })
}

/// A team's function: one of `functions.csv`'s when the data set has it (E1048 otherwise), else one of the
/// built-in functions (E1014).
fn team_function(r: &mut RowReader<'_>, ids: &Ids) -> Option<Function> {
    if !ids.has_functions {
        let f = r.choice(
            "function",
            BuiltinFunction::parse,
            &BuiltinFunction::allowed(),
        )?;
        return Some(Function(f.as_str().to_string()));
    }
    let f = r.id("function")?;
    if ids.functions.ids.contains_key(&f) {
        return Some(Function(f));
    }
    if ids.functions.unavailable || ids.functions.rejected.contains(&f) {
        r.report_silently();
    } else {
        r.report(
            E1048,
            "function",
            "functions.csv does not list this function",
            "add the function to functions.csv, or give the team one of the functions it lists",
        );
    }
    None
}

/// Reads functions.
pub(super) fn functions(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<FunctionSpec> {
    read_rows(t, f, |r| {
        let id = r.id("function");
        let name = r.text("name");
        let cost = r.non_negative("cost_per_fte_gbp");
        let b = r.number("scale_exponent");
        if b.is_some_and(|b| !(b > 0.0 && b <= 1.0)) {
            r.report(
                E1017,
                "scale_exponent",
                "the scale exponent must be above 0 and at most 1 (1: no economies of scale)",
                "write an exponent in (0, 1], for example 0.85",
            );
        }
        let reference = r.non_negative("reference_fte");
        let retained = share(r, "retained_share", None);
        let max_hubs = r.count("max_hubs");
        let rule = r.choice("sector_rule", SectorRule::parse, &SectorRule::allowed());
        let setup = r.non_negative("setup_gbp");
        let migration = r.non_negative("migration_gbp_per_body");
        let redundancy = r.non_negative("redundancy_gbp_per_fte");
        let dual = r.non_negative("dual_running_months");
        let vat = share(r, "cross_sector_vat", Some(0.2));
        let poolable = r.flag_or("poolable", true);
        let spec = FunctionSpec {
            id: Function(id?),
            name: name?,
            cost_per_fte: cost?,
            scale_exponent: b?,
            reference_fte: reference?,
            retained_share: retained?,
            max_hubs: u32::try_from(max_hubs?).unwrap_or(u32::MAX),
            sector_rule: rule?,
            setup: setup?,
            migration_per_body: migration?,
            redundancy_per_fte: redundancy?,
            dual_running_months: dual?,
            cross_sector_vat: vat?,
            poolable: poolable?,
        };
        (r.ok() && ids.functions.insert(r, "function", &spec.id.0)).then_some(spec)
    })
}

/// A share in [0, 1] (E1017 outside); `default` when the optional column is empty or absent.
fn share(r: &mut RowReader<'_>, column: &str, default: Option<f64>) -> Option<f64> {
    let v = match default {
        Some(d) => r.opt_number(column)?.unwrap_or(d),
        None => r.number(column)?,
    };
    if !(0.0..=1.0).contains(&v) {
        r.report(
            E1017,
            column,
            "a share must be between 0 and 1",
            "write the share as a fraction, for example 0.15 for 15%",
        );
    }
    Some(v)
}

/// Reads today's shared services.
pub(super) fn services(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<SharedService> {
    read_rows(t, f, |r| {
        let id = r.id("service");
        let name = r.text("name");
        let function = r
            .id("function")
            .and_then(|x| ids.functions.resolve(r, "function", &x, "functions.csv"));
        let host = r
            .id("host")
            .and_then(|o| ids.orgs.resolve(r, "host", &o, "organisations.csv"));
        let site = r
            .id("site")
            .and_then(|x| ids.sites.resolve(r, "site", &x, "sites.csv"));
        let service = SharedService {
            id: id?,
            name: name?,
            function: function? as usize,
            host: OrgIx(host?),
            site: SiteIx(site?),
        };
        (r.ok() && ids.services.insert(r, "service", &service.id)).then_some(service)
    })
}

/// Reads the members of today's shared services.
pub(super) fn service_members(t: &Table, ids: &Ids, f: &mut Vec<Finding>) -> Lined<ServiceMember> {
    read_rows(t, f, |r| {
        let service = r.id("service").and_then(|x| {
            ids.services
                .resolve(r, "service", &x, "shared_services.csv")
        });
        let org = r
            .id("organisation")
            .and_then(|o| ids.orgs.resolve(r, "organisation", &o, "organisations.csv"));
        let fte = r.non_negative("fte_pooled");
        Some(ServiceMember {
            service: service? as usize,
            organisation: OrgIx(org?),
            fte_pooled: fte?,
        })
    })
}

/// Reads zones.
pub(super) fn zones(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<Zone> {
    read_rows(t, f, |r| {
        let id = r.id("id");
        let name = r.text("name");
        let lat = r.number("lat");
        let lon = r.number("lon");
        let population = r.count("population");
        let deprivation_decile = decile(r);
        let zone = Zone {
            id: id?,
            name: name?,
            borough: r.text_or_empty("borough"),
            location: check_gb(
                r,
                LatLon {
                    lat: lat?,
                    lon: lon?,
                },
            )?,
            population: population?,
            deprivation_decile: deprivation_decile?,
        };
        (r.ok() && ids.zones.insert(r, "id", &zone.id)).then_some(zone)
    })
}

/// A zone's optional national deprivation decile (`imd_decile`, 1 = the most deprived tenth).
fn decile(r: &mut RowReader) -> Option<Option<u8>> {
    let Some(raw) = r.raw("imd_decile") else {
        return Some(None);
    };
    match raw.trim().parse::<u8>() {
        Ok(d) if (1..=10).contains(&d) => Some(Some(d)),
        _ => {
            r.report(
                E1074,
                "imd_decile",
                "the deprivation decile is not a whole number from 1 to 10",
                "write the zone's national IMD decile (1 = most deprived 10%), or leave the cell empty",
            );
            None
        }
    }
}

/// Reads team-site costs.
pub(super) fn team_site_costs(t: &Table, ids: &Ids, f: &mut Vec<Finding>) -> Lined<TeamSiteCost> {
    let mut seen = std::collections::HashSet::new();
    read_rows(t, f, |r| {
        let team = r
            .id("team")
            .and_then(|s| ids.teams.resolve(r, "team", &s, "teams.csv"));
        let site = r
            .id("site")
            .and_then(|s| ids.sites.resolve(r, "site", &s, "sites.csv"));
        let cost = r.non_negative("annual_cost_gbp");
        let (team, site, annual_cost) = (TeamIx(team?), SiteIx(site?), cost?);
        if !seen.insert((team, site)) {
            r.report(
                E1022,
                "site",
                "this (team, site) pair is already listed",
                "list each pair once",
            );
            return None;
        }
        Some(TeamSiteCost {
            team,
            site,
            annual_cost,
        })
    })
}

/// Reads suppliers.
pub(super) fn suppliers(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<Supplier> {
    read_rows(t, f, |r| {
        let id = r.id("id");
        let name = r.text("name");
        let sme = r.flag_or("sme", false);
        let local = r.flag_or("local", false);
        let s = Supplier {
            id: id?,
            name: name?,
            sme: sme?,
            local: local?,
        };
        (r.ok() && ids.suppliers.insert(r, "id", &s.id)).then_some(s)
    })
}

/// Reads procurement categories.
pub(super) fn categories(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<CategorySpec> {
    read_rows(t, f, |r| {
        let id = r.id("category");
        let name = r.text("name");
        let route = r.choice("route", Route::parse, &Route::allowed());
        let effect = r.number("price_effect");
        if effect.is_some_and(|e| !(0.0..1.0).contains(&e)) {
            r.report(
                E1017,
                "price_effect",
                "a price effect is a fraction off today's price, at least 0 and below 1",
                "write the effect as a fraction, for example 0.03 for 3% off",
            );
        }
        let tender = r.non_negative_or("tender_cost_gbp", 0.0);
        let mobilisation = r.opt_number("mobilisation_gbp");
        if let Some(Some(m)) = mobilisation
            && m < 0.0
        {
            r.report(
                E1015,
                "mobilisation_gbp",
                format!("a cost cannot be negative (got {m})"),
                "write the cost in GBP per contract moved, or leave it empty for the model file's transition cost",
            );
        }
        let spec = CategorySpec {
            id: id?,
            name: name?,
            route: route?,
            price_effect: effect?,
            tender_cost: tender?,
            mobilisation_cost: mobilisation?,
        };
        (r.ok() && ids.categories.insert(r, "category", &spec.id)).then_some(spec)
    })
}

/// A contract's category: any text without `categories.csv`; with it, one of the categories it lists (E1049).
fn contract_category(r: &mut RowReader<'_>, ids: &Ids) -> Option<String> {
    let category = r.text("category")?;
    if !ids.has_categories
        || ids.categories.ids.contains_key(&category)
        || ids.categories.unavailable
        || ids.categories.rejected.contains(&category)
    {
        return Some(category);
    }
    r.report(
        E1049,
        "category",
        format!("categories.csv does not list the category '{category}'"),
        "add the category to categories.csv (its route and price effect), or give the row one it lists",
    );
    None
}

/// Reads contracts.
pub(super) fn contracts(t: &Table, ids: &mut Ids, f: &mut Vec<Finding>) -> Lined<Contract> {
    read_rows(t, f, |r| {
        let id = r.id("id");
        let org = r
            .id("organisation")
            .and_then(|o| ids.orgs.resolve(r, "organisation", &o, "organisations.csv"));
        let category = contract_category(r, ids);
        let supplier = r
            .id("supplier")
            .and_then(|s| ids.suppliers.resolve(r, "supplier", &s, "suppliers.csv"));
        let spend = r.non_negative("annual_spend_gbp");
        let start = r.date("start");
        let end = r.date("end");
        let fee = r.non_negative_or("termination_fee_gbp", 0.0);
        let site = match r.opt_id("site") {
            Some(Some(s)) => ids
                .sites
                .resolve(r, "site", &s, "sites.csv")
                .map(|i| Some(SiteIx(i))),
            Some(None) => Some(None),
            None => None,
        };
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            r.report(
                E1030,
                "end",
                format!("the contract ends on {e}, before its start date {s}"),
                "make end on or after start",
            );
        }
        let c = Contract {
            id: id?,
            organisation: OrgIx(org?),
            category: category?,
            supplier: SupplierIx(supplier?),
            annual_spend: spend?,
            start: start?,
            end: end?,
            termination_fee: fee?,
            site: site?,
        };
        (r.ok() && ids.contracts.insert(r, "id", &c.id)).then_some(c)
    })
}

/// Reads the spend outside the contracts: one row per partner and category (E1022 for a second), with no more
/// local-SME spend than spend (E1017) and at least one supplier for any spend (E1017).
pub(super) fn tail(t: &Table, ids: &Ids, f: &mut Vec<Finding>) -> Lined<Tail> {
    let mut seen = std::collections::HashSet::new();
    read_rows(t, f, |r| {
        let org = r
            .id("organisation")
            .and_then(|o| ids.orgs.resolve(r, "organisation", &o, "organisations.csv"));
        let category = contract_category(r, ids);
        let spend = r.non_negative("annual_spend_gbp");
        let suppliers = r.count("suppliers");
        let local_sme = r.non_negative_or("local_sme_spend_gbp", 0.0);
        if let (Some(s), Some(l)) = (spend, local_sme)
            && l > s
        {
            r.report(
                E1017,
                "local_sme_spend_gbp",
                format!("the local-SME part ({l}) is more than the row's spend ({s})"),
                "give the part of annual_spend_gbp with suppliers that are local SMEs, at most the whole",
            );
        }
        if spend.is_some_and(|s| s > 0.0) && suppliers == Some(0) {
            r.report(
                E1017,
                "suppliers",
                "the row has spend but no suppliers",
                "give the number of suppliers the spend is with (at least 1), or a spend of 0",
            );
        }
        let row = Tail {
            organisation: OrgIx(org?),
            category: category?,
            annual_spend: spend?,
            suppliers: u32::try_from(suppliers?).ok()?,
            local_sme_spend: local_sme?,
        };
        if r.ok() && !seen.insert((row.organisation, row.category.clone())) {
            r.report(
                E1022,
                "category",
                "this partner already has a tail row for this category",
                "give one row per partner and category (add the two rows together)",
            );
        }
        r.ok().then_some(row)
    })
}

/// Reads offer tiers.
pub(super) fn offers(t: &Table, ids: &Ids, f: &mut Vec<Finding>) -> Lined<Offer> {
    let mut seen = std::collections::HashSet::new();
    read_rows(t, f, |r| {
        let supplier = r
            .id("supplier")
            .and_then(|s| ids.suppliers.resolve(r, "supplier", &s, "suppliers.csv"));
        let category = r.text("category");
        // Adding 0.0 turns -0 into 0, so "-0" and "0" are the same tier.
        let min_volume = r.non_negative("min_volume_gbp").map(|v| v + 0.0);
        let price_index = r.number("price_index");
        if let Some(p) = price_index.filter(|p| !(*p > 0.0 && *p <= 2.0)) {
            r.report(
                E1017,
                "price_index",
                format!("a price index must be above 0 and at most 2 (got {p})"),
                "write the price relative to today, for example 0.95",
            );
        }
        let capacity = r.non_negative("capacity_gbp");
        let o = Offer {
            supplier: SupplierIx(supplier?),
            category: category?,
            min_volume: min_volume?,
            price_index: price_index?,
            capacity: capacity?,
        };
        if !seen.insert((o.supplier, o.category.clone(), o.min_volume.to_bits())) {
            r.report(
                E1022,
                "min_volume_gbp",
                "this supplier already has a tier for this category at this volume",
                "give each tier its own min_volume_gbp",
            );
            return None;
        }
        Some(o)
    })
}
