//! Reading one CSV file into checked text cells, and typed access to those cells.
//!
//! The reader never stops at the first problem: a bad row is reported and skipped, a bad cell is reported and the
//! row is dropped after all its cells have been looked at, so one pass reports everything. Nothing here panics on
//! any bytes.

use crate::codes::*;
use crate::error::Finding;
use std::collections::HashMap;
use std::path::Path;

/// The columns a file must and may have.
#[derive(Debug, Clone, Copy)]
pub struct FileSpec {
    /// File name inside the data set folder.
    pub name: &'static str,
    /// Columns that must be in the header.
    pub required: &'static [&'static str],
    /// Columns that may be in the header.
    pub optional: &'static [&'static str],
}

/// A record whose cells are all valid UTF-8.
#[derive(Debug)]
pub struct Record {
    /// Line number of the record (header = 1).
    pub line: u64,
    /// Trimmed cells, in header order.
    pub cells: Vec<String>,
}

/// A read file: its header and its well-formed records.
#[derive(Debug)]
pub struct Table {
    /// The file's spec.
    pub spec: FileSpec,
    pub(super) columns: HashMap<String, usize>,
    /// The records that could be read.
    pub records: Vec<Record>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The largest data set file read (1 GiB, about 5 million rows): parsing holds the file and its rows in memory
/// (about 4 times its size), so anything larger is refused with E1002 before it is read.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Reads `dir/spec.name`. Returns `None` (with findings) when the file is absent or unusable as a whole.
pub fn read_table(
    dir: &Path,
    spec: FileSpec,
    required: bool,
    findings: &mut Vec<Finding>,
) -> Option<Table> {
    let path = dir.join(spec.name);
    let file = spec.name;
    if !path.exists() {
        if required {
            findings.push(Finding::file(
                E1001,
                file,
                "the file is missing from the data set folder",
                format!("add {file} with the columns described in docs/inputs.md"),
            ));
        }
        return None;
    }
    // A file far larger than any real estate would exhaust memory while parsing: refuse it first, by its size.
    if let Ok(meta) = std::fs::metadata(&path)
        && meta.len() > MAX_FILE_BYTES
    {
        findings.push(Finding::file(
            E1002,
            file,
            format!(
                "the file is {} MiB, above the {} MiB a data set file may have",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
            "check it is the right file; split a larger estate into regional data sets and plan each",
        ));
        return None;
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            findings.push(Finding::file(
                E1002,
                file,
                format!("cannot read the file: {e}"),
                "check that it is a readable file, not a folder, and its permissions",
            ));
            return None;
        }
    };
    parse_table(spec, &bytes, findings)
}

/// Parses the bytes of one file (split out from [`read_table`] so fuzz tests can feed any bytes).
pub fn parse_table(spec: FileSpec, bytes: &[u8], findings: &mut Vec<Finding>) -> Option<Table> {
    let file = spec.name;
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        findings.push(Finding::file(
            E1003,
            file,
            "the file is empty: it has no header row",
            format!(
                "write the header row ({}) and one row per record",
                spec.required.join(",")
            ),
        ));
        return None;
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        findings.push(Finding::file(
            E1004,
            file,
            "the file is UTF-16 text (Excel's \"Unicode Text\"), not UTF-8",
            "save it again as \"CSV UTF-8 (comma delimited)\"",
        ));
        return None;
    }
    if looks_binary(bytes) {
        findings.push(Finding::file(
            E1004,
            file,
            "the file is not UTF-8 text: it looks like a binary file",
            "export the table as CSV UTF-8 (comma separated) under this name",
        ));
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut raw = csv::ByteRecord::new();
    let header = match reader.read_byte_record(&mut raw) {
        Ok(true) => raw.clone(),
        Ok(false) => return None,
        Err(e) => {
            findings.push(malformed(file, 1, &e));
            return None;
        }
    };
    let columns = read_header(spec, &header, findings)?;
    let width = header.len();
    let mut records = Vec::new();
    // Line numbers are counted here from byte offsets, because the csv reader's own count differs for CRLF files
    // and skips blank lines; this gives the line a text editor shows for the start of each record.
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |offset: u64| newlines.partition_point(|&n| (n as u64) < offset) as u64 + 1;
    loop {
        let line = line_at(reader.position().byte());
        match reader.read_byte_record(&mut raw) {
            Ok(false) => break,
            Ok(true) => {
                let line = raw.position().map_or(line, |p| line_at(p.byte()));
                if raw.len() == 1
                    && raw
                        .get(0)
                        .is_some_and(|c| c.iter().all(u8::is_ascii_whitespace))
                {
                    continue; // blank line
                }
                if raw.len() != width {
                    findings.push(
                        Finding::file(
                            E1006,
                            file,
                            format!("the row has {} fields but the header has {width}", raw.len()),
                            "make every row have one field per header column; quote values that contain commas",
                        )
                        .at_row(line),
                    );
                    continue;
                }
                if let Some(cells) = utf8_cells(file, line, &header, &raw, findings) {
                    records.push(Record { line, cells });
                }
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| line_at(p.byte()));
                findings.push(malformed(file, line, &e));
                // The csv reader resynchronises on the next line; an I/O error on a slice cannot repeat forever,
                // but guard anyway so a pathological input cannot loop.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    if records.is_empty() && !findings.iter().any(|f| f.file == file && f.is_error()) {
        findings.push(Finding::file(
            W1002,
            file,
            "the file has a header but no rows",
            "add rows, or leave it empty on purpose",
        ));
    }
    Some(Table {
        spec,
        columns,
        records,
    })
}

/// A NUL byte, or a first kilobyte that is not UTF-8 text, means this is not a CSV file at all.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    if head.contains(&0) {
        return true;
    }
    match std::str::from_utf8(head) {
        Ok(_) => false,
        // A multi-byte character cut at the 1 KiB boundary is still text.
        Err(e) => {
            e.error_len().is_some()
                && std::str::from_utf8(&head[..e.valid_up_to()]).is_ok()
                && e.valid_up_to() < 16
        }
    }
}

