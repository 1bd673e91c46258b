//! The estates model (with its shared-services decision) as the MPS file `plan --write-model` writes: rebuilt from
//! the candidates the plan was solved over, with columns named after the sites, teams, partners and hubs they
//! decide, and the objective in `summary.json`'s sense (NPV to maximise, or cost to minimise).

use super::milp::{self, Ctx, Vars};
use super::{EstatesResult, services};
use crate::domain::Dataset;
use crate::model_config::{ModelConfig, ObjectiveKind};
use crate::plan::{self, Plan};
use crate::solve::kit::column_index;
use crate::solve::mps::{self, Objective};
use good_lp::Variable;
use std::collections::BTreeMap;

/// The estates model's MPS text, over the candidates `result` was solved with.
pub fn mps(data: &Dataset, model: &ModelConfig, result: &EstatesResult) -> String {
    let ctx = Ctx {
        data,
        cand: &result.candidates,
        model,
    };
    // The cost of changing nothing turns the plan cost into the NPV (it does not depend on the plan).
    let baseline_cost = plan::evaluate(data, ctx.cand, &Plan::baseline(data)).baseline_cost;
    let built = milp::build(&ctx, false);
    let names = names(&ctx, &built.vars);
    let objective = match model.estates.objective {
        ObjectiveKind::Cost => Objective::COST,
        ObjectiveKind::Npv => Objective {
            maximise: true,
            scale: -1.0,
            offset: baseline_cost,
        },
    };
    mps::write(&built.model, "estates", &names, objective)
}

/// Column names by position: `release.<site>.y<year>`, `assign.<team>.<site>`, and the shared-services columns.
fn names(ctx: &Ctx<'_>, vars: &Vars) -> BTreeMap<usize, String> {
    let at = column_index(&vars.columns);
    let mut out = BTreeMap::new();
    let mut put = |v: Variable, name: String| {
        if let Some(&i) = at.get(&v) {
            out.insert(i, name);
        }
    };
    let data = ctx.data;
    for (s, years) in vars.release.iter().enumerate() {
        for (y, v) in years.iter().enumerate() {
            if let Some(v) = v {
                put(*v, format!("release.{}.y{}", data.sites[s].id, y + 1));
            }
        }
    }
    for (t, xs) in vars.assign.iter().enumerate() {
        for (o, &v) in xs.iter().enumerate() {
            let site = data.site(ctx.cand.teams[t].options[o].site);
            put(v, format!("assign.{}.{}", data.teams[t].id, site.id));
        }
    }
    service_names(ctx, &vars.services, &mut put);
    out
}

/// `join.<org>.<function>.<hub site>` and its year split, the hubs' waves and levels, and the transferable
/// staff's shares.
fn service_names(ctx: &Ctx<'_>, v: &services::Vars, put: &mut impl FnMut(Variable, String)) {
    let sc = &ctx.cand.services;
    let data = ctx.data;
    let hub = |h: usize| {
        let hub = &sc.hubs[h].hub;
        format!(
            "{}.{}",
            data.functions[hub.function].id.0,
            data.site(hub.site).id
        )
    };
    for (p, pair) in sc.pairs.iter().enumerate() {
        let who = format!(
            "{}.{}",
            data.org(pair.org).id,
            data.functions[pair.function].id.0
        );
        for (o, opt) in pair.options.iter().enumerate() {
            let to = data.site(sc.hubs[opt.hub].hub.site).id.clone();
            put(v.join[p][o], format!("join.{who}.{to}"));
            for (y, &x) in v.join_in[p][o].iter().enumerate() {
                put(x, format!("join_in.{who}.{to}.y{}", y + 1));
                for (l, &a) in v.at_level[p][o][y].iter().enumerate() {
                    put(a, format!("at_level.{who}.{to}.y{}.l{}", y + 1, l + 1));
                }
            }
        }
    }
    for h in 0..sc.hubs.len() {
        for (y, &w) in v.wave[h].iter().flatten().enumerate() {
            put(w, format!("wave.{}.y{}", hub(h), y + 1));
        }
        for (l, &x) in v.level[h].iter().enumerate() {
            put(x, format!("level.{}.l{}", hub(h), l + 1));
        }
        for (y, levels) in v.level_in[h].iter().enumerate() {
            for (l, &x) in levels.iter().enumerate() {
                put(x, format!("level_in.{}.y{}.l{}", hub(h), y + 1, l + 1));
            }
        }
        for (y, &x) in v.saved[h].iter().enumerate() {
            put(x, format!("saved.{}.y{}", hub(h), y + 1));
        }
    }
    for (t, shares) in v.transferable.iter().enumerate() {
        for (o, &x) in shares.iter().flatten().enumerate() {
            let site = data.site(ctx.cand.teams[t].options[o].site);
            put(x, format!("transferable.{}.{}", data.teams[t].id, site.id));
        }
    }
}
