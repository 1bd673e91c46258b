//! `plan.geojson` (issue 22): the estates plan and its shared services as a GeoJSON FeatureCollection that a GIS
//! (QGIS, or any RFC 7946 reader) opens as it is, beside the plan's CSVs.
//!
//! Why each choice:
//! - **RFC 7946, not the 2008 GeoJSON draft**: positions are `[longitude, latitude]` in WGS84 (the order RFC 7946
//!   fixes, and the order the data sets' `lat`/`lon` columns are swapped into here), and there is no `crs` member
//!   (RFC 7946 removed it; WGS84 is implied). Coordinates are rounded to 6 decimals (about 0.1 m), as RFC 7946
//!   recommends: more digits are noise, and the file stays byte-stable between runs.
//! - **One file, five kinds of feature**, told apart by the `kind` property (`site`, `zone`, `move`, `hub`,
//!   `joins_hub`), so one filter or rule-based style in QGIS splits them; QGIS offers the Points and the
//!   LineStrings as two layers of the same file.
//! - **Sites** (Points): `id`, `name`, `owner` (organisation id), `owner_name`, `decision` (`keep`, `release`,
//!   or `must_keep` for a kept must-keep site, as the report's map decides it in `map_input` in
//!   `src/report/html.rs`), `year` (release year, null when kept) and `reason`: the very text `sites.csv` has,
//!   passed in from [`crate::estates::reasons::site_reasons`] rather than derived again here.
//! - **Zones** (Points): `id`, `name`, `population`, `nearest_kept_km` (distance to the nearest kept
//!   public-facing site, [`crate::plan::zone_access_km`], rounded to metres; null when no public-facing site is
//!   kept, since JSON has no infinity) and `beyond_access` (the access rule is on and the zone is further than
//!   its `max_km`, as the map shades it).
//! - **Moves** (LineStrings from the team's site to each site it works from in the plan that is not its own):
//!   `team`, `organisation`, `headcount` moved (rounded to 4 decimals, as in `moves.csv`), `from_site`,
//!   `to_site`.
//! - **Shared services**, from [`crate::report::services::located_layers`] (what the SVG map draws, computed
//!   once): a Point per hub (`hub` id as in `hubs.csv`, `function`, `site`, `host`, `open_year`, null for
//!   today's services) and a LineString per in-house team of a joining partner function to its hub (`hub`,
//!   `organisation`, `function`, `team`, `fte` transferred, `year` of joining).
//!
//! Sites without coordinates are left out, and with them any move, hub or joining line that would start or end
//! there: a feature needs a geometry, and a null geometry would only confuse a map. Zones always have a location
//! (`zones.csv` requires one). A team that already works at its hub's site joins it along a line of zero length,
//! kept so that every joining team's FTE and year are in the file.

use super::svg::MapDecision;
use crate::domain::Dataset;
use crate::model_config::ModelConfig;
use crate::plan::Plan;
use crate::plan::files::hub_id;
use serde::Serialize;

/// A GeoJSON FeatureCollection (RFC 7946 section 3.3).
#[derive(Debug, Serialize)]
pub struct FeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The features: sites, zones, moves, hubs, then joining lines.
    pub features: Vec<Feature>,
}

/// One feature (RFC 7946 section 3.2).
#[derive(Debug, Serialize)]
pub struct Feature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Where it is.
    pub geometry: Geometry,
    /// What it is, tagged by `kind`.
    pub properties: Properties,
}

/// A geometry (RFC 7946 section 3.1): positions are `[longitude, latitude]`.
#[derive(Debug, Serialize)]
#[serde(tag = "type")]
pub enum Geometry {
    /// A site, zone or hub.
    Point {
        /// `[longitude, latitude]`.
        coordinates: [f64; 2],
    },
    /// A move or a joining: from, to.
    LineString {
        /// `[[longitude, latitude], [longitude, latitude]]`.
        coordinates: Vec<[f64; 2]>,
    },
}

/// A site's decision, as the report's map shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Kept.
    Keep,
    /// Released.
    Release,
    /// Kept because it must be (`must_keep` in `sites.csv`).
    MustKeep,
}

/// A feature's properties, tagged by `kind`.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Properties {
    /// A site.
    Site {
        /// Site code.
        id: String,
        /// Name.
        name: String,
        /// The owner's organisation id.
        owner: String,
        /// The owner's name.
        owner_name: String,
        /// Keep, release or must keep.
        decision: Decision,
        /// The release year (1-based), null when kept.
        year: Option<u32>,
        /// The reason in words, as in `sites.csv`.
        reason: String,
    },
    /// A population zone.
    Zone {
        /// Zone code.
        id: String,
        /// Name.
        name: String,
        /// Residents.
        population: u64,
        /// km to the nearest kept public-facing site; null when none is kept.
        nearest_kept_km: Option<f64>,
        /// The access rule is on and the zone is beyond its distance.
        beyond_access: bool,
    },
    /// A team's move to a site it works from in the plan.
    Move {
        /// Team code.
        team: String,
        /// The team's organisation id.
        organisation: String,
        /// People moved.
        headcount: f64,
        /// The team's site today.
        from_site: String,
        /// The site it moves to.
        to_site: String,
    },
    /// A shared-service hub.
    Hub {
        /// The hub's id, as in `hubs.csv`.
        hub: String,
        /// Function id.
        function: String,
        /// Site code.
        site: String,
        /// The host's organisation id.
        host: String,
        /// The year a new hub opens; null for a service that exists today.
        open_year: Option<u32>,
    },
    /// An in-house team of a partner function joining a hub.
    JoinsHub {
        /// The hub's id, as in `hubs.csv`.
        hub: String,
        /// The partner's organisation id.
        organisation: String,
        /// Function id.
        function: String,
        /// Team code.
        team: String,
        /// FTE the team transfers.
        fte: f64,
        /// The joining year (1-based).
        year: u32,
    },
}

