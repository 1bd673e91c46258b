//! The award's outputs: `awards.csv`, the `procurement` object of `summary.json`, and the report section.

use super::csv_bytes;
use crate::check::CheckReport;
use crate::plan::award::{CategoryFigures, PUBLISHED_AGGREGATION_RATES, PublishedRange};
use crate::procurement::{CategorySize, ProcurementResult, diagnose::Conflict};
use crate::solve::{Status, relative_gap};
use crate::text::money;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How the estates plan and the award are linked (said in the summary and the report).
pub const LINKING: &str = "estates first: contracts tied to a site the estates plan releases end with the site \
(no procurement saving; the estates plan counts the site's running costs); the award is then solved per category";

/// The `procurement` object of `summary.json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ProcurementSummary<'a> {
    /// The worst status over the categories.
    pub status: Status,
    /// Net present value of all categories with a plan (GBP).
    pub npv: f64,
    /// Proven upper bound on `npv`: the sum of the categories' bounds, null unless every category has one.
    pub best_bound: Option<f64>,
    /// `npv`'s relative gap to `best_bound` (see "Status and gap"), null without a bound.
    pub gap: Option<f64>,
    /// The same gap in GBP.
    pub gap_gbp: Option<f64>,
    /// Present value of price savings before fees and transition costs (GBP).
    pub gross_npv: f64,
    /// Termination fees, in the year each contract ends early (present value, GBP).
    pub termination_fees: f64,
    /// Mobilisation costs of contracts moved to another supplier, in the year each moves (present value, GBP).
    pub transition_costs: f64,
    /// Tender costs of every re-let, in the year each starts (present value, GBP).
    pub tender_costs: f64,
    /// Annual spend taking part today: the addressable spend (GBP a year).
    pub spend_today: f64,
    /// Annual spend outside the contracts (`tail.csv`) of the categories with a plan: the many small suppliers the
    /// award leaves as they are (GBP a year).
    pub tail_spend: f64,
    /// Annual spend of the categories `categories.csv` puts out of scope, not awarded, their tail included (GBP a
    /// year).
    pub out_of_scope_spend: f64,
    /// Price saving in each plan year as a share of the addressable spend under contract, before one-off costs
    /// (index 0 = year 1): the figure to hold against published aggregation rates.
    pub saving_rate_by_year: Vec<f64>,
    /// The same saving as a share of the awarded categories' whole spend, the tail included.
    pub saving_rate_with_tail_by_year: Vec<f64>,
    /// The published range of savings from aggregated public buying to hold `saving_rate_by_year` against.
    pub published_saving_range: PublishedRange,
    /// Contracts re-let (moved, or renewed at a new price) in each plan year over all categories, pro rata to the
    /// share (index 0 = year 1): the tender workload the award asks for.
    pub relets_by_year: Vec<f64>,
    /// Net present value per partner id.
    pub savings_by_partner: BTreeMap<String, f64>,
    /// Net present value per category.
    pub savings_by_category: BTreeMap<String, f64>,
    /// Net saving per plan year, undiscounted (index 0 = year 1).
    pub savings_by_year: Vec<f64>,
    /// How the estates plan feeds the award.
    pub linking: &'static str,
    /// Released sites passed in from the estates plan.
    pub released_sites: usize,
    /// Worker threads over categories.
    pub threads: usize,
    /// Wall-clock seconds for all categories.
    pub seconds: f64,
    /// Per category.
    pub categories: Vec<CategorySummary<'a>>,
}

