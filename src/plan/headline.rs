//! The headline figures of a plan, listed once: the catalogue [`FIGURES`] that `report.md`'s headline table,
//! `report.html`'s headline tiles and every view of `compare` (the terminal table, `compare.csv` and its
//! `report.html`) iterate. Each entry has a stable key (the `compare.csv` row id), one label, a unit that sets
//! the label's suffix and how the value is written, the direction that is better, and the views that show it.
//!
//! The catalogue sits in `plan` because it reads only a plan's figures ([`Kpis`] and the award's
//! [`CategoryFigures`]): `compare` (below `report`) and `report` both render it, and neither owns it. Its name
//! is `headline` because [`crate::plan::figures()`] already names the function that computes the [`Kpis`].

use crate::plan::Kpis;
use crate::plan::award::CategoryFigures;
use crate::plan::services::ServicesKpis;
use crate::text::money;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where a figure is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The `## Headline` table of the estates part of `report.md`.
    Markdown,
    /// The headline tiles of the `report.html` that `plan` and `evaluate` write.
    Html,
    /// `compare`: the terminal table, `compare.csv` and the side-by-side table of its `report.html`.
    Compare,
}

/// What part of a plan a figure describes; a view leaves out the figures of a part the plan does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// The whole plan (estates and award together, or the checker's verdict).
    Plan,
    /// The estates plan.
    Estates,
    /// The shared-services decisions (with `functions.csv`).
    Services,
    /// The procurement award.
    Award,
}

/// The unit of a figure: the suffix of its label and how its value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Pounds (a present value or an undiscounted sum).
    Gbp,
    /// Pounds a year.
    GbpAYear,
    /// Square metres.
    M2,
    /// Kilometres.
    Km,
    /// Hectares.
    Hectares,
    /// A whole number of things.
    Count,
    /// A share, shown as a percentage (kept as a fraction in CSV).
    Share,
}

impl Unit {
    /// What follows the label: ` (GBP)`, ` (km)`, ...; nothing for counts.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Gbp => " (GBP)",
            Unit::GbpAYear => " (GBP a year)",
            Unit::M2 => " (m2)",
            Unit::Km => " (km)",
            Unit::Hectares => " (ha)",
            Unit::Count | Unit::Share => "",
        }
    }

    /// A value for people: money and areas with thousands separators, distances to 2 decimals, counts whole,
    /// `n/a` where the plan has no such figure.
    pub fn text(self, v: Option<f64>) -> String {
        match (self, v) {
            (_, None) => "n/a".into(),
            (Unit::Gbp | Unit::GbpAYear | Unit::M2, Some(v)) => money(v),
            (Unit::Km | Unit::Hectares, Some(v)) => format!("{v:.2}"),
            (Unit::Count, Some(v)) => format!("{v:.0}"),
            (Unit::Share, Some(v)) => format!("{:.1}%", v * 100.0),
        }
    }

    /// A value for CSV: money, areas and distances to 2 decimals, counts whole, empty where there is none.
    pub fn csv(self, v: Option<f64>) -> String {
        match (self, v) {
            (_, None) => String::new(),
            (Unit::Count, Some(v)) => format!("{v:.0}"),
            (Unit::Share, Some(v)) => format!("{v:.4}"),
            (_, Some(v)) => format!("{v:.2}"),
        }
    }
}

/// Whether a higher or a lower value of a figure is better (for highlighting the best plan per row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// Higher is better (savings).
    Higher,
    /// Lower is better (costs, distances).
    Lower,
    /// Neither (counts that describe the plan).
    Neither,
}

/// What a view may read of one plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Source<'a> {
    /// The estates figures, when the plan has estates decisions.
    pub kpis: Option<&'a Kpis>,
    /// The award's figures per category, when the plan has an award.
    pub award: Option<&'a BTreeMap<String, CategoryFigures>>,
    /// Rules the independent checker finds broken, when the plan was checked for the view.
    pub violations: Option<usize>,
}