/// Rounds to `places` decimals.
fn round(v: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (v * k).round() / k
}

/// An RFC 7946 position from `(longitude, latitude)`, rounded to 6 decimals.
fn position((lon, lat): (f64, f64)) -> [f64; 2] {
    [round(lon, 6), round(lat, 6)]
}

fn point(at: (f64, f64), properties: Properties) -> Feature {
    Feature {
        kind: "Feature",
        geometry: Geometry::Point {
            coordinates: position(at),
        },
        properties,
    }
}

fn line(from: (f64, f64), to: (f64, f64), properties: Properties) -> Feature {
    Feature {
        kind: "Feature",
        geometry: Geometry::LineString {
            coordinates: vec![position(from), position(to)],
        },
        properties,
    }
}

/// The plan as a FeatureCollection. `reasons` are the sites' reasons in site order, from
/// [`crate::estates::reasons::site_reasons`] (what `sites.csv` writes).
pub fn plan_geojson(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    reasons: &[String],
) -> FeatureCollection {
    let mut features = Vec::new();
    for l in super::located::sites(data, plan) {
        let (i, s) = (l.site, &data.sites[l.site]);
        let (decision, year) = match l.decision {
            MapDecision::Release { year } => (Decision::Release, Some(year)),
            MapDecision::MustKeep => (Decision::MustKeep, None),
            MapDecision::Keep => (Decision::Keep, None),
        };
        let owner = data.org(s.organisation);
        let properties = Properties::Site {
            id: s.id.clone(),
            name: s.name.clone(),
            owner: owner.id.clone(),
            owner_name: owner.name.clone(),
            decision,
            year,
            reason: reasons.get(i).cloned().unwrap_or_default(),
        };
        features.push(point(l.at, properties));
    }
    for l in super::located::zones(data, model, plan) {
        let z = &data.zones[l.zone];
        let properties = Properties::Zone {
            id: z.id.clone(),
            name: z.name.clone(),
            population: z.population,
            nearest_kept_km: l.nearest_km.is_finite().then(|| round(l.nearest_km, 3)),
            beyond_access: l.beyond,
        };
        features.push(point((z.location.lon, z.location.lat), properties));
    }
    for m in super::located::moves(data, plan) {
        let team = &data.teams[m.team];
        let properties = Properties::Move {
            team: team.id.clone(),
            organisation: data.org(team.organisation).id.clone(),
            headcount: round(f64::from(team.headcount) * m.share, 4),
            from_site: data.site(m.home).id.clone(),
            to_site: data.site(m.to).id.clone(),
        };
        features.push(line(m.from_at, m.to_at, properties));
    }
    let (hubs, joins) = super::services::located_layers(data, plan);
    for h in &hubs {
        let properties = Properties::Hub {
            hub: hub_id(data, h.hub),
            function: data.functions[h.hub.function].id.0.clone(),
            site: data.site(h.hub.site).id.clone(),
            host: data.org(h.hub.host).id.clone(),
            open_year: h.hub.service.is_none().then_some(h.hub.open_year),
        };
        features.push(point(h.at, properties));
    }
    for j in &joins {
        let properties = Properties::JoinsHub {
            hub: hub_id(data, j.hub),
            organisation: data.org(j.join.organisation).id.clone(),
            function: data.functions[j.join.function].id.0.clone(),
            team: data.teams[j.team].id.clone(),
            fte: round(j.fte, 4),
            year: j.join.year,
        };
        features.push(line(j.from, j.to, properties));
    }
    FeatureCollection {
        kind: "FeatureCollection",
        features,
    }
}

