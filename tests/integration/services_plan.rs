//! The shared-services decision on generated cases (`consolidate::import::services_gen`): brute force over every
//! pooling choice equals the MILP's optimum; nothing to transfer (`retained_share = 1`) or prohibitive set-up and
//! migration open no hub and save nothing; `scale_exponent = 1` saves no FTE; loosening a rule never lowers the
//! optimum; `plan` writes `services.csv` and `hubs.csv` with a reason per row; the checker names rule breaks in
//! hand-made plans.
//!
//! Cases are drawn from a fixed seed (as in `properties.rs`); each property counts the cases it could compare
//! and fails if most were skipped.

use crate::common::{code, run, solve_to_optimality as solve};
use consolidate::check::{Rule, check};
use consolidate::domain::Dataset;
use consolidate::estates::candidates;
use consolidate::import::services_gen::{self, Shape};
use consolidate::model_config::ModelConfig;
use consolidate::plan::services::{Hub, Join};
use consolidate::plan::{self, Plan};
use consolidate::solve::Outcome;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRunner};
use std::cell::Cell;

const SEED: u64 = 0x5E2F_1CE5_0000_0017;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(SEED),
        max_shrink_iters: 64,
        ..Config::default()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// A generated case read back through the ordinary readers.
fn instance(shape: Shape) -> (Dataset, ModelConfig) {
    let tmp = tempfile::tempdir().unwrap();
    services_gen::write(shape, &tmp.path().join("d")).unwrap();
    let dir = tmp.path().join("d");
    let model = ModelConfig::load(&dir.join("model.toml")).unwrap();
    let loaded = consolidate::input::load(&dir, &model);
    assert_eq!(loaded.errors(), 0, "{:?}", loaded.findings);
    (loaded.dataset, model)
}

/// The optimum plan's NPV and shared-services NPV, when proven optimal.
fn optimum(data: &Dataset, model: &ModelConfig) -> Option<(f64, f64, Plan)> {
    match solve(data, model).outcome {
        Outcome::Optimal(p) => {
            let ss = p.kpis.shared_services.as_ref().map_or(0.0, |s| s.npv);
            Some((p.kpis.npv, ss, p.plan))
        }
        _ => None,
    }
}

/// Freezes the estate: every site kept and every team where it is, so that only the shared-services decisions
/// remain and brute force can enumerate them.
fn freeze_estate(data: &mut Dataset) {
    data.sites.iter_mut().for_each(|s| s.must_keep = true);
    data.teams.iter_mut().for_each(|t| t.movable = false);
}

/// Every shared-services plan over the model's candidates: each partner function in house or at one of its
/// hubs, each hub taking its members in one year; the best NPV among those the checker passes. `Err` when
/// there are more than `limit` plans.
fn brute_force(data: &Dataset, model: &ModelConfig, limit: u64) -> Result<Option<f64>, u64> {
    let cand = candidates::build(data, model);
    let sc = &cand.services;
    let years = model.horizon_years;
    let pairs: Vec<usize> = (0..sc.pairs.len())
        .filter(|&p| !sc.pairs[p].options.is_empty())
        .collect();
    let choices: u64 = pairs
        .iter()
        .map(|&p| sc.pairs[p].options.len() as u64 + 1)
        .product::<u64>()
        * u64::from(years).pow(sc.hubs.len().min(8) as u32);
    if choices > limit {
        return Err(choices);
    }
    let mut best: Option<f64> = None;
    let mut pick = vec![0usize; pairs.len()];
    loop {
        let used: Vec<usize> = {
            let mut u: Vec<usize> = pairs
                .iter()
                .zip(&pick)
                .filter(|(_, c)| **c > 0)
                .map(|(&p, &c)| sc.pairs[p].options[c - 1].hub)
                .collect();
            u.sort();
            u.dedup();
            u
        };
        // Every combination of wave years for the hubs in use.
        let mut wave = vec![1u32; used.len()];
        loop {
            let mut plan = Plan::baseline(data);
            let mut at = std::collections::BTreeMap::new();
            for (i, &h) in used.iter().enumerate() {
                let hub = &sc.hubs[h].hub;
                let ix = match hub.service {
                    Some(s) => s,
                    None => {
                        plan.services.hubs.push(Hub {
                            open_year: wave[i],
                            ..hub.clone()
                        });
                        plan.services.hubs.len() - 1
                    }
                };
                at.insert(h, (ix, wave[i]));
            }
            for (&p, &c) in pairs.iter().zip(&pick) {
                if c > 0 {
                    let (hub, year) = at[&sc.pairs[p].options[c - 1].hub];
                    plan.services.joins.push(Join {
                        organisation: sc.pairs[p].org,
                        function: sc.pairs[p].function,
                        hub,
                        year,
                    });
                }
            }
            if check(data, model, &plan, None).violations.is_empty() {
                let npv = plan::evaluate(data, &cand, &plan).npv;
                best = Some(best.map_or(npv, |b: f64| b.max(npv)));
            }
            if !next(&mut wave, |_| years as usize, 1) {
                break;
            }
        }
        if !next(&mut pick, |i| sc.pairs[pairs[i]].options.len() + 1, 0) {
            break;
        }
    }
    Ok(best)
}

