//! Timing rules: when each awarded share starts, and whether its contract's dates, its site and the model file
//! allow that.
//!
//! A contract moves (or renews) at its natural end, the first plan year starting on or after its end date and
//! after the lead time a competition takes; it may end early, paying its fee, to start in a plan year after the
//! lead time and before its natural end, when the model file allows; it stays locked when it runs past the horizon; and it ends with the site
//! it serves when the estates plan releases that site.

use super::Ctx;
use crate::check::{Rule, Violation};
use crate::plan::award::{Award, Timing};

/// The plan year (1-based) an awarded share starts at its new terms; `None` when it never does.
pub(super) fn start_year(cx: &Ctx, a: &Award) -> Option<usize> {
    let c = &cx.data.contracts[a.contract];
    let site_released = released_with(cx, a);
    match a.timing {
        Timing::SiteReleased => site_released,
        _ if site_released.is_some() => None,
        Timing::Natural => cx.free(c.end.max(cx.lead_end)),
        Timing::Early(y) => (1..=cx.starts.len()).contains(&y).then_some(y),
        Timing::Locked => None,
    }
}

/// The release year of the site the award's contract serves, when the plan releases it.
fn released_with(cx: &Ctx, a: &Award) -> Option<usize> {
    let c = &cx.data.contracts[a.contract];
    c.site.and_then(|s| cx.released.get(&s.ix()).copied())
}

/// What is wrong with ending a contract that ends on `end` early to start in plan year `y` (1-based): a year
/// outside the horizon, before the lead time ends, or on or after the contract's natural end (a natural end then).
fn early_year(cx: &Ctx, end: chrono::NaiveDate, y: usize) -> Option<String> {
    let years = cx.starts.len();
    let Some(first) = cx.free(cx.lead_end) else {
        return Some("is ended early, but the lead time leaves no plan year to start in".into());
    };
    let natural = cx.free(end.max(cx.lead_end));
    if !(1..=years).contains(&y) {
        Some(format!(
            "is ended early to start in year {y}, outside the plan's {years} years"
        ))
    } else if y < first {
        Some(format!(
            "is ended early to start in year {y}, before the lead time ends (year {first} at the earliest)"
        ))
    } else {
        natural.filter(|&n| y >= n).map(|n| {
            format!(
                "is ended early to start in year {y}, but its natural end lets it start in year {n} without a fee"
            )
        })
    }
}

/// `timing`: the award's timing fits its contract, its site and the model file.
pub(super) fn timing(cx: &Ctx, a: &Award, out: &mut Vec<Violation>) {
    let c = &cx.data.contracts[a.contract];
    let moves = a.supplier != c.supplier;
    let mut why: Vec<String> = Vec::new();
    match a.timing {
        Timing::SiteReleased if released_with(cx, a).is_none() => {
            why.push("is said to end with a released site, but it does not".into());
        }
        Timing::SiteReleased => {}
        _ if released_with(cx, a).is_some() => {
            why.push("serves a released site and must end with it".into())
        }
        Timing::Natural if cx.free(c.end.max(cx.lead_end)).is_none() && moves => {
            why.push("moves although it runs past the horizon".into());
        }
        Timing::Natural => {}
        Timing::Early(y) => {
            if !cx.model.procurement.allow_early_termination {
                why.push("is ended early, which the model file forbids".into());
            }
            if !moves {
                why.push("is ended early only to stay with its supplier".into());
            }
            why.extend(early_year(cx, c.end, y));
        }
        Timing::Locked if cx.free(c.end.max(cx.lead_end)).is_some() || moves => {
            why.push("is not locked: it ends within the horizon or moves".into());
        }
        Timing::Locked => {}
    }
    for w in why {
        out.push(Violation::new(
            Rule::Timing,
            format!("contract {} {w}", c.id),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Timing as TimingRule;
    use crate::check::test_support::{assert_award, awards, dataset, model};
    use crate::domain::SupplierIx;
    use crate::plan::award::Timing;
    use std::collections::BTreeMap;

    /// (contract, new supplier, timing, the violation's detail): each case breaks the timing rule once.
    const CASES: &[(usize, u32, Timing, &str)] = &[
        (
            0,
            0,
            Timing::SiteReleased,
            "contract K0 is said to end with a released site, but it does not",
        ),
        (
            3,
            1,
            Timing::Natural,
            "contract K3 moves although it runs past the horizon",
        ),
        (
            0,
            0,
            Timing::Early(1),
            "contract K0 is ended early only to stay with its supplier",
        ),
        (
            0,
            1,
            Timing::Early(3),
            "contract K0 is ended early to start in year 3, but its natural end lets it start in year 3 without a fee",
        ),
        (
            3,
            1,
            Timing::Early(6),
            "contract K3 is ended early to start in year 6, outside the plan's 5 years",
        ),
        (
            0,
            0,
            Timing::Locked,
            "contract K0 is not locked: it ends within the horizon or moves",
        ),
        (
            3,
            1,
            Timing::Locked,
            "contract K3 is not locked: it ends within the horizon or moves",
        ),
    ];

    #[test]
    fn a_timing_its_contract_does_not_allow_breaks_timing() {
        let (data, model) = (dataset(), model());
        for &(k, to, timing, want) in CASES {
            let mut aw = awards(&data);
            aw[k].supplier = SupplierIx(to);
            aw[k].timing = timing;
            assert_award(&data, &model, &aw, &BTreeMap::new(), &[(TimingRule, want)]);
        }
    }

    #[test]
    fn ending_early_breaks_timing_only_when_the_model_file_forbids_it() {
        let (data, mut model) = (dataset(), model());
        let mut aw = awards(&data);
        aw[0].supplier = SupplierIx(1);
        aw[0].timing = Timing::Early(1);
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        model.procurement.allow_early_termination = false;
        let want = "contract K0 is ended early, which the model file forbids";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(TimingRule, want)]);
    }

    #[test]
    fn a_contract_of_a_released_site_must_end_with_it() {
        let (data, model) = (dataset(), model());
        // K2 serves S4, released in year 2.
        let released = BTreeMap::from([(4, 2)]);
        let mut aw = awards(&data);
        let want = "contract K2 serves a released site and must end with it";
        assert_award(&data, &model, &aw, &released, &[(TimingRule, want)]);
        aw[2].timing = Timing::SiteReleased;
        assert_award(&data, &model, &aw, &released, &[]);
    }

    #[test]
    fn an_early_end_before_the_lead_time_ends_breaks_timing() {
        let (data, mut model) = (dataset(), model());
        // A 9-month lead time: nothing starts at new terms before year 2.
        model.procurement.lead_months = 9;
        let mut aw = awards(&data);
        aw[3].supplier = SupplierIx(1);
        aw[3].timing = Timing::Early(2);
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        aw[3].timing = Timing::Early(1);
        let want = "contract K3 is ended early to start in year 1, before the lead time ends (year 2 at the earliest)";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(TimingRule, want)]);
    }
}
