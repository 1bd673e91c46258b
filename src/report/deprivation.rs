//! Access by deprivation decile in the reports: one row builder, rendered in `report.md` and `report.html`.

use crate::plan::deprivation::DecileAccess;
use std::fmt::Write;

/// The column heads.
pub const HEADS: [&str; 6] = [
    "decile (1 = most deprived)",
    "zones",
    "residents",
    "mean km today",
    "mean km after",
    "largest rise (km)",
];

/// One row per decile.
pub fn rows(deciles: &[DecileAccess]) -> Vec<[String; 6]> {
    let km = |v: f64| {
        if v.is_finite() {
            format!("{v:.2}")
        } else {
            "none left".into()
        }
    };
    deciles
        .iter()
        .map(|d| {
            [
                d.decile.to_string(),
                d.zones.to_string(),
                crate::text::money(d.population as f64),
                km(d.mean_km_today),
                km(d.mean_km_after),
                km(d.largest_rise_km),
            ]
        })
        .collect()
}

/// The sentence under the table: what the distances are and whether the most deprived keep theirs.
pub fn note(rule_deciles: u8) -> String {
    let rule = if rule_deciles > 0 {
        format!(
            " The model holds zones in deciles 1 to {rule_deciles} to today's distance \
             (`[estates.access] deprived_deciles`)."
        )
    } else {
        " No rule holds the most deprived zones to today's distance (`[estates.access] deprived_deciles` is 0)."
            .into()
    };
    format!(
        "Residents' distance (straight line) from their zone's centre to the nearest public-facing site, by the \
         zone's national deprivation decile (English Indices of Deprivation, `zones.csv` `imd_decile`).{rule}"
    )
}

/// The `report.md` section (empty when no zone has a decile).
pub fn md(deciles: &[DecileAccess], rule_deciles: u8) -> String {
    if deciles.is_empty() {
        return String::new();
    }
    let mut o = format!(
        "\n## Access by deprivation\n\n| {} |\n|{}\n",
        HEADS.join(" | "),
        "---|".repeat(HEADS.len())
    );
    for r in rows(deciles) {
        let _ = writeln!(o, "| {} |", r.join(" | "));
    }
    let _ = writeln!(o, "\n{}", note(rule_deciles));
    o
}
