//! The broken-input corpus: `tests/data/broken/cases.toml` lists edits to a valid data set and the finding each
//! must produce. Every case must exit 2 and report its expected code at its expected file, row and column.

use crate::common::*;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// Folder under tests/data to start from.
    #[serde(default = "default_base")]
    base: String,
    edits: Vec<Edit>,
    expect: Expect,
}

fn default_base() -> String {
    "tiny".into()
}

/// One edit of a copy of the base data set. Rows are spreadsheet line numbers (header = 1).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    /// Set one cell.
    set: Option<SetCell>,
    /// Replace the whole file with this text.
    write: Option<String>,
    /// Replace the whole file with these bytes (hex).
    write_hex: Option<String>,
    /// Append this line.
    append: Option<String>,
    /// Remove the file.
    #[serde(default)]
    delete: bool,
    /// Remove a column (header and cells).
    drop_column: Option<String>,
    /// Rename a column.
    rename_column: Option<[String; 2]>,
    /// Remove a row by line number.
    delete_row: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetCell {
    row: usize,
    column: String,
    value: Option<String>,
    /// The value as hex bytes (for encodings that are not UTF-8).
    value_hex: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: String,
    file: String,
    row: Option<u64>,
    column: Option<String>,
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Reads a CSV file as rows of byte cells (no header handling, so the header is row 1).
fn read_rows(path: &Path) -> Vec<Vec<Vec<u8>>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    r.byte_records()
        .map(|rec| rec.unwrap().iter().map(<[u8]>::to_vec).collect())
        .collect()
}

fn write_rows(path: &Path, rows: &[Vec<Vec<u8>>]) {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.flush().unwrap();
}

fn column_index(rows: &[Vec<Vec<u8>>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name.as_bytes())
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn apply(dir: &Path, e: &Edit) {
    let path = dir.join(&e.file);
    if e.delete {
        std::fs::remove_file(&path).unwrap();
    }
    if let Some(text) = &e.write {
        std::fs::write(&path, text).unwrap();
    }
    if let Some(h) = &e.write_hex {
        std::fs::write(&path, hex(h)).unwrap();
    }
    if let Some(line) = &e.append {
        let mut text = std::fs::read(&path).unwrap_or_default();
        if !text.is_empty() && !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
        std::fs::write(&path, text).unwrap();
    }
    if let Some(set) = &e.set {
        let mut rows = read_rows(&path);
        let col = column_index(&rows, &set.column);
        let value = match (&set.value, &set.value_hex) {
            (Some(v), None) => v.as_bytes().to_vec(),
            (None, Some(h)) => hex(h),
            _ => panic!("set needs exactly one of value and value_hex"),
        };
        rows[set.row - 1][col] = value;
        write_rows(&path, &rows);
    }
    if let Some(name) = &e.drop_column {
        let mut rows = read_rows(&path);
        let col = column_index(&rows, name);
        for row in &mut rows {
            row.remove(col);
        }
        write_rows(&path, &rows);
    }
    if let Some([from, to]) = &e.rename_column {
        let mut rows = read_rows(&path);
        let col = column_index(&rows, from);
        rows[0][col] = to.as_bytes().to_vec();
        write_rows(&path, &rows);
    }
    if let Some(row) = e.delete_row {
        let mut rows = read_rows(&path);
        rows.remove(row - 1);
        write_rows(&path, &rows);
    }
}

#[test]
fn every_broken_input_gives_its_code_file_row_and_exit_2() {
    let text = std::fs::read_to_string(data("broken/cases.toml")).unwrap();
    let corpus: Corpus = toml::from_str(&text).unwrap();
    assert!(
        corpus.case.len() >= 30,
        "the corpus must hold at least 30 cases, has {}",
        corpus.case.len()
    );
    let mut failures = Vec::new();
    for case in &corpus.case {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(&case.base);
        copy_dir(&data(&case.base), &dir);
        for e in &case.edits {
            apply(&dir, e);
        }
        let (code, json) = validate_json(&dir);
        let findings = json["findings"].as_array().cloned().unwrap_or_default();
        let hit = findings.iter().any(|f| {
            f["code"] == case.expect.code.as_str()
                && f["file"] == case.expect.file.as_str()
                && case.expect.row.is_none_or(|r| f["row"] == r)
                && case
                    .expect
                    .column
                    .as_deref()
                    .is_none_or(|c| f["column"] == c)
        });
        if code != 2 || !hit {
            failures.push(format!(
                "{}: exit {code}, findings {}",
                case.name,
                serde_json::to_string(&findings).unwrap()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
