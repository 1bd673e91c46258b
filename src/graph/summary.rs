//! `overlaps.md`: a readable summary of the overlap analysis for procurement and estates leads.

use super::Overlaps;
use super::projection::Projection;
use crate::domain::Dataset;
use std::fmt::Write;

/// How many rows the summary's top-N tables show; the CSV files hold the rest.
const TOP: usize = 10;

/// Whole pounds with thousands separators: `£1,234,567`.
pub fn pounds(x: f64) -> String {
    let whole = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    let sign = if x < 0.0 && whole != "0" { "-" } else { "" };
    format!("{sign}£{out}")
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Renders the summary. `name` is the data set's folder name (not its path, so the bytes do not depend on where
/// the command was run from).
pub fn render(data: &Dataset, o: &Overlaps, name: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Supplier overlaps and site proximity: {}\n",
        cell(name)
    );
    procurement(&mut md, data, o);
    proximity(&mut md, data, o);
    md
}

fn procurement(md: &mut String, data: &Dataset, o: &Overlaps) {
    let Some(p) = &o.procurement else {
        let _ = writeln!(
            md,
            "## Procurement\n\nThe data set has no contracts: there is nothing to analyse on the procurement side, \
             so no supplier, category, partner-pair or cluster outputs were written.\n"
        );
        return;
    };
    let spend: f64 = p.rows.iter().map(|r| r.spend).sum();
    let cand_spend: f64 = p.candidates.iter().map(|c| c.spend).sum();
    let used_groups = p.categories.iter().map(|c| c.suppliers).sum::<usize>();
    let merges = o.groups.merges().count();
    let merged_rows: usize = o.groups.merges().map(|g| g.members.len()).sum();
    let proj = &p.projection;
    let _ = writeln!(md, "## Headlines\n\n| measure | value |\n|---|---:|");
    let rows = [
        (
            "partners with contracts (of all partners)",
            format!("{} (of {})", proj.partners.len(), data.organisations.len()),
        ),
        ("contracts", data.contracts.len().to_string()),
        ("annual spend under contract", pounds(spend)),
        ("spend categories", p.categories.len().to_string()),
        (
            "supplier rows → supplier groups after name merging",
            format!(
                "{} → {} ({merges} merges of {merged_rows} rows)",
                data.suppliers.len(),
                o.groups.groups.len()
            ),
        ),
        (
            "(category, supplier group) pairs with spend",
            used_groups.to_string(),
        ),
        (
            "aggregation candidates (paid by 2+ partners in a category)",
            format!(
                "{}, {} ({} of spend)",
                p.candidates.len(),
                pounds(cand_spend),
                pct(if spend > 0.0 { cand_spend / spend } else { 0.0 })
            ),
        ),
        (
            "partner pairs sharing a supplier or a category",
            proj.pairs.len().to_string(),
        ),
        (
            "pairs sharing a supplier",
            proj.pairs
                .iter()
                .filter(|x| !x.shared_suppliers.is_empty())
                .count()
                .to_string(),
        ),
        (
            "connected components of the partner projection",
            Projection::count(&proj.components).to_string(),
        ),
        (
            "collaboration clusters (Louvain on shared-supplier spend)",
            format!(
                "{} (modularity {:.3})",
                Projection::count(&proj.communities),
                proj.modularity
            ),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(md, "| {k} | {v} |");
    }
    let _ = writeln!(
        md,
        "\n## Most fragmented categories\n\nLowest Herfindahl–Hirschman index first (HHI = sum of squared supplier \
         shares, 0–1: 1 is a single supplier, 1/n is n equal suppliers). All categories are in `fragmentation.csv`.\n\n\
         | category | partners | suppliers | spend | top share | HHI | candidates | candidate spend |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut cats: Vec<_> = p.categories.iter().collect();
    cats.sort_by(|a, b| {
        a.hhi
            .unwrap_or(f64::INFINITY)
            .total_cmp(&b.hhi.unwrap_or(f64::INFINITY))
            .then_with(|| a.category.cmp(&b.category))
    });
    for c in cats.iter().take(TOP) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&c.category),
            c.partners,
            c.suppliers,
            pounds(c.spend),
            c.top_share.map_or("–".into(), pct),
            c.hhi.map_or("–".into(), |h| format!("{h:.3}")),
            c.candidates,
            pounds(c.candidate_spend)
        );
    }
    let _ = writeln!(
        md,
        "\n## Largest aggregation candidates\n\nSupplier groups that two or more partners pay in the same category, \
         by spend. All are in `aggregation.csv`.\n\n| category | supplier group | partners | spend |\n|---|---|---:|---:|"
    );
    let mut cands: Vec<_> = p.candidates.iter().collect();
    cands.sort_by(|a, b| {
        b.spend
            .total_cmp(&a.spend)
            .then_with(|| a.category.cmp(&b.category))
            .then_with(|| {
                o.groups.groups[a.group]
                    .key
                    .cmp(&o.groups.groups[b.group].key)
            })
    });
    for c in cands.iter().take(TOP) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            cell(&c.category),
            cell(&o.groups.groups[c.group].key),
            c.partners.len(),
            pounds(c.spend)
        );
    }
    clusters(md, data, proj);
    let _ = writeln!(md, "\n## Supplier name merges\n");
    if merges == 0 {
        let _ = writeln!(md, "No two supplier names normalise alike.");
    } else {
        let _ = writeln!(
            md,
            "{merges} groups of suppliers whose names normalise alike are treated as one supplier \
             (all in `supplier_merges.csv`):\n"
        );
        for g in o.groups.merges().take(TOP) {
            let members: Vec<String> = g
                .members
                .iter()
                .map(|&s| format!("{} “{}”", data.supplier(s).id, data.supplier(s).name))
                .collect();
            let _ = writeln!(md, "- {}: {}", cell(&g.key), cell(&members.join(", ")));
        }
        if merges > TOP {
            let _ = writeln!(md, "- … and {} more", merges - TOP);
        }
    }
    md.push('\n');
}