/// One category in `summary.json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CategorySummary<'a> {
    /// Name.
    pub category: &'a str,
    /// `optimal`, `feasible`, `infeasible`, `unbounded` or `unknown`.
    pub status: Status,
    /// Net present value (GBP), null without a plan.
    pub npv: Option<f64>,
    /// Proven upper bound on the NPV.
    pub best_bound: Option<f64>,
    /// Relative gap.
    pub gap: Option<f64>,
    /// Annual spend today (GBP a year).
    pub spend_today: Option<f64>,
    /// Price saving in the horizon's last year as a share of the category's spend, before one-off costs.
    pub saving_rate: Option<f64>,
    /// Price saving in each plan year as a share of the category's spend, before one-off costs (index 0 = year
    /// 1), to hold against the category's price effect in `categories.csv`.
    pub saving_rate_by_year: Option<Vec<f64>>,
    /// Tender costs (present value, GBP).
    pub tender_costs: Option<f64>,
    /// Suppliers holding the category's contracts today.
    pub suppliers_before: usize,
    /// Suppliers holding volume after the award.
    pub suppliers_after: Option<usize>,
    /// Annual spend outside the contracts, left as it is (GBP a year).
    pub tail_spend: f64,
    /// Suppliers sharing that spend, counted per partner; add them to `suppliers_before` and `suppliers_after`
    /// for the category's whole supplier base.
    pub tail_suppliers: u64,
    /// New partner–supplier relationships.
    pub switches: Option<usize>,
    /// Local-SME share of the whole spend (the tail included) required.
    pub local_sme_share_required: f64,
    /// Local-SME share today.
    pub local_sme_share_today: f64,
    /// Local-SME share after the award.
    pub local_sme_share_after: Option<f64>,
    /// Model size.
    pub model_size: &'a CategorySize,
    /// Seconds in the solver(s).
    pub solve_seconds: f64,
    /// For an infeasible category: the rule groups in conflict.
    pub conflicts: &'a [Conflict],
    /// The checker's verdict for this category, when `--check` was given.
    pub check: Option<&'a CheckReport>,
}

/// Builds the `procurement` object.
pub fn summary<'a>(
    r: &'a ProcurementResult,
    checks: &'a [Option<CheckReport>],
) -> ProcurementSummary<'a> {
    let mut s = ProcurementSummary {
        status: r.status(),
        npv: 0.0,
        best_bound: r.npv_and_bound().map(|(_, b)| b),
        gap: r.npv_and_bound().map(|(v, b)| relative_gap(v, b)),
        gap_gbp: r.npv_and_bound().map(|(v, b)| (b - v).abs()),
        gross_npv: 0.0,
        termination_fees: 0.0,
        transition_costs: 0.0,
        tender_costs: 0.0,
        spend_today: 0.0,
        tail_spend: 0.0,
        out_of_scope_spend: r.out_of_scope.values().sum(),
        saving_rate_by_year: Vec::new(),
        saving_rate_with_tail_by_year: Vec::new(),
        published_saving_range: PUBLISHED_AGGREGATION_RATES,
        relets_by_year: Vec::new(),
        savings_by_partner: BTreeMap::new(),
        savings_by_category: BTreeMap::new(),
        savings_by_year: Vec::new(),
        linking: LINKING,
        released_sites: r.released_sites,
        threads: r.threads,
        seconds: r.seconds,
        categories: Vec::new(),
    };
    for (i, c) in r.categories.iter().enumerate() {
        let f = c.figures();
        let rates = f.map(CategoryFigures::saving_rates);
        if let Some(f) = f {
            s.npv += f.npv;
            s.gross_npv += f.gross_npv;
            s.termination_fees += f.fees;
            s.transition_costs += f.transition_costs;
            s.tender_costs += f.tender_costs;
            s.spend_today += f.spend_today;
            s.tail_spend += f.tail.spend;
            s.savings_by_category.insert(c.category.clone(), f.npv);
            for (p, v) in &f.by_partner {
                *s.savings_by_partner.entry(p.clone()).or_default() += v;
            }
            add_by_year(&mut s.savings_by_year, &f.by_year);
            add_by_year(&mut s.saving_rate_by_year, &f.gross_by_year);
            add_by_year(&mut s.relets_by_year, &f.relets_by_year);
        }
        s.categories.push(CategorySummary {
            category: &c.category,
            status: c.status(),
            npv: f.map(|f| f.npv),
            best_bound: c.npv_bound(),
            gap: c.gap(),
            spend_today: f.map(|f| f.spend_today),
            saving_rate: rates.as_ref().map(|r| r.last().copied().unwrap_or(0.0)),
            saving_rate_by_year: rates,
            tender_costs: f.map(|f| f.tender_costs),
            suppliers_before: c.size.suppliers_today,
            suppliers_after: f.map(|f| f.suppliers.values().filter(|v| v.0 > 1e-6).count()),
            tail_spend: c.tail.spend,
            tail_suppliers: c.tail.suppliers,
            switches: f.map(|f| f.switches),
            local_sme_share_required: c.sme_share.0,
            local_sme_share_today: c.sme_share.1,
            local_sme_share_after: f.map(|f| f.local_sme_share),
            model_size: &c.size,
            solve_seconds: c.seconds,
            conflicts: &c.conflicts,
            check: checks.get(i).and_then(Option::as_ref),
        });
    }
    let gross = std::mem::take(&mut s.saving_rate_by_year);
    let share_of = |spend: f64| -> Vec<f64> {
        gross
            .iter()
            .map(|v| if spend > 0.0 { v / spend } else { 0.0 })
            .collect()
    };
    s.saving_rate_by_year = share_of(s.spend_today);
    s.saving_rate_with_tail_by_year = share_of(s.spend_today + s.tail_spend);
    s
}

