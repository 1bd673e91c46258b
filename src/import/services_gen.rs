//! Generated shared-services cases for benchmarks and property tests: P partners x F back-office functions
//! with Greater Manchester-like statistics, from a fixed seed (same seed, same bytes, on every machine).
//!
//! The rules, read off the GM shared-services data (`inputs/greater-manchester` README, functions calibrated to
//! the published 20-30% savings):
//! - **Partners** in turn council, NHS trust and CCG (sector from the kind), each with one office at a point
//!   4 km (normal, per axis) around one of `ceil(P / 4)` centres spread over a square of side
//!   `40 km x sqrt(P / 37)` (GM: 37 bodies over about 40 km), with desks for 1.5 times its staff.
//! - **Functions**: the first F of finance, payroll, HR, IT, procurement, BI, estates management and
//!   transformation (cycling past 8), with GM's economics (cost per FTE, scale exponent, reference size,
//!   retained share, hubs, sector rule, set-up, migration, redundancy, dual running).
//! - **Teams**: one per partner and function, headcount log-uniform 4-40, doubled for a trust and a third for
//!   a CCG (GM's CCGs buy most transactional back office), at the partner's office.
//! - **Today's service**: partner 0 hosts a service of the first function for partners 0, 1 and 2 (when there
//!   are three), who keep a fifth of their team in house; its staff are 85% of the FTE they handed over.
//!
//! The model file is GM's estates rules with no zones, no budget and `[shared_services]` defaults.

use super::estates_gen::offset;
use super::generate::Rng;
use crate::atomic::AtomicDir;
use crate::error::Error;
use std::fmt::Write as _;
use std::path::Path;

/// The size of a generated shared-services case.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Partners.
    pub partners: usize,
    /// Back-office functions.
    pub functions: usize,
    /// Seed.
    pub seed: u64,
}

/// GM's function economics: id, cost per FTE, b, P_ref, retained share, max hubs, sector rule, set-up,
/// migration per body, redundancy per FTE, dual running months.
type Economics = (
    &'static str,
    f64,
    f64,
    f64,
    f64,
    u32,
    &'static str,
    f64,
    f64,
    f64,
    f64,
);
const FUNCTIONS: [Economics; 8] = [
    (
        "finance",
        34_716.0,
        0.90,
        48.0,
        0.25,
        3,
        "any",
        1_300_000.0,
        259_000.0,
        28_000.0,
        2.0,
    ),
    (
        "payroll",
        28_358.0,
        0.87,
        16.0,
        0.05,
        2,
        "same_sector",
        350_000.0,
        71_000.0,
        23_000.0,
        2.0,
    ),
    (
        "hr",
        34_716.0,
        0.91,
        37.0,
        0.30,
        2,
        "any",
        1_000_000.0,
        200_000.0,
        28_000.0,
        1.0,
    ),
    (
        "it",
        34_716.0,
        0.91,
        72.0,
        0.20,
        3,
        "any",
        1_940_000.0,
        389_000.0,
        28_000.0,
        3.0,
    ),
    (
        "procurement",
        34_716.0,
        0.92,
        19.0,
        0.20,
        2,
        "any",
        510_000.0,
        103_000.0,
        28_000.0,
        1.0,
    ),
    (
        "bi", 41_885.0, 0.94, 20.0, 0.25, 2, "any", 650_000.0, 130_000.0, 33_600.0, 1.0,
    ),
    (
        "estates", 41_885.0, 0.92, 25.0, 0.30, 1, "any", 810_000.0, 163_000.0, 33_600.0, 1.0,
    ),
    (
        "transformation",
        41_885.0,
        0.94,
        24.0,
        0.50,
        2,
        "any",
        780_000.0,
        156_000.0,
        33_600.0,
        1.0,
    ),
];

/// A function's id, suffixed past the eighth so ids stay unique.
fn function_id(f: usize) -> String {
    let base = FUNCTIONS[f % FUNCTIONS.len()].0;
    match f / FUNCTIONS.len() {
        0 => base.to_string(),
        k => format!("{base}_{k}"),
    }
}

