//! The OR-Library capacitated warehouse location format (Beasley; files `cap41` .. `cap134`, `capa` .. `capc`).
//!
//! Tokens: `m n`; then for each warehouse `capacity fixed_cost`; then for each customer its demand followed by
//! `m` costs, the cost of allocating all of its demand to each warehouse. In `capa`, `capb` and `capc` every
//! capacity is the word `capacity`, to be replaced by a chosen value (`--capacity`). Demand may be split
//! between warehouses.

use super::{Instance, Tokens};
use crate::error::Error;

/// Parses an OR-Library capacitated warehouse file. `source` names the file in errors; `capacity` replaces the
/// word `capacity` and must be given exactly when the file uses that word.
pub fn parse(text: &str, source: &str, capacity: Option<u32>) -> Result<Instance, Error> {
    let mut t = Tokens::new(text, source);
    if t.is_empty() {
        return Err(
            t.file_error("the file is empty; give an OR-Library capacitated warehouse file")
        );
    }
    let m = t.size("the number of warehouses m")?;
    let n = t.size("the number of customers n")?;
    t.expect_count(
        m,
        n,
        "2 + 2m for the warehouses + n × (1 + m) for the customers",
    )?;
    let mut capacities = Vec::with_capacity(m);
    let mut fixed_costs = Vec::with_capacity(m);
    let mut uses_word = false;
    for i in 1..=m {
        let cap = if t.next_is_word("capacity") {
            uses_word = true;
            t.skip();
            capacity.ok_or_else(|| {
                t.file_error(&format!(
                    "warehouse {i}'s capacity is the word 'capacity' (a capa/capb/capc file); give the capacity \
                     to use with --capacity N (for example --capacity 8000)"
                ))
            })?
        } else {
            t.whole(&format!("capacity of warehouse {i}"))?
        };
        capacities.push(cap);
        fixed_costs.push(t.number(&format!("fixed cost of warehouse {i}"))?);
    }
    if capacity.is_some() && !uses_word {
        return Err(t.file_error(
            "--capacity only replaces capacities written as the word 'capacity', and this file gives every \
             capacity as a number; leave out --capacity",
        ));
    }
    let mut demands = Vec::with_capacity(n);
    let mut costs = Vec::with_capacity(m * n);
    for j in 1..=n {
        let d = t.whole(&format!("demand of customer {j}"))?;
        if d == 0 {
            return Err(t.file_error(&format!(
                "customer {j} has demand 0, but a team's headcount must be at least 1; remove the customer"
            )));
        }
        demands.push(d);
        for i in 1..=m {
            costs.push(t.number(&format!("cost of customer {j} at warehouse {i}"))?);
        }
    }
    Ok(Instance {
        format: "orlib-cap",
        capacities,
        fixed_costs,
        demands,
        costs,
        split: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model_config::{ModelConfig, ObjectiveKind};
    use std::path::Path;

    /// Two warehouses, three customers; tokens wrap across lines and some numbers end in `.`.
    const TINY: &str = "2 3\n 10 7500. \n 20 0.\n5 1.5\n 2 3 3.25\n 4.\n7 5.\n 6\n";

    fn err(text: &str, capacity: Option<u32>) -> String {
        parse(text, "capX.txt", capacity).unwrap_err().to_string()
    }

    #[test]
    fn parses_a_small_instance_with_wrapped_tokens_and_trailing_dots() {
        let inst = parse(TINY, "cap.txt", None).unwrap();
        assert_eq!(inst.capacities, [10, 20]);
        assert_eq!(inst.fixed_costs, [7500.0, 0.0]);
        assert_eq!(inst.demands, [5, 3, 7]);
        assert_eq!(inst.cost(0, 0), 1.5);
        assert_eq!(inst.cost(0, 1), 2.0);
        assert_eq!(inst.cost(1, 0), 3.25);
        assert_eq!(inst.cost(1, 1), 4.0);
        assert_eq!(inst.cost(2, 0), 5.0);
        assert_eq!(inst.cost(2, 1), 6.0);
        assert!(inst.split);
        assert_eq!(inst.format, "orlib-cap");
    }

    #[test]
    fn the_model_is_the_one_year_cost_objective_with_splitting() {
        let files =
            crate::import::dataset_files(&parse(TINY, "c", None).unwrap(), Path::new("cap41.txt"));
        let text = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
        let model = ModelConfig::parse(&text("model.toml")).unwrap();
        assert_eq!(model.name, "cap41");
        assert_eq!((model.horizon_years, model.discount_rate), (1, 0.0));
        assert_eq!(model.estates.objective, ObjectiveKind::Cost);
        assert_eq!(model.estates.desk_ratio, 1.0);
        assert!(
            model.estates.split && !model.estates.access.enabled && !model.estates.leases.enabled
        );
        assert_eq!(model.solver.time_limit_s, 600.0);
        assert!(
            text("team_site_costs.csv").contains("\nC2,F1,3.25\n"),
            "costs round-trip"
        );
        assert_eq!(text("zones.csv"), "id,name,borough,lat,lon,population\n");
    }

    #[test]
    fn the_capacity_word_needs_the_option() {
        let text = "2 1\n capacity 100.\n capacity 200.\n 4 1. 2.\n";
        let inst = parse(text, "capa.txt", Some(8000)).unwrap();
        assert_eq!(inst.capacities, [8000, 8000]);
        assert_eq!(inst.fixed_costs, [100.0, 200.0]);
        let e = err(text, None);
        assert!(e.contains("capX.txt") && e.contains("--capacity N"), "{e}");
    }

    #[test]
    fn the_option_is_refused_for_numeric_capacities() {
        let e = err(TINY, Some(50));
        assert!(e.contains("leave out --capacity"), "{e}");
    }

    #[test]
    fn wrong_token_count_is_an_error() {
        let e = err("2 3\n 10 7500. 20 0. 5 1 2 3 1 2 7 4\n", None);
        assert!(
            e.contains("expected 15 numbers") && e.contains("found 14"),
            "{e}"
        );
    }

    #[test]
    fn non_numeric_token_names_its_index_and_line() {
        let e = err(&TINY.replace("3.25", "3,25"), None);
        assert!(
            e.contains(
                "row 5 value '3,25': token 11 (cost of customer 2 at warehouse 1) is not a number"
            ),
            "{e}"
        );
    }

    #[test]
    fn negative_and_fractional_values_are_errors() {
        let e = err(&TINY.replace("7500.", "-7500."), None);
        assert!(e.contains("fixed cost of warehouse 1) is negative"), "{e}");
        let e = err(&TINY.replace("\n5 ", "\n5.5 "), None);
        assert!(
            e.contains("demand of customer 1) is not a whole number"),
            "{e}"
        );
        let e = err(&TINY.replace(" 20 ", " 20.5 "), None);
        assert!(
            e.contains("capacity of warehouse 2) is not a whole number"),
            "{e}"
        );
    }

    #[test]
    fn zero_sizes_and_empty_files_are_errors() {
        assert!(err("0 3\n", None).contains("is zero"));
        assert!(err("2 0\n10 1 20 1\n", None).contains("the number of customers n) is zero"));
        assert!(err(" \n", None).contains("empty"));
        assert!(err("2", None).contains("ends after 1 tokens"));
    }
}
