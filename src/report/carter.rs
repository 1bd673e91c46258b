//! Carter's measures in the reports: today, after the plan and the target, for `report.md` and `report.html`.

use crate::plan::Kpis;
use crate::plan::carter::Carter;
use std::fmt::Write;

/// A share as a percentage with two decimals, or `n/a`.
fn pct(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{:.2}%", v * 100.0))
}

/// The rows: measure, today, after the plan, target, and whether the plan meets it.
pub fn rows(c: &Carter) -> Vec<[String; 5]> {
    let meets = |v: Option<f64>, target: f64| match v {
        Some(v) if v <= target + 1e-12 => "yes".to_string(),
        Some(_) => "no".to_string(),
        None => "n/a".to_string(),
    };
    vec![
        [
            "Non-clinical floor, share of the floor area".into(),
            pct(c.non_clinical_share_before),
            pct(c.non_clinical_share_after),
            format!("at most {}", pct(Some(c.non_clinical_target))),
            meets(c.non_clinical_share_after, c.non_clinical_target),
        ],
        [
            "Empty and under-used floor, share of the floor area".into(),
            pct(Some(c.empty_under_used_share_before)),
            pct(Some(c.empty_under_used_share_after)),
            format!("at most {}", pct(Some(c.empty_under_used_target))),
            meets(
                Some(c.empty_under_used_share_after),
                c.empty_under_used_target,
            ),
        ],
        [
            "Floor area (m2)".into(),
            crate::text::money(c.floor_area_before_m2),
            crate::text::money(c.floor_area_after_m2),
            String::new(),
            String::new(),
        ],
        [
            "Land released (ha)".into(),
            String::new(),
            format!("{:.2}", c.land_released_ha),
            String::new(),
            String::new(),
        ],
    ]
}

/// The `report.md` section (empty without floor surveys).
pub fn carter_md(k: &Kpis) -> String {
    let Some(c) = &k.carter else {
        return String::new();
    };
    let mut o = format!(
        "\n## Carter's measures ({} sites with a floor survey)\n\n| measure | today | after | target | met |\n\
         |---|---|---|---|---|\n",
        c.surveyed_sites
    );
    for r in rows(c) {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            r[0], r[1], r[2], r[3], r[4]
        );
    }
    let _ = writeln!(
        o,
        "\nDisposal receipts within the appraisal: GBP {}. Targets from Lord Carter's review of NHS operational \
         productivity (2016).",
        crate::text::money(k.disposal_receipts)
    );
    o
}
