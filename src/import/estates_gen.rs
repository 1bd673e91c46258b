//! Generated estates cases for scale tests and property tests: N sites, M teams and Z zones with Greater
//! Manchester-like statistics, from a fixed seed (same seed, same bytes, on every machine).
//!
//! The rules, each read off the shipped GM example (`inputs/greater-manchester`, built from ERIC 2019/20 and ONS
//! figures):
//! - **Geography.** Sites and zones cluster around `ceil(N / 10)` centres (one per borough, 10 boroughs at
//!   most named B0..B9, more clusters share them) spread uniformly over a square whose side grows with the
//!   square root of N, so density stays GM's (about 100 sites over 40 km x 40 km). Each point is its centre
//!   plus a normal offset of 3 km per axis.
//! - **Sites.** Kinds: 30% office (back office, not public-facing), 20% civic, 15% library, 15% clinic (all
//!   public-facing), 20% acute or community (public-facing, never released by the model file, must-keep, as
//!   GM keeps its clinical sites). Floor area log-uniform 300-20,000 m2 (GM median 1,760); offices and civic
//!   buildings have one desk per 10-16 m2, the others one per 40 m2. Running cost per m2 log-uniform
//!   GBP 45-200 (GM median 95), split rent 40% (leasehold only), rates 15%, facilities 25%, utilities 10%,
//!   maintenance the rest; backlog GBP 20-200 per m2; freeholds sell for GBP 500-1,500 per m2. Tenure: 65%
//!   freehold, 30% leasehold (lease end 2017-2026, a break two years earlier when that is after 2016, exit
//!   penalty 1-3 years' rent), 5% PFI (GM: 71 / 31 / 5 of 107).
//! - **Teams.** Headcount uniform 7-80 (GM: 7-80, median 44); each is placed at a site with room for it at
//!   the model's desk ratio (0.8), chosen at random among sites weighted by spare desks (a site's desks are
//!   raised when no site has room, so today's placement is always feasible); 4% cannot move (GM: 11 of 281).
//! - **Spare desks.** GM's estate has 45% of its desks spare. When the teams asked for would take more than 55%
//!   of the drawn estate's desks (at their mean headcount, 43.5), every site's floor area (and with it its desks
//!   and money, all per m2) is scaled up by one factor so that they take 55%; a case with GM's 2.6 teams per site
//!   or the default 3 is left as drawn. Without it 1,000 sites x 10,000 teams filled 99.85% of the desks and
//!   the optimum was "change nothing".
//! - **Zones.** Population log-uniform 5,000-20,000 (GM ward median 12,400).
//! - **Partners.** P organisations (default 36, at most N) in turn council, NHS trust, CCG; site i belongs to
//!   partner i mod P.
//!
//! The model file is GM's (`models/greater-manchester.toml`) with estates only and a capital budget scaled by
//! N / 107.

use super::generate::Rng;
use crate::atomic::AtomicDir;
use crate::error::Error;
use std::fmt::Write as _;
use std::path::Path;

/// The size of a generated estates case.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Sites.
    pub sites: usize,
    /// Teams.
    pub teams: usize,
    /// Zones (wards).
    pub zones: usize,
    /// Partners (organisations); capped at `sites`.
    pub partners: usize,
    /// Seed.
    pub seed: u64,
}

/// Kinds in proportion: (kind, public-facing, cumulative share).
const KINDS: [(&str, bool, f64); 6] = [
    ("office", false, 0.30),
    ("civic", true, 0.50),
    ("library", true, 0.65),
    ("clinic", true, 0.80),
    ("acute", true, 0.90),
    ("community", true, 1.00),
];

const FUNCTIONS: [&str; 7] = [
    "finance",
    "hr",
    "it",
    "procurement",
    "payroll",
    "estates",
    "bi",
];

/// GM's centre: the square of clusters is centred here.
pub(crate) const CENTRE: (f64, f64) = (53.48, -2.24);
const KM_PER_DEG_LAT: f64 = 111.2;