impl Source<'_> {
    /// True when the plan has the part a figure describes.
    pub fn has(&self, part: Part) -> bool {
        match part {
            Part::Plan => true,
            Part::Estates => self.kpis.is_some(),
            Part::Services => self.services().is_some(),
            Part::Award => self.award.is_some(),
        }
    }

    fn estates(&self, f: fn(&Kpis) -> f64) -> Option<f64> {
        self.kpis.map(f)
    }

    fn services(&self) -> Option<&ServicesKpis> {
        self.kpis.and_then(|k| k.shared_services.as_ref())
    }

    fn service(&self, f: fn(&ServicesKpis) -> f64) -> Option<f64> {
        self.services().map(f)
    }

    fn award_sum(&self, f: fn(&CategoryFigures) -> f64) -> Option<f64> {
        self.award.map(|a| a.values().map(f).sum())
    }

    /// The largest yearly total of `by_year` over every awarded category: the award's busiest year (for re-lets,
    /// the tender workload a board must staff).
    fn award_peak(&self, by_year: fn(&CategoryFigures) -> &[f64]) -> Option<f64> {
        let award = self.award?;
        let years = award.values().map(|f| by_year(f).len()).max().unwrap_or(0);
        let total = |y: usize| -> f64 {
            award
                .values()
                .map(|f| by_year(f).get(y).copied().unwrap_or(0.0))
                .sum()
        };
        Some((0..years).map(total).fold(0.0, f64::max))
    }

    /// A local-SME share (`share` of a category's figures) over every awarded category: weighted by each
    /// category's whole spend, the tail included.
    fn award_local_sme(&self, share: fn(&CategoryFigures) -> f64) -> Option<f64> {
        let award = self.award?;
        let spend = |f: &CategoryFigures| f.spend_today + f.tail.spend;
        let all: f64 = award.values().map(spend).sum();
        let held: f64 = award.values().map(|f| share(f) * spend(f)).sum();
        Some(if all > 0.0 { held / all } else { 0.0 })
    }
}

