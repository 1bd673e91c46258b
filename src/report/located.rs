//! What a plan puts on a map, decided once for the SVG map of `report.html` and for `plan.geojson`: the sites
//! with a location and what the plan does with each, the team moves with both ends located, and each zone's
//! distance to its nearest kept public-facing site against the access limit. (Hubs and their members:
//! [`super::services::located_layers`].)

use super::svg::MapDecision;
use crate::domain::{Dataset, SiteIx};
use crate::model_config::ModelConfig;
use crate::plan::{Plan, SiteDecision};

/// A site with a location.
pub struct LocatedSite {
    /// Index into [`Dataset::sites`].
    pub site: usize,
    /// `(longitude, latitude)`.
    pub at: (f64, f64),
    /// What the plan does with it.
    pub decision: MapDecision,
}

/// A share of a team moving between two located sites.
pub struct LocatedMove {
    /// Index into [`Dataset::teams`].
    pub team: usize,
    /// Where it works today.
    pub home: SiteIx,
    /// Where the plan puts this share.
    pub to: SiteIx,
    /// The share of the team.
    pub share: f64,
    /// `(longitude, latitude)` of both ends.
    pub from_at: (f64, f64),
    /// ...
    pub to_at: (f64, f64),
}

/// A zone and its access.
pub struct LocatedZone {
    /// Index into [`Dataset::zones`].
    pub zone: usize,
    /// Distance to its nearest kept public-facing site (infinite when none).
    pub nearest_km: f64,
    /// Further than the access limit (when the access rule is on).
    pub beyond: bool,
}

fn at(data: &Dataset, s: SiteIx) -> Option<(f64, f64)> {
    data.site(s).location.map(|l| (l.lon, l.lat))
}

/// The located sites, in site order.
pub fn sites(data: &Dataset, plan: &Plan) -> Vec<LocatedSite> {
    data.sites
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let decision = match plan.sites[i] {
                SiteDecision::Release(year) => MapDecision::Release { year },
                SiteDecision::Keep if s.must_keep => MapDecision::MustKeep,
                SiteDecision::Keep => MapDecision::Keep,
            };
            let at = s.location.map(|l| (l.lon, l.lat))?;
            Some(LocatedSite {
                site: i,
                at,
                decision,
            })
        })
        .collect()
}

/// The located team moves, in team order.
pub fn moves(data: &Dataset, plan: &Plan) -> Vec<LocatedMove> {
    let mut out = Vec::new();
    for (t, team) in data.teams.iter().enumerate() {
        let Some((home, from_at)) = team.site.and_then(|h| Some((h, at(data, h)?))) else {
            continue;
        };
        for &(to, share) in &plan.teams[t] {
            if let Some(to_at) = at(data, to).filter(|_| to != home) {
                out.push(LocatedMove {
                    team: t,
                    home,
                    to,
                    share,
                    from_at,
                    to_at,
                });
            }
        }
    }
    out
}

/// Every zone with its access, in zone order.
pub fn zones(data: &Dataset, model: &ModelConfig, plan: &Plan) -> Vec<LocatedZone> {
    let access = &model.estates.access;
    crate::plan::zone_access_km(data, plan)
        .into_iter()
        .enumerate()
        .map(|(zone, nearest_km)| LocatedZone {
            zone,
            nearest_km,
            beyond: access.enabled && nearest_km > access.max_km,
        })
        .collect()
}
