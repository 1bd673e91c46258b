//! The rules of hubs: today's services are all there as they are; a hub takes its new members in one wave (one
//! year); a new hub sits at a kept site, is hosted by
//! the site's owner, opens in its first member's year and serves at least `min_members` partners; a function has at most `max_hubs` hubs; the
//! programme's yearly capacity holds.

use crate::check::{Rule, Violation};
use crate::domain::Dataset;
use crate::model_config::ModelConfig;
use crate::plan::{Plan, SiteDecision};
use std::collections::BTreeMap;

/// `hubs`: today's services unchanged; each new hub at a kept site of its host, opened in its first member's
/// year, with members; at most `max_hubs` per function.
pub(crate) fn hubs(data: &Dataset, model: &ModelConfig, plan: &Plan, out: &mut Vec<Violation>) {
    let sp = &plan.services;
    let mut bad = |d: String| out.push(Violation::new(Rule::Hubs, d));
    for (i, sv) in data.services.iter().enumerate() {
        let there = sp.hubs.iter().any(|h| {
            h.service == Some(i)
                && h.site == sv.site
                && h.host == sv.host
                && h.function == sv.function
        });
        if !there {
            bad(format!("today's service {} is missing or moved", sv.id));
        }
    }
    let mut per_function: BTreeMap<usize, u32> = BTreeMap::new();
    for (h, hub) in sp.hubs.iter().enumerate() {
        *per_function.entry(hub.function).or_default() += 1;
        let years: std::collections::BTreeSet<u32> = sp
            .joins
            .iter()
            .filter(|j| j.hub == h)
            .map(|j| j.year)
            .collect();
        if years.len() > 1 {
            let site = &data.site(hub.site).id;
            bad(format!(
                "the {} hub at {site} takes new members in years {years:?}: a hub takes its new members in one wave",
                data.functions[hub.function].id.0
            ));
        }
        if hub.service.is_some() {
            continue;
        }
        let site = data.site(hub.site);
        let at = format!(
            "the new {} hub at {}",
            data.functions[hub.function].id.0, site.id
        );
        if plan.sites[hub.site.ix()] != SiteDecision::Keep {
            bad(format!("{at} is on a site the plan releases"));
        }
        if site.organisation != hub.host {
            bad(format!(
                "{at} is hosted by {}, not the site's owner",
                data.org(hub.host).id
            ));
        }
        let members = sp.joins.iter().filter(|j| j.hub == h).count();
        let min = model.shared_services.min_members as usize;
        if members > 0 && members < min {
            bad(format!(
                "{at} serves {members} partner(s), fewer than {min}"
            ));
        }
        let first = sp.joins.iter().filter(|j| j.hub == h).map(|j| j.year).min();
        match first {
            None => bad(format!("{at} has no members")),
            Some(y) if y != hub.open_year => bad(format!(
                "{at} opens in year {} but its first member joins in year {y}",
                hub.open_year
            )),
            Some(_) => {}
        }
    }
    if model.shared_services.max_hubs {
        for (f, n) in per_function {
            let spec = &data.functions[f];
            let today = data.services.iter().filter(|s| s.function == f).count() as u32;
            if n > spec.max_hubs.max(today) {
                bad(format!(
                    "{} has {n} hubs, above its limit of {}",
                    spec.id.0, spec.max_hubs
                ));
            }
        }
    }
}

/// `programme`: at most `programme_capacity` joinings in any one year.
pub(crate) fn programme(model: &ModelConfig, plan: &Plan, out: &mut Vec<Violation>) {
    let Some(cap) = model.shared_services.programme_capacity else {
        return;
    };
    let mut per_year: BTreeMap<u32, u32> = BTreeMap::new();
    for j in &plan.services.joins {
        *per_year.entry(j.year).or_default() += 1;
    }
    for (y, n) in per_year {
        if n > cap {
            let detail = format!(
                "{n} partner functions join a hub in year {y}, above the programme's {cap}"
            );
            out.push(Violation::new(Rule::Programme, detail));
        }
    }
}
