//! `index.html` of a run folder: every scenario with its status and figures and a link to its report, and per
//! sweep the Pareto front of savings against worst access and sites released, drawn as an inline SVG chart.
//!
//! Pareto rule: a scenario is on the front of its sweep when no other scenario of the sweep is at least as good
//! on all three of NPV (higher is better), worst zone access (lower) and sites released (fewer is less
//! disruption) and better on one.

use super::execute::ScenarioResult;
use crate::error::Error;
use crate::solve::Status;
use crate::text::money;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// True for each result on the Pareto front of its sweep (scenarios outside sweeps, or without figures: false).
pub fn pareto(results: &[ScenarioResult]) -> Vec<bool> {
    let point = |r: &ScenarioResult| Some((r.npv?, r.worst_access_km?, r.sites_released? as f64));
    results
        .iter()
        .map(|r| {
            let (Some(sweep), Some(p)) = (&r.sweep, point(r)) else {
                return false;
            };
            !results.iter().any(|o| {
                let same = o.sweep.as_ref().is_some_and(|x| x.sweep == sweep.sweep);
                match point(o) {
                    Some(q) if same => {
                        let no_worse = q.0 >= p.0 && q.1 <= p.1 && q.2 <= p.2;
                        let better = q.0 > p.0 || q.1 < p.1 || q.2 < p.2;
                        no_worse && better
                    }
                    _ => false,
                }
            })
        })
        .collect()
}

/// A scatter chart of one sweep: worst access (x) against NPV (y), front points filled and joined. When every
/// scenario of the sweep has the same worst access (a flat axis says nothing), sites released go on x instead.
fn front_svg(title: &str, points: &[(&ScenarioResult, bool)]) -> String {
    let (w, h, m) = (560.0, 300.0, 84.0);
    let access: Vec<f64> = points
        .iter()
        .filter_map(|(r, _)| r.worst_access_km)
        .collect();
    let flat = access.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        - access.iter().copied().fold(f64::INFINITY, f64::min)
        < 0.01;
    let x_of = |r: &ScenarioResult| {
        if flat {
            r.sites_released.map(|n| n as f64)
        } else {
            r.worst_access_km
        }
    };
    let x_label = if flat {
        "sites released (worst access is the same in every scenario)"
    } else {
        "worst zone access (km)"
    };
    let title = if flat {
        title.replace("worst access", "sites released")
    } else {
        title.to_string()
    };
    let title = title.as_str();
    let xs: Vec<f64> = points.iter().filter_map(|(r, _)| x_of(r)).collect();
    let ys: Vec<f64> = points.iter().filter_map(|(r, _)| r.npv).collect();
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart pareto\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
         height=\"{h}\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"11\">",
        esc(title)
    );
    let _ = write!(o, "<text x=\"{m}\" y=\"16\">{}</text>", esc(title));
    if xs.is_empty() || ys.is_empty() {
        o.push_str("<text x=\"60\" y=\"60\">no scenario of this sweep has figures</text></svg>");
        return o;
    }
    let span = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.08).max(hi.abs().max(1.0) * 1e-3);
        (lo - pad, hi + pad)
    };
    let ((x0, x1), (y0, y1)) = (span(&xs), span(&ys));
    let px = |x: f64| m + (x - x0) / (x1 - x0) * (w - 1.5 * m);
    let py = |y: f64| h - m + 16.0 - (y - y0) / (y1 - y0) * (h - 1.6 * m);
    let _ = write!(
        o,
        "<line x1=\"{m}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/><line x1=\"{m}\" y1=\"24\" x2=\"{m}\" \
         y2=\"{b}\" stroke=\"#888\"/><text x=\"{cx}\" y=\"{t}\" text-anchor=\"middle\">{x_label}</text>\
         <text x=\"4\" y=\"50\">NPV (GBP)</text><text x=\"{m}\" y=\"{t}\">{:.2}</text><text x=\"{r}\" y=\"{t}\" \
         text-anchor=\"end\">{:.2}</text><text x=\"{lx}\" y=\"{b}\" text-anchor=\"end\">{}</text><text x=\"{lx}\" \
         y=\"30\" text-anchor=\"end\">{}</text>",
        x0,
        x1,
        money(y0),
        money(y1),
        b = h - m + 16.0,
        r = w - m / 2.0,
        cx = w / 2.0,
        t = h - 12.0,
        lx = m - 4.0,
    );
    let mut front: Vec<(f64, f64)> = points
        .iter()
        .filter(|(_, f)| *f)
        .filter_map(|(r, _)| Some((px(x_of(r)?), py(r.npv?))))
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    if front.len() > 1 {
        let path: Vec<String> = front
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            o,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1b7f3b\" stroke-width=\"1.5\"/>",
            path.join(" ")
        );
    }
    for (r, on_front) in points {
        let (Some(x), Some(y)) = (x_of(r), r.npv) else {
            continue;
        };
        let fill = if *on_front { "#1b7f3b" } else { "#fff" };
        let _ = write!(
            o,
            "<circle class=\"scenario-point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{fill}\" stroke=\"#1b7f3b\">\
             <title>{}: NPV GBP {}, worst access {:.2} km, {} sites released{}</title></circle>",
            px(x),
            py(y),
            esc(&r.name),
            money(y),
            r.worst_access_km.unwrap_or(f64::NAN),
            r.sites_released.unwrap_or(0),
            if *on_front { " (on the front)" } else { "" }
        );
    }
    o.push_str("</svg>");
    o
}

