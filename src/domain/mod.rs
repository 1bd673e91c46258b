//! Plain domain types: the validated data set every model is built from.
//!
//! Nothing here parses text. References between entities are typed indices into the [`Dataset`] vectors, so a
//! site can never point at an organisation that does not exist; each entity also keeps its original text id for
//! reports.

mod kinds;

pub use kinds::{
    BuiltinFunction, Function, OrgKind, Route, Sector, SectorRule, SiteKind, Tenure, UnitKind,
};

use chrono::NaiveDate;

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            /// The position in the data set's vector.
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// Index of an [`Organisation`] in [`Dataset::organisations`].
    OrgIx
);
index_type!(
    /// Index of a [`Site`] in [`Dataset::sites`].
    SiteIx
);
index_type!(
    /// Index of a [`Team`] in [`Dataset::teams`].
    TeamIx
);
index_type!(
    /// Index of a [`Supplier`] in [`Dataset::suppliers`].
    SupplierIx
);

/// A WGS84 point in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// A partner body.
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    /// ODS or ONS code.
    pub id: String,
    /// Name.
    pub name: String,
    /// What kind of body it is.
    pub kind: OrgKind,
    /// Borough it is based in (may be empty).
    pub borough: String,
    /// NHS or council (`organisations.csv` `sector`, else from the kind).
    pub sector: Sector,
}

/// The annual running cost of a site, by line (GBP a year).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RunningCost {
    /// Rent and lease costs.
    pub rent: f64,
    /// Business rates.
    pub rates: f64,
    /// Facilities management.
    pub fm: f64,
    /// Energy and water.
    pub utilities: f64,
    /// Maintenance.
    pub maintenance: f64,
}

impl RunningCost {
    /// The total of all lines.
    pub fn total(&self) -> f64 {
        self.rent + self.rates + self.fm + self.utilities + self.maintenance
    }
}

/// A lease: when it ends and when it can first be broken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lease {
    /// End date.
    pub end: NaiveDate,
    /// Earliest break date, never after `end`.
    pub break_date: Option<NaiveDate>,
}

impl Lease {
    /// The first date the site can be left without penalty.
    pub fn free_exit(&self) -> NaiveDate {
        self.break_date.unwrap_or(self.end)
    }
}

/// An estate site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Site code.
    pub id: String,
    /// Owner.
    pub organisation: OrgIx,
    /// Name.
    pub name: String,
    /// What the site is.
    pub kind: SiteKind,
    /// Residents receive services here.
    pub public_facing: bool,
    /// Borough (may be empty).
    pub borough: String,
    /// How it is held.
    pub tenure: Tenure,
    /// The lease, for leasehold sites (and any other site given lease dates).
    pub lease: Option<Lease>,
    /// One-off cost of leaving before the lease allows (GBP).
    pub exit_penalty: f64,
    /// The partner it is leased from, when the landlord is one of the partners: its rent and what leaving early
    /// pays are then transfers inside the partnership, not costs to it.
    pub landlord: Option<OrgIx>,
    /// Location, when known.
    pub location: Option<LatLon>,
    /// Gross internal area (m2).
    pub floor_area_m2: f64,
    /// Back-office desks.
    pub desks: u32,
    /// Annual running cost by line.
    pub running: RunningCost,
    /// Backlog maintenance (GBP), avoided if released.
    pub backlog: f64,
    /// Expected receipt on release (GBP).
    pub disposal_value: f64,
    /// May not be released.
    pub must_keep: bool,
    /// Its figures are derived by a documented rule, not published (`derived` in `sites.csv`): the reports say how
    /// much of a plan rests on such sites.
    pub derived: bool,
    /// What a floor survey says of the site (Carter's measures), when the data has one.
    pub survey: Option<FloorSurvey>,
}

/// A site's floor by use and state, as an estates survey reports it (ERIC for NHS sites): the figures behind Lord
/// Carter's measures of estate efficiency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloorSurvey {
    /// Non-clinical floor area (m2), when reported.
    pub non_clinical_m2: Option<f64>,
    /// Empty floor area (m2).
    pub empty_m2: f64,
    /// Under-used floor area (m2).
    pub under_used_m2: f64,
}