/// The next combination in `digits` (digit `i` from `low` to `radix(i) - 1`); false after the last.
fn next<T: Copy + PartialOrd + std::ops::AddAssign + From<u8> + TryFrom<usize>>(
    digits: &mut [T],
    radix: impl Fn(usize) -> usize,
    low: u8,
) -> bool {
    for (i, d) in digits.iter_mut().enumerate() {
        *d += T::from(1);
        let top = T::try_from(radix(i) + usize::from(low)).ok();
        if top.is_some_and(|top| *d < top) {
            return true;
        }
        *d = T::from(low);
    }
    false
}

#[test]
fn brute_force_over_every_pooling_choice_equals_the_milp_optimum() {
    let (compared, pooling) = (Cell::new(0), Cell::new(0));
    let strategy = (
        4usize..=6,
        1usize..=2,
        any::<u64>(),
        2u32..=4,
        0.3f64..1.5,
        any::<bool>(),
    );
    let mut runner = TestRunner::new(config(24));
    let result = runner.run(
        &strategy,
        |(partners, functions, seed, years, desks, budget)| {
            let (mut data, mut model) = instance(Shape {
                partners,
                functions,
                seed,
            });
            freeze_estate(&mut data);
            model.horizon_years = years;
            // Half the cases count money over three years more than they act in (savings run on).
            model.appraisal_years = seed.is_multiple_of(2).then_some(years + 3);
            model.terminal_value = seed & 4 != 0;
            // Hubs need desks at their site: fewer desks make the capacity rule bind in some cases.
            data.sites
                .iter_mut()
                .for_each(|s| s.desks = (f64::from(s.desks) * desks) as u32);
            // Small cases: cheaper joining and economies of scale from a smaller size, so that pooling pays.
            data.functions.iter_mut().for_each(|f| {
                f.setup *= 0.1;
                f.migration_per_body *= 0.1;
                f.reference_fte *= 0.2;
                f.scale_exponent = f.scale_exponent.min(0.75);
                f.dual_running_months = 0.0;
            });
            model.estates.budget.relocation_per_head = 500.0;
            model.estates.budget.fitout_per_desk = 0.0;
            if budget {
                model.estates.budget.capital_per_year = Some(400_000.0);
            }
            let Ok(brute) = brute_force(&data, &model, 100_000) else {
                return Ok(());
            };
            let found = optimum(&data, &model);
            if found
                .as_ref()
                .is_some_and(|o| !o.2.services.joins.is_empty())
            {
                pooling.set(pooling.get() + 1);
            }
            match (brute, found.map(|o| o.0)) {
                (Some(b), Some(m)) => {
                    prop_assert!(close(b, m), "brute force {b} vs MILP {m}");
                    compared.set(compared.get() + 1);
                }
                // Today's plan breaks a rule (too few desks): no plan at all.
                (None, None) => compared.set(compared.get() + 1),
                (b, m) => prop_assert!(false, "brute force {b:?} vs MILP {m:?}"),
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!(
        "brute force: compared {} cases, {} pooling",
        compared.get(),
        pooling.get()
    );
    assert!(
        compared.get() >= 12,
        "compared only {} cases",
        compared.get()
    );
    assert!(
        pooling.get() >= 3,
        "only {} cases pool anything",
        pooling.get()
    );
}

#[test]
fn nothing_to_transfer_or_prohibitive_costs_open_no_hub_and_save_nothing() {
    for seed in 1..=3 {
        let shape = Shape {
            partners: 12,
            functions: 3,
            seed,
        };
        let (data, model) = instance(shape);
        let (_, ss, _) = optimum(&data, &model).expect("optimal");
        assert!(
            ss > 0.0,
            "seed {seed}: the case pools something as generated"
        );
        let mut kept = data.clone();
        kept.functions
            .iter_mut()
            .for_each(|f| f.retained_share = 1.0);
        let (_, ss, plan) = optimum(&kept, &model).expect("optimal");
        assert_eq!(
            (ss, plan.services.joins.len()),
            (0.0, 0),
            "seed {seed}: retained share 1"
        );
        let mut dear = data.clone();
        dear.functions.iter_mut().for_each(|f| {
            f.setup = 1e12;
            f.migration_per_body = 1e12;
        });
        let (_, ss, plan) = optimum(&dear, &model).expect("optimal");
        assert_eq!(
            (ss, plan.services.joins.len()),
            (0.0, 0),
            "seed {seed}: prohibitive costs"
        );
        assert!(
            plan.services.hubs.iter().all(|h| h.service.is_some()),
            "no new hub"
        );
    }
}

#[test]
fn a_scale_exponent_of_one_saves_no_fte() {
    let (mut data, model) = instance(Shape {
        partners: 12,
        functions: 3,
        seed: 7,
    });
    data.functions
        .iter_mut()
        .for_each(|f| f.scale_exponent = 1.0);
    let r = solve(&data, &model);
    let k = r
        .kpis()
        .and_then(|k| k.shared_services.as_ref())
        .expect("a plan");
    assert!(k.fte_saved.abs() < 1e-9, "{}", k.fte_saved);
    assert!(k.npv <= 1e-6, "no saving to pay for anything: {}", k.npv);
}

/// A change that loosens one rule of a model.
type Loosen = fn(&mut ModelConfig);

#[test]
fn loosening_a_rule_never_lowers_the_optimum() {
    let mut compared = 0;
    for seed in 1..=4 {
        let (data, mut tight) = instance(Shape {
            partners: 10,
            functions: 2,
            seed,
        });
        let s = &mut tight.shared_services;
        s.programme_capacity = Some(2);
        s.min_members = 3;
        s.max_transfer_km = Some(8.0);
        tight.estates.budget.capital_per_year = Some(2_000_000.0);
        let Some((base, _, _)) = optimum(&data, &tight) else {
            continue;
        };
        let loosen: [(&str, Loosen); 6] = [
            ("programme", |m| m.shared_services.programme_capacity = None),
            ("min members", |m| m.shared_services.min_members = 2),
            ("transfer distance", |m| {
                m.shared_services.max_transfer_km = Some(20.0)
            }),
            ("sector rule", |m| m.shared_services.sector_rule = false),
            ("max hubs", |m| m.shared_services.max_hubs = false),
            ("budget", |m| m.estates.budget.capital_per_year = None),
        ];
        for (what, f) in loosen {
            let mut loose = tight.clone();
            f(&mut loose);
            if let Some((npv, _, _)) = optimum(&data, &loose) {
                assert!(
                    npv >= base - 1e-6 * base.abs().max(1.0),
                    "seed {seed}, {what}: {npv} < {base}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 18, "compared only {compared}");
}

/// The generated case the command-line tests run: 12 partners x 3 functions, seed 2, written to a fresh folder
/// `d` (kept while the returned folder lives).
fn written_case() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d");
    let shape = Shape {
        partners: 12,
        functions: 3,
        seed: 2,
    };
    services_gen::write(shape, &dir).unwrap();
    (tmp, dir)
}

#[test]
fn plan_writes_services_and_hubs_with_a_reason_for_every_row_and_checks_clean() {
    let (tmp, dir) = written_case();
    let out = tmp.path().join("out");
    let model = dir.join("model.toml");
    let args = [
        "plan",
        dir.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--check",
        "-q",
    ];
    let o = run(&args);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let ss = &summary["shared_services"];
    assert_eq!(ss["status"], "optimal");
    assert_eq!(ss["check"], true);
    assert!(ss["fte_saved"].as_f64().unwrap() > 0.0, "{ss}");
    let services = std::fs::read_to_string(out.join("services.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(services.as_bytes());
    let header = rows.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        consolidate::plan::files::SERVICE_COLUMNS
    );
    let (mut joined, mut kept) = (0, 0);
    for r in rows.records() {
        let r = r.unwrap();
        let reason = &r[10];
        match &r[3] {
            "in_house" => {
                assert!(reason.starts_with("stays in house: "), "{reason}");
                kept += 1;
            }
            _ if r[5].is_empty() => assert!(reason.starts_with("a member of "), "{reason}"),
            hub => {
                assert!(reason.starts_with("joins the "), "{reason}");
                assert!(!hub.is_empty() && r[4].len() > 1);
                joined += 1;
            }
        }
    }
    assert!(
        joined > 0 && kept > 0,
        "some pool, some stay: {joined} joined, {kept} kept"
    );
    let hubs = std::fs::read_to_string(out.join("hubs.csv")).unwrap();
    assert!(hubs.starts_with(&format!(
        "\u{feff}{}",
        consolidate::plan::files::HUB_COLUMNS.join(",")
    )));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("## Shared services") && md.contains("| partner |"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>Shared services</h2>") && html.contains("<h3>Hubs</h3>"));
    assert!(html.contains("title=\"joins the ") && html.contains("title=\"stays in house: "));
    // The map: a diamond per hub at a located site, and a dashed line per joining team (generated sites all
    // have coordinates).
    let hub_rows = hubs.lines().count() - 1;
    assert_eq!(html.matches("class=\"hub\"").count(), hub_rows);
    assert!(html.matches("class=\"hub-link\"").count() >= joined);
}

#[test]
fn the_checker_names_broken_shared_service_rules() {
    let (data, model) = instance(Shape {
        partners: 9,
        functions: 2,
        seed: 3,
    });
    let (_, _, optimal) = optimum(&data, &model).expect("optimal");
    assert!(check(&data, &model, &optimal, None).ok);
    let rules = |plan: &Plan| -> Vec<Rule> {
        let mut r: Vec<Rule> = check(&data, &model, plan, None)
            .violations
            .iter()
            .map(|v| v.rule)
            .collect();
        r.dedup();
        r
    };
    // A payroll (same sector) hub hosted by a council that an NHS partner joins, alone.
    let payroll = data
        .functions
        .iter()
        .position(|f| f.id.0 == "payroll")
        .unwrap();
    let council = data
        .organisations
        .iter()
        .position(|o| o.kind == consolidate::domain::OrgKind::Council)
        .unwrap();
    let trust = data
        .organisations
        .iter()
        .position(|o| o.kind == consolidate::domain::OrgKind::NhsTrust)
        .unwrap();
    let site = data
        .sites
        .iter()
        .position(|s| s.organisation.ix() == council)
        .unwrap();
    let mut plan = Plan::baseline(&data);
    plan.services.hubs.push(Hub {
        function: payroll,
        site: consolidate::domain::SiteIx(site as u32),
        host: consolidate::domain::OrgIx(council as u32),
        service: None,
        open_year: 1,
    });
    let hub = plan.services.hubs.len() - 1;
    plan.services.joins.push(Join {
        organisation: consolidate::domain::OrgIx(trust as u32),
        function: payroll,
        hub,
        year: 1,
    });
    let broken = rules(&plan);
    assert!(broken.contains(&Rule::Sector), "{broken:?}");
    assert!(
        broken.contains(&Rule::Hubs),
        "one member is fewer than min_members: {broken:?}"
    );
    // Joining twice, and in a year outside the horizon.
    let mut plan2 = plan.clone();
    plan2.services.joins.push(Join {
        year: 9,
        ..plan2.services.joins[0]
    });
    assert!(rules(&plan2).contains(&Rule::Join));
    // A plan the model never writes: members of one hub in two years.
    let mut plan3 = plan.clone();
    plan3.services.joins.push(Join {
        organisation: consolidate::domain::OrgIx(council as u32),
        year: 2,
        ..plan3.services.joins[0]
    });
    assert!(rules(&plan3).contains(&Rule::Hubs), "{:?}", rules(&plan3));
}

#[test]
fn evaluate_reads_services_csv_costs_it_as_plan_did_and_codes_bad_rows() {
    let (tmp, dir) = written_case();
    let (out, ev) = (tmp.path().join("out"), tmp.path().join("ev"));
    let model = dir.join("model.toml");
    let (d, m) = (dir.to_str().unwrap(), model.to_str().unwrap());
    assert_eq!(
        code(&run(&[
            "plan",
            d,
            "--model",
            m,
            "--out",
            out.to_str().unwrap(),
            "-q"
        ])),
        0
    );
    let npv = |p: &std::path::Path| {
        let s: serde_json::Value =
            serde_json::from_slice(&std::fs::read(p.join("summary.json")).unwrap()).unwrap();
        s["shared_services"]["npv"].as_f64().unwrap()
    };
    let o = run(&[
        "evaluate",
        d,
        out.to_str().unwrap(),
        "--model",
        m,
        "--out",
        ev.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    let want = format!(
        "shared services: NPV GBP {}",
        consolidate::text::money(npv(&out))
    );
    assert!(said.contains(&want), "{said}\nwanted {want}");
    // Only services.csv, every partner's payroll joined to one council-hosted hub: the sector rule and the
    // transfer distance break, and the plan is still costed.
    let hand = tmp.path().join("hand");
    std::fs::create_dir(&hand).unwrap();
    let evaluate_hand = || {
        let args = ["evaluate", d, hand.to_str().unwrap(), "--model", m, "--out"];
        run(&[&args[..], &[ev.to_str().unwrap()]].concat())
    };
    let mut rows = String::from("organisation,function,delivered_by,hub_site,join_year\n");
    for p in 0..12 {
        rows.push_str(&format!("P{p:04},payroll,payroll:S0000,S0000,1\n"));
    }
    std::fs::write(hand.join("services.csv"), &rows).unwrap();
    let o = evaluate_hand();
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(code(&o), 1, "{said}");
    assert!(
        said.contains("violation [sector]") && said.contains("violation [transfer]"),
        "{said}"
    );
    // A joining without its year, and an unknown function: coded findings, exit 2.
    std::fs::write(
        hand.join("services.csv"),
        "organisation,function,delivered_by,hub_site,join_year\nP0001,payroll,payroll:S0000,S0000,\nP0002,cleaning,in_house,,\n",
    )
    .unwrap();
    let o = evaluate_hand();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(code(&o), 2, "{err}");
    assert!(
        err.contains("E1010") && err.contains("row 2") && err.contains("join_year"),
        "{err}"
    );
    assert!(
        err.contains("E1021") && err.contains("row 3") && err.contains("function"),
        "{err}"
    );
}

#[test]
fn compare_shows_the_shared_service_figures_and_who_delivers_what_in_each_plan() {
    let (tmp, dir) = written_case();
    let (out, cmp) = (tmp.path().join("optimal"), tmp.path().join("cmp"));
    let model = dir.join("model.toml");
    let (d, m) = (dir.to_str().unwrap(), model.to_str().unwrap());
    let o = run(&[
        "plan",
        d,
        "--model",
        m,
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code(&o), 0);
    // By hand: only services.csv, every partner function kept in house.
    let services = std::fs::read_to_string(out.join("services.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(services.as_bytes());
    let mut in_house = String::from("organisation,function,delivered_by\n");
    let mut joined = Vec::new();
    for r in rows.records() {
        let r = r.unwrap();
        if r[3] != *"in_house" && !r[5].is_empty() {
            joined.push(format!("{} {}", &r[0], &r[1]));
        }
        if r[5].is_empty() && r[3] != *"in_house" {
            continue; // a member of today's service stays one
        }
        in_house.push_str(&format!("{},{},in_house\n", &r[0], &r[1]));
    }
    assert!(!joined.is_empty());
    let hand = tmp.path().join("in-house");
    std::fs::create_dir(&hand).unwrap();
    std::fs::write(hand.join("services.csv"), in_house).unwrap();
    let args = ["compare", d, out.to_str().unwrap(), hand.to_str().unwrap()];
    let o = run(&[&args[..], &["--model", m, "--out", cmp.to_str().unwrap()]].concat());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let kpis = std::fs::read_to_string(cmp.join("compare.csv")).unwrap();
    let npv_row = kpis
        .lines()
        .find(|l| l.starts_with("shared_services_npv_gbp,"))
        .expect("the shared-services NPV is compared");
    assert!(
        npv_row.ends_with(",0") || npv_row.ends_with(",0.00"),
        "{npv_row}"
    );
    let diffs = std::fs::read_to_string(cmp.join("differences.csv")).unwrap();
    let services: Vec<&str> = diffs
        .lines()
        .filter(|l| l.starts_with("service,"))
        .collect();
    assert_eq!(services.len(), joined.len(), "{diffs}");
    for pair in &joined {
        let line = services
            .iter()
            .find(|l| l.starts_with(&format!("service,{pair},")))
            .unwrap();
        assert!(
            line.contains(",joins ") && line.ends_with(",in house"),
            "{line}"
        );
    }
}

#[test]
fn explain_forces_shared_service_decisions_the_other_way_and_none_beats_the_optimum() {
    let (tmp, dir) = written_case();
    let out = tmp.path().join("out");
    let model = dir.join("model.toml");
    let (d, m) = (dir.to_str().unwrap(), model.to_str().unwrap());
    let args = ["plan", d, "--model", m, "--out", out.to_str().unwrap()];
    let o = run(&[&args[..], &["--explain", "4", "-q"]].concat());
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let npv = summary["kpis"]["npv"].as_f64().unwrap();
    let services = std::fs::read_to_string(out.join("services.csv")).unwrap();
    let delivered = |id: &str| -> String {
        let (org, function) = id.split_once(' ').unwrap();
        let line = services
            .lines()
            .find(|l| l.starts_with(&format!("{org},{function},")))
            .unwrap();
        line.split(',').nth(3).unwrap().to_string()
    };
    let mut r = csv::Reader::from_path(out.join("explain.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let forced: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "service").collect();
    assert_eq!(forced.len(), 4, "{rows:?}");
    for row in forced {
        // Forced the other way: a joined function kept in house, an in-house one made to join.
        let joined = delivered(&row[1]) != "in_house";
        assert_eq!(&row[4], if joined { "in_house" } else { "join" }, "{row:?}");
        if &row[5] == "optimal" {
            let change: f64 = row[7].parse().unwrap();
            assert!(change <= 1e-6, "forcing cannot beat the optimum: {row:?}");
            let forced_npv: f64 = row[6].parse().unwrap();
            assert!((forced_npv - change - npv).abs() < 0.02, "{row:?}");
        } else {
            assert!(row[8].starts_with("breaks the rules: "), "{row:?}");
        }
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| service "), "{md}");
}

#[test]
fn the_model_files_exponent_and_set_up_factor_price_the_functions_as_read() {
    let (dir_tmp, dir) = written_case();
    let base = ModelConfig::load(&dir.join("model.toml")).unwrap();
    let read = |model: &ModelConfig| {
        let loaded = consolidate::input::load(&dir, model);
        assert_eq!(loaded.errors(), 0, "{:?}", loaded.findings);
        loaded.dataset
    };
    let plain = read(&base);
    let mut model = base.clone();
    model.shared_services.scale_exponent = Some(1.0);
    model.shared_services.setup_cost_factor = 1.6;
    let priced = read(&model);
    for (a, b) in plain.functions.iter().zip(&priced.functions) {
        assert_eq!(b.scale_exponent, 1.0);
        assert!(
            close(b.setup, 1.6 * a.setup)
                && close(b.migration_per_body, 1.6 * a.migration_per_body)
        );
        assert_eq!(
            (b.redundancy_per_fte, b.cost_per_fte),
            (a.redundancy_per_fte, a.cost_per_fte)
        );
    }
    let (_, ss, _) = optimum(&priced, &model).expect("optimal");
    assert!(
        ss.abs() <= 1e-6,
        "an exponent of 1 saves nothing to pay for a hub: {ss}"
    );
    // Out of range: refused by the model file's checks with the key named.
    for (key, bad) in [("scale_exponent", "0.0"), ("setup_cost_factor", "-1.0")] {
        let text = format!("[shared_services]\n{key} = {bad}\n");
        let path = dir_tmp.path().join(format!("{key}.toml"));
        std::fs::write(&path, text).unwrap();
        let err = ModelConfig::load(&path).unwrap_err().to_string();
        assert!(err.contains(&format!("shared_services.{key}")), "{err}");
    }
}
