//! `report.html`: one self-contained page per plan or comparison that works offline (inline CSS, inline SVG and a
//! few lines of inline script to sort tables; nothing fetched).
//!
//! Pages are rendered from templates in `src/report/templates/` (minijinja, HTML auto-escaping on) with view
//! structs built here; the map and charts come from [`super::svg`]. The same [`PlanView`] serves `plan` (a
//! solved plan) and `evaluate` (a plan read from files), so both pages show the same figures the same way. The
//! headline tiles and the side-by-side table of a comparison come from the figures catalogue
//! ([`crate::plan::headline`]); no figure is listed here.

use super::svg::{self, MapInput, MapMove, MapSite, MapZone};
use crate::assess::Assessment;
use crate::compare::Comparison;
use crate::domain::{Dataset, OrgIx, SiteIx};
use crate::error::Error;
use crate::estates::shapley::ShapleyShares;
use crate::geo::haversine_km;
use crate::model_config::ModelConfig;
use crate::plan::award::Timing;
use crate::plan::headline::{Better, Source, View, in_view};
use crate::plan::{Plan, SiteDecision};
use crate::text::money;
use minijinja::Environment;
use serde::Serialize;
use std::collections::BTreeMap;

/// Attribution carried by every page (the inputs' licence terms).
pub const ATTRIBUTION: &str = "Contains public sector information licensed under the Open Government Licence \
v3.0 (NHS Digital ERIC, ONS boundaries and population estimates, council spend data) where the data set is built \
from them.";

/// One status line at the top of a page.
#[derive(Debug, Clone, Serialize)]
pub struct StatusLine {
    /// What the status is about (`Estates`, `Procurement`, `Check`, ...).
    pub label: String,
    /// The status word (`optimal`, `feasible`, `infeasible`, `passed`, `failed`, ...).
    pub status: String,
    /// The status in a sentence.
    pub words: String,
    /// CSS class: `ok`, `warn` or `bad`.
    pub class: &'static str,
}

impl StatusLine {
    /// A status line; the colour follows the status word.
    pub fn new(label: &str, status: &str, words: impl Into<String>) -> StatusLine {
        let class = match status {
            "optimal" | "passed" | "clean" => "ok",
            "feasible" | "not run" => "warn",
            _ => "bad",
        };
        StatusLine {
            label: label.into(),
            status: status.into(),
            words: words.into(),
            class,
        }
    }
}

/// What a plan page shows.
#[derive(Debug, Clone)]
pub struct PlanView<'a> {
    /// Page title.
    pub title: String,
    /// Line under the title (data set, model).
    pub subtitle: String,
    /// Status lines, most important first.
    pub statuses: Vec<StatusLine>,
    /// Rule conflicts of an infeasible model, in words.
    pub conflicts: Vec<String>,
    /// The plan with its figures and violations.
    pub assessment: &'a Assessment,
    /// The reason for each site's and unit's decision (no sites: no sites table).
    pub reasons: crate::estates::reasons::Reasons,
    /// Each category's solver status (empty for a plan read from files).
    pub category_status: BTreeMap<String, String>,
    /// `plan --explain N`: the top decisions forced the other way.
    pub explained: &'a [crate::estates::explain::Explanation],
    /// `plan --shapley`: the Shapley shares of the estates saving, or why they could not be computed.
    pub shapley: Option<&'a Result<ShapleyShares, String>>,
}

fn env() -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    for (name, text) in [
        ("base.html", include_str!("templates/base.html")),
        ("names.html", include_str!("templates/names.html")),
        ("plan.html", include_str!("templates/plan.html")),
        ("compare.html", include_str!("templates/compare.html")),
        ("run.html", include_str!("templates/run.html")),
    ] {
        env.add_template(name, text)
            .map_err(|e| Error::Other(format!("report template {name}: {e}")))?;
    }
    Ok(env)
}

/// Renders one of the report templates (`plan.html`, `compare.html`, `run.html`) with a context.
pub fn render_named(name: &str, ctx: minijinja::Value) -> Result<String, Error> {
    render(name, ctx)
}

