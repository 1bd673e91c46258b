//! Look-alikes of OR-Library's largest capacitated warehouse location files (`capa`, `capb`, `capc`: Beasley,
//! "An algorithm for solving large capacitated warehouse location problems", EJOR 33 (1988) 314-325), which are
//! not shipped here. Same format, same sizes, the same capacity classes, and costs and demands in the published
//! ranges, from a seed:
//!
//! - 100 warehouses, 1,000 customers; every warehouse's capacity is the literal word `capacity`, as in the real
//!   files, to be replaced on import (`consolidate import orlib-cap FILE --capacity N`) by one of the class's
//!   four values: A 8,000 / 10,000 / 12,000 / 14,000; B 5,000 / 6,000 / 7,000 / 8,000; C 5,000 / 5,750 /
//!   6,500 / 7,250 ([`CAPACITIES`]).
//! - Demand: whole numbers uniform on 5..=112 (mean 58.5, so about 58,500 in all, as the real files' 58,268).
//! - Warehouses and customers at uniform random points of a 1,000 x 1,000 square; the cost of serving all of a
//!   customer's demand from a warehouse is demand x Euclidean distance (the real files' costs are likewise
//!   demand times a unit transport cost).
//! - Fixed costs uniform on 7,500..=30,000 times a class factor (A 120, B 80, C 60): as in the real classes, few
//!   warehouses open, capacity binds at every capacity of the class (the optimum falls as capacity rises), and
//!   optimal costs are 14-18 million (the real ones: 11-19 million).
//!
//! These are not the published instances and their optima are not the published ones; they have the same shape
//! and difficulty class, for benchmarks.

use super::generate::Rng;
use std::fmt::Write as _;

/// A class of the large capacitated instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapClass {
    /// `capa`.
    A,
    /// `capb`.
    B,
    /// `capc`.
    C,
}

/// The four capacities of each class (Beasley 1988, Table 1).
pub const CAPACITIES: [(CapClass, [u32; 4]); 3] = [
    (CapClass::A, [8000, 10000, 12000, 14000]),
    (CapClass::B, [5000, 6000, 7000, 8000]),
    (CapClass::C, [5000, 5750, 6500, 7250]),
];

/// The text of a generated file in OR-Library's format (capacities written as the word `capacity`).
pub fn file(class: CapClass, seed: u64) -> String {
    let (m, n) = (100usize, 1000usize);
    let mut rng = Rng(seed ^ 0xCA9A_B1C0_0000_0000);
    let factor = match class {
        CapClass::A => 120.0,
        CapClass::B => 80.0,
        CapClass::C => 60.0,
    };
    let point = |rng: &mut Rng| (1000.0 * rng.unit(), 1000.0 * rng.unit());
    let warehouses: Vec<(f64, f64)> = (0..m).map(|_| point(&mut rng)).collect();
    let mut text = format!(" {m} {n}\n");
    for _ in 0..m {
        let fixed = (7500.0 + 22_500.0 * rng.unit()) * factor;
        let _ = writeln!(text, " capacity {fixed:.3}");
    }
    for _ in 0..n {
        let demand = 5 + rng.below(108);
        let at = point(&mut rng);
        let _ = writeln!(text, " {demand}");
        let mut line = String::new();
        for (i, w) in warehouses.iter().enumerate() {
            let dist = ((w.0 - at.0).powi(2) + (w.1 - at.1).powi(2)).sqrt();
            let _ = write!(line, " {:.3}", demand as f64 * dist);
            // Seven costs a line, as the published files wrap them.
            if i % 7 == 6 || i + 1 == m {
                text.push_str(&line);
                text.push('\n');
                line.clear();
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::orlib;

    #[test]
    fn a_generated_file_imports_with_each_capacity_of_its_class() {
        let text = file(CapClass::C, 3);
        assert_eq!(text, file(CapClass::C, 3), "same seed, same bytes");
        for cap in CAPACITIES[2].1 {
            let inst = orlib::parse(&text, "capc-like", Some(cap)).unwrap();
            assert_eq!((inst.facilities(), inst.customers()), (100, 1000));
            assert!(inst.capacities.iter().all(|&c| c == cap));
            let total: u32 = inst.demands.iter().sum();
            assert!((50_000..67_000).contains(&total), "{total}");
        }
        assert!(
            orlib::parse(&text, "capc-like", None).is_err(),
            "needs --capacity"
        );
    }
}
