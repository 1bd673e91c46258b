//! Thread-count determinism: the same inputs and model give the same output files from `plan --threads 1` (run
//! twice) and `plan --threads 2`, on a generated estates case and on `tiny` with the procurement award (whose
//! categories are solved in parallel). Only timings, the thread count the report echoes and the report's date are
//! masked before comparing.

use crate::common::{code, run};
use crate::properties::write_case;
use consolidate::import::estates_gen::Shape;
use std::path::Path;

/// The files of an output folder with run-dependent parts removed: summary.json without timings
/// (`solve_seconds`, `seconds`) and the thread count echoed from the command line (`threads`); report.md with
/// the procurement line's thread count and seconds masked; report.html with its wall-clock "Written by ... on
/// DATE" line masked. Everything else byte for byte.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for key in ["solve_seconds", "seconds", "threads"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(e.path()).unwrap();
            let bytes = match name.as_str() {
                "summary.json" => {
                    let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    strip(&mut v);
                    serde_json::to_vec_pretty(&v).unwrap()
                }
                "report.md" => mask(&bytes, "solved in parallel on ", " s."),
                // "Written by consolidate 0.1.0 on 2026-01-31 12:00. Contains ...": up to the sentence's end, not
                // the version's dots.
                "report.html" => mask(&bytes, "Written by consolidate ", ". "),
                _ => bytes,
            };
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

/// `bytes` with the text between each `start` and the next `end` after it replaced by `*`.
fn mask(bytes: &[u8], start: &str, end: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find(start) {
        let after = &rest[i + start.len()..];
        let j = after.find(end).unwrap_or(after.len());
        out.push_str(&rest[..i + start.len()]);
        out.push('*');
        rest = &after[j..];
    }
    out.push_str(rest);
    out.into_bytes()
}

/// Runs `plan DIR --threads N` into a fresh folder and returns its files (see [`outputs`]).
fn plan_with_threads(dir: &Path, threads: u32, out: &Path) -> Vec<(String, Vec<u8>)> {
    let res = run(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--threads",
        &threads.to_string(),
        "--check",
        "--quiet",
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stdout));
    outputs(out)
}

/// Asserts that two output folders' files are identical, naming the first file that differs.
fn assert_same(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)], what: &str) {
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}: different files");
    for ((name, x), (_, y)) in a.iter().zip(b) {
        assert!(
            x == y,
            "{what}: {name} differs:\n{}\n---\n{}",
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        );
    }
}

/// **Output does not depend on threads.** The same data set and model give the same output files (timings,
/// the thread count echoed and the report's wall-clock date aside) from `--threads 1` and `--threads 2`, and
/// from two runs with one thread: on a generated estates case, and on `tiny` with the procurement award on
/// (whose categories are solved in parallel with rayon).
#[test]
fn outputs_are_identical_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("generated");
    std::fs::create_dir(&generated).unwrap();
    write_case(
        Shape {
            sites: 10,
            teams: 12,
            zones: 6,
            partners: 4,
            seed: 7,
        },
        &generated,
    );
    let tiny = tmp.path().join("tiny");
    crate::common::copy_dir(&crate::common::data("tiny"), &tiny);
    std::fs::write(tiny.join("model.toml"), "[procurement]\nenabled = true\n").unwrap();
    for dir in [&generated, &tiny] {
        let name = dir.file_name().unwrap().to_str().unwrap();
        let out = |k: &str| tmp.path().join(format!("{name}-out-{k}"));
        let one = plan_with_threads(dir, 1, &out("1a"));
        let again = plan_with_threads(dir, 1, &out("1b"));
        let two = plan_with_threads(dir, 2, &out("2"));
        let has = |file: &str| one.iter().any(|f| f.0 == file);
        assert!(has("sites.csv") && has("moves.csv") && has("summary.json"));
        // The award ran (its categories in parallel), so its files are compared too.
        assert!(name != "tiny" || has("awards.csv"));
        let html = &one.iter().find(|f| f.0 == "report.html").unwrap().1;
        assert!(
            String::from_utf8_lossy(html).contains("Written by consolidate *. "),
            "the report's date is masked"
        );
        assert_same(&one, &again, "two runs with one thread");
        assert_same(&one, &two, "one thread and two");
    }
}
