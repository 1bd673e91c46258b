//! Importers for facility-location benchmarks: a benchmark file becomes a data set folder that the estates
//! planner solves as the benchmark's own problem.
//!
//! Two formats are read: the OR-Library capacitated warehouse location files of Beasley ([`orlib`]) and the
//! single-source capacitated facility location files of Holmberg et al. ([`holmberg`]). Both parse into one
//! [`Instance`]; [`write_dataset`] turns it into `organisations.csv`, `sites.csv` (facilities `F1..Fm`),
//! `teams.csv` (customers `C1..Cn`), an empty `zones.csv`, `team_site_costs.csv` (every customer-facility pair),
//! a `model.toml` whose objective is the facility-location total cost, and a `README.md`.
//!
//! Files are parsed as a stream of whitespace-separated tokens, so numbers may wrap across lines in any way.
//! Every problem is an [`Error`] naming the file, the token's position and line, and what to do; nothing panics.

pub mod cap_gen;
pub mod estates_gen;
pub mod generate;
pub mod holmberg;
pub mod orlib;
pub mod services_gen;

use crate::codes::E1070;
use crate::error::{Error, Finding};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A facility-location instance: `m` facilities and `n` customers.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The format the instance came from (`orlib-cap` or `holmberg`), for the files written.
    pub format: &'static str,
    /// Capacity of each facility (desks).
    pub capacities: Vec<u32>,
    /// Fixed cost of opening (keeping) each facility.
    pub fixed_costs: Vec<f64>,
    /// Demand of each customer (headcount).
    pub demands: Vec<u32>,
    /// Cost of serving all of a customer's demand from a facility, customer-major: `costs[j * m + i]`.
    pub costs: Vec<f64>,
    /// A customer's demand may be split between facilities.
    pub split: bool,
}

impl Instance {
    /// The number of facilities.
    pub fn facilities(&self) -> usize {
        self.capacities.len()
    }

    /// The number of customers.
    pub fn customers(&self) -> usize {
        self.demands.len()
    }

    /// Cost of serving all of customer `j`'s demand from facility `i` (both 0-based).
    pub fn cost(&self, j: usize, i: usize) -> f64 {
        self.costs[j * self.facilities() + i]
    }
}

/// Reads a benchmark file as text, with a clear error for unreadable or non-text files.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::io("cannot read benchmark file", path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::coded(Finding::file(
            E1070,
            &path.display().to_string(),
            format!(
                "byte {} is not UTF-8 text",
                e.utf8_error().valid_up_to() + 1
            ),
            "give a plain-text benchmark file",
        ))
    })
}

/// One whitespace-separated token with its 1-based line.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    text: &'a str,
    line: usize,
}

/// A benchmark file as a stream of tokens, read front to back with checked conversions.
#[derive(Debug)]
pub struct Tokens<'a> {
    source: &'a str,
    items: Vec<Tok<'a>>,
    pos: usize,
}

impl<'a> Tokens<'a> {
    /// Splits `text` into tokens. `source` names the file in error messages. Trailing NUL bytes (padding that
    /// some of the distributed Holmberg files carry) are ignored; NULs anywhere else stay in their token.
    pub fn new(text: &'a str, source: &'a str) -> Self {
        let text = text.trim_end_matches(|c: char| c == '\0' || c.is_whitespace());
        let items = text
            .lines()
            .enumerate()
            .flat_map(|(k, l)| {
                l.split_whitespace().map(move |t| Tok {
                    text: t,
                    line: k + 1,
                })
            })
            .collect();
        Tokens {
            source,
            items,
            pos: 0,
        }
    }

    /// The number of tokens in the file.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the file has no tokens.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// An error about the whole file.
    pub fn file_error(&self, problem: &str) -> Error {
        Error::coded(Finding::file(
            E1070,
            self.source,
            problem,
            "give the benchmark file as published (see README, Benchmarks)",
        ))
    }

    /// An error about the token just read.
    fn error(&self, what: &str, problem: &str, action: &str) -> Error {
        let at = self.pos.saturating_sub(1);
        let (text, line) = self.items.get(at).map_or(("", 0), |t| (t.text, t.line));
        let cause = format!("token {} ({what}) {problem}", at + 1);
        let mut f = Finding::file(E1070, self.source, cause, action).with_value(text);
        if line > 0 {
            f = f.at_row(line as u64);
        }
        Error::coded(f)
    }

