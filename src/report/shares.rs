//! Fair shares in the outputs: `shares.csv` and the "who gains and who pays" table of `report.html`.
//!
//! The rules are defined in [`crate::plan::shares`] (direct, proportional to baseline cost) and
//! [`crate::estates::shapley`] (Shapley value over partner kinds, estates only, with `plan --shapley`).

use super::csv_bytes;
use super::html::{Named, Num};
use crate::assess::Assessment;
use crate::domain::Dataset;
use crate::estates::shapley::ShapleyShares;
use crate::plan::shares::{Share, shares};
use crate::text::money;

/// Every partner's share under the direct and proportional rules.
pub fn compute(data: &Dataset, a: &Assessment) -> Vec<Share> {
    let cand = &a.candidates;
    let estates = a
        .kpis
        .as_ref()
        .map(|k| k.savings_by_partner.clone())
        .unwrap_or_default();
    let plan = a.has_estates().then_some(&a.plan);
    shares(data, cand, plan, &estates, &a.award_figures)
}

/// `shares.csv`: one row per partner; `shapley_estates_gbp` is empty without `--shapley`.
pub fn shares_csv(shares: &[Share], shapley: Option<&ShapleyShares>) -> Vec<u8> {
    csv_bytes(|w| {
        w.write_record([
            "partner",
            "estates_direct_gbp",
            "award_direct_gbp",
            "direct_gbp",
            "one_off_paid_gbp",
            "baseline_cost_gbp_a_year",
            "proportional_gbp",
            "shapley_estates_gbp",
        ])?;
        for s in shares {
            let shapley = shapley
                .and_then(|x| x.by_partner.get(&s.partner))
                .map_or(String::new(), |v| format!("{v:.2}"));
            w.write_record([
                s.partner.clone(),
                format!("{:.2}", s.estates_direct),
                format!("{:.2}", s.award_direct),
                format!("{:.2}", s.direct()),
                format!("{:.2}", s.one_off_direct),
                format!("{:.2}", s.baseline_cost),
                format!("{:.2}", s.proportional),
                shapley,
            ])?;
        }
        Ok(())
    })
}

/// The table of `report.html`: column heads, rows and the rule in words.
pub struct Table {
    /// Column heads after `partner`.
    pub heads: Vec<&'static str>,
    /// One row per partner with any figure.
    pub rows: Vec<minijinja::Value>,
    /// The rules in words.
    pub rule: String,
}

/// Builds the "who gains and who pays" table.
pub fn table(
    data: &Dataset,
    a: &Assessment,
    shapley: Option<&Result<ShapleyShares, String>>,
) -> Table {
    let all = compute(data, a);
    let num = |v: f64| Num { v, text: money(v) };
    let solved = shapley.and_then(|s| s.as_ref().ok());
    let rows = all
        .iter()
        .filter(|s| s.direct().abs() > 0.5 || s.one_off_direct > 0.5)
        .map(|s| {
            let mut values = vec![
                num(s.estates_direct),
                num(s.award_direct),
                num(s.direct()),
                num(s.one_off_direct),
                num(s.baseline_cost),
                num(s.proportional),
            ];
            if let Some(x) = solved {
                values.push(num(x.by_partner.get(&s.partner).copied().unwrap_or(0.0)));
            }
            minijinja::context! { partner => Named::org_code(data, &s.partner), values }
        })
        .collect();
    let mut heads = vec![
        "estates NPV, direct",
        "award NPV, direct",
        "total, direct",
        "one-off costs paid",
        "baseline cost (GBP a year)",
        "total, proportional to baseline",
    ];
    let mut rule = String::from(
        "Direct: what happens on each partner's own books (its sites, teams and contracts). Proportional: the \
         plan's total NPV shared in proportion to each partner's baseline cost (its sites' running cost plus its \
         contract spend today). Both add up to the plan's total NPV; money in GBP, present values except costs \
         paid and baseline.",
    );
    match shapley {
        Some(Ok(x)) => {
            heads.push("estates NPV, Shapley over partner kinds");
            let groups: Vec<String> = x
                .groups
                .iter()
                .map(|g| format!("{} GBP {}", g.kind, money(g.value)))
                .collect();
            rule.push_str(&format!(
                " Shapley: the estates saving each kind of partner adds, averaged over every order of joining \
                 ({}), shared within a kind by sites' running cost.",
                groups.join(", ")
            ));
        }
        Some(Err(why)) => rule.push_str(&format!(" Shapley shares were not computed: {why}.")),
        None => {}
    }
    Table { heads, rows, rule }
}
