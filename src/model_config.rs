//! Model files (`models/*.toml`): the parameters of a run, typed and checked. Never data.
//!
//! Every key has a default, so a model file only states what differs. Unknown keys are errors (a misspelt switch
//! that silently did nothing would be worse than a refusal).

mod disposal;
mod procurement;
mod services;
mod units;

pub use disposal::DisposalConfig;
pub use procurement::{CategoryRules, ProcurementConfig, RuleOverride, TierVolume};
pub use services::ServicesConfig;
pub use units::UnitsConfig;

use crate::codes::E1050;
use crate::domain::SiteKind;
use crate::error::{Error, Finding};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A whole model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelConfig {
    /// A name for reports.
    pub name: String,
    /// The first day of the plan; leases and contracts are judged against it.
    #[serde(deserialize_with = "date_or_string")]
    pub start_date: NaiveDate,
    /// Years in which the plan acts (releases, joinings, re-lets): the programme's delivery window.
    pub horizon_years: u32,
    /// Years over which the plan's costs and savings are counted, from the start (at least `horizon_years`;
    /// the horizon when absent). A saving that starts in the delivery window runs on to the end of the appraisal
    /// (HM Treasury Green Book: an appraisal period long enough to hold the benefits a decision brings), without
    /// adding a decision column for the later years.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appraisal_years: Option<u32>,
    /// Count a terminal value: the recurring costs and savings of the appraisal's last year continue for ever after
    /// it, discounted at the same rate (the Green Book's residual value of a lasting change). One-off costs,
    /// sales and the backlog (spread over the appraisal years) are not extended.
    pub terminal_value: bool,
    /// Real discount rate a year (HM Treasury Green Book: 3.5%).
    pub discount_rate: f64,
    /// The estates model.
    pub estates: EstatesConfig,
    /// The procurement award model.
    pub procurement: ProcurementConfig,
    /// The shared-services decision (with `functions.csv`).
    pub shared_services: ServicesConfig,
    /// The solver settings.
    pub solver: SolverConfig,
}

/// Accepts a TOML date (`2016-04-01`) or a quoted one (`"2016-04-01"`).
fn date_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Toml(toml::value::Datetime),
    }
    let text = match Either::deserialize(d)? {
        Either::Text(s) => s,
        Either::Toml(dt) => dt.to_string(),
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
        serde::de::Error::custom(format!("'{text}' is not a date; write it as YYYY-MM-DD"))
    })
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            name: "unnamed".into(),
            start_date: NaiveDate::from_ymd_opt(2016, 4, 1).unwrap_or_default(),
            horizon_years: 5,
            appraisal_years: None,
            terminal_value: false,
            discount_rate: 0.035,
            estates: EstatesConfig::default(),
            procurement: ProcurementConfig::default(),
            shared_services: ServicesConfig::default(),
            solver: SolverConfig::default(),
        }
    }
}

/// The `[estates]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EstatesConfig {
    /// Solve the estates model at all.
    pub enabled: bool,
    /// Desks needed per person (0.8 = agile working, 8 desks for 10 people).
    pub desk_ratio: f64,
    /// Teams may be split across sites by headcount.
    pub split: bool,
    /// Site kinds that are never released.
    pub never_release_kinds: Vec<SiteKind>,
    /// Site ids that must be released.
    pub force_release: Vec<String>,
    /// PFI sites may be released (paying their exit penalty).
    pub release_pfi: bool,
    /// What the objective measures: `npv` (savings) or `cost` (total cost, for facility-location benchmarks).
    pub objective: ObjectiveKind,
    /// Leases: what leaving a leased or PFI site costs.
    pub leases: LeaseConfig,
    /// What an owned site costs between its release and its sale, and when the receipt arrives.
    pub disposal: DisposalConfig,
    /// Releasing part of a site (`units.csv`).
    pub units: UnitsConfig,
    /// Access for residents.
    pub access: AccessConfig,
    /// Staff travel.
    pub staff: StaffConfig,
    /// One-off costs and the capital budget.
    pub budget: BudgetConfig,
    /// No partner's costs may rise.
    pub partners_no_worse: bool,
    /// Sites of different partners at most this far apart (km) are co-location candidates: the report names,
    /// for each released site, the kept sites of other partners within this distance (0 = off).
    pub colocation_km: f64,
}