fn render(name: &str, ctx: minijinja::Value) -> Result<String, Error> {
    let env = env()?;
    let t = env
        .get_template(name)
        .map_err(|e| Error::Other(format!("report template {name}: {e}")))?;
    t.render(ctx)
        .map_err(|e| Error::Other(format!("rendering {name}: {e}")))
}

/// A number with its text: tables sort by `v` and show `text`.
#[derive(Debug, Serialize)]
pub(super) struct Num {
    pub(super) v: f64,
    pub(super) text: String,
}

/// A name for a reader with the code the CSV files carry: tables show the name and keep the code on a small
/// second line (the `named` macro of `names.html`), so a board member reads "NHS Bolton CCG" and an analyst can
/// still match the row to `shares.csv` by `00T`.
#[derive(Debug, Serialize)]
pub(super) struct Named {
    pub(super) name: String,
    pub(super) code: String,
}

impl Named {
    fn new(name: &str, code: &str) -> Named {
        // An empty name would leave an empty cell: show the code alone.
        let name = if name.trim().is_empty() { code } else { name };
        Named {
            name: name.into(),
            code: code.into(),
        }
    }

    /// An organisation by its index.
    pub(super) fn org(data: &Dataset, ix: OrgIx) -> Named {
        let o = data.org(ix);
        Named::new(&o.name, &o.id)
    }

    /// An organisation by its code, as plan files and figures name it (the code alone when it is unknown).
    pub(super) fn org_code(data: &Dataset, code: &str) -> Named {
        let found = data.organisations.iter().find(|o| o.id == code);
        Named::new(found.map_or(code, |o| o.name.as_str()), code)
    }

    /// A site by its index.
    pub(super) fn site(data: &Dataset, ix: SiteIx) -> Named {
        let s = data.site(ix);
        Named::new(&s.name, &s.id)
    }

    /// A supplier by its code (the code alone when it is unknown).
    pub(super) fn supplier_code(data: &Dataset, code: &str) -> Named {
        let found = data.suppliers.iter().find(|s| s.id == code);
        Named::new(found.map_or(code, |s| s.name.as_str()), code)
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The map of a plan: boroughs, sites by decision, team moves, zones beyond the access distance.
pub fn map_input(data: &Dataset, model: &ModelConfig, plan: &Plan) -> MapInput {
    let sites = super::located::sites(data, plan)
        .into_iter()
        .map(|l| {
            let s = &data.sites[l.site];
            MapSite {
                id: s.id.clone(),
                name: s.name.clone(),
                partner: data.org(s.organisation).name.clone(),
                lon: l.at.0,
                lat: l.at.1,
                decision: l.decision,
            }
        })
        .collect();
    let moves = super::located::moves(data, plan)
        .into_iter()
        .map(|m| {
            let team = &data.teams[m.team];
            let people = f64::from(team.headcount) * m.share;
            MapMove {
                from: m.from_at,
                to: m.to_at,
                headcount: people,
                label: format!(
                    "{} ({}): {people:.0} people from {} to {}",
                    team.id,
                    data.org(team.organisation).name,
                    data.site(m.home).name,
                    data.site(m.to).name
                ),
            }
        })
        .collect();
    let access = &model.estates.access;
    let zones = super::located::zones(data, model, plan)
        .into_iter()
        .map(|l| {
            let z = &data.zones[l.zone];
            MapZone {
                id: format!("{} ({})", z.name, z.id),
                lon: z.location.lon,
                lat: z.location.lat,
                population: z.population,
                nearest_km: l.nearest_km,
                beyond: l.beyond,
            }
        })
        .collect();
    let (hubs, links) = super::services::map_layers(data, plan);
    MapInput {
        boroughs: data.boroughs.clone(),
        sites,
        moves,
        zones,
        access_km: access.enabled.then_some(access.max_km),
        hubs,
        links,
    }
}

/// One headline tile.
#[derive(Debug, Serialize)]
pub(crate) struct Kpi {
    pub(crate) label: String,
    pub(crate) value: String,
}

/// The headline tiles: the catalogue's `Html` figures of the parts the plan has, grouped by part (whole plan,
/// estates, award) so each part's tiles sit together, in catalogue order within a part.
pub(crate) fn headline(s: &Source<'_>) -> Vec<Kpi> {
    let mut shown: Vec<_> = in_view(View::Html).filter(|f| s.has(f.part)).collect();
    shown.sort_by_key(|f| f.part);
    shown
        .into_iter()
        .map(|f| Kpi {
            label: f.label(),
            value: f.text(s),
        })
        .collect()
}

#[derive(Serialize)]
struct Violation<'a> {
    rule: &'a str,
    scope: Option<&'a str>,
    detail: &'a str,
    plan: &'a str,
}

fn violations(a: &Assessment) -> Vec<Violation<'_>> {
    a.violations
        .iter()
        .map(|(scope, v)| Violation {
            rule: v.rule.name(),
            scope: scope.as_deref(),
            detail: &v.detail,
            plan: &a.name,
        })
        .collect()
}