/// A part of a site that may be released while the rest is kept (`units.csv`): a floor or wing, or land that
/// delivers no service. Its desks are among the site's, and its share of the site's running cost and backlog is
/// what releasing it saves; releasing the whole site releases its units with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Unit code.
    pub id: String,
    /// The site it is part of.
    pub site: SiteIx,
    /// Name.
    pub name: String,
    /// Floor or land.
    pub kind: UnitKind,
    /// Floor area (m2; floor units).
    pub floor_area_m2: f64,
    /// Desks among the site's that go with it.
    pub desks: u32,
    /// Share of each of the site's running-cost lines that stops when it is released, in [0, 1].
    pub cost_share: f64,
    /// Share of the site's backlog maintenance its release avoids, in [0, 1].
    pub backlog_share: f64,
    /// Land area (hectares; land units).
    pub land_ha: f64,
    /// Expected receipt on its release (GBP): land sold, space let or handed back for a premium.
    pub disposal_value: f64,
}

/// A back-office team.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Team code.
    pub id: String,
    /// Employer.
    pub organisation: OrgIx,
    /// Back-office function.
    pub function: Function,
    /// People.
    pub headcount: u32,
    /// Where it works today, if anywhere.
    pub site: Option<SiteIx>,
    /// May move.
    pub movable: bool,
    /// The shared service whose staff the team is today (index into [`Dataset::services`]), if any.
    pub service: Option<usize>,
}

/// The economics and rules of one back-office function (`functions.csv`), for the shared-services decision.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSpec {
    /// Function id (what `teams.csv` names).
    pub id: Function,
    /// Name in reports.
    pub name: String,
    /// Staff cost per FTE a year, in house or in a hub (GBP).
    pub cost_per_fte: f64,
    /// Economies-of-scale exponent b in (0, 1]: a hub needs `P_ref^(1-b) * P^b` FTE for pooled FTE `P` above
    /// `reference_fte`.
    pub scale_exponent: f64,
    /// Pooled FTE up to which a hub saves nothing.
    pub reference_fte: f64,
    /// Share of a joining partner's in-house FTE it keeps (the intelligent client), in [0, 1].
    pub retained_share: f64,
    /// Hubs open at most.
    pub max_hubs: u32,
    /// Who may share a hub.
    pub sector_rule: SectorRule,
    /// One-off cost of opening a hub (GBP).
    pub setup: f64,
    /// One-off cost per partner joining (systems convergence, data migration; GBP).
    pub migration_per_body: f64,
    /// One-off redundancy cost per FTE saved (GBP).
    pub redundancy_per_fte: f64,
    /// Months of dual running: that share of a year of the transferring FTE's cost, once.
    pub dual_running_months: f64,
    /// VAT a partner pays on its share of a hub of the other sector (it cannot recover it), in [0, 1].
    pub cross_sector_vat: f64,
    /// False keeps the function local (site-bound staff, for example).
    pub poolable: bool,
}

/// How one procurement category is bought jointly, and what re-letting its contracts costs (`categories.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct CategorySpec {
    /// Category id (what `contracts.csv` and `offers.csv` name).
    pub id: String,
    /// Name in reports.
    pub name: String,
    /// How it is bought jointly.
    pub route: Route,
    /// The most any volume tier may take off today's price in this category, in [0, 1): the published evidence's
    /// price effect (an offer's deeper tier is capped at it).
    pub price_effect: f64,
    /// Cost of the compliant competition or call-off behind each re-let (GBP per contract, pro rata to the share).
    pub tender_cost: f64,
    /// Cost of moving a contract to another supplier (GBP per contract, pro rata to the share moved); absent:
    /// the model file's `transition_cost_gbp`.
    pub mobilisation_cost: Option<f64>,
}

/// A shared service that exists today (`shared_services.csv`): the starting position of its function.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedService {
    /// Service id.
    pub id: String,
    /// Name in reports.
    pub name: String,
    /// The function it delivers (index into [`Dataset::functions`]).
    pub function: usize,
    /// The partner hosting it.
    pub host: OrgIx,
    /// The host's site it works from.
    pub site: SiteIx,
}

/// A partner served by a shared service today (`service_members.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceMember {
    /// The service (index into [`Dataset::services`]).
    pub service: usize,
    /// The partner.
    pub organisation: OrgIx,
    /// The in-house FTE equivalent the partner handed to the service.
    pub fte_pooled: f64,
}

/// A population zone for access rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Zone code.
    pub id: String,
    /// Name.
    pub name: String,
    /// Borough (may be empty).
    pub borough: String,
    /// Population-weighted centre.
    pub location: LatLon,
    /// Residents.
    pub population: u64,
    /// National deprivation decile (English IMD; 1 = the most deprived tenth), when the data has one.
    pub deprivation_decile: Option<u8>,
}

/// The annual cost of serving a team from a site, replacing distance-based travel cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TeamSiteCost {
    /// The team.
    pub team: TeamIx,
    /// The site.
    pub site: SiteIx,
    /// GBP a year for the whole team.
    pub annual_cost: f64,
}

