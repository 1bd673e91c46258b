//! Generated procurement cases for benchmarks: many categories, partners and suppliers, from a fixed seed.
//!
//! The rules mirror the Greater Manchester example's documented derivation (see its README): each partner buys
//! each category from 1 to 3 suppliers; spend per contract is log-uniform between GBP 20k and GBP 2m; contracts
//! end uniformly over the five plan years; fees are 5-15% of a year's spend; each supplier offers three
//! all-units tiers (0 at 1.00, 1.25 V at 0.97, 2 V at 0.94, V = its contracted volume, or the category's mean
//! contract if it has none) with capacity V x U(1.5, 3); 30% of suppliers are local SMEs. Each partner's tail in
//! a category (`tail.csv`, drawn after everything else so the files before it are unchanged by it) is U(0, 0.6)
//! of its contracted spend there, shared by 5-54 suppliers, U(0, 0.6) of it with local SMEs. One site and one
//! team per partner (its procurement team of 50 FTE) keep the estates files valid; the model file switches
//! estates off.

use crate::atomic::AtomicDir;
use crate::error::Error;
use std::fmt::Write as _;
use std::path::Path;

/// The size of a generated case.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Spend categories.
    pub categories: usize,
    /// Partners.
    pub partners: usize,
    /// Suppliers (each offers in every category).
    pub suppliers: usize,
    /// Seed.
    pub seed: u64,
}

/// SplitMix64: a tiny, well-mixed generator, so a seed gives the same case on every machine.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
}

/// The files of a generated case, as (name, text).
pub fn files(shape: Shape) -> Vec<(&'static str, String)> {
    let mut rng = Rng(shape.seed);
    let (np, ns, nc) = (shape.partners, shape.suppliers, shape.categories);
    let mut orgs = String::from("id,name,kind,borough\n");
    let mut sites = String::from(
        "id,organisation,name,kind,public_facing,borough,tenure,floor_area_m2,desks,must_keep\n",
    );
    let mut teams = String::from("id,organisation,function,headcount,site,movable\n");
    for p in 0..np {
        let kind = ["council", "nhs_trust", "ccg"][p % 3];
        let _ = writeln!(orgs, "P{p:03},Partner {p},{kind},B{}", p % 10);
        let _ = writeln!(
            sites,
            "S{p:03},P{p:03},Office {p},office,false,B{},freehold,2000,100,true",
            p % 10
        );
        // The partner's procurement team: its FTE set the tender capacity per FTE, when a model asks for one.
        let _ = writeln!(teams, "T{p:03},P{p:03},procurement,50,S{p:03},false");
    }
    let mut suppliers = String::from("id,name,sme,local\n");
    for s in 0..ns {
        let local = rng.unit() < 0.3;
        let _ = writeln!(suppliers, "V{s:03},Supplier {s} Ltd,{local},{local}");
    }
    let mut contracts = String::from(
        "id,organisation,category,supplier,annual_spend_gbp,start,end,termination_fee_gbp\n",
    );
    let mut offers = String::from("supplier,category,min_volume_gbp,price_index,capacity_gbp\n");
    let mut n = 0;
    // Per category, each partner's contracted spend (for its tail).
    let mut bought: Vec<Vec<f64>> = Vec::with_capacity(nc);
    for c in 0..nc {
        let mut volume = vec![0.0; ns];
        let mut by_partner = Vec::with_capacity(np);
        for p in 0..np {
            let mut partner_spend = 0.0;
            let k = 1 + rng.below(3);
            let mut used = Vec::new();
            while used.len() < k.min(ns) {
                let s = rng.below(ns);
                if !used.contains(&s) {
                    used.push(s);
                }
            }
            for s in used {
                let spend = 20_000.0 * 100f64.powf(rng.unit());
                volume[s] += spend;
                partner_spend += spend;
                let end_day = rng.below(5 * 365);
                let fee = spend * (0.05 + 0.10 * rng.unit());
                let end = chrono::NaiveDate::from_ymd_opt(2016, 4, 1)
                    .and_then(|d| d.checked_add_days(chrono::Days::new(end_day as u64)))
                    .unwrap_or_default();
                n += 1;
                let _ = writeln!(
                    contracts,
                    "K{n:06},P{p:03},cat{c:03},V{s:03},{spend:.2},2014-04-01,{end},{fee:.2}"
                );
            }
            by_partner.push(partner_spend);
        }
        bought.push(by_partner);
        let mean =
            volume.iter().sum::<f64>() / volume.iter().filter(|v| **v > 0.0).count().max(1) as f64;
        for (s, v) in volume.iter().enumerate() {
            let base = if *v > 0.0 { *v } else { mean };
            let cap = base * (1.5 + 1.5 * rng.unit());
            let _ = writeln!(offers, "V{s:03},cat{c:03},0.00,1.00,{cap:.2}");
            let _ = writeln!(offers, "V{s:03},cat{c:03},{:.2},0.97,{cap:.2}", 1.25 * base);
            if 2.0 * base <= cap {
                let _ = writeln!(offers, "V{s:03},cat{c:03},{:.2},0.94,{cap:.2}", 2.0 * base);
            }
        }
    }
    let mut tail =
        String::from("organisation,category,annual_spend_gbp,suppliers,local_sme_spend_gbp\n");
    for (c, by_partner) in bought.iter().enumerate() {
        for (p, contracted) in by_partner.iter().enumerate() {
            let spend = contracted * 0.6 * rng.unit();
            let suppliers = 5 + rng.below(50);
            let local = spend * 0.6 * rng.unit();
            let _ = writeln!(tail, "P{p:03},cat{c:03},{spend:.2},{suppliers},{local:.2}");
        }
    }
    let model = format!(
        "# Generated procurement benchmark: {nc} categories x {np} partners x {ns} suppliers, seed {}.\n\
         name = \"generated procurement case\"\nstart_date = 2016-04-01\nhorizon_years = 5\n\n\
         [estates]\nenabled = false\n\n[procurement]\nenabled = true\nmin_suppliers = 2\n\
         min_supplier_share = 0.10\nshortlist = 10\nlocal_sme_share = 0.10\ntransition_cost_gbp = 20000.0\n\n\
         [solver]\ntime_limit_s = 60\n",
        shape.seed
    );
    vec![
        ("organisations.csv", orgs),
        ("sites.csv", sites),
        ("teams.csv", teams),
        ("zones.csv", "id,name,borough,lat,lon,population\n".into()),
        ("suppliers.csv", suppliers),
        ("contracts.csv", contracts),
        ("offers.csv", offers),
        ("tail.csv", tail),
        ("model.toml", model),
    ]
}

/// Writes a generated case into `out` (atomically).
pub fn write(shape: Shape, out: &Path) -> Result<(), Error> {
    AtomicDir::write_all(out, files(shape)).map(drop)
}
