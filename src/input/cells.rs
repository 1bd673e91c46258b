//! Typed access to the cells of one record: every failed parse becomes a finding and marks the row bad.

use super::table::{Record, Table};
use crate::codes::*;
use crate::error::Finding;
use crate::text::unguard;
use chrono::NaiveDate;

/// Typed access to the cells of one record; every failed parse becomes a finding and marks the row bad.
pub struct RowReader<'a> {
    table: &'a Table,
    record: &'a Record,
    /// Findings of this row (merged by the caller).
    pub findings: Vec<Finding>,
    silent_error: bool,
}

/// The longest id accepted.
pub const MAX_ID_LEN: usize = 64;

impl<'a> RowReader<'a> {
    /// A reader for one record.
    pub fn new(table: &'a Table, record: &'a Record) -> Self {
        RowReader {
            table,
            record,
            findings: Vec::new(),
            silent_error: false,
        }
    }

    /// The record's line number.
    pub fn line(&self) -> u64 {
        self.record.line
    }

    /// True when no cell of this row has failed so far.
    pub fn ok(&self) -> bool {
        !self.silent_error && !self.findings.iter().any(Finding::is_error)
    }

    /// Adds a finding about a column of this row.
    pub fn report(
        &mut self,
        code: &'static str,
        column: &str,
        cause: impl Into<String>,
        action: impl Into<String>,
    ) {
        let value = self.raw(column).unwrap_or("").to_string();
        let mut f = Finding::file(code, self.table.spec.name, cause, action)
            .at_row(self.record.line)
            .at_column(column);
        if !value.is_empty() {
            f = f.with_value(&value);
        }
        self.findings.push(f);
    }