    /// Moves on past the next token, returning it; an error when the file ends first.
    fn next(&mut self, what: &str) -> Result<Tok<'a>, Error> {
        let tok = self.items.get(self.pos).copied().ok_or_else(|| {
            self.file_error(&format!(
                "the file ends after {} tokens, where {what} was expected; the file may be truncated",
                self.items.len()
            ))
        })?;
        self.pos += 1;
        Ok(tok)
    }

    /// True when the next token is `word` (ignoring case).
    pub fn next_is_word(&self, word: &str) -> bool {
        self.items
            .get(self.pos)
            .is_some_and(|t| t.text.eq_ignore_ascii_case(word))
    }

    /// Skips one token.
    pub fn skip(&mut self) {
        self.pos = (self.pos + 1).min(self.items.len());
    }

    /// A finite number that is zero or more. A trailing `.` (as in `7500.`) is allowed.
    pub fn number(&mut self, what: &str) -> Result<f64, Error> {
        let tok = self.next(what)?;
        let v = match tok.text.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                return Err(self.error(
                    what,
                    "is not a number",
                    "check the file is the benchmark format named on the command line and not damaged",
                ));
            }
        };
        if v < 0.0 {
            return Err(self.error(
                what,
                "is negative",
                "benchmark capacities, demands and costs must be zero or more",
            ));
        }
        Ok(v + 0.0) // turns -0 into 0
    }

    /// A whole number from 0 to `u32::MAX` (`75.` and `75.0` count as whole).
    pub fn whole(&mut self, what: &str) -> Result<u32, Error> {
        let v = self.number(what)?;
        if v.fract() != 0.0 {
            return Err(self.error(
                what,
                "is not a whole number",
                "check the file is in the format named on the command line; the data set holds desks and headcounts \
                 as whole numbers, so round (or scale) the file's capacities and demands first",
            ));
        }
        if v > f64::from(u32::MAX) {
            return Err(self.error(what, "is too large", "values must be at most 4294967295"));
        }
        Ok(v as u32)
    }

    /// A whole number of at least 1 (a count of facilities or customers).
    pub fn size(&mut self, what: &str) -> Result<usize, Error> {
        let v = self.whole(what)?;
        if v == 0 {
            return Err(self.error(
                what,
                "is zero",
                "an instance needs at least one facility and one customer",
            ));
        }
        Ok(v as usize)
    }

    /// Checks the file has exactly `2 + 2m + n + mn` tokens, the count both formats share.
    pub fn expect_count(&self, m: usize, n: usize, layout: &str) -> Result<(), Error> {
        let (m, n) = (m as u128, n as u128);
        let expected = 2 + 2 * m + n + m * n;
        if expected != self.items.len() as u128 {
            return Err(self.file_error(&format!(
                "expected {expected} numbers for m = {m} facilities and n = {n} customers ({layout}), found {}; \
                 the file may be truncated, have extra values, or be in the other benchmark format",
                self.items.len()
            )));
        }
        Ok(())
    }
}

