//! The shipped Greater Manchester example: valid, and its totals agree with the public source files: the estate
//! with ERIC, the zones with ONS, the back office with NHS Digital's workforce figures and Manchester's published
//! FTE, today's shared services with functions.csv's scale curve (README "Back office").

use crate::common::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The public data: `../shared/data` when present (CI), else the verbatim copies kept in `inputs/sources`.
fn sources() -> PathBuf {
    let shared = root().join("../shared/data");
    if shared.is_dir() {
        shared
    } else {
        root().join("inputs/sources")
    }
}

fn column_sum(file: &str, column: &str) -> f64 {
    let mut r = csv::Reader::from_path(sources().join(file)).unwrap();
    let i = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap()[i].trim().parse::<f64>().unwrap_or(0.0))
        .sum()
}

fn gm() -> PathBuf {
    root().join("inputs/greater-manchester")
}

#[test]
fn the_gm_example_validates_with_exit_0() {
    let (code, json) = validate_json(&gm());
    assert_eq!(
        code,
        0,
        "{}",
        serde_json::to_string_pretty(&json["findings"]).unwrap()
    );
}

#[test]
fn gm_zone_population_equals_the_ons_ward_total() {
    let (_, json) = validate_json(&gm());
    let ons = column_sum("geo/gm_wards_2017_centroids_pop2016.csv", "pop_mid2016");
    assert_eq!(ons, 2_782_141.0);
    assert_eq!(json["summary"]["population"].as_f64().unwrap(), ons);
    assert_eq!(json["summary"]["zones"], 215);
}

#[test]
fn gm_nhs_floor_area_equals_the_eric_total() {
    // Sum the floor area of the NHS sites in the example (ids are ERIC site codes) and compare with ERIC.
    let eric = column_sum("eric/eric_201920_sites_gm_tidy.csv", "gia_m2");
    let mut eric_codes = std::collections::HashSet::new();
    let mut r =
        csv::Reader::from_path(sources().join("eric/eric_201920_sites_gm_tidy.csv")).unwrap();
    let i = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "site_code")
        .unwrap();
    for rec in r.records() {
        eric_codes.insert(rec.unwrap()[i].to_string());
    }
    let mut sites = csv::Reader::from_path(gm().join("sites.csv")).unwrap();
    let h = sites.headers().unwrap().clone();
    let (id, area) = (
        h.iter().position(|c| c == "id").unwrap(),
        h.iter().position(|c| c == "floor_area_m2").unwrap(),
    );
    let example: f64 = sites
        .records()
        .map(|r| r.unwrap())
        .filter(|r| eric_codes.contains(&r[id]))
        .map(|r| r[area].parse::<f64>().unwrap())
        .sum();
    assert_eq!(eric_codes.len(), 61);
    assert!(
        (example - eric).abs() < 1.0,
        "example {example} vs ERIC {eric}"
    );
}

/// Every row of a CSV file, as a map from column to value.
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Rounds half up to a whole number, as the builder does.
fn half_up(x: f64) -> i64 {
    (x + 0.5).floor() as i64
}

/// NHS Digital's FTE by (organisation code, staff group) at 30 September 2017.
fn staff_groups() -> HashMap<(String, String), f64> {
    let file = sources().join("workforce/nhs_hchs_fte_by_staff_group_2017-09_2018-06.csv");
    let mut out = HashMap::new();
    for r in rows(&file).into_iter().filter(|r| r["month"] == "2017-SEP") {
        let fte: f64 = r["fte"].parse().unwrap();
        *out.entry((r["org_code"].clone(), r["staff_group"].clone()))
            .or_insert(0.0) += fte;
    }
    out
}

/// Borough populations: the sum of their wards' mid-2016 populations.
fn borough_pop() -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for r in rows(&sources().join("geo/gm_wards_2017_centroids_pop2016.csv")) {
        *out.entry(r["la_name"].clone()).or_insert(0.0) += r["pop_mid2016"].parse::<f64>().unwrap();
    }
    out
}

/// The example's team FTE by organisation: (in-house teams, teams of today's shared services).
fn team_fte() -> HashMap<String, (i64, i64)> {
    let mut out: HashMap<String, (i64, i64)> = HashMap::new();
    for t in rows(&gm().join("teams.csv")) {
        let e = out.entry(t["organisation"].clone()).or_default();
        let h: i64 = t["headcount"].parse().unwrap();
        if t["service"].is_empty() {
            e.0 += h;
        } else {
            e.1 += h;
        }
    }
    out
}

/// The 2016 partners that are not in the September 2017 file, by their ODS successor (README "Back office").
const SUCCESSOR: [(&str, &str); 3] = [("00W", "14L"), ("01M", "14L"), ("01N", "14L")];