impl Default for EstatesConfig {
    fn default() -> Self {
        EstatesConfig {
            enabled: true,
            desk_ratio: 1.0,
            split: false,
            never_release_kinds: Vec::new(),
            force_release: Vec::new(),
            release_pfi: false,
            objective: ObjectiveKind::Npv,
            leases: LeaseConfig::default(),
            disposal: DisposalConfig::default(),
            units: UnitsConfig::default(),
            access: AccessConfig::default(),
            staff: StaffConfig::default(),
            budget: BudgetConfig::default(),
            partners_no_worse: false,
            colocation_km: 1.0,
        }
    }
}

/// What the estates objective measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveKind {
    /// Maximise the net present value of the plan against today.
    Npv,
    /// Minimise total cost (running cost of kept sites + team-site costs): the facility-location form.
    Cost,
}

/// A rule group that can only be switched on or off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Switch {
    /// The rule applies.
    pub enabled: bool,
}

impl Default for Switch {
    fn default() -> Self {
        Switch { enabled: true }
    }
}

/// The `[estates.leases]` section: what leaving a site under a lease costs, by the year it is left
/// ([`crate::costing::exit_penalties`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeaseConfig {
    /// A site left before its lease's break date (or end) pays the rent from the day it is left to that date,
    /// plus its `exit_penalty_gbp`; off, leases cost nothing to leave.
    pub enabled: bool,
    /// Dilapidations: reinstating a leasehold site on leaving it, GBP per m2 of floor (0 = not counted).
    pub dilapidations_per_m2: f64,
}

impl Default for LeaseConfig {
    fn default() -> Self {
        LeaseConfig {
            enabled: true,
            dilapidations_per_m2: 0.0,
        }
    }
}

/// The `[estates.access]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessConfig {
    /// The rule applies.
    pub enabled: bool,
    /// Every zone needs a kept public-facing site within this distance (km).
    pub max_km: f64,
    /// At least this many kept public-facing sites in each borough that has sites.
    pub min_sites_per_borough: u32,
    /// When not empty, the distance rule applies per service kind: every zone keeps a public-facing site of
    /// each listed kind within `max_km` (or its nearest of that kind today, if further).
    pub per_kind: Vec<SiteKind>,
    /// Zones in the most deprived deciles up to this one (`zones.csv` `imd_decile`; 0 = none) keep today's
    /// access distance: the plan may not take their nearest public-facing site (of each listed kind) further.
    pub deprived_deciles: u8,
}

impl AccessConfig {
    /// The service kinds the distance rule is applied to: `[None]` (any public-facing site) unless `per_kind`
    /// lists kinds.
    pub fn kinds(&self) -> Vec<Option<SiteKind>> {
        if self.per_kind.is_empty() {
            vec![None]
        } else {
            self.per_kind.iter().copied().map(Some).collect()
        }
    }

    /// The km a zone must keep a site within, given its nearest today (infinite when it has none): `max_km`, or
    /// today's distance where that is further, or today's distance for a zone among the `deprived_deciles`.
    pub fn limit_km(&self, zone: &crate::domain::Zone, today_km: f64) -> f64 {
        let deprived = zone
            .deprivation_decile
            .is_some_and(|d| d <= self.deprived_deciles);
        match (today_km.is_finite(), deprived) {
            (true, true) => today_km,
            (true, false) => self.max_km.max(today_km),
            (false, _) => self.max_km,
        }
    }
}

impl Default for AccessConfig {
    fn default() -> Self {
        AccessConfig {
            enabled: true,
            max_km: 5.0,
            min_sites_per_borough: 0,
            per_kind: Vec::new(),
            deprived_deciles: 0,
        }
    }
}

/// The `[estates.staff]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffConfig {
    /// A team may move at most this far from its current site (km); also bounds candidate sites.
    pub max_team_increase_km: f64,
    /// The headcount-weighted mean move may be at most this (km).
    pub max_mean_increase_km: f64,
    /// Extra travel cost per person per km of move, per year (GBP).
    pub travel_cost_per_km_head_year: f64,
}

impl Default for StaffConfig {
    fn default() -> Self {
        StaffConfig {
            max_team_increase_km: 15.0,
            max_mean_increase_km: 10.0,
            travel_cost_per_km_head_year: 0.0,
        }
    }
}

/// The `[estates.budget]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BudgetConfig {
    /// One-off cost to move one person (GBP).
    pub relocation_per_head: f64,
    /// One-off fit-out cost per desk newly used at a receiving site (GBP).
    pub fitout_per_desk: f64,
    /// Capital budget for one-off costs in each year (GBP); absent means no limit.
    pub capital_per_year: Option<f64>,
}

