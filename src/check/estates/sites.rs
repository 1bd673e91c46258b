//! Site rules: protected sites stay, forced ones go, and every release falls within the horizon.

use super::Ctx;
use crate::check::{Rule, Violation};
use crate::domain::Tenure;
use crate::plan::SiteDecision;

/// `release`: must-keep sites, kinds that are never released and PFI sites (unless `release_pfi`) are kept,
/// unless the model file forces their release; forced sites are released; release years lie in the horizon.
pub(crate) fn release(cx: &Ctx, out: &mut Vec<Violation>) {
    let e = &cx.model.estates;
    let mut push = |detail| out.push(Violation::new(Rule::Release, detail));
    for (i, s) in cx.data.sites.iter().enumerate() {
        let released = cx.plan.sites[i] != SiteDecision::Keep;
        let forced = e.force_release.contains(&s.id);
        if released && s.must_keep && !forced {
            push(format!("site {} is must-keep but released", s.id));
        }
        if released && e.never_release_kinds.contains(&s.kind) && !forced {
            push(format!(
                "site {} is a {} site, which is never released",
                s.id, s.kind
            ));
        }
        if released && s.tenure == Tenure::Pfi && !e.release_pfi && !forced {
            push(format!("site {} is PFI and release_pfi is off", s.id));
        }
        if !released && forced {
            push(format!(
                "site {} is on the forced-release list but kept",
                s.id
            ));
        }
        if let SiteDecision::Release(y) = cx.plan.sites[i]
            && (y == 0 || y > cx.model.horizon_years)
        {
            push(format!(
                "site {} is released in year {y}, outside the horizon",
                s.id
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Release;
    use crate::check::test_support::{assert_estates, dataset, model};
    use crate::domain::{SiteKind, Tenure};
    use crate::plan::{Plan, SiteDecision};

    /// S4 (a depot without teams) released in `year`.
    fn release_s4(data: &crate::domain::Dataset, year: u32) -> Plan {
        let mut plan = Plan::baseline(data);
        plan.sites[4] = SiteDecision::Release(year);
        plan
    }

    #[test]
    fn a_released_must_keep_site_breaks_release() {
        let (mut data, model) = (dataset(), model());
        assert_estates(&data, &model, &release_s4(&data, 1), &[]);
        data.sites[4].must_keep = true;
        let plan = release_s4(&data, 1);
        assert_estates(
            &data,
            &model,
            &plan,
            &[(Release, "site S4 is must-keep but released")],
        );
    }

    #[test]
    fn a_released_site_of_a_protected_kind_breaks_release() {
        let (data, mut model) = (dataset(), model());
        model.estates.never_release_kinds = vec![SiteKind::Depot];
        let want = "site S4 is a depot site, which is never released";
        assert_estates(&data, &model, &release_s4(&data, 2), &[(Release, want)]);
    }

    #[test]
    fn a_released_pfi_site_breaks_release_unless_allowed() {
        let (mut data, mut model) = (dataset(), model());
        data.sites[4].tenure = Tenure::Pfi;
        let plan = release_s4(&data, 1);
        let want = "site S4 is PFI and release_pfi is off";
        assert_estates(&data, &model, &plan, &[(Release, want)]);
        model.estates.release_pfi = true;
        assert_estates(&data, &model, &plan, &[]);
    }

    #[test]
    fn a_forced_site_kept_breaks_release_and_forcing_overrides_protection() {
        let (mut data, mut model) = (dataset(), model());
        model.estates.force_release = vec!["S4".into()];
        let want = "site S4 is on the forced-release list but kept";
        assert_estates(&data, &model, &Plan::baseline(&data), &[(Release, want)]);
        data.sites[4].must_keep = true;
        assert_estates(&data, &model, &release_s4(&data, 1), &[]);
    }

    #[test]
    fn a_release_outside_the_horizon_breaks_release() {
        let (data, model) = (dataset(), model());
        for year in [0, model.horizon_years + 1] {
            let want = format!("site S4 is released in year {year}, outside the horizon");
            assert_estates(&data, &model, &release_s4(&data, year), &[(Release, &want)]);
        }
    }
}