impl Rng {
    /// Log-uniform between `lo` and `hi`.
    pub(crate) fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo * (hi / lo).powf(self.unit())
    }

    /// A standard normal draw (Box-Muller; the second value is dropped to keep the stream simple).
    pub(crate) fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// A point `km` north and east of `from`, as (lat, lon).
pub(crate) fn offset(from: (f64, f64), north_km: f64, east_km: f64) -> (f64, f64) {
    let lat = from.0 + north_km / KM_PER_DEG_LAT;
    let lon = from.1 + east_km / (KM_PER_DEG_LAT * from.0.to_radians().cos());
    (lat, lon)
}

/// The model's desk ratio (desks per head).
const RATIO: f64 = 0.8;

/// A generated site: its line of `sites.csv` with the desks left as `{desks}`.
struct Site {
    desks: f64,
    line: String,
}

/// Draws a site's cluster and location.
type Near<'a> = &'a dyn Fn(&mut Rng) -> (usize, (f64, f64));

/// A site as drawn, its sizes and money per m2 so the estate can be scaled as a whole before it is written.
struct Drawn {
    cluster: usize,
    at: (f64, f64),
    kind: &'static str,
    public: bool,
    area: f64,
    m2_per_desk: f64,
    cost_per_m2: f64,
    tenure: &'static str,
    backlog_per_m2: f64,
    disposal_per_m2: f64,
    /// Lease end year and exit penalty in years of rent (leaseholds only).
    lease: Option<(usize, f64)>,
}

impl Drawn {
    /// Draws one site (the stream's order is the generator's contract: same seed, same bytes).
    fn draw(rng: &mut Rng, near: Near<'_>) -> Self {
        let (cluster, at) = near(rng);
        let draw = rng.unit();
        let &(kind, public, _) = KINDS
            .iter()
            .find(|k| draw < k.2)
            .unwrap_or(&KINDS[KINDS.len() - 1]);
        let area = rng.log_uniform(300.0, 20_000.0);
        let m2_per_desk = if matches!(kind, "office" | "civic") {
            10.0 + 6.0 * rng.unit()
        } else {
            40.0
        };
        let cost_per_m2 = rng.log_uniform(45.0, 200.0);
        let t = rng.unit();
        let tenure = if t < 0.65 {
            "freehold"
        } else if t < 0.95 {
            "leasehold"
        } else {
            "pfi"
        };
        let backlog_per_m2 = rng.log_uniform(20.0, 200.0);
        let disposal_per_m2 = if tenure == "freehold" {
            500.0 + 1000.0 * rng.unit()
        } else {
            0.0
        };
        let lease = (tenure == "leasehold").then(|| {
            let end_year = 2017 + rng.below(10);
            (end_year, 1.0 + 2.0 * rng.unit())
        });
        Drawn {
            cluster,
            at,
            kind,
            public,
            area,
            m2_per_desk,
            cost_per_m2,
            tenure,
            backlog_per_m2,
            disposal_per_m2,
            lease,
        }
    }

    /// Desks with the floor area scaled by `scale`.
    fn desks(&self, scale: f64) -> f64 {
        (self.area * scale / self.m2_per_desk).floor()
    }