/// A supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct Supplier {
    /// Key.
    pub id: String,
    /// Published name.
    pub name: String,
    /// Small or medium-sized enterprise.
    pub sme: bool,
    /// Based locally.
    pub local: bool,
}

/// A partner's current contract with a supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// Key.
    pub id: String,
    /// Buyer.
    pub organisation: OrgIx,
    /// Spend category.
    pub category: String,
    /// Supplier.
    pub supplier: SupplierIx,
    /// GBP a year at today's prices.
    pub annual_spend: f64,
    /// Start date.
    pub start: NaiveDate,
    /// End date (not before `start`).
    pub end: NaiveDate,
    /// One-off fee to end early (GBP).
    pub termination_fee: f64,
    /// The site it serves, if site-bound.
    pub site: Option<SiteIx>,
}

/// A partner's spend in a category outside its contracts: the many small suppliers a partner's contracts do not
/// name (the long tail of its published spend). The award leaves it as it is (no contract to re-let, no tier);
/// it counts in the category's spend, supplier count and local-SME share, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Tail {
    /// Buyer.
    pub organisation: OrgIx,
    /// Spend category.
    pub category: String,
    /// GBP a year at today's prices.
    pub annual_spend: f64,
    /// How many suppliers share it.
    pub suppliers: u32,
    /// The part of it with suppliers that are both local and SMEs (GBP a year).
    pub local_sme_spend: f64,
}

/// One volume tier of a supplier's offer in a category.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    /// Supplier.
    pub supplier: SupplierIx,
    /// Category.
    pub category: String,
    /// The tier applies from this annual volume (GBP at today's prices).
    pub min_volume: f64,
    /// Price relative to today (0.95 = 5% cheaper).
    pub price_index: f64,
    /// Most annual volume the supplier can take in the category.
    pub capacity: f64,
}

/// A whole validated data set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    /// Partner bodies.
    pub organisations: Vec<Organisation>,
    /// Sites.
    pub sites: Vec<Site>,
    /// Parts of sites that may be released on their own (optional `units.csv`).
    pub units: Vec<Unit>,
    /// Teams.
    pub teams: Vec<Team>,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Optional team-site costs.
    pub team_site_costs: Vec<TeamSiteCost>,
    /// Suppliers.
    pub suppliers: Vec<Supplier>,
    /// Contracts.
    pub contracts: Vec<Contract>,
    /// Offer tiers.
    pub offers: Vec<Offer>,
    /// Area outlines for maps (optional `boroughs.geojson`; not used by any rule).
    pub boroughs: Vec<Borough>,
    /// Back-office functions and their shared-service economics (optional `functions.csv`).
    pub functions: Vec<FunctionSpec>,
    /// Shared services that exist today (optional `shared_services.csv`).
    pub services: Vec<SharedService>,
    /// Their members (optional `service_members.csv`).
    pub service_members: Vec<ServiceMember>,
    /// Procurement categories: route, price effect and re-letting costs (optional `categories.csv`).
    pub categories: Vec<CategorySpec>,
    /// Spend outside the contracts, per partner and category (optional `tail.csv`).
    pub tail: Vec<Tail>,
}

/// A local authority (or any area) outline: longitude/latitude rings, outer and inner rings alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Borough {
    /// The area's name, shown as the outline's tooltip.
    pub name: String,
    /// Rings of (longitude, latitude); drawn as one path with `fill-rule="evenodd"`, so holes stay holes.
    pub rings: Vec<Vec<(f64, f64)>>,
}

impl Dataset {
    /// The organisation at an index.
    pub fn org(&self, ix: OrgIx) -> &Organisation {
        &self.organisations[ix.ix()]
    }

    /// The site at an index.
    pub fn site(&self, ix: SiteIx) -> &Site {
        &self.sites[ix.ix()]
    }

    /// The team at an index.
    pub fn team(&self, ix: TeamIx) -> &Team {
        &self.teams[ix.ix()]
    }

    /// The supplier at an index.
    pub fn supplier(&self, ix: SupplierIx) -> &Supplier {
        &self.suppliers[ix.ix()]
    }

    /// Total headcount of all teams.
    pub fn total_headcount(&self) -> u64 {
        self.teams.iter().map(|t| u64::from(t.headcount)).sum()
    }

    /// Total desks of all sites.
    pub fn total_desks(&self) -> u64 {
        self.sites.iter().map(|s| u64::from(s.desks)).sum()
    }
}
