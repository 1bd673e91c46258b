//! `consolidate overlaps` end to end: every file on the GM example with graphs that agree with the tables,
//! byte-identical reruns, name merging and exact HHI on a hand-made set, XML escaping, and the refusals.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const PROCUREMENT_FILES: [&str; 9] = [
    "supplier_spend.csv",
    "fragmentation.csv",
    "aggregation.csv",
    "partner_pairs.csv",
    "clusters.csv",
    "suppliers.graphml",
    "suppliers.dot",
    "partners.graphml",
    "partners.dot",
];
const ALWAYS_FILES: [&str; 6] = [
    "supplier_merges.csv",
    "proximity.csv",
    "colocation_groups.csv",
    "proximity.graphml",
    "proximity.dot",
    "overlaps.md",
];

/// Runs `overlaps` and asserts exit 0; returns stdout.
fn overlaps_ok(dir: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "overlaps",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend(extra);
    let res = run(&args);
    assert_eq!(
        code(&res),
        0,
        "{}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(res.stderr.is_empty(), "--quiet leaves stderr empty");
    String::from_utf8(res.stdout).unwrap()
}

/// A CSV file as header-keyed rows.
fn table(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|e| panic!("{col} = {:?}: {e}", row[col]))
}

/// A parsed GraphML file: nodes and edges with their data by attribute name.
struct GraphMl {
    nodes: Vec<BTreeMap<String, String>>,
    edges: Vec<BTreeMap<String, String>>,
}

fn graphml(path: &Path) -> GraphMl {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "graphml");
    let keys: BTreeMap<&str, &str> = root
        .children()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| {
            (
                k.attribute("id").unwrap(),
                k.attribute("attr.name").unwrap(),
            )
        })
        .collect();
    let graph = root.children().find(|n| n.has_tag_name("graph")).unwrap();
    assert_eq!(graph.attribute("edgedefault"), Some("undirected"));
    let data = |n: roxmltree::Node| -> BTreeMap<String, String> {
        n.children()
            .filter(|d| d.has_tag_name("data"))
            .map(|d| {
                let key = d.attribute("key").unwrap();
                let name = keys
                    .get(key)
                    .unwrap_or_else(|| panic!("data key {key} has no <key> declaration"));
                (name.to_string(), d.text().unwrap_or("").to_string())
            })
            .collect()
    };
    let ids: BTreeSet<&str> = graph
        .children()
        .filter(|n| n.has_tag_name("node"))
        .map(|n| n.attribute("id").unwrap())
        .collect();
    for e in graph.children().filter(|n| n.has_tag_name("edge")) {
        assert!(ids.contains(e.attribute("source").unwrap()));
        assert!(ids.contains(e.attribute("target").unwrap()));
    }
    GraphMl {
        nodes: graph
            .children()
            .filter(|n| n.has_tag_name("node"))
            .map(data)
            .collect(),
        edges: graph
            .children()
            .filter(|n| n.has_tag_name("edge"))
            .map(data)
            .collect(),
    }
}

/// Edge lines of a DOT file (`A -- B [...]`) and node lines (`A [...]`).
fn dot_counts(path: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.starts_with("graph {"), "undirected DOT");
    let mut nodes = 0;
    let mut edges = 0;
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.first().is_some_and(|x| x.parse::<usize>().is_ok()) {
            if t.get(1) == Some(&"--") {
                edges += 1;
            } else {
                nodes += 1;
            }
        }
    }
    (nodes, edges)
}

fn gm() -> std::path::PathBuf {
    root().join("inputs/greater-manchester")
}

