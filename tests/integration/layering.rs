//! The layering the README's Architecture section draws, pinned: every `crate::` reference in the library's
//! non-test code goes to a module of the same or a lower layer, and the independent checker reaches no model
//! builder, solver or shared costing code (it re-derives every figure on its own).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use its own layer and every layer below it.
const LAYERS: &[&[&str]] = &[
    &["error", "text", "codes", "atomic", "limits"],
    &["domain", "geo"],
    &["model_config", "input", "summary"],
    &["costing"],
    &["plan"],
    &["solve"],
    &["estates", "procurement", "graph"],
    &["check"],
    &["assess", "compare", "import"],
    &["report"],
    &["pipeline"],
    &["run"],
    &["cli", "main", "lib"],
];

/// What the checker must never use, whatever the layers allow.
const CHECK_MUST_NOT_USE: &[&str] = &["estates", "procurement", "solve", "graph", "costing"];

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| {
            panic!("module `{module}` is in no layer: add it to LAYERS and the README")
        })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to (`src/estates/milp.rs` → `estates`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules a file's non-test code names as `crate::X` (test modules may use anything).
fn uses(text: &str) -> BTreeSet<String> {
    let code: String = text
        .split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // `use crate::{a, b}`: every name in the braces.
        if name.is_empty() && rest.starts_with('{') {
            let inner = &rest[1..rest.find('}').unwrap_or(1)];
            out.extend(
                inner
                    .split(',')
                    .map(|p| p.trim().split("::").next().unwrap_or("").to_string())
                    .filter(|p| !p.is_empty()),
            );
        } else if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

#[test]
fn every_module_uses_only_its_own_layer_and_those_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut broken = Vec::new();
    for f in &files {
        let module = module_of(&src, f);
        let text = std::fs::read_to_string(f).unwrap();
        for used in uses(&text) {
            if used == module {
                continue;
            }
            if layer(&used) > layer(&module) {
                broken.push(format!(
                    "{} ({module}) uses crate::{used}, a higher layer",
                    f.display()
                ));
            }
            if module == "check" && CHECK_MUST_NOT_USE.contains(&used.as_str()) {
                broken.push(format!(
                    "{} (the independent checker) uses crate::{used}",
                    f.display()
                ));
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn the_reference_scanner_sees_braced_and_plain_uses_and_skips_tests() {
    let text = "use crate::{plan::Plan, domain};\n/// see [`crate::cli`]\nfn f() { crate::geo::x(); }\n#[cfg(test)]\nmod t { use crate::run; }";
    let got: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(got, ["domain", "geo", "plan"]);
}