/// Adds `part` to `total` year by year, lengthening `total` as needed.
fn add_by_year(total: &mut Vec<f64>, part: &[f64]) {
    if total.len() < part.len() {
        total.resize(part.len(), 0.0);
    }
    for (t, v) in total.iter_mut().zip(part) {
        *t += v;
    }
}

/// `awards.csv`: one row per awarded share of a contract.
pub fn awards_csv(r: &ProcurementResult) -> Vec<u8> {
    csv_bytes(|w| {
        w.write_record(crate::plan::award::AWARD_COLUMNS)?;
        for c in &r.categories {
            let Some(f) = c.figures() else { continue };
            for l in &f.lines {
                w.write_record([
                    c.category.as_str(),
                    &l.partner,
                    &l.contract,
                    &l.from_supplier,
                    &l.to_supplier,
                    &crate::plan::share_text(l.share),
                    &format!("{:.2}", l.spend),
                    l.timing.name(),
                    &l.start_year.map_or(String::new(), |y| y.to_string()),
                    &format!("{:.4}", l.price_index),
                    &format!("{:.2}", l.annual_saving),
                    &format!("{:.2}", l.npv_saving),
                    &l.reason(),
                ])?;
            }
        }
        Ok(())
    })
}

/// Why the award is not proven optimal, for `report.md` and `report.html`: how far from its bound and why (none
/// when it is proven).
pub fn status_words(r: &ProcurementResult) -> Option<String> {
    if r.status().is_clean() {
        return None;
    }
    let Some((npv, bound)) = r.npv_and_bound() else {
        return Some("Not every category has a plan and a proven bound (see the table).".into());
    };
    let mut o = format!(
        "Not proven optimal: the NPV of GBP {} is within GBP {} ({:.3}%) of a proven bound of GBP {}.",
        money(npv),
        money((bound - npv).abs()),
        relative_gap(npv, bound) * 100.0,
        money(bound)
    );
    if r.shared_capacity() {
        o.push_str(
            " The categories together ask more of some partners' yearly tender capacity than they have, so it is \
             shared between them and they are solved again within their shares, one at a time; each such \
             category's bound is its optimum with the whole capacity, which the shared plan need not reach.",
        );
    }
    Some(o)
}

