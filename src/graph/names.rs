//! Supplier name normalisation and the supplier groups it defines.
//!
//! Public spend files spell one company many ways ("ACME Limited", "Acme Ltd."). Two rows of `suppliers.csv`
//! whose names normalise to the same text are treated as one supplier group by every overlap table and graph,
//! and every such merge is reported so that a reviewer can undo a wrong one by renaming a supplier.
//!
//! The rules, in order (also in `docs/overlaps.md`):
//! 1. upper-case;
//! 2. remove apostrophes (`'`, `’`, `‘`);
//! 3. `&` and `+` become the word `AND`;
//! 4. every other run of characters that are not letters or digits becomes one space; trim;
//! 5. the words `LIMITED` → `LTD` and `COMPANY` → `CO`;
//! 6. the word sequence `PUBLIC LTD CO` → `PLC`.
//!
//! A name with no letter or digit at all normalises to the empty text; such a supplier is kept on its own under
//! the key `#<id>` (a `#` never survives rule 4, so this cannot collide with a real name).

use crate::domain::{Dataset, SupplierIx};
use std::collections::BTreeMap;

/// Normalises a supplier name by the rules in the module documentation.
pub fn normalise(name: &str) -> String {
    let mut spaced = String::with_capacity(name.len() + 8);
    for c in name.chars().flat_map(char::to_uppercase) {
        match c {
            '\'' | '\u{2019}' | '\u{2018}' => {}
            // Spaces around AND so "A&B" and "A & B" give the same words.
            '&' | '+' => spaced.push_str(" AND "),
            c if c.is_alphanumeric() => spaced.push(c),
            _ => spaced.push(' '),
        }
    }
    let mut words: Vec<&str> = spaced
        .split_whitespace()
        .map(|w| match w {
            "LIMITED" => "LTD",
            "COMPANY" => "CO",
            w => w,
        })
        .collect();
    // After the word rule, "Public Limited Company" reads PUBLIC LTD CO wherever it came from.
    let mut i = 0;
    while i + 3 <= words.len() {
        if words[i..i + 3] == ["PUBLIC", "LTD", "CO"] {
            words.splice(i..i + 3, ["PLC"]);
        }
        i += 1;
    }
    words.join(" ")
}

/// One supplier group: suppliers whose names normalise alike.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierGroup {
    /// The normalised name (or `#<id>` for a name with no letters or digits).
    pub key: String,
    /// The member suppliers, in order of id.
    pub members: Vec<SupplierIx>,
}

impl SupplierGroup {
    /// True when the group merges two or more supplier rows.
    pub fn is_merge(&self) -> bool {
        self.members.len() > 1
    }

    /// The member ids joined by `;`, for tables.
    pub fn member_ids(&self, data: &Dataset) -> String {
        self.members
            .iter()
            .map(|&s| data.supplier(s).id.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// Every supplier of a data set, grouped by normalised name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SupplierGroups {
    /// The groups, in order of key.
    pub groups: Vec<SupplierGroup>,
    /// For each supplier (by index in `Dataset::suppliers`), the index of its group in `groups`.
    pub group_of: Vec<usize>,
}

impl SupplierGroups {
    /// Groups the suppliers of a data set.
    pub fn of(data: &Dataset) -> Self {
        let mut by_key: BTreeMap<String, Vec<SupplierIx>> = BTreeMap::new();
        for (i, s) in data.suppliers.iter().enumerate() {
            let mut key = normalise(&s.name);
            if key.is_empty() {
                key = format!("#{}", s.id);
            }
            by_key.entry(key).or_default().push(SupplierIx(i as u32));
        }
        let mut group_of = vec![0; data.suppliers.len()];
        let groups: Vec<SupplierGroup> = by_key
            .into_iter()
            .enumerate()
            .map(|(g, (key, mut members))| {
                members.sort_by(|a, b| data.supplier(*a).id.cmp(&data.supplier(*b).id));
                for m in &members {
                    group_of[m.ix()] = g;
                }
                SupplierGroup { key, members }
            })
            .collect();
        SupplierGroups { groups, group_of }
    }

    /// The group of a supplier.
    pub fn group(&self, s: SupplierIx) -> usize {
        self.group_of[s.ix()]
    }

    /// The groups that merge two or more suppliers, in order of key.
    pub fn merges(&self) -> impl Iterator<Item = &SupplierGroup> {
        self.groups.iter().filter(|g| g.is_merge())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Supplier;

    #[test]
    fn spellings_of_one_company_normalise_alike() {
        assert_eq!(normalise("ACME Limited"), "ACME LTD");
        assert_eq!(normalise("Acme Ltd."), "ACME LTD");
        assert_eq!(normalise("  acme   ltd  "), "ACME LTD");
    }

    #[test]
    fn ampersand_plus_apostrophe_and_punctuation() {
        assert_eq!(normalise("Clean & Co"), "CLEAN AND CO");
        assert_eq!(normalise("Clean+Company"), "CLEAN AND CO");
        assert_eq!(normalise("Arielle's Care Ltd"), "ARIELLES CARE LTD");
        assert_eq!(normalise("Arielle’s Care Ltd"), "ARIELLES CARE LTD");
        assert_eq!(
            normalise("Allied Publicity Services (M/C) Ltd"),
            "ALLIED PUBLICITY SERVICES M C LTD"
        );
    }

    #[test]
    fn public_limited_company_becomes_plc() {
        assert_eq!(
            normalise("British Gas Public Limited Company"),
            "BRITISH GAS PLC"
        );
        assert_eq!(normalise("British Gas plc"), "BRITISH GAS PLC");
        assert_eq!(normalise("Public Ltd Co"), "PLC");
        // Only whole words are replaced.
        assert_eq!(
            normalise("Unlimited Companyhouse"),
            "UNLIMITED COMPANYHOUSE"
        );
    }

    #[test]
    fn groups_merge_equal_keys_and_keep_empty_names_apart() {
        let sup = |id: &str, name: &str| Supplier {
            id: id.into(),
            name: name.into(),
            sme: false,
            local: false,
        };
        let data = Dataset {
            suppliers: vec![
                sup("B", "Acme Ltd."),
                sup("A", "ACME Limited"),
                sup("C", "Bolt"),
                sup("D", "--"),
                sup("E", "..."),
            ],
            ..Dataset::default()
        };
        let g = SupplierGroups::of(&data);
        let merges: Vec<_> = g.merges().collect();
        assert_eq!(merges.len(), 1);
        assert_eq!(merges[0].key, "ACME LTD");
        assert_eq!(merges[0].member_ids(&data), "A;B");
        assert_eq!(g.group(SupplierIx(0)), g.group(SupplierIx(1)));
        assert_ne!(g.group(SupplierIx(3)), g.group(SupplierIx(4)));
        assert_eq!(g.groups.len(), 4);
    }
}