impl Default for BudgetConfig {
    fn default() -> Self {
        BudgetConfig {
            relocation_per_head: 0.0,
            fitout_per_desk: 0.0,
            capital_per_year: None,
        }
    }
}

/// The `[solver]` section; command-line flags override it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SolverConfig {
    /// Backend name: `microlp`, `lpsolve` or `highs` (when built with the `highs` feature).
    pub name: String,
    /// Wall-clock limit for the solver (seconds).
    pub time_limit_s: f64,
    /// Relative gap at which to stop.
    pub gap: f64,
    /// Threads: HiGHS's, the award's workers, and with two or more microlp's LP duals (reduced-cost fixing,
    /// the neighbourhood search's relaxation) on a second thread.
    pub threads: u32,
    /// Estates models with more integer columns than this are searched by large neighbourhoods under microlp
    /// (`src/estates/neighbourhood.rs`): a plan and the LP relaxation's bound, not a proof.
    pub neighbourhoods_above: usize,
}

impl Default for SolverConfig {
    fn default() -> Self {
        SolverConfig {
            name: "microlp".into(),
            time_limit_s: 300.0,
            gap: 0.0,
            threads: 1,
            // GM's model, with shared services, has 7,395 integer columns; England's 10,671 is proven optimal in
            // 5.5 s; 200 sites x 2,000 teams has 47,000, where microlp's plan after 120 s is GBP 198m of NPV from
            // HiGHS's optimum.
            neighbourhoods_above: 50_000,
        }
    }
}

impl ModelConfig {
    /// Years over which costs and savings are counted: `appraisal_years`, or the horizon.
    pub fn appraisal(&self) -> u32 {
        self.appraisal_years
            .unwrap_or(self.horizon_years)
            .max(self.horizon_years)
    }

    /// Reads and checks a model file; a problem is an E1050 finding at the file's line and key.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let name = path.display().to_string();
        let text = std::fs::read(path).map_err(|e| Error::io("cannot read model file", path, e))?;
        let text = String::from_utf8(text).map_err(|_| {
            Error::coded(Finding::file(
                E1050,
                &name,
                "the model file is not UTF-8 text",
                "save it as UTF-8 TOML",
            ))
        })?;
        Self::parse_located(&text).map_err(|fail| Error::coded(fail.finding(&name)))
    }

    /// Parses and checks model text; the error says which key is wrong and what to do.
    pub fn parse(text: &str) -> Result<Self, String> {
        Self::parse_located(text).map_err(|fail| fail.message)
    }

    /// [`ModelConfig::parse`], keeping where in the text the problem is.
    pub fn parse_located(text: &str) -> Result<Self, ModelFail> {
        let config: ModelConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start));
            let key = line
                .and_then(|l| text.lines().nth(l as usize - 1))
                .and_then(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()));
            ModelFail {
                message: e.to_string().trim().to_string(),
                line,
                key,
            }
        })?;
        config.check().map_err(|message| {
            // Range errors read "key 'a.b.c': why": find the line that sets that key.
            let key = message.split('\'').nth(1).map(str::to_string);
            let line = key.as_deref().and_then(|k| line_of_key(text, k));
            ModelFail { message, line, key }
        })?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        let bad = |key: &str, why: &str| Err(format!("key '{key}': {why}"));
        if self.horizon_years == 0 || self.horizon_years > 50 {
            return bad("horizon_years", "must be between 1 and 50");
        }
        if let Some(a) = self.appraisal_years
            && (a < self.horizon_years || a > 50)
        {
            return bad(
                "appraisal_years",
                "must be at least horizon_years and at most 50 (leave it out to appraise over the horizon)",
            );
        }
        if !(0.0..=1.0).contains(&self.discount_rate) {
            return bad("discount_rate", "must be between 0 and 1 (0.035 for 3.5%)");
        }
        if self.terminal_value && self.discount_rate <= 0.0 {
            return bad(
                "terminal_value",
                "needs a positive discount_rate (a saving for ever at 0% has no present value)",
            );
        }
        let e = &self.estates;
        if !(e.desk_ratio > 0.0 && e.desk_ratio <= 10.0) {
            return bad(
                "estates.desk_ratio",
                "must be above 0 and at most 10 (0.8 = 8 desks per 10 people)",
            );
        }
        if !(e.access.max_km.is_finite() && e.access.max_km > 0.0) {
            return bad("estates.access.max_km", "must be a positive distance in km");
        }
        for (key, v) in [
            (
                "estates.staff.max_team_increase_km",
                e.staff.max_team_increase_km,
            ),
            (
                "estates.staff.max_mean_increase_km",
                e.staff.max_mean_increase_km,
            ),
            (
                "estates.staff.travel_cost_per_km_head_year",
                e.staff.travel_cost_per_km_head_year,
            ),
            (
                "estates.budget.relocation_per_head",
                e.budget.relocation_per_head,
            ),
            ("estates.budget.fitout_per_desk", e.budget.fitout_per_desk),
            (
                "estates.leases.dilapidations_per_m2",
                e.leases.dilapidations_per_m2,
            ),
            (
                "estates.budget.capital_per_year",
                e.budget.capital_per_year.unwrap_or(0.0),
            ),
            ("solver.time_limit_s", self.solver.time_limit_s),
            ("solver.gap", self.solver.gap),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(key, "must be zero or a positive number");
            }
        }
        // Known names only: whether this build has the solver is the command's question (a flag may override it).
        if !["microlp", "lpsolve", "lp_solve", "highs"]
            .contains(&self.solver.name.to_ascii_lowercase().as_str())
        {
            return bad("solver.name", "must be microlp, lpsolve or highs");
        }
        self.estates.disposal.check()?;
        self.estates.units.check()?;
        self.shared_services.check()?;
        self.procurement.check()
    }
}