/// Renders a plan page.
pub fn plan_html(
    data: &Dataset,
    model: &ModelConfig,
    view: &PlanView<'_>,
) -> Result<String, Error> {
    let a = view.assessment;
    let has_estates = a.has_estates();
    let map = has_estates.then(|| svg::map_svg(&map_input(data, model, &a.plan), 900));
    let partners: Vec<(String, f64)> = a
        .savings_by_partner()
        .into_iter()
        .filter(|(_, v)| v.abs() > 0.5)
        .map(|(id, v)| (Named::org_code(data, &id).name, v))
        .collect();
    let partner_chart = svg::bar_chart_svg(
        "Net saving by partner (GBP, present value)",
        &partners,
        "GBP",
        560,
    );
    let mut series = Vec::new();
    if let Some(k) = &a.kpis {
        series.push(("Estates net saving".to_string(), k.savings_by_year.clone()));
        series.push((
            "Estates one-off costs".to_string(),
            k.one_off_by_year.iter().map(|c| -c).collect(),
        ));
    }
    if a.awards.is_some() {
        let mut by_year = vec![0.0; model.horizon_years as usize];
        for f in a.award_figures.values() {
            for (o, v) in by_year.iter_mut().zip(&f.by_year) {
                *o += v;
            }
        }
        series.push(("Award net saving".to_string(), by_year));
    }
    let year_chart = svg::year_chart_svg("Net saving by year (GBP, undiscounted)", &series, 560);
    let sites: Vec<_> = if has_estates && !view.reasons.sites.is_empty() {
        data.sites
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (decision, year, saving) = match a.plan.sites[i] {
                    SiteDecision::Keep => ("keep", String::new(), 0.0),
                    SiteDecision::Release(y) => ("release", y.to_string(), s.running.total()),
                };
                minijinja::context! {
                    id => s.id, name => s.name, owner => Named::org(data, s.organisation),
                    decision, year, saving, saving_text => money(saving), reason => view.reasons.sites[i],
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let units = if has_estates {
        super::units::html_rows(data, a, &view.reasons.units)
    } else {
        Vec::new()
    };
    let (npv_parts, transfers) = npv_part_rows(a.kpis.as_ref());
    let carter = (a.kpis.as_ref().and_then(|k| k.carter.as_ref())).map(|c| {
        let rows = super::carter::rows(c);
        minijinja::context! { sites => c.surveyed_sites, rows }
    });
    let deprivation = (a.kpis.as_ref())
        .filter(|k| !k.access_by_deprivation.is_empty())
        .map(|k| {
            let rows = super::deprivation::rows(&k.access_by_deprivation);
            let note = super::deprivation::note(model.estates.access.deprived_deciles);
            minijinja::context! { heads => super::deprivation::HEADS, rows, note }
        });
    let moves = move_rows(data, &a.plan);
    let categories = category_rows(data, a, &view.category_status);
    let award_lines = award_rows(data, a);
    let shares = super::shares::table(data, a, view.shapley);
    let (services, service_functions, hubs) = services_tables(data, a);
    render(
        "plan.html",
        minijinja::context! {
            title => view.title, subtitle => view.subtitle, statuses => view.statuses,
            conflicts => view.conflicts, violations => violations(a), headline => headline(&crate::compare::source(a)),
            map, access_km => model.estates.access.enabled.then_some(model.estates.access.max_km),
            partner_chart, year_chart, sites, units, npv_parts, transfers, appraisal => super::appraisal_words(model), carter, deprivation, moves, categories, award_lines, services, service_functions, hubs,
            award_basis => crate::plan::award::basis(model),
            award_against => crate::plan::award::against_published(&a.award_figures.values().collect::<Vec<_>>()),
            explained => view.explained.iter().map(|e| minijinja::context! {
                kind => e.kind, id => e.id, name => e.name, planned => e.planned, forced => e.forced.name(), status => e.status,
                change => e.npv_change.unwrap_or(0.0),
                change_text => e.npv_change.map_or("n/a".into(), money),
                effect => super::explain_effect(e),
            }).collect::<Vec<_>>(),
            shares => shares.rows, shares_heads => shares.heads, shares_rule => shares.rule,
            version => env!("CARGO_PKG_VERSION"), generated => generated(), attribution => ATTRIBUTION,
        },
    )
}

/// The rows of the NPV-parts table (the non-zero parts and the total) and the sentence on rent between partners.
fn npv_part_rows(k: Option<&crate::plan::Kpis>) -> (Vec<minijinja::Value>, Option<String>) {
    let Some(k) = k else {
        return (Vec::new(), None);
    };
    let (rows, transfers) = super::npv_part_lines(&k.npv_parts);
    let rows = (rows.into_iter())
        .map(|(words, text)| minijinja::context! { words, text })
        .collect();
    (rows, transfers)
}

/// The shared-services matrix (partner x function, coloured by who delivers it), its function columns and the
/// hubs table; all empty without shared services.
fn services_tables(
    data: &Dataset,
    a: &Assessment,
) -> (Vec<minijinja::Value>, Vec<Named>, Vec<minijinja::Value>) {
    let Some(k) = a.kpis.as_ref().and_then(|k| k.shared_services.as_ref()) else {
        return Default::default();
    };
    let rows = crate::estates::service_reasons::rows(data, &a.candidates, &a.plan, k);
    let functions: Vec<usize> = (0..data.functions.len())
        .filter(|&f| rows.iter().any(|r| r.function == f))
        .collect();
    // One colour per hub id, from a fixed palette; in house stays grey.
    const PALETTE: [&str; 8] = [
        "#cfe8ff", "#d8f5d0", "#ffe3c4", "#f0d4ff", "#fff5b8", "#c9f2ee", "#ffd6dc", "#e2e2ff",
    ];
    let mut colours: BTreeMap<String, &str> = BTreeMap::new();
    let mut orgs: Vec<_> = rows.iter().map(|r| r.organisation).collect();
    orgs.dedup();
    let matrix = orgs
        .into_iter()
        .map(|org| {
            let cells: Vec<_> = functions
                .iter()
                .map(|&f| match rows.iter().find(|r| r.organisation == org && r.function == f) {
                    None => minijinja::context! { text => "", reason => "", colour => "#ffffff" },
                    Some(r) if r.delivered_by == "in_house" => {
                        minijinja::context! { text => "in house", reason => r.reason, colour => "#f1f1f1" }
                    }
                    Some(r) => {
                        let n = colours.len();
                        let colour = *colours.entry(r.delivered_by.clone()).or_insert(PALETTE[n % PALETTE.len()]);
                        let text = match r.join_year {
                            0 => r.delivered_by.clone(),
                            y => format!("{} (year {y})", r.delivered_by),
                        };
                        minijinja::context! { text, reason => r.reason, colour }
                    }
                })
                .collect();
            minijinja::context! { partner => Named::org(data, org), cells }
        })
        .collect();
    let hubs = a
        .plan
        .services
        .hubs
        .iter()
        .zip(&k.hubs)
        .map(|(h, f)| {
            minijinja::context! {
                id => crate::plan::files::hub_id(data, h), function => data.functions[h.function].name,
                site => Named::site(data, h.site), host => Named::org(data, h.host), members => f.members,
                pooled => f.fte_pooled, pooled_text => format!("{:.1}", f.fte_pooled),
                hub_fte => f.hub_fte, hub_fte_text => format!("{:.1}", f.hub_fte),
                saved => f.fte_saved, saved_text => format!("{:.1}", f.fte_saved),
                opens => if h.open_year > 0 { format!("year {}", h.open_year) } else { "today".into() },
            }
        })
        .collect();
    let heads = functions
        .iter()
        .map(|&f| Named::new(&data.functions[f].name, &data.functions[f].id.0))
        .collect();
    (matrix, heads, hubs)
}

fn generated() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M").to_string()
}

fn move_rows(data: &Dataset, plan: &Plan) -> Vec<minijinja::Value> {
    let mut out = Vec::new();
    for (t, team) in data.teams.iter().enumerate() {
        for &(s, share) in &plan.teams[t] {
            if Some(s) == team.site {
                continue;
            }
            let people = f64::from(team.headcount) * share;
            let km = team
                .site
                .and_then(|f| data.site(f).location)
                .zip(data.site(s).location)
                .map(|(a, b)| haversine_km(a, b));
            out.push(minijinja::context! {
                team => team.id, partner => Named::org(data, team.organisation),
                from => team.site.map(|f| Named::site(data, f)),
                to => Named::site(data, s), people, people_text => format!("{people:.0}"),
                km => km.unwrap_or(0.0), km_text => km.map_or("n/a".into(), |k| format!("{k:.2}")),
            });
        }
    }
    out
}

fn category_rows(
    data: &Dataset,
    a: &Assessment,
    status: &BTreeMap<String, String>,
) -> Vec<minijinja::Value> {
    a.award_figures
        .iter()
        .map(|(c, f)| {
            let row = data.categories.iter().find(|r| &r.id == c);
            let cap = row.map(|r| r.price_effect);
            let rate = f.saving_rates().last().copied().unwrap_or(0.0);
            minijinja::context! {
                category => c,
                route => row.map_or("aggregation", |r| r.route.as_str()),
                cap => cap, cap_text => cap.map_or("none".into(), pct),
                rate => rate, rate_text => pct(rate),
                status => status.get(c).cloned().unwrap_or_else(|| "from file".into()),
                spend => f.spend_today, spend_text => money(f.spend_today),
                tail => f.tail.spend, tail_text => money(f.tail.spend), tail_suppliers => f.tail.suppliers,
                npv => f.npv, npv_text => money(f.npv), switches => f.switches,
                sme_before => f.local_sme_share_today, sme_before_text => pct(f.local_sme_share_today),
                sme_after => f.local_sme_share, sme_after_text => pct(f.local_sme_share),
            }
        })
        .collect()
}

fn award_rows(data: &Dataset, a: &Assessment) -> Vec<minijinja::Value> {
    a.award_figures
        .values()
        .flat_map(|f| &f.lines)
        .filter(|l| l.from_supplier != l.to_supplier || l.timing != Timing::Natural)
        .map(|l| {
            minijinja::context! {
                contract => l.contract, partner => Named::org_code(data, &l.partner),
                from => Named::supplier_code(data, &l.from_supplier),
                to => Named::supplier_code(data, &l.to_supplier), share => l.share, share_text => pct(l.share),
                timing => l.timing.name(), start => l.start_year.map_or(String::new(), |y| y.to_string()),
                npv => l.npv_saving, npv_text => money(l.npv_saving), reason => l.reason(),
            }
        })
        .collect()
}

/// Renders a comparison page.
pub fn compare_html(
    data: &Dataset,
    model: &ModelConfig,
    c: &Comparison,
    title: &str,
) -> Result<String, Error> {
    let names: Vec<&str> = c.plans.iter().map(|p| p.name.as_str()).collect();
    let mut order: Vec<usize> = (0..c.plans.len()).collect();
    order.sort_by_key(|&i| c.rank[i]);
    let ranking: Vec<_> = order
        .iter()
        .map(|&i| {
            let p = &c.plans[i];
            minijinja::context! { name => p.name, npv => money(p.total_npv()), violations => p.violations.len() }
        })
        .collect();
    let kpis: Vec<_> = c
        .kpis
        .iter()
        .map(|r| {
            let best = match r.better {
                Better::Higher => r.values.iter().flatten().copied().reduce(f64::max),
                Better::Lower => r.values.iter().flatten().copied().reduce(f64::min),
                Better::Neither => None,
            };
            let all_same = r.values.iter().all(|v| v == &r.values[0]);
            let cells: Vec<_> = r
                .values
                .iter()
                .map(|v| {
                    let is_best = !all_same && best.is_some() && *v == best;
                    minijinja::context! {
                        v => v.unwrap_or(0.0), text => r.unit.text(*v), best => is_best,
                    }
                })
                .collect();
            minijinja::context! { label => r.label, cells }
        })
        .collect();
    let npv: Vec<(String, f64)> = c
        .plans
        .iter()
        .map(|p| (p.name.clone(), p.total_npv()))
        .collect();
    let npv_chart = svg::bar_chart_svg("Net present value, total (GBP)", &npv, "GBP", 560);
    let series: Vec<(String, Vec<f64>)> = c
        .plans
        .iter()
        .map(|p| (p.name.clone(), p.savings_by_year()))
        .collect();
    let year_chart = svg::year_chart_svg("Net saving by year (GBP, undiscounted)", &series, 560);
    let maps: Vec<_> = c
        .plans
        .iter()
        .filter(|p| p.has_estates())
        .map(|p| {
            let svg = svg::map_svg(&map_input(data, model, &p.plan), 560);
            minijinja::context! { name => p.name, svg }
        })
        .collect();
    let all_violations: Vec<_> = c.plans.iter().flat_map(violations).collect();
    render(
        "compare.html",
        minijinja::context! {
            title, subtitle => format!("{} plans compared on model {}", c.plans.len(), model.name),
            plans => names, ranking, kpis, npv_chart, year_chart, maps,
            differences => c.differences, violations => all_violations,
            version => env!("CARGO_PKG_VERSION"), generated => generated(), attribution => ATTRIBUTION,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tests/data/tiny`: partners T1, C1 and G1, suppliers ACME, BOLT and CLEAN ("Clean & Co").
    fn tiny() -> Dataset {
        crate::input::tiny_for_tests()
    }

    /// One cell through the `named` macro, as the page templates call it.
    fn cell(x: &Named, tag: &str) -> String {
        let mut env = env().unwrap();
        // Named `.html` so auto-escaping is on, as for the pages.
        let source = r#"{% from "names.html" import named %}{{ named(x, tag) }}"#;
        env.add_template("cell.html", source).unwrap();
        let t = env.get_template("cell.html").unwrap();
        t.render(minijinja::context! { x, tag }).unwrap()
    }

    #[test]
    fn a_named_cell_shows_the_name_with_its_code_on_a_second_line() {
        let data = tiny();
        let council = Named::org_code(&data, "C1");
        assert_eq!(
            cell(&council, "td"),
            "<td>Northfield Council<span class=\"code\">C1</span></td>"
        );
        let clean = Named::supplier_code(&data, "CLEAN");
        assert_eq!(
            cell(&clean, "th"),
            "<th>Clean &amp; Co<span class=\"code\">CLEAN</span></th>"
        );
        let by_index = Named::org(&data, data.sites[0].organisation);
        assert_eq!(by_index.name, data.org(data.sites[0].organisation).name);
        let site = Named::site(&data, crate::domain::SiteIx(0));
        assert_eq!(
            (site.name, site.code),
            (data.sites[0].name.clone(), data.sites[0].id.clone())
        );
    }

    #[test]
    fn a_code_with_no_name_shows_once() {
        let data = tiny();
        // A partner a hand-written plan names but the data set does not know, and a blank name.
        let unknown = Named::org_code(&data, "X9");
        assert_eq!(cell(&unknown, "td"), "<td>X9</td>");
        assert_eq!(cell(&Named::new("  ", "K1"), "td"), "<td>K1</td>");
    }
}