fn clusters(md: &mut String, data: &Dataset, proj: &Projection) {
    let _ = writeln!(
        md,
        "\n## Collaboration clusters\n\nLouvain communities of the partner projection weighted by spend with shared \
         suppliers; a partner that shares no supplier is a cluster of its own. All partners are in `clusters.csv`.\n\n\
         | cluster | partners | spend | members |\n|---:|---:|---:|---|"
    );
    for c in 0..Projection::count(&proj.communities) {
        let members: Vec<usize> = (0..proj.partners.len())
            .filter(|&i| proj.communities[i] == c)
            .collect();
        let spend: f64 = members.iter().map(|&i| proj.spend[i]).sum();
        let names: Vec<String> = members
            .iter()
            .map(|&i| data.org(proj.partners[i]).id.clone())
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            c + 1,
            members.len(),
            pounds(spend),
            cell(&names.join(", "))
        );
    }
}

fn proximity(md: &mut String, data: &Dataset, o: &Overlaps) {
    let prox = &o.proximity;
    let _ = writeln!(
        md,
        "## Co-location candidates\n\n{} of {} sites have coordinates; {} pairs of sites of different partners lie \
         within {} km of each other, in {} co-location groups (`proximity.csv`, `colocation_groups.csv`).\n",
        prox.sites.len(),
        data.sites.len(),
        prox.pairs.len(),
        prox.max_km,
        prox.groups()
    );
    if prox.pairs.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "| site | partner | site | partner | km |\n|---|---|---|---|---:|"
    );
    for p in prox.pairs.iter().take(TOP) {
        let (a, b) = (data.site(p.a), data.site(p.b));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {:.3} |",
            cell(&format!("{} ({})", a.name, a.id)),
            cell(&data.org(a.organisation).id),
            cell(&format!("{} ({})", b.name, b.id)),
            cell(&data.org(b.organisation).id),
            p.km
        );
    }
    md.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_have_thousands_separators() {
        assert_eq!(pounds(0.0), "£0");
        assert_eq!(pounds(999.4), "£999");
        assert_eq!(pounds(1234567.5), "£1,234,568");
        assert_eq!(pounds(-1000.0), "-£1,000");
    }
}
