//! The catalogue of finding codes.
//!
//! Codes are a public contract: scripts match on them, so a code never changes meaning and retired codes are not
//! reused. `E1xxx` are errors (the data set cannot be used), `W1xxx` warnings (legal but suspicious). The README's
//! code table is checked against this list by a test.

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// The code.
    pub code: &'static str,
    /// What it means, in a few words.
    pub summary: &'static str,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $summary:literal;)+) => {
        $(
            $(#[$doc])*
            #[doc = concat!("`", stringify!($name), "`: ", $summary)]
            pub const $name: &str = stringify!($name);
        )+
        /// Every code with its summary, in order.
        pub const CATALOGUE: &[CodeInfo] = &[$(CodeInfo { code: stringify!($name), summary: $summary }),+];
    };
}

codes! {
    E1001 = "a required file is missing";
    E1002 = "a file or folder cannot be read";
    E1003 = "a file is empty (no header row)";
    E1004 = "bytes that cannot be read as text (a binary file, or broken UTF-16)";
    /// A CSV file that is not UTF-8 was read as UTF-16 (it starts with a UTF-16 byte order mark) or as
    /// Windows-1252 (any other bytes that are not UTF-8); the warning names the encoding used.
    W1014 = "a CSV file is not UTF-8 and was read as UTF-16 or Windows-1252: save it as CSV UTF-8 to silence this";
    E1005 = "a required column is missing from the header";
    E1006 = "a malformed CSV record (wrong number of fields or broken quoting)";
    E1007 = "a column header appears twice";
    E1008 = "the data set does not exist, or is neither a folder nor an Excel workbook (.xlsx)";
    E1009 = "the optional map layer boroughs.geojson cannot be used";
    E1010 = "a required value is empty";
    E1011 = "a value is not a number (or not a whole number where one is needed)";
    E1012 = "a value is not a date in YYYY-MM-DD form";
    E1013 = "a value is not a yes/no value";
    E1014 = "a value is not one of the allowed words";
    E1015 = "a quantity is negative (or zero where it must be positive)";
    E1016 = "an id is malformed (too long or has characters that are not allowed)";
    E1017 = "a number is outside its allowed range";
    E1020 = "an id appears twice";
    E1021 = "a reference to an id that does not exist";
    E1022 = "a pair of ids appears twice";
    E1030 = "dates in the wrong order";
    E1031 = "coordinates outside Great Britain";
    E1032 = "only one of lat and lon is given";
    E1033 = "a leasehold site has no lease end date";
    E1040 = "a team is larger than any site can hold";
    E1041 = "total desk demand is above total desk capacity";
    E1042 = "a must-keep site's lease has ended before the plan starts";
    E1043 = "tiers of one offer disagree on capacity";
    E1044 = "an offer has no tier starting at volume 0";
    /// `shared_services.csv`: the service's site is not one of its host's sites.
    E1045 = "a shared service's site does not belong to its host";
    /// `service_members.csv`: a partner is served by two services of the same function.
    E1046 = "a partner is a member of two shared services of one function";
    /// `teams.csv`: a team working for a shared service belongs to another organisation or function.
    E1047 = "a team of a shared service is not the host's or not of the service's function";
    /// `teams.csv`: with `functions.csv`, a team's function must be one it lists.
    E1048 = "a team's function is not listed in functions.csv";
    /// `contracts.csv`: with `categories.csv`, a contract's category must be one it lists.
    E1049 = "a contract's category is not listed in categories.csv";
    E1050 = "a model file is not valid TOML, or a key is unknown, of the wrong type or out of range";
    E1051 = "a model file names a site or category the data set does not have";
    E1060 = "a run manifest cannot be read or is not valid TOML";
    E1061 = "a run manifest key is unknown, missing or of the wrong type";
    E1062 = "a run manifest value is out of range (a name, the threads or a time limit)";
    E1063 = "a sweep range is invalid (step not positive, from above to, or over 1000 points)";
    E1064 = "a data set, scenario or sweep name appears twice in a run manifest";
    E1065 = "a scenario or sweep names a data set the run manifest does not declare";
    E1066 = "a data set folder named in a run manifest does not exist";
    E1067 = "a model file named in a run manifest is missing or invalid";
    E1068 = "an override or sweep parameter names a key the model does not have";
    E1069 = "an override or sweep value is refused by the model (wrong type or out of range)";
    E1070 = "a benchmark file cannot be read in its format (OR-Library capacitated, Holmberg)";
    /// `units.csv`: a site's units together hold more desks, floor area, running-cost share or disposal value than
    /// the site.
    E1071 = "a site's release units hold more desks, floor area, cost share or disposal value than the site";
    /// `units.csv`: a floor unit without floor area, or a land unit without land area.
    E1072 = "a release unit has no area of its kind (floor_area_m2 for floor, land_ha for land)";
    /// `sites.csv`: a site's landlord is the organisation that holds it.
    E1073 = "a site's landlord is its own organisation";
    /// `zones.csv`: a deprivation decile that is not a whole number from 1 (most deprived) to 10.
    E1074 = "a zone's deprivation decile is not a whole number from 1 to 10";
    W1001 = "an unknown column is ignored";
    W1002 = "a file has a header but no rows";
    W1003 = "a site has no coordinates and takes no part in access rules";
    W1004 = "a zone has no population";
    W1005 = "a site holds more people today than it has desks";
    W1006 = "two sites share the same coordinates";
    W1007 = "a lease has ended before the plan starts";
    W1008 = "a site has implausibly many desks for its floor area (under 4 m2 a desk)";
    W1009 = "a contract has ended before the plan starts";
    W1010 = "a team has no current site";
    W1011 = "a contract's category has no offers";
    /// `zones.csv`, `sites.csv`: with `boroughs.geojson`, the point lies more than 200 m outside the outline its
    /// `borough` names.
    W1012 = "a zone or site lies outside its borough's boundary: check its coordinates and borough";
    /// `zones.csv`, `sites.csv`: the nearest other zone or site is farther than the larger of 50 km and 5 times
    /// the median nearest-neighbour distance.
    W1013 = "a zone or site lies far from every other one: check its coordinates";
}

/// The summary of a code, if it exists.
pub fn summary(code: &str) -> Option<&'static str> {
    CATALOGUE.iter().find(|c| c.code == code).map(|c| c.summary)
}
