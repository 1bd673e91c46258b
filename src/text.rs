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

/// Builds a CSV file in memory: `f` writes the rows.
pub fn csv_bytes<F: FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>>(f: F) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail for I/O reasons; a failure here would be a bug in the row shapes.
    f(&mut w).expect("CSV rows have a fixed shape");
    w.into_inner().unwrap_or_default()
}

/// A JSON document as the tool writes it: pretty-printed, two-space indents. Serialising the tool's own
/// documents only fails for a map with non-string keys, which they do not have; that is still an error, not a
/// panic.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, crate::error::Error> {
    serde_json::to_string_pretty(value).map_err(|e| crate::error::Error::Other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234567.4), "1,234,567");
        assert_eq!(money(-999.6), "-1,000");
        assert_eq!(money(0.0), "0");
    }
}