/// A model file problem with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFail {
    /// What is wrong (TOML's message or "key 'a.b': why").
    pub message: String,
    /// The 1-based line, when known.
    pub line: Option<u64>,
    /// The key, when known.
    pub key: Option<String>,
}

impl ModelFail {
    /// The E1050 finding for this problem in `file`.
    pub fn finding(&self, file: &str) -> Finding {
        // TOML's message repeats the line with a caret under it: keep its first and last lines.
        let lines: Vec<&str> = self
            .message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.starts_with('^'))
            .collect();
        let cause = match (lines.first(), lines.last()) {
            (Some(first), Some(last)) if first.starts_with("TOML parse error") => last.to_string(),
            _ => lines.join(" "),
        };
        let mut f = Finding::file(
            E1050,
            file,
            cause,
            "correct the key or value (every key is described in models/greater-manchester.toml and README)",
        );
        if let Some(l) = self.line {
            f = f.at_row(l);
        }
        if let Some(k) = &self.key {
            f = f.at_column(k);
        }
        f
    }
}

/// The 1-based line of a byte offset.
/// The 1-based line of a byte offset. An error at the very end of a file that ends in a newline
/// (an unterminated string, say) is reported on the last line, a line a reader can open.
fn line_of(text: &str, offset: usize) -> u64 {
    let line = 1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64;
    line.min(text.lines().count().max(1) as u64)
}

/// The line that sets a dotted key (`estates.access.max_km`), following `[section]` headers.
fn line_of_key(text: &str, dotted: &str) -> Option<u64> {
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(h) = line.strip_prefix('[') {
            section = h.trim_matches(['[', ']', ' ']).to_string();
            continue;
        }
        if let Some((k, _)) = line.split_once('=') {
            let k = k.trim().trim_matches(['"', '\'']);
            let full = if section.is_empty() {
                k.to_string()
            } else {
                format!("{section}.{k}")
            };
            if full == dotted {
                return Some(i as u64 + 1);
            }
        }
    }
    None
}