/// Renders `index.html`.
pub fn index_html(
    title: &str,
    subtitle: &str,
    results: &[ScenarioResult],
    status: Status,
) -> Result<String, Error> {
    let front = pareto(results);
    let mut sweeps: BTreeMap<&str, Vec<(&ScenarioResult, bool)>> = BTreeMap::new();
    for (r, f) in results.iter().zip(&front) {
        if let Some(s) = &r.sweep {
            sweeps.entry(&s.sweep).or_default().push((r, *f));
        }
    }
    let charts: Vec<_> = sweeps
        .iter()
        .map(|(name, pts)| {
            let parameter = pts[0].0.sweep.as_ref().map_or("", |s| s.parameter.as_str());
            minijinja::context! {
                name, parameter,
                svg => front_svg(&format!("Sweep {name} over {parameter}: NPV against worst access"), pts),
            }
        })
        .collect();
    let rows: Vec<_> = results
        .iter()
        .zip(&front)
        .map(|(r, f)| {
            let num = |v: Option<f64>| v.unwrap_or(f64::NAN);
            minijinja::context! {
                name => r.name, dataset => r.dataset, status => r.status,
                message => r.message.clone().unwrap_or_default(),
                sweep => r.sweep.as_ref().map_or(String::new(), |s| format!("{} = {}", s.parameter, s.value)),
                npv => num(r.npv), npv_text => r.npv.map_or("n/a".into(), money),
                released => r.sites_released.map_or(-1.0, |v| v as f64),
                released_text => r.sites_released.map_or("n/a".into(), |v| v.to_string()),
                access => num(r.worst_access_km),
                access_text => r.worst_access_km.map_or("n/a".into(), |v| format!("{v:.2}")),
                saving => num(r.running_cost_after),
                services => num(r.services_npv), services_text => r.services_npv.map_or("n/a".into(), money),
                fte_saved => num(r.fte_saved), fte_saved_text => r.fte_saved.map_or("n/a".into(), |v| format!("{v:.1}")),
                hubs => r.hubs_opened.map_or(-1.0, |v| v as f64),
                hubs_text => r.hubs_opened.map_or("n/a".into(), |v| v.to_string()),
                check => r.check_ok.map_or("n/a", |ok| if ok { "passed" } else { "FAILED" }),
                seconds => r.seconds, seconds_text => format!("{:.1}", r.seconds),
                front => *f, has_report => matches!(r.status, Status::Optimal | Status::Feasible | Status::Infeasible | Status::Unknown),
            }
        })
        .collect();
    crate::report::html::render_named(
        "run.html",
        minijinja::context! {
            title, subtitle, status, rows, charts,
            version => env!("CARGO_PKG_VERSION"),
            generated => chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            attribution => crate::report::html::ATTRIBUTION,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::execute::SweepValue;

    fn r(name: &str, npv: f64, access: f64, released: usize) -> ScenarioResult {
        ScenarioResult {
            index: 0,
            name: name.into(),
            dataset: "d".into(),
            sweep: Some(SweepValue {
                sweep: "s".into(),
                parameter: "p".into(),
                value: 0.0,
            }),
            status: Status::Optimal,
            message: None,
            seconds: 0.0,
            npv: Some(npv),
            estates_npv: Some(npv),
            award_npv: None,
            sites_released: Some(released),
            worst_access_km: Some(access),
            running_cost_after: None,
            services_npv: None,
            fte_saved: None,
            hubs_opened: None,
            check_ok: Some(true),
        }
    }

    #[test]
    fn the_front_keeps_exactly_the_undominated_scenarios() {
        let rs = [
            r("a", 10.0, 5.0, 3),
            r("b", 8.0, 4.0, 3),  // worse NPV, better access: on the front
            r("c", 8.0, 5.0, 3),  // dominated by a
            r("d", 10.0, 5.0, 4), // dominated by a (more sites released)
            r("e", 12.0, 6.0, 5), // best NPV: on the front
        ];
        assert_eq!(pareto(&rs), [true, true, false, false, true]);
        let svg = front_svg("t", &rs.iter().zip(pareto(&rs)).collect::<Vec<_>>());
        assert_eq!(svg.matches("class=\"scenario-point\"").count(), 5);
        assert!(svg.contains("<polyline"));
    }
}
