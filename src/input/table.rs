//! Reading one CSV file into checked text cells, and typed access to those cells.
//!
//! The reader never stops at the first problem: a bad row is reported and skipped, a bad cell is reported and the
//! row is dropped after all its cells have been looked at, so one pass reports everything. Nothing here panics on
//! any bytes.

use crate::codes::*;
use crate::error::Finding;
use std::borrow::Cow;
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
    let text = decode(file, bytes, findings)?;
    if text.bytes.iter().all(|b| b.is_ascii_whitespace()) {
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
    parse_csv(spec, &text, findings)
}

/// A file's text as UTF-8 bytes, with the field separator it uses.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, UTF-8 (converted when the file was not).
    pub bytes: Cow<'a, [u8]>,
    /// The field separator: `,`, or a tab for Excel's UTF-16 "Unicode Text" export.
    pub delimiter: u8,
}

/// Turns a file's bytes into UTF-8 text. UTF-8 (with or without a byte order mark) is taken as it is; a UTF-16
/// byte order mark means UTF-16; any other bytes that are not UTF-8 are read as Windows-1252, which is what
/// Excel's "CSV (Comma delimited)" writes on Windows. A converted file gets a W1014 warning; only a file that is
/// not text at all (E1004) gives `None`.
pub fn decode<'a>(file: &str, bytes: &'a [u8], findings: &mut Vec<Finding>) -> Option<Decoded<'a>> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    if let Some(encoding) = utf16 {
        return decode_utf16(file, &bytes[2..], encoding, findings);
    }
    if looks_binary(bytes) {
        findings.push(Finding::file(
            E1004,
            file,
            "the file is not text: it looks like a binary file",
            "export the table as CSV UTF-8 (comma separated) under this name",
        ));
        return None;
    }
    let Err(e) = std::str::from_utf8(bytes) else {
        return Some(Decoded {
            bytes: Cow::Borrowed(bytes),
            delimiter: b',',
        });
    };
    // Windows-1252 gives a character for every byte, so this cannot fail; the warning points at the first line
    // that was not UTF-8, where an accented letter or a symbol is most likely to need a look.
    let line = bytes[..e.valid_up_to()]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1;
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    findings.push(
        recoded(
            file,
            "Windows-1252 (Excel's \"CSV (Comma delimited)\" on Windows)",
        )
        .at_row(line),
    );
    Some(Decoded {
        bytes: Cow::Owned(text.into_owned().into_bytes()),
        delimiter: b',',
    })
}

/// Decodes the bytes after a UTF-16 byte order mark. Excel's "Unicode Text" is UTF-16 with tabs between fields,
/// so a tab in the first line and no comma there means tab-separated.
fn decode_utf16<'a>(
    file: &str,
    bytes: &[u8],
    encoding: &'static encoding_rs::Encoding,
    findings: &mut Vec<Finding>,
) -> Option<Decoded<'a>> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        findings.push(Finding::file(
            E1004,
            file,
            format!(
                "the file starts as {} text but is not valid {0}",
                encoding.name()
            ),
            "save it again as \"CSV UTF-8 (comma delimited)\"",
        ));
        return None;
    }
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    findings.push(recoded(file, encoding.name()));
    Some(Decoded {
        bytes: Cow::Owned(text.into_owned().into_bytes()),
        delimiter,
    })
}

/// The W1014 warning for a file read in `encoding`.
fn recoded(file: &str, encoding: &str) -> Finding {
    Finding::file(
        W1014,
        file,
        format!("the file is not UTF-8: it was read as {encoding}"),
        "check that accented letters and symbols read right; save as CSV UTF-8 to silence this",
    )
}

/// Parses decoded CSV text into a table.
fn parse_csv(spec: FileSpec, text: &Decoded<'_>, findings: &mut Vec<Finding>) -> Option<Table> {
    let file = spec.name;
    let bytes: &[u8] = &text.bytes;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(text.delimiter)
        .from_reader(bytes);
    let mut raw = csv::ByteRecord::new();
    let header = match reader.read_byte_record(&mut raw) {
        Ok(true) => texts(&raw),
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
                    findings.push(wrong_width(file, line, raw.len(), width));
                    continue;
                }
                records.push(Record {
                    line,
                    cells: texts(&raw),
                });
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
    Some(finish(spec, columns, records, findings))
}

/// The trimmed cells of a record. The text was decoded to UTF-8 before parsing and the separators are ASCII, so
/// every cell is UTF-8; the lossy conversion only keeps this total.
fn texts(raw: &csv::ByteRecord) -> Vec<String> {
    raw.iter()
        .map(|c| String::from_utf8_lossy(c).trim().to_string())
        .collect()
}

/// E1006 for a record whose number of fields differs from the header's.
pub(super) fn wrong_width(file: &str, line: u64, fields: usize, width: usize) -> Finding {
    Finding::file(
        E1006,
        file,
        format!("the row has {fields} fields but the header has {width}"),
        "make every row have one field per header column; quote values that contain commas",
    )
    .at_row(line)
}

/// The table of the records read, with W1002 when a file without errors has no rows.
pub(super) fn finish(
    spec: FileSpec,
    columns: HashMap<String, usize>,
    records: Vec<Record>,
    findings: &mut Vec<Finding>,
) -> Table {
    let file = spec.name;
    if records.is_empty() && !findings.iter().any(|f| f.file == file && f.is_error()) {
        findings.push(Finding::file(
            W1002,
            file,
            "the file has a header but no rows",
            "add rows, or leave it empty on purpose",
        ));
    }
    Table {
        spec,
        columns,
        records,
    }
}

/// A NUL byte means a binary file, whatever the encoding. A first kilobyte that is not UTF-8 and holds control
/// characters (other than tab, line feed and carriage return) is not Windows-1252 text either: pictures, zip
/// archives (an .xlsx saved under a .csv name) and executables all have them early.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    if head.contains(&0) {
        return true;
    }
    std::str::from_utf8(head).is_err_and(|e| {
        // A multi-byte character cut at the 1 KiB boundary is still text.
        e.error_len().is_some()
            && head
                .iter()
                .any(|b| (*b < 0x20 && !b"\t\n\r".contains(b)) || *b == 0x7F)
    })
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

/// Checks a header row (trimmed names) against the spec: E1007 for a repeated name, W1001 for an unknown one,
/// E1005 for a missing required one. `None` when the table cannot be read.
pub(super) fn read_header(
    spec: FileSpec,
    header: &[String],
    findings: &mut Vec<Finding>,
) -> Option<HashMap<String, usize>> {
    let file = spec.name;
    let mut columns = HashMap::new();
    let mut ok = true;
    for (i, name) in header.iter().enumerate() {
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

pub use super::cells::{MAX_ID_LEN, RowReader};

impl Table {
    /// Readers for every record, in file order.
    pub fn rows(&self) -> impl Iterator<Item = RowReader<'_>> {
        self.records.iter().map(move |r| RowReader::new(self, r))
    }
}