/// Writes `instance` as a data set into the new folder `out` (via `out.tmp-<pid>` and a rename). `source` is the
/// benchmark file, named in `model.toml` and `README.md`. Refuses when `out` exists and is not an empty folder.
pub fn write_dataset(instance: &Instance, source: &Path, out: &Path) -> Result<(), Error> {
    let name = out.file_name().and_then(|s| s.to_str()).ok_or_else(|| {
        Error::Usage(format!(
            "--out {}: give a folder path that ends in a folder name",
            out.display()
        ))
    })?;
    if out.exists() {
        let empty = out.is_dir()
            && std::fs::read_dir(out)
                .map_err(|e| Error::io("cannot read folder", out, e))?
                .next()
                .is_none();
        if !empty {
            return Err(Error::Usage(format!(
                "--out {} already exists and is not an empty folder; choose a new folder or remove it first",
                out.display()
            )));
        }
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create folder", parent, e))?;
    let tmp = parent.join(format!("{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)
            .map_err(|e| Error::io("cannot remove stale folder", &tmp, e))?;
    }
    std::fs::create_dir(&tmp).map_err(|e| Error::io("cannot create folder", &tmp, e))?;
    let written = write_files(instance, source, &tmp).and_then(|()| {
        if out.exists() {
            std::fs::remove_dir(out)
                .map_err(|e| Error::io("cannot replace empty folder", out, e))?;
        }
        std::fs::rename(&tmp, out)
            .map_err(|e| Error::io("cannot rename temporary folder to", out, e))
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    written
}

/// The files of the data set, as (name, contents).
pub fn dataset_files(instance: &Instance, source: &Path) -> Vec<(&'static str, String)> {
    let (m, n) = (instance.facilities(), instance.customers());
    let mut sites = String::from(
        "id,organisation,name,kind,public_facing,tenure,floor_area_m2,desks,\
         rent_gbp,rates_gbp,fm_gbp,utilities_gbp,maintenance_gbp,must_keep\n",
    );
    for i in 0..m {
        let _ = writeln!(
            sites,
            "F{k},BENCH,facility {k},office,false,freehold,0,{},0,0,0,0,{},false",
            instance.capacities[i],
            instance.fixed_costs[i],
            k = i + 1
        );
    }
    let mut teams = String::from("id,organisation,function,headcount,site,movable\n");
    for (j, d) in instance.demands.iter().enumerate() {
        let _ = writeln!(teams, "C{},BENCH,other,{d},,true", j + 1);
    }
    let mut costs = String::with_capacity(24 * m * n + 32);
    costs.push_str("team,site,annual_cost_gbp\n");
    for j in 0..n {
        for i in 0..m {
            let _ = writeln!(costs, "C{},F{},{}", j + 1, i + 1, instance.cost(j, i));
        }
    }
    vec![
        (
            "organisations.csv",
            "id,name,kind\nBENCH,benchmark,other\n".to_string(),
        ),
        ("sites.csv", sites),
        ("teams.csv", teams),
        (
            "zones.csv",
            "id,name,borough,lat,lon,population\n".to_string(),
        ),
        ("team_site_costs.csv", costs),
        ("model.toml", model_toml(instance, source)),
        ("README.md", readme(instance, source)),
    ]
}

fn write_files(instance: &Instance, source: &Path, dir: &Path) -> Result<(), Error> {
    for (name, text) in dataset_files(instance, source) {
        let path: PathBuf = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Error::io("cannot write", &path, e))?;
    }
    Ok(())
}

/// The source path on one printable line (for comments).
fn one_line(source: &Path) -> String {
    source
        .display()
        .to_string()
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn model_toml(instance: &Instance, source: &Path) -> String {
    let stem = source
        .file_stem()
        .map_or("benchmark".into(), |s| s.to_string_lossy().into_owned());
    let name = toml::Value::String(stem).to_string();
    format!(
        "# Imported by `consolidate import {format}` from {src}.\n\
         # With these keys the estates objective is the facility-location total cost: the fixed cost of every\n\
         # kept site plus, for every (team, site), the assigned fraction times annual_cost_gbp.\n\
         name = {name}\n\
         horizon_years = 1\n\
         discount_rate = 0.0\n\n\
         [estates]\n\
         objective = \"cost\"\n\
         desk_ratio = 1.0\n\
         split = {split}\n\n\
         [estates.access]\n\
         enabled = false\n\n\
         [estates.leases]\n\
         enabled = false\n\n\
         [solver]\n\
         time_limit_s = 600\n",
        format = instance.format,
        src = one_line(source),
        split = instance.split,
    )
}

fn readme(instance: &Instance, source: &Path) -> String {
    let assignment = if instance.split {
        "a customer's demand may be split between facilities"
    } else {
        "each customer is served by exactly one facility (single source)"
    };
    format!(
        "# Benchmark data set\n\n\
         Imported by `consolidate import {format}` from `{src}`.\n\n\
         - {m} facilities are the sites `F1..F{m}`: desks = capacity, maintenance_gbp = fixed cost.\n\
         - {n} customers are the teams `C1..C{n}`: headcount = demand.\n\
         - `team_site_costs.csv` holds the cost of serving all of a customer's demand from each facility.\n\
         - {assignment}.\n\n\
         With `model.toml` (horizon 1 year, no discounting, objective `cost`, desk ratio 1, access and lease rules\n\
         off) the planner's objective equals the benchmark's total cost: fixed costs of the open facilities plus\n\
         assignment costs. Compare it with the published optimum for this instance.\n\n\
         `consolidate validate` warns W1010 for every team (no current site) and W1002 for the empty zones.csv;\n\
         both are expected here.\n",
        format = instance.format,
        src = one_line(source),
        m = instance.facilities(),
        n = instance.customers(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Instance {
        Instance {
            format: "holmberg",
            capacities: vec![10, 20],
            fixed_costs: vec![7500.0, 0.5],
            demands: vec![3, 4, 5],
            costs: vec![1.0, 2.0, 3.25, 4.0, 0.1, 6.0],
            split: false,
        }
    }

    #[test]
    fn writing_refuses_a_non_empty_folder_and_fills_an_empty_one() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        write_dataset(&tiny(), Path::new("p1"), &out).unwrap();
        assert!(out.join("team_site_costs.csv").is_file());
        let err = write_dataset(&tiny(), Path::new("p1"), &out)
            .unwrap_err()
            .to_string();
        assert!(err.contains("already exists"), "{err}");
        let leftovers = std::fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary folder is left behind");
    }
}
