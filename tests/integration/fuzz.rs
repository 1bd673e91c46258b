//! Fuzzing with proptest (no nightly toolchain needed): random bytes and random edits of valid files, fed to every
//! CSV reader (the data set loader, and the plan files `evaluate` reads, whose plans then go through the
//! independent checker), the model file parser and the run manifest parser, must never panic;
//! a refused model or manifest must come back as coded findings. Counts per target are in [`CASES`] (the README's
//! reliability section quotes their total); any crash found becomes a corpus case in `tests/data/broken/`.

use crate::common::*;
use consolidate::input;
use consolidate::model_config::ModelConfig;
use proptest::prelude::*;

const FILES: &[&str] = &[
    "organisations.csv",
    "sites.csv",
    "teams.csv",
    "zones.csv",
    "team_site_costs.csv",
    "suppliers.csv",
    "contracts.csv",
    "offers.csv",
    "functions.csv",
    "shared_services.csv",
    "service_members.csv",
];

/// Loads `tiny-services` (`tiny` with shared services) with one file replaced by `bytes`; the loader must return
/// (never panic) and, if it reports no error, every team must point at a real site.
fn load_with(file: &str, bytes: &[u8]) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny-services"), tmp.path());
    std::fs::write(tmp.path().join(file), bytes).unwrap();
    let loaded = input::load(tmp.path(), &ModelConfig::default());
    for t in &loaded.dataset.teams {
        if let Some(s) = t.site {
            assert!(s.ix() < loaded.dataset.sites.len());
        }
    }
    loaded.errors()
}

/// A random edit of a valid file's text: overwrite, insert or delete a short run of bytes.
fn mutate(mut bytes: Vec<u8>, at: usize, len: usize, kind: u8, fill: &[u8]) -> Vec<u8> {
    let at = at % (bytes.len() + 1);
    let end = (at + len).min(bytes.len());
    match kind % 3 {
        0 => {
            bytes.splice(at..end, fill.iter().copied());
        }
        1 => {
            bytes.splice(at..at, fill.iter().copied());
        }
        _ => {
            bytes.drain(at..end);
        }
    }
    bytes
}

/// Inputs tried per fuzz target and per run (random bytes and random edits each).
pub const CASES: u32 = 256;

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_in_any_file_never_panic(file in 0..FILES.len(), bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        load_with(FILES[file], &bytes);
    }

    #[test]
    fn random_edits_of_valid_files_never_panic(
        file in 0..FILES.len(),
        at in any::<usize>(),
        len in 0usize..12,
        kind in any::<u8>(),
        fill in proptest::collection::vec(prop_oneof![
            Just(b','), Just(b'"'), Just(b'\n'), Just(b'-'), Just(b'.'), Just(0xFFu8), Just(b'9'), Just(b'e'), any::<u8>()
        ], 0..8),
    ) {
        let original = std::fs::read(data("tiny-services").join(FILES[file])).unwrap_or_default();
        load_with(FILES[file], &mutate(original, at, len, kind, &fill));
    }
}

#[test]
fn the_unedited_tiny_set_has_no_errors() {
    let original = std::fs::read(data("tiny").join("sites.csv")).unwrap();
    assert_eq!(load_with("sites.csv", &original), 0);
}

/// A valid model file with every section, to mutate.
const MODEL: &str = "name = \"m\"\nstart_date = 2016-04-01\nhorizon_years = 5\ndiscount_rate = 0.035\n\
[estates]\ndesk_ratio = 0.8\nforce_release = [\"S2\"]\n[estates.access]\nmax_km = 5.0\n\
[estates.budget]\ncapital_per_year = 1000000.0\n[solver]\nname = \"microlp\"\n\
[procurement]\nenabled = true\nmin_suppliers = 2\n[procurement.overrides.it_services]\nmax_suppliers = 3\n";

/// A valid run manifest with a scenario and a sweep, to mutate.
const MANIFEST: &str = "name = \"night\"\noutput_root = \"runs\"\nthreads = 2\ntime_limit_s = 30\n\
[[dataset]]\nname = \"tiny\"\ndir = \"tiny\"\n\
[[scenario]]\nname = \"base\"\ndataset = \"tiny\"\nmodel = \"m.toml\"\n\
overrides = { \"estates.desk_ratio\" = 0.9 }\n\
[[sweep]]\nname = \"access\"\ndataset = \"tiny\"\nmodel = \"m.toml\"\n\
parameter = \"estates.access.max_km\"\nfrom = 3.0\nto = 7.0\nstep = 1.0\n";

/// Parses model bytes: a refusal must be a located E1050 finding, never a panic.
fn model_never_panics(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Err(fail) = ModelConfig::parse_located(text)
    {
        let f = fail.finding("m.toml");
        assert_eq!(f.code, "E1050");
        if let Some(line) = f.row {
            assert!(line as usize <= text.lines().count().max(1), "{f}");
        }
    }
}

