//! The single-source capacitated facility location format of Holmberg, Rönnqvist and Yuan (files `p1` .. `p71`).
//!
//! Tokens: `m n`; then for each facility `capacity fixed_cost`; then the `n` customer demands; then an `m × n`
//! matrix of assignment costs, row `i` = facility, column `j` = customer: the cost of assigning customer `j`
//! (all of its demand) to facility `i`. Each customer is served by exactly one facility.

use super::{Instance, Tokens};
use crate::error::Error;

/// Parses a Holmberg single-source file. `source` names the file in errors.
pub fn parse(text: &str, source: &str) -> Result<Instance, Error> {
    let mut t = Tokens::new(text, source);
    if t.is_empty() {
        return Err(t.file_error(
            "the file is empty; give a Holmberg single-source facility location file",
        ));
    }
    let m = t.size("the number of facilities m")?;
    let n = t.size("the number of customers n")?;
    t.expect_count(m, n, "2 + 2m for the facilities + n demands + m × n costs")?;
    let mut capacities = Vec::with_capacity(m);
    let mut fixed_costs = Vec::with_capacity(m);
    for i in 1..=m {
        capacities.push(t.whole(&format!("capacity of facility {i}"))?);
        fixed_costs.push(t.number(&format!("fixed cost of facility {i}"))?);
    }
    let mut demands = Vec::with_capacity(n);
    for j in 1..=n {
        let d = t.whole(&format!("demand of customer {j}"))?;
        if d == 0 {
            return Err(t.file_error(&format!(
                "customer {j} has demand 0, but a team's headcount must be at least 1; remove the customer"
            )));
        }
        demands.push(d);
    }
    // The file is facility-major; the instance is customer-major.
    let mut costs = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            costs[j * m + i] =
                t.number(&format!("cost of customer {} at facility {}", j + 1, i + 1))?;
        }
    }
    Ok(Instance {
        format: "holmberg",
        capacities,
        fixed_costs,
        demands,
        costs,
        split: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model_config::ModelConfig;
    use std::path::Path;

    /// Two facilities, three customers; rows of the cost matrix wrap across lines, with trailing dots and CRLF.
    const TINY: &str = "2 3\r\n10 366\r\n20 314.\r\n 4. 5\n 6\n 1. 2. \n3. 4 5.\n 6.5\r\n\0\0";

    fn err(text: &str) -> String {
        parse(text, "pX").unwrap_err().to_string()
    }

    #[test]
    fn parses_a_small_instance_with_wrapped_rows() {
        let inst = parse(TINY, "p").unwrap();
        assert_eq!(inst.capacities, [10, 20]);
        assert_eq!(inst.fixed_costs, [366.0, 314.0]);
        assert_eq!(inst.demands, [4, 5, 6]);
        // Row 1 (facility 1) is 1 2 3; row 2 (facility 2) is 4 5 6.5.
        assert_eq!(inst.cost(0, 0), 1.0);
        assert_eq!(inst.cost(2, 0), 3.0);
        assert_eq!(inst.cost(0, 1), 4.0);
        assert_eq!(inst.cost(2, 1), 6.5);
        assert!(!inst.split);
    }

    #[test]
    fn wrong_token_count_is_an_error() {
        let e = err("2 3\n10 1 20 1\n4 5 6\n1 2 3 4 5 6 7\n");
        assert!(
            e.starts_with("error[E1070] pX: expected 15 numbers") && e.contains("found 16"),
            "{e}"
        );
    }

    #[test]
    fn bad_tokens_name_index_line_and_role() {
        let e = err(&TINY.replace("314.", "abc"));
        assert!(
            e.contains("pX row 3 value 'abc': token 6 (fixed cost of facility 2) is not a number"),
            "{e}"
        );
        let e = err(&TINY.replace("6.5", "-6.5"));
        assert!(
            e.contains("cost of customer 3 at facility 2) is negative"),
            "{e}"
        );
        let e = err(&TINY.replace(" 5\n", " 5.2\n"));
        assert!(
            e.contains("demand of customer 2) is not a whole number"),
            "{e}"
        );
        let e = err(&TINY.replace("1. 2.", "1. NaN"));
        assert!(e.contains("'NaN'") && e.contains("is not a number"), "{e}");
    }

    #[test]
    fn a_nul_byte_inside_the_data_is_an_error() {
        let e = err(&TINY.replace("1. 2.", "1.\0 2."));
        assert!(
            e.contains("'1.\\0'") && e.contains("is not a number"),
            "{e}"
        );
    }

    #[test]
    fn written_files_are_customer_major_and_single_source() {
        let files = crate::import::dataset_files(&parse(TINY, "p").unwrap(), Path::new("/b/p7"));
        let text = |name: &str| files.iter().find(|f| f.0 == name).unwrap().1.clone();
        let costs = text("team_site_costs.csv");
        let lines: Vec<&str> = costs.lines().collect();
        assert_eq!(lines[1..3], ["C1,F1,1", "C1,F2,4"]);
        assert_eq!(lines[6], "C3,F2,6.5");
        assert!(
            text("sites.csv")
                .contains("\nF2,BENCH,facility 2,office,false,freehold,0,20,0,0,0,0,314,false\n")
        );
        assert!(text("teams.csv").contains("\nC3,BENCH,other,6,,true\n"));
        let model = ModelConfig::parse(&text("model.toml")).unwrap();
        assert_eq!(model.name, "p7");
        assert!(!model.estates.split);
    }

    #[test]
    fn zero_sizes_and_zero_demand_are_errors() {
        assert!(err("3 0\n").contains("is zero"));
        assert!(err(&TINY.replace(" 6\n", " 0\n")).contains("customer 3 has demand 0"));
    }
}