fn malformed(file: &str, line: u64, e: &csv::Error) -> Finding {
    Finding::file(
        E1006,
        file,
        format!("the CSV record cannot be read: {e}"),
        "fix the quoting of this row",
    )
    .at_row(line)
}

fn read_header(
    spec: FileSpec,
    header: &csv::ByteRecord,
    findings: &mut Vec<Finding>,
) -> Option<HashMap<String, usize>> {
    let file = spec.name;
    let mut columns = HashMap::new();
    let mut ok = true;
    for (i, raw) in header.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(raw) else {
            findings.push(
                Finding::file(
                    E1004,
                    file,
                    "the header is not UTF-8 text",
                    "save the file as UTF-8 (CSV UTF-8)",
                )
                .at_row(1)
                .with_value(&String::from_utf8_lossy(raw)),
            );
            // Without readable header names, missing-column findings would only be noise.
            return None;
        };
        let name = name.trim().to_string();
        if columns.contains_key(&name) {
            findings.push(
                Finding::file(
                    E1007,
                    file,
                    "the column header appears twice",
                    "remove or rename one of them",
                )
                .at_row(1)
                .at_column(&name),
            );
            ok = false;
            continue;
        }
        if !spec.required.contains(&name.as_str()) && !spec.optional.contains(&name.as_str()) {
            findings.push(
                Finding::file(
                    W1001,
                    file,
                    "this column is not part of the format and is ignored",
                    format!(
                        "check the spelling; known columns are {}",
                        spec.required
                            .iter()
                            // A plan file's optional list is every column `plan` writes, required ones too.
                            .chain(spec.optional.iter().filter(|c| !spec.required.contains(c)))
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .at_row(1)
                .at_column(&name),
            );
        }
        columns.insert(name, i);
    }
    for &col in spec.required {
        if !columns.contains_key(col) {
            findings.push(
                Finding::file(
                    E1005,
                    file,
                    format!("the required column '{col}' is not in the header"),
                    format!("add a '{col}' column (see docs/inputs.md)"),
                )
                .at_row(1)
                .at_column(col),
            );
            ok = false;
        }
    }
    ok.then_some(columns)
}

fn utf8_cells(
    file: &str,
    line: u64,
    header: &csv::ByteRecord,
    raw: &csv::ByteRecord,
    findings: &mut Vec<Finding>,
) -> Option<Vec<String>> {
    let mut cells = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (i, bytes) in raw.iter().enumerate() {
        match std::str::from_utf8(bytes) {
            Ok(s) => cells.push(s.trim().to_string()),
            Err(_) => {
                let col = String::from_utf8_lossy(header.get(i).unwrap_or_default())
                    .trim()
                    .to_string();
                findings.push(
                    Finding::file(
                        E1004,
                        file,
                        "the value has bytes that are not UTF-8 text",
                        "save the file as UTF-8 (in Excel: CSV UTF-8)",
                    )
                    .at_row(line)
                    .at_column(&col)
                    .with_value(&String::from_utf8_lossy(bytes)),
                );
                ok = false;
            }
        }
    }
    ok.then_some(cells)
}

pub use super::cells::{MAX_ID_LEN, RowReader};

impl Table {
    /// Readers for every record, in file order.
    pub fn rows(&self) -> impl Iterator<Item = RowReader<'_>> {
        self.records.iter().map(move |r| RowReader::new(self, r))
    }
}