#[test]
fn overlaps_on_gm_writes_every_file_and_graphs_match_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ov");
    let stdout = overlaps_ok(&gm(), &out, &[]);
    for f in PROCUREMENT_FILES.iter().chain(&ALWAYS_FILES) {
        assert!(out.join(f).is_file(), "{f} missing");
        assert!(stdout.contains(f), "stdout names {f}: {stdout}");
    }
    assert!(stdout.contains("procurement: partners"), "{stdout}");

    // Bipartite graph: partners with contracts + supplier groups; one edge per supplier_spend.csv row.
    let spend = table(&out.join("supplier_spend.csv"));
    let orgs: BTreeSet<&str> = spend.iter().map(|r| r["organisation"].as_str()).collect();
    let groups: BTreeSet<&str> = spend.iter().map(|r| r["supplier_group"].as_str()).collect();
    let bi = graphml(&out.join("suppliers.graphml"));
    assert_eq!(bi.nodes.len(), orgs.len() + groups.len());
    assert_eq!(bi.edges.len(), spend.len());
    let partners = bi.nodes.iter().filter(|n| n["kind"] == "partner").count();
    assert_eq!(partners, orgs.len());
    assert_eq!(
        dot_counts(&out.join("suppliers.dot")),
        (bi.nodes.len(), spend.len())
    );

    // The bipartite edges carry every pound of contracts.csv, and so does the fragmentation table.
    let contracts = table(&gm().join("contracts.csv"));
    let total: f64 = contracts.iter().map(|r| num(r, "annual_spend_gbp")).sum();
    let edge_total: f64 = bi
        .edges
        .iter()
        .map(|e| e["spend"].parse::<f64>().unwrap())
        .sum();
    assert!((edge_total - total).abs() < 1.0, "{edge_total} vs {total}");
    let frag = table(&out.join("fragmentation.csv"));
    let frag_total: f64 = frag.iter().map(|r| num(r, "annual_spend_gbp")).sum();
    assert!((frag_total - total).abs() < 1.0);
    for r in &frag {
        let (hhi, top, n) = (num(r, "hhi"), num(r, "top_share"), num(r, "suppliers"));
        // HHI lies between 1/n (equal shares) and top share (HHI ≤ max share) and 1.
        assert!(
            hhi >= 1.0 / n - 1e-6 && hhi <= top + 1e-6 && top <= 1.0,
            "{r:?}"
        );
    }

    // Projection: nodes = clusters.csv rows, edges = partner_pairs.csv rows.
    let pairs = table(&out.join("partner_pairs.csv"));
    let clusters = table(&out.join("clusters.csv"));
    let proj = graphml(&out.join("partners.graphml"));
    assert_eq!(proj.nodes.len(), clusters.len());
    assert_eq!(clusters.len(), orgs.len());
    assert_eq!(proj.edges.len(), pairs.len());
    assert_eq!(
        dot_counts(&out.join("partners.dot")),
        (clusters.len(), pairs.len())
    );

    // Proximity: nodes = sites with coordinates, edges = proximity.csv rows, all within 1 km across partners.
    let sites = table(&gm().join("sites.csv"));
    let located = sites.iter().filter(|s| !s["lat"].trim().is_empty()).count();
    let prox_rows = table(&out.join("proximity.csv"));
    let prox = graphml(&out.join("proximity.graphml"));
    assert_eq!(prox.nodes.len(), located);
    assert_eq!(prox.edges.len(), prox_rows.len());
    assert_eq!(
        dot_counts(&out.join("proximity.dot")),
        (located, prox_rows.len())
    );
    for r in &prox_rows {
        assert!(
            num(r, "km") <= 1.0 && r["organisation_a"] != r["organisation_b"],
            "{r:?}"
        );
    }

    let md = std::fs::read_to_string(out.join("overlaps.md")).unwrap();
    assert!(md.starts_with("# Supplier overlaps and site proximity: greater-manchester"));
    for heading in [
        "## Headlines",
        "## Most fragmented categories",
        "## Collaboration clusters",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
}

#[test]
fn overlaps_reruns_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    overlaps_ok(&gm(), &a, &[]);
    overlaps_ok(&gm(), &b, &[]);
    for f in PROCUREMENT_FILES.iter().chain(&ALWAYS_FILES) {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
}