    /// The site's line, its floor area (and so its desks and money) scaled by `scale`.
    fn site(
        &self,
        i: usize,
        scale: f64,
        partner: usize,
        borough: &dyn Fn(usize) -> String,
    ) -> Site {
        let (kind, tenure) = (self.kind, self.tenure);
        let area = self.area * scale;
        let cost = area * self.cost_per_m2;
        let rent = if tenure == "leasehold" {
            0.40 * cost
        } else {
            0.0
        };
        let (rates, fm, utilities) = (0.15 * cost, 0.25 * cost, 0.10 * cost);
        let maintenance = cost - rent - rates - fm - utilities;
        let backlog = area * self.backlog_per_m2;
        let disposal = area * self.disposal_per_m2;
        let (lease_end, lease_break, penalty) = match (tenure, self.lease) {
            (_, Some((end_year, years))) => {
                let brk = if end_year - 2 > 2016 {
                    format!("{}-03-31", end_year - 2)
                } else {
                    String::new()
                };
                (format!("{end_year}-03-31"), brk, 0.40 * cost * years)
            }
            ("pfi", None) => (String::new(), String::new(), 2.0 * cost),
            _ => (String::new(), String::new(), 0.0),
        };
        let clinical = matches!(kind, "acute" | "community");
        let (lat, lon) = self.at;
        let line = format!(
            "S{i:05},P{partner:04},Site {i} ({kind}),{kind},{},{},{tenure},{lease_end},{lease_break},{penalty:.0},\
             {lat:.6},{lon:.6},{area:.0},{{desks}},{rent:.0},{rates:.0},{fm:.0},{utilities:.0},{maintenance:.0},\
             {backlog:.0},{disposal:.0},{clinical}",
            self.public,
            borough(self.cluster),
        );
        Site {
            desks: self.desks(scale),
            line,
        }
    }
}

/// `count` points spread uniformly over a square of side `side_km` centred on GM's centre.
pub(crate) fn scatter(rng: &mut Rng, count: usize, side_km: f64) -> Vec<(f64, f64)> {
    (0..count)
        .map(|_| {
            offset(
                CENTRE,
                (rng.unit() - 0.5) * side_km,
                (rng.unit() - 0.5) * side_km,
            )
        })
        .collect()
}

