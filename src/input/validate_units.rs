//! Cross-row rules of `units.csv` (release units against the sites they are part of), one function per rule,
//! named by its code.

use super::Lines;
use super::validate::at;
use crate::codes::*;
use crate::domain::{Dataset, UnitKind};
use crate::error::Finding;

/// Runs every release-unit rule.
pub(super) fn run(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    e1071_units_over_site(data, lines, out);
    e1072_unit_without_area(data, lines, out);
}

/// A site's units together may not hold more than the site: reported once per measure, at the unit that tips
/// its total over.
fn e1071_units_over_site(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    // Per site, per measure (desks, floor area, cost share, backlog share, disposal value): the units' running
    // total.
    let mut total = vec![[0.0f64; 5]; data.sites.len()];
    for (u, line) in data.units.iter().zip(&lines.units) {
        let site = data.site(u.site);
        let measures = [
            ("desks", f64::from(u.desks), f64::from(site.desks), "desks"),
            (
                "floor_area_m2",
                u.floor_area_m2,
                site.floor_area_m2,
                "m2 of floor",
            ),
            (
                "cost_share",
                u.cost_share,
                1.0,
                "of its running cost as a share",
            ),
            (
                "backlog_share",
                u.backlog_share,
                1.0,
                "of its backlog as a share",
            ),
            (
                "disposal_value_gbp",
                u.disposal_value,
                site.disposal_value,
                "GBP of disposal value",
            ),
        ];
        for (m, (column, add, limit, what)) in measures.into_iter().enumerate() {
            let before = total[u.site.ix()][m];
            let after = before + add;
            total[u.site.ix()][m] = after;
            let over = |v: f64| v > limit + 1e-9 * limit.abs().max(1.0);
            if over(after) && !over(before) {
                out.push(at(
                    E1071,
                    "units.csv",
                    *line,
                    column,
                    &u.id,
                    format!(
                        "with unit {} the units of site {} hold {after} {what}, more than the site's {limit}",
                        u.id, site.id
                    ),
                    "make the units parts of the site: their desks, floor area, cost shares and disposal values \
                     add up to at most the site's",
                ));
            }
        }
    }
}

/// A floor unit needs floor area and a land unit land area: otherwise releasing it is a decision about nothing.
fn e1072_unit_without_area(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    for (u, line) in data.units.iter().zip(&lines.units) {
        let (column, area) = match u.kind {
            UnitKind::Floor => ("floor_area_m2", u.floor_area_m2),
            UnitKind::Land => ("land_ha", u.land_ha),
        };
        if area <= 0.0 {
            out.push(at(
                E1072,
                "units.csv",
                *line,
                column,
                &u.id,
                format!("{} unit {} has no {column}", u.kind, u.id),
                "give the unit's area, or leave the unit out",
            ));
        }
    }
}