/// How a figure is read from a plan.
#[derive(Debug, Clone, Copy)]
pub enum Reading {
    /// One number (`None`: the plan has no such figure, shown as `n/a`).
    One(fn(&Source<'_>) -> Option<f64>),
    /// A change from one number to another, shown `before → after`; its value is the number after.
    Change {
        /// The number today.
        before: fn(&Source<'_>) -> Option<f64>,
        /// The number with the plan.
        after: fn(&Source<'_>) -> Option<f64>,
    },
}

/// One headline figure.
#[derive(Debug, Clone, Copy)]
pub struct Figure {
    /// Stable snake_case id (the `compare.csv` row id).
    pub key: &'static str,
    /// Words for people, without the unit (see [`Figure::label`]).
    pub words: &'static str,
    /// Unit of the value.
    pub unit: Unit,
    /// Which direction is better.
    pub better: Better,
    /// The part of the plan it describes.
    pub part: Part,
    /// How it is read.
    pub reading: Reading,
    /// The views that show it.
    pub views: &'static [View],
}

impl Figure {
    /// The one label of the figure, its unit included: `Worst zone access (km)`.
    pub fn label(&self) -> String {
        format!("{}{}", self.words, self.unit.suffix())
    }

    /// True when `view` shows the figure.
    pub fn shown_in(&self, view: View) -> bool {
        self.views.contains(&view)
    }

    /// The figure's number for `s` (for a change, the number after).
    pub fn value(&self, s: &Source<'_>) -> Option<f64> {
        match self.reading {
            Reading::One(f) => f(s),
            Reading::Change { after, .. } => after(s),
        }
    }

    /// The figure's value in words for `s`.
    pub fn text(&self, s: &Source<'_>) -> String {
        match self.reading {
            Reading::One(f) => self.unit.text(f(s)),
            Reading::Change { before, after } => format!(
                "{} → {}",
                self.unit.text(before(s)),
                self.unit.text(after(s))
            ),
        }
    }
}

/// The figures `view` shows, in catalogue order.
pub fn in_view(view: View) -> impl Iterator<Item = &'static Figure> {
    FIGURES.iter().filter(move |f| f.shown_in(view))
}

/// The key of the per-partner saving rows of `compare` (one per partner with a saving in any plan).
pub fn partner_saving_key(partner: &str) -> String {
    format!("saving_{partner}_gbp")
}

/// The label of a per-partner saving row of `compare`.
pub fn partner_saving_label(partner: &str) -> String {
    format!("Saving: {partner} (GBP, present value)")
}

const ALL: &[View] = &[View::Markdown, View::Html, View::Compare];
const MD_COMPARE: &[View] = &[View::Markdown, View::Compare];
const HTML_COMPARE: &[View] = &[View::Html, View::Compare];

/// Every headline figure, in the order every view lists them. `report.html` groups its tiles by [`Part`]
/// (whole plan, estates, award) and keeps this order within each group.
pub static FIGURES: [Figure; 28] = [
    Figure {
        key: "violations",
        words: "Rules broken",
        unit: Unit::Count,
        better: Better::Lower,
        part: Part::Plan,
        reading: Reading::One(|s| s.violations.map(|n| n as f64)),
        views: &[View::Compare],
    },
    Figure {
        key: "npv_gbp",
        words: "Net present value, total",
        unit: Unit::Gbp,
        better: Better::Higher,
        part: Part::Plan,
        reading: Reading::One(|s| {
            Some(s.estates(|k| k.npv).unwrap_or(0.0) + s.award_sum(|f| f.npv).unwrap_or(0.0))
        }),
        views: HTML_COMPARE,
    },
    Figure {
        key: "estates_npv_gbp",
        words: "Estates net present value",
        unit: Unit::Gbp,
        better: Better::Higher,
        part: Part::Estates,
        // The plan's NPV includes its shared services; the estates part is the rest.
        reading: Reading::One(|s| {
            s.estates(|k| k.npv - k.shared_services.as_ref().map_or(0.0, |ss| ss.npv))
        }),
        views: ALL,
    },
    Figure {
        key: "shared_services_npv_gbp",
        words: "Shared-services net present value",
        unit: Unit::Gbp,
        better: Better::Higher,
        part: Part::Services,
        reading: Reading::One(|s| s.service(|k| k.npv)),
        views: ALL,
    },
    Figure {
        key: "fte_saved",
        words: "Back-office FTE saved",
        unit: Unit::Count,
        better: Better::Higher,
        part: Part::Services,
        reading: Reading::One(|s| s.service(|k| k.fte_saved)),
        views: ALL,
    },
    Figure {
        key: "partner_functions_pooled",
        words: "Partner functions joining a shared service",
        unit: Unit::Count,
        better: Better::Neither,
        part: Part::Services,
        reading: Reading::One(|s| {
            s.service(|k| {
                k.by_function
                    .values()
                    .map(|f| f.partners_pooled as f64)
                    .sum()
            })
        }),
        views: ALL,
    },
    Figure {
        key: "hubs_opened",
        words: "Shared-service hubs opened",
        unit: Unit::Count,
        better: Better::Neither,
        part: Part::Services,
        reading: Reading::One(|s| s.service(|k| k.hubs_opened as f64)),
        views: ALL,
    },
    Figure {
        key: "award_npv_gbp",
        words: "Award net present value",
        unit: Unit::Gbp,
        better: Better::Higher,
        part: Part::Award,
        reading: Reading::One(|s| s.award_sum(|f| f.npv)),
        views: HTML_COMPARE,
    },
    Figure {
        key: "plan_cost_gbp",
        words: "Plan cost, present value",
        unit: Unit::Gbp,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.plan_cost)),
        views: &[View::Markdown],
    },
    Figure {
        key: "running_cost_before_gbp",
        words: "Running cost before",
        unit: Unit::GbpAYear,
        better: Better::Neither,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.running_cost_before)),
        views: &[View::Markdown],
    },
    Figure {
        key: "running_cost_after_gbp",
        words: "Running cost after",
        unit: Unit::GbpAYear,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.running_cost_after)),
        views: MD_COMPARE,
    },
    Figure {
        key: "running_cost_change_gbp",
        words: "Running cost",
        unit: Unit::GbpAYear,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::Change {
            before: |s| s.estates(|k| k.running_cost_before),
            after: |s| s.estates(|k| k.running_cost_after),
        },
        views: &[View::Html],
    },
    Figure {
        key: "one_off_cost_gbp",
        words: "One-off costs",
        unit: Unit::Gbp,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.one_off_cost)),
        views: ALL,
    },
    Figure {
        key: "disposal_receipts_gbp",
        words: "Disposal receipts",
        unit: Unit::Gbp,
        better: Better::Higher,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.disposal_receipts)),
        views: &[View::Markdown],
    },
    Figure {
        key: "holding_cost_gbp",
        words: "Holding costs of released buildings until sold",
        unit: Unit::Gbp,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.holding_cost)),
        views: &[View::Markdown],
    },
    Figure {
        key: "sites_released",
        words: "Sites released",
        unit: Unit::Count,
        better: Better::Neither,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.sites_released as f64)),
        views: ALL,
    },
    Figure {
        key: "derived_sites_released",
        words: "Sites released whose figures are derived, not published",
        unit: Unit::Count,
        better: Better::Neither,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.derived_sites_released as f64)),
        views: ALL,
    },
    Figure {
        key: "derived_release_npv_gbp",
        words: "NPV from releasing those derived sites",
        unit: Unit::Gbp,
        better: Better::Neither,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.derived_release_npv)),
        views: &[View::Markdown, View::Compare],
    },
    Figure {
        key: "floor_area_released_m2",
        words: "Floor area released",
        unit: Unit::M2,
        better: Better::Neither,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.floor_area_released_m2)),
        views: ALL,
    },
    Figure {
        key: "units_released",
        words: "Parts of sites released on their own (floors, wings, land)",
        unit: Unit::Count,
        better: Better::Neither,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.units_released as f64)),
        views: ALL,
    },
    Figure {
        key: "land_released_ha",
        words: "Land released on its own",
        unit: Unit::Hectares,
        better: Better::Neither,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.land_released_ha)),
        views: ALL,
    },
    Figure {
        key: "people_moved",
        words: "People moved",
        unit: Unit::Count,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.people_moved)),
        views: ALL,
    },
    Figure {
        key: "mean_staff_move_km",
        words: "Mean staff move",
        unit: Unit::Km,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::One(|s| s.estates(|k| k.mean_staff_move_km)),
        views: MD_COMPARE,
    },
    Figure {
        key: "worst_zone_access_km",
        words: "Worst zone access",
        unit: Unit::Km,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::One(|s| s.kpis.and_then(|k| k.worst_zone_access_km)),
        views: ALL,
    },
    Figure {
        key: "mean_zone_access_km",
        words: "Population-weighted zone access",
        unit: Unit::Km,
        better: Better::Lower,
        part: Part::Estates,
        reading: Reading::One(|s| s.kpis.and_then(|k| k.mean_zone_access_km)),
        views: HTML_COMPARE,
    },
    Figure {
        key: "contracts_switched",
        words: "Contracts moved to another supplier",
        unit: Unit::Count,
        better: Better::Neither,
        part: Part::Award,
        reading: Reading::One(|s| s.award_sum(|f| f.switches as f64)),
        views: HTML_COMPARE,
    },
    Figure {
        key: "peak_relets",
        words: "Most contracts re-let in one year",
        unit: Unit::Count,
        better: Better::Lower,
        part: Part::Award,
        reading: Reading::One(|s| s.award_peak(|f| &f.relets_by_year)),
        views: HTML_COMPARE,
    },
    Figure {
        key: "local_sme_share",
        words: "Spend with local SMEs, the tail included",
        unit: Unit::Share,
        better: Better::Higher,
        part: Part::Award,
        reading: Reading::Change {
            before: |s| s.award_local_sme(|f| f.local_sme_share_today),
            after: |s| s.award_local_sme(|f| f.local_sme_share),
        },
        views: HTML_COMPARE,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A plan with every part: estates figures, a one-category award and a checker's verdict.
    fn full() -> (Kpis, BTreeMap<String, CategoryFigures>) {
        let kpis = Kpis {
            npv: 1234.5,
            running_cost_before: 900.0,
            running_cost_after: 700.0,
            sites_released: 2,
            worst_zone_access_km: Some(3.456),
            shared_services: Some(ServicesKpis {
                npv: 200.0,
                fte_saved: 12.6,
                hubs_opened: 1,
                ..ServicesKpis::default()
            }),
            ..Kpis::default()
        };
        let award = CategoryFigures {
            npv: 100.0,
            switches: 3,
            spend_today: 300.0,
            local_sme_share_today: 0.5,
            local_sme_share: 0.25,
            relets_by_year: vec![0.0, 2.0, 1.0],
            tail: crate::plan::award::TailTotals {
                spend: 100.0,
                suppliers: 40,
                local_sme: 80.0,
            },
            ..CategoryFigures::default()
        };
        let cleaning = CategoryFigures {
            spend_today: 600.0,
            local_sme_share_today: 0.1,
            local_sme_share: 0.1,
            relets_by_year: vec![0.0, 1.5, 3.0],
            ..CategoryFigures::default()
        };
        let award = BTreeMap::from([("it".to_string(), award), ("cleaning".into(), cleaning)]);
        (kpis, award)
    }

    fn labels(view: View) -> BTreeSet<String> {
        in_view(view).map(Figure::label).collect()
    }

    #[test]
    fn keys_and_labels_are_unique_and_every_figure_has_a_view() {
        let keys: BTreeSet<_> = FIGURES.iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), FIGURES.len(), "a key is used twice");
        let labels: BTreeSet<_> = FIGURES.iter().map(Figure::label).collect();
        assert_eq!(labels.len(), FIGURES.len(), "a label is used twice");
        for f in &FIGURES {
            assert!(!f.views.is_empty(), "{} is shown nowhere", f.key);
            assert!(
                f.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{} is not snake_case",
                f.key
            );
        }
    }

    #[test]
    fn each_view_renders_every_figure_marked_for_it() {
        let (kpis, award) = full();
        let s = Source {
            kpis: Some(&kpis),
            award: Some(&award),
            violations: Some(1),
        };
        let md = crate::report::headline_md(&s);
        let md_rows: BTreeSet<String> = md
            .lines()
            .skip(4)
            .filter_map(|l| l.split(" | ").next())
            .map(|c| c.trim_start_matches("| ").to_string())
            .collect();
        assert_eq!(md_rows, labels(View::Markdown), "{md}");
        assert_eq!(md.lines().count(), 4 + labels(View::Markdown).len());

        let tiles = crate::report::html::headline(&s);
        let html: BTreeSet<String> = tiles.iter().map(|k| k.label.clone()).collect();
        assert_eq!(html, labels(View::Html));
        assert_eq!(tiles.len(), html.len());

        let rows = crate::compare::figure_rows(&[s, Source::default()]);
        let compare: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        let marked: Vec<&str> = in_view(View::Compare).map(|f| f.key).collect();
        assert_eq!(compare, marked);
        assert!(rows.iter().all(|r| r.values.len() == 2));
    }

    #[test]
    fn values_are_read_and_written_by_unit() {
        let (kpis, award) = full();
        let s = Source {
            kpis: Some(&kpis),
            award: Some(&award),
            violations: None,
        };
        let get = |key: &str| FIGURES.iter().find(|f| f.key == key).unwrap();
        assert_eq!(get("npv_gbp").text(&s), "1,334");
        // The plan's NPV holds the shared services' 200; the estates part is the rest.
        assert_eq!(get("estates_npv_gbp").text(&s), "1,034");
        assert_eq!(get("shared_services_npv_gbp").text(&s), "200");
        assert_eq!(get("fte_saved").text(&s), "13");
        assert_eq!(get("running_cost_change_gbp").text(&s), "900 → 700");
        assert_eq!(get("worst_zone_access_km").text(&s), "3.46");
        assert_eq!(get("contracts_switched").value(&s), Some(3.0));
        // Years 2 and 3 re-let 3.5 and 4 contracts over both categories: the busiest is year 3.
        assert_eq!(get("peak_relets").value(&s), Some(4.0));
        // Weighted by each category's whole spend, the tail included: (0.5 x 400 + 0.1 x 600) / 1,000 today,
        // (0.25 x 400 + 0.1 x 600) / 1,000 after.
        assert_eq!(get("local_sme_share").text(&s), "26.0% → 16.0%");
        assert_eq!(Unit::Share.csv(Some(0.16)), "0.1600");
        assert_eq!(get("violations").text(&s), "n/a");
        let none = Source::default();
        assert_eq!(get("estates_npv_gbp").value(&none), None);
        assert_eq!(get("npv_gbp").value(&none), Some(0.0));
        assert!(!none.has(Part::Award) && none.has(Part::Plan));
        assert_eq!(Unit::Km.csv(Some(1.0)), "1.00");
        assert_eq!(Unit::Count.csv(Some(2.4)), "2");
        assert_eq!(Unit::Gbp.csv(None), "");
    }

    #[test]
    fn html_tiles_group_by_part_in_catalogue_order() {
        let (kpis, award) = full();
        let s = Source {
            kpis: Some(&kpis),
            award: Some(&award),
            violations: None,
        };
        let tiles = crate::report::html::headline(&s);
        assert_eq!(tiles[0].label, "Net present value, total (GBP)");
        assert_eq!(
            tiles.last().map(|k| k.label.as_str()),
            Some("Spend with local SMEs, the tail included")
        );
        let estates_only = Source {
            kpis: Some(&kpis),
            ..Source::default()
        };
        let tiles = crate::report::html::headline(&estates_only);
        assert!(tiles.iter().all(|k| !k.label.starts_with("Award")));
    }
}