/// The files of a generated estates case, as (name, text).
pub fn files(shape: Shape) -> Vec<(&'static str, String)> {
    let mut rng = Rng(shape.seed ^ 0x5EED_E57A_7E5C_A5E5);
    let n = shape.sites.max(1);
    let np = shape.partners.clamp(1, n);
    let side_km = 40.0 * (n as f64 / 100.0).sqrt().max(0.25);
    let clusters = scatter(&mut rng, n.div_ceil(10), side_km);
    let borough = |c: usize| format!("B{}", c % 10);
    let near = |rng: &mut Rng| {
        let c = rng.below(clusters.len());
        let p = offset(clusters[c], 3.0 * rng.normal(), 3.0 * rng.normal());
        (c, p)
    };

    let mut orgs = String::from("id,name,kind,borough\n");
    for p in 0..np {
        let kind = ["council", "nhs_trust", "ccg"][p % 3];
        let _ = writeln!(orgs, "P{p:04},Partner {p},{kind},B{}", p % 10);
    }

    let drawn: Vec<Drawn> = (0..n).map(|_| Drawn::draw(&mut rng, &near)).collect();
    // GM-like spare capacity: the estate is scaled up (floor area, desks and money, all per m2) when the teams
    // would otherwise fill more than 55% of its desks (GM: 45% spare). A case with GM's few teams per site is
    // left as drawn; one with many (1,000 sites x 10,000 teams) would otherwise fill every desk, and its optimum
    // would be "change nothing", a proof rather than a search.
    let mean_need = 43.5 * RATIO;
    let drawn_desks: f64 = drawn.iter().map(|d| d.desks(1.0)).sum();
    let scale = (shape.teams as f64 * mean_need / (0.55 * drawn_desks.max(1.0))).max(1.0);
    let mut sites: Vec<Site> = drawn
        .iter()
        .enumerate()
        .map(|(i, d)| d.site(i, scale, i % np, &borough))
        .collect();

    // Teams: placed where there is room at the 0.8 desk ratio, so today's placement keeps the capacity rule.
    let ratio = RATIO;
    let mut used = vec![0.0f64; n];
    let mut teams = String::from("id,organisation,function,headcount,site,movable\n");
    for t in 0..shape.teams {
        let head = 7 + rng.below(74);
        let need = head as f64 * ratio;
        let room: Vec<f64> = sites
            .iter()
            .zip(&used)
            .map(|(s, u)| (s.desks - u - need).max(0.0))
            .collect();
        let total: f64 = room.iter().sum();
        let s = if total > 0.0 {
            let mut pick = rng.unit() * total;
            room.iter()
                .position(|&r| {
                    pick -= r;
                    r > 0.0 && pick <= 0.0
                })
                .unwrap_or_else(|| room.iter().rposition(|&r| r > 0.0).unwrap_or(0))
        } else {
            // No site has room: grow a random one (its floor area already allows a denser fit-out).
            let s = rng.below(n);
            sites[s].desks = (used[s] + need).ceil();
            s
        };
        used[s] += need;
        let movable = rng.unit() >= 0.04;
        let function = FUNCTIONS[rng.below(FUNCTIONS.len())];
        let _ = writeln!(
            teams,
            "T{t:05},P{:04},{function},{head},S{s:05},{movable}",
            s % np
        );
    }

    let mut site_text = String::from(
        "id,organisation,name,kind,public_facing,borough,tenure,lease_end,lease_break,exit_penalty_gbp,lat,lon,\
         floor_area_m2,desks,rent_gbp,rates_gbp,fm_gbp,utilities_gbp,maintenance_gbp,backlog_gbp,\
         disposal_value_gbp,must_keep\n",
    );
    for s in &sites {
        site_text.push_str(&s.line.replace("{desks}", &format!("{:.0}", s.desks)));
        site_text.push('\n');
    }

    let mut zones = String::from("id,name,borough,lat,lon,population\n");
    for z in 0..shape.zones {
        let (c, (lat, lon)) = near(&mut rng);
        let pop = rng.log_uniform(5_000.0, 20_000.0);
        let _ = writeln!(
            zones,
            "Z{z:05},Zone {z},{},{lat:.6},{lon:.6},{pop:.0}",
            borough(c)
        );
    }

    let budget = 20_000_000.0 * n as f64 / 107.0;
    let model = format!(
        "# Generated estates case: {n} sites x {} teams x {} zones, {np} partners, seed {} (consolidate generate).\n\
         # The Greater Manchester model's rules, estates only, with the capital budget scaled by sites / 107.\n\
         name = \"generated estates case\"\nstart_date = 2016-04-01\nhorizon_years = 5\ndiscount_rate = 0.035\n\n\
         [estates]\ndesk_ratio = {ratio}\nsplit = false\nnever_release_kinds = [\"acute\", \"community\"]\n\
         release_pfi = false\n\n[estates.leases]\nenabled = true\n\n\
         [estates.access]\nenabled = true\nmax_km = 5.0\nmin_sites_per_borough = 1\n\n\
         [estates.staff]\nmax_team_increase_km = 10.0\nmax_mean_increase_km = 6.0\n\
         travel_cost_per_km_head_year = 123.0\n\n\
         [estates.budget]\nrelocation_per_head = 2500.0\nfitout_per_desk = 3000.0\ncapital_per_year = {budget:.0}\n\n\
         [solver]\ntime_limit_s = 120\n\n[procurement]\nenabled = false\n",
        shape.teams, shape.zones, shape.seed
    );

    vec![
        ("organisations.csv", orgs),
        ("sites.csv", site_text),
        ("teams.csv", teams),
        ("zones.csv", zones),
        ("model.toml", model),
    ]
}

/// Writes a generated estates case into `out` (atomically).
pub fn write(shape: Shape, out: &Path) -> Result<(), Error> {
    AtomicDir::write_all(out, files(shape)).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(seed: u64) -> Shape {
        Shape {
            sites: 40,
            teams: 90,
            zones: 60,
            partners: 6,
            seed,
        }
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        assert_eq!(files(shape(3)), files(shape(3)));
        assert_ne!(files(shape(3)), files(shape(4)));
    }

    #[test]
    fn rows_match_the_shape() {
        let f = files(shape(1));
        let lines = |name: &str| {
            f.iter()
                .find(|(n, _)| *n == name)
                .unwrap()
                .1
                .lines()
                .count()
        };
        assert_eq!(lines("sites.csv"), 41);
        assert_eq!(lines("teams.csv"), 91);
        assert_eq!(lines("zones.csv"), 61);
        assert_eq!(lines("organisations.csv"), 7);
    }
}