/// A body's workforce code and the number of 2016 partners sharing it.
fn workforce_code(org: &str) -> (String, f64) {
    match SUCCESSOR.iter().find(|(o, _)| *o == org) {
        Some((_, s)) => (
            s.to_string(),
            SUCCESSOR.iter().filter(|(_, x)| x == s).count() as f64,
        ),
        None => (org.to_string(), 1.0),
    }
}

#[test]
fn gm_nhs_back_office_is_recomputed_from_the_workforce_figures() {
    // Core = central functions + half of managers and senior managers; office = a tenth of hotel, property &
    // estates; each rounded half up. Oldham CCG keeps the median CCG rate per resident; the rest is GMSS.
    let wf = staff_groups();
    let pop = borough_pop();
    let g = |code: &str, group: &str| {
        wf.get(&(code.to_string(), group.to_string()))
            .copied()
            .unwrap_or(0.0)
    };
    let orgs = rows(&gm().join("organisations.csv"));
    let teams = team_fte();
    let ccgs: Vec<_> = orgs.iter().filter(|o| o["kind"] == "ccg").collect();
    let (mut cf_rates, mut mgr_rates) = (vec![], vec![]);
    let mut seen = std::collections::BTreeSet::new();
    for o in &ccgs {
        let (code, _) = workforce_code(&o["id"]);
        if code != "00Y" && seen.insert(code.clone()) {
            cf_rates.push(g(&code, "Central functions") / pop[&o["borough"]]);
            mgr_rates
                .push((g(&code, "Managers") + g(&code, "Senior managers")) / pop[&o["borough"]]);
        }
    }
    assert_eq!(cf_rates.len(), 9, "8 CCGs and the merged Manchester CCG");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let (cf_rate, mgr_rate) = (median(&mut cf_rates), median(&mut mgr_rates));
    for o in orgs
        .iter()
        .filter(|o| o["sector"] == "nhs" && o["kind"] != "commissioner")
    {
        let id = o["id"].as_str();
        let (code, n) = workforce_code(id);
        let (cf, m, sm, hpe) = (
            g(&code, "Central functions") / n,
            g(&code, "Managers") / n,
            g(&code, "Senior managers") / n,
            g(&code, "Hotel, property & estates") / n,
        );
        let (in_house, service) = teams[id];
        if id == "00Y" {
            let own_cf = cf_rate * pop[&o["borough"]];
            let own_mgr = mgr_rate * pop[&o["borough"]];
            assert_eq!(
                in_house,
                half_up(own_cf + 0.5 * own_mgr),
                "Oldham CCG's own back office"
            );
            assert_eq!(
                service,
                half_up(cf - own_cf + (m + sm) - own_mgr),
                "GM Shared Services"
            );
        } else {
            let expected = half_up(cf + 0.5 * (m + sm)) + half_up(0.1 * hpe);
            assert_eq!((in_house, service), (expected, 0), "{id}");
        }
    }
    let gm_pop: f64 = pop.values().sum();
    assert_eq!(
        teams["14J"],
        (half_up(gm_pop * 0.05 / 1000.0), 0),
        "the commissioning hub's rule"
    );
}

#[test]
fn gm_council_back_office_is_recomputed_from_manchesters_published_fte() {
    // 6,452 FTE (all staff but schools) over Manchester's population, times the 23% back-office share; a
    // council's in-house teams plus what it pooled into today's shared services add up to that.
    let shares = [
        0.030, 0.006, 0.018, 0.026, 0.010, 0.010, 0.015, 0.015, 0.042, 0.018, 0.040,
    ];
    let share: f64 = shares.iter().sum();
    let pop = borough_pop();
    let rate = 6452.0 / pop["Manchester"];
    let teams = team_fte();
    let mut pooled: HashMap<String, f64> = HashMap::new();
    for m in rows(&gm().join("service_members.csv")) {
        *pooled.entry(m["organisation"].clone()).or_default() +=
            m["fte_pooled"].parse::<f64>().unwrap();
    }
    let councils: Vec<_> = rows(&gm().join("organisations.csv"))
        .into_iter()
        .filter(|o| o["sector"] == "council")
        .collect();
    assert_eq!(councils.len(), 10);
    for o in &councils {
        let gave = pooled.get(&o["id"]).copied().unwrap_or(0.0);
        let own = teams[&o["id"]].0 as f64 + gave;
        assert_eq!(
            own,
            half_up(pop[&o["borough"]] * rate * share) as f64,
            "{}",
            o["id"]
        );
    }
}