/// Loads a manifest (beside `tiny` and a valid model): a refusal must be coded findings, never a panic.
fn manifest_never_panics(bytes: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny"), &tmp.path().join("tiny"));
    std::fs::write(tmp.path().join("m.toml"), "[estates]\ndesk_ratio = 0.8\n").unwrap();
    let path = tmp.path().join("night.toml");
    std::fs::write(&path, bytes).unwrap();
    if let Err(findings) = consolidate::run::manifest::load(&path) {
        assert!(!findings.is_empty());
        assert!(
            findings.iter().all(|f| f.code.starts_with('E')),
            "{findings:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_as_a_model_or_manifest_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        model_never_panics(&bytes);
        manifest_never_panics(&bytes);
    }

    #[test]
    fn random_edits_of_a_valid_model_never_panic(
        at in any::<usize>(),
        len in 0usize..12,
        kind in any::<u8>(),
        fill in proptest::collection::vec(prop_oneof![
            Just(b'='), Just(b'"'), Just(b'\n'), Just(b'['), Just(b']'), Just(b'.'), Just(b'-'), Just(b'9'), any::<u8>()
        ], 0..8),
    ) {
        model_never_panics(&mutate(MODEL.as_bytes().to_vec(), at, len, kind, &fill));
    }

    #[test]
    fn random_edits_of_a_valid_manifest_never_panic(
        at in any::<usize>(),
        len in 0usize..12,
        kind in any::<u8>(),
        fill in proptest::collection::vec(prop_oneof![
            Just(b'='), Just(b'"'), Just(b'\n'), Just(b'['), Just(b']'), Just(b'.'), Just(b'-'), Just(b'0'), any::<u8>()
        ], 0..8),
    ) {
        manifest_never_panics(&mutate(MANIFEST.as_bytes().to_vec(), at, len, kind, &fill));
    }
}

#[test]
fn the_unedited_model_and_manifest_are_valid() {
    assert!(ModelConfig::parse_located(MODEL).is_ok());
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny"), &tmp.path().join("tiny"));
    std::fs::write(tmp.path().join("m.toml"), "[estates]\ndesk_ratio = 0.8\n").unwrap();
    let path = tmp.path().join("night.toml");
    std::fs::write(&path, MANIFEST).unwrap();
    let m = consolidate::run::manifest::load(&path);
    assert!(m.is_ok(), "{:?}", m.err());
}

/// Valid plan files for tiny, to mutate: (file, text).
const PLAN_FILES: [(&str, &str); 4] = [
    (
        "sites.csv",
        "site,decision,year\nS2,release,1\nS5,release,2\n",
    ),
    (
        "moves.csv",
        "team,to,share\nT1-hr,S1,1\nT1-it,S3,0.5\nT1-it,S1,0.5\n",
    ),
    (
        "awards.csv",
        "contract,to_supplier,share,timing\nK1,ACME,1,natural\n",
    ),
    (
        "services.csv",
        "organisation,function,delivered_by,hub_site,join_year\nT1,hr,ss-hr,S2,1\nT1,finance,finance:S3,S3,2\nC1,finance,finance:S3,S3,2\n",
    ),
];

/// Reads a plan folder with `file` replaced by `bytes` against tiny (with shared services), then checks the plan:
/// never a panic, and a plan read without errors only names real sites and hubs.
fn plan_files_never_panic(file: usize, bytes: &[u8]) {
    let model = ModelConfig::default();
    let loaded = input::load(&data("tiny-services"), &model);
    let tmp = tempfile::tempdir().unwrap();
    for (i, (name, text)) in PLAN_FILES.iter().enumerate() {
        let content = if i == file { bytes } else { text.as_bytes() };
        std::fs::write(tmp.path().join(name), content).unwrap();
    }
    let mut findings = Vec::new();
    let read = consolidate::plan::files::read(tmp.path(), &loaded.dataset, &model, &mut findings);
    if findings.iter().any(|f| f.is_error()) {
        return;
    }
    for places in &read.plan.teams {
        assert!(
            places
                .iter()
                .all(|(s, _)| s.ix() < loaded.dataset.sites.len())
        );
    }
    let sp = &read.plan.services;
    assert!(sp.joins.iter().all(|j| j.hub < sp.hubs.len()));
    let _ = consolidate::check::check(&loaded.dataset, &model, &read.plan, None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_and_edits_in_plan_files_never_panic(
        file in 0usize..4,
        random in proptest::collection::vec(any::<u8>(), 0..300),
        at in any::<usize>(),
        len in 0usize..12,
        kind in any::<u8>(),
        fill in proptest::collection::vec(prop_oneof![
            Just(b','), Just(b'\n'), Just(b'-'), Just(b'.'), Just(b'0'), Just(b'9'), Just(b'e'), any::<u8>()
        ], 0..8),
    ) {
        plan_files_never_panic(file, &random);
        let edited = mutate(PLAN_FILES[file].1.as_bytes().to_vec(), at, len, kind, &fill);
        plan_files_never_panic(file, &edited);
    }
}
