//! Text formats every layer shares: money as a board reads it, CSV bytes built in memory, and JSON documents.

/// Formats a whole number of pounds with thousands separators: `1,234,567`.
pub fn money(v: f64) -> String {
    let neg = v < 0.0;
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

/// `v` with at most `decimals` decimals, trailing zeros (and a bare '.') trimmed, and no negative zero: `2.5`,
/// `5000000`, `0.333333` (6 decimals).
pub fn trimmed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The UTF-8 byte-order mark every output CSV starts with: without it Excel on Windows reads the file as
/// Windows-1252 and shows an en dash in a supplier name as `â€“`. The data-set reader strips it.
pub const BOM: &str = "\u{feff}";

/// The first characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The value of `cell` when it is a finite decimal number (`-12.5`, `+3`, `1e6`): such a cell is data, not a
/// formula, and a number cell in a workbook.
pub fn number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// True when `s`, after any leading `'`, starts like a formula.
fn formula_like(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// A cell as written to an output CSV: text that a spreadsheet would run as a formula gets a leading `'`.
///
/// A cell that already starts with `'` before such a character is guarded too, so that [`unguard`] always gives
/// back exactly the cell written (`'=x` is written `''=x` and read as `'=x`).
pub fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(cell) && (cell.starts_with('\'') || number(cell).is_none()) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The cell [`guard`] was given: one leading `'` before a formula-like start is removed.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// An output CSV being built in memory: it starts with [`BOM`] and every cell goes through [`guard`]. Every CSV
/// the tool writes is built with this, so no writer can forget either.
pub struct CsvOut(csv::Writer<Vec<u8>>);

impl Default for CsvOut {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvOut {
    /// An empty file (just the byte-order mark).
    pub fn new() -> Self {
        CsvOut(csv::Writer::from_writer(BOM.as_bytes().to_vec()))
    }

    /// Writes one record, guarding each cell.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in record {
            self.0.write_field(guard(cell.as_ref()).as_bytes())?;
        }
        // An empty record ends the one the fields above started.
        self.0.write_record(None::<&[u8]>)
    }

    /// The file's bytes.
    pub fn into_bytes(self) -> csv::Result<Vec<u8>> {
        self.0.into_inner().map_err(|e| e.into_error().into())
    }
}

/// Builds an output CSV in memory (see [`CsvOut`]): `f` writes the rows.
pub fn csv_bytes<F: FnOnce(&mut CsvOut) -> csv::Result<()>>(f: F) -> Vec<u8> {
    let mut w = CsvOut::new();
    // Writing to a Vec cannot fail for I/O reasons; a failure here would be a bug in the row shapes.
    f(&mut w).expect("CSV rows have a fixed shape");
    w.into_bytes().unwrap_or_default()
}

/// A JSON document as the tool writes it: pretty-printed, two-space indents. Serialising the tool's own
/// documents only fails for a map with non-string keys, which they do not have; that is still an error, not a
/// panic.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, crate::error::Error> {
    serde_json::to_string_pretty(value).map_err(|e| crate::error::Error::Other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::{csv_bytes, guard, money, unguard};

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234567.4), "1,234,567");
        assert_eq!(money(-999.6), "-1,000");
        assert_eq!(money(0.0), "0");
    }

    #[test]
    fn guard_leaves_numbers_and_plain_text() {
        for cell in [
            "-12.5",
            "+3",
            "-1e6",
            "plain text",
            "",
            "Bolton – North",
            "a=b",
        ] {
            assert_eq!(guard(cell), cell, "{cell}");
        }
    }

    #[test]
    fn guard_prefixes_formula_starts() {
        assert_eq!(guard("@SUM(A1:A9)"), "'@SUM(A1:A9)");
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("-2+3"), "'-2+3");
        assert_eq!(guard("+44 161"), "'+44 161");
        assert_eq!(guard("\tx"), "'\tx");
        assert_eq!(guard("\rx"), "'\rx");
        // Not a finite number, so text a spreadsheet might still evaluate.
        assert_eq!(guard("-inf"), "'-inf");
    }

    #[test]
    fn unguard_undoes_guard_exactly() {
        for cell in [
            "=1+1", "'=1+1", "''@x", "-12", "'-12", "'quoted", "'", "@", "text",
        ] {
            assert_eq!(unguard(&guard(cell)), cell, "{cell}");
        }
        // A hand-written guard is read the same way.
        assert_eq!(unguard("'-12"), "-12");
        assert_eq!(unguard("'plain"), "'plain");
    }

    #[test]
    fn csv_starts_with_bom_and_guards_cells() {
        let bytes = csv_bytes(|w| {
            w.write_record(["name", "value"])?;
            w.write_record(["=cmd|' /C calc'!A0", "-3.5"])
        });
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{feff}name,value\n'=cmd|' /C calc'!A0,-3.5\n");
    }
}