/// The tiny set with two spellings of ACME, a supplier and a partner whose names need XML escaping, and
/// facilities spend of 600k + 200k with ACME and 150k + 50k with CLEAN.
fn hand_made(dir: &Path) {
    copy_dir(&data("tiny"), dir);
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "organisations.csv",
        "id,name,kind,borough\nT1,Northfield NHS Trust,nhs_trust,Northfield\n\
         C1,Northfield Council,council,Northfield\n\
         G1,\"Northfield \"\"CCG\"\" & <Partners> 'North'\",ccg,Northfield\n",
    );
    write(
        "suppliers.csv",
        "id,name,sme,local\nACME,ACME Limited,false,false\nACME2,Acme Ltd.,false,false\n\
         BOLT,Bolt IT Services Ltd,true,true\nCLEAN,\"Clean & <Sons> \"\"UK\"\" 'Co'\",true,true\n",
    );
    write(
        "contracts.csv",
        "id,organisation,category,supplier,annual_spend_gbp,start,end,termination_fee_gbp,site\n\
         K1,T1,facilities_management,ACME,600000,2014-04-01,2019-03-31,50000,S1\n\
         K2,C1,facilities_management,ACME2,200000,2015-04-01,2017-03-31,10000,\n\
         K3,C1,facilities_management,CLEAN,150000,2015-04-01,2017-03-31,10000,\n\
         K4,G1,facilities_management,CLEAN,50000,2015-04-01,2017-03-31,0,\n\
         K5,C1,it_services,BOLT,420000,2013-04-01,2018-03-31,20000,\n\
         K6,G1,it_services,BOLT,90000,2014-04-01,2017-09-30,5000,\n",
    );
}

fn row<'a>(
    rows: &'a [BTreeMap<String, String>],
    col: &str,
    value: &str,
) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| r[col] == value)
        .unwrap_or_else(|| panic!("no row with {col} = {value}: {rows:?}"))
}

