//! Build script: reads the solver libraries' versions from Cargo.lock so `--version`, `plan.json` and `run.json`
//! name the exact libraries linked in without anyone typing (and forgetting to update) a version.
//!
//! Exports `CONSOLIDATE_VERSION_MICROLP`, `CONSOLIDATE_VERSION_LPSOLVE`, `CONSOLIDATE_VERSION_HIGHS` and
//! `CONSOLIDATE_VERSION_GOOD_LP` (read with `env!`). The lp_solve and HiGHS versions are those of the `-sys`
//! crates, which bundle the C/C++ sources and follow the library's release numbers (lpsolve-sys 5.5.2 builds
//! lp_solve 5.5.2.x, highs-sys 1.16.0 builds HiGHS 1.16.0). Cargo.lock lists optional packages whatever the
//! features, so HiGHS has a version even in a build without it; `Backend::available()` says whether it is in.

use std::path::{Path, PathBuf};

/// One `[[package]]` entry of Cargo.lock: only what the version look-up needs.
struct Package {
    name: String,
    version: String,
    /// Whether the entry has a `source` line: packages of this workspace have none.
    from_registry: bool,
    /// The `dependencies` items as written: `"name"`, or `"name version"` when several versions are locked.
    dependencies: Vec<String>,
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let package = std::env::var("CARGO_PKG_NAME").expect("cargo sets CARGO_PKG_NAME");
    let packages = match find_lock(&manifest_dir) {
        Some(lock) => {
            println!("cargo:rerun-if-changed={}", lock.display());
            parse_lock(&std::fs::read_to_string(&lock).unwrap_or_default())
        }
        // `cargo package` and some installs build without a lock file near the sources: say "unknown" rather than
        // fail the build over a version string.
        None => {
            println!("cargo:warning=no Cargo.lock found; solver versions will read \"unknown\"");
            Vec::new()
        }
    };
    // Each path follows the dependency chain from this package down, so that when Cargo.lock holds two versions
    // of a library the one actually linked in is picked.
    let exports: [(&str, &[&str]); 3] = [
        ("CONSOLIDATE_VERSION_GOOD_LP", &["good_lp"]),
        (
            "CONSOLIDATE_VERSION_LPSOLVE",
            &["good_lp", "lpsolve", "lpsolve-sys"],
        ),
        (
            "CONSOLIDATE_VERSION_HIGHS",
            &["good_lp", "highs", "highs-sys"],
        ),
    ];
    for (var, path) in exports {
        let version = resolve(&packages, &package, path).unwrap_or("unknown");
        println!("cargo:rustc-env={var}={version}");
    }
    // microlp is a direct dependency in two releases (src/solve/microlp.rs): name both, newest first.
    let microlp = direct_versions(&packages, &package, "microlp");
    let microlp = if microlp.is_empty() {
        "unknown".to_string()
    } else {
        microlp.join(" + ")
    };
    println!("cargo:rustc-env=CONSOLIDATE_VERSION_MICROLP={microlp}");
}

/// Every locked version of `name` that `root` depends on directly, newest first.
fn direct_versions<'a>(packages: &'a [Package], root: &str, name: &str) -> Vec<&'a str> {
    let Some(current) = packages.iter().find(|p| p.name == root && !p.from_registry) else {
        return Vec::new();
    };
    let mut versions: Vec<&str> = current
        .dependencies
        .iter()
        .filter(|d| d.split(' ').next() == Some(name))
        .filter_map(|d| match d.split(' ').nth(1) {
            Some(v) => packages.iter().find(|p| p.name == name && p.version == v),
            None => packages.iter().find(|p| p.name == name),
        })
        .map(|p| p.version.as_str())
        .collect();
    versions.sort_by_key(|v| {
        std::cmp::Reverse(
            v.split('.')
                .map(|n| n.parse::<u32>().unwrap_or(0))
                .collect::<Vec<_>>(),
        )
    });
    versions
}

/// Cargo.lock of this package: next to Cargo.toml, or at the root of an enclosing workspace.
fn find_lock(manifest_dir: &Path) -> Option<PathBuf> {
    manifest_dir
        .ancestors()
        .map(|dir| dir.join("Cargo.lock"))
        .find(|lock| lock.is_file())
}

/// The `[[package]]` entries of a Cargo.lock. Cargo writes the file in one fixed layout (`key = value` lines, a
/// `dependencies = [` list with one quoted item a line), so a line reader is enough and needs no build dependency.
fn parse_lock(text: &str) -> Vec<Package> {
    let mut packages = Vec::new();
    let mut current: Option<Package> = None;
    let mut in_dependencies = false;
    for line in text.lines().map(str::trim) {
        // A table header ends the entry before it; only `[[package]]` starts one we read (`[metadata]`,
        // `[[patch.unused]]` are skipped).
        if line.starts_with('[') {
            packages.extend(current.take());
            in_dependencies = false;
            if line == "[[package]]" {
                current = Some(Package {
                    name: String::new(),
                    version: String::new(),
                    from_registry: false,
                    dependencies: Vec::new(),
                });
            }
            continue;
        }
        let Some(package) = current.as_mut() else {
            continue;
        };
        if in_dependencies {
            if line.starts_with(']') {
                in_dependencies = false;
            } else {
                package
                    .dependencies
                    .push(unquote(line.trim_end_matches(',')).to_owned());
            }
        } else if let Some(value) = line.strip_prefix("name = ") {
            package.name = unquote(value).to_owned();
        } else if let Some(value) = line.strip_prefix("version = ") {
            package.version = unquote(value).to_owned();
        } else if line.starts_with("source = ") {
            package.from_registry = true;
        } else if line == "dependencies = [" {
            in_dependencies = true;
        }
    }
    packages.extend(current);
    packages
}

/// A TOML basic string without its quotes.
fn unquote(value: &str) -> &str {
    value.trim().trim_matches('"')
}

/// The version of the last package of `path`, reached from the workspace package `root` one dependency at a time.
fn resolve<'a>(packages: &'a [Package], root: &str, path: &[&str]) -> Option<&'a str> {
    let mut current = packages
        .iter()
        .find(|p| p.name == root && !p.from_registry)?;
    for &name in path {
        // The item is `name` when one version is locked and `name version` (or `name version (source)`) when
        // several are.
        let item = current
            .dependencies
            .iter()
            .find(|d| d.split(' ').next() == Some(name))?;
        let wanted = item.split(' ').nth(1);
        current = packages
            .iter()
            .find(|p| p.name == name && wanted.is_none_or(|v| p.version == v))?;
    }
    Some(&current.version)
}