/// The files of a generated case, as (name, text).
pub fn files(shape: Shape) -> Vec<(&'static str, String)> {
    let mut rng = Rng(shape.seed ^ 0x5E2F_1CE5_0F6A_11ED);
    let (np, nf) = (shape.partners.max(1), shape.functions.max(1));
    let side_km = 40.0 * (np as f64 / 37.0).sqrt();
    let centres = super::estates_gen::scatter(&mut rng, np.div_ceil(4), side_km);
    let mut functions = String::from(
        "function,name,cost_per_fte_gbp,scale_exponent,reference_fte,retained_share,max_hubs,sector_rule,\
         setup_gbp,migration_gbp_per_body,redundancy_gbp_per_fte,dual_running_months\n",
    );
    for f in 0..nf {
        let (_, cost, b, p_ref, keep, hubs, rule, setup, migration, redundancy, dual) =
            FUNCTIONS[f % FUNCTIONS.len()];
        let id = function_id(f);
        let _ = writeln!(
            functions,
            "{id},{id},{cost},{b},{p_ref},{keep},{hubs},{rule},{setup},{migration},{redundancy},{dual}"
        );
    }
    let mut orgs = String::from("id,name,kind,borough\n");
    let mut sites = String::from(
        "id,organisation,name,kind,public_facing,borough,tenure,floor_area_m2,desks,fm_gbp,lat,lon\n",
    );
    let mut teams = String::from("id,organisation,function,headcount,site,movable,service\n");
    let hosted = np >= 3;
    let mut pooled = Vec::new();
    for p in 0..np {
        let kind = ["council", "nhs_trust", "ccg"][p % 3];
        let scale = [1.0, 2.0, 1.0 / 3.0][p % 3];
        let _ = writeln!(orgs, "P{p:04},Partner {p},{kind},B{}", p % 10);
        let c = centres[p % centres.len()];
        let (lat, lon) = offset(c, 4.0 * rng.normal(), 4.0 * rng.normal());
        let mut staff = 0.0;
        let mut lines = String::new();
        for f in 0..nf {
            let hc = (rng.log_uniform(4.0, 40.0) * scale).round().max(1.0);
            let member = hosted && f == 0 && p < 3;
            let in_house = if member {
                (hc / 5.0).round().max(1.0)
            } else {
                hc
            };
            if member {
                pooled.push((p, hc - in_house));
            }
            staff += hc;
            let _ = writeln!(
                lines,
                "T{p:04}-{f},P{p:04},{},{in_house},S{p:04},true,",
                function_id(f)
            );
        }
        teams.push_str(&lines);
        let desks = (1.5 * staff).ceil() + 20.0;
        let running = 400.0 * desks;
        let _ = writeln!(
            sites,
            "S{p:04},P{p:04},Office {p},office,false,B{},freehold,{},{desks},{running},{lat:.5},{lon:.5}",
            p % 10,
            desks * 12.0
        );
    }
    let mut services = String::from("service,name,function,host,site\n");
    let mut members = String::from("service,organisation,fte_pooled\n");
    if hosted {
        let _ = writeln!(
            services,
            "svc-0,Shared {} service,{},P0000,S0000",
            function_id(0),
            function_id(0)
        );
        let mut total = 0.0;
        for (p, fte) in &pooled {
            let _ = writeln!(members, "svc-0,P{p:04},{fte}");
            total += fte;
        }
        let _ = writeln!(
            teams,
            "T-svc-0,P0000,{},{},S0000,true,svc-0",
            function_id(0),
            (0.85 * total).round().max(1.0)
        );
    }
    let model = format!(
        "# Generated shared-services case: {np} partners x {nf} functions, seed {}.\n\
         name = \"generated shared-services case\"\nstart_date = 2016-04-01\nhorizon_years = 5\ndiscount_rate = 0.035\n\n\
         [estates]\ndesk_ratio = 0.8\n\n[estates.access]\nenabled = false\n\n[estates.staff]\nmax_team_increase_km = 15.0\n\
         max_mean_increase_km = 10.0\ntravel_cost_per_km_head_year = 123.0\n\n[estates.budget]\nrelocation_per_head = 2500.0\n\
         fitout_per_desk = 3000.0\n\n[procurement]\nenabled = false\n\n[shared_services]\nenabled = true\n\n\
         [solver]\ntime_limit_s = 120\n",
        shape.seed
    );
    vec![
        ("organisations.csv", orgs),
        ("sites.csv", sites),
        ("teams.csv", teams),
        ("zones.csv", "id,name,borough,lat,lon,population\n".into()),
        ("functions.csv", functions),
        ("shared_services.csv", services),
        ("service_members.csv", members),
        ("model.toml", model),
    ]
}

/// Writes a generated case into `out` (atomically).
pub fn write(shape: Shape, out: &Path) -> Result<(), Error> {
    AtomicDir::write_all(out, files(shape)).map(drop)
}
