//! A hand-built data set small enough to reason about, for the rule tests.
//!
//! Five sites of two partners in one borough, three teams, two zones and, in one category, five contracts with
//! four suppliers. Today's plan and award keep every rule, so a test changes one thing and expects exactly one
//! rule to fire. Locations are chosen so that distances are a few km (S3 is 10 km north of S0).

use super::procurement::check_category;
use super::{Rule, Violation, check};
use crate::domain::{
    Contract, Dataset, LatLon, Lease, Offer, OrgIx, OrgKind, Organisation, RunningCost, Site,
    SiteIx, SiteKind, Supplier, SupplierIx, Team, Tenure, Zone,
};
use crate::domain::{Function, Sector};
use crate::model_config::ModelConfig;
use crate::plan::Plan;
use crate::plan::award::{Award, Timing};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The one category of the test data.
pub(super) const CATEGORY: &str = "cleaning";

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid test date")
}

fn at(lat: f64, lon: f64) -> LatLon {
    LatLon { lat, lon }
}

fn org(id: &str, kind: OrgKind) -> Organisation {
    Organisation {
        id: id.into(),
        name: id.into(),
        kind,
        borough: "B".into(),
        sector: Sector::of_kind(kind),
    }
}

fn site(id: &str, owner: u32, kind: SiteKind, location: LatLon, desks: u32) -> Site {
    Site {
        id: id.into(),
        organisation: OrgIx(owner),
        name: id.into(),
        kind,
        public_facing: false,
        borough: "B".into(),
        tenure: Tenure::Freehold,
        lease: None,
        exit_penalty: 0.0,
        landlord: None,
        location: Some(location),
        floor_area_m2: 1000.0,
        desks,
        running: RunningCost {
            rent: 0.0,
            rates: 10_000.0,
            fm: 20_000.0,
            utilities: 5_000.0,
            maintenance: 5_000.0,
        },
        backlog: 0.0,
        disposal_value: 0.0,
        must_keep: false,
        derived: false,
        survey: None,
    }
}

fn team(id: &str, owner: u32, headcount: u32, at_site: u32) -> Team {
    Team {
        id: id.into(),
        organisation: OrgIx(owner),
        function: Function("finance".into()),
        headcount,
        site: Some(SiteIx(at_site)),
        movable: true,
        service: None,
    }
}

fn supplier(id: &str, sme: bool, local: bool) -> Supplier {
    Supplier {
        id: id.into(),
        name: id.into(),
        sme,
        local,
    }
}

fn contract(id: &str, buyer: u32, supplier: u32, spend: f64, end: NaiveDate) -> Contract {
    Contract {
        id: id.into(),
        organisation: OrgIx(buyer),
        category: CATEGORY.into(),
        supplier: SupplierIx(supplier),
        annual_spend: spend,
        start: date(2014, 4, 1),
        end,
        termination_fee: 0.0,
        site: None,
    }
}

fn offer(supplier: u32, min_volume: f64, price_index: f64, capacity: f64) -> Offer {
    Offer {
        supplier: SupplierIx(supplier),
        category: CATEGORY.into(),
        min_volume,
        price_index,
        capacity,
    }
}

/// Sites S0 (civic, public), S1 (leased office), S2 (office), S3 (library, public, 10 km north) and S4 (depot,
/// no team); teams T0 (40 at S0), T1 (20 at S1), T2 (20 at S2); zones Z0 at S0 and Z1 at S3.
fn estates() -> Dataset {
    let mut sites = vec![
        site("S0", 0, SiteKind::Civic, at(53.48, -2.24), 100),
        site("S1", 0, SiteKind::Office, at(53.50, -2.21), 50),
        site("S2", 1, SiteKind::Office, at(53.49, -2.22), 50),
        site("S3", 0, SiteKind::Library, at(53.57, -2.24), 0),
        site("S4", 1, SiteKind::Depot, at(53.47, -2.25), 30),
    ];
    sites[0].public_facing = true;
    sites[3].public_facing = true;
    sites[1].tenure = Tenure::Leasehold;
    sites[1].lease = Some(Lease {
        end: date(2030, 3, 31),
        break_date: None,
    });
    sites[1].exit_penalty = 50_000.0;
    let zone = |id: &str, location| Zone {
        id: id.into(),
        name: id.into(),
        borough: "B".into(),
        location,
        population: 1000,
        deprivation_decile: None,
    };
    Dataset {
        organisations: vec![org("C1", OrgKind::Council), org("T1", OrgKind::NhsTrust)],
        zones: vec![
            zone("Z0", sites[0].location.unwrap()),
            zone("Z1", sites[3].location.unwrap()),
        ],
        sites,
        teams: vec![
            team("T0", 0, 40, 0),
            team("T1", 0, 20, 1),
            team("T2", 1, 20, 2),
        ],
        ..Dataset::default()
    }
}