#[test]
fn gm_shared_service_staff_follow_the_scale_curve_of_functions_csv() {
    // A shared service of today does the work of its members' pooled FTE P with hub_fte(P) =
    // reference_fte^(1-b) P^b (P above reference_fte): its teams hold that many FTE, rounded.
    let functions: HashMap<String, HashMap<String, String>> = rows(&gm().join("functions.csv"))
        .into_iter()
        .map(|f| (f["function"].clone(), f))
        .collect();
    let mut staff: HashMap<String, i64> = HashMap::new();
    for t in rows(&gm().join("teams.csv")) {
        assert!(functions.contains_key(&t["function"]), "{}", t["id"]);
        if !t["service"].is_empty() {
            *staff.entry(t["service"].clone()).or_default() +=
                t["headcount"].parse::<i64>().unwrap();
        }
    }
    let mut pooled: HashMap<String, f64> = HashMap::new();
    for m in rows(&gm().join("service_members.csv")) {
        *pooled.entry(m["service"].clone()).or_default() += m["fte_pooled"].parse::<f64>().unwrap();
    }
    let services = rows(&gm().join("shared_services.csv"));
    assert_eq!(services.len(), 5);
    for s in &services {
        let f = &functions[&s["function"]];
        let (p_ref, b): (f64, f64) = (
            f["reference_fte"].parse().unwrap(),
            f["scale_exponent"].parse().unwrap(),
        );
        let p = pooled[&s["service"]];
        let hub = if p <= p_ref {
            p
        } else {
            p_ref.powf(1.0 - b) * p.powf(b)
        };
        let h = staff[&s["service"]] as f64;
        // The members' FTE are the hub's inverted to the hundredth, so the curve gives the hub back to 0.5 FTE.
        assert!(
            (hub - h).abs() <= 0.5,
            "{}: hub_fte({p}) = {hub}, teams {h}",
            s["service"]
        );
    }
}

/// Issue 18: every council has an office estate it can consolidate, not one must-keep building. The nine councils
/// without a published register each hold a copy of Trafford's civic and office buildings of at least 1,000 m2
/// (from the register, in the example as Trafford's own sites), floor scaled by borough population: one kept seat
/// at the borough centroid and the others releasable, at the centroids of the borough's most populous wards.
#[test]
fn every_council_has_an_office_estate_scaled_from_traffords_with_one_kept_seat() {
    let sites = rows(&gm().join("sites.csv"));
    let office = |s: &HashMap<String, String>| s["kind"] == "civic" || s["kind"] == "office";
    let trafford: Vec<f64> = sites
        .iter()
        .filter(|s| s["organisation"] == "E08000009" && office(s))
        .map(|s| s["floor_area_m2"].parse::<f64>().unwrap())
        .filter(|&a| a >= 1000.0)
        .collect();
    assert_eq!(
        trafford.len(),
        3,
        "Trafford's town hall, Sale Waterside, Ascot House"
    );
    let pop = borough_pop();
    let mut wards = rows(&sources().join("geo/gm_wards_2017_centroids_pop2016.csv"));
    // Most populous first, ties by ward code, as the builder orders them.
    wards.sort_by_key(|w| {
        let pop: i64 = w["pop_mid2016"].parse().unwrap();
        (std::cmp::Reverse(pop), w["ward_code"].clone())
    });
    let councils: Vec<_> = rows(&gm().join("organisations.csv"))
        .into_iter()
        .filter(|o| o["kind"] == "council" && o["id"] != "E08000009")
        .collect();
    assert_eq!(councils.len(), 9);
    for council in &councils {
        let borough = &council["borough"];
        let estate: Vec<_> = sites
            .iter()
            .filter(|s| s["organisation"] == council["id"] && office(s))
            .collect();
        let kept: Vec<_> = estate.iter().filter(|s| s["must_keep"] == "true").collect();
        assert_eq!(kept.len(), 1, "{borough}: one seat kept");
        assert_eq!(kept[0]["id"], format!("{}-CIVIC", council["id"]));
        let mut areas: Vec<i64> = estate
            .iter()
            .map(|s| s["floor_area_m2"].parse::<f64>().unwrap() as i64)
            .collect();
        let mut scaled: Vec<i64> = trafford
            .iter()
            .map(|a| half_up(a * pop[borough] / pop["Trafford"]))
            .collect();
        areas.sort_unstable();
        scaled.sort_unstable();
        assert_eq!(
            areas, scaled,
            "{borough}: floor areas scaled from Trafford's"
        );
        // The releasable ones stand at the centroids of the borough's most populous wards.
        let top: Vec<(String, String)> = wards
            .iter()
            .filter(|w| &w["la_name"] == borough)
            .take(estate.len() - 1)
            .map(|w| (w["lat"].clone(), w["lon"].clone()))
            .collect();
        for s in estate.iter().filter(|s| s["must_keep"] == "false") {
            let at = |c: &str| s[c].parse::<f64>().unwrap();
            assert!(
                top.iter().any(|(lat, lon)| {
                    (lat.parse::<f64>().unwrap() - at("lat")).abs() < 1e-5
                        && (lon.parse::<f64>().unwrap() - at("lon")).abs() < 1e-5
                }),
                "{}: not at one of {borough}'s most populous wards",
                s["id"]
            );
            assert!(s["name"].contains("(derived, as "), "{}", s["name"]);
        }
    }
}
