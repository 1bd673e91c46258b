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

/// A site's units together may not hold more than the site: reported at the unit that tips a total over.
fn e1071_units_over_site(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    let n = data.sites.len();
    let (mut desks, mut area, mut share) = (vec![0u64; n], vec![0.0; n], vec![0.0; n]);
    for (u, line) in data.units.iter().zip(&lines.units) {
        let s = u.site.ix();
        let site = data.site(u.site);
        desks[s] += u64::from(u.desks);
        area[s] += u.floor_area_m2;
        share[s] += u.cost_share;
        let over = [
            (
                "desks",
                desks[s] > u64::from(site.desks),
                format!("{} desks", site.desks),
            ),
            (
                "floor_area_m2",
                area[s] > site.floor_area_m2 * (1.0 + 1e-9),
                format!("{} m2", site.floor_area_m2),
            ),
            (
                "cost_share",
                share[s] > 1.0 + 1e-9,
                "all of its running cost".to_string(),
            ),
        ];
        for (column, is_over, what) in over {
            if is_over {
                out.push(at(
                    E1071,
                    "units.csv",
                    *line,
                    column,
                    &u.id,
                    format!(
                        "the units of site {} up to {} hold more {column} than the site, which has {what}",
                        site.id, u.id
                    ),
                    "make the units parts of the site: their desks, floor area and cost shares add up to at most \
                     the site's",
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