/// The estates data with one category: suppliers INC (the big incumbent), CHEAP (a tiered offer), LOCAL (a
/// local SME) and NOOFFER (an incumbent without an offer); contracts K0 (free in year 3), K1 (year 2), K2
/// (serves S4), K3 (runs past the horizon) and K4 (NOOFFER's, year 2), GBP 280,000 a year in all.
pub(crate) fn dataset() -> Dataset {
    let mut d = estates();
    d.suppliers = vec![
        supplier("INC", false, false),
        supplier("CHEAP", false, false),
        supplier("LOCAL", true, true),
        supplier("NOOFFER", false, false),
    ];
    d.contracts = vec![
        contract("K0", 0, 0, 100_000.0, date(2018, 3, 31)),
        contract("K1", 1, 2, 50_000.0, date(2017, 3, 31)),
        contract("K2", 0, 0, 30_000.0, date(2019, 3, 31)),
        contract("K3", 0, 0, 20_000.0, date(2030, 3, 31)),
        contract("K4", 1, 3, 80_000.0, date(2017, 3, 31)),
    ];
    d.contracts[2].site = Some(SiteIx(4));
    d.offers = vec![
        offer(0, 0.0, 1.0, 500_000.0),
        offer(1, 0.0, 0.95, 200_000.0),
        offer(1, 100_000.0, 0.9, 200_000.0),
        offer(2, 0.0, 0.98, 200_000.0),
    ];
    d
}

/// The model file's defaults: access within 5 km, no budget, no borough minimum, no award limits.
pub(crate) fn model() -> ModelConfig {
    // No local-SME floor unless a test sets one (the default keeps today's share).
    let mut model = ModelConfig::default();
    model.procurement.local_sme_share = 0.0;
    model
}

/// Today's award: every contract renewed with its supplier at its natural end, K3 locked.
pub(super) fn awards(data: &Dataset) -> Vec<Award> {
    data.contracts
        .iter()
        .enumerate()
        .map(|(i, c)| Award {
            contract: i,
            supplier: c.supplier,
            share: 1.0,
            timing: if c.end > date(2021, 3, 31) {
                Timing::Locked
            } else {
                Timing::Natural
            },
        })
        .collect()
}

/// Asserts that the estates checker finds exactly these violations, in this order.
pub(super) fn assert_estates(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    want: &[(Rule, &str)],
) {
    assert_eq!(check(data, model, plan, None).violations, expected(want));
}

/// Asserts that the award checker finds exactly these violations in the category, in this order.
pub(super) fn assert_award(
    data: &Dataset,
    model: &ModelConfig,
    awards: &[Award],
    released: &BTreeMap<usize, usize>,
    want: &[(Rule, &str)],
) {
    let r = check_category(data, model, CATEGORY, awards, released, None);
    assert_eq!(r.violations, expected(want));
}

fn expected(want: &[(Rule, &str)]) -> Vec<Violation> {
    want.iter()
        .map(|(r, d)| Violation::new(*r, d.to_string()))
        .collect()
}

#[test]
fn today_keeps_every_rule() {
    let (data, model) = (dataset(), model());
    let r = check(&data, &model, &Plan::baseline(&data), None);
    assert!(r.ok && r.violations.is_empty(), "{r:?}");
    assert!(r.npv.abs() < 1e-9, "doing nothing saves nothing: {}", r.npv);
    let r = check_category(
        &data,
        &model,
        CATEGORY,
        &awards(&data),
        &BTreeMap::new(),
        None,
    );
    assert!(r.ok && r.violations.is_empty(), "{r:?}");
}
