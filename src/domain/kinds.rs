//! The enumerated kinds of the input format, with their spellings in CSV files.
//!
//! One macro defines each enum, its text names and the list shown in error messages, so the three can never
//! disagree.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in CSV and TOML files.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the CSV spelling (case-insensitive, surrounding spaces ignored).
            pub fn parse(text: &str) -> Option<Self> {
                let t = text.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(t))
            }

            /// The allowed spellings, for messages: `a, b, c`.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What kind of partner body an organisation is.
    OrgKind {
        /// An NHS trust or foundation trust.
        NhsTrust = "nhs_trust",
        /// A clinical commissioning group.
        Ccg = "ccg",
        /// A local authority.
        Council = "council",
        /// Another commissioner (for example a commissioning hub).
        Commissioner = "commissioner",
        /// Anything else.
        Other = "other",
    }
);

text_enum!(
    /// What a site is used for.
    SiteKind {
        /// General acute or mixed-service hospital.
        Acute = "acute",
        /// Specialist hospital.
        Specialist = "specialist",
        /// Community hospital or other inpatient site.
        Community = "community",
        /// Mental health or learning disability site.
        MentalHealth = "mental_health",
        /// Ambulance station or hub.
        Ambulance = "ambulance",
        /// Office building.
        Office = "office",
        /// Depot or store.
        Depot = "depot",
        /// Town hall or civic centre.
        Civic = "civic",
        /// Library.
        Library = "library",
        /// Leisure centre.
        Leisure = "leisure",
        /// Clinic or health centre.
        Clinic = "clinic",
        /// Anything else.
        Other = "other",
    }
);

text_enum!(
    /// What part of a site a release unit is (`units.csv`).
    UnitKind {
        /// Floor space (a floor, a wing, the empty or under-used floor of a building): it may hold desks.
        Floor = "floor",
        /// Land that delivers no service (a car park, a field): sold on its own.
        Land = "land",
    }
);

text_enum!(
    /// How a site is held.
    Tenure {
        /// Owned outright.
        Freehold = "freehold",
        /// Rented on a lease.
        Leasehold = "leasehold",
        /// Under a private finance initiative contract.
        Pfi = "pfi",
    }
);

text_enum!(
    /// The back-office functions a data set without `functions.csv` may name: then a team's function must be
    /// one of these (with `functions.csv`, one of the functions it lists).
    BuiltinFunction {
        /// Finance.
        Finance = "finance",
        /// Human resources.
        Hr = "hr",
        /// Payroll.
        Payroll = "payroll",
        /// IT.
        It = "it",
        /// Procurement.
        Procurement = "procurement",
        /// Business intelligence.
        Bi = "bi",
        /// Estates.
        Estates = "estates",
        /// Transformation.
        Transformation = "transformation",
        /// Anything else.
        Other = "other",
    }
);

/// A back-office function of a team, by id: one of [`BuiltinFunction`] or of the functions `functions.csv`
/// lists. Ordered as the built-in functions are declared, then by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Function(pub String);

impl Function {
    fn rank(&self) -> (usize, &str) {
        let builtin = BuiltinFunction::ALL
            .iter()
            .position(|b| b.as_str() == self.0)
            .unwrap_or(BuiltinFunction::ALL.len());
        (builtin, &self.0)
    }
}

impl Ord for Function {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Function {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

text_enum!(
    /// Which part of the public sector a partner belongs to (the sector rule of shared services).
    Sector {
        /// NHS bodies: trusts, CCGs, commissioning hubs.
        Nhs = "nhs",
        /// Local authorities.
        Council = "council",
    }
);

impl Sector {
    /// The sector a kind of body belongs to when `organisations.csv` does not say.
    pub fn of_kind(kind: OrgKind) -> Sector {
        match kind {
            OrgKind::Council => Sector::Council,
            _ => Sector::Nhs,
        }
    }
}

text_enum!(
    /// Who may share a service for a function.
    SectorRule {
        /// Any partner with any hub.
        Any = "any",
        /// NHS bodies only with NHS hubs, councils only with council hubs (payroll, for example: NHS payroll
        /// runs on ESR).
        SameSector = "same_sector",
    }
);

text_enum!(
    /// How a procurement category is bought jointly (`categories.csv`): it decides whether the joint award
    /// touches the category at all.
    Route {
        /// Pooled volume buys a lower price: the offers' volume tiers apply, capped at the category's price effect.
        Aggregation = "aggregation",
        /// Called off a national or regional framework: the small effect the evidence supports caps every tier.
        Framework = "framework",
        /// Not addressable by a back-office joint award (clinical agency under national price caps, for
        /// example): its contracts stay as they are.
        OutOfScope = "out_of_scope",
    }
);
