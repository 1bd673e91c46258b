//! `completions`, `man` and `--version`: the generated shell scripts and manual page cover every subcommand
//! `--help` lists, and `--version` names the solver libraries with the versions Cargo.lock locked.

use crate::common::{code, root, run};

/// The subcommand names `consolidate --help` lists under "Commands:", so a new command is checked without
/// editing this test.
fn subcommands() -> Vec<String> {
    let out = run(&["--help"]);
    assert_eq!(code(&out), 0);
    let help = String::from_utf8(out.stdout).unwrap();
    let names: Vec<String> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    // Guards against a change in clap's help layout silently emptying the list.
    for expected in ["validate", "plan", "completions", "man"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}:\n{help}"
        );
    }
    names
}

/// The versions of package `name` in Cargo.lock (more than one when several are locked).
fn locked_versions(name: &str) -> Vec<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    lock.split("[[package]]")
        .filter(|entry| {
            entry
                .lines()
                .any(|l| l.trim() == format!("name = \"{name}\""))
        })
        .filter_map(|entry| {
            entry
                .lines()
                .find_map(|l| l.trim().strip_prefix("version = "))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .collect()
}

#[test]
fn bash_completions_offer_every_subcommand() {
    let out = run(&["completions", "bash"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let script = String::from_utf8(out.stdout).unwrap();
    // The top-level `opts="..."` line holds the words completed after `consolidate `; a bare `contains` would
    // also accept names such as `run` or `man` found inside other words.
    let top = script
        .lines()
        .find(|l| l.trim_start().starts_with("opts=\"") && l.contains(" validate "))
        .unwrap_or_else(|| panic!("no top-level opts line in:\n{script}"));
    let words: Vec<&str> = top
        .trim()
        .trim_start_matches("opts=")
        .trim_matches('"')
        .split(' ')
        .collect();
    for name in subcommands() {
        assert!(
            words.contains(&name.as_str()),
            "bash completions miss `{name}`: {top}"
        );
    }
}

#[test]
fn completions_for_every_shell_and_refuses_others() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]);
        assert_eq!(
            code(&out),
            0,
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("consolidate"),
            "{shell} script does not name the command:\n{script}"
        );
    }
    let out = run(&["completions", "tcsh"]);
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
}

#[test]
fn man_page_is_roff_and_covers_every_subcommand() {
    let out = run(&["man"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".TH consolidate 1"),
        "not a roff man page:\n{page}"
    );
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH COMMANDS",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(
            page.lines().any(|l| l == section),
            "no `{section}` in:\n{page}"
        );
    }
    for name in subcommands() {
        let heading = format!(".SS \"consolidate {name}\"");
        assert!(
            page.lines().any(|l| l == heading),
            "man page has no `{heading}`:\n{page}"
        );
    }
}

#[test]
fn version_names_the_solvers_with_their_locked_versions() {
    let out = run(&["--version"]);
    assert_eq!(code(&out), 0);
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.starts_with(&format!("consolidate {} ", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    for (library, package) in [("microlp", "microlp"), ("lp_solve", "lpsolve-sys")] {
        let versions = locked_versions(package);
        assert!(!versions.is_empty(), "{package} not in Cargo.lock");
        assert!(
            versions
                .iter()
                .any(|v| line.contains(&format!("{library} {v}"))),
            "`--version` does not name {library} {versions:?}: {line}"
        );
    }
    // HiGHS is named exactly when it is built in.
    assert_eq!(line.contains("HiGHS "), cfg!(feature = "highs"), "{line}");
}
