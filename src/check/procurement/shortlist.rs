//! The shortlist rule: only the invited suppliers may win new volume.

use super::Ctx;
use crate::check::{Rule, Violation};
use crate::domain::SupplierIx;
use std::collections::BTreeSet;

/// `shortlist`: with `shortlist = n`, a contract leaves its supplier only for one of the `n` suppliers with the
/// largest capacity times best discount in the category (ties by id).
pub(super) fn shortlist(cx: &Ctx, out: &mut Vec<Violation>) {
    let Some(invited) = invited(cx) else {
        return;
    };
    for a in cx.awards {
        let c = &cx.data.contracts[a.contract];
        if a.supplier != c.supplier && !invited.contains(&a.supplier) {
            out.push(Violation::new(
                Rule::Shortlist,
                format!(
                    "contract {} goes to {}, which is not on the shortlist",
                    c.id,
                    cx.supplier(a.supplier)
                ),
            ));
        }
    }
}

/// The invited suppliers; `None` when the model file sets no shortlist.
fn invited(cx: &Ctx) -> Option<BTreeSet<SupplierIx>> {
    let n = cx.model.procurement.shortlist;
    if n == 0 {
        return None;
    }
    let mut ranked: Vec<(f64, &str, SupplierIx)> = cx
        .tiers
        .iter()
        .map(|(s, t)| {
            let best = t.iter().map(|x| x.1).fold(1.0_f64, f64::min);
            (cx.capacity[s] * (1.0 - best), cx.supplier(*s), *s)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    Some(ranked.iter().take(n as usize).map(|r| r.2).collect())
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::Shortlist;
    use crate::check::test_support::{assert_award, awards, dataset, model};
    use crate::domain::SupplierIx;
    use std::collections::BTreeMap;

    #[test]
    fn a_contract_moved_to_a_supplier_not_invited_breaks_shortlist() {
        let (data, mut model) = (dataset(), model());
        // K0 (INC's) moves to LOCAL, which ranks second on capacity x discount behind CHEAP.
        let mut aw = awards(&data);
        aw[0].supplier = SupplierIx(2);
        model.procurement.shortlist = 2;
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[]);
        model.procurement.shortlist = 1;
        let want = "contract K0 goes to LOCAL, which is not on the shortlist";
        assert_award(&data, &model, &aw, &BTreeMap::new(), &[(Shortlist, want)]);
    }
}