/// `plan.geojson`: [`plan_geojson`] as pretty-printed JSON.
pub fn plan_geojson_bytes(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    reasons: &[String],
) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(&plan_geojson(data, model, plan, reasons))?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estates::{candidates, milp::Ctx, reasons::site_reasons};
    use crate::plan::SiteDecision;
    use crate::plan::services::{Hub, Join};
    use serde_json::Value;

    /// `tests/data/tiny-services`: six located sites, four zones, today's HR service at S2.
    fn tiny_services() -> Dataset {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny-services");
        let loaded = crate::input::load(&dir, &ModelConfig::default());
        assert_eq!(loaded.errors(), 0);
        loaded.dataset
    }

    fn count(features: &[Value], kind: &str) -> usize {
        let of_kind = |f: &&Value| f["properties"]["kind"] == kind;
        features.iter().filter(of_kind).count()
    }

    #[test]
    fn positions_are_longitude_first_and_every_located_thing_is_one_feature() {
        let mut data = tiny_services();
        // A site without coordinates is left out.
        data.sites[5].location = None;
        let model = ModelConfig::default();
        let by_id = |id: &str| data.sites.iter().position(|s| s.id == id).unwrap();
        let (s2, s4, s5) = (by_id("S2"), by_id("S4"), by_id("S5"));
        let mut plan = Plan::baseline(&data);
        plan.sites[s5] = SiteDecision::Release(2);
        plan.sites[s4] = SiteDecision::Release(1);
        // G1's team moves from S5 to S2, split 70/30 with S1 (two moves).
        let g1 = data.teams.iter().position(|t| t.id == "G1-all").unwrap();
        let s1 = by_id("S1");
        plan.teams[g1] = vec![
            (crate::domain::SiteIx(s2 as u32), 0.7),
            (crate::domain::SiteIx(s1 as u32), 0.3),
        ];
        // A new finance hub at S1 hosted by T1, which C1's finance team (at S3) joins in year 2.
        let finance = data
            .functions
            .iter()
            .position(|f| f.id.0 == "finance")
            .unwrap();
        let c1 = data
            .teams
            .iter()
            .find(|t| t.id == "C1-fin")
            .unwrap()
            .organisation;
        let host = data.sites[s1].organisation;
        plan.services.hubs.push(Hub {
            function: finance,
            site: crate::domain::SiteIx(s1 as u32),
            host,
            service: None,
            open_year: 2,
        });
        let hub = plan.services.hubs.len() - 1;
        for organisation in [host, c1] {
            let (function, year) = (finance, 2);
            let join = Join {
                organisation,
                function,
                hub,
                year,
            };
            plan.services.joins.push(join);
        }
        let cand = candidates::build(&data, &model);
        let ctx = Ctx {
            data: &data,
            cand: &cand,
            model: &model,
        };
        let reasons = site_reasons(&ctx, &plan, None);
        let json = serde_json::to_value(plan_geojson(&data, &model, &plan, &reasons)).unwrap();
        assert_eq!(json["type"], "FeatureCollection");
        assert!(json.get("crs").is_none(), "RFC 7946 has no crs member");
        let features = json["features"].as_array().unwrap();
        let located = data.sites.iter().filter(|s| s.location.is_some()).count();
        assert_eq!(located, 5);
        assert_eq!(count(features, "site"), located);
        assert_eq!(count(features, "zone"), data.zones.len());
        assert_eq!(count(features, "move"), 2);
        assert_eq!(count(features, "hub"), plan.services.hubs.len());
        // T1's finance team at S1 joins a hub at S1 (a zero-length line is still a line); C1's from S3.
        assert_eq!(count(features, "joins_hub"), 2);
        let total = located + data.zones.len() + 2 + plan.services.hubs.len() + 2;
        assert_eq!(features.len(), total);
        // Longitude first (Greater Manchester: lon about -2.2, lat about 53.5), 6 decimals at most.
        for f in features {
            let g = &f["geometry"];
            let positions: Vec<&Value> = match g["type"].as_str().unwrap() {
                "Point" => vec![&g["coordinates"]],
                "LineString" => g["coordinates"].as_array().unwrap().iter().collect(),
                other => panic!("unexpected geometry {other}"),
            };
            for p in positions {
                let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                assert!(
                    (-2.4..-2.1).contains(&lon) && (53.4..53.6).contains(&lat),
                    "{p}"
                );
                assert_eq!(lon, round(lon, 6));
            }
        }
        let site = |id: &str| {
            let is = |f: &&Value| f["properties"]["kind"] == "site" && f["properties"]["id"] == id;
            features.iter().find(is).unwrap()["properties"].clone()
        };
        let first = &data.sites[0];
        let g = &features[0]["geometry"]["coordinates"];
        let l = first.location.unwrap();
        assert_eq!((g[0].as_f64(), g[1].as_f64()), (Some(l.lon), Some(l.lat)));
        assert_eq!(site("S5")["decision"], "release");
        assert_eq!(site("S5")["year"], 2);
        assert_eq!(site("S5")["reason"], reasons[s5].as_str());
        assert_eq!(site("S1")["decision"], "must_keep");
        assert_eq!(site("S2")["decision"], "keep");
        assert!(site("S2")["year"].is_null());
        let hubs: Vec<&Value> = features
            .iter()
            .filter(|f| f["properties"]["kind"] == "hub")
            .collect();
        assert!(
            hubs[0]["properties"]["open_year"].is_null(),
            "today's HR service"
        );
        assert_eq!(hubs[1]["properties"]["open_year"], 2);
        assert_eq!(hubs[1]["properties"]["hub"], "finance:S1");
    }
}
