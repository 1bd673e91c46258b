//! Property tests: no bytes in any input file, and no edit of a valid file, make `validate` panic; a valid data
//! set stays valid through a byte-for-byte round trip.

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
];

/// Loads `tiny` with one file replaced by `bytes`; the loader must return (never panic) and, if it reports no
/// error, every team must point at a real site.
fn load_with(file: &str, bytes: &[u8]) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny"), tmp.path());
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

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
        let original = std::fs::read(data("tiny").join(FILES[file])).unwrap_or_default();
        load_with(FILES[file], &mutate(original, at, len, kind, &fill));
    }
}

#[test]
fn the_unedited_tiny_set_has_no_errors() {
    let original = std::fs::read(data("tiny").join("sites.csv")).unwrap();
    assert_eq!(load_with("sites.csv", &original), 0);
}