/// The procurement section of `report.md`.
pub fn report_md(r: &ProcurementResult) -> String {
    let s = summary(r, &[]);
    let mut o = String::new();
    let _ = writeln!(o, "\n# Procurement award\n");
    let _ = writeln!(
        o,
        "Status: **{}** over {} categories, solved in parallel on {} threads in {:.2} s. {}Linking: {}.\n",
        s.status,
        s.categories.len(),
        s.threads,
        s.seconds,
        status_words(r).map_or(String::new(), |w| w + " "),
        LINKING
    );
    let _ = writeln!(o, "| figure | value |\n|---|---|");
    for (name, v) in [
        ("Net present value (GBP)", s.npv),
        ("Price savings, present value (GBP)", s.gross_npv),
        ("Termination fees (GBP)", s.termination_fees),
        ("Transition costs (GBP)", s.transition_costs),
        ("Tender costs (GBP)", s.tender_costs),
        ("Annual spend taking part (GBP a year)", s.spend_today),
        (
            "Annual spend in the tail, left as it is (GBP a year)",
            s.tail_spend,
        ),
        (
            "Annual spend out of scope (GBP a year)",
            s.out_of_scope_spend,
        ),
    ] {
        let _ = writeln!(o, "| {name} | {} |", money(v));
    }
    let rates: Vec<String> = s
        .saving_rate_by_year
        .iter()
        .map(|v| format!("{:.2}%", v * 100.0))
        .collect();
    let with_tail: Vec<String> = s
        .saving_rate_with_tail_by_year
        .iter()
        .map(|v| format!("{:.2}%", v * 100.0))
        .collect();
    let relets: Vec<String> = s.relets_by_year.iter().map(|v| format!("{v:.0}")).collect();
    let _ = writeln!(
        o,
        "\nPrice saving by year as a share of the spend taking part (before one-off costs): {}; of the whole \
         spend, the tail included: {}. Contracts re-let by year: {}.",
        rates.join(", "),
        with_tail.join(", "),
        relets.join(", ")
    );
    let figures: Vec<&CategoryFigures> = r.categories.iter().filter_map(|c| c.figures()).collect();
    if let Some(held) = crate::plan::award::against_published(&figures) {
        let _ = writeln!(o, "\n{held}");
    }
    let _ = writeln!(
        o,
        "\n## By category\n\n| category | status | NPV (GBP) | spend today (GBP/yr) | saving rate, last year | suppliers before → after | tail (GBP/yr, suppliers) | local SME share today → after (required) |\n|---|---|---|---|---|---|---|---|"
    );
    for c in &s.categories {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} → {} | {} ({}) | {:.1}% → {} ({:.1}%) |",
            c.category,
            c.status,
            c.npv.map_or("—".into(), money),
            c.spend_today.map_or("—".into(), money),
            c.saving_rate
                .map_or("—".into(), |v| format!("{:.2}%", v * 100.0)),
            c.suppliers_before,
            c.suppliers_after.map_or("—".into(), |n| n.to_string()),
            money(c.tail_spend),
            c.tail_suppliers,
            c.local_sme_share_today * 100.0,
            c.local_sme_share_after
                .map_or("—".into(), |v| format!("{:.1}%", v * 100.0)),
            c.local_sme_share_required * 100.0,
        );
        for k in c.conflicts {
            let _ = writeln!(
                o,
                "|   ↳ conflict | **{}** | {} | | | | | |",
                k.group, k.rule
            );
        }
    }
    for (c, v) in &r.out_of_scope {
        let _ = writeln!(
            o,
            "| {c} | out of scope (categories.csv): not awarded | | {} | | | |",
            money(*v)
        );
    }
    let _ = writeln!(
        o,
        "\n## By partner (net present value, GBP)\n\n| partner | saving |\n|---|---|"
    );
    for (p, v) in s.savings_by_partner.iter().filter(|(_, v)| v.abs() > 0.5) {
        let _ = writeln!(o, "| {p} | {} |", money(*v));
    }
    let _ = writeln!(
        o,
        "\n## By year (net, undiscounted, GBP)\n\n| year | saving |\n|---|---|"
    );
    for (y, v) in s.savings_by_year.iter().enumerate() {
        let _ = writeln!(o, "| {} | {} |", y + 1, money(*v));
    }
    o
}