    /// The trimmed cell text, `None` when the column is absent or the cell is empty.
    ///
    /// The `'` that output CSVs put before formula-like text ([`crate::text::guard`]) is removed, so a plan file
    /// `plan` wrote reads back as the values it holds.
    pub fn raw(&self, column: &str) -> Option<&'a str> {
        let i = *self.table.columns.get(column)?;
        self.record
            .cells
            .get(i)
            .map(String::as_str)
            .map(unguard)
            .filter(|s| !s.is_empty())
    }

    /// Marks the row as unusable without a finding of its own (the cause is reported elsewhere, once).
    pub fn report_silently(&mut self) {
        self.silent_error = true;
    }

    /// A required text value.
    pub fn text(&mut self, column: &str) -> Option<String> {
        match self.raw(column) {
            Some(s) => Some(s.to_string()),
            None => {
                self.missing(column);
                None
            }
        }
    }

    /// An optional text value (empty string when not given).
    pub fn text_or_empty(&self, column: &str) -> String {
        self.raw(column).unwrap_or("").to_string()
    }

    fn missing(&mut self, column: &str) {
        self.report(
            E1010,
            column,
            "the value is required but empty",
            format!("fill in '{column}'"),
        );
    }

    /// A required id.
    pub fn id(&mut self, column: &str) -> Option<String> {
        let s = self.text(column)?;
        self.check_id(column, s)
    }

    /// An optional id.
    pub fn opt_id(&mut self, column: &str) -> Option<Option<String>> {
        match self.raw(column) {
            None => Some(None),
            Some(s) => self.check_id(column, s.to_string()).map(Some),
        }
    }

    fn check_id(&mut self, column: &str, s: String) -> Option<String> {
        let allowed = |c: char| c.is_alphanumeric() || "-_./: &'()".contains(c);
        if s.chars().count() > MAX_ID_LEN || !s.chars().all(allowed) {
            self.report(
                E1016,
                column,
                format!("an id must be at most {MAX_ID_LEN} characters of letters, digits, spaces and -_./:&'()"),
                "shorten the id or remove the other characters",
            );
            return None;
        }
        Some(s)
    }

    fn number_or_report(&mut self, column: &str, s: &str) -> Option<f64> {
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            Ok(_) => {
                self.report(
                    E1017,
                    column,
                    "the number is not finite",
                    "write a finite decimal number",
                );
                None
            }
            Err(_) => {
                self.report(
                    E1011,
                    column,
                    "the value is not a number",
                    "write a plain decimal number with '.' as the decimal point, no thousands separators or currency signs",
                );
                None
            }
        }
    }

    /// A required number.
    pub fn number(&mut self, column: &str) -> Option<f64> {
        let s = self.text(column)?;
        self.number_or_report(column, &s)
    }

    /// An optional number.
    pub fn opt_number(&mut self, column: &str) -> Option<Option<f64>> {
        match self.raw(column) {
            None => Some(None),
            Some(s) => self.number_or_report(column, s).map(Some),
        }
    }

    /// A required number that must be zero or more.
    pub fn non_negative(&mut self, column: &str) -> Option<f64> {
        let v = self.number(column)?;
        self.check_non_negative(column, v)
    }

    /// An optional number that must be zero or more, with a default.
    pub fn non_negative_or(&mut self, column: &str, default: f64) -> Option<f64> {
        let v = self.opt_number(column)?.unwrap_or(default);
        self.check_non_negative(column, v)
    }

    fn check_non_negative(&mut self, column: &str, v: f64) -> Option<f64> {
        if v < 0.0 {
            self.report(
                E1015,
                column,
                "the quantity is negative",
                "write zero or a positive number",
            );
            return None;
        }
        Some(v)
    }

    /// A required whole number that is zero or more.
    pub fn count(&mut self, column: &str) -> Option<u64> {
        let s = self.text(column)?;
        match s.parse::<i128>() {
            Ok(v) if v < 0 => {
                self.report(
                    E1015,
                    column,
                    "the quantity is negative",
                    "write zero or a positive whole number",
                );
                None
            }
            Ok(v) if v > i128::from(u32::MAX) => {
                self.report(
                    E1017,
                    column,
                    "the number is too large",
                    "write a number below 4,294,967,295",
                );
                None
            }
            Ok(v) => u64::try_from(v).ok(),
            Err(_) => {
                self.report(
                    E1011,
                    column,
                    "the value is not a whole number",
                    "write a whole number such as 42",
                );
                None
            }
        }
    }

    /// A required yes/no value.
    pub fn flag(&mut self, column: &str) -> Option<bool> {
        let s = self.text(column)?;
        self.parse_flag(column, &s)
    }

    /// An optional yes/no value with a default.
    pub fn flag_or(&mut self, column: &str, default: bool) -> Option<bool> {
        match self.raw(column) {
            None => Some(default),
            Some(s) => self.parse_flag(column, s),
        }
    }

    fn parse_flag(&mut self, column: &str, s: &str) -> Option<bool> {
        match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => {
                self.report(
                    E1013,
                    column,
                    "the value is not a yes/no value",
                    "write true or false",
                );
                None
            }
        }
    }

    /// A required date.
    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let s = self.text(column)?;
        self.parse_date(column, &s)
    }

    /// An optional date.
    pub fn opt_date(&mut self, column: &str) -> Option<Option<NaiveDate>> {
        match self.raw(column) {
            None => Some(None),
            Some(s) => self.parse_date(column, s).map(Some),
        }
    }

    fn parse_date(&mut self, column: &str, s: &str) -> Option<NaiveDate> {
        // chrono accepts unpadded months and days; the format promises exactly YYYY-MM-DD.
        let shaped = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if shaped => Some(d),
            _ => {
                self.report(
                    E1012,
                    column,
                    "the value is not a date",
                    "write the date as YYYY-MM-DD, for example 2021-03-31",
                );
                None
            }
        }
    }

    /// A required value from a fixed list.
    pub fn choice<T>(
        &mut self,
        column: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Option<T> {
        let s = self.text(column)?;
        match parse(&s) {
            Some(v) => Some(v),
            None => {
                self.report(
                    E1014,
                    column,
                    "the value is not one of the allowed words",
                    format!("use one of: {allowed}"),
                );
                None
            }
        }
    }
}