#[test]
fn overlaps_merges_two_spellings_and_gets_hhi_and_top_share_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hand");
    let out = tmp.path().join("out");
    hand_made(&dir);
    let stdout = overlaps_ok(&dir, &out, &["--distance-km", "2"]);
    assert!(stdout.contains("merges 1"), "{stdout}");

    let merges = table(&out.join("supplier_merges.csv"));
    let members: Vec<(&str, &str, &str)> = merges
        .iter()
        .map(|r| {
            (
                r["group_key"].as_str(),
                r["supplier_id"].as_str(),
                r["supplier_name"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("ACME LTD", "ACME", "ACME Limited"),
            ("ACME LTD", "ACME2", "Acme Ltd.")
        ]
    );

    // Facilities: ACME LTD 800k of 1m (share 0.8), CLEAN 200k: HHI = 0.8² + 0.2² = 0.68.
    let frag = table(&out.join("fragmentation.csv"));
    let fm = row(&frag, "category", "facilities_management");
    assert_eq!(fm["top_supplier_group"], "ACME LTD");
    assert_eq!(fm["top_share"], "0.800000");
    assert_eq!(fm["hhi"], "0.680000");
    assert_eq!(
        (fm["suppliers"].as_str(), fm["supplier_ids"].as_str()),
        ("2", "3")
    );
    assert_eq!(fm["partners"], "3");
    assert_eq!(fm["annual_spend_gbp"], "1000000.00");
    assert_eq!(fm["aggregation_candidates"], "2");
    let it = row(&frag, "category", "it_services");
    assert_eq!(
        (it["top_share"].as_str(), it["hhi"].as_str()),
        ("1.000000", "1.000000")
    );

    // Without the merge ACME would be two suppliers with one partner each; merged, T1 and C1 share it.
    let agg = table(&out.join("aggregation.csv"));
    let acme = row(&agg, "supplier_group", "ACME LTD");
    assert_eq!(acme["partner_ids"], "C1;T1");
    assert_eq!(acme["supplier_ids"], "ACME;ACME2");
    assert_eq!(acme["annual_spend_gbp"], "800000.00");
    assert_eq!(agg.len(), 3);

    // Pairs by hand: T1–C1 pool 600k + 350k facilities and share ACME (600k + 200k); T1–G1 share only a category.
    let pairs = table(&out.join("partner_pairs.csv"));
    assert_eq!(pairs.len(), 3);
    let t1c1 = pairs
        .iter()
        .find(|r| r["organisation_a"] == "C1" && r["organisation_b"] == "T1")
        .unwrap();
    assert_eq!(t1c1["pooled_spend_gbp"], "950000.00");
    assert_eq!(t1c1["shared_supplier_spend_gbp"], "800000.00");
    let c1g1 = pairs
        .iter()
        .find(|r| r["organisation_a"] == "C1" && r["organisation_b"] == "G1")
        .unwrap();
    assert_eq!(c1g1["pooled_spend_gbp"], "910000.00");
    assert_eq!(c1g1["shared_supplier_spend_gbp"], "710000.00");
    let g1t1 = pairs
        .iter()
        .find(|r| r["organisation_a"] == "G1" && r["organisation_b"] == "T1")
        .unwrap();
    assert_eq!(
        (
            g1t1["shared_suppliers"].as_str(),
            g1t1["pooled_spend_gbp"].as_str()
        ),
        ("0", "650000.00")
    );

    // Bipartite: 3 partners + 3 supplier groups, one edge per (partner, group, category).
    let bi = graphml(&out.join("suppliers.graphml"));
    assert_eq!((bi.nodes.len(), bi.edges.len()), (6, 6));
    assert_eq!(table(&out.join("supplier_spend.csv")).len(), 6);

    // Only S1 (T1) and S3 (C1) are within 2 km of a site of another partner.
    let prox = table(&out.join("proximity.csv"));
    assert_eq!(prox.len(), 1);
    assert_eq!(
        (prox[0]["site_a"].as_str(), prox[0]["site_b"].as_str()),
        ("S1", "S3")
    );
    let km = consolidate::geo::haversine_km(
        consolidate::domain::LatLon {
            lat: 53.48,
            lon: -2.24,
        },
        consolidate::domain::LatLon {
            lat: 53.47,
            lon: -2.26,
        },
    );
    assert_eq!(prox[0]["km"], format!("{km:.3}"));
    assert_eq!(table(&out.join("colocation_groups.csv")).len(), 2);
}

#[test]
fn overlaps_graph_files_escape_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hand");
    let out = tmp.path().join("out");
    hand_made(&dir);
    overlaps_ok(&dir, &out, &[]);
    let odd = "Northfield \"CCG\" & <Partners> 'North'";
    for f in ["suppliers.graphml", "partners.graphml"] {
        let g = graphml(&out.join(f));
        assert!(
            g.nodes.iter().any(|n| n["label"] == odd),
            "{f} keeps the name exactly"
        );
    }
    let dot = std::fs::read_to_string(out.join("partners.dot")).unwrap();
    assert!(
        dot.contains(r#"label = "Northfield \"CCG\" & <Partners> 'North'""#),
        "{dot}"
    );
    let g = graphml(&out.join("suppliers.graphml"));
    assert!(g.nodes.iter().any(|n| n["id"] == "CLEAN AND SONS UK CO"));
}

#[test]
fn overlaps_without_contracts_writes_proximity_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nocontracts");
    let out = tmp.path().join("out");
    copy_dir(&data("tiny"), &dir);
    std::fs::remove_file(dir.join("contracts.csv")).unwrap();
    std::fs::remove_file(dir.join("offers.csv")).unwrap();
    let stdout = overlaps_ok(&dir, &out, &["--distance-km", "2"]);
    assert!(
        stdout.contains("no contracts, nothing to analyse"),
        "{stdout}"
    );
    for f in ALWAYS_FILES {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    for f in PROCUREMENT_FILES {
        assert!(!out.join(f).exists(), "{f} written without contracts");
    }
    assert_eq!(table(&out.join("proximity.csv")).len(), 1);
    let md = std::fs::read_to_string(out.join("overlaps.md")).unwrap();
    assert!(
        md.contains("nothing to analyse on the procurement side"),
        "{md}"
    );
}

#[test]
fn overlaps_refuses_invalid_input_and_bad_distance_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bad");
    let out = tmp.path().join("out");
    copy_dir(&data("tiny"), &dir);
    let mut text = std::fs::read_to_string(dir.join("contracts.csv")).unwrap();
    text.push_str("K9,T1,it_services,NOBODY,1000,2014-04-01,2019-03-31,0,\n");
    std::fs::write(dir.join("contracts.csv"), text).unwrap();
    let res = run(&[
        "overlaps",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 2);
    assert!(String::from_utf8_lossy(&res.stderr).contains("NOBODY"));
    assert!(!out.exists(), "nothing written on bad input");

    let good = data("tiny");
    let res = run(&[
        "overlaps",
        good.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--distance-km=-1",
    ]);
    assert_eq!(code(&res), 2);
    assert!(String::from_utf8_lossy(&res.stderr).contains("--distance-km"));
    assert!(!out.exists());
}