/// Finds the model file for a data set when `--model` is not given: `DIR/model.toml` if it exists, else
/// `models/<folder name>.toml` (relative to the working directory) if it exists, else
/// `DIR/../../models/<folder name>.toml` (the repository's layout) if it exists, else none (built-in defaults).
/// For a workbook `DIR` is the workbook and its name is the file name without `.xlsx`.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let own = dir.join("model.toml");
    if own.is_file() {
        return Some(own);
    }
    let name = crate::input::source::dataset_name(dir)?;
    let shared = Path::new("models").join(format!("{name}.toml"));
    if shared.is_file() {
        return Some(shared);
    }
    // The repository's layout (inputs/<name> beside models/<name>.toml), so the shipped example finds its model
    // from any working folder.
    let beside = dir
        .parent()?
        .parent()?
        .join("models")
        .join(format!("{name}.toml"));
    beside.is_file().then_some(beside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_finds_the_model_named_after_its_file_stem() {
        let tmp = tempfile::tempdir().unwrap();
        let inputs = tmp.path().join("inputs");
        std::fs::create_dir_all(&inputs).unwrap();
        std::fs::create_dir_all(tmp.path().join("models")).unwrap();
        let book = inputs.join("gm.xlsx");
        std::fs::write(&book, b"not read here").unwrap();
        let model = tmp.path().join("models").join("gm.toml");
        std::fs::write(&model, "").unwrap();
        assert_eq!(discover(&book), Some(model));
    }

    #[test]
    fn empty_text_gives_defaults() {
        assert_eq!(ModelConfig::parse("").unwrap(), ModelConfig::default());
    }

    #[test]
    fn an_appraisal_shorter_than_the_horizon_is_refused_at_its_line() {
        let fail =
            ModelConfig::parse_located("horizon_years = 5\nappraisal_years = 3\n").unwrap_err();
        assert_eq!(
            (fail.line, fail.key.as_deref()),
            (Some(2), Some("appraisal_years"))
        );
        let m = ModelConfig::parse("horizon_years = 5\nappraisal_years = 10\n").unwrap();
        assert_eq!(m.appraisal(), 10);
        assert_eq!(ModelConfig::default().appraisal(), 5);
        let fail =
            ModelConfig::parse_located("discount_rate = 0.0\nterminal_value = true\n").unwrap_err();
        assert_eq!(
            (fail.line, fail.key.as_deref()),
            (Some(2), Some("terminal_value"))
        );
    }

    #[test]
    fn unknown_key_is_refused_with_its_name() {
        let err = ModelConfig::parse("[estates]\ndesk_ration = 0.8\n").unwrap_err();
        assert!(err.contains("desk_ration"), "{err}");
    }

    #[test]
    fn start_date_accepts_toml_dates_and_strings() {
        let a = ModelConfig::parse("start_date = 2020-04-01\n").unwrap();
        let b = ModelConfig::parse("start_date = \"2020-04-01\"\n").unwrap();
        assert_eq!(a.start_date, b.start_date);
        assert_eq!(a.start_date.to_string(), "2020-04-01");
    }

    #[test]
    fn problems_are_located_at_their_line_and_key() {
        let fail =
            ModelConfig::parse_located("name = \"x\"\n[estates]\ndesk_ration = 0.8\n").unwrap_err();
        assert_eq!(
            (fail.line, fail.key.as_deref()),
            (Some(3), Some("desk_ration"))
        );
        let fail = ModelConfig::parse_located("[estates.access]\nmax_km = -1.0\n").unwrap_err();
        assert_eq!(
            (fail.line, fail.key.as_deref()),
            (Some(2), Some("estates.access.max_km"))
        );
        let f = fail.finding("m.toml");
        assert_eq!((f.code, f.row), (E1050, Some(2)));
        let fail = ModelConfig::parse_located("[solver]\nname = \"cplex\"\n").unwrap_err();
        assert_eq!(fail.line, Some(2), "{}", fail.message);
    }

    #[test]
    fn an_error_at_the_end_of_the_file_is_on_its_last_line() {
        // An unterminated multi-line string runs to the end, past the final newline.
        let fail = ModelConfig::parse_located("name = \"m\"\nx = \"\"\"\n").unwrap_err();
        assert_eq!(fail.line, Some(2), "{}", fail.message);
    }

    #[test]
    fn disposal_rules_default_off_and_out_of_range_values_name_their_key() {
        assert!(ModelConfig::default().estates.disposal.is_off());
        for (text, key) in [
            (
                "[estates.disposal]\nholding_share = 1.5\n",
                "estates.disposal.holding_share",
            ),
            (
                "[estates.disposal]\npdc_rate = 3.5\n",
                "estates.disposal.pdc_rate",
            ),
            (
                "[estates.disposal]\nempty_rates_relief_months = -1.0\n",
                "estates.disposal.empty_rates_relief_months",
            ),
            (
                "[estates.disposal]\nlag_years = 99\n",
                "estates.disposal.lag_years",
            ),
        ] {
            let fail = ModelConfig::parse_located(text).unwrap_err();
            assert_eq!(fail.key.as_deref(), Some(key), "{}", fail.message);
            assert_eq!(fail.line, Some(2), "{}", fail.message);
        }
        let on =
            ModelConfig::parse("[estates.disposal]\nlag_years = 2\npdc_rate = 0.035\n").unwrap();
        assert_eq!(
            (on.estates.disposal.lag_years, on.estates.disposal.pdc_rate),
            (2, 0.035)
        );
    }

    #[test]
    fn bad_range_names_the_key() {
        let err = ModelConfig::parse("discount_rate = 3.5\n").unwrap_err();
        assert!(err.contains("discount_rate"), "{err}");
    }
}
