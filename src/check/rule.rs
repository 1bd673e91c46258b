//! The rule families the checkers report, as one enum, so a reader matches on a name the compiler knows.
//!
//! Each rule's text name is the string the reports, `summary.json` and the terminal have always printed; the
//! enum serialises as that string, so moving from string literals to the enum changes no output byte.

use serde::{Serialize, Serializer};
use std::fmt;

/// A rule family of the estates or award checker, in the order the checkers first report them.
///
/// `capacity` is one family for both checkers: desks on a site (estates) and a supplier's capacity in a
/// category (award) are the same kind of limit, and the reports have always named both `capacity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, schemars::JsonSchema)]
// The schema names the rules as `Serialize` below writes them.
#[schemars(rename_all = "snake_case")]
pub enum Rule {
    /// A protected site released, a forced one kept, or a release year outside the horizon.
    Release,
    /// A team not placed whole, split when splitting is off, moved when it cannot move, or placed at a site its
    /// cost table leaves out.
    Assignment,
    /// A team working from a released site.
    Link,
    /// A team moved too far, or the headcount-weighted mean move too long.
    Staff,
    /// More desks needed than a site has, or more volume than a supplier can take.
    Capacity,
    /// A zone left without a kept public-facing site within reach.
    Access,
    /// A borough left with too few kept public-facing sites.
    Borough,
    /// One-off costs above the yearly capital budget.
    Budget,
    /// A partner worse off under the plan.
    Partners,
    /// New volume for a supplier outside the category's shortlist.
    Shortlist,
    /// A contract not awarded in full, once, to a supplier with an offer.
    Award,
    /// A contract's timing that its dates, its site or the model file do not allow.
    Timing,
    /// More suppliers holding volume in a category than allowed.
    MaxSuppliers,
    /// Too few suppliers holding a worthwhile share of a category.
    MinSuppliers,
    /// A partner buying a category from more suppliers than allowed.
    MaxSuppliersPerPartner,
    /// Too little of a category's spend with local SMEs.
    LocalSmeShare,
    /// More contracts re-let by a partner in a category in one year than its share of its tender capacity.
    Relets,
    /// A partner's function joining a hub it may not join (twice, another function's, outside the horizon, not
    /// poolable, nothing in house, or already a member of a service).
    Join,
    /// A hub that breaks the hub rules (today's services changed, a released or another body's site, an open
    /// year before its first member, no members, too many per function).
    Hubs,
    /// A joining across sectors where the function's rule is `same_sector`.
    Sector,
    /// Staff who would transfer further than the transfer distance.
    Transfer,
    /// More joinings in a year than the programme's capacity.
    Programme,
}

impl Rule {
    /// Every rule, in declaration order.
    pub const ALL: &'static [Rule] = &[
        Rule::Release,
        Rule::Assignment,
        Rule::Link,
        Rule::Staff,
        Rule::Capacity,
        Rule::Access,
        Rule::Borough,
        Rule::Budget,
        Rule::Partners,
        Rule::Shortlist,
        Rule::Award,
        Rule::Timing,
        Rule::MaxSuppliers,
        Rule::MinSuppliers,
        Rule::MaxSuppliersPerPartner,
        Rule::LocalSmeShare,
        Rule::Relets,
        Rule::Join,
        Rule::Hubs,
        Rule::Sector,
        Rule::Transfer,
        Rule::Programme,
    ];

    /// The name printed in reports and written to `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Release => "release",
            Rule::Assignment => "assignment",
            Rule::Link => "link",
            Rule::Staff => "staff",
            Rule::Capacity => "capacity",
            Rule::Access => "access",
            Rule::Borough => "borough",
            Rule::Budget => "budget",
            Rule::Partners => "partners",
            Rule::Shortlist => "shortlist",
            Rule::Award => "award",
            Rule::Timing => "timing",
            Rule::MaxSuppliers => "max_suppliers",
            Rule::MinSuppliers => "min_suppliers",
            Rule::MaxSuppliersPerPartner => "max_suppliers_per_partner",
            Rule::LocalSmeShare => "local_sme_share",
            Rule::Relets => "relets",
            Rule::Join => "join",
            Rule::Hubs => "hubs",
            Rule::Sector => "sector",
            Rule::Transfer => "transfer",
            Rule::Programme => "programme",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_snake_case_and_serialise_as_themselves() {
        let mut seen = std::collections::BTreeSet::new();
        for r in Rule::ALL {
            assert!(seen.insert(r.name()), "{} named twice", r.name());
            assert!(r.name().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_eq!(
                serde_json::to_string(r).unwrap(),
                format!("\"{}\"", r.name())
            );
            assert_eq!(r.to_string(), r.name());
        }
    }

    #[test]
    fn the_schema_names_every_rule_as_it_serialises() {
        let schema = serde_json::to_value(schemars::schema_for!(Rule)).unwrap();
        let named: Vec<&str> = schema["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["const"].as_str())
            .collect();
        let expected: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(named, expected);
    }

    #[test]
    fn all_lists_every_rule_in_declaration_order() {
        assert!(Rule::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Rule::ALL.len(), Rule::Programme as usize + 1);
    }
}
